"""A briefing's quantitative targets, one subsection each: the quote, the figures around the target and its
status (a facts table), the consistency checks, and a chart with its caption."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg_metrics.arithmetic.status import THRESHOLDS
from kg_metrics.data.observations import lookup
from kg_metrics.data.periods import parse_period, period_label
from kg_metrics.report import charts
from kg_metrics.report.sections import probability
from kg_metrics.report.sections.common import clause_label, fact, lines, source
from kg_metrics.text.catalog import t
from kg_metrics.analysis.backtest import rounding_half_width
from kg_metrics.text.format import format_number, format_pct, format_rounded, format_target, value_or_none

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing


def data(b: "Briefing") -> dict[str, Any]:
    """Every target of the briefing (a sector's own), in order; an empty list when it has none.

    Draws each target's chart and numbers its figure (``figure_no``, after the briefing's earlier figures).
    """
    return {"targets": [target(b, o) for o in b._sector_targets().to_dict("records")]}


def target(b: "Briefing", o: dict) -> dict[str, Any]:
    """One target (a row of ``b.assessed``): its quote, facts (rows of cells), checks, chart and caption."""
    lang = b.lang
    chart = charts.target_chart_data(o, b.reg, b.obs)
    if o["measure"] == "growth_yoy_pct":
        facts = _growth_facts(b, o)
    elif bool(b.reg.indicators.set_index("indicator").loc[o["indicator"], "additive"]):
        facts = _additive_facts(b, o)
    else:
        facts = _level_facts(b, o, chart)
    facts.append(fact(t("briefing.f_status", lang), {"status": o["status"]}, o["reason"]))
    prob = b.probabilities.get(o["target_id"])
    if prob is not None:
        value = (format_pct(prob.p_met * 100, lang, 0) if prob.available
                 else {"missing": t("briefing.prob_missing", lang)})
        facts.append(fact(t("briefing.prob_row", lang), value, probability.basis_text(prob, lang, b.year)))
    found = b.anomalies[b.anomalies["indicator"] == o["indicator"]]
    figure = charts.target_chart(o, b.reg, b.obs, lang, data=chart)
    n = b.figure_number(("target", o["target_id"]))
    return {
        "target_id": o["target_id"],
        "name": o["name"],
        "period": period_label(o["period"], lang),
        "clause": clause_label(o["clause"], lang),
        "quote": o["quote"],
        "facts": facts,
        "findings": [{k: a[k] for k in ("check", "flagged", "assessable", "message")} for a in found.to_dict("records")],
        "chart": figure,
        "figure_no": n,
        "caption": _caption(b, o, chart, n),
    }


# --------------------------------------------------------------------------- facts
def _target_row(b: "Briefing", indicator: str, period: str, measure: str = "level") -> dict | None:
    tg = b.reg.targets[(b.reg.targets["indicator"] == indicator) & (b.reg.targets["period"] == period)
                       & (b.reg.targets["measure"] == measure)]
    return tg.iloc[0].to_dict() if len(tg) else None


def _comparator(b: "Briefing", indicator: str, period: str) -> tuple[str, str]:
    """(comparator, the resolution's wording of it) of the level target for ``period``; ('', '') when none."""
    tg = _target_row(b, indicator, period)
    return (tg["comparator"], tg["comparator_text"]) if tg else ("", "")


def _target_value(b: "Briefing", value: float | None, comparator: tuple[str, str], unit: str) -> str | None:
    """A target as the resolution words it: 'đạt 920 triệu USD' (never '= 920'), '≥ 95%'."""
    return None if value is None else format_target(comparator[0], b.qty(value, unit), b.lang, comparator[1])


# --------------------------------------------------------------------------- precision of computed figures
def _half(b: "Briefing", row) -> float:
    """How far the rounding of what was published can move an observation (in its indicator's unit)."""
    return float("nan") if row is None else rounding_half_width(b.obs, row, b.reg, b._derivations)


def _num(b: "Briefing", row, value: float | None = None) -> str:
    """A number in a calculation: a derived input at its inputs' precision ('≈573.400'), others as published."""
    if row is not None and row["status"] == "derived":
        return "≈" + format_rounded(value_or_none(row["value"]), _half(b, row), b.lang)
    return format_number(value if row is None else row["value"], b.lang)


def _additive_facts(b: "Briefing", o: dict) -> list[dict[str, Any]]:
    """A target on an indicator whose halves add up to the year: implied and reported H1, H2 share, required H2."""
    lang, unit = b.lang, o["unit"]
    y = parse_period(o["period"]).year
    base = y - 1
    fy_t, h2_t = value_or_none(o["fy_target"]), value_or_none(o["h2_target"])
    rows = []
    if fy_t is not None:
        rows.append(fact(t("briefing.f_fy_target", lang, y=y),
                         _target_value(b, fy_t, _comparator(b, o["indicator"], f"FY-{y}"), unit)))
    rows.append(fact(t("briefing.f_h2_target", lang, y=y),
                     _target_value(b, h2_t, _comparator(b, o["indicator"], f"H2-{y}"), unit),
                     "" if h2_t is not None else t("briefing.n_no_h2_target", lang)))
    implied = value_or_none(o["implied_h1"])
    if implied is not None:  # targets are exact numbers, not rounded measurements: their difference is too
        rows.append(fact(t("briefing.f_implied", lang, y=y), b.qty(implied, unit),
                         f"{format_number(fy_t, lang)} − {format_number(h2_t, lang)}"))
    h1_row = lookup(b.obs, o["indicator"], f"H1-{y}", as_of=b.as_of)
    h1_label = "briefing.f_derived" if h1_row is not None and h1_row["status"] == "derived" else "briefing.f_reported"
    rows.append(fact(t(h1_label, lang, y=y), b.observed(h1_row) if h1_row is not None else None, source(b, h1_row)))
    gap = value_or_none(o["implied_h1_gap_pct"])
    if gap is not None:
        tol = format_pct(THRESHOLDS.implied_h1_tolerance_pct, lang, 0)
        beyond = abs(gap) > THRESHOLDS.implied_h1_tolerance_pct
        rows.append(fact(t("briefing.f_gap", lang, y=y), format_pct(gap, lang, 1),
                         t("briefing.n_gap" if beyond else "briefing.n_gap_ok", lang, tol=tol)))
    share = value_or_none(o["h2_share_target_pct"])
    if share is not None:
        rows.append(fact(t("briefing.f_share", lang, y=y), format_pct(share, lang, 1)))
        hist = o.get("h2_share_hist") or {}
        covid = t("briefing.n_covid", lang, covid=", ".join(map(str, THRESHOLDS.covid_years)))
        rows.append(fact(t("briefing.f_share_hist", lang),
                         lines(f"{yr}: {format_pct(v, lang, 1)}" for yr, v in hist.items()) if hist else None, covid))
    # H2 of the base year and the growth H2 needs against it
    base_h1, base_fy, base_h2 = value_or_none(o["base_h1"]), value_or_none(o["base_fy"]), value_or_none(o["base_h2"])
    base_h1_row = lookup(b.obs, o["indicator"], f"H1-{base}", as_of=b.as_of)
    base_fy_row = lookup(b.obs, o["indicator"], f"FY-{base}", as_of=b.as_of)
    lacking = [p for p, v in ((f"H1-{base}", base_h1), (f"FY-{base}", base_fy)) if v is None]
    lack_txt = (t("briefing.n_missing", lang, what=", ".join(period_label(p, lang) for p in lacking))
                if lacking else "")
    rows.append(fact(t("briefing.f_base_h2", lang, b=base),
                     b.qty(base_h2, unit, _half(b, base_fy_row) + _half(b, base_h1_row)) if base_h2 is not None else None,
                     t("briefing.n_base_h2", lang, b=base,
                       calc=f"{_num(b, base_fy_row, base_fy)} − {_num(b, base_h1_row, base_h1)}")
                     if base_h2 is not None else lack_txt))
    req_level = value_or_none(o["required_h2_level"])
    if o["period"].startswith("H2-"):
        note = t("briefing.n_required_h2", lang)
    elif req_level is not None:
        note = t("briefing.n_required_fy", lang, calc=f"{format_number(fy_t, lang)} − {_num(b, h1_row)}")
    else:
        note = t("briefing.n_missing", lang, what=t("briefing.f_reported", lang, y=y).lower())
    req_half = None if o["period"].startswith("H2-") else _half(b, h1_row)  # exact target − a reported H1
    rows.append(fact(t("briefing.f_required_level", lang, y=y),
                     b.qty(req_level, unit, req_half) if req_level is not None else None, note))
    req = value_or_none(o["required_h2_growth_pct"])
    rows.append(fact(t("briefing.f_required_growth", lang, b=base), format_pct(req, lang) if req is not None else None,
                     "" if req is not None else lack_txt))
    pace = value_or_none(o["h1_growth_pct"])
    pace_row = lookup(b.obs, o["indicator"], f"H1-{y}", "growth_yoy_pct", as_of=b.as_of)
    rows.append(fact(t("briefing.f_h1_growth", lang, y=y), format_pct(pace, lang) if pace is not None else None,
                     source(b, pace_row) if pace_row is not None else
                     (t("briefing.n_growth_computed", lang, y=y, b=base) if pace is not None else "")))
    rows.extend(_outturn(b, o))
    return rows


def _growth_facts(b: "Briefing", o: dict) -> list[dict[str, Any]]:
    """A growth target: the targets, H1 growth, the weight w₁ and the growth H2 needs."""
    lang = b.lang
    y = parse_period(o["period"]).year
    base = y - 1
    rows = []
    targets = b.reg.targets
    for p in (f"FY-{y}", f"H2-{y}"):
        tg = targets[(targets["indicator"] == o["indicator"]) & (targets["measure"] == "growth_yoy_pct")
                     & (targets["period"] == p)]
        if len(tg):
            rows.append(fact(t("briefing.f_fy_target" if p.startswith("FY") else "briefing.f_h2_target", lang, y=y),
                             format_target(tg["comparator"].iloc[0], format_pct(float(tg["value"].iloc[0]), lang),
                                           lang, tg["comparator_text"].iloc[0])))
    g1 = lookup(b.obs, o["indicator"], f"H1-{y}", "growth_yoy_pct", as_of=b.as_of)
    rows.append(fact(t("briefing.f_h1_growth", lang, y=y), format_pct(g1["value"], lang) if g1 is not None else None,
                     source(b, g1)))
    w = value_or_none(o["h1_weight"])
    rows.append(fact(t("briefing.f_w1", lang, b=base), format_number(w, lang, 4) if w is not None else None,
                     f"{format_number(value_or_none(o['base_h1']), lang)} / "
                     f"{format_number(value_or_none(o['base_fy']), lang)}" if w is not None else ""))
    req = value_or_none(o["required_h2_growth_pct"])
    rows.append(fact(t("briefing.f_required_growth", lang, b=base), format_pct(req, lang) if req is not None else None,
                     t("briefing.formula", lang)))
    rows.extend(_outturn(b, o))
    return rows


def _level_facts(b: "Briefing", o: dict, chart: charts.TargetChartData) -> list[dict[str, Any]]:
    """A level target without a half-year split: the target and the figures reported (those the chart draws)."""
    lang, unit = b.lang, o["unit"]
    rows = [fact(t("briefing.f_fy_target" if o["period"].startswith("FY") else "briefing.f_h2_target", lang,
                   y=parse_period(o["period"]).year),
                 _target_value(b, float(o["target"]), _comparator(b, o["indicator"], o["period"]), unit))]
    if chart.points:
        shown = lines(f"{period_label(p, lang)}: {b.observed(r) if st == 'derived' else b.qty(v, unit)}"
                      for (p, v, st), r in zip(chart.points, chart.used))
        notes = {"sources": [{"period": period_label(r["period"], lang), **source(b, r)["source"]} for r in chart.used]}
        rows.append(fact(t("briefing.f_reported_any", lang), shown, notes))
    else:
        rows.append(fact(t("briefing.f_reported_any", lang), None))
    rows.extend(_outturn(b, o))
    return rows


def _outturn(b: "Briefing", o: dict) -> list[dict[str, Any]]:
    out = value_or_none(o["outturn"])
    if out is None:
        return []
    unit = "pct" if o["measure"] == "growth_yoy_pct" else o["unit"]
    half = None
    if o.get("outturn_derived") and unit != "pct":  # year − H1: at the precision of the two
        y = parse_period(o["period"]).year
        half = sum(_half(b, lookup(b.obs, o["indicator"], f"{h}-{y}", as_of=b.as_of)) for h in ("FY", "H1"))
    return [fact(t("briefing.f_outturn", b.lang, p=period_label(o["period"], b.lang)), b.qty(out, unit, half),
                 t("briefing.n_derived_outturn", b.lang) if o.get("outturn_derived") else "")]


# --------------------------------------------------------------------------- caption
def _caption(b: "Briefing", o: dict, chart: charts.TargetChartData, n: int) -> str:
    """The caption of a target's chart, written from what the chart drew (its source notes apart)."""
    lang, name = b.lang, o["name"]
    covid = t("briefing.cap_covid", lang, covid=", ".join(map(str, chart.covid_years))) if chart.covid_years else ""
    if chart.kind == "additive":
        history = _history_caption(chart, lang, "briefing.cap_") + covid
        if chart.h1 is None and chart.h2 is None:
            year_part = t("briefing.cap_target_only", lang)
        else:
            year_part = t("briefing.cap_stack", lang, h1=t(f"briefing.cap_h1_{chart.h1_kind or 'none'}", lang),
                          h2=t(f"briefing.cap_h2_{chart.h2_kind or 'none'}", lang))
        return t("briefing.target_caption_additive", lang, n=n, name=name, unit=b._unit_symbol(chart.unit),
                 y=chart.year, year_part=year_part, history=history).strip()
    if chart.kind == "growth":
        history = _history_caption(chart, lang, "briefing.cap_growth_") + covid
        h1_kind = t(f"briefing.cap_h1_{chart.h1_kind or 'none'}", lang)
        h2_kind = t(f"briefing.cap_h2_{chart.h2_kind or 'none'}", lang)
        h1 = f"{h1_kind} {format_pct(chart.h1, lang)}" if chart.h1 is not None else t("briefing.cap_h1_none", lang)
        h2 = f"{h2_kind} {format_pct(chart.h2, lang)}" if chart.h2 is not None else t("briefing.cap_h2_none", lang)
        return t("briefing.target_caption_growth", lang, n=n, name=name, y=chart.year, h1=h1, h2=h2, history=history)
    points = (t("briefing.cap_points", lang, periods=", ".join(period_label(p, lang) for p, _, _ in chart.points))
              if chart.points else t("briefing.cap_no_points", lang))
    caption = t("briefing.target_caption_level", lang, n=n, name=name, unit=b._unit_symbol(chart.unit),
                points=points, p=period_label(chart.period, lang))
    if chart.old_series_years and len(chart.old_series_years) < len({parse_period(p).year for p, _, _ in chart.points}):
        caption += t("briefing.cap_break", lang, y=chart.series_break)
    return caption


def _history_caption(chart: charts.TargetChartData, lang: str, prefix: str) -> str:
    """Which earlier years the chart shows with both an H1 and a full-year figure (split bars), which with the
    full year only and which with H1 only, each named (``prefix``: the additive or the growth wording); and
    where an older, not comparable series of levels ends."""
    if not chart.history:
        return t("briefing.cap_no_history", lang)
    parts = []
    for shape in ("split", "h1_only", "fy_only"):
        years = chart.years_with(shape)
        if years:
            parts.append(t(prefix + shape, lang, years=", ".join(map(str, years))))
    text = "".join(parts).strip()
    old = chart.old_series_years
    if old and len(old) < len(chart.history):
        text += t("briefing.cap_break", lang, y=chart.series_break)
    return text
