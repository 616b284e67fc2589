"""The interactive scenario explorer behind ``notebooks/explorer.ipynb`` and ``kg-metrics explore`` (Voilà).

:class:`Explorer` is the model: the control values, the outcome they imply, reset, loading a scenario and saving
one. The widgets (sliders beside the live results) are in :mod:`kg_metrics.report.explorer_app`; they call this
model and redraw whenever it changes, so nothing on screen can show an outcome of earlier values.
"""
from __future__ import annotations

import base64
import html
import io
import json
import math
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from kg_metrics.analysis.assessment import RESOLUTION_AS_OF
from kg_metrics.analysis.scenarios import ScenarioOutcome, scenario_outcome
from kg_metrics.data.observations import load_observations
from kg_metrics.data.params import validate_parameters
from kg_metrics.data.registry import Registry, load_registry
from kg_metrics.data.scenario_files import (EXPLORER_SOURCE, GROWTH_RANGE_PCT, H1_WEIGHT_RANGE, H1Revision,
                                            H1Weight, H2Growth, Scenario, _Sourced, baseline_scenario, load_scenario,
                                            save_scenario, scenario_indicators, scenario_names, scenarios_dir)
from kg_metrics.report import templating
from kg_metrics.report.charts import alt_text, save_png
from kg_metrics.report.container import Section, show
from kg_metrics.report.sections import scenario as scenario_section
from kg_metrics.text.catalog import catalog, t
from kg_metrics.text.format import format_number, format_pct, parse_number

#: The language of a scenario file's own ``justification``, as in the shipped files; the explorer also writes
#: ``justification_vi`` and ``justification_en``, which briefings show in their language.
FILE_LANG = "en"

#: Where *Save as…* proposes to save: ``$KG_METRICS_SCENARIOS_DIR``, else this folder in the user's home — never
#: silently the project's ``data/`` (copy a file into ``<data_dir>/scenarios/`` to build it in batch).
DEFAULT_SAVE_DIR = "~/kg-metrics-scenarios"  # not prose: a folder name
SAVE_DIR_ENV = "KG_METRICS_SCENARIOS_DIR"

# =========================================================================== explorer
#: Slider ranges of the explorer: (min, max, step).
SLIDER_RANGES = {"h1_weight": (0.30, 0.70, 0.0001), "grdp_h1_growth_pct": (0.0, 12.0, 0.01),
                 "sector": (-10.0, 25.0, 0.01), "indicator": (-40.0, 60.0, 0.05)}


def default_save_dir() -> Path:
    """The folder *Save as…* proposes: ``$KG_METRICS_SCENARIOS_DIR`` or ``~/kg-metrics-scenarios``."""
    return Path(os.environ.get(SAVE_DIR_ENV) or DEFAULT_SAVE_DIR).expanduser()


