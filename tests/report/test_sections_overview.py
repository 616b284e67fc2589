"""The overview's economic sections (kg_metrics.report.sections.grdp, .contributions, .probability): their data,
checked against arithmetic done by hand, and what they show in Vietnamese and English."""
from __future__ import annotations

import re

import pytest

from kg_metrics.report import container
from kg_metrics.report.briefing import Briefing


@pytest.fixture(scope="module")
def make(registry, observations):
    """A briefing per (language, sector), shared by the tests that only read text (figure numbers run on)."""
    cache: dict = {}

    def _make(lang: str, sector: str | None = None) -> Briefing:
        if (lang, sector) not in cache:
            cache[lang, sector] = fresh(registry, observations, lang, sector)
        return cache[lang, sector]

    return _make


def fresh(registry, obs, lang: str = "vi", sector: str | None = None) -> Briefing:
    return Briefing(registry, obs, lang=lang, sector=sector, notebook="sector" if sector else "overview")


def without(obs, indicator: str, period: str, measure: str | None = None):
    """The observations less one figure (all its measures unless ``measure``)."""
    drop = (obs["indicator"] == indicator) & (obs["period"] == period)
    if measure:
        drop &= obs["measure"] == measure
    return obs[~drop]


# --------------------------------------------------------------------------- grdp: the arithmetic
def test_required_h2_growth_by_hand(make):
    r = make("vi").data("grdp")["required"]
    # w₁ = GRDP H1 2023 / GRDP 2023 = 35 872 / 72 799,77 (2023 derived: 78 259,75 / 1,075)
    assert r["base_h1"]["value"] == 35872 and r["base_fy"]["value"] == pytest.approx(78259.75 / 1.075)
    w = 35872 / (78259.75 / 1.075)
    assert r["h1_weight"] == pytest.approx(w) and round(w, 4) == 0.4927
    # g₂ = (g − w₁·g₁) / (1 − w₁) with g = 6,7 and g₁ = 6,84
    assert r["required_h2_growth_pct"] == pytest.approx((6.7 - w * 6.84) / (1 - w))
    # equal halves: g₂ = 2g − g₁
    assert r["equal_halves_h2_growth_pct"] == pytest.approx(2 * 6.7 - 6.84)
    assert r["resolution_h2_growth_pct"] == 6.56 and r["target_growth_pct"] == 6.7
    assert not r["h1_weight_overridden"] and r["later_inputs"]  # 2023 rests on the 2024 outturn
    assert r["base_fy"]["status"] == "derived" and "78.259,75 / 1,075 = 72.799,77" in r["base_fy"]["derivation"]


def test_contributions_add_up_to_h1_growth(make):
    d = make("vi").data("grdp")
    df = d["contributions"]
    assert list(df["component"]) == ["va_agri", "va_industry", "va_services", "va_taxes"]
    assert df["weight_pct"].sum() == pytest.approx(100)
    # contribution = weight × growth; they add up to H1 GRDP growth (6,84%)
    assert list(df["contribution_pp"]) == pytest.approx(list(df["weight"] * df["growth_pct"]))
    assert df["contribution_pp"].sum() == pytest.approx(d["h1_growth"]["value"], abs=0.05) and d["h1_growth"]["value"] == 6.84
    assert [(n["kind"], n["name"]) for n in d["weight_notes"]] == [("lower_bound", "Dịch vụ"),
                                                                  ("derived", "Thuế sản phẩm trừ trợ cấp")]
    assert d["weight_notes"][0]["value"] == "trên 12.862 tỷ đồng"


