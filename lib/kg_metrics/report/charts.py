"""Charts of the briefings: one style set once, texts from the catalog (``chart.*``), numbers via :mod:`kg_metrics.text.format`.

Figures are plain :class:`matplotlib.figure.Figure` objects (no pyplot state, so nothing is
shown twice and nothing leaks); notebooks show them with ``display(fig)``. Captions are text,
written by :mod:`kg_metrics.report.briefing` from :func:`target_chart_data`, never baked into the image.

- :func:`contributions_chart`: each GRDP component's contribution (pp) to growth;
- :func:`target_chart`: one target against history. For an additive level indicator, a
  stacked bar for the target year (H1 actual, or the H1 the resolution implies, hatched, plus
  H2) against the year-target line, beside earlier years' H1 and H2 so seasonality shows;
  for a growth target, H1 and full-year growth by year against the target; for a
  non-additive level (a share of plan), the available figures against the target;
- :func:`fan_chart`: a target's published history and the simulated spread of its year
  (:mod:`kg_metrics.analysis.probability`), with the target line and the probability of meeting it;
- :func:`scenario_contributions_chart`: each GRDP component's contribution (pp) in H1 (actual), H2 and
  the year under a scenario (:mod:`kg_metrics.analysis.scenarios`).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Mapping

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kg_metrics.text.format import (format_number, format_pct, format_pp, format_quantity, format_target,
                                    value_or_none)
from kg_metrics.data.observations import as_of_view, lookup, province_of
from kg_metrics.data.periods import parse_period, period_label
from kg_metrics.data.registry import Registry
from kg_metrics.arithmetic.status import THRESHOLDS
from kg_metrics.text.catalog import catalog

FONT = "DejaVu Sans"  # full Vietnamese coverage; bundled with matplotlib and in fonts-dejavu-core
DPI = 150
LEGEND_BELOW = "outside lower center"  # not prose: a matplotlib legend location: below the axes
FIGSIZE = (7.2, 3.9)
COLORS = {
    "h1": "#1f4e79",        # H1, observed
    "h2": "#9dc3e6",        # H2 of earlier years (full year − H1)
    "h2_target": "#e08a00",  # H2 of the target year: required or targeted
    "fy_only": "#6f6f6f",   # a full year with no H1/H2 split (outline and hatching of a white bar)
    "break": "#555555",     # the line where a series breaks (levels on either side not comparable)
    "target": "#a51d2d",    # target lines and outlines (the briefing's accent colour)
    "covid": "#efefef",     # background of COVID years
    "text": "#1b1b1b",
}
#: Bars of an earlier year with one figure only: white, outlined and patterned, unlike a split (stacked) bar.
H1_ONLY: dict[str, Any] = {"facecolor": "white", "edgecolor": COLORS["h1"], "hatch": "...", "linewidth": 1.2}
FY_ONLY: dict[str, Any] = {"facecolor": "white", "edgecolor": COLORS["fy_only"], "hatch": "\\\\\\", "linewidth": 1.2}
STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.6,
    "axes.edgecolor": "#555555",
    "text.color": COLORS["text"],
    "axes.labelcolor": COLORS["text"],
    "hatch.linewidth": 0.8,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,
}

def series_break(reg: Registry | None, indicator: str, measure: str) -> int | None:
    """The first year of the newer series of ``indicator``'s levels (catalog.yml's ``level_series_from``);
    None for none, for growth rates (comparable across a re-basing) and without a registry."""
    if measure != "level" or reg is None:
        return None
    return reg.catalog.level_series_from.get(indicator)


def component_names(reg: Registry, lang: str) -> dict[str, str]:
    """The GRDP components' display names in ``lang`` (``indicators.csv``'s short names)."""
    return {c: reg.short_name(c, lang) for c in reg.grdp_components}


# --------------------------------------------------------------------------- style
def apply_style(dpi: int = DPI) -> None:
    """Set the charts' style (fonts, sizes, colours, PNG at ``dpi``); idempotent.

    Uses the Agg backend unless pyplot is already in use, and in a Jupyter kernel makes
    ``display(fig)`` produce a PNG at ``dpi``.
    """
    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    matplotlib.rcParams.update(STYLE)
    matplotlib.rcParams["figure.dpi"] = matplotlib.rcParams["savefig.dpi"] = dpi
    _configure_ipython(dpi)


def _configure_ipython(dpi: int) -> None:
    try:
        from IPython import get_ipython  # lazy: only a notebook kernel needs it; builds and tests need not load it
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    from IPython.core.pylabtools import select_figure_formats  # lazy: as above, inside a kernel only

    select_figure_formats(shell, {"png"}, dpi=dpi, bbox_inches="tight")


def _new_figure(figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Any]:
    apply_style()
    fig = Figure(figsize=figsize, dpi=matplotlib.rcParams["figure.dpi"], layout="constrained")
    return fig, fig.add_subplot()


def _number_axis(axis, lang: str, suffix: str = "", integer: bool = False) -> None:
    """Ticks formatted for ``lang``; whole-number ticks for counts (3 xã, not 2,5)."""
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=integer))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: format_number(_clean(x), lang) + suffix))


def _clean(x: float) -> float:
    """Tick values like 0.30000000000000004 as 0.3; −0 as 0."""
    r = round(x, 6)
    return 0.0 if r == 0 else r


def save_png(fig: Figure, path, dpi: int = DPI) -> None:
    """Write ``fig`` as a PNG file (for checks and previews; notebooks use ``display``)."""
    fig.savefig(path, format="png", dpi=dpi)


def _L(lang: str) -> dict[str, str]:
    """The charts' texts in ``lang`` (catalog keys ``chart.*``, without the prefix)."""
    return catalog(lang).prefixed("chart.")


