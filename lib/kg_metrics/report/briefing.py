"""The briefing facade the notebooks call: load and assess once, then show registered sections.

The notebooks stay thin (Parameters → Load → Compute → Check → Present)::

    params = validate_parameters(sector, lang, data_dir, as_of, notebook="sector")
    briefing = Briefing.load(**params)      # registry, observations, assessment, anomaly checks
    briefing.check()                        # data sanity checks (notes shown under the title)
    summary = briefing.data("summary")      # what a section shows, to inspect (and change) in JupyterLab
    briefing.show("summary", summary)       # the section, rendered from that data

Each section is a function returning data plus a template (:mod:`kg_metrics.report.sections`); this class
holds what several sections share: the loaded and assessed data, the probabilities, the scenario's
outcome, figure numbers, and the small presentation helpers (quantities with units, observed values in
words, how a derived figure was computed). Every number goes through :mod:`kg_metrics.text.format`, every
text through :mod:`kg_metrics.text.catalog`; a missing figure is shown as missing, never as 0.

With a scenario (``Briefing.load(..., scenario="low")``) the briefing applies the scenario's H1
revisions and w₁ before the assessment (:mod:`kg_metrics.analysis.scenarios`).
"""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any, Hashable, Mapping

import pandas as pd

from kg_metrics.analysis.assessment import RESOLUTION_AS_OF, assess_targets, sector_contributions
from kg_metrics.analysis.backtest import rounding_half_width
from kg_metrics.analysis.checks import anomalies
from kg_metrics.analysis.probability import Probability, target_probabilities
from kg_metrics.analysis.scenarios import ScenarioOutcome, apply_scenario, scenario_outcome
from kg_metrics.data.observations import as_of_view, load_observations, lookup, observation_issues
from kg_metrics.data.params import validate_parameters
from kg_metrics.data.periods import period_label
from kg_metrics.data.registry import Registry, load_registry, load_yaml
from kg_metrics.data.scenario_files import Scenario, load_scenario
from kg_metrics.report import sections
from kg_metrics.report.container import Section, show
from kg_metrics.report.sections.common import qualifier_words
from kg_metrics.text.catalog import t as catalog_text
from kg_metrics.text.format import (format_number, format_pct, format_pp, format_quantity, format_rounded,
                                    value_or_none)


class Briefing:
    """A briefing's data and its sections, in one language, as of one date.

    ``notebook`` is ``'overview'`` (GRDP, contributions, every target, anomaly checks, and last the
    backtest against the 2024 outturn) or ``'sector'`` (one sector's targets, tasks and sources).
    """

    def __init__(self, reg: Registry, obs: pd.DataFrame, *, lang: str = "vi", as_of: str = RESOLUTION_AS_OF,
                 sector: str | None = None, notebook: str = "overview", scenario: Scenario | None = None):
        self.all_obs = obs  # every vintage, as loaded
        # What was known on the briefing's date: the latest vintage of each figure published by then.
        self.data_obs = as_of_view(obs, as_of)  # before a scenario's revisions
        self.scenario = scenario
        sectors = [sector] if notebook == "sector" and sector else None
        reg, obs = apply_scenario(reg, self.data_obs, scenario, sectors=sectors, as_of=as_of)
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
        self._figures: dict[Hashable, int] = {}
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

    def qty(self, value: float | None, unit: str, half_width: float | None = None) -> str:
        """A quantity in the indicator's unit; "—" when missing.

        ``half_width``: for a figure computed from published ones, how far their rounding can move it
        (:func:`kg_metrics.analysis.backtest.rounding_half_width`; a difference adds its inputs'): the figure is
        then shown at its inputs' precision, never finer (:func:`kg_metrics.text.format.round_to_inputs`).
        """
        if half_width is not None:
            return format_rounded(value_or_none(value), half_width, self.lang, self._unit_symbol(unit))
        return format_quantity(value_or_none(value), self._unit_symbol(unit), self.lang)

    def observed(self, row: pd.Series | dict | None, with_unit: bool = True) -> str:
        """An observation's value with its qualifier as words: 'trên 35.872 tỷ đồng', 'khoảng 5,472 …'."""
        if row is None:
            return self.L("missing")
        if row["status"] == "derived":  # computed, so approximate: '≈508.645', as the checks write it
            # shown at its inputs' precision: 6.672.384 − 1,2 triệu is '≈5,5 triệu', not '≈5,472384 triệu'
            half = rounding_half_width(self.obs, row, self.reg, self._derivations)
            shown = format_rounded(value_or_none(row["value"]), half, self.lang,
                                   self._unit_symbol(row["unit"]) if with_unit else None)
            return "≈" + shown
        words = qualifier_words(row["qualifier"] or "", self.lang)
        value = self.qty(row["value"], row["unit"]) if with_unit else format_number(row["value"], self.lang)
        return words + value

    def figure_number(self, key: Hashable) -> int:
        """The number of the figure ``key`` (e.g. ``("target", "rice_fy")``): the next one the first time
        a key is asked for, the same one after that, so inspecting a section again renumbers nothing."""
        return self._figures.setdefault(key, len(self._figures) + 1)

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
        lang = self.lang
        self.notes = [catalog_text(f"sector.note_{i['check']}", lang, name=self.reg.indicator_name(i["indicator"], lang),
                                   y=i["year"], h1=format_number(i["h1"], lang), fy=format_number(i["fy"], lang))
                      for i in observation_issues(self.obs)]
        missing_rows = set(self.reg.targets["target_id"]) - set(self.assessed["target_id"])
        if missing_rows:
            rows = self.reg.targets.set_index("target_id").loc[sorted(missing_rows)]
            names = [f"{self.reg.indicator_name(r['indicator'], lang)}, {period_label(r['period'], lang)}"
                     for _, r in rows.iterrows()]
            self.notes.append(catalog_text("sector.note_not_assessed", lang, targets="; ".join(names)))
        if self.notebook == "overview":
            contrib = sector_contributions(self.obs, self.year, as_of=self.as_of)
            g1 = lookup(self.obs, "grdp", f"H1-{self.year}", "growth_yoy_pct", as_of=self.as_of)
            total = contrib["contribution_pp"].sum(min_count=1)
            if g1 is not None and not math.isnan(total) and abs(total - g1["value"]) > 0.05:
                self.notes.append(catalog_text("sector.note_contrib_mismatch", self.lang,
                                               t=format_pp(total, self.lang), g=format_pct(g1["value"], self.lang)))
        self._checked = True

    # ------------------------------------------------------------------ probability
    @property
    def probabilities(self) -> dict[str, Probability]:
        """P(met) of every target, as of the briefing's date (:func:`kg_metrics.analysis.probability.target_probabilities`)."""
        if self._probabilities is None:
            probs = target_probabilities(self.reg, self.obs, as_of=self.as_of, h1_weights=self.h1_weights,
                                         target_ids=list(self._sector_targets()["target_id"]))
            self._probabilities = {p.target_id: p for p in probs}
        return self._probabilities

    # ------------------------------------------------------------------ scenario
    @property
    def outcome(self) -> ScenarioOutcome | None:
        """The scenario's outcome (None without a scenario)."""
        if self.scenario is None:
            return None
        if self._outcome is None:
            self._outcome = scenario_outcome(self.reg, self.data_obs, self.scenario, self.as_of)
        return self._outcome

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
