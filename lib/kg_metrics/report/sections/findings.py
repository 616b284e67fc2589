"""The briefing's first page: counts by status, the key findings (each linking to its section), and a status
grid of one line per target. A printed table of contents follows (filled in at rendering, from the headings)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg_metrics.analysis.assessment import summary_rows
from kg_metrics.analysis.findings import key_findings, status_counts

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing

#: The section each finding's topic links to, per notebook (``<h2 id>`` of the section templates).
ANCHORS = {
    "overview": {"grdp": "grdp", "consistency": "anomalies"},
    "sector": {},
}
#: Where a topic without an anchor of its own links: the table of every target with its full reason.
DEFAULT_ANCHOR = {"overview": "summary", "sector": "targets"}


def data(b: "Briefing") -> dict[str, Any] | None:
    """The counts, findings and grid of the briefing's targets (a sector's own); None when it has none.

    ``findings``: :func:`kg_metrics.analysis.findings.key_findings` with the anchor each links to;
    ``grid``: :func:`kg_metrics.analysis.assessment.summary_rows` (short name, period, target, status, short reason).
    """
    assessed = b._sector_targets()
    if assessed.empty:
        return None
    anchors, default = ANCHORS[b.notebook], DEFAULT_ANCHOR[b.notebook]
    found = key_findings(assessed, b.anomalies, b.reg, b.lang, b.as_of)
    return {
        "n": len(assessed),
        "as_of": b.as_of,
        "counts": status_counts(assessed),
        "findings": [{"topic": f.topic, "status": f.status, "text": f.text, "anchor": anchors.get(f.topic, default)}
                     for f in found],
        "grid": [{k: r[k] for k in ("short_name", "period", "target", "status", "status_label", "reason_short")}
                 for r in summary_rows(assessed, b.reg, b.lang)],
        "periods": [p.split("-")[0] for p in assessed["period"]],
    }
