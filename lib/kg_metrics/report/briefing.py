"""Presentation helpers for the briefing notebooks: every section as Markdown, HTML and figures.

The notebooks stay thin (Parameters → Load → Compute → Check → Present)::

    params = validate_parameters(sector, lang, data_dir, as_of, notebook="sector")
    briefing = Briefing.load(**params)      # registry, observations, assessment, anomaly checks
    briefing.check()                        # data sanity checks (notes shown under the title)
    briefing.title()
    briefing.targets_section()
    ...

Each display method (``title()``, ``grdp_section()`` …) shows a :class:`Section` built by the
matching ``*_content()`` method, which tests call directly. Every number goes through
:mod:`kg_metrics.text.format`; every fixed text is in :data:`LABELS` in both languages; a
missing figure is shown as missing ("chưa có số liệu" / "not available"), never as 0.
Tables are plain semantic HTML (``<table class="kg">``, numeric cells ``class="num"``,
status badges ``<span class="status status-on_track">``): the renderer supplies the CSS.

With a scenario (``Briefing.load(..., scenario="low")``) the briefing applies the scenario's H1
revisions and w₁, shows a banner ("Kịch bản: low" / "Scenario: low") under the title and a
``scenario_section()`` with the assumptions (and their sources) and the outcomes
(:mod:`kg_metrics.analysis.scenarios`). ``probability_section()`` shows P(target met) for every target, or
why there is none, with fan charts (:mod:`kg_metrics.analysis.probability`); sector briefings also give it
per target in the facts table.
"""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from kg_metrics.report import charts
from kg_metrics.analysis.assessment import (RESOLUTION_AS_OF, assess_targets, executive_summary, grdp_requirement,
                         sector_contributions)
from kg_metrics.analysis.checks import anomalies
from kg_metrics.text.format import format_number, format_pct, format_pp, format_quantity, value_or_none
from kg_metrics.arithmetic.growth import required_h2_growth
from kg_metrics.data.observations import check_observations, load_observations, lookup
from kg_metrics.data.params import validate_parameters
from kg_metrics.data.periods import parse_period, period_label
from kg_metrics.analysis.probability import DEFAULT_DRAWS, DEFAULT_SEED, MIN_YEARS, Probability, target_probabilities
from kg_metrics.data.registry import Registry, load_registry, load_yaml, shown_path
from kg_metrics.analysis.scenarios import ScenarioOutcome, apply_scenario, scenario_outcome
from kg_metrics.data.scenario_files import Scenario, load_scenario
from kg_metrics.arithmetic.status import STATUSES, THRESHOLDS

from kg_metrics.report import sections
from kg_metrics.report.backtest import Backtest
from kg_metrics.report.container import Section, show
from kg_metrics.report.sections.common import qualifier_words, status_word
from kg_metrics.report.sections import sources as sources_section, tasks as tasks_section
from kg_metrics.text.catalog import t as catalog_text
from kg_metrics.report.markup import (LABELS, _GRDP_INPUTS, Html, as_written, badge, check_badge, clause_label, esc, format_date_lang, html_table, label, link, links, md_escape, md_link, missing)

# =========================================================================== scenarios
#: Texts of the explorer's controls.
EXPLORER_LABELS: dict[str, dict[str, str]] = {
    "vi": {"control_h1_weight": "Quyền số w₁ (6 tháng đầu năm 2023)",
           "control_grdp_h1_growth_pct": "Tăng GRDP 6 tháng đầu năm 2024 (%)",
           "group_grdp": "GRDP: 6 tháng đầu năm", "group_sectors": "Tăng 6 tháng cuối năm của các khu vực (%)",
           "group_indicators": "Tăng 6 tháng cuối năm của các chỉ tiêu (%)", "save_name": "Tên kịch bản",
           "save_button": "Lưu kịch bản", "saved": "Đã lưu: {path}"},
    "en": {"control_h1_weight": "Weight w₁ (H1 2023)", "control_grdp_h1_growth_pct": "GRDP growth H1 2024 (%)",
           "group_grdp": "GRDP: first half", "group_sectors": "H2 growth of the sectors (%)",
           "group_indicators": "H2 growth of the indicators (%)", "save_name": "Scenario name",
           "save_button": "Save scenario", "saved": "Saved: {path}"},
}


def explorer_labels(lang: str) -> dict[str, str]:
    """The explorer's control labels in ``lang``."""
    if lang not in EXPLORER_LABELS:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(EXPLORER_LABELS)}")
    return EXPLORER_LABELS[lang]


def scenario_banner(scenario: Scenario, lang: str) -> Html:
    """The banner that labels a scenario briefing: 'Kịch bản: low' / 'Scenario: low', its title and a warning."""
    return Html('<div class="scenario scenario-banner" role="note" style="border: 2px solid #8a4b00; '
                'background: #fff4e0; padding: 2mm 3mm; margin: 2mm 0 4mm;">'
                f'<p><strong>{esc(label("scenario_banner", lang, name=scenario.name))}</strong></p>'
                f'<p>{esc(label("scenario_banner_text", lang, title=scenario.title(lang)))}</p>'
                + (f"<p>{esc(scenario.description(lang))}</p>" if scenario.description(lang) else "")
                + "</div>")


def _note(text: str) -> Html:
    """Free text from a data or scenario file (written in English), marked as such."""
    return Html(f'<span class="data-note" lang="en">{esc(text)}</span>')


def _source_cell(source: str) -> Any:
    return links(source) if source.startswith("http") else source


def _component_name(c: str, lang: str) -> str:
    return charts.COMPONENT_LABELS.get(c, {}).get(lang, c)


def scenario_assumptions_rows(scenario: Scenario, reg: Registry, lang: str, year: int,
                              sector: str | None = None) -> list[list[Any]]:
    """One row per assumption of ``scenario``: what, value, justification, source (link when a URL).

    With ``sector``, only the assumptions about that sector's indicators (a sector briefing's).
    """
    rows: list[list[Any]] = []
    b = year - 1
    sector_of = reg.indicators.set_index("indicator")["sector"]

    def shown(k: str) -> bool:
        return sector is None or sector_of.get(k) == sector

    def name(k: str) -> str:
        return str(reg.short_name(k, lang)) if k in reg.grdp_components else str(reg.indicator_name(k, lang))

    if scenario.h1_weight is not None and sector is None:
        a = scenario.h1_weight
        rows.append([label("sa_h1_weight", lang, b=b), format_number(a.h1_weight, lang, 4), _note(a.justification),
                     _source_cell(a.source)])
    for k, r in scenario.h1_revisions.items():
        if not shown(k):
            continue
        unit = "%" if r.measure == "growth_yoy_pct" else reg.unit_symbol(
            reg.indicators.set_index("indicator").loc[k, "unit"], lang)
        value = (format_pct(r.value, lang) if r.measure == "growth_yoy_pct" else format_quantity(r.value, unit, lang))
        what = name(k) + (", " + label("m_growth_yoy_pct", lang) if r.measure == "growth_yoy_pct" else "")
        rows.append([label("sa_h1_revision", lang, name=what, y=year), value, _note(r.justification),
                     _source_cell(r.source)])
    for group in ("sectors", "indicators"):
        for k, a in getattr(scenario, group).items():
            if not shown(k):
                continue
            rows.append([label("sa_h2_growth", lang, name=name(k), y=year), format_pct(a.h2_growth_pct, lang),
                         _note(a.justification), _source_cell(a.source)])
    return rows


