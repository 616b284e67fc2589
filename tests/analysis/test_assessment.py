"""Per-target assessment on the shipped data, checked against arithmetic done by hand.

As of the session (18/7/2024) the shipped data leave almost every target not assessable; behaviour that needs
figures published later is checked as of a later date, and behaviour that needs figures never found (an H1 2024
level, all four H1 2023 component levels, a disbursement path) on a copy of the data with synthetic rows
(``source_url`` https://example.test/synthetic), each checked against a hand computation.
"""
from __future__ import annotations

import math

import pytest

from kg_metrics.analysis.assessment import (MISSING_ORDER, assess_targets, executive_summary, grdp_requirement,
                                           h1_to_fy_gains, h2_share_history, missing_figure, sector_contributions)

W1_2023 = 35872 / (78259 / 1.075)  # GRDP H1 2023 (35.872) / 2023 as implied by the 2024 outturn (78.259 / 1,075)


# --------------------------------------------------------------------------- synthetic data on a copy (csv_tools)
@pytest.fixture
def with_h1_2024(data_copy, csv_tools):
    """The data plus the H1 2024 levels the session had no source for: rice 2,57 Mt, tourists 5.472.384."""
    csv_tools.add_observations(data_copy, "agriculture", [("rice", "level", "H1-2024", "2,57", "mt", "2024-07-16")])
    csv_tools.add_observations(data_copy, "tourism",
                               [("tourists", "level", "H1-2024", "5.472.384", "arrivals", "2024-07-16")])
    return csv_tools.load(data_copy)


#: Synthetic H1 2023 services level (bn VND) and H1 2024 growth (%) of each component; taxes are the residual.
SERVICES_H1_2023 = 12000.0
COMPONENT_GROWTH = {"va_agri": 2.46, "va_industry": 9.5, "va_services": 10.5, "va_taxes": 6.11}


@pytest.fixture
def with_components(data_copy, csv_tools):
    """The data plus services' H1 2023 level, the H1 2024 growth of the four components, and taxes' H1 2023 level
    as the residual of GRDP (35.872) minus the three others (a derivation)."""
    csv_tools.add_observations(data_copy, "economy", [
        ("va_services", "level", "H1-2023", "12.000", "bn_vnd", "2023-07-04"),
        *[(c, "growth_yoy_pct", "H1-2024", str(g).replace(".", ","), "pct", "2024-07-10")
          for c, g in COMPONENT_GROWTH.items()]])
    csv_tools.add_derivation(data_copy, "va_taxes/level/H1-2023", "residual",
                             ["grdp/level/H1-2023", "va_agri/level/H1-2023", "va_industry/level/H1-2023",
                              "va_services/level/H1-2023"])
    return csv_tools.load(data_copy)


@pytest.fixture(scope="module")
def july(registry, observations):
    return assess_targets(registry, observations).set_index("target_id")


@pytest.fixture(scope="module")
def march_2025(registry, observations):
    return assess_targets(registry, observations, as_of="2025-03-31").set_index("target_id")


# --------------------------------------------------------------------------- GRDP: the required H2 growth
def test_required_h2_grdp_growth_from_the_shipped_data_is_the_resolutions_6_56(registry, observations):
    # as of 31/3/2025: w₁ = 35.872 / (78.259 / 1,075) = 0,49275; g₂ = (6,7 − w₁·6,84) / (1 − w₁) = 6,564
    req = grdp_requirement(registry, observations, as_of="2025-03-31")
    assert req["h1_weight"] == pytest.approx(W1_2023)
    assert req["required_h2_growth_pct"] == pytest.approx((6.7 - W1_2023 * 6.84) / (1 - W1_2023))
    assert round(req["required_h2_growth_pct"], 2) == 6.56 == req["resolution_h2_growth_pct"]
    assert req["base_fy"]["status"] == "derived" and req["base_fy"]["published"] == "2024-12-06"


def test_required_h2_grdp_growth_cannot_be_computed_in_july_2024(registry, observations):
    # no 2023 GRDP level had been published by 18/7/2024 (the derived one dates from the 2024 outturn, 6/12/2024)
    req = grdp_requirement(registry, observations)
    assert req["required_h2_growth_pct"] is None and req["target_growth_pct"] == pytest.approx(6.7)


