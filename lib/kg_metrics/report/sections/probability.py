"""The probability of meeting each target (or why there is none), with fan charts: overview and sector briefings."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg_metrics.analysis.base_rates import BaseRate, base_rate
from kg_metrics.analysis.probability import DEFAULT_DRAWS, DEFAULT_SEED, MIN_YEARS, Probability
from kg_metrics.arithmetic.status import THRESHOLDS
from kg_metrics.data.periods import period_label
from kg_metrics.report import charts
from kg_metrics.text.catalog import t
from kg_metrics.text.format import format_target

if TYPE_CHECKING:
    from kg_metrics.report.briefing import Briefing


def _years(years: list[int]) -> str:
    return ", ".join(map(str, years))


def method_text(prob: Probability, lang: str) -> str:
    """The method and the years a probability rests on: 'H2 / H1 ratio in 2019, 2022, 2023'."""
    key = {"h2_h1_ratio": "briefing.prob_basis_ratio", "h1_fy_path": "briefing.prob_basis_path"}.get(
        prob.method, "briefing.prob_basis_gap")
    return t(key, lang, years=_years(prob.years))


def base_rate_text(rate: BaseRate, lang: str) -> str:
    """'2/3 năm (đạt: 2019, 2022; không đạt: 2023)', or the missing marker's words when no year counts."""
    if not rate.n:
        return t("briefing.base_rate_none", lang)
    met = [y for y, ok in rate.years.items() if ok]
    missed = [y for y, ok in rate.years.items() if not ok]
    return t("briefing.base_rate", lang, k=rate.met, n=rate.n, met=_years(met) or "—", missed=_years(missed) or "—")


def reason_text(prob: Probability, lang: str, year: int) -> str:
    """Why there is no probability: 'too little history: 1 usable year(s) (2019), at least 2 needed'."""
    reason = "history_none" if prob.reason == "history" and not prob.history else prob.reason
    return t(f"briefing.prob_reason_{reason}", lang, y=year, k=len(prob.history), years=_years(prob.years) or "—",
             min=MIN_YEARS)


def basis_text(prob: Probability, lang: str, year: int) -> str:
    """What a probability rests on (method and years, COVID-19 years left out), or why there is none."""
    if not prob.available:
        return t("briefing.prob_none", lang, reason=reason_text(prob, lang, year))
    covid = t("briefing.prob_covid", lang, covid=_years(list(THRESHOLDS.covid_years)))
    return f"{method_text(prob, lang)}; {covid}"


def record(prob: Probability, lang: str, year: int) -> dict[str, Any]:
    """A probability as the briefings show it: P(met) (0–1; None when there is none) and what it rests on.

    ``method``, ``years`` (the usable years) and ``n_draws``; ``reason`` (one of
    :data:`kg_metrics.analysis.probability.REASONS`, '' when there is a probability); and in words
    (``year`` is the briefing's): ``method_text``, ``basis`` (method, years, COVID-19 years left out; or
    'No probability: …') and ``why`` (the reason, '' when there is a probability).
    """
    return {"available": prob.available, "p_met": prob.p_met, "method": prob.method, "years": prob.years,
            "n_draws": prob.n_draws, "reason": prob.reason,
            "method_text": method_text(prob, lang) if prob.available else "",
            "basis": basis_text(prob, lang, year), "why": "" if prob.available else reason_text(prob, lang, year)}


def data(b: "Briefing") -> dict[str, Any] | None:
    """P(met) of every target of the briefing (``targets``), and the fan charts (``fans``), or None without targets.

    The overview draws the fans of its own (GRDP) targets (``fans_elsewhere``: the others are in the sector
    briefings); a sector briefing draws every one of its targets that has a probability. Each fan takes the
    next figure number.
    """
    assessed = b._sector_targets()
    if assessed.empty:
        return None
    probs = b.probabilities
    targets, fans = [], []
    rates: dict[tuple[str, str], BaseRate] = {}
    for o in assessed.to_dict("records"):
        p = probs[o["target_id"]]
        key = (o["indicator"], o["measure"])
        if key not in rates:
            rates[key] = base_rate(b.all_obs, o["indicator"], o["measure"], b.year, b.as_of, b.reg.province)
        unit = "pct" if o["measure"] == "growth_yoy_pct" else o["unit"]
        targets.append({"target_id": o["target_id"], "sector": o["sector"],
                        "sector_name": b.reg.sector_name(o["sector"], b.lang), "name": o["name"],
                        "period": o["period"], "period_label": period_label(o["period"], b.lang),
                        "comparator": o["comparator"], "target": o["target"], "target_shown": b.qty(o["target"], unit),
                        "target_text": format_target(o["comparator"], b.qty(o["target"], unit), b.lang,
                                                     b.reg.comparator_wording(o["target_id"])),
                        "base_rate": base_rate_text(rates[key], b.lang), "base_rate_n": rates[key].n,
                        **record(p, b.lang, b.year)})
    for o in targets:
        if o["available"] and (b.notebook == "sector" or o["sector"] == b.reg.overview_sector):
            p = probs[o["target_id"]]
            fig = charts.fan_chart(charts.fan_chart_data(p, b.obs, b.as_of, b.reg), b.reg, b.lang)
            fans.append({**o, "figure": fig, "figure_no": b.figure_number(("fan", o["target_id"]))})
    n_available = sum(o["available"] for o in targets)
    return {
        "as_of": b.as_of, "year": b.year, "draws": DEFAULT_DRAWS, "seed": DEFAULT_SEED, "min_years": MIN_YEARS,
        "covid_years": list(THRESHOLDS.covid_years),
        "show_sector": b.notebook != "sector",  # one sector's briefing: the sector column says nothing
        "targets": targets, "fans": fans,
        "fans_elsewhere": b.notebook == "overview" and n_available > len(fans),
    }
