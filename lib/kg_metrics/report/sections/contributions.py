"""The GRDP sectors' contributions to H1 growth (overview): the table's figures and the chart with its caption."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from kg_metrics.analysis.assessment import sector_contributions
from kg_metrics.report import charts

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing


def frame(b: "Briefing") -> pd.DataFrame | None:
    """Each GRDP component's H1 growth, weight and contribution to H1 GRDP growth, or None when missing.

    The frame of :func:`kg_metrics.analysis.assessment.sector_contributions` (``component``,
    ``base_level_bn_vnd``, ``growth_pct``, ``base_status``, ``weight``, ``contribution_pp``) with the
    component's short ``name`` and its weight in percent (``weight_pct``). When one input is missing no
    contribution can be computed (they would not add up), so there is none: None.
    """
    df = sector_contributions(b.obs, b.year, as_of=b.as_of, components=b.reg.grdp_components)
    if df["contribution_pp"].isna().all():
        return None
    df.insert(1, "name", [b.reg.short_name(c, b.lang) for c in df["component"]])
    df["weight_pct"] = df["weight"] * 100  # a share (0–1) in percent
    return df


def data(b: "Briefing") -> dict[str, Any]:
    """The contributions (``contributions``: :func:`frame`, None when missing), the ``chart`` and its ``figure_no``."""
    df = frame(b)
    out: dict[str, Any] = {"year": b.year, "base_year": b.year - 1, "contributions": df}
    if df is not None:
        out.update(chart=charts.contributions_chart(df, b.lang, names=charts.component_names(b.reg, b.lang),
                                                    year=b.year), figure_no=b.figure_number("contributions"),
                   total_pp=float(df["contribution_pp"].sum()),
                   weight_derived=bool((df["base_status"] == "derived").any()))
    return out