# --------------------------------------------------------------------------- contributions
def _component_bars(frame: pd.DataFrame, figsize: tuple[float, float]) -> tuple[Figure, Any, pd.DataFrame]:
    """A figure for horizontal bars, one row of ``frame`` (a GRDP component) each: vertical grid lines only."""
    fig, ax = _new_figure(figsize)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    return fig, ax, frame.reset_index(drop=True)


def _component_pp_axes(ax, df: pd.DataFrame, names: Mapping[str, str] | None, present: list[float], lang: str,
                       L: dict, margins: tuple[float, float]) -> None:
    """The axes of :func:`_component_bars`: components top down (``names``: :func:`component_names`), contributions
    (pp) across, from 0 with room for the bars' labels (``margins``: below 0 and beyond the largest, as fractions
    of the span); 'no data' when nothing is ``present``."""
    if not present:
        _no_data(ax, L["no_data"])
    ax.set_yticks(range(len(df)), [(names or {}).get(c, c) for c in df["component"]])
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(L["contrib_axis"])
    _number_axis(ax.xaxis, lang)
    if present:
        lo, hi = min(0.0, min(present)), max(0.0, max(present))
        span = (hi - lo) or 1.0
        ax.set_xlim(lo - (margins[0] * span if lo < 0 else 0), hi + margins[1] * span)


def contributions_chart(contrib_df: pd.DataFrame, lang: str = "vi", names: Mapping[str, str] | None = None,
                        year: int | None = None) -> Figure:
    """Horizontal bars: each GRDP component's contribution (pp) to growth.

    ``contrib_df`` is :func:`kg_metrics.analysis.assessment.sector_contributions`'s frame (columns
    ``component``, ``contribution_pp`` and optionally ``base_status``). Components whose
    weight is derived are hatched. Missing contributions are left out, not drawn as 0. ``year``: the year whose
    H1 growth is split (the alt text names it).
    """
    L = _L(lang)
    fig, ax, df = _component_bars(contrib_df, (7.2, 2.9))
    values = [value_or_none(v) for v in df.get("contribution_pp", pd.Series([None] * len(df)))]
    derived = [str(s) == "derived" for s in df.get("base_status", pd.Series([""] * len(df)))]
    for y, (v, d) in enumerate(zip(values, derived)):
        if v is None:
            continue
        bars = ax.barh(y, v, height=0.6, color="white" if d else COLORS["h1"], edgecolor=COLORS["h1"],
                       hatch="///" if d else None, linewidth=1.0)
        ax.bar_label(bars, labels=[format_pp(v, lang)], padding=3, fontsize=8)
    _component_pp_axes(ax, df, names, [v for v in values if v is not None], lang, L, margins=(0.05, 0.28))
    if any(d and v is not None for d, v in zip(derived, values)):
        ax.legend(handles=[Patch(facecolor="white", edgecolor=COLORS["h1"], hatch="///",
                                 label=L["contrib_derived"])], loc="lower right")
    parts = [_alt_value(L, (names or {}).get(c, c), format_pp(v, lang) if v is not None else L["alt_missing"])
             for c, v in zip(df["component"], values)]
    return _with_alt(fig, L["alt_contrib"].format(y=year if year is not None else "", parts=_alt_join(parts)))


# --------------------------------------------------------------------------- target charts: data
@dataclass
class HistoryYear:
    """An earlier year's H1 and full-year figures (levels, or growth rates for growth targets)."""

    year: int
    h1: float | None = None
    fy: float | None = None
    covid: bool = False
    h1_status: str = ""
    fy_status: str = ""
    old_series: bool = False  # levels from before a series break (catalog.yml ``level_series_from``)

    @property
    def shape(self) -> str:
        """What its bar shows: 'split' (H1 and H2 = year − H1), 'fy_only', 'h1_only' or 'none'."""
        if self.h2 is not None:
            return "split"
        if self.h1 is not None:
            return "h1_only"  # no full year (or one below H1: not split)
        return "fy_only" if self.fy is not None else "none"

    @property
    def h2(self) -> float | None:
        """Full year − H1 (levels only); None when either is missing or H1 exceeds the year."""
        if self.h1 is None or self.fy is None or self.fy < self.h1:
            return None
        return self.fy - self.h1


@dataclass
class TargetChartData:
    """What :func:`target_chart` draws for one target; :mod:`kg_metrics.report.briefing` writes the caption from it."""

    kind: str  # "additive", "growth" or "level"
    target_id: str
    indicator: str
    measure: str
    period: str
    year: int
    unit: str  # the indicator's unit, or "pct" for growth targets
    target: float
    comparator: str
    fy_target: float | None = None
    h2_target: float | None = None
    history: list[HistoryYear] = field(default_factory=list)
    h1: float | None = None
    h1_kind: str | None = None  # "reported", "derived" or "implied"
    h2: float | None = None
    h2_kind: str | None = None  # "target" or "required"
    points: list[tuple[str, float, str]] = field(default_factory=list)  # "level" charts: (period, value, status)
    used: list[pd.Series] = field(default_factory=list)  # the observations drawn
    series_break: int | None = None  # levels before this year are of an older, not comparable series

    def years_with(self, shape: str) -> list[int]:
        """The earlier years whose figures are of ``shape``: 'split' (H1 and full year, or both growth rates),
        'fy_only' or 'h1_only' (:attr:`HistoryYear.shape`; for growth, both rates count as 'split')."""
        out = []
        for h in self.history:
            got = h.shape
            if self.kind == "growth" and h.h1 is not None and h.fy is not None:
                got = "split"
            if got == shape:
                out.append(h.year)
        return out

    @property
    def old_series_years(self) -> list[int]:
        """Drawn years (or periods' years, for 'level' charts) from before the series break."""
        if self.series_break is None:
            return []
        years = self.history_years if self.kind != "level" else [parse_period(p).year for p, _, _ in self.points]
        return sorted({y for y in years if y < self.series_break})

    @property
    def covid_years(self) -> list[int]:
        return [h.year for h in self.history if h.covid]

    @property
    def history_years(self) -> list[int]:
        return [h.year for h in self.history]

    @property
    def has_history(self) -> bool:
        return bool(self.history) or bool(self.points)

    @property
    def notes(self) -> list[tuple[str, str]]:
        """(period, note) of the drawn earlier-year figures whose source adds a caveat ('not comparable…')."""
        out = []
        for r in self.used:
            p = parse_period(r["period"])
            if r["note"] and r["status"] != "derived" and (p.year < self.year or self.kind == "level"):
                out.append((r["period"], str(r["note"])))
        return out


