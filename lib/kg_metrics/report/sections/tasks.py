"""The tasks the resolution sets for a sector, quoted in Vietnamese, by clause and paragraph."""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import pandas as pd

from kg_metrics.data.extract import tasks_for_sector
from kg_metrics.report.sections.common import clause_label

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing

_COLUMNS = ["clause", "paragraph", "text"]


def task_rows(b: "Briefing") -> pd.DataFrame:
    """The sector's tasks as (clause, paragraph, text) rows, one per sentence.

    From :func:`kg_metrics.data.extract.tasks_for_sector` (sentence by sentence); falls back to
    :meth:`Registry.tasks_for` (paragraph by paragraph) when the extractor fails or returns another shape.
    """
    sector = b.sector or b.reg.overview_sector
    try:
        df = tasks_for_sector(b.reg, sector)
    except Exception as exc:  # noqa: BLE001 - never lose the tasks over the extractor
        warnings.warn(f"kg_metrics.data.extract.tasks_for_sector failed ({exc}); using Registry.tasks_for")
    else:
        if isinstance(df, pd.DataFrame) and set(_COLUMNS) <= set(df.columns):
            return df[_COLUMNS].reset_index(drop=True)
        warnings.warn("kg_metrics.data.extract.tasks_for_sector returned an unexpected shape; using Registry.tasks_for")
    return b.reg.tasks_for(sector)[_COLUMNS]


def data(b: "Briefing") -> dict[str, Any]:
    """The tasks grouped by paragraph (in the resolution's order), each with its citation in the briefing's language."""
    groups = [{"clause": clause_label(clause, b.lang, int(para)), "texts": list(grp["text"])}
              for (clause, para), grp in task_rows(b).groupby(["clause", "paragraph"], sort=False)]
    return {"paragraphs": groups}
