"""Status of a target (met / on track / at risk / off track / not assessable), thresholds in one place."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """Every threshold the assessment uses. Change them here and nowhere else."""

    #: Required H2 growth at most this many pp above the H1 pace: on track.
    on_track_margin_pp: float = 0.0
    #: Required H2 growth up to this many pp above the H1 pace: at risk; beyond: off track.
    at_risk_margin_pp: float = 3.0
    #: Implied H1 (year − H2 target) differing from the reported H1 by more than this: flagged.
    implied_h1_tolerance_pct: float = 2.0
    #: H2 share of the year target outside the historical range by more than this: flagged.
    h2_share_tolerance_pp: float = 2.0
    #: A cumulative rate (disbursement) projected along the usual H1→year path up to this many pp short of
    #: its target: at risk; further short: off track.
    path_at_risk_pp: float = 10.0
    #: Years left out of seasonal history (COVID-19 lockdowns distort the H1/H2 split).
    covid_years: tuple[int, ...] = (2020, 2021)


THRESHOLDS = Thresholds()

#: Every status, in order of merit; the catalog words each one (``status.<id>``).
STATUSES = ("met", "on_track", "at_risk", "off_track", "not_assessable")


def meets(value: float, comparator: str, target: float) -> bool:
    """Whether ``value`` satisfies ``comparator target``.

    "=" (đạt: reach) and "≈" (ước đạt) count as met when the value reaches the
    target; exceeding it is also reaching it.

    Examples
    --------
    >>> meets(9.8, ">", 9.2), meets(75.22, "≥", 95), meets(800_000, "=", 800_000)
    (True, False, True)
    """
    if comparator == ">":
        return value > target
    if comparator in ("≥", "=", "≈"):
        return value >= target - 1e-9
    raise ValueError(f"unknown comparator {comparator!r}")


def target_status(*, comparator: str, target: float, outturn: float | None = None,
                  required_growth_pct: float | None = None, pace_growth_pct: float | None = None,
                  thresholds: Thresholds = THRESHOLDS) -> str:
    """Status of one target.

    - With an outturn for the target's period: ``met`` if it satisfies the target, else ``off_track``.
    - Otherwise compare the growth H2 needs with the pace achieved in H1 (both y/y, %):
      gap = required − pace; gap ≤ on-track margin → ``on_track``; gap ≤ at-risk margin →
      ``at_risk``; larger → ``off_track``.
    - Missing inputs → ``not_assessable``.

    Examples
    --------
    GRDP: 6,56% needed in H2 after 6,84% in H1.

    >>> target_status(comparator="≥", target=6.7, required_growth_pct=6.56, pace_growth_pct=6.84)
    'on_track'
    >>> target_status(comparator="≥", target=6.7, required_growth_pct=9.0, pace_growth_pct=6.84)
    'at_risk'
    >>> target_status(comparator="≥", target=95, outturn=75.22)
    'off_track'
    >>> target_status(comparator="=", target=3)
    'not_assessable'
    """
    if outturn is not None:
        return "met" if meets(outturn, comparator, target) else "off_track"
    if required_growth_pct is None or pace_growth_pct is None:
        return "not_assessable"
    gap = required_growth_pct - pace_growth_pct
    if gap <= thresholds.on_track_margin_pp:
        return "on_track"
    if gap <= thresholds.at_risk_margin_pp:
        return "at_risk"
    return "off_track"