# --------------------------------------------------------------------------- grdp: the text
@pytest.mark.parametrize("lang, present, absent", [
    ("vi", ["<h2>Tăng trưởng kinh tế (GRDP)</h2>", "tăng <strong>6,84%</strong> so với cùng kỳ năm 2023 (ước tính; nguồn: ",
            ">agrimate.vn</a>", "6 tháng cuối năm", "<strong>g₂ = (g − w₁·g₁) / (1 − w₁)</strong>",
            "g₂ = (6,7 − 0,4927 × 6,84) / (1 − 0,4927) = <strong>6,56%</strong>, khớp với con số 6,56% của nghị quyết.",
            "35.872 / 72.799,77 = 0,4927", "trên 35.872 tỷ đồng", "≈72.799,77 tỷ đồng", "78.259,75 / 1,075 = 72.799,77",
            '<span class="derived">tính suy ra</span>', "2g − g₁ = 6,56%", "<td>Y 2023</td>", "Nghị quyết, Điều 1, khoản 1",
            "Các số liệu đầu vào này thuộc kỳ kết thúc sau ngày đánh giá.",
            "Quyền số: Dịch vụ: số liệu công bố là “trên 12.862 tỷ đồng”; Thuế sản phẩm trừ trợ cấp: tính suy ra, "],
     ["6.56%", "6.84%", "giả định của kịch bản"]),
    ("en", ["GRDP grew <strong>6.84%</strong> in H1 2024 on H1 2023", "(2010 prices; estimate; source: ",
            "g₂ = (6.7 − 0.4927 × 6.84) / (1 − 0.4927) = <strong>6.56%</strong>, matching the resolution's 6.56%.",
            "35,872 / 72,799.77 = 0.4927", "over 35,872 bn VND", "78,259.75 / 1.075 = 72,799.77", "derived",
            "Resolution, Article 1, clause 1"],
     ["6,56%", "6,84%"]),
])
def test_grdp_text(make, lang, present, absent):
    text = make(lang).section("grdp").text
    for s in present:
        assert s in text, s
    for s in absent:
        assert s not in text, s


@pytest.mark.parametrize("lang, cells", [
    ("vi", ["Nông, lâm nghiệp và thủy sản", "Công nghiệp và xây dựng", "Dịch vụ", "Thuế sản phẩm trừ trợ cấp",
            '<td class="num">2,46%</td>', '<td class="num">+0,95 điểm %</td>', '<td class="num">10,35%</td>',
            '<td><strong>GRDP (tổng)</strong></td><td class="num">6,84%</td><td class="num">100,0%</td>'
            '<td class="num">+6,84 điểm %</td>']),
    ("en", ["Agriculture, forestry and fishery", '<td class="num">+0.95 pp</td>',
            '<td><strong>GRDP (total)</strong></td><td class="num">6.84%</td><td class="num">100.0%</td>']),
])
def test_contributions_table(make, lang, cells):
    text = make(lang).section("grdp").text
    assert text.count('<table class="kg">') == 2  # contributions, then the inputs of g₂
    for s in cells:
        assert s in text, s


def test_required_growth_names_the_missing_inputs(registry, observations):
    b = fresh(registry, without(observations, "grdp", "FY-2023"), "vi")
    assert b.data("grdp")["required"]["missing"] == ["fy"]
    text = b.section("grdp").text
    assert "Chưa tính được tốc độ tăng cần đạt 6 tháng cuối năm 2024: thiếu số liệu GRDP năm 2023." in text
    assert text.count("<table") == 1  # the contributions, no inputs table
    # a briefing without any GRDP figure: every input named, and H1 growth missing
    b = fresh(registry, observations[observations["indicator"] != "grdp"], "en")
    text = b.section("grdp").text
    assert "H1 2024 GRDP growth is not available." in text
    assert "cannot be computed: H1 2024 GRDP growth, H1 2023 GRDP, 2023 GRDP is missing." in text


def test_a_scenario_weight_is_shown_beside_the_data_one(registry, observations):
    b = fresh(registry, observations, "vi")
    b.h1_weights = {"grdp": 0.5}  # what a scenario's h1_weight sets
    r = b.data("grdp")["required"]
    assert r["h1_weight_overridden"] and r["h1_weight"] == 0.5 and round(r["h1_weight_data"], 4) == 0.4927
    assert r["required_h2_growth_pct"] == pytest.approx(2 * 6.7 - 6.84)  # equal halves
    text = b.section("grdp").text
    assert ('<td>w₁</td><td>Quyền số 6 tháng đầu năm 2023 (w₁)</td><td class="num">0,5000</td>'
            '<td><span class="scenario">giả định của kịch bản</span></td>') in text
    assert "g₂ = (6,7 − 0,5000 × 6,84) / (1 − 0,5000) = <strong>6,56%</strong>" in text


def test_the_section_renders_edited_data(make):
    b = make("vi")
    data = b.data("grdp")
    data["required"]["resolution_h2_growth_pct"] = 7.0
    text = b.section("grdp", data).text
    assert "khác với con số 7% của nghị quyết" in text and "đạt từ 7% trở lên" in text


