"""Status of a target: the comparators and the thresholds, at and around their edges."""
from __future__ import annotations

import pytest

from kg_metrics.arithmetic.status import STATUSES, THRESHOLDS, Thresholds, meets, target_status
from kg_metrics.text.catalog import available_langs, catalog


@pytest.mark.parametrize("value, comparator, target, expected", [
    (9.2, ">", 9.2, False),      # "trên 9,2": exactly 9,2 is not above
    (9.21, ">", 9.2, True),
    (95.0, "≥", 95, True),       # "ít nhất 95%": 95 is enough
    (75.22, "≥", 95, False),     # the 2024 disbursement outturn
    (800_000, "=", 800_000, True),
    (814_000, "=", 800_000, True),  # "đạt": reaching and exceeding both count
    (439_050, "≈", 439_051, False),
])
def test_meets(value, comparator, target, expected):
    assert meets(value, comparator, target) is expected


def test_meets_rejects_an_unknown_comparator():
    with pytest.raises(ValueError):
        meets(1, "<", 2)


def test_an_outturn_decides_met_or_off_track_whatever_the_pace():
    assert target_status(comparator="≥", target=6.7, outturn=7.5, required_growth_pct=99, pace_growth_pct=0) == "met"
    assert target_status(comparator="≥", target=95, outturn=75.22) == "off_track"


def test_growth_gap_thresholds_at_their_edges():
    th = Thresholds(on_track_margin_pp=0.0, at_risk_margin_pp=3.0)
    # gap = required − pace
    assert target_status(comparator="≥", target=1, required_growth_pct=5.0, pace_growth_pct=5.0, thresholds=th) == "on_track"
    assert target_status(comparator="≥", target=1, required_growth_pct=5.01, pace_growth_pct=5.0, thresholds=th) == "at_risk"
    assert target_status(comparator="≥", target=1, required_growth_pct=8.0, pace_growth_pct=5.0, thresholds=th) == "at_risk"
    assert target_status(comparator="≥", target=1, required_growth_pct=8.01, pace_growth_pct=5.0, thresholds=th) == "off_track"


def test_missing_inputs_are_not_assessable():
    assert target_status(comparator="=", target=3, required_growth_pct=None, pace_growth_pct=2.0) == "not_assessable"
    assert target_status(comparator="=", target=3, required_growth_pct=2.0, pace_growth_pct=None) == "not_assessable"


def test_thresholds_live_in_one_place():
    assert THRESHOLDS.implied_h1_tolerance_pct == 2.0 and THRESHOLDS.h2_share_tolerance_pp == 2.0
    assert THRESHOLDS.covid_years == (2020, 2021)
    assert THRESHOLDS.path_at_risk_pp == 10.0


# --------------------------------------------------------------------------- a cumulative rate along its usual path
@pytest.mark.parametrize("comparator, projected, expected", [
    ("≥", 95.0, "on_track"),    # "ít nhất 95%": reaching it is enough
    ("≥", 97.17, "on_track"),
    ("≥", 94.99, "at_risk"),
    ("≥", 85.0, "at_risk"),     # 10 pp short: still at risk (the edge)
    ("≥", 84.99, "off_track"),  # just beyond 10 pp short
    (">", 95.0, "at_risk"),     # "trên 95%": exactly 95 is not above
])
def test_path_status_at_its_edges(comparator, projected, expected):
    from kg_metrics.analysis.assessment import path_status

    assert path_status(comparator, 95, projected) == expected


def test_path_status_threshold_comes_from_thresholds():
    from kg_metrics.analysis.assessment import path_status

    assert path_status("≥", 95, 90.0, Thresholds(path_at_risk_pp=5.0)) == "at_risk"
    assert path_status("≥", 95, 89.9, Thresholds(path_at_risk_pp=5.0)) == "off_track"


@pytest.mark.parametrize("lang", available_langs())
def test_every_status_and_only_those_are_worded_in_the_catalog(lang):
    assert sorted(catalog(lang).prefixed("status.")) == sorted(STATUSES)
