"""Per-target assessment on the shipped data, checked against arithmetic done by hand."""
from __future__ import annotations

import pytest

from kg_metrics.analysis.assessment import (assess_targets, executive_summary, grdp_requirement, h2_share_history,
                                           sector_contributions)


@pytest.fixture(scope="module")
def july(registry, observations):
    return assess_targets(registry, observations).set_index("target_id")


def test_required_h2_grdp_growth_from_the_shipped_data_is_the_resolutions_6_56(registry, observations):
    req = grdp_requirement(registry, observations)
    # w₁ = 35.872 / (78.259,75 / 1,075) = 0,49275; g₂ = (6,7 − w₁·6,84) / (1 − w₁) = 6,564
    assert req["h1_weight"] == pytest.approx(35872 / (78259.75 / 1.075))
    assert round(req["required_h2_growth_pct"], 2) == 6.56 == req["resolution_h2_growth_pct"]
    assert req["base_fy"]["status"] == "derived"


def test_tourists_h2_needs_5_63_percent_and_is_on_track(july):
    t = july.loc["tourists_h2_2024"]
    # H2 2023 = 8,5 − 4,95 = 3,55 M; 3,75 / 3,55 − 1 = 5,63%; H1 pace = 5,472384 / 4,95 − 1 = 10,55%
    assert t["base_h2"] == pytest.approx(3.55)
    assert t["required_h2_growth_pct"] == pytest.approx((3.75 / 3.55 - 1) * 100)
    assert t["h1_growth_pct"] == pytest.approx((5.472384 / 4.95 - 1) * 100)
    assert t["status"] == "on_track"


def test_fy_target_needs_year_minus_reported_h1(july):
    t = july.loc["rice_fy2024"]
    # 4,6 − 2,57 = 2,03 Mt in H2 against H2 2023 = 4,55 − 2,5 = 2,05: −0,98%
    assert t["required_h2_level"] == pytest.approx(2.03)
    assert t["required_h2_growth_pct"] == pytest.approx((2.03 / 2.05 - 1) * 100)


def test_missing_figures_make_a_target_not_assessable_and_say_which(july):
    t = july.loc["retail_fy2024"]
    assert t["status"] == "not_assessable"
    assert "6 tháng đầu năm 2024" in t["reason"]


def test_as_of_hides_later_figures_and_reveals_them_after(registry, observations, july):
    assert july["outturn"].isna().all()  # nothing after 18/7/2024 is known in July
    later = assess_targets(registry, observations, as_of="2025-12-31").set_index("target_id")
    assert later.loc["grdp_growth_fy2024", "status"] == "met"          # 7,5% ≥ 6,7%
    assert later.loc["pi_disbursement_fy2024", "status"] == "off_track"  # 75,22% < 95%


def test_h2_share_history_leaves_covid_years_out(observations):
    hist = h2_share_history(observations, "tourists", 2024)
    assert set(hist) == {2019, 2022, 2023}
    assert hist[2023] == pytest.approx((8.5 - 4.95) / 8.5 * 100)


def test_sector_contributions_add_up_to_h1_grdp_growth(observations):
    c = sector_contributions(observations)
    # weights from H1 2023 value added; taxes are the residual, so the weights sum to 1
    assert c["weight"].sum() == pytest.approx(1.0)
    assert c["contribution_pp"].sum() == pytest.approx(6.84, abs=0.01)


def test_sector_contributions_are_of_the_registrys_components(registry, observations):
    # by default the GRDP components the observations were loaded with (indicators.csv's grdp_component)
    c = sector_contributions(observations)
    assert tuple(c["component"]) == registry.grdp_components
    # given explicitly, two components weigh by their share of the two (13.897,96 and 7.151,09)
    two = sector_contributions(observations, components=("va_agri", "va_industry"), area=registry.province)
    assert two["weight"].tolist() == pytest.approx([13897.96 / 21049.05, 7151.09 / 21049.05])


@pytest.mark.parametrize("as_of, target_id, lang, label, reason", [
    # required vs pace: 3,75 / 3,55 − 1 = 5,63% needed after 10,55% in H1
    ("2024-07-18", "tourists_h2_2024", "vi", "Đúng hướng",
     "6 tháng cuối năm cần tăng 5,63% so với cùng kỳ 2023; 6 tháng đầu năm đã tăng 10,55%."),
    ("2024-07-18", "tourists_h2_2024", "en", "On track", "H2 needs 5.63% year on year against H2 2023; H1 grew 10.55%."),
    # several missing figures, in the order they are looked for; one missing: singular in English
    ("2024-07-18", "retail_fy2024", "vi", "Chưa đánh giá được",
     "Chưa đánh giá được: thiếu số liệu 6 tháng đầu năm 2024, số liệu 6 tháng đầu năm 2023."),
    ("2024-07-18", "retail_fy2024", "en", "Not assessable",
     "Not assessable: the H1 2024 figure, the H1 2023 figure are missing."),
    ("2024-07-18", "military_admissions_fy2024", "vi", "Chưa đánh giá được",
     "Chưa đánh giá được: thiếu số liệu thực hiện."),
    ("2024-07-18", "military_admissions_fy2024", "en", "Not assessable", "Not assessable: any reported figure is missing."),
    # outturns: 7,5% ≥ 6,7%; H2 rice = 4,6 − 2,57 = 2,03 < 2,035 (derived)
    ("2025-12-31", "grdp_growth_fy2024", "vi", "Đã đạt", "Thực hiện 7,50%, đạt mục tiêu 6,70%."),
    ("2025-12-31", "grdp_growth_fy2024", "en", "Met", "Outturn 7.50% meets the target of 6.70%."),
    ("2025-12-31", "rice_h2_2024", "vi", "Chệch hướng",
     "Thực hiện 2,03 triệu tấn (tính suy ra), không đạt mục tiêu 2,035 triệu tấn."),
    ("2025-12-31", "rice_h2_2024", "en", "Off track", "Outturn 2.03 Mt (derived) misses the target of 2.035 Mt."),
])
def test_status_label_and_reason_in_each_language(registry, observations, as_of, target_id, lang, label, reason):
    row = assess_targets(registry, observations, as_of=as_of, lang=lang).set_index("target_id").loc[target_id]
    assert (row["status_label"], row["reason"]) == (label, reason)


@pytest.mark.parametrize("lang, headers", [
    ("vi", ["Lĩnh vực", "Chỉ tiêu", "Kỳ", "Mục tiêu", "Tình trạng", "Lý do"]),
    ("en", ["Sector", "Indicator", "Period", "Target", "Status", "Reason"]),
])
def test_executive_summary_headers(registry, observations, lang, headers):
    table = executive_summary(assess_targets(registry, observations, lang=lang), registry, lang)
    assert list(table.columns) == headers and len(table) == len(registry.targets)