def _row(assessed_row: Mapping | pd.Series) -> dict:
    return dict(assessed_row.items()) if isinstance(assessed_row, pd.Series) else dict(assessed_row)


def _series(obs: pd.DataFrame, indicator: str, measure: str, as_of: str) -> pd.DataFrame:
    """The indicator's figures (the province's) as known on ``as_of`` (latest vintage published by then), oldest first."""
    obs = as_of_view(obs, as_of)
    sel = obs[(obs["indicator"] == indicator) & (obs["measure"] == measure) & (obs["area"] == province_of(obs))]
    if sel.empty:
        return sel
    sel = sel.copy()
    sel["_end"] = sel["period"].map(lambda p: parse_period(p).end.isoformat())
    return sel.sort_values("_end")


def target_chart_data(assessed_row: Mapping | pd.Series, reg: Registry, obs: pd.DataFrame) -> TargetChartData:
    """The numbers behind :func:`target_chart` for one row of :func:`~kg_metrics.analysis.assessment.assess_targets`."""
    o = _row(assessed_row)
    ind, measure, period = o["indicator"], o["measure"], o["period"]
    year = parse_period(period).year
    as_of = str(o.get("as_of") or reg.catalog.resolution_date)
    additive = bool(reg.indicators.set_index("indicator").loc[ind, "additive"])
    kind = "growth" if measure == "growth_yoy_pct" else ("additive" if additive else "level")
    d = TargetChartData(kind=kind, target_id=o["target_id"], indicator=ind, measure=measure, period=period,
                        year=year, unit="pct" if kind == "growth" else o["unit"], target=float(o["target"]),
                        comparator=o["comparator"], fy_target=value_or_none(o.get("fy_target")),
                        h2_target=value_or_none(o.get("h2_target")))
    d.series_break = series_break(reg, ind, "growth_yoy_pct" if kind == "growth" else "level")
    covid = set(THRESHOLDS.covid_years)
    if kind in ("additive", "growth"):
        series = _series(obs, ind, "growth_yoy_pct" if kind == "growth" else "level", as_of)
        years: dict[int, HistoryYear] = {}
        for r in series.itertuples(index=False):
            p = parse_period(r.period)
            if p.year >= year or p.kind not in ("H1", "FY"):
                continue
            hy = years.setdefault(p.year, HistoryYear(p.year, covid=p.year in covid,
                                                      old_series=d.series_break is not None and p.year < d.series_break))
            if p.kind == "H1":
                hy.h1, hy.h1_status = float(r.value), r.status
            else:
                hy.fy, hy.fy_status = float(r.value), r.status
            d.used.append(series.loc[(series["period"] == r.period)].iloc[0])
        d.history = [years[y] for y in sorted(years)]
    if kind == "additive":
        rep = value_or_none(o.get("reported_h1"))
        implied = value_or_none(o.get("implied_h1"))
        if rep is not None:
            d.h1, d.h1_kind = rep, ("derived" if o.get("reported_h1_status") == "derived" else "reported")
        elif implied is not None:
            d.h1, d.h1_kind = implied, "implied"
        if period.startswith("H2-"):
            d.h2, d.h2_kind = d.h2_target, "target"
        elif d.h1 is not None and d.fy_target is not None:
            d.h2 = max(d.fy_target - d.h1, 0.0)
            d.h2_kind = "target" if d.h1_kind == "implied" else "required"
    elif kind == "growth":
        g1 = lookup(obs, ind, f"H1-{year}", "growth_yoy_pct", area=reg.province, as_of=as_of)
        if g1 is not None:
            d.h1 = float(g1["value"])
            d.h1_kind = "derived" if g1["status"] == "derived" else "reported"
            d.used.append(g1)
        if period.startswith("H2-"):
            d.h2, d.h2_kind = float(o["target"]), "target"
        else:
            d.h2, d.h2_kind = value_or_none(o.get("required_h2_growth_pct")), "required"
            if d.h2 is None:
                d.h2_kind = None
    else:
        series = _series(obs, ind, "level", as_of)
        for r in series.itertuples(index=False):
            if parse_period(r.period).year <= year:
                d.points.append((r.period, float(r.value), r.status))
                d.used.append(series.loc[series["period"] == r.period].iloc[0])
    return d


# --------------------------------------------------------------------------- target charts: drawing
def target_chart(assessed_row: Mapping | pd.Series, reg: Registry, obs: pd.DataFrame, lang: str = "vi",
                 data: TargetChartData | None = None) -> Figure:
    """One target against history (see the module docstring); missing history is simply absent."""
    L = _L(lang)
    d = data or target_chart_data(assessed_row, reg, obs)
    fig, ax = _new_figure()
    if d.kind == "additive":
        handles = _draw_additive(ax, d, reg, lang, L)
    elif d.kind == "growth":
        handles = _draw_growth(ax, d, lang, L)
    else:
        handles = _draw_level(ax, d, reg, lang, L)
    if handles:
        fig.legend(handles=handles, loc=LEGEND_BELOW, ncol=2, fontsize=7.8)
    return _with_alt(fig, target_chart_alt(d, reg, lang))


