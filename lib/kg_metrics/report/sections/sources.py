"""Every figure a briefing uses, with its status and source; the inputs of derived figures are listed too."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from kg_metrics.data.periods import parse_period, period_label
from kg_metrics.report.sections.common import status_word
from kg_metrics.text.catalog import t

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing

def _key(row: pd.Series) -> str:
    return f"{row['indicator']}/{row['measure']}/{row['period']}"


def _end(period: str) -> str:
    return parse_period(period).end.isoformat()


def used_observations(b: "Briefing") -> pd.DataFrame:
    """Every observation the briefing uses (as known on ``as_of``: ``b.obs`` is that view), with the inputs of derived ones.

    A sector briefing uses the levels and growth rates of its targets' indicators (for an additive one, of H1
    and full years: what its assessment and chart read); the overview the GRDP
    figures (GRDP and its components: the contributions and the required growth). Adds ``input_of`` (True for a row listed only as an input of a derived figure).
    """
    obs = b.obs[b.obs["area"] == b.reg.province]
    if b.notebook == "sector":
        inds = list(dict.fromkeys(b._sector_targets()["indicator"]))
        # the assessment and the charts of an additive indicator read its H1 and full-year figures only; a
        # non-additive one (a cumulative rate) is charted at every period published
        additive = b.reg.indicators.set_index("indicator")["additive"].astype(bool)
        kinds = obs["period"].map(lambda p: parse_period(p).kind)
        read = kinds.isin(["H1", "FY"]) | ~obs["indicator"].map(additive).fillna(True).astype(bool)
        used = obs[obs["indicator"].isin(inds) & obs["measure"].isin(["level", "growth_yoy_pct"]) & read]
    else:
        y, base = b.year, b.year - 1
        keys = {("grdp", "growth_yoy_pct", f"H1-{y}"), ("grdp", "level", f"H1-{base}"), ("grdp", "level", f"FY-{base}")}
        comps = b.reg.grdp_components
        keys |= {(c, "level", f"H1-{base}") for c in comps} | {(c, "growth_yoy_pct", f"H1-{y}") for c in comps}
        mask = [(i, m, p) in keys for i, m, p in zip(obs["indicator"], obs["measure"], obs["period"])]
        used = obs[pd.Series(mask, index=obs.index)]
    rows = [r for _, r in used.iterrows()]
    seen = {_key(r) for r in rows}
    extra = []
    for r in rows:
        if r["status"] == "derived":
            for inp in b._derivation_inputs(r):
                if _key(inp) not in seen:
                    seen.add(_key(inp))
                    extra.append(inp)
    out = pd.DataFrame(rows + extra, columns=obs.columns)
    out["input_of"] = [False] * len(rows) + [True] * len(extra)
    if out.empty:
        return out
    order = {ind: i for i, ind in enumerate(b.reg.indicators["indicator"])}
    out["_o"] = out["indicator"].map(order)
    out["_end"] = out["period"].map(_end)
    out["_m"] = out["measure"].map({"level": 0, "growth_yoy_pct": 1}).fillna(2)
    return out.sort_values(["_o", "_m", "_end"]).drop(columns=["_o", "_end", "_m"]).reset_index(drop=True)


def data(b: "Briefing") -> dict[str, Any]:
    """One record per figure used: what, period, value as shown, status, source URLs and notes.

    ``notes`` say how a derived figure was computed, that a figure is only an input of a derived one, and
    that its period ends after the assessment date. The data file's own ``note`` (curators' working notes, in
    English) is not shown: text/style.yml, rule data_notes.
    """
    lang = b.lang
    figures = []
    for r in used_observations(b).to_dict("records"):
        derived = r["status"] == "derived"
        notes = []
        if derived:
            notes.append(b.describe_derivation(r))
        if r["input_of"]:
            notes.append(t("briefing.input_of", lang))
        if _end(r["period"]) > b.as_of:
            notes.append(t("briefing.after_as_of", lang))
        figures.append({
            "indicator": b.reg.indicator_name(r["indicator"], lang),
            "measure": None if r["measure"] == "level" else t(f"briefing.m_{r['measure']}", lang),
            "period": period_label(r["period"], lang),
            "value": b.observed(r),
            "status": r["status"],
            "status_word": status_word(r["status"], lang),
            "urls": r["source_url"],
            "published": r["published"],
            "notes": notes,
        })
    return {"figures": figures, "more_in_sectors": b.notebook == "overview"}
