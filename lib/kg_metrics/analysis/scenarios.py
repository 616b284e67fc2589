"""Scenarios: sourced assumptions about H2 (and revisions of H1), and what they imply for every target.

A scenario file ``data/scenarios/<name>.yml`` (format: ``data/scenarios/README.md``) may set

- ``h1_weight``: w₁, the H1 share of the base year's GRDP, instead of the data's (fraction);
- ``h1_revisions``: revised H1 figures of the target year (``growth_yoy_pct`` in %, or ``level`` in the
  indicator's unit), e.g. a revised H1 GRDP growth;
- ``sectors``: the H2 year-on-year growth (%) of each GRDP component (the indicators with a
  ``grdp_component`` in ``indicators.csv``: ``reg.grdp_components``);
- ``indicators``: the H2 year-on-year growth (%) of an additive indicator with a level target
  (``rice``, ``fishery``, ``ipv``, ``retail``, ``exports``, ``tourists``, ``intl_tourists`` …).

Every assumption carries a one-line ``justification`` and a ``source`` (a URL, or ``derived from
observations/<file>.csv: <indicator>/<measure>/<period>``, or ``explorer`` for settings saved from
``notebooks/explorer.ipynb``). Numbers are written in the data's decimal convention
(``catalog.yml``; Vietnamese: ``"2,46"``), or as whole numbers.

Whatever a scenario does not set keeps the data: H1 figures as published and w₁ from the data;
an H2 growth that is not set is the H1 pace of the target year (the pace the status compares
with). ``baseline`` sets nothing, so it reproduces the non-scenario numbers exactly.

Outcomes (:func:`scenario_outcome`), with year y and base year b = y − 1:

- GRDP: g = w₁·g₁ + (1 − w₁)·g₂ (%), where g₁ is the H1 GRDP growth and g₂ = Σ sᵢ·g₂ᵢ the sum of the
  components' H2 contributions (pp), sᵢ the components' H2-b shares of GRDP when every component's
  b full-year level is published, else (as now: the 2023 full-year sector levels were not published)
  their H1-b shares, the same weights as the H1 contributions;
- a component's contribution to the year: w₁·c₁ᵢ + (1 − w₁)·c₂ᵢ (pp), c₁ᵢ = sᵢ(H1)·g₁ᵢ, c₂ᵢ = sᵢ·g₂ᵢ;
- an additive indicator: H2 = H2-b × (1 + g₂/100) with H2-b = FY-b − H1-b, and the year = H1-y + H2,
  each against its target (met or not). A projection is a derived figure.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

import pandas as pd

from kg_metrics.arithmetic import growth
from kg_metrics.analysis.assessment import RESOLUTION_AS_OF
from kg_metrics.data.observations import AS_OF_ATTR, as_of_view, derive, lookup
from kg_metrics.data.periods import parse_period
from kg_metrics.data.registry import Registry
from kg_metrics.arithmetic.status import meets
from kg_metrics.data.scenario_files import SCENARIO_DIR, Scenario, baseline_scenario


# =========================================================================== applying
def resolution_year(reg: Registry) -> int:
    """The year of the resolution's targets (the year of its date)."""
    return date.fromisoformat(reg.catalog.resolution_date).year


