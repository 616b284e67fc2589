"""Growth arithmetic the council reasons with: half-year weights, required growth, shares, contributions.

Conventions: growth rates and shares are in percent (6.56 means 6.56%);
contributions are in percentage points; weights are fractions (0.49 means 49%).
Levels may be in any unit, as long as the arguments of one call share it.
"""
from __future__ import annotations

from typing import Mapping


def _ratio(part: float, whole: float, whole_name: str) -> float:
    """part / whole, for a ``whole`` that must be positive (a level, a plan); ValueError names it otherwise."""
    if whole <= 0:
        raise ValueError(f"the {whole_name} must be positive")
    return part / whole


def h1_weight(h1_level: float, year_level: float) -> float:
    """Half-year weight w₁ = H1 / year of the base year (fraction).

    Both levels at constant prices and in the same unit.

    Examples
    --------
    Kiên Giang's GRDP in 2023: H1 35.872 of 72.799,77 bn VND.

    >>> round(h1_weight(35872, 72799.77), 4)
    0.4927
    """
    return _ratio(h1_level, year_level, "year level")


def required_h2_growth(annual_growth_pct: float, h1_growth_pct: float, h1_weight: float) -> float:
    """H2 growth (%) needed to reach ``annual_growth_pct`` after ``h1_growth_pct`` in H1.

    g₂ = (g − w₁·g₁) / (1 − w₁), where w₁ is H1's share of the base year at
    constant prices. It follows from Y = H1 + H2: the year's growth is the
    weight-average of the half-year growths, g = w₁·g₁ + (1 − w₁)·g₂.

    Examples
    --------
    Kiên Giang 2024: target 6.7%, H1 growth 6.84%, H1 2023 = 35.872 of 72.799,8 bn VND.

    >>> round(required_h2_growth(6.7, 6.84, 35872 / 72799.77), 2)
    6.56

    With equal halves the answer is 2·g − g₁:

    >>> round(required_h2_growth(6.7, 6.84, 0.5), 10)
    6.56
    """
    if not 0 <= h1_weight < 1:
        raise ValueError("h1_weight must be a fraction in [0, 1)")
    return (annual_growth_pct - h1_weight * h1_growth_pct) / (1 - h1_weight)


def implied_h1_weight(annual_growth_pct: float, h2_growth_pct: float, h1_growth_pct: float) -> float:
    """The H1 weight w₁ that a stated annual target g, H2 requirement g₂ and H1 growth g₁ imply.

    w₁ = (g − g₂) / (g₁ − g₂), from g = w₁·g₁ + (1 − w₁)·g₂. The resolution states g and g₂; with the
    published g₁ this recovers the weight its arithmetic used (a derived figure).

    Examples
    --------
    >>> implied_h1_weight(6.7, 6.56, 6.84)
    0.5
    """
    if abs(h1_growth_pct - h2_growth_pct) < 1e-12:
        raise ValueError("H1 and H2 growth are equal: any weight gives the same year")
    return round((annual_growth_pct - h2_growth_pct) / (h1_growth_pct - h2_growth_pct), 12)


def annual_growth(h1_growth_pct: float, h2_growth_pct: float, h1_weight: float) -> float:
    """Year growth (%) from the half-year growths: g = w₁·g₁ + (1 − w₁)·g₂.

    Examples
    --------
    The inverse of :func:`required_h2_growth`:

    >>> w1 = 35872 / 72799.77
    >>> round(annual_growth(6.84, required_h2_growth(6.7, 6.84, w1), w1), 10)
    6.7
    """
    return h1_weight * h1_growth_pct + (1 - h1_weight) * h2_growth_pct


def implied_h1(year_target: float, h2_target: float) -> float:
    """The H1 level a resolution assumed: implied H1 = year target − H2 target.

    Examples
    --------
    >>> implied_h1(680_000, 99_355)
    580645
    """
    return year_target - h2_target


def gap_pct(value: float, reference: float) -> float:
    """Relative gap of ``value`` over ``reference`` in percent: (value − reference) / reference × 100.

    Examples
    --------
    >>> round(gap_pct(580_645, 508_645), 1)
    14.2
    """
    if reference == 0:
        raise ValueError("the reference must not be zero")
    return (value - reference) / reference * 100