@pytest.mark.parametrize("lang, reason", [
    ("vi", "6 tháng cuối năm cần tăng 6,56% so với cùng kỳ năm 2023 (con số của nghị quyết: chưa có số liệu công bố "
           "để tự tính); 6 tháng đầu năm đã tăng 6,84%."),
    ("en", "H2 needs 6.56% year on year against H2 2023 (the resolution's figure: the published data do not yet "
           "allow computing it); H1 grew 6.84%."),
])
def test_grdp_fy_target_falls_back_to_the_resolutions_h2_requirement_without_w1(registry, observations, lang, reason):
    t = assess_targets(registry, observations, lang=lang).set_index("target_id").loc["grdp_growth_fy2024"]
    assert math.isnan(t["h1_weight"]) and math.isnan(t["base_fy"])
    assert t["required_source"] == "resolution"
    assert t["required_h2_growth_pct"] == pytest.approx(6.56)  # targets.csv: grdp_growth_h2_2024, "6,56"
    assert t["h1_growth_pct"] == pytest.approx(6.84)           # economy.csv: grdp H1-2024 growth, 10/7/2024
    assert t["status"] == "on_track"                            # 6,56 needed ≤ 6,84 achieved
    assert t["reason"] == reason


def test_grdp_fy_target_uses_the_datas_w1_once_it_is_published(march_2025):
    t = march_2025.loc["grdp_growth_fy2024"]
    assert t["required_source"] == "data"
    assert t["h1_weight"] == pytest.approx(W1_2023)
    assert t["required_h2_growth_pct"] == pytest.approx(6.56, abs=0.01)
    assert t["required_h2_growth_pct"] == pytest.approx((6.7 - W1_2023 * 6.84) / (1 - W1_2023))


# --------------------------------------------------------------------------- additive levels
def test_tourists_h2_needs_7_14_percent_and_is_on_track(with_h1_2024):
    reg, obs = with_h1_2024
    t = assess_targets(reg, obs).set_index("target_id").loc["tourists_h2_2024"]
    # H2 2023 = 8,5 − 5 = 3,5 M; 3,75 / 3,5 − 1 = 7,14%; H1 pace = 5,472384 / 5 − 1 = 9,45%
    assert t["base_h2"] == pytest.approx(3.5)
    assert t["required_h2_growth_pct"] == pytest.approx((3.75 / 3.5 - 1) * 100)
    assert t["h1_growth_pct"] == pytest.approx((5.472384 / 5 - 1) * 100)
    assert t["status"] == "on_track"


def test_fy_target_needs_year_minus_reported_h1(with_h1_2024):
    reg, obs = with_h1_2024
    t = assess_targets(reg, obs).set_index("target_id").loc["rice_fy2024"]
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
    assert later.loc["grdp_growth_fy2024", "status"] == "met"          # 7,5% ≥ 6,7% (6/12/2024)
    assert later.loc["grdp_growth_fy2024", "outturn"] == pytest.approx(7.5)
    # rice: no outturn before the estimate "trên 4,7 Mt" of 26/8/2024, then the estimate 4,6 Mt of 6/12/2024, then
    # the official 4.714.573 t of 9/1/2025: each as of its own date
    dates = {"2024-08-25": None, "2024-08-26": 4.7, "2024-12-31": 4.6, "2025-12-31": 4.714573}
    for as_of, outturn in dates.items():
        t = assess_targets(registry, observations, as_of=as_of).set_index("target_id").loc["rice_fy2024"]
        if outturn is None:
            assert math.isnan(t["outturn"]) and t["status"] == "not_assessable", as_of
        else:
            assert t["outturn"] == pytest.approx(outturn) and t["status"] == "met", as_of  # "đạt 4,6": reached


