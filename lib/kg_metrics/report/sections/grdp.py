"""Economic growth (overview): H1 GRDP growth, the sectors' contributions, and the H2 growth the year target needs."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from kg_metrics.analysis.assessment import grdp_requirement
from kg_metrics.arithmetic.growth import implied_h1_weight, required_h2_growth
from kg_metrics.data.observations import lookup
from kg_metrics.report.sections import contributions
from kg_metrics.report.sections.common import clause_label

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing

#: The inputs of the required H2 growth, in the order they are named when missing: key → (period, measure);
#: ``{y}`` is the briefing's year, ``{b}`` the year before.
_INPUTS = {"g1": ("H1-{y}", "growth_yoy_pct"), "h1": ("H1-{b}", "level"), "fy": ("FY-{b}", "level")}


def observation(b: "Briefing", row: pd.Series) -> dict[str, Any]:
    """One observation as the section shows it: its value and source, and the briefing's wording of it."""
    derived = row["status"] == "derived"
    return {"period": row["period"], "value": float(row["value"]), "unit": row["unit"], "status": row["status"],
            "qualifier": row["qualifier"] or "", "source_url": row["source_url"],
            "observed": b.observed(row), "quantity": b.qty(row["value"], row["unit"]),
            "derivation": b.describe_derivation(row) if derived else None}


def weight_notes(b: "Briefing", components: list[str]) -> list[dict[str, str]]:
    """The weights to be read with care: derived (``how``), or published as a bound (``value``, 'over …')."""
    notes = []
    for c in components:
        base = lookup(b.obs, c, f"H1-{b.year - 1}", as_of=b.as_of)
        if base is None:
            continue
        name = b.reg.short_name(c, b.lang)
        if base["status"] == "derived":
            notes.append({"kind": "derived", "name": name, "how": b.describe_derivation(base)})
        elif base["qualifier"] in (">", "<", "≈"):
            notes.append({"kind": "lower_bound", "name": name, "value": b.observed(base)})
    return notes


def required(b: "Briefing") -> dict[str, Any]:
    """The H2 growth the year target needs, g₂ = (g − w₁·g₁) / (1 − w₁), with every input.

    Keys: the resolution's year target ``target_growth_pct`` and H2 target ``resolution_h2_growth_pct``
    (None when it sets none) and their clauses; ``required_h2_growth_pct`` (None when an input is
    missing: ``missing`` names which, keys of ``_INPUTS``); otherwise the inputs ``h1_growth``,
    ``base_h1``, ``base_fy`` (:func:`observation`), the weight ``h1_weight`` (``h1_weight_data`` from the
    data, ``h1_weight_overridden`` when a scenario sets it), ``equal_halves_h2_growth_pct`` (g₂ with
    w₁ = 0.5). When an input is missing but the H1 growth is known: ``h1_growth`` and ``implied_h1_weight``
    (the w₁ the resolution's g and g₂ imply, derived) and ``equal_halves_h2_growth_pct``.
    """
    y, base = b.year, b.year - 1
    req = grdp_requirement(b.reg, b.obs, y, as_of=b.as_of, h1_weight=b.h1_weights.get("grdp"))
    tg = b.reg.targets[(b.reg.targets["indicator"] == "grdp") & (b.reg.targets["measure"] == "growth_yoy_pct")]
    fy_t, h2_t = tg[tg["period"] == f"FY-{y}"], tg[tg["period"] == f"H2-{y}"]
    out: dict[str, Any] = {
        "target_growth_pct": req["target_growth_pct"],
        "resolution_h2_growth_pct": float(h2_t["value"].iloc[0]) if len(h2_t) else None,
        "clause": clause_label(h2_t["clause"].iloc[0] if len(h2_t) else fy_t["clause"].iloc[0], b.lang),
        "fy_clause": clause_label(fy_t["clause"].iloc[0], b.lang) if len(fy_t) else None,
        "required_h2_growth_pct": None if req.get("required_h2_growth_pct") is None
        else float(req["required_h2_growth_pct"]),
    }
    if out["required_h2_growth_pct"] is None:
        out["missing"] = [k for k, (period, measure) in _INPUTS.items()
                          if lookup(b.obs, "grdp", period.format(y=y, b=base), measure, as_of=b.as_of) is None]
        g1 = lookup(b.obs, "grdp", f"H1-{y}", "growth_yoy_pct", as_of=b.as_of)
        g2 = out["resolution_h2_growth_pct"]
        if g1 is not None and g2 is not None and float(g1["value"]) != g2:
            # What the resolution's own figures imply, with the H1 growth published by the date.
            out.update(h1_growth=observation(b, g1), implied_h1_weight=implied_h1_weight(
                req["target_growth_pct"], g2, float(g1["value"])),
                equal_halves_h2_growth_pct=required_h2_growth(req["target_growth_pct"], float(g1["value"]), 0.5))
        return out
    fy = req["base_fy"]
    out.update(
        h1_growth_pct=req["h1_growth_pct"], h1_growth=observation(b, req["h1_growth"]),
        base_h1=None if req["base_h1"] is None else observation(b, req["base_h1"]),
        base_fy=None if fy is None else observation(b, fy),  # None: a scenario's w₁ stands in for the levels
        h1_weight=float(req["h1_weight"]),
        h1_weight_data=None if req["h1_weight_data"] is None else float(req["h1_weight_data"]),
        h1_weight_overridden=bool(req.get("h1_weight_overridden")),
        equal_halves_h2_growth_pct=required_h2_growth(req["target_growth_pct"], req["h1_growth_pct"], 0.5),
    )
    return out


def data(b: "Briefing") -> dict[str, Any]:
    """H1 GRDP growth (``h1_growth``, None when missing), the contributions (:func:`contributions.frame`,
    None when missing) with the notes on their weights, and the required H2 growth (:func:`required`)."""
    y = b.year
    g1 = lookup(b.obs, "grdp", f"H1-{y}", "growth_yoy_pct", as_of=b.as_of)
    df = contributions.frame(b)
    return {
        "year": y, "base_year": y - 1,
        "h1_growth": None if g1 is None else observation(b, g1),
        "contributions": df,
        "weight_notes": [] if df is None else weight_notes(b, list(df["component"])),
        "required": required(b),
    }
