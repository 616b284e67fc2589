"""kg_metrics.data.periods: period codes, their months, end dates and labels."""
from __future__ import annotations

from datetime import date

import pytest

from kg_metrics.data.periods import Period, parse_period, period_label


@pytest.mark.parametrize("code, year, first, last, months, end, kind", [
    ("H1-2024", 2024, 1, 6, 6, date(2024, 6, 30), "H1"),
    ("H2-2024", 2024, 7, 12, 6, date(2024, 12, 31), "H2"),
    ("FY-2023", 2023, 1, 12, 12, date(2023, 12, 31), "FY"),
    ("Q1-2023", 2023, 1, 3, 3, date(2023, 3, 31), "Q1"),
    ("Q2-2023", 2023, 4, 6, 3, date(2023, 6, 30), "Q2"),
    ("Q3-2023", 2023, 7, 9, 3, date(2023, 9, 30), "Q3"),
    ("Q4-2024", 2024, 10, 12, 3, date(2024, 12, 31), "Q4"),
    ("YTD07-2024", 2024, 1, 7, 7, date(2024, 7, 31), "YTD"),   # Jan–Jul
    ("YTD02-2024", 2024, 1, 2, 2, date(2024, 2, 29), "YTD"),   # 2024 is a leap year
    ("YTD12-2019", 2019, 1, 12, 12, date(2019, 12, 31), "YTD"),
    ("M07-2024", 2024, 7, 7, 1, date(2024, 7, 31), "M"),
    ("M02-2023", 2023, 2, 2, 1, date(2023, 2, 28), "M"),       # 2023 is not
    ("M11-2020", 2020, 11, 11, 1, date(2020, 11, 30), "M"),
])
def test_parse_period(code, year, first, last, months, end, kind):
    p = parse_period(code)
    assert (p.year, p.first_month, p.last_month, p.code) == (year, first, last, code)
    assert p.months == months
    assert p.end == end
    assert p.kind == kind


@pytest.mark.parametrize("code", [
    "2024-H2", "H3-2024", "H0-2024", "Q0-2024", "Q5-2024", "FY2024", "fy-2024", "h1-2024",
    "YTD00-2024", "YTD13-2024", "YTD7-2024", "M7-2024", "M00-2024", "M13-2024",
    "H1-24", "H1-1899", "H1-2100", " H1-2024", "H1-2024 ", "H1 2024", "", "FY-2024-01",
])
def test_invalid_codes_raise_value_error(code):
    with pytest.raises(ValueError, match="is not a period code"):
        parse_period(code)


def test_none_is_not_a_period():
    with pytest.raises(ValueError):
        parse_period(None)


def test_trailing_newline_is_not_a_period():
    with pytest.raises(ValueError):
        parse_period("H1-2024\n")


def test_periods_sort_by_year_then_months():
    codes = ["FY-2024", "H1-2024", "H2-2023", "Q1-2023"]
    ordered = sorted(parse_period(c) for c in codes)
    # 2023 before 2024; within a year by first then last month: H1 (1–6) before FY (1–12)
    assert [p.code for p in ordered] == ["Q1-2023", "H2-2023", "H1-2024", "FY-2024"]


def test_period_is_immutable():
    p = parse_period("H1-2024")
    assert isinstance(p, Period)
    with pytest.raises(AttributeError):
        p.year = 2025  # type: ignore[misc]


@pytest.mark.parametrize("code, vi, en", [
    ("H1-2024", "6 tháng đầu năm 2024", "H1 2024"),
    ("H2-2024", "6 tháng cuối năm 2024", "H2 2024"),
    ("FY-2023", "năm 2023", "2023"),
    ("Q3-2023", "quý 3/2023", "Q3 2023"),
    ("YTD07-2024", "7 tháng năm 2024", "Jan–Jul 2024"),
    ("YTD02-2024", "2 tháng năm 2024", "Jan–Feb 2024"),
    ("YTD09-2023", "9 tháng năm 2023", "Jan–Sep 2023"),   # the catalog's abbreviation, not the locale's ('Sept')
    ("Q4-2024", "quý 4/2024", "Q4 2024"),
    ("M07-2024", "tháng 7/2024", "Jul 2024"),
    ("M12-2019", "tháng 12/2019", "Dec 2019"),
])
def test_period_label(code, vi, en):
    assert period_label(code) == vi          # Vietnamese is the default
    assert period_label(code, "vi") == vi
    assert period_label(code, "en") == en


def test_period_label_rejects_invalid_code():
    with pytest.raises(ValueError):
        period_label("2024-H1")
