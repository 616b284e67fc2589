"""The scenario section (kg_metrics.report.sections.scenario, templates/sections/scenario*.html.j2): a scenario's
assumptions with their sources, what they imply for GRDP and every target, and the banner under the title."""
from __future__ import annotations

import html

import pytest

from kg_metrics.data.scenario_files import H1Weight, Scenario, load_scenario, scenario_names
from kg_metrics.report import templating
from kg_metrics.report.briefing import Briefing


@pytest.fixture(scope="module")
def low(registry, observations, shipped):
    return {lang: Briefing(registry, observations, lang=lang, scenario=shipped["low"]) for lang in ("vi", "en")}


@pytest.fixture(scope="module")
def shipped(registry):
    return {n: load_scenario(n, reg=registry) for n in scenario_names()}


def _text(b: Briefing) -> str:
    return html.unescape(b.section("scenario").text)


def test_data_low(registry, observations, shipped):
    d = Briefing(registry, observations, scenario=shipped["low"]).data("scenario")
    assert d["name"] == "low" and d["file"] == "data/scenarios/low.yml" and d["sector"] is None
    kinds = {(a["kind"], a["key"]): a for a in d["assumptions"]}
    assert kinds[("h2_growth", "va_agri")]["value"] == 0.79 and kinds[("h2_growth", "va_agri")]["shown"] == "0,79%"
    assert kinds[("h2_growth", "tourists")]["value"] == -12.86
    assert kinds[("h2_growth", "tourists")]["source"].startswith("derived from observations/tourism.csv")
    g = d["grdp"]
    assert round(g["annual_growth_pct"], 2) == 5.49 and round(g["h2_growth_pct"], 2) == 4.17
    assert (g["comparator"], g["target"], g["met"]) == ("≥", 6.7, False) and g["h1_weight_source"] == "data"
    assert [c["component"] for c in d["components"]] == ["va_agri", "va_industry", "va_services", "va_taxes"]
    assert {c["h2_growth_source"] for c in d["components"]} == {"scenario"}
    assert d["figure_no"] == 1 and d["chart"] is not None
    t = {r["target_id"]: r for r in d["targets"]}
    assert t["tourists_fy2024"]["projected_shown"] == "8,566 triệu lượt khách" and t["tourists_fy2024"]["met"] is False
    assert "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng, năm 2024" in d["unprojected"]["h2_base"]


def test_section_vi(low):
    b = low["vi"]
    text = _text(b)
    for s in ("<h2>Kịch bản low: giả định và kết quả</h2>", "(tệp data/scenarios/low.yml)", "0,79%", "vccinews.com",
              "Tăng trưởng GRDP cả năm 2024 theo kịch bản: <strong>5,49%</strong>", "0,4927 × 6,84% + 0,5073 × 4,17%",
              "mục tiêu ≥ 6,7%: <strong>không đạt</strong>", "6 tháng đầu năm 2023", "-12,86%",
              '<span class="data-note" lang="en">', "derived from observations/tourism.csv",
              '<span class="derived">≈8,566 triệu lượt khách</span>', "<strong>GRDP (tổng)</strong>",
              '<span class="status status-off_track">Không đạt</span>', "thiếu số liệu 6 tháng cuối năm 2023",
              '<ul class="kg-unprojected"><li><span class="status status-not_assessable">Chưa tính được</span>',
              "Hình 1. Đóng góp của từng khu vực vào tăng trưởng GRDP năm 2024 theo kịch bản low"):
        assert s in text, s
    assert len(b.section("scenario").figures) == 1


def test_section_en_uses_english_numbers(low):
    text = _text(low["en"])
    assert "GRDP growth in 2024 under the scenario: <strong>5.49%</strong>" in text
    assert "target ≥ 6.7%: <strong>missed</strong>" in text and "<h2>Scenario low: assumptions and outcomes</h2>" in text
    assert "5,49" not in text


def test_a_set_weight_is_an_assumption_and_a_note(registry, observations):
    s = Scenario(name="halves", title_vi="x", title_en="x",
                 h1_weight=H1Weight(h1_weight=0.5, justification="equal halves", source="https://example.org/w"))
    text = _text(Briefing(registry, observations, scenario=s))
    assert ('<tr><td>Quyền số 6 tháng đầu năm 2023 (w₁)</td><td class="num">0,5000</td><td><span class="data-note" '
            'lang="en">equal halves</span></td><td><a href="https://example.org/w">example.org</a></td></tr>') in text
    assert "w₁ = 0,5000 theo kịch bản (số liệu: 0,4927)." in text


def test_a_revised_h1_growth(registry, observations, shipped):
    text = _text(Briefing(registry, observations, lang="en", scenario=shipped["h1_revised"]))
    assert "g₁ = 5.86% is the scenario's revision." in text
    assert ", growth, H1 2024 (revised)</td><td class=\"num\">5.86%</td>" in text


def test_sector_section_shows_its_targets_only(registry, shipped):
    b = Briefing.load("tourism", "vi", scenario="low")
    text = _text(b)
    assert "Lượt khách du lịch" in text and "Sản lượng lúa" not in text and "GRDP" not in text
    assert b.section("scenario").figures == [] and b.data("scenario")["grdp"] is None


def test_a_sector_without_assumptions_says_so(registry, observations, shipped):
    b = Briefing(registry, observations, notebook="sector", sector="agriculture", scenario=shipped["h1_revised"])
    assert "Kịch bản này không đặt giả định nào cho lĩnh vực này (các giả định khác: tệp data/scenarios/h1_revised.yml)." \
        in _text(b)
    base = Briefing(registry, observations, scenario=shipped["baseline"])
    assert "Kịch bản này không thay đổi số liệu nào." in _text(base)


def test_plain_briefing_has_no_scenario_section(registry, observations):
    b = Briefing(registry, observations)
    assert b.data("scenario") is None and not b.section("scenario")


@pytest.mark.parametrize("lang, name, title", [
    ("vi", "Kịch bản: low", "Thấp"), ("en", "Scenario: low", "Low"),
])
def test_banner(lang, name, title, shipped):
    text = templating.render("scenario_banner.html.j2", lang, scenario=shipped["low"]).text
    assert text.startswith('<div class="scenario scenario-banner" role="note"')
    assert f"<p><strong>{name}</strong></p><p>{title}" in text
    assert text.count("<p>") == 3  # name, title and warning, description


def test_banner_escapes_and_leaves_out_an_empty_description():
    s = Scenario(name="x", title_vi="a<b", title_en="a<b", description_vi="", description_en="")
    text = templating.render("scenario_banner.html.j2", "en", scenario=s).text
    assert "<p>a&lt;b. This is a scenario briefing" in text and text.count("<p>") == 2