class Explorer:
    """The scenario explorer's model: one namespace of control values, one update path.

    Controls: ``h1_weight`` (w₁), ``grdp_h1_growth_pct`` (H1 GRDP growth, a revision when it differs from the
    data), one per GRDP component (``reg.grdp_components``: H2 growth, %) and one per indicator with an H2
    growth path (every additive indicator with a level target: :func:`scenario_indicators`). :meth:`update`
    recomputes the outcome (:func:`scenario_outcome`) and tells every listener (:meth:`subscribe`: the widgets);
    :meth:`reset` goes back to the starting scenario, :meth:`load_scenario` starts from another one, and
    :meth:`save` writes the current settings as a scenario file that :func:`load_scenario` reads back to the
    same outcome. :meth:`controls` builds the widgets (:mod:`kg_metrics.report.explorer_app`).
    """

    def __init__(self, reg: Registry, obs: pd.DataFrame, scenario: Scenario | None = None, lang: str = "vi",
                 as_of: str = RESOLUTION_AS_OF, save_dir: str | Path | None = None):
        self.reg, self.obs, self.lang, self.as_of = reg, obs, lang, as_of
        self.save_dir = Path(save_dir).expanduser() if save_dir else default_save_dir()
        self.data_outcome = scenario_outcome(reg, obs, baseline_scenario(reg.data_dir), as_of)
        self._data_values = self._values_of(self.data_outcome)
        self.indicators = scenario_indicators(reg)
        self._listeners: list[Callable[["Explorer"], None]] = []
        self._app = None
        self._start(scenario or baseline_scenario(reg.data_dir))

    def _start(self, scenario: Scenario) -> None:
        self.start = scenario
        self.outcome = scenario_outcome(self.reg, self.obs, scenario, self.as_of)
        self.values: dict[str, float] = self._values_of(self.outcome)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, lang: str = "vi", data_dir: str = "", scenario: str = "baseline",
             as_of: str = RESOLUTION_AS_OF) -> "Explorer":
        """Validate the parameters, load the data and start from the scenario ``scenario`` ('' → baseline)."""
        p = validate_parameters(None, lang, data_dir, as_of, notebook="overview", scenario=scenario)
        reg = load_registry(p["data_dir"] or None)
        obs = load_observations(reg)
        sc = load_scenario(p["scenario"], reg.data_dir, reg) if p.get("scenario") else None
        return cls(reg, obs, sc, lang=p["lang"], as_of=p["as_of"])

    # ------------------------------------------------------------------ values
    @property
    def keys(self) -> list[str]:
        """The names :meth:`update` accepts."""
        return ["h1_weight", "grdp_h1_growth_pct", *self.reg.grdp_components, *self.indicators]

    def groups(self) -> list[tuple[str, list[str]]]:
        """The controls in sections: (heading, keys) — GRDP's first half, the GRDP components, then one per sector."""
        L = catalog(self.lang).prefixed("explorer.")
        out = [(L["group_grdp"], ["h1_weight", "grdp_h1_growth_pct"]),
               (L["group_sectors"], list(self.reg.grdp_components))]
        sector_of = self.reg.indicators.set_index("indicator")["sector"]
        for s in self.reg.sector_ids:
            keys = [i for i in self.indicators if sector_of.get(i) == s]
            if keys:
                out.append((t("explorer.group_sector", self.lang, sector=self.reg.sector_name(s, self.lang)), keys))
        return out

    def label(self, key: str) -> str:
        """The full label of a control (no truncation), with a note when no published figure gives it a value
        (then its slider waits at 0 until moved, or shows what the starting scenario assumes)."""
        L = catalog(self.lang).prefixed("explorer.")
        name = L["control_" + key] if "control_" + key in L else (
            str(self.reg.short_name(key, self.lang)) if key in self.reg.grdp_components
            else str(self.reg.indicator_name(key, self.lang)))
        return name if key in self._data_values else name + L["no_data"]

    def decimals(self, key: str) -> int:
        """Decimals shown (and kept) for a control: its slider step's."""
        return max(0, -Decimal(str(self.slider_range(key)[2])).as_tuple().exponent)

    def slider_range(self, key: str) -> tuple[float, float, float]:
        """(min, max, step) of a control's slider."""
        if key in ("h1_weight", "grdp_h1_growth_pct"):
            return SLIDER_RANGES[key]
        return SLIDER_RANGES["sector" if key in self.reg.grdp_components else "indicator"]

    def shown(self, key: str, value: float | None = None) -> str:
        """A control's value in the language's number format ('9,30' in Vietnamese, '9.30' in English)."""
        v = self.values.get(key) if value is None else value
        return format_number(v, self.lang, self.decimals(key)) if v is not None else "—"

    def parse(self, key: str, text: str) -> float:
        """A value typed for a control, in the language's number format; ValueError (a catalog text) if it is
        not a number or is outside the slider's range."""
        lo, hi, _ = self.slider_range(key)
        try:
            v = float(parse_number(text.strip().replace("−", "-"), self.lang))
        except ValueError:
            raise ValueError(t("explorer.bad_number", self.lang, text=text, example=self.shown(key, 9.3))) from None
        if not lo <= v <= hi:
            raise ValueError(t("explorer.out_of_range", self.lang, value=self.shown(key, v), lo=self.shown(key, lo),
                               hi=self.shown(key, hi)))
        return round(v, self.decimals(key))

    def _values_of(self, oc: ScenarioOutcome) -> dict[str, float]:
        v: dict[str, Any] = {"h1_weight": oc.h1_weight, "grdp_h1_growth_pct": oc.grdp_h1_growth_pct}
        for r in oc.components.to_dict("records"):
            v[r["component"]] = r["h2_growth_pct"]
        tg = oc.targets.drop_duplicates("indicator").set_index("indicator")
        for i in scenario_indicators(self.reg):
            if i in tg.index:
                v[i] = tg.loc[i, "h2_growth_pct"]
        return {k: float(x) for k, x in v.items() if x is not None and not math.isnan(float(x))}

    def _data_value(self, key: str) -> float | None:
        return self._data_values.get(key)

    def scenario(self, name: str = "explorer") -> Scenario:
        """The current settings as a :class:`Scenario`.

        A value equal to the data's is left out (the data stand); a value equal to the starting
        scenario's keeps that assumption's justification and source; any other is marked as set in
        the explorer.
        """
        start = self.start

        def sourced(key: str, value: float, old: _Sourced | None, old_value: float | None) -> dict:
            if old is not None and old_value is not None and math.isclose(value, old_value, abs_tol=1e-12):
                return old.model_dump(exclude_none=True, include={"justification", "justification_vi",
                                                                  "justification_en", "source"})
            data = self._data_value(key)  # formatted "—" when missing
            words = {lg: t("scenario.explorer_justification", lg,
                           data=format_number(data, lg, 4 if key == "h1_weight" else 2)) for lg in ("vi", "en")}
            return {"justification": words[FILE_LANG], "justification_vi": words["vi"], "justification_en": words["en"],
                    "source": f"{EXPLORER_SOURCE}, {date.today().isoformat()}"}

        def same_as_data(key: str, value: float) -> bool:
            data = self._data_value(key)
            return data is not None and math.isclose(value, data, abs_tol=1e-12)

        kw: dict[str, Any] = {"name": name, "h1_revisions": dict(start.h1_revisions), "sectors": {}, "indicators": {}}
        if name == start.name:
            kw["title_vi"], kw["title_en"] = start.title_vi, start.title_en
            kw["description_vi"], kw["description_en"] = start.description_vi, start.description_en
        else:  # a scenario file carries its title and description in both languages
            for lang in ("vi", "en"):
                kw[f"title_{lang}"] = t("scenario.explorer_title", lang, name=name, start=start.name)
                kw[f"description_{lang}"] = t("scenario.explorer_description", lang, start=start.name)
        w = self.values.get("h1_weight")
        if w is not None and not same_as_data("h1_weight", w):
            old = start.h1_weight
            kw["h1_weight"] = H1Weight(h1_weight=w, **sourced("h1_weight", w, old, old.h1_weight if old else None))
        g = self.values.get("grdp_h1_growth_pct")
        revs = {k: r for k, r in start.h1_revisions.items() if k != "grdp"}
        if g is not None and not same_as_data("grdp_h1_growth_pct", g):
            old = start.h1_revisions.get("grdp")
            old_g = old.growth_yoy_pct if old is not None else None
            revs["grdp"] = H1Revision(growth_yoy_pct=g, **sourced("grdp_h1_growth_pct", g, old, old_g))
        kw["h1_revisions"] = revs
        for group, keys in (("sectors", self.reg.grdp_components), ("indicators", self.indicators)):
            for k in keys:
                val = self.values.get(k)
                if val is None or same_as_data(k, val):
                    continue
                old = getattr(start, group).get(k)
                kw[group][k] = H2Growth(h2_growth_pct=val, **sourced(k, val, old, old.h2_growth_pct if old else None))
        # indicators the explorer has no control for keep the starting scenario's assumptions
        for k, a in start.indicators.items():
            if k not in self.indicators:
                kw["indicators"][k] = a
        return Scenario(**kw)

    # ------------------------------------------------------------------ changing
    def subscribe(self, listener: Callable[["Explorer"], None]) -> None:
        """Call ``listener(explorer)`` after every change of the values or of the starting scenario."""
        self._listeners.append(listener)

    def _changed(self) -> ScenarioOutcome:
        for listener in self._listeners:
            listener(self)
        return self.outcome

    def update(self, **values: float) -> ScenarioOutcome:
        """Set some control values (names: :attr:`keys`), recompute the outcome and redraw; returns it."""
        unknown = [k for k in values if k not in self.keys]
        if unknown:
            raise ValueError(f"unknown control(s) {', '.join(unknown)}; expected: {', '.join(self.keys)}")
        for k, v in values.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(float(v)):
                raise ValueError(f"{k} must be a number, not {v!r}")
            lo, hi = H1_WEIGHT_RANGE if k == "h1_weight" else GROWTH_RANGE_PCT
            if not lo <= float(v) <= hi:
                raise ValueError(f"{k} = {v} is outside [{lo:g}, {hi:g}]")
        for k, v in values.items():
            self.values[k] = float(v)
        self.outcome = scenario_outcome(self.reg, self.obs, self.scenario(), self.as_of)
        return self._changed()

    def reset(self) -> ScenarioOutcome:
        """Every control back to the starting scenario (the data where it sets nothing)."""
        self._start(self.start)
        return self._changed()

    def load_scenario(self, name_or_path: str | Path) -> ScenarioOutcome:
        """Start again from a scenario: a name in ``<data_dir>/scenarios`` or a ``.yml`` file (validated)."""
        self._start(load_scenario(name_or_path, self.reg.data_dir, self.reg))
        return self._changed()

    def scenario_choices(self) -> list[tuple[str, str]]:
        """What *Load* offers: (label, name or path) — the project's scenarios, then the ``.yml`` files of the save
        folder (:attr:`save_dir`), labelled with their folder."""
        out = [(n, n) for n in scenario_names(self.reg.data_dir)]
        d = self.save_dir
        if d.is_dir() and d.resolve() != scenarios_dir(self.reg.data_dir).resolve():
            out += [(f"{p.stem} ({d})", str(p)) for p in sorted(d.glob("*.yml"))]
        return out

    def set_values(self, text: str) -> ScenarioOutcome:
        """Apply control values given as a JSON object (``'{"tourists": 1.5}'``; '' changes nothing).

        With the controls built, the values are set on the sliders, whose observers call
        :meth:`update`, exactly as when a user moves them.
        """
        values = json.loads(text) if text and text.strip() else {}
        if not isinstance(values, dict):
            raise ValueError("set_values expects a JSON object of control values")
        if self._app is not None and values:
            unknown = [k for k in values if k not in self.keys]
            if unknown:
                raise ValueError(f"unknown control(s) {', '.join(unknown)}; expected: {', '.join(self.keys)}")
            for k, v in values.items():
                self._app.set_slider(k, float(v))
            return self.outcome
        return self.update(**values) if values else self.outcome

    # ------------------------------------------------------------------ saving
    def save_path(self, path_or_name: str | Path, folder: str | Path | None = None) -> Path:
        """Where :meth:`save` writes: a path (``…/mine.yml``) as given, a bare name into ``folder`` (default: the
        save folder, :attr:`save_dir`) as ``<name>.yml``."""
        s = str(path_or_name).strip()
        if isinstance(path_or_name, Path) or "/" in s or s.endswith(".yml"):
            return Path(s).expanduser()
        return (Path(folder).expanduser() if folder else self.save_dir) / f"{s}.yml"

    def save(self, path_or_name: str | Path, folder: str | Path | None = None, overwrite: bool = False) -> Path:
        """Save the current settings as a scenario file and return its path (:meth:`save_path`).

        An existing file is refused (FileExistsError); the interface then asks "Overwrite?" and calls this again
        with ``overwrite`` once the user confirms. ``kg-metrics build --scenario NAME`` builds the file once it is
        in ``<data_dir>/scenarios/``.
        """
        path = self.save_path(path_or_name, folder)
        if path.exists() and not overwrite:
            raise FileExistsError(path)
        return save_scenario(self.scenario(path.stem), path, self.reg.catalog.decimal_convention)

    # ------------------------------------------------------------------ display
    def result(self) -> Section:
        """The current outcome as a :class:`~kg_metrics.report.container.Section` (displayable): the scenario
        section's outcome part (:func:`kg_metrics.report.sections.scenario.outcome`), under a heading."""
        data = scenario_section.outcome(self.outcome, self.reg, self.lang, live=True)
        return templating.render("scenario_outcome.html.j2", self.lang, **data)

    def result_html(self) -> str:
        """:meth:`result` as one piece of HTML, charts inlined as PNG (what the live results panel shows)."""
        parts = []
        for kind, content in self.result().blocks:
            if kind == "fig":
                parts.append(_png_img(content))
            else:
                parts.append(str(templating.md(content)) if kind == "md" else content)
        return "\n".join(parts)

    def headline(self) -> dict[str, Any]:
        """The year's GRDP growth under the current values, as shown at the top of the results."""
        g = self.outcome.grdp_annual_growth_pct
        return {"year": self.outcome.year, "growth_pct": g, "shown": format_pct(g, self.lang) if g is not None else None}

    def headline_html(self) -> str:
        return templating.render("scenario_explorer_headline.html.j2", self.lang, **self.headline()).text

    def show(self) -> None:
        """Display the current outcome once (static output: HTML and a chart); the controls' panel is live."""
        show(self.result())

    def controls(self):
        """The explorer's widgets: sliders in sections on the left, the live results on the right
        (:class:`kg_metrics.report.explorer_app.ExplorerApp`)."""
        from kg_metrics.report.explorer_app import ExplorerApp  # lazy: ipywidgets; only a live kernel shows them

        if self._app is None:
            self._app = ExplorerApp(self)
        return self._app.widget


def _png_img(fig) -> str:
    """A figure as an inline ``<img>`` (PNG), with its alt text; the figure is released."""
    buf = io.BytesIO()
    save_png(fig, buf)
    alt = html.escape(alt_text(fig) or "", quote=True)
    fig.clear()
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{alt}" style="max-width:100%">'