# --------------------------------------------------------------------------- contributions chart
def test_contributions_chart_section(registry, observations):
    b = fresh(registry, observations, "vi")
    sec = b.section("contributions")
    assert len(sec.figures) == 1 and not sec.figures[0]._suptitle
    assert sec.text.startswith("<h3>Đóng góp của các khu vực vào tăng trưởng 6 tháng đầu năm 2024</h3>")
    assert ('<p class="caption">Hình 1. Đóng góp của từng khu vực vào tăng trưởng GRDP 6 tháng đầu năm 2024 '
            "(điểm phần trăm); tổng các đóng góp: +6,84 điểm %. Quyền số: giá trị tăng thêm 6 tháng đầu năm 2023; "
            "thanh gạch chéo: quyền số tính suy ra.</p>") in sec.text
    en = fresh(registry, observations, "en").section("contributions").text
    assert "Figure 1. Each sector&#39;s contribution to H1 2024 GRDP growth" in en and "add up to +6.84 pp" in en


def test_no_contributions_without_every_sector(registry, observations):
    b = fresh(registry, without(observations, "va_taxes", "H1-2024"), "vi")
    assert b.data("contributions")["contributions"] is None
    sec = b.section("contributions")
    assert not sec.figures and "Chưa tính được đóng góp của các khu vực: thiếu số liệu." in sec.text
    assert "Chưa tính được đóng góp" in b.section("grdp").text
    assert b.figure_number("next") == 1  # no figure number was used


def test_section_displays_each_block(monkeypatch, make):
    shown = []
    monkeypatch.setattr(container, "display", lambda obj, **kw: shown.append(obj))
    make("vi").section("contributions")._ipython_display_()
    assert [type(o).__name__ for o in shown] == ["HTML", "Figure", "HTML"]


# --------------------------------------------------------------------------- probability
def test_overview_probability_section(make):
    sec = make("vi").section("probability")
    for s in ("<h2>Xác suất đạt mục tiêu", "100.000 lần", "hạt giống 20240718", "không tính các năm COVID-19 (2020, 2021)",
              "Có xác suất cho 4/23 chỉ tiêu", '<td class="num">72%</td>', '<td class="num">81%</td>',
              "<th>Lĩnh vực</th>", "chưa đủ số liệu các năm trước: 1 năm dùng được (2023), cần ít nhất 2",
              "thiếu số liệu 6 tháng đầu năm 2024", '<span class="missing">không ước lượng</span>',
              "không có năm nào trước đó có đủ số liệu 6 tháng đầu năm và cả năm (ngoài các năm COVID-19) — Tổng sản "
              "lượng thủy sản khai thác và nuôi trồng, 6 tháng cuối năm 2024",
              "Biểu đồ phân bố của các chỉ tiêu theo lĩnh vực: xem bản tin của từng lĩnh vực."):
        assert s in sec.text, s
    assert len(sec.figures) == 2  # the GRDP targets; tourism's fans are in its own briefing


def test_probability_data(make):
    d = make("en").data("probability")
    assert len(d["targets"]) == 23 and sum(o["available"] for o in d["targets"]) == 4
    assert d["show_sector"] and d["fans_elsewhere"] and {f["sector"] for f in d["fans"]} == {"economy"}
    by_id = {o["target_id"]: o for o in d["targets"]}
    t = by_id["tourists_fy2024"]
    assert t["method"] == "h2_h1_ratio" and t["years"] == [2019, 2022, 2023] and t["why"] == ""
    assert t["basis"] == "H2 / H1 ratio in 2019, 2022, 2023; COVID-19 years 2020, 2021 left out"
    assert by_id["rice_fy2024"]["p_met"] is None and by_id["rice_fy2024"]["basis"].startswith("No probability: ")


def test_sector_probability_section(make):
    b = make("en", "tourism")
    d = b.data("probability")
    assert not d["show_sector"] and not d["fans_elsewhere"] and len(d["fans"]) == 2
    sec = b.section("probability")
    assert len(sec.figures) == 2 and "Probability of meeting it ≈ 81%" in sec.text
    assert "<thead><tr><th>Indicator</th><th>Period</th>" in sec.text  # no sector column in a sector briefing
    assert "too little history: 1 usable year(s) (2019), at least 2 needed" in sec.text
    assert "see each sector's briefing" not in sec.text


def test_figure_numbers_follow_the_order_of_the_sections(registry, observations):
    b = fresh(registry, observations, "en")
    assert b.data("contributions")["figure_no"] == 1
    assert [f["figure_no"] for f in b.data("probability")["fans"]] == [2, 3]
    captions = re.findall(r'<p class="caption">Figure (\d+)\.', b.section("probability").text)
    assert captions == ["2", "3"]  # rendering again keeps the numbers (an inspect cell re-run renumbers nothing)


def test_no_probability_section_without_targets(make):
    b = make("vi", "culture_society")
    assert b.data("probability") is None and not b.section("probability")