def _unit_label(reg: Registry, unit: str, lang: str) -> str:
    name = str(reg.units.set_index("unit").loc[unit, f"name_{lang}"])
    return name[:1].upper() + name[1:]


def _qty(v: float, unit: str, reg: Registry, lang: str) -> str:
    return format_quantity(v, reg.unit_symbol(unit, lang), lang)


def _no_data(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=10, color="#777777")


def _covid(ax, xs: list[float], L: dict) -> list:
    for x in xs:
        ax.axvspan(x - 0.5, x + 0.5, color=COLORS["covid"], zorder=0, linewidth=0)
    return [Patch(facecolor=COLORS["covid"], label=L["covid"])] if xs else []


def _bar_value(v: float, lang: str, status: str = "") -> str:
    """A bar's value label: whole numbers from 1.000 up, '≈' before a derived figure."""
    return ("≈" if status == "derived" else "") + format_number(v, lang, 0 if abs(v) >= 1000 else None)


def _segment_label(ax, bar, text: str, ymax: float, dark: bool, boxed: bool = False) -> None:
    """The value inside a bar segment when it is tall enough, else just above it."""
    h = bar.get_height()
    if h <= 0:
        return
    x = bar.get_x() + bar.get_width() / 2
    if h >= 0.09 * ymax:
        box = dict(facecolor="white", edgecolor="none", pad=1.2) if boxed else None
        ax.text(x, bar.get_y() + h / 2, text, ha="center", va="center", fontsize=7.5,
                color="white" if dark and not boxed else COLORS["text"], bbox=box)
    else:
        ax.text(x, bar.get_y() + h, text, ha="center", va="bottom", fontsize=7.5, color=COLORS["text"])


def _draw_additive(ax, d: TargetChartData, reg: Registry, lang: str, L: dict) -> list:
    n = len(d.history)
    y = d.year
    tops = [v for h in d.history for v in (h.fy, h.h1) if v is not None]
    if d.h1 is not None or d.h2 is not None:
        tops.append((d.h1 or 0) + (d.h2 or 0))
    tops += [v for v in (d.fy_target, d.h2_target) if v is not None]
    ymax = max(tops) if tops else 1.0
    seen: dict[str, Any] = {}
    for i, h in enumerate(d.history):
        if h.shape == "split":  # a stacked bar: H1, then H2 = year − H1
            b = ax.bar(i, h.h1, width=0.62, color=COLORS["h1"])[0]
            _segment_label(ax, b, _bar_value(h.h1, lang, h.h1_status), ymax, dark=True)
            seen["h1"] = Patch(facecolor=COLORS["h1"], label=L["h1"])
            derived = "derived" if "derived" in (h.h1_status, h.fy_status) else ""
            b = ax.bar(i, h.h2, bottom=h.h1, width=0.62, color=COLORS["h2"])[0]
            _segment_label(ax, b, _bar_value(h.h2, lang, derived), ymax, dark=False)
            seen["h2"] = Patch(facecolor=COLORS["h2"], label=L["h2"])
        elif h.shape == "h1_only":  # H1 alone: outlined and dotted, so it never reads as a (short) year
            b = ax.bar(i, h.h1, width=0.62, **H1_ONLY)[0]
            _segment_label(ax, b, _bar_value(h.h1, lang, h.h1_status), ymax, dark=False, boxed=True)
            seen["h1_only"] = Patch(**H1_ONLY, label=L["h1_only"])
        elif h.shape == "fy_only":  # the year alone: outlined and hatched, not split into halves
            b = ax.bar(i, h.fy, width=0.62, **FY_ONLY)[0]
            _segment_label(ax, b, _bar_value(h.fy, lang, h.fy_status), ymax, dark=False, boxed=True)
            seen["fy"] = Patch(**FY_ONLY, label=L["fy_only"])
    handles = [seen[k] for k in ("h1", "h2", "h1_only", "fy") if k in seen]
    handles += _series_break(ax, [h.year for h in d.history], d.series_break, L)
    # the target year
    if d.h1 is not None:
        implied = d.h1_kind == "implied"
        b = ax.bar(n, d.h1, width=0.62, color="white" if implied else COLORS["h1"], edgecolor=COLORS["h1"],
                   hatch="///" if implied else None, linewidth=1.0)[0]
        _segment_label(ax, b, _bar_value(d.h1, lang, d.h1_kind or ""), ymax, dark=True, boxed=implied)
        handles.append(Patch(facecolor="white" if implied else COLORS["h1"], edgecolor=COLORS["h1"],
                             hatch="///" if implied else None, label=L[f"h1_{d.h1_kind}"].format(y=y)))
    if d.h2 is not None:
        b = ax.bar(n, d.h2, bottom=d.h1 or 0, width=0.62, color=COLORS["h2_target"])[0]
        _segment_label(ax, b, _bar_value(d.h2, lang), ymax, dark=False)
        handles.append(Patch(facecolor=COLORS["h2_target"], label=L[f"h2_{d.h2_kind}"].format(y=y)))
    if d.h1 is None and d.h2 is None and d.fy_target is not None:
        ax.bar(n, d.fy_target, width=0.62, fill=False, edgecolor=COLORS["target"], linestyle="--", linewidth=1.2)
        handles.append(Patch(fill=False, edgecolor=COLORS["target"], linestyle="--", label=L["target_only"].format(y=y)))
    if d.fy_target is not None:
        ax.axhline(d.fy_target, color=COLORS["target"], linestyle="--", linewidth=1.3, zorder=3)
        handles.append(Line2D([], [], color=COLORS["target"], linestyle="--", linewidth=1.3,
                              label=L["fy_target"].format(y=y, v=_qty(d.fy_target, d.unit, reg, lang))))
    handles += _covid(ax, [i for i, h in enumerate(d.history) if h.covid], L)
    ticks = [str(h.year) + ("\nCOVID-19" if h.covid else "") for h in d.history] + [L["target_tick"].format(y=y)]
    ax.set_xticks(range(n + 1), ticks)
    ax.set_xlim(-0.6, n + 0.6)
    ax.set_ylim(0, ymax * 1.12)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(_unit_label(reg, d.unit, lang))
    _number_axis(ax.yaxis, lang, integer=all(float(v).is_integer() for v in tops))
    return handles