def apply_scenario(reg: Registry, obs: pd.DataFrame, scenario: Scenario | None,
                   sectors: list[str] | None = None, as_of: str | None = None) -> tuple[Registry, pd.DataFrame]:
    """The registry and the observations with the scenario's H1 revisions in place.

    With revisions, the result is the view of ``obs`` as of ``as_of``
    (:func:`kg_metrics.data.observations.as_of_view`; the latest of everything when None) with the
    revisions applied, each dated ``as_of``: an assumption made on the assessment day.

    A revised figure replaces the published one (status ``scenario``, its source the assumption's);
    figures derived from it are derived again (e.g. the H1 GRDP level from a revised H1 growth); a
    revision of a figure with no observation adds one. Revisions are absolute values, so applying a
    scenario twice changes nothing more. A scenario without revisions returns ``obs`` itself: the
    baseline reproduces the data exactly. ``sectors``: only revise these sectors' indicators (the
    observations of a sector briefing); default: the sectors present in ``obs``.

    Examples
    --------
    The baseline changes nothing. ``h1_revised`` revises the H1 2024 GRDP growth, and the H1 GRDP level
    derived from it is derived again.

    >>> from kg_metrics.data.registry import load_registry
    >>> from kg_metrics.data.observations import load_observations
    >>> from kg_metrics.data.scenario_files import load_scenario
    >>> reg = load_registry()
    >>> obs = load_observations(reg)
    >>> apply_scenario(reg, obs, load_scenario("baseline", reg=reg))[1] is obs
    True
    >>> _, revised = apply_scenario(reg, obs, load_scenario("h1_revised", reg=reg))
    >>> row = lookup(revised, "grdp", "H1-2024", "growth_yoy_pct")
    >>> float(row["value"]), row["status"]
    (5.86, 'scenario')
    >>> round(float(lookup(revised, "grdp", "H1-2024")["value"]), 2)  # re-derived: 35.872 × 1,0586
    37974.1
    """
    if scenario is None or not scenario.h1_revisions:
        return reg, obs
    y = resolution_year(reg)
    obs = as_of_view(obs, as_of)
    day = obs.attrs[AS_OF_ATTR]
    sector_of = reg.indicators.set_index("indicator")["sector"]
    present = sorted(set(sector_of.reindex(obs["indicator"].unique()).dropna()))
    loaded = set(sectors) if sectors is not None else set(present)
    derived_keys = {(r.indicator, r.measure, r.period) for r in obs[obs["status"] == "derived"].itertuples()}
    base = obs[obs["status"] != "derived"].copy()
    after: list[tuple[tuple[str, str, str], Any]] = []
    for ind, rev in scenario.h1_revisions.items():
        if sector_of.get(ind) not in loaded:
            continue
        key = (ind, rev.measure, f"H1-{y}")
        fields = dict(value=rev.value, status="scenario", qualifier="", value_published=float("nan"),
                      unit_published="", source_url=rev.source if rev.source.startswith("http") else "",
                      note=f"{scenario.name}: {rev.justification}", derivation="", published=day)
        if key in derived_keys:
            after.append((key, fields))
            continue
        mask = ((base["indicator"] == ind) & (base["measure"] == rev.measure) & (base["period"] == key[2])
                & (base["area"] == reg.province))
        if mask.any():
            for k, v in fields.items():
                base.loc[mask, k] = v
        else:
            unit = "pct" if rev.measure != "level" else reg.indicators.set_index("indicator").loc[ind, "unit"]
            row = dict(indicator=ind, measure=rev.measure, period=key[2], area=reg.province, unit=unit,
                       file=f"{SCENARIO_DIR}/{scenario.name}.yml", row=0, **fields)
            base = pd.concat([base, pd.DataFrame([row])], ignore_index=True)
    out = derive(base.reset_index(drop=True), reg, present, strict=False).reset_index(drop=True)
    for (ind, measure, period), fields in after:
        mask = (out["indicator"] == ind) & (out["measure"] == measure) & (out["period"] == period)
        for k, v in fields.items():
            out.loc[mask, k] = v
    out.attrs[AS_OF_ATTR] = day
    return reg, out


# =========================================================================== outcomes
@dataclass
class ScenarioOutcome:
    """What a scenario implies for the year: GRDP growth, the components' contributions, every target.

    ``components`` columns: component, h1_base_bn_vnd (H1-b level), h1_weight (share of H1-b),
    h2_weight (share used for H2), h2_weight_basis ('H2-b' or 'H1-b'), base_status, h1_growth_pct,
    h1_contribution_pp, h2_growth_pct, h2_growth_source ('scenario', 'h1_pace' or '' when missing),
    h2_contribution_pp, year_contribution_pp.

    ``targets`` columns: target_id, sector, indicator, measure, period, comparator, target, unit, h1,
    h1_status, h1_qualifier, h2_base, h2_growth_pct, h2_growth_source, projected, met (True/False/None),
    missing (why no projection: '', 'not_additive', 'h1', 'h2_base', 'growth', 'grdp').
    """

    scenario: Scenario
    year: int
    as_of: str
    h1_weight: float | None
    h1_weight_source: str  # 'data', 'resolution' (implied by its g and g₂: the data lacked the base levels) or 'scenario'
    h1_weight_data: float | None
    grdp_h1_growth_pct: float | None
    grdp_h1_source: str  # status of the H1 growth figure ('estimate', 'scenario' …)
    grdp_h2_growth_pct: float | None
    grdp_annual_growth_pct: float | None
    h1_rounding_pp: float | None  # w₁·(g₁ − Σ c₁ᵢ): the published H1 growth against its components' sum
    components: pd.DataFrame
    targets: pd.DataFrame
    obs: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def target(self, target_id: str) -> dict:
        """One row of :attr:`targets` as a dict."""
        return self.targets.set_index("target_id").loc[target_id].to_dict() | {"target_id": target_id}

    def summary(self) -> dict:
        """The headline numbers, for tests and comparisons: annual and H2 GRDP growth, w₁, each target's projection."""
        return {"grdp_annual_growth_pct": self.grdp_annual_growth_pct, "grdp_h2_growth_pct": self.grdp_h2_growth_pct,
                "h1_weight": self.h1_weight,
                "targets": {r["target_id"]: (None if math.isnan(r["projected"]) else r["projected"], r["met"])
                            for r in self.targets.to_dict("records")}}


