"""The consistency checks of the resolution's own numbers (overview): implied H1 and H2 share."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg_metrics.arithmetic.status import THRESHOLDS

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing


def data(b: "Briefing") -> dict[str, Any]:
    """The checks (``b.anomalies``: one row per indicator and check) and the tolerances they use."""
    return {
        "tolerance_pct": THRESHOLDS.implied_h1_tolerance_pct,
        "covid_years": list(THRESHOLDS.covid_years),
        "share_tolerance_pp": THRESHOLDS.h2_share_tolerance_pp,
        "checks": b.anomalies.to_dict("records"),
    }