def _series_break(ax, years: list[int], first_new: int | None, L: dict) -> list:
    """A dotted vertical line between the last year of an older series and the first of the newer one, with
    its legend entry; nothing when the drawn years are all on one side (or there is no break)."""
    if first_new is None:
        return []
    old = [i for i, y in enumerate(years) if y < first_new]
    if not old or len(old) == len(years):
        return []
    x = max(old) + 0.5
    ax.axvline(x, color=COLORS["break"], linestyle=":", linewidth=1.6, zorder=4)
    return [Line2D([], [], color=COLORS["break"], linestyle=":", linewidth=1.6,
                   label=L["series_break"].format(y=first_new))]


def _draw_growth(ax, d: TargetChartData, lang: str, L: dict) -> list:
    n = len(d.history)
    y = d.year
    w = 0.38
    pct = lambda v: format_number(v, lang) + "%"  # noqa: E731  (as published)
    seen: dict[str, Any] = {}
    for i, h in enumerate(d.history):
        if h.h1 is not None:
            b = ax.bar(i - w / 2, h.h1, width=w, color=COLORS["h1"])
            ax.bar_label(b, labels=[pct(h.h1)], padding=2, fontsize=7)
            seen["h1"] = Patch(facecolor=COLORS["h1"], label=L["growth_h1"])
        if h.fy is not None:
            b = ax.bar(i + w / 2, h.fy, width=w, color=COLORS["h2"])
            ax.bar_label(b, labels=[pct(h.fy)], padding=2, fontsize=7)
            seen["fy"] = Patch(facecolor=COLORS["h2"], label=L["growth_fy"])
    handles = [seen[k] for k in ("h1", "fy") if k in seen]
    if d.h1 is not None:
        b = ax.bar(n - w / 2, d.h1, width=w, color=COLORS["h1"], edgecolor=COLORS["h1"])
        ax.bar_label(b, labels=[pct(d.h1)], padding=2, fontsize=7.5)
        handles.append(Patch(facecolor=COLORS["h1"], label=L["growth_h1_y"].format(y=y)))
    if d.h2 is not None:
        b = ax.bar(n + w / 2, d.h2, width=w, color=COLORS["h2_target"])
        ax.bar_label(b, labels=[format_pct(d.h2, lang, 2)], padding=2, fontsize=7.5)
        handles.append(Patch(facecolor=COLORS["h2_target"], label=L[f"h2_{d.h2_kind}"].format(y=y)))
    if d.fy_target is not None:
        ax.axhline(d.fy_target, color=COLORS["target"], linestyle="--", linewidth=1.3, zorder=3)
        handles.append(Line2D([], [], color=COLORS["target"], linestyle="--", linewidth=1.3,
                              label=L["fy_target"].format(y=y, v=format_number(d.fy_target, lang) + "%")))
    handles += _covid(ax, [i for i, h in enumerate(d.history) if h.covid], L)
    ticks = [str(h.year) + ("\nCOVID-19" if h.covid else "") for h in d.history] + [L["target_tick"].format(y=y)]
    ax.set_xticks(range(n + 1), ticks)
    ax.set_xlim(-0.6, n + 0.6)
    values = [v for h in d.history for v in (h.h1, h.fy) if v is not None]
    values += [v for v in (d.h1, d.h2, d.fy_target) if v is not None]
    lo, hi = min([0.0, *values]), max([0.0, *values]) or 1.0
    ax.set_ylim(lo * 1.15 if lo < 0 else 0, hi * 1.15)
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(L["growth_axis"])
    _number_axis(ax.yaxis, lang)
    return handles


def _draw_level(ax, d: TargetChartData, reg: Registry, lang: str, L: dict) -> list:
    k = len(d.points)
    handles = []
    seen: dict[str, Any] = {}
    for i, (p, v, status) in enumerate(d.points):
        derived = status == "derived"
        b = ax.bar(i, v, width=0.62, color="white" if derived else COLORS["h1"], edgecolor=COLORS["h1"],
                   hatch="///" if derived else None)
        ax.bar_label(b, labels=[_qty(v, d.unit, reg, lang)], padding=2, fontsize=7.5)
        key = "observed_derived" if derived else "observed"
        seen.setdefault(key, Patch(facecolor="white" if derived else COLORS["h1"], edgecolor=COLORS["h1"],
                                   hatch="///" if derived else None, label=L[key]))
    handles += [seen[k] for k in ("observed", "observed_derived") if k in seen]
    if d.points:
        ax.bar(k, d.target, width=0.62, fill=False, edgecolor=COLORS["target"], linestyle="--", linewidth=1.2)
    else:
        _no_data(ax, L["no_data_level"])
    ax.axhline(d.target, color=COLORS["target"], linestyle="--", linewidth=1.3, zorder=3)
    wording = reg.comparator_wording(d.target_id) if reg is not None else ""
    shown = format_target(d.comparator, _qty(d.target, d.unit, reg, lang), lang, wording)
    handles.append(Line2D([], [], color=COLORS["target"], linestyle="--", linewidth=1.3,
                          label=L["level_target"].format(p=period_label(d.period, lang), v=shown)))
    handles += _series_break(ax, [parse_period(p).year for p, _, _ in d.points], d.series_break, L)
    ticks = [_wrap(period_label(p, lang)) for p, _, _ in d.points] + [L["target_tick"].format(y=d.year)]
    ax.set_xticks(range(k + 1), ticks)
    ax.set_xlim(-0.6, k + 0.6)
    top = max([d.target, *[v for _, v, _ in d.points]])
    ax.set_ylim(0, top * 1.15)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(_unit_label(reg, d.unit, lang))
    _number_axis(ax.yaxis, lang, integer=all(float(v).is_integer() for v in [d.target, *[v for _, v, _ in d.points]]))
    return handles


