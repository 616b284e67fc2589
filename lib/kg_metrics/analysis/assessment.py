"""One row per target: the arithmetic around it, its status and the reason, as of a date."""
from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import pandas as pd

from kg_metrics.arithmetic import growth
from kg_metrics.text.format import format_number, format_pct, format_pp, format_quantity, format_target
from kg_metrics.data.observations import as_of_view, grdp_components_of, lookup, province_of
from kg_metrics.data.periods import parse_period, period_label
from kg_metrics.data.registry import RESOLUTION_AS_OF, Registry
from kg_metrics.arithmetic.status import THRESHOLDS, Thresholds, meets, target_status
from kg_metrics.text.catalog import t as text  # `t` is a target here


def _val(row: pd.Series | None) -> float | None:
    return None if row is None else float(row["value"])


def _or_nan(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def fy_and_h1_pairs(obs: pd.DataFrame, indicator: str, measure: str, before_year: int, as_of: str | None, thresholds: Thresholds,
                    area: str | None, skip: Callable[[float, float], bool] | None = None
                    ) -> tuple[dict[int, tuple[float, float]], list[int]]:
    """The (full year, H1) figures of ``measure`` of each year before ``before_year`` with both known at ``as_of``
    (and not ``skip(fy, h1)``): ({year: (fy, h1)}, [COVID years that had them but are left out]). ``as_of`` None:
    the date ``obs`` is a view of. ``area``: default the province recorded with ``obs``.

    The history every seasonal measure rests on: H2 shares, H2/H1 ratios, growth gaps, H1→year gains."""
    obs = as_of_view(obs, as_of or obs.attrs.get("as_of"))
    rows = obs[(obs["indicator"] == indicator) & (obs["measure"] == measure)
               & (obs["area"] == (area or province_of(obs)))]
    by = {p: float(v) for p, v in zip(rows["period"], rows["value"])}
    out, left_out = {}, []
    for p, fy in by.items():
        if not p.startswith("FY-"):
            continue
        y = int(p[3:])
        h1 = by.get(f"H1-{y}")
        if y >= before_year or h1 is None or (skip is not None and skip(fy, h1)):
            continue
        if y in thresholds.covid_years:
            left_out.append(y)
            continue
        out[y] = (fy, h1)
    return dict(sorted(out.items())), sorted(left_out)


def h2_share_history(obs: pd.DataFrame, indicator: str, before_year: int,
                     thresholds: Thresholds = THRESHOLDS, area: str | None = None) -> dict[int, float]:
    """H2 share (%) of each earlier year with both an H1 and a full-year level, COVID years left out.

    ``area``: default the province recorded with ``obs``.
    """
    pairs, _ = fy_and_h1_pairs(obs, indicator, "level", before_year, None, thresholds, area)
    return {y: growth.h2_share(fy - h1, fy) for y, (fy, h1) in pairs.items()}


def h1_to_fy_gains(obs: pd.DataFrame, indicator: str, before_year: int, thresholds: Thresholds = THRESHOLDS,
                   area: str | None = None) -> dict[int, float]:
    """Full-year level − H1 level (in the indicator's unit; percentage points for a rate) of each earlier year
    with both, COVID years left out: the usual H1→year path of a cumulative rate such as disbursement.

    ``area``: default the province recorded with ``obs``.
    """
    pairs, _ = fy_and_h1_pairs(obs, indicator, "level", before_year, None, thresholds, area)
    return {y: fy - h1 for y, (fy, h1) in pairs.items()}


def assess_targets(reg: Registry, obs: pd.DataFrame, as_of: str = RESOLUTION_AS_OF, lang: str = "vi",
                   thresholds: Thresholds = THRESHOLDS, h1_weights: Mapping[str, float] | None = None
                   ) -> pd.DataFrame:
    """Assess every target of the registry with the figures known at ``as_of`` (ISO date).

    ``h1_weights``: w₁ per indicator, instead of H1 / year of the base year (a scenario's override).
    """
    obs = as_of_view(obs, as_of)
    rows = [_assess_one(t, reg, obs, as_of, lang, thresholds, h1_weights or {}) for t in reg.targets.to_dict("records")]
    return pd.DataFrame(rows)


def _assess_one(t: dict, reg: Registry, obs: pd.DataFrame, as_of: str, lang: str, th: Thresholds,
                h1_weights: Mapping[str, float] | None = None) -> dict:
    ind, measure, period = t["indicator"], t["measure"], t["period"]
    y = parse_period(period).year
    b = y - 1
    half = period.split("-")[0]
    target = t["value_canonical"]
    pair = reg.targets[(reg.targets["indicator"] == ind) & (reg.targets["measure"] == measure)]
    h2_t = pair[pair["period"] == f"H2-{y}"]["value_canonical"]
    fy_t = pair[pair["period"] == f"FY-{y}"]["value_canonical"]
    h2_target = float(h2_t.iloc[0]) if len(h2_t) else None
    fy_target = float(fy_t.iloc[0]) if len(fy_t) else None

    def get(p: str, m: str = "level", indicator: str = ind) -> pd.Series | None:
        return lookup(obs, indicator, p, m, area=reg.province, as_of=as_of)

    h1_row = get(f"H1-{y}")
    reported_h1 = _val(h1_row)
    base_h1, base_fy = _val(get(f"H1-{b}")), _val(get(f"FY-{b}"))
    base_h2 = base_fy - base_h1 if base_h1 is not None and base_fy is not None else None
    pace_row = get(f"H1-{y}", "growth_yoy_pct")
    pace = _val(pace_row)
    if pace is None and reported_h1 is not None and base_h1:
        pace = growth.growth_pct(reported_h1, base_h1)
    out: dict[str, Any] = dict(
        target_id=t["target_id"], sector=t["sector"], indicator=ind, measure=measure, period=period,
        name=t[f"name_{lang}"], comparator=t["comparator"], target=target, unit=t["indicator_unit"],
        clause=t["clause"], quote=t["quote"], h2_target=_or_nan(h2_target), fy_target=_or_nan(fy_target),
        reported_h1=_or_nan(reported_h1), reported_h1_qualifier=h1_row["qualifier"] if h1_row is not None else "",
        reported_h1_status=h1_row["status"] if h1_row is not None else "",
        reported_h1_source=h1_row["source_url"] if h1_row is not None else "",
        base_h1=_or_nan(base_h1), base_fy=_or_nan(base_fy), base_h2=_or_nan(base_h2), h1_growth_pct=_or_nan(pace),
        h1_weight=float("nan"), required_h2_level=float("nan"), required_h2_growth_pct=float("nan"),
        implied_h1=float("nan"), implied_h1_gap_pct=float("nan"), h2_share_target_pct=float("nan"),
        h2_share_hist=h2_share_history(obs, ind, y, th, reg.province) if measure == "level" else {},
        outturn=float("nan"), outturn_derived=False, as_of=as_of, required_source="data",
        path_gains={}, projected_fy=float("nan"),
    )
    missing: list[str] = []
    required = None
    if measure == "growth_yoy_pct":
        g_h1 = _val(get(f"H1-{y}", "growth_yoy_pct"))
        if base_h1 is not None and base_fy is not None:
            out["h1_weight"] = growth.h1_weight(base_h1, base_fy)
        if (h1_weights or {}).get(ind) is not None:
            out["h1_weight"] = float(h1_weights[ind])
        if half == "H2":
            required = target
        elif g_h1 is not None and not math.isnan(out["h1_weight"]):
            required = growth.required_h2_growth(target, g_h1, out["h1_weight"])
        elif g_h1 is not None and h2_target is not None:
            # w₁ not computable with what was published by as_of: the resolution states the H2 growth
            # its annual target needs; that is the council's own arithmetic, used as written.
            required, out["required_source"] = h2_target, "resolution"
        for key, v in (("pace", g_h1), ("base_h1", base_h1), ("base_fy", base_fy)):
            if v is None:
                missing.append(key)
        fy_g = _val(get(f"FY-{y}", "growth_yoy_pct"))
        fy_level, h1_level = _val(get(f"FY-{y}")), reported_h1
        if half == "FY" and fy_g is not None:
            out["outturn"] = fy_g
        elif half == "H2" and None not in (fy_level, h1_level, base_h2) and base_h2:
            out["outturn"], out["outturn_derived"] = growth.growth_pct(fy_level - h1_level, base_h2), True
    else:
        if half == "H2":
            out["required_h2_level"] = target
        elif reported_h1 is not None and t["additive"]:
            out["required_h2_level"] = target - reported_h1
        if t["additive"]:
            if not math.isnan(out["required_h2_level"]) and base_h2:
                required = growth.required_h2_yoy_growth(out["required_h2_level"], base_h2)
            # The H1 level gives the pace (with last year's H1); an H2 target needs only the pace.
            if reported_h1 is None and (half == "FY" or pace is None):
                missing.append("h1")
            elif pace is None:
                missing.append("pace")
            missing += [key for key, v in (("base_h1", base_h1), ("base_fy", base_fy)) if v is None]
        if h2_target is not None and fy_target is not None and t["additive"]:
            out["implied_h1"] = growth.implied_h1(fy_target, h2_target)
            out["h2_share_target_pct"] = growth.h2_share(h2_target, fy_target)
            if reported_h1 is not None:
                out["implied_h1_gap_pct"] = growth.gap_pct(out["implied_h1"], reported_h1)
        fy_level = _val(get(f"FY-{y}"))
        if half == "FY" and fy_level is not None:
            out["outturn"] = fy_level
        elif half == "H2" and fy_level is not None and reported_h1 is not None:
            out["outturn"], out["outturn_derived"] = fy_level - reported_h1, True
        if not t["additive"] and math.isnan(out["outturn"]):
            missing = _path(out, obs, ind, y, half, reported_h1, th, reg)
    out["required_h2_growth_pct"] = _or_nan(required)
    outturn = None if math.isnan(out["outturn"]) else out["outturn"]
    if not t["additive"] and outturn is None and not math.isnan(out["projected_fy"]):
        status = path_status(t["comparator"], target, out["projected_fy"], th)
        out.update(status=status, status_label=text(f"status.{status}", lang),
                   reason=_path_reason(out, reg, lang),
                   reason_short=text("analysis.short.path", lang, projected=format_pct(out["projected_fy"], lang),
                                     target=format_pct(target, lang)))
        return out
    status = target_status(comparator=t["comparator"], target=target, outturn=outturn,
                           required_growth_pct=required, pace_growth_pct=pace if measure == "level" else
                           _val(get(f"H1-{y}", "growth_yoy_pct")), thresholds=th)
    out["status"] = status
    out["status_label"] = text(f"status.{status}", lang)
    out["reason"] = _reason(out, status, missing, lang, reg, y, b)
    out["reason_short"] = _reason_short(out, status, missing, lang, reg, y, b)
    return out


#: Fewer earlier years with both an H1 and a full-year rate than this: no usual path, no status.
MIN_PATH_YEARS = 2


def _path(out: dict, obs: pd.DataFrame, ind: str, y: int, half: str, h1: float | None, th: Thresholds,
          reg: Registry) -> list[str]:
    """A cumulative rate's year projected along the usual H1→year path (fills ``out``); the missing figures."""
    if half != "FY":
        return ["data"]
    gains = h1_to_fy_gains(obs, ind, y, th, reg.province)
    out["path_gains"] = gains
    if h1 is None:
        return ["h1"]
    if len(gains) < MIN_PATH_YEARS:
        return ["base_h1"]
    out["projected_fy"] = growth.projected_by_path(h1, list(gains.values()))
    return []


def path_status(comparator: str, target: float, projected: float, th: Thresholds = THRESHOLDS) -> str:
    """On track when the projected year meets the target; at risk within ``th.path_at_risk_pp`` of it; else off track.

    Examples
    --------
    >>> path_status("≥", 95, 96.0), path_status("≥", 95, 88.0), path_status("≥", 95, 70.0)
    ('on_track', 'at_risk', 'off_track')
    """
    if meets(projected, comparator, target):
        return "on_track"
    return "at_risk" if target - projected <= th.path_at_risk_pp else "off_track"


def _path_reason(o: dict, reg: Registry, lang: str) -> str:
    gains = o["path_gains"]
    return text("analysis.reason_path", lang, h1=format_pct(o["reported_h1"], lang),
                gain=format_pp(sum(gains.values()) / len(gains), lang), years=", ".join(map(str, gains)),
                projected=format_pct(o["projected_fy"], lang), target=format_pct(o["target"], lang))


def quantity_text(value: float, unit: str, reg: Registry, lang: str) -> str:
    """A value in its unit ('pct' as a percentage) as the reasons write it: '6,84%', '360.942 tấn'."""
    if unit == "pct":
        return format_pct(value, lang)
    return format_quantity(value, reg.unit_symbol(unit, lang), lang)


#: The figures an assessment can miss, the most telling first: the reason names the first one missing.
MISSING_ORDER = ("h1", "pace", "base_h1", "base_fy", "data")


def missing_figure(o: dict, missing: list[str], reg: Registry, lang: str, y: int, b: int) -> str:
    """The one figure whose absence stops the assessment, in words that fit the indicator
    (indicators.csv's ``figure_vi``/``figure_en``): 'số xã được công nhận … trong 6 tháng đầu năm 2024'.

    Of several missing ones, the first in :data:`MISSING_ORDER`: this year's H1 figure (or its growth),
    then last year's H1 and full-year figures. A growth target, or a missing H1 pace, is named as the
    figure's year-on-year growth.
    """
    period, is_growth = _first_missing(o, missing, y, b)
    figure = reg.figure(o["indicator"], period, lang)
    return text("analysis.missing_growth", lang, figure=figure) if is_growth else figure


def _first_missing(o: dict, missing: list[str], y: int, b: int) -> tuple[str, bool]:
    """The period of the first missing figure (:data:`MISSING_ORDER`) and whether it is a growth rate (a growth
    target's H1, or a missing H1 pace)."""
    first = next((m for m in MISSING_ORDER if m in missing), "data")
    period = {"h1": f"H1-{y}", "pace": f"H1-{y}", "base_h1": f"H1-{b}", "base_fy": f"FY-{b}", "data": f"H1-{y}"}[first]
    return period, first == "pace" or (o["measure"] == "growth_yoy_pct" and first == "h1")


def _reason(o: dict, status: str, missing: list[str], lang: str, reg: Registry, y: int, b: int) -> str:
    unit = "pct" if o["measure"] == "growth_yoy_pct" else o["unit"]
    tgt = quantity_text(o["target"], unit, reg, lang)
    if not math.isnan(o["outturn"]):
        key = "analysis.reason_met" if status == "met" else "analysis.reason_missed"
        derived = text("analysis.derived_mark", lang) if o["outturn_derived"] else ""
        return text(key, lang, got=quantity_text(o["outturn"], unit, reg, lang), derived=derived, target=tgt,
                    exceeded=_exceeded(o, lang))
    if status == "not_assessable":
        return text("analysis.reason_not_assessable", lang, missing=missing_figure(o, missing, reg, lang, y, b))
    required = o["required_h2_growth_pct"]
    if required < 0:  # H2 may fall below last year's H2: 'có thể thấp hơn … 0,73%', never 'cần tăng -0,73%'
        return text("analysis.reason_required_lower", lang, required=format_pct(-required, lang), b=b,
                    pace=format_pct(o["h1_growth_pct"], lang))
    key = "analysis.reason_required_resolution" if o.get("required_source") == "resolution" else "analysis.reason_required"
    return text(key, lang, required=format_pct(required, lang), b=b, pace=format_pct(o["h1_growth_pct"], lang))


def _exceeded(o: dict, lang: str) -> str:
    """', vượt 4,2% kế hoạch' when a level outturn exceeds its target (the administrative wording), else ''."""
    if o["measure"] != "level" or o["unit"] == "pct" or not o["target"] or o["outturn"] <= o["target"]:
        return ""
    return text("analysis.exceeded", lang, pct=format_pct(growth.gap_pct(o["outturn"], o["target"]), lang, 1))


def _reason_short(o: dict, status: str, missing: list[str], lang: str, reg: Registry, y: int, b: int) -> str:
    """The reason in a few words, for one-line status grids: the outturn, the missing figure's period, or the
    H2 growth needed against the H1 pace (the full reason is :func:`_reason`)."""
    unit = "pct" if o["measure"] == "growth_yoy_pct" else o["unit"]
    if not math.isnan(o["outturn"]):
        derived = text("analysis.derived_mark", lang) if o["outturn_derived"] else ""
        return text("analysis.short.outturn", lang, got=quantity_text(o["outturn"], unit, reg, lang), derived=derived,
                    exceeded=_exceeded(o, lang))
    if status == "not_assessable":
        period, growth_figure = _first_missing(o, missing, y, b)
        return text("analysis.short.missing_growth" if growth_figure else "analysis.short.missing", lang,
                    period=period_label(period, lang))
    required = o["required_h2_growth_pct"]
    key = "analysis.short.required_lower" if required < 0 else "analysis.short.required"
    return text(key, lang, required=format_pct(abs(required), lang), pace=format_pct(o["h1_growth_pct"], lang))


def target_text(o: Mapping[str, Any], reg: Registry, lang: str = "vi") -> str:
    """A target as the resolution words it, at the resolution's own precision: '≥ 6,7%', 'đạt 920 triệu USD'
    ('reach 920 M USD'), never '= 920' or '6,70%'."""
    if o["measure"] == "growth_yoy_pct" or o["unit"] == "pct":
        shown = format_number(o["target"], lang) + "%"
    else:
        shown = format_quantity(o["target"], reg.unit_symbol(o["unit"], lang), lang)
    return format_target(o["comparator"], shown, lang, reg.comparator_wording(o["target_id"]))


def summary_rows(assessed: pd.DataFrame, reg: Registry, lang: str = "vi") -> list[dict]:
    """Every target as displayed: sector, name, period, target with its unit, status (id and label), reason.

    The target reads as the resolution words it: 'đạt 920 triệu USD' / 'reach 920 M USD', never '= 920'.
    """
    rows = []
    for o in assessed.to_dict("records"):
        rows.append({"sector": reg.sector_name(o["sector"], lang), "name": o["name"],
                     "short_name": reg.short_name(o["indicator"], lang), "period": period_label(o["period"], lang),
                     "target": target_text(o, reg, lang), "status": o["status"], "status_label": o["status_label"],
                     "reason": o["reason"], "reason_short": o["reason_short"]})
    return rows


def executive_summary(assessed: pd.DataFrame, reg: Registry, lang: str = "vi") -> pd.DataFrame:
    """The overview's table: every target with its value, status and one-line reason."""
    keys = ["sector", "name", "period", "target", "status_label", "reason"]
    headers = [text(f"analysis.summary.{k}", lang) for k in keys]
    return pd.DataFrame([[r[k] for k in keys] for r in summary_rows(assessed, reg, lang)], columns=headers)


def grdp_requirement(reg: Registry, obs: pd.DataFrame, year: int = 2024, as_of: str = RESOLUTION_AS_OF,
                     h1_weight: float | None = None, lang: str = "vi") -> dict:
    """The required H2 GRDP growth and every input it comes from (value, status, source).

    g₂ = (g − w₁·g₁) / (1 − w₁), with w₁ = GRDP H1 (year−1) / GRDP (year−1) at 2010 prices, or
    ``h1_weight`` when given (a scenario's override; ``h1_weight_data`` keeps the data's). When an input
    was not published by ``as_of``, ``required_h2_growth_pct`` is None and ``missing`` names the missing
    figures in ``lang``.
    """
    t = reg.targets[(reg.targets["indicator"] == "grdp") & (reg.targets["period"] == f"FY-{year}")].iloc[0]
    h2 = reg.targets[(reg.targets["indicator"] == "grdp") & (reg.targets["period"] == f"H2-{year}")]
    obs = as_of_view(obs, as_of)
    g1 = lookup(obs, "grdp", f"H1-{year}", "growth_yoy_pct", area=reg.province, as_of=as_of)
    b1 = lookup(obs, "grdp", f"H1-{year - 1}", area=reg.province, as_of=as_of)
    bf = lookup(obs, "grdp", f"FY-{year - 1}", area=reg.province, as_of=as_of)
    if g1 is not None and h1_weight is not None and (b1 is None or bf is None):
        # a scenario's w₁ stands in for the base year's levels
        return {"target_growth_pct": float(t["value"]),
                "resolution_h2_growth_pct": float(h2["value"].iloc[0]) if len(h2) else None,
                "h1_growth_pct": float(g1["value"]), "h1_growth": g1, "base_h1": b1, "base_fy": bf,
                "base_h1_bn_vnd": None if b1 is None else float(b1["value"]),
                "base_fy_bn_vnd": None if bf is None else float(bf["value"]),
                "h1_weight": float(h1_weight), "h1_weight_data": None, "h1_weight_overridden": True,
                "required_h2_growth_pct": growth.required_h2_growth(float(t["value"]), float(g1["value"]),
                                                                    float(h1_weight))}
    if g1 is None or b1 is None or bf is None:
        missing = [reg.figure("grdp", p, lang) if m == "level" else text("analysis.missing_growth", lang,
                                                                         figure=reg.figure("grdp", p, lang))
                   for row, p, m in ((g1, f"H1-{year}", "growth"), (b1, f"H1-{year - 1}", "level"),
                                     (bf, f"FY-{year - 1}", "level")) if row is None]
        return {"required_h2_growth_pct": None, "target_growth_pct": float(t["value"]), "missing": missing,
                "resolution_h2_growth_pct": float(h2["value"].iloc[0]) if len(h2) else None}
    w1_data = growth.h1_weight(b1["value"], bf["value"])
    w1 = w1_data if h1_weight is None else float(h1_weight)
    return {
        "target_growth_pct": float(t["value"]),
        "resolution_h2_growth_pct": float(h2["value"].iloc[0]) if len(h2) else None,
        "h1_growth_pct": float(g1["value"]), "h1_growth": g1,
        "base_h1_bn_vnd": float(b1["value"]), "base_h1": b1,
        "base_fy_bn_vnd": float(bf["value"]), "base_fy": bf,
        "h1_weight": w1, "h1_weight_data": w1_data, "h1_weight_overridden": h1_weight is not None,
        "required_h2_growth_pct": growth.required_h2_growth(float(t["value"]), float(g1["value"]), w1),
    }


def sector_contributions(obs: pd.DataFrame, year: int = 2024, half: str = "H1", as_of: str = RESOLUTION_AS_OF,
                         components: tuple[str, ...] | None = None, area: str | None = None) -> pd.DataFrame:
    """Contribution (pp) of each GRDP component to growth in ``half`` of ``year``.

    Weights are the components' levels in the same half of the year before, at 2010 prices.
    ``components`` (default: the registry's ``grdp_components``) and ``area`` (default: the province)
    default to those recorded with ``obs`` by :func:`kg_metrics.data.observations.load_observations`.
    """
    rows = []
    obs = as_of_view(obs, as_of)
    for c in components or grdp_components_of(obs):
        base = lookup(obs, c, f"{half}-{year - 1}", area=area, as_of=as_of)
        g = lookup(obs, c, f"{half}-{year}", "growth_yoy_pct", area=area, as_of=as_of)
        rows.append({"component": c, "base_level_bn_vnd": _val(base), "growth_pct": _val(g),
                     "base_status": None if base is None else base["status"]})
    df = pd.DataFrame(rows)
    if df[["base_level_bn_vnd", "growth_pct"]].isna().any().any():
        df["weight"] = float("nan")
        df["contribution_pp"] = float("nan")
        return df
    total = df["base_level_bn_vnd"].sum()
    df["weight"] = df["base_level_bn_vnd"] / total
    df["contribution_pp"] = [growth.contribution_pp(b, total, g) for b, g in zip(df["base_level_bn_vnd"],
                                                                                 df["growth_pct"])]
    return df
