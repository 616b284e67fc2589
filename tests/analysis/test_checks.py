"""Anomaly checks on the shipped data: what must and must not be flagged, and why.

Expected numbers are recomputed by hand from the CSV rows. The implied-H1 check of international tourists needs
an H1 2024 figure, which was not published by 18/7/2024 (the Jan–Jul minus July figure came in August): it is
shown on a copy of the data with a synthetic H1 row appended."""
from __future__ import annotations

import pytest

from kg_metrics.analysis.assessment import assess_targets
from kg_metrics.analysis.checks import anomalies
from kg_metrics.arithmetic.status import Thresholds


def vn(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def fig(rows, indicator, period, as_of="2024-07-18") -> float:
    """The latest level published by ``as_of`` (plans left out), from CSV rows, in the row's own unit."""
    hits = [r for r in rows if (r["indicator"], r["measure"], r["period"], r["area"]) == (indicator, "level", period,
                                                                                          "kien_giang")
            and r["status"] != "plan" and r["published"] <= as_of]
    assert hits, (indicator, period)
    return vn(max(hits, key=lambda r: r["published"])["value"])


@pytest.fixture(scope="module")
def found(registry, observations):
    return anomalies(assess_targets(registry, observations), "vi").set_index(["indicator", "check"])


@pytest.fixture
def tourism(data_dir, csv_tools):
    return csv_tools.read(data_dir / "observations" / "tourism.csv")[1]


def h2_share_pct(fy: float, h1: float) -> float:
    return (fy - h1) / fy * 100


def test_international_tourists_h2_share_is_flagged(found, tourism):
    # H2 share 99.355 / 680.000 = 14,6% vs 2019: (713.291 − (466.302 − 50.242)) / 713.291 = 41,7% and
    # 2023: (573.000 − 354.992) / 573.000 = 38,0%
    h1_2019 = fig(tourism, "intl_tourists", "YTD07-2019") - fig(tourism, "intl_tourists", "M07-2019")
    hist = [h2_share_pct(fig(tourism, "intl_tourists", "FY-2019"), h1_2019),
            h2_share_pct(fig(tourism, "intl_tourists", "FY-2023"), fig(tourism, "intl_tourists", "H1-2023"))]
    assert [round(x, 1) for x in hist] == [41.7, 38.0]
    assert 99355 / 680000 * 100 < min(hist) - 2
    assert found.loc[("intl_tourists", "h2_share"), "flagged"]
    assert "38,0%–41,7%" in found.loc[("intl_tourists", "h2_share"), "message"]


def test_international_tourists_implied_h1_needs_a_reported_h1(found):
    # no H1 2024 figure of international tourists was published by 18/7/2024: not assessable, not passed
    row = found.loc[("intl_tourists", "implied_h1")]
    assert not row["assessable"] and not row["flagged"] and "580.645" in row["message"]


@pytest.fixture
def with_intl_h1(data_copy, csv_tools):
    """The data with an H1 2024 international-tourist figure (Jan–Jul 572.887 − July 64.242 = 508.645), synthetic."""
    csv_tools.add_observations(data_copy, "tourism", [("intl_tourists", "level", "H1-2024", "508.645", "arrivals",
                                                       "2024-07-15")], qualifier="≈")
    return csv_tools.load(data_copy)


def test_international_tourists_implied_h1_is_flagged_when_reported(with_intl_h1):
    # implied H1 = 680.000 − 99.355 = 580.645 vs 508.645: +14,2%, beyond 2%
    reg, obs = with_intl_h1
    f = anomalies(assess_targets(reg, obs), "vi").set_index(["indicator", "check"])
    assert f.loc[("intl_tourists", "implied_h1"), "flagged"]
    assert f.loc[("intl_tourists", "implied_h1"), "message"] == (
        "6 tháng đầu năm ngầm định trong nghị quyết 580.645 so với số báo cáo ≈508.645: chênh 14,2% (vượt ngưỡng 2%).")
    en = anomalies(assess_targets(reg, obs, lang="en"), "en").set_index(["indicator", "check"])
    assert en.loc[("intl_tourists", "implied_h1"), "message"] == (
        "Implied H1 in the resolution 580,645 vs reported H1 ≈508,645: gap 14.2% (beyond the 2% tolerance).")
    assert round((580645 / 508645 - 1) * 100, 1) == 14.2
    # a lax tolerance lets it pass
    lax = anomalies(assess_targets(reg, obs), "en", Thresholds(implied_h1_tolerance_pct=20)).set_index(
        ["indicator", "check"])
    assert not lax.loc[("intl_tourists", "implied_h1"), "flagged"]


@pytest.mark.parametrize("indicator", ["rice", "fishery", "tourists"])
def test_rice_fishery_and_total_tourists_are_not_flagged(found, indicator):
    assert not found.loc[indicator, "flagged"].any()


def test_a_check_without_history_is_not_assessable_rather_than_passed(found):
    # fishery: no earlier year has both an H1 and a full-year figure
    row = found.loc[("fishery", "h2_share")]
    assert not row["assessable"] and not row["flagged"]


def test_a_check_without_a_reported_h1_is_not_assessable(found):
    # rice: no H1 2024 figure was published by 18/7/2024
    row = found.loc[("rice", "implied_h1")]
    assert not row["assessable"] and not row["flagged"]


def test_tolerances_come_from_the_thresholds(registry, observations, data_dir, csv_tools):
    assessed = assess_targets(registry, observations)
    agri = csv_tools.read(data_dir / "observations" / "agriculture.csv")[1]
    # fishery: implied 800.000 − 439.051 = 360.949 vs reported 360.942: a gap of +0,0019%
    gap = (800000 - 439051) / fig(agri, "fishery", "H1-2024") * 100 - 100
    assert 0.001 < gap < 0.002
    strict = anomalies(assessed, "en", Thresholds(implied_h1_tolerance_pct=0.001)).set_index(["indicator", "check"])
    assert strict.loc[("fishery", "implied_h1"), "flagged"]
    assert not anomalies(assessed, "en").set_index(["indicator", "check"]).loc[("fishery", "implied_h1"), "flagged"]
    # international tourists' H2 share is 23,4 pp below 2023's 38,0%: not flagged with a 25 pp margin
    lax = anomalies(assessed, "en", Thresholds(h2_share_tolerance_pp=25)).set_index(["indicator", "check"])
    assert not lax.loc[("intl_tourists", "h2_share"), "flagged"]
    # rice's H2 share 44,2% is 0,8 pp below 2023's 45,1%: flagged with a 0,5 pp margin
    tight = anomalies(assessed, "en", Thresholds(h2_share_tolerance_pp=0.5)).set_index(["indicator", "check"])
    assert tight.loc[("rice", "h2_share"), "flagged"]


@pytest.mark.parametrize("indicator, check, lang, message", [
    ("fishery", "implied_h1", "vi",
     "6 tháng đầu năm ngầm định trong nghị quyết 360.949 so với số báo cáo 360.942: chênh 0,0% (trong ngưỡng 2%)."),
    ("fishery", "implied_h1", "en",
     "Implied H1 in the resolution 360,949 vs reported H1 360,942: gap 0.0% (within the 2% tolerance)."),
    ("intl_tourists", "implied_h1", "vi", "6 tháng đầu năm ngầm định 580.645; chưa có số liệu 6 tháng đầu năm để so sánh."),
    ("intl_tourists", "implied_h1", "en", "Implied H1 580,645; no reported H1 figure to compare."),
    ("intl_tourists", "h2_share", "vi", "Tỷ trọng 6 tháng cuối năm trong mục tiêu cả năm 14,6%, so với 38,0%–41,7% "
                                         "các năm 2019, 2023 (ngoài biên 2 điểm phần trăm)."),
    ("intl_tourists", "h2_share", "en",
     "H2 share of the year target 14.6% vs 38.0%–41.7% in 2019, 2023 (outside a 2 pp margin)."),
    ("tourists", "h2_share", "en", "H2 share of the year target 40.8% vs 41.2%–53.5% in 2019, 2022, 2023 "
                                   "(within a 2 pp margin)."),
    ("rice", "h2_share", "en", "H2 share of the year target 44.2% vs 45.1% in 2023 (within a 2 pp margin)."),
    ("fishery", "h2_share", "vi",
     "Tỷ trọng 6 tháng cuối năm trong mục tiêu cả năm 54,9%; chưa có số liệu các năm trước để so sánh."),
    ("fishery", "h2_share", "en", "H2 share of the year target 54.9%; no earlier years to compare."),
    ("retail", "implied_h1", "vi", "6 tháng đầu năm ngầm định 82.573; chưa có số liệu 6 tháng đầu năm để so sánh."),
    ("retail", "implied_h1", "en", "Implied H1 82,573; no reported H1 figure to compare."),
])
def test_messages_in_each_language(registry, observations, indicator, check, lang, message):
    found = anomalies(assess_targets(registry, observations, lang=lang), lang).set_index(["indicator", "check"])
    assert found.loc[(indicator, check), "message"] == message


def test_the_share_ranges_by_hand(data_dir, csv_tools):
    """The ranges in the messages: tourists 2019, 2022, 2023 and rice 2023, from the CSV rows."""
    tourism = csv_tools.read(data_dir / "observations" / "tourism.csv")[1]
    agri = csv_tools.read(data_dir / "observations" / "agriculture.csv")[1]
    m = 1e6
    h1_2019 = (fig(tourism, "tourists", "YTD07-2019") - fig(tourism, "tourists", "M07-2019")) / m
    h1_2022 = fig(tourism, "tourists", "H1-2023") / (1 + 42 / 100)  # H1 2023 ≈5 M, +42%
    shares = [h2_share_pct(fig(tourism, "tourists", "FY-2019") / m, h1_2019),
              h2_share_pct(fig(tourism, "tourists", "FY-2022") / m, h1_2022),
              h2_share_pct(fig(tourism, "tourists", "FY-2023"), fig(tourism, "tourists", "H1-2023"))]
    assert (round(min(shares), 1), round(max(shares), 1)) == (41.2, 53.5)
    assert round(3.75 / 9.2 * 100, 1) == 40.8
    assert round(h2_share_pct(fig(agri, "rice", "FY-2023"), fig(agri, "rice", "H1-2023")), 1) == 45.1
    assert round(2.035 / 4.6 * 100, 1) == 44.2


@pytest.fixture
def with_derived_intl_h1(data_copy, csv_tools):
    """H1 2024 international arrivals *derived* (Jan–Jul 560.000 − July 51.355 = 508.645, both synthetic rows
    dated before the session), as the old data derived it: a computed figure, never a reported one."""
    csv_tools.add_observations(data_copy, "tourism", [
        ("intl_tourists", "level", "YTD07-2024", "560.000", "arrivals", "2024-07-16"),
        ("intl_tourists", "level", "M07-2024", "51.355", "arrivals", "2024-07-16")])
    csv_tools.add_derivation(data_copy, "intl_tourists/level/H1-2024", "difference",
                             ["intl_tourists/level/YTD07-2024", "intl_tourists/level/M07-2024"],
                             why="synthetic, Jan–Jul minus July")
    return csv_tools.load(data_copy)


def test_a_derived_h1_is_never_called_reported(with_derived_intl_h1):
    """Truth defect: the old check wrote 'so với số báo cáo ≈508.645' for a figure computed by kg_metrics."""
    from kg_metrics.report.briefing import Briefing
    from kg_metrics.report.sections import section_data

    reg, obs = with_derived_intl_h1
    for lang, derived_words, reported_words in (("vi", "số tính suy ra", "số báo cáo ≈"), ("en", "derived H1", "reported H1")):
        msg = anomalies(assess_targets(reg, obs, lang=lang), lang).set_index(["indicator", "check"]).loc[
            ("intl_tourists", "implied_h1"), "message"]
        assert derived_words in msg and "≈508" in msg and reported_words not in msg
        b = Briefing(reg, obs, lang=lang, notebook="sector", sector="tourism")
        facts = [f for tg in section_data("targets", b)["targets"] if tg["target_id"] == "intl_tourists_fy2024"
                 for f in tg["facts"]]
        h1_fact = [f for f in facts if isinstance(f.get("note"), dict)
                   and f["note"].get("source", {}).get("status") == "derived" and "508" in f["note"]["source"]["how"]]
        assert h1_fact, facts
        label = h1_fact[0]["label"]
        assert ("tính suy ra" if lang == "vi" else "derived") in label
        assert ("báo cáo" not in label.replace("không phải số báo cáo", "")) if lang == "vi" else (
            "reported" not in label.replace("not reported", ""))