def _wrap(text: str, width: int = 14) -> str:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return "\n".join(lines)


# --------------------------------------------------------------------------- fan charts (probability)
@dataclass
class FanChartData:
    """What :func:`fan_chart` draws for one target: published history, the start point, the simulated spread.

    ``quantity``: 'fy_level', 'h2_level', 'fy_growth' or 'h2_growth' (what the target is about);
    ``history``: (year, value, covid) of that quantity in earlier years; ``start``: the H1 figure of the
    target year when the fan starts from it (H2 growth, which has no published history); ``quantiles``:
    {q: value} of the simulated quantity (:data:`kg_metrics.analysis.probability.FAN_QUANTILES`).
    """

    target_id: str
    quantity: str
    year: int
    unit: str
    comparator: str
    target: float
    p_met: float
    quantiles: dict[float, float]
    history: list[tuple[int, float, bool]] = field(default_factory=list)
    start: float | None = None
    series_break: int | None = None  # levels before this year are of an older series: not joined to later ones


def fan_chart_data(prob, obs: pd.DataFrame, as_of: str | None = None, reg: Registry | None = None) -> FanChartData:
    """The numbers behind :func:`fan_chart` for a :class:`kg_metrics.analysis.probability.Probability` with ``p_met``."""
    if prob.p_met is None:
        raise ValueError(f"{prob.target_id}: no probability ({prob.reason}), so no fan chart")
    y = parse_period(prob.period).year
    h2 = prob.period.startswith("H2-")
    growth = prob.measure == "growth_yoy_pct"
    quantity = ("h2_" if h2 else "fy_") + ("growth" if growth else "level")
    d = FanChartData(prob.target_id, quantity, y, prob.unit, prob.comparator, prob.target, prob.p_met,
                     dict(prob.quantiles), series_break=series_break(reg, prob.indicator, prob.measure))
    covid = set(THRESHOLDS.covid_years)
    series = _series(obs, prob.indicator, prob.measure, as_of or f"{y - 1}-12-31")
    by = {r.period: float(r.value) for r in series.itertuples(index=False)}
    if quantity == "h2_growth":
        d.start = prob.h1
    for p, v in sorted(by.items(), key=lambda kv: parse_period(kv[0]).end):
        if not p.startswith("FY-") or int(p[3:]) >= y:
            continue
        yr = int(p[3:])
        if quantity == "fy_growth" or quantity == "fy_level":
            d.history.append((yr, v, yr in covid))
        elif quantity == "h2_level" and f"H1-{yr}" in by and v >= by[f"H1-{yr}"]:
            d.history.append((yr, v - by[f"H1-{yr}"], yr in covid))
    return d


