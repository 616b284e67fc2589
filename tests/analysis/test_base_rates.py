"""Base rates: in how many past years the annual plan was met, from plans and outturns published by the as-of date.

Synthetic plan/outturn rows go on a copy of the data, under an indicator the shipped data have no figure of
(``ntm_districts``), so every year counted is one of the rows below; the shipped tourists' rate is checked against
the CSV rows by hand.
"""
from __future__ import annotations

import pytest

from kg_metrics.analysis.base_rates import BaseRate, base_rate


def _add(csv_tools, data_dir, rows: list[tuple]) -> None:
    """Append (measure, period, value, status, published) rows of ntm_districts to observations/agriculture.csv."""
    assert not [r for r in csv_tools.read(data_dir / "observations" / "agriculture.csv")[1]
                if r["indicator"] == "ntm_districts"]
    csv_tools.add_observations(data_dir, "agriculture", [
        dict(indicator="ntm_districts", measure=measure, period=period, value=value,
             unit="pct" if measure != "level" else "districts", status=status, published=published)
        for measure, period, value, status, published in rows])


ROWS = [
    # 2019: plan 2, outturn 2 — reached exactly: met (plan basis)
    ("level", "FY-2019", "2", "plan", "2019-01-10"),
    ("level", "FY-2019", "2", "estimate", "2019-12-20"),
    # 2020 (a COVID year, kept): only a share of plan, 80%: missed (share basis)
    ("share_of_plan_pct", "FY-2020", "80", "estimate", "2020-12-20"),
    # 2021: plan 3, outturn 4: met
    ("level", "FY-2021", "3", "plan", "2021-01-10"),
    ("level", "FY-2021", "4", "estimate", "2021-12-20"),
    # 2022: plan 5, outturn 4: missed
    ("level", "FY-2022", "5", "plan", "2022-01-10"),
    ("level", "FY-2022", "4", "estimate", "2022-12-20"),
    # 2023: outturn 5 and "đạt 104% kế hoạch" in January 2024; the plan itself (6) published only in August 2024
    ("level", "FY-2023", "5", "estimate", "2024-01-10"),
    ("share_of_plan_pct", "FY-2023", "104", "estimate", "2024-01-10"),
    ("level", "FY-2023", "6", "plan", "2024-08-01"),
    # 2018: an outturn without any plan or share: not counted
    ("level", "FY-2018", "1", "estimate", "2018-12-20"),
    # 2024: the year assessed: never part of its own base rate
    ("level", "FY-2024", "3", "plan", "2024-01-10"),
    ("level", "FY-2024", "3", "estimate", "2024-12-20"),
]


@pytest.fixture
def synthetic(data_copy, csv_tools):
    _add(csv_tools, data_copy, ROWS)
    return csv_tools.load(data_copy)


def test_base_rate_on_plan_and_share_of_plan(synthetic):
    reg, obs = synthetic
    r = base_rate(obs, "ntm_districts", "level", 2024, "2024-07-18", area=reg.province)
    assert isinstance(r, BaseRate)
    assert r.years == {2019: True, 2020: False, 2021: True, 2022: False, 2023: True}
    assert r.basis == {2019: "plan", 2020: "share_of_plan", 2021: "plan", 2022: "plan", 2023: "share_of_plan"}
    assert (r.met, r.n) == (3, 5)


def test_a_plan_published_after_as_of_is_not_used(synthetic):
    reg, obs = synthetic
    # in July 2024 the 2023 plan (published 1/8/2024) was unknown: 2023 counts by its share of plan, 104% → met;
    # from August, by the plan: 5 < 6 → missed
    july = base_rate(obs, "ntm_districts", "level", 2024, "2024-07-18", area=reg.province)
    later = base_rate(obs, "ntm_districts", "level", 2024, "2024-08-01", area=reg.province)
    assert (july.years[2023], july.basis[2023]) == (True, "share_of_plan")
    assert (later.years[2023], later.basis[2023]) == (False, "plan")
    assert (later.met, later.n) == (2, 5)


def test_figures_published_after_as_of_are_not_counted(synthetic):
    reg, obs = synthetic
    # on 31/12/2023 the 2023 outturn and share (10/1/2024) were not published: 2023 is not counted
    r = base_rate(obs, "ntm_districts", "level", 2024, "2023-12-31", area=reg.province)
    assert set(r.years) == {2019, 2020, 2021, 2022}
    # and the years before before_year only
    assert set(base_rate(obs, "ntm_districts", "level", 2022, "2025-12-31", area=reg.province).years) == {2019, 2020, 2021}


def test_the_area_defaults_to_the_province(synthetic):
    _, obs = synthetic
    assert base_rate(obs, "ntm_districts", "level", 2024, "2024-07-18").years == \
        {2019: True, 2020: False, 2021: True, 2022: False, 2023: True}


def test_the_shipped_tourists_base_rate(observations):
    # tourism.csv, as of 18/7/2024 (each plan its latest vintage by then):
    # 2017: 104,45% of plan (share); 2018: 7.710.930 ≥ plan 7.100.000; 2019: 8.780.484 ≥ 8,3 M;
    # 2020: > 5,2 M < plan > 9,3 M; 2021: 44,7% of plan (share); 2022: 7.568.182 ≥ the revised plan 7,43 M
    # (1/10/2022; the first was 5,6 M); 2023: > 8,5 M < the revised plan > 8,6 M (10/7/2023); 2016: no plan, no share
    r = base_rate(observations, "tourists", "level", 2024, "2024-07-18")
    assert r.years == {2017: True, 2018: True, 2019: True, 2020: False, 2021: False, 2022: True, 2023: False}
    assert r.basis == {2017: "share_of_plan", 2018: "plan", 2019: "plan", 2020: "plan", 2021: "share_of_plan",
                       2022: "plan", 2023: "plan"}
    assert (r.met, r.n) == (4, 7)
