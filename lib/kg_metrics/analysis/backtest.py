"""Backtest: every target against the published 2024 outturn, and the July assessment against what happened.

For each target (with ``outturn_as_of`` after the year, so the outturn counts):

- **verdict**: ``met`` or ``missed`` (:func:`kg_metrics.arithmetic.status.meets`), ``within_rounding`` when a *derived*
  outturn (H2 = year − H1) misses by less than the rounding of its inputs (:func:`rounding_half_width`),
  or ``no_outturn`` when none is published;
- **margin**: outturn − target (in the target's unit; percentage points for a percentage) and
  (outturn − target) / target × 100 (%);
- **July**: the status of the assessment as of the resolution (``july_as_of``, 18/7/2024) and its
  probability of meeting the target (:mod:`kg_metrics.analysis.probability`), and whether the outcome agreed.

Sources are the observations' URLs; a derived outturn lists those of its inputs.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pandas as pd

from kg_metrics.arithmetic import growth
from kg_metrics.analysis.assessment import RESOLUTION_AS_OF, assess_targets
from kg_metrics.data.observations import lookup
from kg_metrics.data.periods import parse_period
from kg_metrics.analysis.probability import target_probabilities
from kg_metrics.data.registry import Registry
from kg_metrics.data.validation import load_yaml
from kg_metrics.arithmetic.status import meets

#: The "as of" date that lets every 2024 outturn count (after the year and after the data's vintage).
OUTTURN_AS_OF = "2025-12-31"
VERDICTS = ("met", "missed", "within_rounding", "no_outturn")
#: The HTML id of the backtest in the overview briefing (the index links to ``overview.html#backtest``).
ANCHOR = "backtest"



# =========================================================================== rounding
def published_half_unit(value: float, factor: float = 1.0) -> float:
    """Half a unit of the last digit of a published number, times ``factor`` (to the indicator's unit).

    Trailing zeros of a whole number count as rounding (814.000 t: to the thousand).

    Examples
    --------
    >>> published_half_unit(4.6), published_half_unit(2.57), published_half_unit(814000), published_half_unit(1, 1000)
    (0.05, 0.005, 500.0, 500.0)
    """
    exp = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return float(Decimal(5) * Decimal(10) ** (exp - 1)) * factor


def rounding_half_width(obs: pd.DataFrame, row: pd.Series | dict, reg: Registry, derivations: dict | None = None,
                        ) -> float:
    """How far a figure can be from its value through the rounding of what was published (its unit).

    A sourced figure: :func:`published_half_unit` of its published value, converted to the indicator's unit.
    A derived one, first order through its derivation: a difference or residual adds its inputs' widths;
    a product or quotient adds their relative widths (a growth rate g enters as 1 + g/100).

    Examples
    --------
    >>> from kg_metrics.data.registry import load_registry
    >>> from kg_metrics.data.observations import load_observations
    >>> reg = load_registry()
    >>> obs = load_observations(reg)
    >>> rounding_half_width(obs, lookup(obs, "rice", "FY-2024", as_of="2024-12-31"), reg)  # '4,6' Mt: to 0,1
    0.05
    >>> rounding_half_width(obs, lookup(obs, "intl_tourists", "H1-2019"), reg)  # 466.302 − 50.242
    1.0
    """
    derivations = derivations if derivations is not None else _derivations(reg)
    if row["status"] != "derived":
        if row["measure"] != "level":
            return published_half_unit(row["value"])
        units = reg.units.set_index("unit")
        pub_unit = row["unit_published"] or row["unit"]
        factor = float(units.loc[pub_unit, "factor_to_base"]) / float(units.loc[row["unit"], "factor_to_base"])
        pub = row["value_published"] if not is_missing(row["value_published"]) else row["value"] / factor
        return published_half_unit(pub, factor)
    item = derivations.get(f"{row['indicator']}/{row['measure']}/{row['period']}")
    if item is None:
        return float("nan")
    inputs = []
    for key in item["inputs"]:
        ind, m, p = key.split("/")
        r = lookup(obs, ind, p, m, area=reg.province)
        if r is None:
            return float("nan")
        inputs.append(r)
    widths = [rounding_half_width(obs, r, reg, derivations) for r in inputs]
    if item["method"] in ("difference", "residual"):
        return float(sum(widths))
    (lv, g), (wl, wg) = [float(r["value"]) for r in inputs], widths
    if item["method"] in ("prior_level", "next_level"):
        rel = wl / lv + wg / (100 + g)
    else:  # prior_from_ratio: level / (ratio/100)
        rel = wl / lv + wg / g
    return abs(float(row["value"])) * rel


def is_missing(x: Any) -> bool:
    """True for None, NaN or anything that is not a number."""
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def _derivations(reg: Registry) -> dict[str, dict]:
    path = reg.data_dir / reg.catalog.derivations
    raw = load_yaml(path, str(path)) or {}
    return {d["output"]: d for d in raw.get("derivations", []) if isinstance(d, dict) and "output" in d}


# =========================================================================== the backtest
def margin_pct(outturn: float, target: float) -> float:
    """(outturn − target) / target × 100.

    Examples
    --------
    >>> round(margin_pct(75.22, 95), 2), round(margin_pct(7.5, 6.7), 2)
    (-20.82, 11.94)
    """
    return growth.gap_pct(outturn, target)


def backtest(reg: Registry, obs: pd.DataFrame, outturn_as_of: str = OUTTURN_AS_OF, july_as_of: str = RESOLUTION_AS_OF,
             lang: str = "vi", n_draws: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """One row per target: outturn, verdict, margins, sources, and the July status and probability.

    Columns: target_id, sector, indicator, name, measure, period, comparator, target, unit, outturn,
    outturn_derived, inputs (the observations behind the outturn), sources (' ; '-joined URLs),
    rounding_half_width (± of a derived outturn, target's unit), verdict (:data:`VERDICTS`), margin
    (outturn − target, in the target's unit: pp for a percentage), margin_pct, july_status, july_p_met
    (None when not estimated), july_p_reason, agreement ('expected', 'surprise', 'not_assessable',
    'rounding', 'no_outturn').

    Examples
    --------
    >>> from kg_metrics.data.registry import load_registry
    >>> from kg_metrics.data.observations import load_observations
    >>> reg = load_registry()
    >>> bt = backtest(reg, load_observations(reg), n_draws=1000).set_index("target_id")
    >>> r = bt.loc["grdp_growth_fy2024"]
    >>> float(r["outturn"]), r["verdict"], round(float(r["margin"]), 2), round(float(r["margin_pct"]), 1)
    (7.5, 'met', 0.8, 11.9)
    >>> r["july_status"], r["july_p_met"], r["july_p_reason"]
    ('on_track', None, 'history')
    >>> r = bt.loc["grdp_growth_h2_2024"]  # derived: (FY − H1) 2024 / (FY − H1) 2023 − 1
    >>> r["verdict"], round(float(r["outturn"]), 2), round(float(r["rounding_half_width"]), 2)
    ('met', 8.14, 0.11)
    """
    after = assess_targets(reg, obs, as_of=outturn_as_of, lang=lang)
    july = assess_targets(reg, obs, as_of=july_as_of, lang=lang).set_index("target_id")
    kw = {k: v for k, v in (("n_draws", n_draws), ("seed", seed)) if v is not None}
    probs = {p.target_id: p for p in target_probabilities(reg, obs, as_of=july_as_of, **kw)}
    derivations = _derivations(reg)
    rows = []
    for o in after.to_dict("records"):
        y = parse_period(o["period"]).year
        inputs = _outturn_inputs(o, obs, y, outturn_as_of)
        out = None if is_missing(o["outturn"]) else float(o["outturn"])
        r = dict(target_id=o["target_id"], sector=o["sector"], indicator=o["indicator"], name=o["name"],
                 measure=o["measure"], period=o["period"], comparator=o["comparator"], target=float(o["target"]),
                 unit="pct" if o["measure"] == "growth_yoy_pct" else o["unit"], outturn=out,
                 outturn_derived=bool(o["outturn_derived"]), inputs=inputs,
                 sources=" ; ".join(dict.fromkeys(u.strip() for i in inputs for u in str(i["source_url"]).split(";")
                                                  if u.strip())),
                 rounding_half_width=float("nan"), verdict="no_outturn", margin=float("nan"), margin_pct=float("nan"))
        if out is not None:
            r["margin"] = out - r["target"]
            r["margin_pct"] = margin_pct(out, r["target"])
            ok = meets(out, r["comparator"], r["target"])
            r["verdict"] = "met" if ok else "missed"
            if r["outturn_derived"]:
                r["rounding_half_width"] = _outturn_rounding(o, inputs, obs, reg, derivations)
                if not ok and abs(r["margin"]) < r["rounding_half_width"]:
                    r["verdict"] = "within_rounding"
        p = probs.get(o["target_id"])
        r["july_status"] = july.loc[o["target_id"], "status"]
        r["july_p_met"] = p.p_met if p is not None else None
        r["july_p_reason"] = p.reason if p is not None else ""
        r["agreement"] = _agreement(r["july_status"], r["verdict"])
        rows.append(r)
    return pd.DataFrame(rows)


def _outturn_inputs(o: dict, obs: pd.DataFrame, y: int, as_of: str) -> list[pd.Series]:
    """The observations an outturn rests on: the year's figure, and H1 (and the base year) for a derived H2."""
    get = lambda p, m="level": lookup(obs, o["indicator"], p, m, as_of=as_of)  # noqa: E731
    if is_missing(o["outturn"]):
        return []
    if not o["outturn_derived"]:
        return [r for r in [get(f"FY-{y}", o["measure"])] if r is not None]
    rows = [get(f"FY-{y}"), get(f"H1-{y}")]
    if o["measure"] == "growth_yoy_pct":
        rows += [get(f"FY-{y - 1}"), get(f"H1-{y - 1}")]
    return [r for r in rows if r is not None]


def _outturn_rounding(o: dict, inputs: list[pd.Series], obs: pd.DataFrame, reg: Registry, derivations: dict) -> float:
    widths = [rounding_half_width(obs, r, reg, derivations) for r in inputs]
    if o["measure"] != "growth_yoy_pct":
        return float(sum(widths[:2]))
    fy, h1, bfy, bh1 = [float(r["value"]) for r in inputs]
    num, den = fy - h1, bfy - bh1
    rel = (widths[0] + widths[1]) / num + (widths[2] + widths[3]) / den
    return abs(num / den) * 100 * rel


def _agreement(july_status: str, verdict: str) -> str:
    if verdict == "no_outturn":
        return "no_outturn"
    if verdict == "within_rounding":
        return "rounding"
    if july_status == "not_assessable":
        return "not_assessable"
    expected_met = july_status == "on_track"
    return "expected" if expected_met == (verdict == "met") else "surprise"


def events(bt: pd.DataFrame) -> pd.DataFrame:
    """One row per independent event: an indicator's H2 and full-year targets are one outcome, not two.

    Of an indicator's targets with a clear verdict (met or missed), the full-year one is kept, else the H2 one.

    Examples
    --------
    >>> bt = pd.DataFrame({"indicator": ["a", "a", "b"], "period": ["H2-2024", "FY-2024", "H2-2024"],
    ...                    "verdict": ["met", "met", "missed"], "july_p_met": [0.7, 0.8, 0.4]})
    >>> events(bt)[["indicator", "period"]].values.tolist()
    [['a', 'FY-2024'], ['b', 'H2-2024']]
    """
    clear = bt[bt["verdict"].isin(["met", "missed"])]
    order = clear.assign(_fy=clear["period"].str.startswith("FY-")).sort_values("_fy", kind="stable")
    kept = order.drop_duplicates("indicator", keep="last").drop(columns="_fy")
    return kept.sort_index()


def brier_score(bt: pd.DataFrame) -> tuple[float | None, int]:
    """Mean of (p − outcome)² over independent events (:func:`events`) with a July probability (met 1, missed 0).

    Each indicator counts once: its H2 and full-year targets share one outcome, and counting both would
    count one surprise twice. The event's probability is that of the target :func:`events` keeps; an
    indicator whose kept target has no July probability is not scored.

    Examples
    --------
    >>> brier_score(pd.DataFrame({"indicator": ["a", "a", "b", "c"], "period": ["H2-2024", "FY-2024", "FY-2024", "FY-2024"],
    ...     "july_p_met": [0.9, 0.8, 0.6, None], "verdict": ["met", "met", "missed", "met"]}))
    (0.2, 2)
    """
    ev = events(bt)
    sel = ev[ev["july_p_met"].notna()]
    if sel.empty:
        return None, 0
    y = (sel["verdict"] == "met").astype(float)
    return round(float(((sel["july_p_met"].astype(float) - y) ** 2).mean()), 12), len(sel)