def _v(row: pd.Series | None) -> float | None:
    return None if row is None else float(row["value"])


def h1_pace(obs: pd.DataFrame, indicator: str, year: int, as_of: str = RESOLUTION_AS_OF) -> float | None:
    """The H1 y/y growth (%) of ``year``: as published, else from the H1 levels (H1-y / H1-(y−1) − 1) × 100.

    Examples
    --------
    >>> from kg_metrics.data.observations import load_observations
    >>> obs = load_observations()
    >>> h1_pace(obs, "grdp", 2024), h1_pace(obs, "rice", 2024), round(h1_pace(obs, "fishery", 2024), 2)
    (6.84, None, 0.86)
    """
    return _pace(lambda ind, p, m="level": lookup(obs, ind, p, m, as_of=as_of), indicator, year)


def _pace(get, indicator: str, year: int) -> float | None:
    g = _v(get(indicator, f"H1-{year}", "growth_yoy_pct"))
    if g is not None:
        return g
    h1, b1 = _v(get(indicator, f"H1-{year}")), _v(get(indicator, f"H1-{year - 1}"))
    return growth.growth_pct(h1, b1) if h1 is not None and b1 else None


def _getter(obs: pd.DataFrame, as_of: str, area: str):
    """A fast :func:`kg_metrics.data.observations.lookup` over ``obs``: the ``area``'s figures as known on
    ``as_of`` (:func:`kg_metrics.data.observations.as_of_view`: the latest vintage published by then, no plans)."""
    view = as_of_view(obs, as_of)
    kg = view[view["area"] == area]
    index: dict[tuple[str, str, str], pd.Series] = {
        (ind, m, p): kg.iloc[i] for i, (ind, m, p) in enumerate(zip(kg["indicator"], kg["measure"], kg["period"]))}

    def get(ind: str, p: str, m: str = "level") -> pd.Series | None:
        return index.get((ind, m, p))

    return get


def _grdp_targets(reg: Registry, y: int) -> tuple[float | None, float | None]:
    """The resolution's GRDP growth targets (year, H2) for year ``y``, None where it sets none."""
    tg = reg.targets[(reg.targets["indicator"] == "grdp") & (reg.targets["measure"] == "growth_yoy_pct")]
    fy, h2 = tg[tg["period"] == f"FY-{y}"]["value"], tg[tg["period"] == f"H2-{y}"]["value"]
    return (float(fy.iloc[0]) if len(fy) else None), (float(h2.iloc[0]) if len(h2) else None)


def grdp_annual_growth(h1_weight: float, h1_growth_pct: float, component_h2_contributions_pp: Mapping[str, float]
                       ) -> float:
    """Annual GRDP growth (%) from H1 growth and the components' H2 contributions: w₁·g₁ + (1 − w₁)·Σ c₂ᵢ.

    Examples
    --------
    >>> round(grdp_annual_growth(0.5, 6.84, {"a": 3.0, "b": 3.28}), 10)
    6.56
    """
    return growth.annual_growth(h1_growth_pct, sum(component_h2_contributions_pp.values()), h1_weight)


