"""The briefing's title: heading, scenario banner, lead paragraph (resolution, assessment date, data), data notes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg_metrics.report.sections.common import clause_label

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing


def data(b: "Briefing") -> dict[str, Any]:
    """What the title says: the resolution, the assessment date, the counts of the data, and the data notes.

    Runs the data checks first (:meth:`Briefing.check`) if the notebook has not: their findings are the notes.
    """
    if not b._checked:
        b.check()
    cat = b.reg.catalog
    n_derived = int((b.obs["status"] == "derived").sum())
    clause = b.reg.sectors.set_index("sector").loc[b.sector, "clause"] if b.notebook == "sector" else None
    return {
        "notebook": b.notebook,
        "year": b.year,
        "sector_name": b.reg.sector_name(b.sector, b.lang) if b.notebook == "sector" else None,
        "scenario": b.scenario,
        "resolution_title": getattr(cat, f"resolution_title_{b.lang}"),
        "resolution_title_vi": cat.resolution_title_vi,
        "resolution_date": cat.resolution_date,
        "as_of": b.as_of,
        "vintage": cat.vintage,
        "n_targets": len(b._sector_targets()),  # a sector's own, not the resolution's 23
        "n_sourced": len(b.obs) - n_derived,
        "n_derived": n_derived,
        "clause": clause_label(clause, b.lang) if clause is not None else None,
        "notes": list(b.notes),
    }