def test_h2_share_history_leaves_covid_years_out(observations):
    hist = h2_share_history(observations, "tourists", 2024)
    assert set(hist) == {2019, 2022, 2023}
    # 2023: (8,5 − 5) / 8,5; 2022: H1 = 5 / 1,42 (derived), year 7.568.182 (official, 31/1/2023);
    # 2019: H1 = Jan–Jul 5.364.401 − July 921.146 (derived), year 8.780.484
    assert hist[2023] == pytest.approx((8.5 - 5) / 8.5 * 100)
    assert hist[2022] == pytest.approx((7.568182 - 5 / 1.42) / 7.568182 * 100)
    assert hist[2019] == pytest.approx((8.780484 - (5.364401 - 0.921146)) / 8.780484 * 100)


# --------------------------------------------------------------------------- GRDP components
def test_sector_contributions_need_every_components_base_level(observations):
    # the shipped data have no H1 2023 level of services or product taxes: no weights, no contributions
    c = sector_contributions(observations)
    assert c["weight"].isna().all() and c["contribution_pp"].isna().all()
    assert c.set_index("component").loc["va_agri", "base_level_bn_vnd"] == pytest.approx(13897.96)


def test_sector_contributions_add_up_to_h1_grdp_growth(with_components):
    _, obs = with_components
    c = sector_contributions(obs).set_index("component")
    # weights from H1 2023 value added; taxes are the residual, so the weights sum to 1
    base = {"va_agri": 13897.96, "va_industry": 7151.09, "va_services": SERVICES_H1_2023}
    base["va_taxes"] = 35872 - sum(base.values())
    assert c.loc["va_taxes", "base_level_bn_vnd"] == pytest.approx(base["va_taxes"])
    assert c.loc["va_taxes", "base_status"] == "derived"
    assert c["weight"].sum() == pytest.approx(1.0)
    for k, b in base.items():
        assert c.loc[k, "contribution_pp"] == pytest.approx(b / 35872 * COMPONENT_GROWTH[k])
    assert c.loc["va_agri", "contribution_pp"] == pytest.approx(0.953, abs=5e-4)
    assert c["contribution_pp"].sum() == pytest.approx(6.84, abs=0.01)


def test_sector_contributions_are_of_the_registrys_components(with_components):
    reg, obs = with_components
    # by default the GRDP components the observations were loaded with (indicators.csv's grdp_component)
    c = sector_contributions(obs)
    assert tuple(c["component"]) == reg.grdp_components
    # given explicitly, two components weigh by their share of the two (13.897,96 and 7.151,09)
    two = sector_contributions(obs, components=("va_agri", "va_industry"), area=reg.province)
    assert two["weight"].tolist() == pytest.approx([13897.96 / 21049.05, 7151.09 / 21049.05])


# --------------------------------------------------------------------------- status and reason
@pytest.mark.parametrize("as_of, target_id, lang, label, reason", [
    # one missing figure, named in the indicator's words (indicators.csv figure_vi / figure_en)
    ("2024-07-18", "retail_fy2024", "vi", "Chưa đủ cơ sở đánh giá",
     "Chưa đủ cơ sở đánh giá: thiếu số liệu tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng 6 tháng đầu năm 2024."),
    ("2024-07-18", "retail_fy2024", "en", "Not assessable",
     "Not assessable: missing retail sales of goods and consumer services for H1 2024."),
    ("2024-07-18", "military_admissions_fy2024", "vi", "Chưa đủ cơ sở đánh giá",
     "Chưa đủ cơ sở đánh giá: thiếu số liệu kết quả tuyển sinh quân sự so với chỉ tiêu 6 tháng đầu năm 2024."),
    ("2024-07-18", "military_admissions_fy2024", "en", "Not assessable",
     "Not assessable: missing military admissions against the quota for H1 2024."),
    # fishery has its H1 2024 and H1 2023 levels but no 2023 year: that one is named
    ("2024-07-18", "fishery_fy2024", "vi", "Chưa đủ cơ sở đánh giá",
     "Chưa đủ cơ sở đánh giá: thiếu số liệu sản lượng thủy sản năm 2023."),
    ("2024-07-18", "fishery_fy2024", "en", "Not assessable", "Not assessable: missing fishery output for 2023."),
    # outturns: 7,5% ≥ 6,7%; H2 GRDP = 78.259 − 35.872·1,0684 against 78.259/1,075 − 35.872: +8,14% (derived)
    ("2025-12-31", "grdp_growth_fy2024", "vi", "Đã đạt", "Thực hiện 7,50%, đạt mục tiêu 6,70%."),
    ("2025-12-31", "grdp_growth_fy2024", "en", "Met", "Outturn 7.50% meets the target of 6.70%."),
    ("2025-03-31", "grdp_growth_h2_2024", "vi", "Đã đạt", "Thực hiện 8,14% (tính suy ra), đạt mục tiêu 6,56%."),
    ("2025-03-31", "grdp_growth_h2_2024", "en", "Met", "Outturn 8.14% (derived) meets the target of 6.56%."),
])
def test_status_label_and_reason_in_each_language(registry, observations, as_of, target_id, lang, label, reason):
    row = assess_targets(registry, observations, as_of=as_of, lang=lang).set_index("target_id").loc[target_id]
    assert (row["status_label"], row["reason"]) == (label, reason)