def scenario_outcome(reg: Registry, obs: pd.DataFrame, scenario: Scenario | None = None,
                     as_of: str = RESOLUTION_AS_OF) -> ScenarioOutcome:
    """The year's outcome under ``scenario`` (None: the baseline), from the data's observations ``obs``.

    Applies the scenario's revisions (:func:`apply_scenario`), then computes GRDP growth, the
    components' contributions and every target's projection, with figures known at ``as_of``.
    The formulas are in the module docstring.

    Examples
    --------
    >>> from kg_metrics.data.registry import load_registry
    >>> from kg_metrics.data.observations import load_observations
    >>> from kg_metrics.data.scenario_files import load_scenario
    >>> reg = load_registry()
    >>> obs = load_observations(reg)
    >>> from kg_metrics.data.observations import as_of_view
    >>> oc = scenario_outcome(reg, as_of_view(obs, "2024-07-18"))
    >>> oc.h1_weight, oc.h1_weight_source  # no 2023 GRDP level by then: (6,7 − 6,56) / (6,84 − 6,56)
    (0.5, 'resolution')
    >>> oc.grdp_annual_growth_pct is None  # the sectors' H1 2024 growth was not published by then
    True
    >>> round(oc.target("rice_fy2024")["h2_base"], 2), oc.target("rice_fy2024")["missing"]  # 4,55 − 2,5; no H1 2024
    (2.05, 'growth')
    """
    scenario = scenario or baseline_scenario(reg.data_dir)
    _, obs2 = apply_scenario(reg, obs, scenario, as_of=as_of)
    y = resolution_year(reg)
    b = y - 1

    get = _getter(obs2, as_of, reg.province)
    h1b, fyb = _v(get("grdp", f"H1-{b}")), _v(get("grdp", f"FY-{b}"))
    w1_data = growth.h1_weight(h1b, fyb) if h1b is not None and fyb else None
    g1_row = get("grdp", f"H1-{y}", "growth_yoy_pct")
    g1 = _v(g1_row)
    w1_source = "scenario" if scenario.h1_weight is not None else "data"
    g1_data = _v(_getter(obs, as_of, reg.province)("grdp", f"H1-{y}", "growth_yoy_pct"))
    if w1_data is None and g1_data is not None:
        # The base year's levels were not yet published: the w₁ the resolution's own g and g₂ imply, with
        # the H1 growth the resolution worked from (the published one, not a scenario's revision).
        g_t, g2_t = _grdp_targets(reg, y)
        if g_t is not None and g2_t is not None and g1_data != g2_t:
            w1_data = growth.implied_h1_weight(g_t, g2_t, g1_data)
            w1_source = w1_source if scenario.h1_weight is not None else "resolution"
    w1 = scenario.h1_weight.h1_weight if scenario.h1_weight is not None else w1_data

    # components: H1 contributions (weights H1-b) and H2 contributions (weights H2-b, else H1-b)
    rows = []
    for c in reg.grdp_components:
        base_row = get(c, f"H1-{b}")
        rows.append(dict(component=c, h1_base_bn_vnd=_v(base_row), fy_base_bn_vnd=_v(get(c, f"FY-{b}")),
                         base_status="" if base_row is None else base_row["status"],
                         h1_growth_pct=_v(get(c, f"H1-{y}", "growth_yoy_pct"))))
    comp = pd.DataFrame(rows)
    h1_levels = comp["h1_base_bn_vnd"]
    if h1_levels.notna().all():
        comp["h1_weight"] = h1_levels / h1_levels.sum()
    else:
        comp["h1_weight"] = float("nan")
    if comp["fy_base_bn_vnd"].notna().all() and h1_levels.notna().all():
        h2_levels = comp["fy_base_bn_vnd"] - h1_levels
        comp["h2_weight"], comp["h2_weight_basis"] = h2_levels / h2_levels.sum(), f"H2-{b}"
    else:
        comp["h2_weight"], comp["h2_weight_basis"] = comp["h1_weight"], f"H1-{b}"
    g2s, sources = [], []
    for c, g1c in zip(comp["component"], comp["h1_growth_pct"]):
        if c in scenario.sectors:
            g2s.append(scenario.sectors[c].h2_growth_pct)
            sources.append("scenario")
        elif g1c is not None and not math.isnan(g1c):
            g2s.append(float(g1c))
            sources.append("h1_pace")
        else:
            g2s.append(float("nan"))
            sources.append("")
    comp["h2_growth_pct"], comp["h2_growth_source"] = g2s, sources
    comp["h1_contribution_pp"] = comp["h1_weight"] * comp["h1_growth_pct"].astype(float)
    comp["h2_contribution_pp"] = comp["h2_weight"] * comp["h2_growth_pct"].astype(float)
    g2 = float(comp["h2_contribution_pp"].sum()) if comp["h2_contribution_pp"].notna().all() else None
    annual = growth.annual_growth(g1, g2, w1) if None not in (g1, g2, w1) else None
    if w1 is not None:
        comp["year_contribution_pp"] = w1 * comp["h1_contribution_pp"] + (1 - w1) * comp["h2_contribution_pp"]
    else:
        comp["year_contribution_pp"] = float("nan")
    h1_sum = comp["h1_contribution_pp"].sum(min_count=len(comp))
    rounding = w1 * (g1 - float(h1_sum)) if None not in (w1, g1) and not math.isnan(h1_sum) else None
    comp = comp.drop(columns=["fy_base_bn_vnd"])

    targets = [_project(t, reg, scenario, get, y, w1, g1, g2, annual, as_of, obs2)
               for t in reg.targets.to_dict("records")]
    return ScenarioOutcome(scenario=scenario, year=y, as_of=as_of, h1_weight=w1,
                           h1_weight_source=w1_source,
                           h1_weight_data=w1_data, grdp_h1_growth_pct=g1,
                           grdp_h1_source="" if g1_row is None else str(g1_row["status"]),
                           grdp_h2_growth_pct=g2, grdp_annual_growth_pct=annual, h1_rounding_pp=rounding,
                           components=comp, targets=pd.DataFrame(targets), obs=obs2)


