"""Anomaly checks on the shipped data: what must and must not be flagged, and why."""
from __future__ import annotations

import pytest

from kg_metrics.analysis.assessment import assess_targets
from kg_metrics.analysis.checks import anomalies
from kg_metrics.arithmetic.status import Thresholds


@pytest.fixture(scope="module")
def found(registry, observations):
    return anomalies(assess_targets(registry, observations), "vi").set_index(["indicator", "check"])


def test_international_tourists_are_flagged_on_both_checks(found):
    # implied H1 = 680.000 − 99.355 = 580.645 vs Jan–Jul 572.887 − July 64.242 = 508.645: +14,2%
    assert found.loc[("intl_tourists", "implied_h1"), "flagged"]
    assert "580.645" in found.loc[("intl_tourists", "implied_h1"), "message"]
    assert "508.645" in found.loc[("intl_tourists", "implied_h1"), "message"]
    # H2 share 99.355 / 680.000 = 14,6% vs 2019's (713.000 − 416.060) / 713.000 = 41,6%
    assert found.loc[("intl_tourists", "h2_share"), "flagged"]


@pytest.mark.parametrize("indicator", ["rice", "fishery", "tourists"])
def test_rice_fishery_and_total_tourists_are_not_flagged(found, indicator):
    assert not found.loc[indicator, "flagged"].any()


def test_a_check_without_history_is_not_assessable_rather_than_passed(found):
    # fishery: no earlier year has both an H1 and a full-year figure
    row = found.loc[("fishery", "h2_share")]
    assert not row["assessable"] and not row["flagged"]


def test_tolerances_come_from_the_thresholds(registry, observations):
    assessed = assess_targets(registry, observations)
    # rice: implied 2,565 vs reported 2,57, a gap of −0,19%: flagged only with a tolerance below that
    strict = anomalies(assessed, "en", Thresholds(implied_h1_tolerance_pct=0.1)).set_index(["indicator", "check"])
    assert strict.loc[("rice", "implied_h1"), "flagged"]
    lax = anomalies(assessed, "en", Thresholds(implied_h1_tolerance_pct=20)).set_index(["indicator", "check"])
    assert not lax.loc[("intl_tourists", "implied_h1"), "flagged"]


@pytest.mark.parametrize("indicator, check, lang, message", [
    ("intl_tourists", "implied_h1", "vi",
     "H1 ngầm định trong nghị quyết 580.645 so với H1 báo cáo ≈508.645: chênh 14,2% (vượt ngưỡng 2%)."),
    ("intl_tourists", "implied_h1", "en",
     "Implied H1 in the resolution 580,645 vs reported H1 ≈508,645: gap 14.2% (beyond the 2% tolerance)."),
    ("rice", "implied_h1", "vi", "H1 ngầm định trong nghị quyết 2,565 so với H1 báo cáo >2,57: chênh -0,2% (trong ngưỡng 2%)."),
    ("rice", "implied_h1", "en", "Implied H1 in the resolution 2.565 vs reported H1 >2.57: gap -0.2% (within the 2% tolerance)."),
    ("intl_tourists", "h2_share", "vi", "Tỷ trọng 6 tháng cuối năm trong mục tiêu cả năm 14,6%, so với 41,6%–41,6% "
                                         "các năm 2019 (ngoài biên 2 điểm phần trăm)."),
    ("intl_tourists", "h2_share", "en", "H2 share of the year target 14.6% vs 41.6%–41.6% in 2019 (outside a 2 pp margin)."),
    ("tourists", "h2_share", "en", "H2 share of the year target 40.8% vs 41.8%–53.9% in 2019, 2022, 2023 "
                                   "(within a 2 pp margin)."),
    ("fishery", "h2_share", "vi",
     "Tỷ trọng 6 tháng cuối năm trong mục tiêu cả năm 54,9%; chưa có số liệu các năm trước để so sánh."),
    ("fishery", "h2_share", "en", "H2 share of the year target 54.9%; no earlier years to compare."),
    ("retail", "implied_h1", "vi", "H1 ngầm định 82.573; chưa có số liệu 6 tháng đầu năm để so sánh."),
    ("retail", "implied_h1", "en", "Implied H1 82,573; no reported H1 figure to compare."),
])
def test_messages_in_each_language(registry, observations, indicator, check, lang, message):
    found = anomalies(assess_targets(registry, observations, lang=lang), lang).set_index(["indicator", "check"])
    assert found.loc[(indicator, check), "message"] == message