def scenario_section_content(outcome: ScenarioOutcome, reg: Registry, lang: str, sector: str | None = None,
                             next_figure=None) -> Section:
    """A scenario briefing's section: the assumptions (with sources), then the outcome.

    The overview (``sector=None``) shows GRDP and every target; a sector briefing its own targets.
    """
    sc = outcome.scenario
    y = outcome.year
    s = Section().md("## " + label("scenario_heading", lang, name=md_escape(sc.name)))
    rows = scenario_assumptions_rows(sc, reg, lang, y, sector=sector)
    shown = shown_path(sc.path, reg.data_dir) if sc.path is not None else f"{sc.name}.yml"
    if rows:
        s.md(label("scenario_assumptions", lang, file=md_escape(shown)))
        s.html(html_table(label("scenario_assumptions_header", lang).split("|"), rows, num=[1]))
    else:
        s.md(label("scenario_none" if sector is None or sc.is_empty else "scenario_none_sector", lang,
                   file=md_escape(shown)))
    s.md(label("scenario_defaults", lang, y=y))
    s.extend(scenario_outcome_section(outcome, reg, lang, sector=sector, next_figure=next_figure))
    return s


def _so_badge(met: Any, lang: str) -> Html:
    if met is None or (isinstance(met, float) and math.isnan(met)):
        return Html(f'<span class="status status-not_assessable">{esc(label("so_na", lang))}</span>')
    return Html(f'<span class="status status-{"met" if met else "off_track"}">'
                f'{esc(label("so_met" if met else "so_missed", lang))}</span>')


def scenario_outcome_section(outcome: ScenarioOutcome, reg: Registry, lang: str, sector: str | None = None,
                             live: bool = False, next_figure=None) -> Section:
    """The outcome of a scenario: GRDP growth and the sectors' contributions (overview), every target's projection.

    Shared by the scenario briefings and the explorer (``live=True``: a heading for the current values).
    """
    y, b = outcome.year, outcome.year - 1
    s = Section()
    if live:
        s.md("### " + label("so_heading_live", lang))
    if sector is None:
        s.extend(_grdp_outcome(outcome, reg, lang, next_figure))
    tg = outcome.targets if sector is None else outcome.targets[outcome.targets["sector"] == sector]
    if tg.empty:
        return s.md(label("so_none", lang))
    s.md(label("so_targets", lang, y=y, b=b))
    rows = []
    unprojected: dict[str, list[str]] = {}
    for r in tg.to_dict("records"):
        unit = r["unit"]
        sym = "%" if unit == "pct" else reg.unit_symbol(unit, lang)
        q = (lambda v: format_quantity(value_or_none(v), sym, lang))  # noqa: E731
        what = f"{reg.indicator_name(r['indicator'], lang)}, {period_label(r['period'], lang)}"
        proj = value_or_none(r["projected"])
        if proj is None:
            unprojected.setdefault(r["missing"], []).append(what)
            continue
        growth_target = r["measure"] == "growth_yoy_pct"
        shown = format_pct(proj, lang) if growth_target else q(proj)
        rows.append([what, f"{r['comparator']} {q(r['target'])}", Html(f'<span class="derived">≈{esc(shown)}</span>'),
                     _so_badge(bool(r["met"]), lang), _so_calc(r, lang, y)])
    if rows:
        s.html(html_table(label("so_targets_header", lang).split("|"), rows, num=[1, 2]))
    if unprojected:  # missing is shown as missing, with the reason, one line per reason
        items = "".join(f"<li>{_so_badge(None, lang)} {esc(label('so_missing_' + why, lang, y=y, b=b))}: "
                        f"{esc('; '.join(names))}</li>" for why, names in unprojected.items())
        s.html(f'<p>{esc(label("so_unprojected", lang))}</p><ul class="kg-unprojected">{items}</ul>')
    return s


def _so_calc(r: dict, lang: str, y: int) -> str:
    """How a projection was computed, with its numbers."""
    half = r["period"].split("-")[0]
    if r["measure"] == "growth_yoy_pct":
        return label("so_calc_grdp_fy" if half == "FY" else "so_calc_grdp_h2", lang)
    g = f"{format_pct(r['h2_growth_pct'], lang)}, {label('so_src_' + r['h2_growth_source'], lang)}"
    base = format_number(r["h2_base"], lang)
    if half == "H2":
        return label("so_calc_h2", lang, b=y - 1, base=base, g=g)
    prefix = "≈" if r["h1_status"] == "derived" else (LABELS[lang].get("q" + r["h1_qualifier"], "")
                                                      if r["h1_qualifier"] else "")
    return label("so_calc_fy", lang, y=y, b=y - 1, h1=prefix + format_number(r["h1"], lang), base=base, g=g)


def _grdp_outcome(oc: ScenarioOutcome, reg: Registry, lang: str, next_figure=None) -> Section:
    y, b = oc.year, oc.year - 1
    s = Section()
    if oc.grdp_annual_growth_pct is None:
        return s.md(label("so_grdp_missing", lang))
    tg = reg.targets[(reg.targets["indicator"] == "grdp") & (reg.targets["period"] == f"FY-{y}")]
    target = float(tg["value"].iloc[0]) if len(tg) else None
    comparator = tg["comparator"].iloc[0] if len(tg) else "≥"
    from kg_metrics.arithmetic.status import meets

    met = meets(oc.grdp_annual_growth_pct, comparator, target) if target is not None else None
    w = oc.h1_weight
    s.md(label("so_grdp", lang, y=y, g=format_pct(oc.grdp_annual_growth_pct, lang), w=format_number(w, lang, 4),
               g1=format_pct(oc.grdp_h1_growth_pct, lang), w2=format_number(1 - w, lang, 4),
               g2=format_pct(oc.grdp_h2_growth_pct, lang),
               t=f"{comparator} {as_written(target, lang)}" if target is not None else "—",
               verdict=label("so_met" if met else "so_missed", lang).lower() if met is not None else "—"))
    notes = []
    if oc.h1_weight_source == "scenario":
        notes.append(label("so_w1_scenario", lang, w=format_number(w, lang, 4),
                           w_data=format_number(oc.h1_weight_data, lang, 4)))
    if oc.grdp_h1_source == "scenario":
        notes.append(label("so_g1_scenario", lang, g1=format_pct(oc.grdp_h1_growth_pct, lang)))
    comp = oc.components
    basis = str(comp["h2_weight_basis"].iloc[0])
    why = label("so_weights_why", lang, b=b) if basis.startswith("H1-") else ""
    notes.append(label("so_weights", lang, basis=period_label(basis, lang), why=why))
    s.md(md_escape(" ".join(notes)))
    growth_rows, contrib_rows = [], []
    for r in comp.to_dict("records"):
        name = str(reg.short_name(r["component"], lang))
        g2 = value_or_none(r["h2_growth_pct"])
        g2_cell: Any = missing(lang) if g2 is None else Html(
            f"{esc(format_pct(g2, lang))}<br><span class=\"data-note\">{esc(label('so_src_' + r['h2_growth_source'], lang))}"
            "</span>")
        growth_rows.append([name, format_pct(value_or_none(r["h1_growth_pct"]), lang), g2_cell,
                            format_pct(None if value_or_none(r["h2_weight"]) is None else r["h2_weight"] * 100, lang, 1)])
        contrib_rows.append([name, format_pp(value_or_none(r["h1_contribution_pp"]), lang),
                             format_pp(value_or_none(r["h2_contribution_pp"]), lang), format_pp(value_or_none(r["year_contribution_pp"]), lang)])
    total = Html(f"<strong>{esc(label('contrib_total', lang))}</strong>")
    growth_rows.append([total, format_pct(oc.grdp_h1_growth_pct, lang), format_pct(oc.grdp_h2_growth_pct, lang),
                        format_pct(100.0, lang, 1)])
    if oc.h1_rounding_pp is not None:
        contrib_rows.append([label("so_rounding_row", lang), "", "", format_pp(oc.h1_rounding_pp, lang, 3)])
    contrib_rows.append([total, format_pp(comp["h1_contribution_pp"].sum(), lang), format_pp(oc.grdp_h2_growth_pct, lang),
                         format_pp(oc.grdp_annual_growth_pct, lang)])
    s.html(html_table(label("so_growth_header", lang, y=y).split("|"), growth_rows, num=[1, 2, 3]))
    s.html(html_table(label("so_comp_header", lang).split("|"), contrib_rows, num=[1, 2, 3]))
    if oc.h1_rounding_pp is not None:
        s.md(md_escape(label("so_rounding", lang, x=format_pp(oc.h1_rounding_pp, lang, 3))))
    s.fig(charts.scenario_contributions_chart(comp, y, lang))
    n = next_figure() if next_figure else 1
    s.html('<p class="caption">' + esc(label("so_chart_caption", lang, n=n, y=y, name=oc.scenario.name)) + "</p>")
    return s