def h2_share(h2_level: float, year_level: float) -> float:
    """H2's share of the year in percent: H2 / year × 100.

    Examples
    --------
    Rice 2024: the H2 target of 2,035 M t is 44% of the year's 4,6 M t; the halves' shares add up to 100.

    >>> round(h2_share(2.035, 4.6), 2), round(h2_share(2.035, 4.6) + h2_share(4.6 - 2.035, 4.6), 10)
    (44.24, 100.0)
    """
    return _ratio(h2_level, year_level, "year level") * 100


def growth_pct(level: float, base_level: float) -> float:
    """Growth of ``level`` over ``base_level`` in percent: (level / base − 1) × 100.

    Examples
    --------
    >>> round(growth_pct(2.57, 2.5), 2), growth_pct(2.5, 2.5)  # rice, H1 2024 over H1 2023 (M t)
    (2.8, 0.0)
    """
    return (_ratio(level, base_level, "base level") - 1) * 100


def required_h2_yoy_growth(h2_target: float, h2_base: float) -> float:
    """Year-on-year growth (%) an H2 target asks for against H2 of the base year.

    g = (H2 target / H2 base − 1) × 100, where H2 base = base year − its H1.

    Examples
    --------
    Tourists: H2 2024 target 3,75 M against H2 2023 = 8,5 − 4,95 = 3,55 M.

    >>> round(required_h2_yoy_growth(3.75, 8.5 - 4.95), 2)
    5.63
    """
    return growth_pct(h2_target, h2_base)


def share_of_plan(actual: float, plan: float) -> float:
    """"đạt x% kế hoạch": actual / plan × 100; over-fulfilment is not capped.

    Examples
    --------
    Fishery: 360.942 t in H1 2024 against the year's plan of 800.000 t; a million tonnes would exceed it.

    >>> round(share_of_plan(360_942, 800_000), 2), share_of_plan(1_000_000, 800_000)
    (45.12, 125.0)
    """
    return _ratio(actual, plan, "plan") * 100


def contribution_pp(sector_base_level: float, total_base_level: float, sector_growth_pct: float) -> float:
    """A sector's contribution to total growth, in percentage points.

    c = (sector base / total base) × sector growth; the contributions of all
    components of GRDP (sectors and product taxes) add up to GRDP growth.

    Examples
    --------
    Agriculture in H1 2024: 13.897,96 of 35.872 bn VND in H1 2023, growing 2,46%.

    >>> round(contribution_pp(13897.96, 35872, 2.46), 2)
    0.95
    """
    return _ratio(sector_base_level, total_base_level, "total base level") * sector_growth_pct  # not prose: operator message


def contributions_pp(base_levels: Mapping[str, float], growth_pcts: Mapping[str, float]) -> dict[str, float]:
    """Contributions (pp) of every component, weighted by its share of their sum.

    Examples
    --------
    >>> c = contributions_pp({"a": 60, "b": 40}, {"a": 5, "b": 10})
    >>> c, sum(c.values())
    ({'a': 3.0, 'b': 4.0}, 7.0)
    """
    total = sum(base_levels.values())
    return {k: contribution_pp(base_levels[k], total, growth_pcts[k]) for k in base_levels}


def pro_rata_target(h2_target: float, months_into_h2: int) -> float:
    """Cumulative H2 amount due after ``months_into_h2`` months (1–6) of H2, spread evenly.

    pro rata = H2 target × m / 6. Seasonal series deviate from an even spread;
    compare the H2 share against history for that.

    Examples
    --------
    >>> pro_rata_target(449.2, 3)
    224.6
    """
    if not 0 <= months_into_h2 <= 6:
        raise ValueError("months_into_h2 must be between 0 and 6")
    return h2_target * months_into_h2 / 6


def projected_by_path(h1_level: float, past_gains: list[float]) -> float:
    """The year's level of a cumulative rate from its H1 level and the usual H1→year gain of past years.

    projected = H1 + mean(FY_k − H1_k) over the past years k (percentage points for a rate).

    Examples
    --------
    >>> projected_by_path(40.0, [50.0, 46.0])
    88.0
    """
    if not past_gains:
        raise ValueError("need at least one past year's H1→year gain")
    return h1_level + sum(past_gains) / len(past_gains)