def fan_chart(data: FanChartData, reg: Registry | None = None, lang: str = "vi") -> Figure:
    """A fan chart: the target's quantity in earlier years, then the simulated spread of the target year.

    Bands: 10th–90th and 25th–75th percentiles of the Monte Carlo draws, opening from the last published
    year (or from the H1 figure, for H2 growth); the median; the target as a dashed line. COVID years
    are drawn hollow (they are left out of the simulation). The probability is written on the chart.
    """
    L = _L(lang)
    fig, ax = _new_figure((7.2, 3.4))
    d = data
    growth = d.quantity.endswith("growth")
    fmt = (lambda v: format_pct(v, lang, 2)) if growth else (lambda v: _qty(v, d.unit, reg, lang) if reg else
                                                             format_number(v, lang))
    xs = list(range(len(d.history)))
    handles: list = []
    hist_plain = [(x, v) for x, (_, v, c) in zip(xs, d.history) if not c]
    hist_covid = [(x, v) for x, (_, v, c) in zip(xs, d.history) if c]
    # one line per series: levels on either side of a series break are never joined
    cut = d.series_break
    for side in ((lambda yr: yr < cut), (lambda yr: yr >= cut)) if cut is not None else ((lambda yr: True),):
        seg = [(x, v) for x, (yr, v, _) in zip(xs, d.history) if side(yr)]
        if len(seg) > 1:
            ax.plot(*zip(*seg), color=COLORS["h1"], linewidth=1.0, zorder=2)
    handles += _series_break(ax, [yr for yr, _, _ in d.history], cut, L)
    if hist_plain:
        ax.plot(*zip(*hist_plain), "o", color=COLORS["h1"], markersize=5, zorder=3)
        handles.append(Line2D([], [], marker="o", color=COLORS["h1"], linestyle="-", label=L["fan_history"]))
    if hist_covid:
        ax.plot(*zip(*hist_covid), "o", markerfacecolor="white", markeredgecolor=COLORS["h1"], markersize=5, zorder=3)
        handles.append(Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor=COLORS["h1"],
                              linestyle="none", label=L["fan_history_covid"]))
    ticks = [str(yr) for yr, _, _ in d.history]
    if d.start is not None:
        xs.append(len(xs))
        ax.plot([xs[-1]], [d.start], "s", color=COLORS["h1"], markersize=6, zorder=3)
        handles.append(Line2D([], [], marker="s", color=COLORS["h1"], linestyle="none",
                              label=L["fan_start"].format(y=d.year)))
        ticks.append(L["fan_tick_h1"].format(y=d.year))
    x_end = len(ticks)
    q = d.quantiles
    if xs:
        x0 = xs[-1]
        y0 = d.start if d.start is not None else d.history[-1][1]
        for (lo, hi), alpha, key in (((0.10, 0.90), 0.25, "fan_band_80"), ((0.25, 0.75), 0.45, "fan_band_50")):
            ax.fill([x0, x_end, x_end], [y0, q[lo], q[hi]], color=COLORS["h2_target"], alpha=alpha, linewidth=0,
                    zorder=1)
            handles.append(Patch(facecolor=COLORS["h2_target"], alpha=alpha, label=L[key]))
        ax.plot([x0, x_end], [y0, q[0.5]], color=COLORS["h2_target"], linewidth=1.2, linestyle=":", zorder=2)
    else:
        for (lo, hi), alpha, key in (((0.10, 0.90), 0.25, "fan_band_80"), ((0.25, 0.75), 0.45, "fan_band_50")):
            ax.fill_between([x_end - 0.3, x_end + 0.3], q[lo], q[hi], color=COLORS["h2_target"], alpha=alpha,
                            linewidth=0)
            handles.append(Patch(facecolor=COLORS["h2_target"], alpha=alpha, label=L[key]))
    ax.plot([x_end], [q[0.5]], "D", color=COLORS["h2_target"], markersize=5, zorder=4)
    handles.append(Line2D([], [], marker="D", color=COLORS["h2_target"], linestyle="none",
                          label=L["fan_median"].format(y=d.year, v=fmt(q[0.5]))))
    ax.axhline(d.target, color=COLORS["target"], linestyle="--", linewidth=1.3, zorder=3)
    wording = reg.comparator_wording(d.target_id) if reg is not None else ""
    shown = format_target(d.comparator, fmt(d.target), lang, wording)
    handles.append(Line2D([], [], color=COLORS["target"], linestyle="--", linewidth=1.3,
                          label=L["fan_target"].format(v=shown)))
    ticks.append(L["fan_tick_h2" if d.quantity.startswith("h2") else "fan_tick"].format(y=d.year))
    ax.set_xticks(range(len(ticks)), ticks)
    ax.set_xlim(-0.5, x_end + 0.6)
    values = [v for _, v, _ in d.history] + [q[0.10], q[0.90], d.target] + ([d.start] if d.start is not None else [])
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.12 or abs(hi) * 0.1 or 1.0
    ax.set_ylim(lo - pad if growth else max(0.0, lo - pad), hi + pad)  # a level is never below 0
    if growth:
        ax.axhline(0, color="#555555", linewidth=0.8)
    ax.grid(axis="x", visible=False)
    ax.text(0.01, 0.97, L["fan_p"].format(p=format_pct(d.p_met * 100, lang, 0)), transform=ax.transAxes,
            ha="left", va="top", fontsize=9, fontweight="bold", color=COLORS["text"])
    if growth:
        ax.set_ylabel(L["fan_axis_growth"])
    else:
        unit = _unit_label(reg, d.unit, lang) if reg is not None else d.unit
        ax.set_ylabel(L["fan_axis_h2" if d.quantity.startswith("h2") else "fan_axis_fy"].format(unit=unit))
    _number_axis(ax.yaxis, lang)
    fig.legend(handles=handles, loc=LEGEND_BELOW, ncol=2, fontsize=7.5)
    return _with_alt(fig, fan_chart_alt(d, reg, lang))


# --------------------------------------------------------------------------- scenario contributions
def scenario_contributions_chart(components: pd.DataFrame, year: int, lang: str = "vi",
                                 names: Mapping[str, str] | None = None) -> Figure:
    """Grouped horizontal bars: each GRDP component's contribution (pp) in H1 (actual), H2 and the year (scenario).

    ``components`` is :attr:`kg_metrics.analysis.scenarios.ScenarioOutcome.components` (columns ``component``,
    ``h1_contribution_pp``, ``h2_contribution_pp``, ``year_contribution_pp``). Missing values are left out.
    """
    L = _L(lang)
    fig, ax, df = _component_bars(components, (7.2, 3.3))
    series = (("h1_contribution_pp", COLORS["h1"], "sc_h1"), ("h2_contribution_pp", COLORS["h2_target"], "sc_h2"),
              ("year_contribution_pp", COLORS["target"], "sc_year"))
    h = 0.26
    present = []
    handles = []
    for j, (col, color, key) in enumerate(series):
        for i, v in enumerate(df[col]):
            v = value_or_none(v)
            if v is None:
                continue
            present.append(v)
            bars = ax.barh(i + (j - 1) * h, v, height=h * 0.92, color=color)
            ax.bar_label(bars, labels=[format_pp(v, lang)], padding=2, fontsize=7)
        handles.append(Patch(facecolor=color, label=L[key].format(y=year)))
    _component_pp_axes(ax, df, names, present, lang, L, margins=(0.12, 0.32))
    fig.legend(handles=handles, loc=LEGEND_BELOW, ncol=3, fontsize=7.5)
    parts = []
    for c, *vals in df[["component", *(col for col, _, _ in series)]].itertuples(index=False):
        shown = [_alt_value(L, L[key].format(y=year), format_pp(value_or_none(v), lang) if value_or_none(v) is not None
                            else L["alt_missing"]) for v, (_, _, key) in zip(vals, series)]
        parts.append(L["alt_group"].format(head=(names or {}).get(c, c), values=", ".join(shown)))
    return _with_alt(fig, L["alt_scenario"].format(y=year, parts=_alt_join(parts)))