# =========================================================================== the briefing
class Briefing:
    """A briefing's data and its sections, in one language, as of one date.

    ``notebook`` is ``'overview'`` (GRDP, contributions, every target, anomaly checks, and last the
    backtest against the 2024 outturn) or ``'sector'`` (one sector's targets, tasks and sources).
    """

    def __init__(self, reg: Registry, obs: pd.DataFrame, *, lang: str = "vi", as_of: str = RESOLUTION_AS_OF,
                 sector: str | None = None, notebook: str = "overview", scenario: Scenario | None = None):
        self.data_obs = obs  # the observations as loaded (before a scenario's revisions)
        self.scenario = scenario
        sectors = [sector] if notebook == "sector" and sector else None
        reg, obs = apply_scenario(reg, obs, scenario, sectors=sectors)
        self.reg, self.obs, self.lang, self.as_of = reg, obs, lang, as_of
        self.notebook = notebook
        self.sector = sector if notebook == "sector" else None
        self.year = date.fromisoformat(reg.catalog.resolution_date).year
        self.h1_weights = ({"grdp": scenario.h1_weight.h1_weight}
                           if scenario is not None and scenario.h1_weight is not None else {})
        self.assessed = assess_targets(reg, obs, as_of=as_of, lang=lang, h1_weights=self.h1_weights)
        self._probabilities: dict[str, Probability] | None = None
        self._outcome: ScenarioOutcome | None = None
        self.anomalies = anomalies(self.assessed, lang)
        self.notes: list[str] = []
        self._checked = False
        self._figure_no = 0
        self._derivations = self._load_derivations()

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, sector: str | None = None, lang: str = "vi", data_dir: str = "", as_of: str = RESOLUTION_AS_OF,
             *, notebook: str | None = None, scenario: str = "") -> "Briefing":
        """Validate the parameters, then load the registry and observations and assess every target.

        ``scenario``: a scenario name in ``<data_dir>/scenarios`` ('' for none); its H1 revisions and w₁ are
        applied before the assessment, and the briefing is labelled as a scenario briefing.
        """
        if notebook is None:
            notebook = "overview" if not sector else "sector"
        # Cheap checks first (no data read), then one registry load that the sector check reuses.
        cheap = validate_parameters(None, lang, data_dir, as_of, notebook="overview", scenario=scenario)
        reg = load_registry(cheap["data_dir"] or None)
        p = validate_parameters(sector, lang, data_dir, as_of, notebook=notebook, scenario=scenario, registry=reg)
        # A sector briefing reads only its own observations file, so that it depends on that file
        # alone (kg_metrics.build.keys builds its cache key from the same rule).
        obs = load_observations(reg, sectors=[p["sector"]] if notebook == "sector" else None)
        sc = load_scenario(p["scenario"], reg.data_dir, reg) if p.get("scenario") else None
        return cls(reg, obs, lang=p["lang"], as_of=p["as_of"], sector=p["sector"], notebook=notebook, scenario=sc)

    def _load_derivations(self) -> dict[str, dict]:
        path = self.reg.data_dir / self.reg.catalog.derivations
        raw = load_yaml(path, str(path)) or {}
        return {d["output"]: d for d in raw.get("derivations", []) if isinstance(d, dict) and "output" in d}

    # ------------------------------------------------------------------ helpers
    def L(self, key: str, **fields: Any) -> str:
        """The briefing text ``key`` (catalog ``briefing.<key>``) with ``fields`` filled in."""
        return catalog_text(f"briefing.{key}", self.lang, **fields)

    def _unit_symbol(self, unit: str) -> str:
        return "%" if unit == "pct" else self.reg.unit_symbol(unit, self.lang)

    def qty(self, value: float | None, unit: str) -> str:
        """A quantity in the indicator's unit; "—" when missing."""
        return format_quantity(value_or_none(value), self._unit_symbol(unit), self.lang)

    def observed(self, row: pd.Series | dict | None, with_unit: bool = True) -> str:
        """An observation's value with its qualifier as words: 'trên 35.872 tỷ đồng', 'khoảng 5,472 …'."""
        if row is None:
            return self.L("missing")
        if row["status"] == "derived":  # computed, so approximate: '≈508.645', as the checks write it
            return "≈" + (self.qty(row["value"], row["unit"]) if with_unit else format_number(row["value"], self.lang))
        words = qualifier_words(row["qualifier"] or "", self.lang)
        value = self.qty(row["value"], row["unit"]) if with_unit else format_number(row["value"], self.lang)
        return words + value

    def status_word(self, status: str) -> str:
        return status_word(status, self.lang)

    def _next_figure(self) -> int:
        self._figure_no += 1
        return self._figure_no

    def _row_by_key(self, key: str) -> pd.Series | None:
        ind, measure, period = key.split("/")
        hit = self.obs[(self.obs["indicator"] == ind) & (self.obs["measure"] == measure)
                       & (self.obs["period"] == period) & (self.obs["area"] == self.reg.province)]
        return None if hit.empty else hit.iloc[0]

    @staticmethod
    def _key(row: pd.Series) -> str:
        return f"{row['indicator']}/{row['measure']}/{row['period']}"

    def _input_desc(self, row: pd.Series) -> str:
        p = period_label(row["period"], self.lang)
        m = row["measure"]
        if m == "growth_yoy_pct":
            return self.L("d_growth", p=p)
        if m == "pct_of_prior_year":
            return self.L("d_ratio", p=p)
        if m == "share_of_plan_pct":
            return self.L("d_share", p=p)
        return f"{self.reg.indicator_name(row['indicator'], self.lang)}, {p}"

    def describe_derivation(self, row: pd.Series | dict) -> str:
        """How a derived figure was computed, with the numbers: '78.259,75 / 1,075 = 72.799,77 (…)'."""
        key = f"{row['indicator']}/{row['measure']}/{row['period']}"
        item = self._derivations.get(key)
        if item is None:
            return str(row.get("derivation", "") or "")
        inputs = [self._row_by_key(k) for k in item["inputs"]]
        if any(r is None for r in inputs):
            return str(row.get("derivation", "") or "")
        lang = self.lang
        n = [format_number(r["value"], lang) for r in inputs]

        def factor(pct: float, plus_one: bool) -> str:
            places = max(-Decimal(str(pct)).normalize().as_tuple().exponent, 0) + 2
            return format_number((1 + pct / 100) if plus_one else pct / 100, lang, places)

        method = item["method"]
        if method == "prior_level":
            formula = f"{n[0]} / {factor(inputs[1]['value'], True)}"
        elif method == "next_level":
            formula = f"{n[0]} × {factor(inputs[1]['value'], True)}"
        elif method == "prior_from_ratio":
            formula = f"{n[0]} / {factor(inputs[1]['value'], False)}"
        elif method == "difference":
            formula = f"{n[0]} − {n[1]}"
        else:
            formula = f"{n[0]} − ({' + '.join(n[1:])})"
        shown = [f"{format_number(r['value'], lang)}{'%' if r['unit'] == 'pct' else ''}: {self._input_desc(r)}"
                 for r in inputs]
        return f"{formula} = {format_number(row['value'], lang)} ({'; '.join(shown)})"

    def _derivation_inputs(self, row: pd.Series) -> list[pd.Series]:
        item = self._derivations.get(self._key(row))
        out = []
        for k in (item or {}).get("inputs", []):
            r = self._row_by_key(k)
            if r is not None:
                out.append(r)
                if r["status"] == "derived":
                    out.extend(self._derivation_inputs(r))
        return out

    def _sector_targets(self) -> pd.DataFrame:
        if self.notebook == "sector":
            return self.assessed[self.assessed["sector"] == self.sector]
        return self.assessed

    # ------------------------------------------------------------------ check
    def check(self) -> None:
        """Sanity checks on the loaded data; findings become notes under the title (nothing is shown here)."""
        self.notes = list(check_observations(self.obs))
        missing_rows = set(self.reg.targets["target_id"]) - set(self.assessed["target_id"])
        if missing_rows:
            self.notes.append(catalog_text("sector.note_not_assessed", self.lang, targets=", ".join(sorted(missing_rows))))
        if self.notebook == "overview":
            contrib = sector_contributions(self.obs, self.year, as_of=self.as_of)
            g1 = lookup(self.obs, "grdp", f"H1-{self.year}", "growth_yoy_pct", as_of=self.as_of)
            total = contrib["contribution_pp"].sum(min_count=1)
            if g1 is not None and not math.isnan(total) and abs(total - g1["value"]) > 0.05:
                self.notes.append(catalog_text("sector.note_contrib_mismatch", self.lang,
                                               t=format_pp(total, self.lang), g=format_pct(g1["value"], self.lang)))
        self._checked = True

    # ------------------------------------------------------------------ title
    def title_content(self) -> Section:
        if not self._checked:
            self.check()
        lang, cat = self.lang, self.reg.catalog
        s = Section()
        if self.notebook == "overview":
            s.md("# " + self.L("overview_title", y=self.year))
        else:
            s.md("# " + self.L("sector_title", sector=md_escape(self.reg.sector_name(self.sector, lang)), y=self.year))
        if self.scenario is not None:
            s.html(scenario_banner(self.scenario, lang))
        title = cat.resolution_title_vi if lang == "vi" else cat.resolution_title_en
        fields = dict(title=md_escape(title), title_vi=f"*{md_escape(cat.resolution_title_vi)}*",
                      issuer=self.L("issuer"), session=self.L("session"),
                      date=format_date_lang(cat.resolution_date, lang))
        lead = self.L("lead", **fields)
        n_derived = int((self.obs["status"] == "derived").sum())
        lead += " " + self.L("as_of_line", as_of=format_date_lang(self.as_of, lang),
                             vintage=format_date_lang(cat.vintage, lang), n_targets=len(self.reg.targets),
                             n_sourced=len(self.obs) - n_derived, n_derived=n_derived)
        if self.notebook == "sector":
            clause = self.reg.sectors.set_index("sector").loc[self.sector, "clause"]
            lead += " " + self.L("sector_clause", clause=clause_label(clause, lang))
        s.md(lead)
        if self.notes:
            s.md(f"**{self.L('data_notes')}:**\n\n" + "\n".join(f"- {md_escape(n)}" for n in self.notes))
        return s

    # ------------------------------------------------------------------ overview: GRDP
    def grdp_content(self) -> Section:
        lang, y = self.lang, self.year
        b = y - 1
        s = Section().md("## " + self.L("grdp_heading"))
        g1 = lookup(self.obs, "grdp", f"H1-{y}", "growth_yoy_pct", as_of=self.as_of)
        if g1 is None:
            s.md(self.L("grdp_h1_missing", y=y))
        else:
            s.md(self.L("grdp_h1", y=y, b=b, g1=format_pct(g1["value"], lang), status=self.status_word(g1["status"]),
                        src=md_link(g1["source_url"])))
        s.extend(self._contributions_table(g1))
        s.extend(self._required_growth())
        return s

    def _contributions_table(self, g1: pd.Series | None) -> Section:
        lang, y = self.lang, self.year
        b = y - 1
        s = Section()
        df = sector_contributions(self.obs, y, as_of=self.as_of)
        if df["contribution_pp"].isna().all():
            return s.md(self.L("contrib_missing"))
        s.md(self.L("contrib_intro", b=b))
        rows = []
        for r in df.to_dict("records"):
            w = value_or_none(r["weight"])
            rows.append([str(self.reg.short_name(r["component"], lang)),
                         format_pct(value_or_none(r["growth_pct"]), lang), format_pct(None if w is None else w * 100, lang, 1),
                         format_pp(value_or_none(r["contribution_pp"]), lang)])
        rows.append([Html(f"<strong>{esc(self.L('contrib_total'))}</strong>"),
                     format_pct(None if g1 is None else g1["value"], lang), format_pct(100.0, lang, 1),
                     format_pp(df["contribution_pp"].sum(), lang)])
        s.html(html_table(self.L("contrib_header", y=y, b=b).split("|"), rows, num=[1, 2, 3]))
        notes = []
        for c in df["component"]:
            base = lookup(self.obs, c, f"H1-{b}", as_of=self.as_of)
            if base is None:
                continue
            name = str(self.reg.short_name(c, lang))
            if base["status"] == "derived":
                notes.append(self.L("weight_derived", name=name, how=self.describe_derivation(base)))
            elif base["qualifier"] in (">", "<", "≈"):
                notes.append(self.L("weight_lower_bound", name=name, value=self.observed(base)))
        if notes:
            s.md(md_escape(self.L("contrib_notes", notes="; ".join(notes))))
        return s

    def _required_growth(self) -> Section:
        lang, y = self.lang, self.year
        b = y - 1
        s = Section().md("### " + self.L("required_heading", y=y))
        req = grdp_requirement(self.reg, self.obs, y, as_of=self.as_of, h1_weight=self.h1_weights.get("grdp"))
        tg = self.reg.targets[(self.reg.targets["indicator"] == "grdp") & (self.reg.targets["measure"] == "growth_yoy_pct")]
        fy_t = tg[tg["period"] == f"FY-{y}"]
        h2_t = tg[tg["period"] == f"H2-{y}"]
        clause = clause_label(h2_t["clause"].iloc[0] if len(h2_t) else fy_t["clause"].iloc[0], lang)
        g2_res = as_written(float(h2_t["value"].iloc[0]), lang) if len(h2_t) else label("missing", lang)
        s.md(self.L("required_intro", y=y, b=b, g=as_written(req["target_growth_pct"], lang), g2_res=g2_res,
                    clause=clause) + f"\n\n**{self.L('formula')}**")
        if req.get("required_h2_growth_pct") is None:
            what = []
            if lookup(self.obs, "grdp", f"H1-{y}", "growth_yoy_pct", as_of=self.as_of) is None:
                what.append("g1")
            if lookup(self.obs, "grdp", f"H1-{b}", as_of=self.as_of) is None:
                what.append("h1")
            if lookup(self.obs, "grdp", f"FY-{b}", as_of=self.as_of) is None:
                what.append("fy")
            names = ", ".join(_GRDP_INPUTS[lang][w].format(y=y, b=b) for w in what)
            return s.md(self.L("required_missing", y=y, what=names))
        w = req["h1_weight"]
        g1, h1, fy = req["h1_growth"], req["base_h1"], req["base_fy"]
        w_txt = format_number(w, lang, 4)

        def source(row: pd.Series) -> Html:
            if row["status"] == "derived":
                return Html(f'<span class="derived">{esc(self.status_word("derived"))}</span>: '
                            f"{esc(self.describe_derivation(row))}; {links(row['source_url'])}")
            return Html(f"{esc(self.status_word(row['status']))}: {links(row['source_url'])}")

        rows = [
            ["g", self.L("in_g", y=y), as_written(req["target_growth_pct"], lang),
             self.L("resolution_src", clause=clause_label(fy_t["clause"].iloc[0], lang))],
            ["g₁", self.L("in_g1", y=y), format_pct(g1["value"], lang), source(g1)],
            [f"H1 {b}", self.L("in_h1", b=b), self.observed(h1), source(h1)],
            [f"Y {b}", self.L("in_fy", b=b), ("≈" if fy["status"] == "derived" else "") + self.qty(fy["value"], fy["unit"]),
             source(fy)],
            ["w₁", self.L("in_w1", b=b),
             f"{format_number(h1['value'], lang)} / {format_number(fy['value'], lang)} = "
             f"{format_number(req['h1_weight_data'], lang, 4)}", ""],
        ]
        if req.get("h1_weight_overridden"):
            rows.append(["w₁", self.L("sa_h1_weight", b=b), w_txt, Html(f'<span class="scenario">'
                                                                        f'{esc(self.status_word("scenario"))}</span>')])
        s.html(html_table(self.L("inputs_header").split("|"), rows, num=[2]))
        g2 = req["required_h2_growth_pct"]
        res = req.get("resolution_h2_growth_pct")
        same = res is not None and format_pct(g2, lang) == format_pct(res, lang)
        s.md(self.L("result", g=format_number(req["target_growth_pct"], lang), w=w_txt,
                    g1=format_number(req["h1_growth_pct"], lang), g2=format_pct(g2, lang),
                    match=self.L("match" if same else "mismatch"), g2_res=g2_res))
        notes = []
        if fy["status"] == "derived":
            notes.append(self.L("fy_derived", b=b, how=self.describe_derivation(fy)))
            if any(parse_period(r["period"]).end.isoformat() > self.as_of for r in self._derivation_inputs(fy)):
                notes.append(self.L("later_inputs"))
        equal = required_h2_growth(req["target_growth_pct"], req["h1_growth_pct"], 0.5)
        notes.append(self.L("sensitivity", x=format_pct(equal, lang)))
        s.md(md_escape(" ".join(notes)))
        return s

    def contributions_content(self) -> Section:
        lang, y = self.lang, self.year
        df = sector_contributions(self.obs, y, as_of=self.as_of)
        s = Section().md("### " + self.L("contrib_chart_heading", y=y))
        if df["contribution_pp"].isna().all():
            return s.md(self.L("contrib_missing"))
        s.fig(charts.contributions_chart(df, lang))
        hatched = (df.get("base_status") == "derived").any()
        s.html('<p class="caption">' + esc(self.L("contrib_caption", n=self._next_figure(), y=y, b=y - 1,
                                                   total=format_pp(df["contribution_pp"].sum(), lang),
                                                   hatched=self.L("contrib_hatched") if hatched else "")) + "</p>")
        return s

    # ------------------------------------------------------------------ summary
    def summary_content(self) -> Section:
        lang = self.lang
        assessed = self._sector_targets()
        s = Section()
        if assessed.empty:
            return s
        s.md("## " + self.L("summary_heading"))
        s.md(self.L("summary_intro", n=len(assessed), as_of=format_date_lang(self.as_of, lang),
                    pp=format_number(THRESHOLDS.at_risk_margin_pp, lang)))
        counts = assessed["status"].value_counts()
        s.html('<p class="status-counts">' + " · ".join(
            f"{badge(st, lang)} {int(counts[st])}" for st in STATUSES if st in counts) + "</p>")
        table = executive_summary(assessed.reset_index(drop=True), self.reg, lang)
        header = list(table.columns)
        rows = []
        for values, status in zip(table.itertuples(index=False), assessed["status"]):
            v = list(values)
            v[4] = badge(status, lang)
            rows.append(v)
        if self.notebook == "sector":  # one sector: the sector column says nothing
            header, rows = header[1:], [r[1:] for r in rows]
            s.html(html_table(header, rows, num=[2]))
        else:
            s.html(html_table(header, rows, num=[3]))
        return s

    # ------------------------------------------------------------------ anomalies
    def anomalies_content(self) -> Section:
        lang = self.lang
        s = Section().md("## " + self.L("anomalies_heading"))
        s.md(self.L("anomalies_intro", tol=format_pct(THRESHOLDS.implied_h1_tolerance_pct, lang, 0),
                    covid=", ".join(map(str, THRESHOLDS.covid_years)),
                    pp=format_number(THRESHOLDS.h2_share_tolerance_pp, lang)))
        found = self.anomalies
        if found.empty:
            return s.md(self.L("anomalies_none"))
        s.md(self.L("anomalies_count", k=int(found["flagged"].sum()), n=len(found)))
        rows = [[a["name"], self.L("check_" + a["check"]), check_badge(bool(a["flagged"]), bool(a["assessable"]), lang),
                 a["message"]] for a in found.to_dict("records")]
        s.html(html_table(self.L("anomalies_header").split("|"), rows))
        return s

    # ------------------------------------------------------------------ sector: targets
    def targets_content(self) -> Section:
        s = Section().md("## " + self.L("targets_heading"))
        targets = self._sector_targets()
        if targets.empty:
            return s.md(self.L("qualitative_only"))
        for o in targets.to_dict("records"):
            s.extend(self.target_content(o))
        return s

    def target_content(self, o: dict | pd.Series) -> Section:
        """One target's subsection: the figures around it, its status, the checks and a chart."""
        o = dict(o)
        lang = self.lang
        s = Section()
        s.md(f"### {md_escape(o['name'])} — {period_label(o['period'], lang)}")
        s.html(f'<p class="quote">{esc(self.L("quote", clause=clause_label(o["clause"], lang)))} '
               f"<q lang=\"vi\">{esc(o['quote'])}</q></p>")
        if o["measure"] == "growth_yoy_pct":
            rows = self._growth_facts(o)
        elif self._additive(o["indicator"]):
            rows = self._additive_facts(o)
        else:
            rows = self._level_facts(o)
        rows.append([self.L("f_status"), badge(o["status"], lang), o["reason"]])
        prob = self.probabilities.get(o["target_id"])
        if prob is not None:
            rows.append([self.L("prob_row"), self.prob_value(prob), self.prob_basis(prob)])
        s.html(html_table(self.L("facts_header").split("|"), rows, num=[1], cls="kg kg-facts"))
        s.extend(self._findings(o["indicator"]))
        data = charts.target_chart_data(o, self.reg, self.obs)
        s.fig(charts.target_chart(o, self.reg, self.obs, lang, data=data))
        s.html('<p class="caption">' + esc(self.target_caption(o, data)) + "</p>")
        return s

    def _additive(self, indicator: str) -> bool:
        return bool(self.reg.indicators.set_index("indicator").loc[indicator, "additive"])

    def _target_value(self, value: float | None, comparator: str, unit: str) -> Any:
        return missing(self.lang) if value is None else f"{comparator} {self.qty(value, unit)}"

    def _comparator(self, indicator: str, period: str) -> str:
        t = self.reg.targets[(self.reg.targets["indicator"] == indicator) & (self.reg.targets["period"] == period)]
        return t["comparator"].iloc[0] if len(t) else ""

    def _obs_note(self, row: pd.Series | None) -> Any:
        if row is None:
            return ""
        if row["status"] == "derived":
            return Html(f'<span class="derived">{esc(self.status_word("derived"))}: '
                        f"{esc(self.describe_derivation(row))}</span>; {links(row['source_url'])}")
        return Html(f"{esc(self.status_word(row['status']))}, {links(row['source_url'])}")

    def _additive_facts(self, o: dict) -> list[list[Any]]:
        lang, unit = self.lang, o["unit"]
        y = parse_period(o["period"]).year
        b = y - 1
        fy_t, h2_t = value_or_none(o["fy_target"]), value_or_none(o["h2_target"])
        rows: list[list[Any]] = []
        if fy_t is not None:
            rows.append([self.L("f_fy_target", y=y), self._target_value(fy_t, self._comparator(o["indicator"], f"FY-{y}"),
                                                                         unit), ""])
        rows.append([self.L("f_h2_target", y=y),
                     self._target_value(h2_t, self._comparator(o["indicator"], f"H2-{y}"), unit),
                     "" if h2_t is not None else self.L("n_no_h2_target")])
        implied = value_or_none(o["implied_h1"])
        if implied is not None:
            rows.append([self.L("f_implied", y=y), self.qty(implied, unit),
                         f"{format_number(fy_t, lang)} − {format_number(h2_t, lang)}"])
        h1_row = lookup(self.obs, o["indicator"], f"H1-{y}", as_of=self.as_of)
        rows.append([self.L("f_reported", y=y), self.observed(h1_row) if h1_row is not None else missing(lang),
                     self._obs_note(h1_row)])
        gap = value_or_none(o["implied_h1_gap_pct"])
        if gap is not None:
            tol = format_pct(THRESHOLDS.implied_h1_tolerance_pct, lang, 0)
            beyond = abs(gap) > THRESHOLDS.implied_h1_tolerance_pct
            rows.append([self.L("f_gap", y=y), format_pct(gap, lang, 1), self.L("n_gap" if beyond else "n_gap_ok", tol=tol)])
        share = value_or_none(o["h2_share_target_pct"])
        if share is not None:
            rows.append([self.L("f_share", y=y), format_pct(share, lang, 1), ""])
            hist = o.get("h2_share_hist") or {}
            covid = self.L("n_covid", covid=", ".join(map(str, THRESHOLDS.covid_years)))
            rows.append([self.L("f_share_hist"),
                         Html("<br>".join(esc(f"{yr}: {format_pct(v, lang, 1)}") for yr, v in hist.items()))
                         if hist else missing(lang),
                         covid])
        # H2 of the base year and the growth H2 needs against it
        base_h1, base_fy, base_h2 = value_or_none(o["base_h1"]), value_or_none(o["base_fy"]), value_or_none(o["base_h2"])
        lacking = [w for w, v in ((f"H1-{b}", base_h1), (f"FY-{b}", base_fy)) if v is None]
        lack_txt = self.L("n_missing", what=", ".join(period_label(p, lang) for p in lacking)) if lacking else ""
        rows.append([self.L("f_base_h2", b=b), self.qty(base_h2, unit) if base_h2 is not None else missing(lang),
                     self.L("n_base_h2", b=b, calc=f"{format_number(base_fy, lang)} − {format_number(base_h1, lang)}")
                     if base_h2 is not None else lack_txt])
        req_level = value_or_none(o["required_h2_level"])
        if o["period"].startswith("H2-"):
            note = self.L("n_required_h2")
        elif req_level is not None:
            note = self.L("n_required_fy", calc=f"{format_number(fy_t, lang)} − {format_number(o['reported_h1'], lang)}")
        else:
            note = self.L("n_missing", what=self.L("f_reported", y=y).lower())
        rows.append([self.L("f_required_level", y=y),
                     self.qty(req_level, unit) if req_level is not None else missing(lang), note])
        req = value_or_none(o["required_h2_growth_pct"])
        rows.append([self.L("f_required_growth", b=b), format_pct(req, lang) if req is not None else missing(lang),
                     "" if req is not None else lack_txt])
        pace = value_or_none(o["h1_growth_pct"])
        pace_row = lookup(self.obs, o["indicator"], f"H1-{y}", "growth_yoy_pct", as_of=self.as_of)
        rows.append([self.L("f_h1_growth", y=y), format_pct(pace, lang) if pace is not None else missing(lang),
                     self._obs_note(pace_row) if pace_row is not None else
                     (self.L("n_growth_computed", y=y, b=b) if pace is not None else "")])
        rows.extend(self._outturn(o))
        return rows

    def _growth_facts(self, o: dict) -> list[list[Any]]:
        lang = self.lang
        y = parse_period(o["period"]).year
        b = y - 1
        rows: list[list[Any]] = []
        for p in (f"FY-{y}", f"H2-{y}"):
            t = self.reg.targets[(self.reg.targets["indicator"] == o["indicator"])
                                 & (self.reg.targets["measure"] == "growth_yoy_pct") & (self.reg.targets["period"] == p)]
            if len(t):
                rows.append([self.L("f_fy_target" if p.startswith("FY") else "f_h2_target", y=y),
                             f"{t['comparator'].iloc[0]} {format_pct(float(t['value'].iloc[0]), lang)}", ""])
        g1 = lookup(self.obs, o["indicator"], f"H1-{y}", "growth_yoy_pct", as_of=self.as_of)
        rows.append([self.L("f_h1_growth", y=y), format_pct(g1["value"], lang) if g1 is not None else missing(lang),
                     self._obs_note(g1)])
        w = value_or_none(o["h1_weight"])
        rows.append([self.L("f_w1", b=b), format_number(w, lang, 4) if w is not None else missing(lang),
                     f"{format_number(value_or_none(o['base_h1']), lang)} / {format_number(value_or_none(o['base_fy']), lang)}"
                     if w is not None else ""])
        req = value_or_none(o["required_h2_growth_pct"])
        rows.append([self.L("f_required_growth", b=b), format_pct(req, lang) if req is not None else missing(lang),
                     self.L("formula")])
        rows.extend(self._outturn(o))
        return rows

    def _level_facts(self, o: dict) -> list[list[Any]]:
        lang, unit = self.lang, o["unit"]
        rows: list[list[Any]] = [[self.L("f_fy_target" if o["period"].startswith("FY") else "f_h2_target",
                                         y=parse_period(o["period"]).year),
                                  self._target_value(float(o["target"]), o["comparator"], unit), ""]]
        data = charts.target_chart_data(o, self.reg, self.obs)
        if data.points:
            shown = Html("<br>".join(esc(f"{period_label(p, lang)}: {('≈' if st == 'derived' else '')}"
                                         f"{self.qty(v, unit)}") for p, v, st in data.points))
            notes = [Html(f"{esc(period_label(r['period'], lang))}: {self._obs_note(r)}") for r in data.used]
            rows.append([self.L("f_reported_any"), shown, Html("; ".join(notes))])
        else:
            rows.append([self.L("f_reported_any"), missing(lang), ""])
        rows.extend(self._outturn(o))
        return rows

    def _outturn(self, o: dict) -> list[list[Any]]:
        out = value_or_none(o["outturn"])
        if out is None:
            return []
        unit = "pct" if o["measure"] == "growth_yoy_pct" else o["unit"]
        return [[self.L("f_outturn", p=period_label(o["period"], self.lang)), self.qty(out, unit),
                 self.L("n_derived_outturn") if o.get("outturn_derived") else ""]]

    def _findings(self, indicator: str) -> Section:
        s = Section()
        found = self.anomalies[self.anomalies["indicator"] == indicator]
        if found.empty:
            return s
        items = []
        for a in found.to_dict("records"):
            cls = ' class="anomaly"' if a["flagged"] else ""
            items.append(f"<li{cls}>{check_badge(bool(a['flagged']), bool(a['assessable']), self.lang)} "
                         f"{esc(a['message'])}</li>")
        s.html(f'<div class="findings"><p><strong>{esc(self.L("findings"))}</strong></p><ul>{"".join(items)}</ul></div>')
        return s

    def target_caption(self, o: dict, data: charts.TargetChartData) -> Html:
        """The caption of a target's chart (HTML), written from what the chart drew."""
        lang = self.lang
        n = self._next_figure()
        name = o["name"]
        covid = self.L("cap_covid", covid=", ".join(map(str, data.covid_years))) if data.covid_years else ""
        body = esc(self._caption_body(o, data, n, name, covid))
        if data.notes:  # the data files' own caveats, in English as written there
            notes = "; ".join(f"{esc(period_label(p, lang))}: <span class=\"data-note\" lang=\"en\">{esc(note)}</span>"
                              for p, note in data.notes)
            body += esc(self.L("cap_notes", notes="\x00")).replace("\x00", notes)
        return Html(body)

    def _caption_body(self, o: dict, data: charts.TargetChartData, n: int, name: str, covid: str) -> str:
        lang = self.lang
        if data.kind == "additive":
            history = (self.L("cap_history", years=", ".join(map(str, data.history_years))) if data.history
                       else self.L("cap_no_history"))
            fy_only = [str(h.year) for h in data.history if h.h1 is None and h.fy is not None]
            history += (self.L("cap_fy_only", years=", ".join(fy_only)) if fy_only else "") + covid
            if data.h1 is None and data.h2 is None:
                year_part = self.L("cap_target_only")
            else:
                year_part = self.L("cap_stack", h1=self.L(f"cap_h1_{data.h1_kind or 'none'}"),
                                   h2=self.L(f"cap_h2_{data.h2_kind or 'none'}"))
            return self.L("target_caption_additive", n=n, name=name, unit=self._unit_symbol(data.unit), y=data.year,
                          year_part=year_part, history=history).strip()
        if data.kind == "growth":
            history = (self.L("cap_history_growth", years=", ".join(map(str, data.history_years))) if data.history
                       else self.L("cap_no_history")) + covid
            h1 = (f"{self.L('cap_h1_' + (data.h1_kind or 'none'))} {format_pct(data.h1, lang)}"
                  if data.h1 is not None else self.L("cap_h1_none"))
            h2 = (f"{self.L('cap_h2_' + (data.h2_kind or 'none'))} {format_pct(data.h2, lang)}"
                  if data.h2 is not None else self.L("cap_h2_none"))
            return self.L("target_caption_growth", n=n, name=name, y=data.year, h1=h1, h2=h2, history=history)
        points = (self.L("cap_points", periods=", ".join(period_label(p, lang) for p, _, _ in data.points))
                  if data.points else self.L("cap_no_points"))
        return self.L("target_caption_level", n=n, name=name, unit=self._unit_symbol(data.unit), points=points,
                      p=period_label(data.period, lang))

    # ------------------------------------------------------------------ sector: tasks
    def task_rows(self) -> pd.DataFrame:
        """The sector's tasks as (clause, paragraph, text) rows (:func:`kg_metrics.report.sections.tasks.task_rows`)."""
        return tasks_section.task_rows(self)

    def tasks_content(self) -> Section:
        lang = self.lang
        s = Section().md("## " + self.L("tasks_heading"))
        tasks = self.task_rows()
        if tasks.empty:
            return s.md(self.L("no_tasks"))
        s.md(self.L("tasks_intro"))
        parts = []
        for (clause, para), grp in tasks.groupby(["clause", "paragraph"], sort=False):
            items = "".join(f"<li>{esc(t)}</li>" for t in grp["text"])
            parts.append(f'<li><span class="clause">{esc(clause_label(clause, lang, int(para)))}</span>'
                         f'<ul lang="vi">{items}</ul></li>')
        s.html(f'<ol class="kg-tasks">{"".join(parts)}</ol>')
        return s

    # ------------------------------------------------------------------ sources
    def used_observations(self) -> pd.DataFrame:
        """Every observation the briefing uses (:func:`kg_metrics.report.sections.sources.used_observations`)."""
        return sources_section.used_observations(self)

    def sources_content(self) -> Section:
        lang = self.lang
        s = Section().md("## " + self.L("sources_heading"))
        used = self.used_observations()
        if used.empty:
            return s.md(self.L("sources_none"))
        s.md(self.L("sources_intro"))
        rows = []
        for r in used.to_dict("records"):
            name = self.reg.indicator_name(r["indicator"], lang)
            if r["measure"] != "level":
                name += ", " + self.L("m_" + r["measure"])
            value = self.observed(r)
            notes = []
            if r["status"] == "derived":
                notes.append(self.describe_derivation(r))
            if r["input_of"]:
                notes.append(self.L("input_of"))
            if parse_period(r["period"]).end.isoformat() > self.as_of:
                notes.append(self.L("after_as_of"))
            note = Html("; ".join(esc(n) for n in notes))
            if r["note"] and r["status"] != "derived":  # the data file's own note, written in English
                note = Html((note + "; " if notes else "") + f'<span class="data-note" lang="en">{esc(r["note"])}</span>')
            status = (Html(f'<span class="derived">{esc(self.status_word("derived"))}</span>')
                      if r["status"] == "derived" else self.status_word(r["status"]))
            rows.append([name, period_label(r["period"], lang), value, status, links(r["source_url"]), note])
        s.html(html_table(self.L("sources_header").split("|"), rows, num=[2]))
        if self.notebook == "overview":
            s.md(self.L("sources_more"))
        return s

    # ------------------------------------------------------------------ probability
    @property
    def probabilities(self) -> dict[str, Probability]:
        """P(met) of every target, as of the briefing's date (:func:`kg_metrics.analysis.probability.target_probabilities`)."""
        if self._probabilities is None:
            probs = target_probabilities(self.reg, self.obs, as_of=self.as_of, h1_weights=self.h1_weights,
                                         target_ids=list(self._sector_targets()["target_id"]))
            self._probabilities = {p.target_id: p for p in probs}
        return self._probabilities

    def prob_value(self, prob: Probability) -> Any:
        """'81%' (Vietnamese '81%'), or the missing marker."""
        if prob.available:
            return format_pct(prob.p_met * 100, self.lang, 0)
        return Html(f'<span class="missing">{esc(self.L("prob_missing"))}</span>')

    def prob_reason(self, prob: Probability) -> str:
        years = ", ".join(map(str, prob.years)) or "—"
        key = "prob_reason_history_none" if prob.reason == "history" and not prob.history else "prob_reason_" + prob.reason
        return self.L(key, y=self.year, k=len(prob.history), years=years, min=MIN_YEARS)

    def prob_basis(self, prob: Probability) -> str:
        """What a probability rests on (years and method, COVID years left out), or why there is none."""
        if not prob.available:
            return self.L("prob_none", reason=self.prob_reason(prob))
        key = "prob_basis_ratio" if prob.method == "h2_h1_ratio" else "prob_basis_gap"
        basis = self.L(key, years=", ".join(map(str, prob.years)))
        return f"{basis}; {self.L('prob_covid', covid=', '.join(map(str, THRESHOLDS.covid_years)))}"

    def probability_content(self) -> Section:
        """P(met) of every target of the briefing (or why there is none), then a fan chart per target with one."""
        lang = self.lang
        assessed = self._sector_targets()
        s = Section()
        if assessed.empty:
            return s
        s.md("## " + self.L("prob_heading"))
        s.md(self.L("prob_intro", as_of=format_date_lang(self.as_of, lang), n=format_number(DEFAULT_DRAWS, lang),
                    seed=DEFAULT_SEED, covid=", ".join(map(str, THRESHOLDS.covid_years)), y=self.year, min=MIN_YEARS))
        probs = self.probabilities
        k = sum(1 for p in probs.values() if p.available)
        s.md(self.L("prob_count", k=k, n=len(probs)))
        rows = []
        unavailable: dict[str, list[str]] = {}  # reason → targets: missing is shown as missing, with why
        for o in assessed.to_dict("records"):
            p = probs[o["target_id"]]
            if not p.available:
                unavailable.setdefault(self.prob_reason(p), []).append(f"{o['name']}, {period_label(o['period'], lang)}")
                continue
            unit = "pct" if o["measure"] == "growth_yoy_pct" else o["unit"]
            rows.append([self.reg.sector_name(o["sector"], lang), o["name"], period_label(o["period"], lang),
                         f"{o['comparator']} {self.qty(o['target'], unit)}", self.prob_value(p), self.prob_basis(p)])
        if rows and self.notebook == "sector":
            s.html(html_table(self.L("prob_header").split("|")[1:], [r[1:] for r in rows], num=[2, 3]))
        elif rows:
            s.html(html_table(self.L("prob_header").split("|"), rows, num=[3, 4]))
        if unavailable:
            items = "".join(f'<li><span class="missing">{esc(self.L("prob_missing"))}</span>: {esc(why)} — '
                            f"{esc('; '.join(names))}</li>" for why, names in unavailable.items())
            s.html(f"<p>{esc(self.L('prob_unavailable'))}</p><ul>{items}</ul>")
        # the overview draws the fan charts of its own (GRDP) targets; each sector briefing draws its own
        fans = [o for o in assessed.to_dict("records") if probs[o["target_id"]].available
                and (self.notebook == "sector" or o["sector"] == self.reg.overview_sector)]
        for o in fans:
            s.extend(self.fan_content(o, probs[o["target_id"]]))
        if self.notebook == "overview" and k > len(fans):
            s.md(self.L("prob_fans_more"))
        return s

    def fan_content(self, o: dict, prob: Probability) -> Section:
        """A target's fan chart and its caption."""
        lang = self.lang
        s = Section()
        data = charts.fan_chart_data(prob, self.obs, self.as_of)
        s.fig(charts.fan_chart(data, self.reg, lang))
        basis = self.L("prob_basis_ratio" if prob.method == "h2_h1_ratio" else "prob_basis_gap",
                       years=", ".join(map(str, prob.years)))
        s.html('<p class="caption">' + esc(self.L(
            "prob_caption", n=self._next_figure(), name=o["name"], p=period_label(o["period"], lang), y=self.year,
            prob=format_pct(prob.p_met * 100, lang, 0), basis=basis,
            covid=self.L("prob_covid", covid=", ".join(map(str, THRESHOLDS.covid_years))),
            draws=format_number(prob.n_draws, lang))) + "</p>")
        return s

    # ------------------------------------------------------------------ scenario
    @property
    def outcome(self) -> ScenarioOutcome | None:
        """The scenario's outcome (None without a scenario)."""
        if self.scenario is None:
            return None
        if self._outcome is None:
            self._outcome = scenario_outcome(self.reg, self.data_obs, self.scenario, self.as_of)
        return self._outcome

    def scenario_content(self) -> Section:
        """The scenario's assumptions and what they imply (empty without a scenario)."""
        if self.scenario is None:
            return Section()
        return scenario_section_content(self.outcome, self.reg, self.lang, sector=self.sector,
                                        next_figure=self._next_figure)

    def backtest_content(self) -> Section:
        """The overview's last part: every target against the 2024 outturn, and the July assessment
        (as of the resolution) against what happened (:class:`kg_metrics.report.backtest.Backtest`).

        Empty for a sector briefing, and for a scenario briefing: the backtest compares the published
        data with what happened, so a scenario's assumptions do not enter it; the plain overview has it.
        """
        if self.notebook != "overview" or self.scenario is not None:
            return Section()
        return Backtest(self.reg, self.data_obs, lang=self.lang).content()

    # ------------------------------------------------------------------ sections (registered in kg_metrics.report.sections)
    def data(self, name: str) -> Mapping[str, Any] | None:
        """The data section ``name`` shows (a dict of DataFrames, records and numbers), to inspect or change."""
        return sections.section_data(name, self)

    def section(self, name: str, data: Mapping[str, Any] | None = None) -> Section:
        """Section ``name`` rendered from its data (or from ``data``, e.g. an edited copy of :meth:`data`)."""
        return sections.render(name, self, data)

    def show(self, name: str, data: Mapping[str, Any] | None = None) -> None:
        """Display section ``name`` in the notebook."""
        show(self.section(name, data))

    # ------------------------------------------------------------------ display methods (the notebooks call these)
    def title(self) -> None:
        show(self.title_content())

    def grdp_section(self) -> None:
        show(self.grdp_content())

    def contributions_chart(self) -> None:
        show(self.contributions_content())

    def summary_table(self) -> None:
        show(self.summary_content())

    def anomalies_section(self) -> None:
        show(self.anomalies_content())

    def targets_section(self) -> None:
        show(self.targets_content())

    def tasks_section(self) -> None:
        show(self.tasks_content())

    def sources_section(self) -> None:
        show(self.sources_content())

    def probability_section(self) -> None:
        show(self.probability_content())

    def scenario_section(self) -> None:
        show(self.scenario_content())

    def backtest_section(self) -> None:
        show(self.backtest_content())


__all__ = ["LABELS", "label", "Html", "esc", "md_escape", "html_table", "badge", "check_badge", "missing",
           "format_date_lang", "clause_label", "link", "links", "md_link", "Section", "show", "Briefing",
           "EXPLORER_LABELS", "explorer_labels", "scenario_banner", "scenario_assumptions_rows",
           "scenario_section_content", "scenario_outcome_section"]