def _project(t: dict, reg: Registry, sc: Scenario, get, y: int, w1, g1, g2, annual, as_of: str,
             obs: pd.DataFrame) -> dict:
    ind, measure, period = t["indicator"], t["measure"], t["period"]
    half = period.split("-")[0]
    out = dict(target_id=t["target_id"], sector=t["sector"], indicator=ind, measure=measure, period=period,
               comparator=t["comparator"], target=float(t["value_canonical"]),
               unit="pct" if measure == "growth_yoy_pct" else t["indicator_unit"], h1=float("nan"), h1_status="",
               h1_qualifier="", h2_base=float("nan"), h2_growth_pct=float("nan"), h2_growth_source="",
               projected=float("nan"), met=None, missing="")
    if measure == "growth_yoy_pct":
        if ind != "grdp":
            out["missing"] = "not_additive"
            return out
        out["h1"], out["h2_growth_pct"] = (g1 if g1 is not None else float("nan")), (g2 if g2 is not None
                                                                                       else float("nan"))
        value = annual if half == "FY" else g2
        if value is None:
            out["missing"] = "grdp"
            return out
        out["projected"], out["met"] = value, meets(value, t["comparator"], out["target"])
        return out
    if not bool(t["additive"]):
        out["missing"] = "not_additive"
        return out
    h1_row = get(ind, f"H1-{y}")
    if h1_row is not None:
        out["h1"], out["h1_status"], out["h1_qualifier"] = float(h1_row["value"]), h1_row["status"], h1_row["qualifier"]
    bh1, bfy = _v(get(ind, f"H1-{y - 1}")), _v(get(ind, f"FY-{y - 1}"))
    if bh1 is not None and bfy is not None:
        out["h2_base"] = bfy - bh1
    if ind in sc.indicators:
        out["h2_growth_pct"], out["h2_growth_source"] = sc.indicators[ind].h2_growth_pct, "scenario"
    else:
        pace = _pace(get, ind, y)
        if pace is not None:
            out["h2_growth_pct"], out["h2_growth_source"] = pace, "h1_pace"
    if math.isnan(out["h2_base"]):
        out["missing"] = "h2_base"
    elif math.isnan(out["h2_growth_pct"]):
        out["missing"] = "growth"
    elif half == "FY" and math.isnan(out["h1"]):
        out["missing"] = "h1"
    if out["missing"]:
        return out
    h2 = out["h2_base"] * (1 + out["h2_growth_pct"] / 100)
    value = h2 if half == "H2" else out["h1"] + h2
    out["projected"], out["met"] = value, meets(value, t["comparator"], out["target"])
    return out


