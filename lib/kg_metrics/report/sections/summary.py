"""The summary of the briefing's targets: how many, their statuses, and one line each."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg_metrics.analysis.assessment import executive_summary
from kg_metrics.arithmetic.status import STATUSES, THRESHOLDS

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing


def data(b: "Briefing") -> dict[str, Any] | None:
    """Every target of the briefing (a sector's own) with its status; None when it has none.

    ``targets`` is the summary table (:func:`kg_metrics.analysis.assessment.executive_summary`, its headers
    in the briefing's language) whose status column holds the status codes, shown as badges.
    """
    assessed = b._sector_targets()
    if assessed.empty:
        return None
    table = executive_summary(assessed.reset_index(drop=True), b.reg, b.lang)
    table.iloc[:, 4] = list(assessed["status"])
    counts = assessed["status"].value_counts()
    return {
        "n": len(assessed),
        "as_of": b.as_of,
        "at_risk_margin_pp": THRESHOLDS.at_risk_margin_pp,
        "counts": [{"status": st, "n": int(counts[st])} for st in STATUSES if st in counts],
        "show_sector": b.notebook != "sector",  # one sector: the sector column says nothing
        "targets": table,
    }