# --------------------------------------------------------------------------- alt texts
#: The attribute of a chart's Figure holding its alt text (:func:`alt_text`); the notebooks' display
#: (:class:`kg_metrics.report.container.Section`) passes it on as the PNG's ``alt`` metadata.
ALT_ATTR = "kg_alt"


def alt_text(fig: Any) -> str | None:
    """The alt text of a chart drawn here: what it shows, with its numbers, in the chart's language."""
    return getattr(fig, ALT_ATTR, None)


def _with_alt(fig: Figure, text: str) -> Figure:
    setattr(fig, ALT_ATTR, text)
    return fig


def _alt_value(L: dict, label: Any, v: str) -> str:
    return L["alt_value"].format(label=label, v=v)


def _alt_join(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)


def _alt_name(reg: Registry | None, indicator: str | None, fallback: str, lang: str) -> str:
    if reg is None or indicator is None:
        return fallback
    try:
        return str(reg.short_name(indicator, lang))
    except KeyError:
        return fallback


def target_chart_alt(d: TargetChartData, reg: Registry, lang: str = "vi") -> str:
    """The alt text of :func:`target_chart`: each earlier year's figures, the target year's, and the target."""
    L = _L(lang)
    if d.kind == "growth":
        fmt = lambda v: format_pct(v, lang, 2)  # noqa: E731
        what = L["growth_axis"]
    else:
        fmt = lambda v: _qty(v, d.unit, reg, lang)  # noqa: E731
        what = _unit_label(reg, d.unit, lang)
    parts = []
    for h in d.history:
        values = [L[key].format(v=fmt(v)) for key, v in (("alt_h1", h.h1), ("alt_fy", h.fy)) if v is not None]
        if values:
            parts.append(L["alt_group"].format(head=h.year, values=", ".join(values)))
    for p, v, _status in d.points:
        parts.append(_alt_value(L, period_label(p, lang), fmt(v)))
    if d.h1 is not None:
        key = "growth_h1_y" if d.kind == "growth" else f"h1_{d.h1_kind}"
        parts.append(_alt_value(L, L[key].format(y=d.year), fmt(d.h1)))
    if d.h2 is not None and d.h2_kind:
        parts.append(_alt_value(L, L[f"h2_{d.h2_kind}"].format(y=d.year), fmt(d.h2)))
    wording = reg.comparator_wording(d.target_id) if reg is not None else ""
    if d.kind == "level":
        shown = format_target(d.comparator, fmt(d.target), lang, wording)
        parts.append(L["level_target"].format(p=period_label(d.period, lang), v=shown))
    elif d.fy_target is not None:
        parts.append(L["fy_target"].format(y=d.year, v=fmt(d.fy_target)))
    else:
        shown = format_target(d.comparator, fmt(d.target), lang, wording)
        parts.append(L["level_target"].format(p=period_label(d.period, lang), v=shown))
    return L["alt_target"].format(name=_alt_name(reg, d.indicator, d.target_id, lang), what=what, parts=_alt_join(parts))


def fan_chart_alt(d: FanChartData, reg: Registry | None = None, lang: str = "vi") -> str:
    """The alt text of :func:`fan_chart`: the published history, the simulated bands and median, the target and
    the probability of meeting it."""
    L = _L(lang)
    growth = d.quantity.endswith("growth")
    if growth:
        fmt = lambda v: format_pct(v, lang, 2)  # noqa: E731
        what = L["fan_axis_growth"]
    else:
        fmt = (lambda v: _qty(v, d.unit, reg, lang)) if reg is not None else (lambda v: format_number(v, lang))  # noqa: E731
        unit = _unit_label(reg, d.unit, lang) if reg is not None else d.unit
        what = L["fan_axis_h2" if d.quantity.startswith("h2") else "fan_axis_fy"].format(unit=unit)
    parts = []
    if d.history:
        values = [_alt_value(L, yr, fmt(v)) + (" (COVID-19)" if covid else "") for yr, v, covid in d.history]
        parts.append(L["alt_group"].format(head=L["fan_history"], values=", ".join(values)))
    if d.start is not None:
        parts.append(_alt_value(L, L["fan_start"].format(y=d.year), fmt(d.start)))
    q = d.quantiles
    parts.append(L["alt_band"].format(band=L["fan_band_80"], lo=fmt(q[0.10]), hi=fmt(q[0.90])))
    parts.append(L["alt_band"].format(band=L["fan_band_50"], lo=fmt(q[0.25]), hi=fmt(q[0.75])))
    parts.append(L["fan_median"].format(y=d.year, v=fmt(q[0.5])))
    wording = reg.comparator_wording(d.target_id) if reg is not None else ""
    parts.append(L["fan_target"].format(v=format_target(d.comparator, fmt(d.target), lang, wording)))
    parts.append(L["fan_p"].format(p=format_pct(d.p_met * 100, lang, 0)))
    indicator = None
    if reg is not None and "target_id" in reg.targets and d.target_id in set(reg.targets["target_id"]):
        indicator = reg.targets.set_index("target_id").loc[d.target_id, "indicator"]
    return L["alt_fan"].format(name=_alt_name(reg, indicator, d.target_id, lang), what=what, parts=_alt_join(parts))


__all__ = ["FONT", "DPI", "COLORS", "STYLE", "series_break", "component_names", "apply_style", "save_png",
           "contributions_chart", "HistoryYear", "TargetChartData", "target_chart_data", "target_chart",
           "FanChartData", "fan_chart_data", "fan_chart", "scenario_contributions_chart", "ALT_ATTR", "alt_text",
           "target_chart_alt", "fan_chart_alt"]
