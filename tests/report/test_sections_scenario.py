"""The scenario section (kg_metrics.report.sections.scenario, templates/sections/scenario*.html.j2): a scenario's
assumptions with their sources, what they imply for GRDP and every target, and the banner under the title."""
from __future__ import annotations

import html

import pytest

from kg_metrics.data.scenario_files import H1Weight, Scenario, load_scenario, scenario_names
from kg_metrics.report import templating
from kg_metrics.report.briefing import Briefing
from tests.conftest import GRDP_SYNTHETIC_ROWS


#: What the GRDP and tourist outcomes need but was not published by 18/7/2024 (as tests/analysis/test_scenarios.py):
#: services' and product taxes' H1 2023 levels, the components' H1 2024 growth (the H2 pace where a scenario sets
#: none) and the H1 2024 tourist count; (file, indicator, measure, period, value, unit, published), estimates.
SYNTHETIC_ROWS = [
    *GRDP_SYNTHETIC_ROWS,
    ("tourism", "tourists", "level", "H1-2024", "5,472384", "m_arrivals", "2024-07-15"),
]
# H1 2023 value added (bn VND): agriculture and industry from economy.csv, services and taxes the rows above
H1_2023 = {"va_agri": 13897.96, "va_industry": 7151.09, "va_services": 12862.0, "va_taxes": 1960.95}
# low.yml's H2 paces; w₁ as of 18/7/2024 is the resolution's (6,7 − 6,56) / (6,84 − 6,56) = 0,5 (no 2023 level yet)
LOW = {"va_agri": 0.79, "va_industry": 7.09, "va_services": 6.15, "va_taxes": 4.6}
W1 = (6.7 - 6.56) / (6.84 - 6.56)
G2_LOW = sum(H1_2023[c] / 35872 * LOW[c] for c in LOW)
ANNUAL_LOW = W1 * 6.84 + (1 - W1) * G2_LOW
TOURISTS_LOW = 5.472384 + (8.5 - 5) * (1 - 0.1352)  # H1 2024 + H2 2023 ('>8,5' − '≈5') × (1 − 13,52%)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, csv_tools):
    dest = csv_tools.copy_data(tmp_path_factory.mktemp("scenario"))
    csv_tools.add_observations_by_file(dest, SYNTHETIC_ROWS)
    return csv_tools.load(dest)


@pytest.fixture(scope="module")
def low(synthetic):
    reg, obs = synthetic
    scenario = load_scenario("low", reg=reg)  # the copy's data/scenarios/low.yml
    return {lang: Briefing(reg, obs, lang=lang, scenario=scenario) for lang in ("vi", "en")}


@pytest.fixture(scope="module")
def shipped(registry):
    return {n: load_scenario(n, reg=registry) for n in scenario_names()}


def _text(b: Briefing) -> str:
    return html.unescape(b.section("scenario").text)


def test_data_low(low):
    d = low["vi"].data("scenario")
    assert d["name"] == "low" and d["file"] == "data/scenarios/low.yml" and d["sector"] is None
    kinds = {(a["kind"], a["key"]): a for a in d["assumptions"]}
    assert kinds[("h2_growth", "va_agri")]["value"] == 0.79 and kinds[("h2_growth", "va_agri")]["shown"] == "0,79%"
    # tourists: H2 2023 on H2 2022 = (8,5 − 5) / (7,568182 − 5 / 1,42) − 1 (tourism.csv, published by 18/7/2024)
    assert round(((8.5 - 5) / (7.568182 - 5 / 1.42) - 1) * 100, 2) == -13.52
    assert kinds[("h2_growth", "tourists")]["value"] == -13.52
    assert kinds[("h2_growth", "tourists")]["source"].startswith("derived from observations/tourism.csv")
    g = d["grdp"]
    assert g["annual_growth_pct"] == pytest.approx(ANNUAL_LOW) and g["h2_growth_pct"] == pytest.approx(G2_LOW)
    assert round(ANNUAL_LOW, 2) == 5.51 and round(G2_LOW, 2) == 4.18
    assert (g["comparator"], g["target"], g["met"]) == ("≥", 6.7, False)
    assert [c["component"] for c in d["components"]] == ["va_agri", "va_industry", "va_services", "va_taxes"]
    assert {c["h2_growth_source"] for c in d["components"]} == {"scenario"}
    assert d["figure_no"] == 1 and d["chart"] is not None
    t = {r["target_id"]: r for r in d["targets"]}
    assert round(TOURISTS_LOW, 3) == 8.499  # 5,472384 + 3,5 × 0,8648
    assert t["tourists_fy2024"]["projected"] == pytest.approx(TOURISTS_LOW) and t["tourists_fy2024"]["met"] is False
    assert "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng, năm 2024" in d["unprojected"]["h2_base"]