def test_derived_h2_grdp_outturn_by_hand(march_2025):
    h1_2024, h2_2023 = 35872 * 1.0684, 78259 / 1.075 - 35872
    t = march_2025.loc["grdp_growth_h2_2024"]
    assert t["outturn_derived"] and t["outturn"] == pytest.approx(((78259 - h1_2024) / h2_2023 - 1) * 100)


@pytest.mark.parametrize("as_of, target_id, lang, label, reason", [
    # required vs pace: 3,75 / 3,5 − 1 = 7,14% needed after 5,472384 / 5 − 1 = 9,45% in H1
    ("2024-07-18", "tourists_h2_2024", "vi", "Có khả năng đạt",
     "6 tháng cuối năm cần tăng 7,14% so với cùng kỳ năm 2023; 6 tháng đầu năm đã tăng 9,45%."),
    ("2024-07-18", "tourists_h2_2024", "en", "On track", "H2 needs 7.14% year on year against H2 2023; H1 grew 9.45%."),
    # H2 rice = 4,6 (estimate, 6/12/2024) − 2,57 = 2,03 < 2,035 (derived) ...
    ("2024-12-31", "rice_h2_2024", "vi", "Có nguy cơ không đạt",
     "Thực hiện 2,03 triệu tấn (tính suy ra), không đạt mục tiêu 2,035 triệu tấn."),
    ("2024-12-31", "rice_h2_2024", "en", "Off track", "Outturn 2.03 Mt (derived) misses the target of 2.035 Mt."),
    # ... and with the official 4.714.573 t (9/1/2025): 4,714573 − 2,57 = 2,145 ≥ 2,035
    ("2025-12-31", "rice_h2_2024", "vi", "Đã đạt",
     "Thực hiện 2,145 triệu tấn (tính suy ra), đạt mục tiêu 2,035 triệu tấn, vượt 5,4% kế hoạch."),
    ("2025-12-31", "rice_h2_2024", "en", "Met", "Outturn 2.145 Mt (derived) meets the target of 2.035 Mt, 5.4% above plan."),
])
def test_status_label_and_reason_with_an_h1_2024_level(with_h1_2024, as_of, target_id, lang, label, reason):
    reg, obs = with_h1_2024
    row = assess_targets(reg, obs, as_of=as_of, lang=lang).set_index("target_id").loc[target_id]
    assert (row["status_label"], row["reason"]) == (label, reason)


# --------------------------------------------------------------------------- the one missing figure
@pytest.mark.parametrize("lang, reason", [
    ("vi", "Chưa đủ cơ sở đánh giá: thiếu số liệu số xã được công nhận đạt chuẩn nông thôn mới trong 6 tháng đầu năm 2024."),
    ("en", "Not assessable: missing the number of communes recognised as new-rural in H1 2024."),
])
def test_a_not_assessable_reason_names_one_figure_in_the_indicators_words(registry, observations, lang, reason):
    t = assess_targets(registry, observations, lang=lang).set_index("target_id").loc["ntm_communes_fy2024"]
    assert t["status"] == "not_assessable"
    assert t["reason"] == reason  # H1 2024, 2023 and H1 2023 are all missing: only the first is named


