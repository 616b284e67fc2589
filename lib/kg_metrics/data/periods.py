"""Reporting periods: H1-2024, H2-2024, FY-2024, Q1-2023, YTD07-2024 (Jan–Jul), M07-2024."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from kg_metrics.text.catalog import t

_PATTERN = re.compile(r"^(?:(H[12])|(FY)|(Q[1-4])|YTD(0[1-9]|1[0-2])|M(0[1-9]|1[0-2]))-((?:19|20)\d\d)$")


@dataclass(frozen=True, order=True)
class Period:
    """A period as first and last month of one calendar year."""

    year: int
    first_month: int
    last_month: int
    code: str

    @property
    def end(self) -> date:
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def months(self) -> int:
        return self.last_month - self.first_month + 1

    @property
    def kind(self) -> str:
        """'H1', 'H2', 'FY', 'Q1'…, 'YTD' or 'M'."""
        return self.code.split("-")[0].rstrip("0123456789") if self.code.startswith(("YTD", "M")) else self.code.split("-")[0]


def parse_period(code: str) -> Period:
    """Parse a period code.

    Examples
    --------
    >>> parse_period("H2-2024").end
    datetime.date(2024, 12, 31)
    >>> parse_period("YTD07-2024").months
    7
    >>> parse_period("2024-H2")
    Traceback (most recent call last):
    ...
    ValueError: '2024-H2' is not a period code (expected H1-YYYY, H2-YYYY, FY-YYYY, Q1-YYYY…Q4, YTDmm-YYYY or Mmm-YYYY)
    """
    m = _PATTERN.fullmatch(code) if isinstance(code, str) else None
    if not m:
        raise ValueError(
            f"{code!r} is not a period code (expected H1-YYYY, H2-YYYY, FY-YYYY, Q1-YYYY…Q4, YTDmm-YYYY or Mmm-YYYY)"
        )
    half, fy, q, ytd, month, year = m.groups()
    y = int(year)
    if half:
        first, last = (1, 6) if half == "H1" else (7, 12)
    elif fy:
        first, last = 1, 12
    elif q:
        n = int(q[1])
        first, last = 3 * n - 2, 3 * n
    elif ytd:
        first, last = 1, int(ytd)
    else:
        first = last = int(month)
    return Period(y, first, last, code)


def period_label(code: str, lang: str = "vi") -> str:
    """Human label of a period code, as the catalog words it (``period.H1`` … ``period.M``).

    Examples
    --------
    >>> period_label("H2-2024")
    '6 tháng cuối năm 2024'
    >>> period_label("H1-2024", "en")
    'H1 2024'
    >>> period_label("YTD07-2024"), period_label("YTD07-2024", "en")
    ('7 tháng năm 2024', 'Jan–Jul 2024')
    """
    p = parse_period(code)
    kind = "Q" if p.kind.startswith("Q") else p.kind
    return t(f"period.{kind}", lang, year=p.year, quarter=p.last_month // 3,
             month=t(f"period.month.{p.last_month}", lang))