def test_section_vi(low):
    b = low["vi"]
    text = _text(b)
    for s in ('<h2 id="scenario">Kịch bản low: giả định và kết quả</h2>', "(tệp data/scenarios/low.yml)", "0,79%", "vccinews.com",
              "Tăng trưởng GRDP cả năm 2024 theo kịch bản: <strong>5,51%</strong>", "0,5000 × 6,84% + 0,5000 × 4,18%",
              "mục tiêu ≥ 6,7%: <strong>không đạt</strong>", "6 tháng đầu năm 2023", "-13,52%",
              # the file's Vietnamese justification (justification_vi), never its English one
              '<span class="data-note">6 tháng cuối năm 2023 so với 6 tháng cuối năm 2022: (8,5 − 5)',
              "derived from observations/tourism.csv",
              '<span class="derived">≈8,499 triệu lượt khách</span>', "<strong>GRDP (tổng)</strong>",
              '<span class="status status-off_track">Không đạt</span>', "thiếu số liệu 6 tháng cuối năm 2023",
              '<ul class="kg-unprojected"><li><span class="status status-not_assessable">Chưa tính được</span>',
              "Hình 1. Đóng góp của từng khu vực vào tăng trưởng GRDP năm 2024 theo kịch bản low"):
        assert s in text, s
    assert len(b.section("scenario").figures) == 1


def test_section_en_uses_english_numbers(low):
    text = _text(low["en"])
    assert "GRDP growth in 2024 under the scenario: <strong>5.51%</strong>" in text
    assert "target ≥ 6.7%: <strong>missed</strong>" in text and '<h2 id="scenario">Scenario low: assumptions and outcomes</h2>' in text
    assert "5,51" not in text
    # the file's English justification, in English numbers (justification_en)
    assert '<span class="data-note">H2 2023 on H2 2022: (8.5 − 5) / (7.568182 − 5/1.42) − 1' in text


def test_a_set_weight_is_an_assumption_and_a_note(synthetic):
    reg, obs = synthetic
    s = Scenario(name="halves", title_vi="x", title_en="x",
                 h1_weight=H1Weight(h1_weight=0.5, justification="equal halves", source="https://example.org/w"))
    # as of 31/3/2025 the data's w₁ is 35.872 / (78.259 / 1,075) = 0,4928 (the 2023 level from the 2024 outturn)
    assert round(35872 / (78259 / 1.075), 4) == 0.4928
    text = _text(Briefing(reg, obs, scenario=s, as_of="2025-03-31"))
    # a file with no Vietnamese justification: its author's note, as written
    assert ('<tr><td>Quyền số 6 tháng đầu năm 2023 (w₁)</td><td class="num">0,5000</td><td><span class="data-note">'
            'equal halves</span></td><td><a href="https://example.org/w">example.org</a></td></tr>') in text
    s_vi = s.model_copy(update={"h1_weight": s.h1_weight.model_copy(update={"justification_vi": "hai nửa năm bằng nhau"})})
    assert '<span class="data-note">hai nửa năm bằng nhau</span>' in _text(Briefing(reg, obs, scenario=s_vi,
                                                                                     as_of="2025-03-31"))
    assert "w₁ = 0,5000 theo kịch bản (số liệu: 0,4928)." in text


def test_a_revised_h1_growth(synthetic):
    reg, obs = synthetic
    text = _text(Briefing(reg, obs, lang="en", scenario=load_scenario("h1_revised", reg=reg)))
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
