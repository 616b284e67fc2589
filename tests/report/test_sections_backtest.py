"""The backtest section (kg_metrics.report.sections.backtest, templates/sections/backtest.html.j2): the overview's
last part, every target against the 2024 outturn and the July assessment against what happened, in both languages."""
from __future__ import annotations

import html

import pytest

from kg_metrics.data.scenario_files import load_scenario
from kg_metrics.report.briefing import Briefing


@pytest.fixture(scope="module")
def overview(registry, observations):
    return {lang: Briefing(registry, observations, lang=lang, notebook="overview") for lang in ("vi", "en")}


def _text(b: Briefing) -> str:
    return html.unescape(b.section("backtest").text)


def test_data_counts_and_records(overview):
    d = overview["vi"].data("backtest")
    assert d["anchor"] == "backtest" and d["year"] == 2024 and d["july_as_of"] == "2024-07-18"
    assert d["counts"] == {"met": 15, "missed": 1, "within_rounding": 1, "no_outturn": 6} and d["n_targets"] == 23
    t = {r["target_id"]: r for r in d["targets"]}
    assert t["pi_disbursement_fy2024"]["target"] == "≥ 95%" and t["pi_disbursement_fy2024"]["outturn"] == "75,22%"
    assert (t["pi_disbursement_fy2024"]["margin"], t["pi_disbursement_fy2024"]["margin_pct"]) == ("−19,78 điểm %", "−20,8%")
    assert t["retail_h2_2024"]["outturn"] is None and t["retail_h2_2024"]["margin"] == "—"
    assert t["rice_h2_2024"]["outturn_derived"] and t["rice_h2_2024"]["outturn"] == "2,03 triệu tấn"
    assert round(t["grdp_growth_fy2024"]["july_p_met"], 2) == 0.72
    (note,) = d["rounding_notes"]
    assert (note["fy"]["value"], note["h1"]["value"], note["h1"]["qualifier"]) == (4.6, 2.57, ">")
    assert note["fy"]["step"] == pytest.approx(0.1) and note["h1"]["step"] == pytest.approx(0.01)
    assert d["brier_count"] == 4 and 0 <= d["brier"] <= 1
    assert (d["july_clear"], d["july_expected"]) == (7, 7)  # every clear outcome as assessed in July
    assert sum(r["agreement"] in ("expected", "surprise") for r in d["targets"]) == 7


def test_page_vi(overview):
    text = _text(overview["vi"])
    assert text.startswith('<div class="page-break" id="backtest"></div>')  # the index links to it
    for s in ("<h2>Đối chiếu: các mục tiêu năm 2024 so với kết quả thực hiện</h2>", "75,22%", "≥ 95%", "7,5%", "≥ 6,7%",
              '<span class="status status-off_track verdict-missed">Không đạt</span>', "−19,78 điểm %<br>(−20,8%)",
              '<span class="status status-met verdict-met">Đạt</span>', "+0,80 điểm %<br>(+11,9%)",
              "news.laodong.vn", "baophapluat.vn", '2,03 triệu tấn<br><span class="derived">(tính suy ra)</span>',
              "<h4>Trong sai số làm tròn</h4>",
              "4,6 − trên 2,57 = 2,03 triệu tấn (tính suy ra) so với mục tiêu ≥ 2,035 triệu tấn: thiếu 0,005 triệu tấn",
              "±0,055 triệu tấn: 4,6 làm tròn đến 0,1; 2,57 làm tròn đến 0,01",
              "Số liệu 6 tháng đầu năm “trên 2,57” là cận dưới, nên số 6 tháng cuối năm tính suy ra là cận trên.</li>",
              '<span class="missing">chưa có số liệu</span>', "Kết quả: 15 chỉ tiêu đạt, 1 không đạt, 1 trong sai số "
              "làm tròn, 6 chưa có số liệu thực hiện (tổng 23).", "Điểm Brier của 4 xác suất ước lượng tháng 7",
              "tháng 7 chưa đánh giá được", "đúng như đánh giá", "Tình trạng ngày 18/7/2024",
              '<td class="num" style="white-space: normal">', '<span class="missing">không ước lượng</span>',
              "Trong 7 chỉ tiêu có cả đánh giá tháng 7 và kết quả rõ ràng, 7 đúng như đánh giá."):
        assert s in text, s
    assert "7.5%" not in text and "75.22" not in text


def test_page_en(overview):
    text = _text(overview["en"])
    for s in ("75.22%", "≥ 95%", "7.5%", "≥ 6.7%", "Missed", "Within rounding", '<span class="missing">not available</span>',
              "−19.78 pp", "as assessed", "4.6 − over 2.57 = 2.03 Mt (derived)", "Status on 18 July 2024",
              "Sources of the outturns", "(Vietnamese: <em>Nghị quyết về tiếp tục"):
        assert s in text, s
    assert "75,22" not in text


def test_sources_list_each_input_once(overview):
    d = overview["en"].data("backtest")
    keys = [(s["name"], s["period"], s["measure"]) for s in d["sources"]]
    assert len(keys) == len(set(keys))
    rice = [s for s in d["sources"] if s["name"] == "Rice output"]
    assert {s["period"] for s in rice} >= {"2024", "H1 2024"} and all(s["source_url"] for s in rice)


def test_only_the_plain_overview_has_it(registry, observations, overview):
    low = load_scenario("low", registry.data_dir, registry)
    assert Briefing(registry, observations, notebook="overview", scenario=low).data("backtest") is None
    assert not Briefing(registry, observations, notebook="overview", scenario=low).section("backtest")
    assert Briefing(registry, observations, notebook="sector", sector="tourism").data("backtest") is None
    assert 'id="backtest"' in overview["vi"].section("backtest").text
