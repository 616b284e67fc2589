"""Base rates: in how many past years the province met its own annual plan for an indicator.

A year counts when both its plan and its outturn were published by the assessment date:

- the plan (``status`` plan, period FY-year) and the full-year figure of the same measure: met when the
  figure reaches the plan (:func:`kg_metrics.arithmetic.status.meets` with ``≥``);
- or a published share of plan for the full year ("đạt X% kế hoạch", ``share_of_plan_pct``): met at 100% or more.

COVID years are kept: a plan missed in a lockdown year is a plan missed. Nothing is estimated; a year
without both figures is not counted.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kg_metrics.arithmetic.status import meets
from kg_metrics.data.observations import as_of_view, plans_view, province_of


@dataclass
class BaseRate:
    """``years``: {year: met?}; ``basis``: {year: 'plan' or 'share_of_plan'} (how it was judged)."""

    indicator: str
    measure: str
    years: dict[int, bool] = field(default_factory=dict)
    basis: dict[int, str] = field(default_factory=dict)

    @property
    def met(self) -> int:
        return sum(self.years.values())

    @property
    def n(self) -> int:
        return len(self.years)


def base_rate(obs: pd.DataFrame, indicator: str, measure: str, before_year: int, as_of: str,
              area: str | None = None) -> BaseRate:
    """How often the annual plan of ``indicator`` (its ``measure``) was met in the years before ``before_year``.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": ["x"] * 4, "measure": ["level"] * 3 + ["share_of_plan_pct"],
    ...     "period": ["FY-2022", "FY-2022", "FY-2021", "FY-2019"], "area": ["a"] * 4,
    ...     "status": ["plan", "estimate", "estimate", "estimate"], "value": [10.0, 9.0, 5.0, 104.0],
    ...     "published": ["2022-01-05", "2023-01-05", "2022-01-05", "2020-01-05"]})
    >>> r = base_rate(obs, "x", "level", 2024, "2024-07-18", area="a")
    >>> r.years, r.basis
    ({2019: True, 2022: False}, {2019: 'share_of_plan', 2022: 'plan'})
    """
    area = area or province_of(obs)
    figures, plans = as_of_view(obs, as_of), plans_view(obs, as_of)  # cached per frame and date
    figures = figures[(figures["indicator"] == indicator) & (figures["area"] == area)]
    plans = plans[(plans["indicator"] == indicator) & (plans["area"] == area)]
    out = BaseRate(indicator, measure)
    plan_by = {p: float(v) for p, v in zip(plans[plans["measure"] == measure]["period"],
                                           plans[plans["measure"] == measure]["value"])}
    fig = figures[figures["period"].str.startswith("FY-")]
    outturn = {p: float(v) for p, v in zip(fig[fig["measure"] == measure]["period"], fig[fig["measure"] == measure]["value"])}
    share = {p: float(v) for p, v in zip(fig[fig["measure"] == "share_of_plan_pct"]["period"],
                                         fig[fig["measure"] == "share_of_plan_pct"]["value"])}
    for p in sorted(set(outturn) | set(share)):
        y = int(p[3:])
        if y >= before_year:
            continue
        if p in plan_by and p in outturn:
            out.years[y], out.basis[y] = meets(outturn[p], "≥", plan_by[p]), "plan"
        elif p in share:
            out.years[y], out.basis[y] = share[p] >= 100 - 1e-9, "share_of_plan"
    return out


__all__ = ["BaseRate", "base_rate"]