@pytest.mark.parametrize("lang, expected", [
    ("vi", "số xã được công nhận đạt chuẩn nông thôn mới trong 6 tháng đầu năm 2024"),
    ("en", "the number of communes recognised as new-rural in H1 2024"),
])
def test_missing_figure_is_the_first_missing_in_order(registry, lang, expected):
    assert MISSING_ORDER[0] == "h1"
    o = {"indicator": "ntm_communes", "measure": "level"}
    assert missing_figure(o, ["base_fy", "base_h1", "h1"], registry, lang, 2024, 2023) == expected
    # without this year's H1: last year's H1 before last year's full year
    got = missing_figure(o, ["base_fy", "base_h1"], registry, lang, 2024, 2023)
    assert got == expected.replace("2024", "2023")
    assert "," not in got  # one figure, not a list


@pytest.mark.parametrize("lang, expected", [
    ("vi", "tốc độ tăng so với cùng kỳ của sản lượng lúa 6 tháng đầu năm 2024"),
    ("en", "the year-on-year growth of rice output for H1 2024"),
])
def test_a_missing_pace_is_named_as_the_figures_growth(registry, lang, expected):
    assert missing_figure({"indicator": "rice", "measure": "level"}, ["pace", "base_fy"], registry, lang,
                          2024, 2023) == expected


@pytest.mark.parametrize("lang, reason", [
    ("vi", "Chưa đủ cơ sở đánh giá: thiếu số liệu tốc độ tăng so với cùng kỳ của GRDP 6 tháng đầu năm 2024 "
           "(giá so sánh 2010)."),
    ("en", "Not assessable: missing the year-on-year growth of GRDP for H1 2024 (2010 prices)."),
])
def test_a_growth_target_without_its_h1_growth_names_that_growth(registry, observations, lang, reason):
    # H1 2024 GRDP growth (6,84%) was published on 10/7/2024: the day before, it is what is missing
    t = assess_targets(registry, observations, as_of="2024-07-09", lang=lang).set_index("target_id")
    assert t.loc["grdp_growth_fy2024", "status"] == "not_assessable"
    assert t.loc["grdp_growth_fy2024", "reason"] == reason


# --------------------------------------------------------------------------- a cumulative rate's path
def _disbursement(data_copy, csv_tools, h1_2024: str | None, *, with_2023: bool = True):
    """pi_disbursement with H1/FY pairs: 2021 (COVID, left out) 20/80; 2022 30 / 91,33 (the shipped FY);
    2023 35 / 88,01; and H1 2024 ``h1_2024`` (%)."""
    rows = [("pi_disbursement", "level", "H1-2021", "20", "pct", "2021-07-10"),
            ("pi_disbursement", "level", "FY-2021", "80", "pct", "2022-01-20"),
            ("pi_disbursement", "level", "H1-2022", "30", "pct", "2022-07-10")]
    if with_2023:
        rows += [("pi_disbursement", "level", "H1-2023", "35", "pct", "2023-07-10"),
                 ("pi_disbursement", "level", "FY-2023", "88,01", "pct", "2024-01-15")]
    if h1_2024 is not None:
        rows.append(("pi_disbursement", "level", "H1-2024", h1_2024, "pct", "2024-07-12"))
    csv_tools.add_observations(data_copy, "public_investment", rows)
    return csv_tools.load(data_copy)


GAIN = ((91.33 - 30) + (88.01 - 35)) / 2  # the usual H1→year gain of 2022 and 2023: 57,17 pp


@pytest.mark.parametrize("h1, status", [("40", "on_track"),   # 40 + 57,17 = 97,17 ≥ 95
                                        ("30", "at_risk"),    # 87,17: 7,83 pp short, within 10 pp
                                        ("20", "off_track")])  # 77,17: 17,83 pp short
def test_disbursement_gets_a_status_from_its_h1_rate_and_the_usual_path(data_copy, csv_tools, h1, status):
    reg, obs = _disbursement(data_copy, csv_tools, h1)
    assert h1_to_fy_gains(obs, "pi_disbursement", 2024, area=reg.province) == pytest.approx(
        {2022: 91.33 - 30, 2023: 88.01 - 35})  # 2021 is a COVID year: left out
    t = assess_targets(reg, obs).set_index("target_id").loc["pi_disbursement_fy2024"]
    assert t["projected_fy"] == pytest.approx(float(h1) + GAIN)
    assert list(t["path_gains"]) == [2022, 2023]
    assert t["status"] == status


