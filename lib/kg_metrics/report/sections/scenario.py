"""A scenario briefing's section: the scenario's assumptions (with their sources), then what they imply.

The outcome part (GRDP growth and the sectors' contributions on the overview, every target's projection)
is :func:`outcome` + ``scenario_outcome.html.j2``, which the explorer (:mod:`kg_metrics.report.explorer`)
renders on its own for the values chosen on its sliders.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from kg_metrics.analysis.scenarios import ScenarioOutcome
from kg_metrics.arithmetic.status import meets
from kg_metrics.data.periods import period_label
from kg_metrics.data.registry import Registry, shown_path
from kg_metrics.data.scenario_files import Scenario
from kg_metrics.report.charts import component_names, scenario_contributions_chart
from kg_metrics.text.format import format_pct, format_quantity, format_target, value_or_none

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing


def data(b: "Briefing") -> dict[str, Any] | None:
    """The scenario (name, file), its assumptions and its outcome; None without a scenario.

    The overview shows GRDP and every target; a sector briefing its own targets and assumptions.
    """
    if b.scenario is None:
        return None
    oc = b.outcome
    sc = oc.scenario
    return {
        "file": shown_path(sc.path, b.reg.data_dir) if sc.path is not None else f"{sc.name}.yml",
        "sector": b.sector,
        "is_empty": sc.is_empty,
        "assumptions": assumptions(sc, b.reg, b.lang, oc.year, sector=b.sector),
        **outcome(oc, b.reg, b.lang, sector=b.sector, next_figure=lambda: b.figure_number("scenario_contributions")),
    }


def _name(reg: Registry, key: str, lang: str) -> str:
    return str(reg.short_name(key, lang)) if key in reg.grdp_components else str(reg.indicator_name(key, lang))


def assumptions(scenario: Scenario, reg: Registry, lang: str, year: int, sector: str | None = None) -> list[dict]:
    """One record per assumption of ``scenario``: kind (``h1_weight``, ``h1_revision``, ``h2_growth``), what
    it is about (``key``, ``name``), its value (``value``; ``shown`` as the briefing writes it),
    ``justification`` (in ``lang`` where the file gives it) and ``source`` (a URL, or a text such as 'derived from observations/…').

    With ``sector``, only the assumptions about that sector's indicators (a sector briefing's).
    """
    sector_of = reg.indicators.set_index("indicator")["sector"]
    units = reg.indicators.set_index("indicator")["unit"]
    out: list[dict] = []

    def shown(k: str) -> bool:
        return sector is None or sector_of.get(k) == sector

    def record(kind: str, key: str, value: float, text: str, a: Any, growth: bool = True) -> dict:
        return {"kind": kind, "key": key, "name": "" if kind == "h1_weight" else _name(reg, key, lang),
                "growth": growth, "value": value, "shown": text, "justification": a.justification_in(lang),
                "source": a.source}

    if scenario.h1_weight is not None and sector is None:
        a = scenario.h1_weight
        out.append(record("h1_weight", "h1_weight", a.h1_weight, "", a, growth=False))
    for k, r in scenario.h1_revisions.items():
        if shown(k):
            growth = r.measure == "growth_yoy_pct"
            text = format_pct(r.value, lang) if growth else format_quantity(r.value, reg.unit_symbol(units[k], lang),
                                                                             lang)
            out.append(record("h1_revision", k, r.value, text, r, growth=growth))
    for group in ("sectors", "indicators"):
        for k, a in getattr(scenario, group).items():
            if shown(k):
                out.append(record("h2_growth", k, a.h2_growth_pct, format_pct(a.h2_growth_pct, lang), a))
    return out


def outcome(oc: ScenarioOutcome, reg: Registry, lang: str, sector: str | None = None, live: bool = False,
            next_figure: Callable[[], int] | None = None) -> dict[str, Any]:
    """What a scenario implies (the data of ``scenario_outcome.html.j2``).

    On the overview (``sector=None``): ``grdp``, the year's GRDP growth under the scenario and how it is
    made up (``annual_growth_pct`` None when it cannot be computed), ``components``, each GRDP component's
    growth and contributions, and ``chart``, numbered ``figure_no`` by ``next_figure`` (1 without it).
    For every target: ``targets``, the projected ones (what, target and projection as written, ``met``,
    the inputs of the calculation), and ``unprojected``, {reason: [target, …]} for the others.
    ``live``: the explorer's heading for the values chosen.
    """
    y = oc.year
    tg = oc.targets if sector is None else oc.targets[oc.targets["sector"] == sector]
    targets: list[dict] = []
    unprojected: dict[str, list[str]] = {}
    for r in tg.to_dict("records"):
        unit = r["unit"]
        sym = "%" if unit == "pct" else reg.unit_symbol(unit, lang)
        what = f"{reg.indicator_name(r['indicator'], lang)}, {period_label(r['period'], lang)}"
        proj = value_or_none(r["projected"])
        if proj is None:
            unprojected.setdefault(r["missing"], []).append(what)
            continue
        growth = r["measure"] == "growth_yoy_pct"
        targets.append({
            "target_id": r["target_id"], "what": what, "half": r["period"].split("-")[0], "growth": growth,
            "comparator": r["comparator"], "target": format_quantity(value_or_none(r["target"]), sym, lang),
            "target_text": format_target(r["comparator"], format_quantity(value_or_none(r["target"]), sym, lang), lang,
                                         reg.comparator_wording(r["target_id"])),
            "projected": proj, "projected_shown": format_pct(proj, lang) if growth else format_quantity(proj, sym, lang),
            "met": bool(r["met"]), "h1": value_or_none(r["h1"]), "h1_status": r["h1_status"],
            "h1_qualifier": r["h1_qualifier"] or "", "h2_base": value_or_none(r["h2_base"]),
            "h2_growth_pct": value_or_none(r["h2_growth_pct"]), "h2_growth_source": r["h2_growth_source"]})
    out: dict[str, Any] = {"year": y, "name": oc.scenario.name, "live": live, "grdp": None, "components": [],
                           "chart": None, "figure_no": None}
    if sector is None:
        out.update(_grdp(oc, reg, lang, next_figure))
    return out | {"has_targets": not tg.empty, "targets": targets, "unprojected": unprojected}


def _grdp(oc: ScenarioOutcome, reg: Registry, lang: str, next_figure: Callable[[], int] | None) -> dict[str, Any]:
    """GRDP growth for the year under the scenario, the components' growth and contributions, and the chart."""
    y = oc.year
    if oc.grdp_annual_growth_pct is None:
        return {"grdp": {"annual_growth_pct": None}}
    tg = reg.targets[(reg.targets["indicator"] == "grdp") & (reg.targets["period"] == f"FY-{y}")]
    target = float(tg["value"].iloc[0]) if len(tg) else None
    comparator = tg["comparator"].iloc[0] if len(tg) else "≥"
    comp = oc.components
    basis = str(comp["h2_weight_basis"].iloc[0])
    grdp = {
        "annual_growth_pct": oc.grdp_annual_growth_pct, "h1_growth_pct": oc.grdp_h1_growth_pct,
        "h2_growth_pct": oc.grdp_h2_growth_pct, "h1_weight": oc.h1_weight, "h1_weight_data": oc.h1_weight_data,
        "h1_weight_source": oc.h1_weight_source, "h1_source": oc.grdp_h1_source,
        "target": target, "comparator": comparator,
        "met": meets(oc.grdp_annual_growth_pct, comparator, target) if target is not None else None,
        "weight_basis": period_label(basis, lang), "weights_from_h1": basis.startswith("H1-"),
        "h1_contribution_total_pp": float(comp["h1_contribution_pp"].sum()), "rounding_pp": oc.h1_rounding_pp,
    }
    components = [{"component": r["component"], "name": str(reg.short_name(r["component"], lang)),
                   **{k: value_or_none(r[k]) for k in ("h1_growth_pct", "h2_growth_pct", "h2_weight",
                                                       "h1_contribution_pp", "h2_contribution_pp",
                                                       "year_contribution_pp")},
                   "h2_growth_source": r["h2_growth_source"]} for r in comp.to_dict("records")]
    chart = scenario_contributions_chart(comp, y, lang, names=component_names(reg, lang))
    return {"grdp": grdp, "components": components, "chart": chart,
            "figure_no": next_figure() if next_figure else 1}