@pytest.mark.parametrize("lang, reason", [
    ("vi", "6 tháng đầu năm đạt 40,00%; các năm 2022, 2023, 6 tháng cuối năm tăng thêm bình quân +57,17 điểm %, "
           "nên cả năm ước đạt 97,17% (mục tiêu 95,00%)."),
    ("en", "H1 reached 40.00%; in 2022, 2023 the second half added +57.17 pp on average, which projects 97.17% "
           "for the year (target 95.00%)."),
])
def test_disbursement_path_reason(data_copy, csv_tools, lang, reason):
    reg, obs = _disbursement(data_copy, csv_tools, "40")
    t = assess_targets(reg, obs, lang=lang).set_index("target_id").loc["pi_disbursement_fy2024"]
    assert (t["status"], t["reason"]) == ("on_track", reason)


def test_disbursement_path_needs_two_earlier_years(data_copy, csv_tools):
    # only 2022 has both an H1 and a full-year rate (2021 is a COVID year): no usual path; H1 2023 is named
    reg, obs = _disbursement(data_copy, csv_tools, "40", with_2023=False)
    t = assess_targets(reg, obs, lang="en").set_index("target_id").loc["pi_disbursement_fy2024"]
    assert t["status"] == "not_assessable" and math.isnan(t["projected_fy"])
    assert t["reason"] == ("Not assessable: missing the public-investment disbursement rate, cumulative to the end "
                           "of H1 2023.")


def test_disbursement_path_only_uses_what_was_published_by_as_of(data_copy, csv_tools):
    reg, obs = _disbursement(data_copy, csv_tools, "40")
    # on 11/7/2024 the H1 2024 rate (12/7/2024) was not yet published
    t = assess_targets(reg, obs, as_of="2024-07-11").set_index("target_id").loc["pi_disbursement_fy2024"]
    assert t["status"] == "not_assessable" and "6 tháng đầu năm 2024" in t["reason"]


# --------------------------------------------------------------------------- the summary table
@pytest.mark.parametrize("lang, headers", [
    ("vi", ["Lĩnh vực", "Chỉ tiêu", "Kỳ", "Mục tiêu", "Tình trạng", "Lý do"]),
    ("en", ["Sector", "Indicator", "Period", "Target", "Status", "Reason"]),
])
def test_executive_summary_headers(registry, observations, lang, headers):
    table = executive_summary(assess_targets(registry, observations, lang=lang), registry, lang)
    assert list(table.columns) == headers and len(table) == len(registry.targets)


@pytest.mark.parametrize("lang, expected", [
    ("vi", {"exports_fy2024": "đạt 920 triệu USD", "ntm_communes_fy2024": "công nhận thêm 5 xã",
            "fishery_h2_2024": "ước đạt 439.051 tấn", "tourists_fy2024": "> 9,2 triệu lượt khách"}),
    ("en", {"exports_fy2024": "reach 920 M USD", "ntm_communes_fy2024": "reach 5 communes",
            "fishery_h2_2024": "about 439,051 t", "tourists_fy2024": "> 9.2 M arrivals"}),
])
def test_summary_targets_read_as_the_resolution_words_them_not_with_an_equals_sign(registry, lang, expected):
    # a synthetic assessment (no observations needed): the summary's target column only reads the targets
    import pandas as pd

    from kg_metrics.analysis.assessment import summary_rows

    tg = registry.targets.set_index("target_id").loc[list(expected)].reset_index()
    assessed = pd.DataFrame({"target_id": tg["target_id"], "sector": tg["sector"], "name": tg["target_id"],
                             "period": tg["period"], "measure": tg["measure"], "unit": tg["indicator_unit"],
                             "comparator": tg["comparator"], "target": tg["value_canonical"],
                             "indicator": tg["indicator"], "status": "not_assessable", "status_label": "", "reason": "",
                             "reason_short": ""})
    got = {r["name"]: r["target"] for r in summary_rows(assessed, registry, lang)}
    assert got == expected
    assert not any(v.startswith("=") for v in got.values())
