"""The interactive scenario explorer behind ``notebooks/explorer.ipynb`` (ipywidgets)."""
from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from kg_metrics.analysis.assessment import RESOLUTION_AS_OF
from kg_metrics.analysis.scenarios import ScenarioOutcome, scenario_outcome
from kg_metrics.data.observations import load_observations
from kg_metrics.data.params import validate_parameters
from kg_metrics.data.registry import Registry, load_registry
from kg_metrics.data.scenario_files import (EXPLORER_SOURCE, GROWTH_RANGE_PCT, H1_WEIGHT_RANGE, H1Revision,
                                            H1Weight, H2Growth, Scenario, _Sourced, baseline_scenario, load_scenario,
                                            save_scenario, scenario_indicators, scenarios_dir)
from kg_metrics.report import templating
from kg_metrics.report.container import Section, show
from kg_metrics.report.sections import scenario as scenario_section
from kg_metrics.text.catalog import catalog, t
from kg_metrics.text.format import format_number

#: The language of a scenario file's own ``justification``, as in the shipped files; the explorer also writes
#: ``justification_vi`` and ``justification_en``, which briefings show in their language.
FILE_LANG = "en"


# =========================================================================== explorer
#: Slider ranges of the explorer: (min, max, step).
SLIDER_RANGES = {"h1_weight": (0.30, 0.70, 0.0001), "grdp_h1_growth_pct": (0.0, 12.0, 0.01),
                 "sector": (-10.0, 25.0, 0.01), "indicator": (-40.0, 60.0, 0.05)}


class Explorer:
    """The interactive scenario explorer behind ``notebooks/explorer.ipynb``: one object, one update path.

    Controls (all in one namespace of values): ``h1_weight`` (w₁), ``grdp_h1_growth_pct`` (H1 GRDP growth,
    a revision when it differs from the data), one per GRDP component (``reg.grdp_components``: H2 growth, %) and
    one per indicator whose projection can be computed (``rice``, ``ipv``, ``tourists`` …, H2 growth, %).
    :meth:`update` recomputes the outcome (:func:`scenario_outcome`) and redraws the output area;
    :meth:`controls` builds the ipywidgets (moving a slider calls :meth:`update`); :meth:`save` writes
    the current settings as a scenario file that :func:`load_scenario` reads back to the same outcome.
    """

    def __init__(self, reg: Registry, obs: pd.DataFrame, scenario: Scenario | None = None, lang: str = "vi",
                 as_of: str = RESOLUTION_AS_OF):
        self.reg, self.obs, self.lang, self.as_of = reg, obs, lang, as_of
        self.start = scenario or baseline_scenario()
        self.data_outcome = scenario_outcome(reg, obs, baseline_scenario(), as_of)
        first = scenario_outcome(reg, obs, self.start, as_of)
        self.indicators = [i for i in scenario_indicators(reg)
                           if not first.targets[(first.targets["indicator"] == i)]["h2_base"].isna().all()]
        self.values: dict[str, float] = self._values_of(first)
        self.outcome = first
        self._widgets: dict[str, Any] = {}
        self._out = None
        self._status = None
        self._syncing = False

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

    def _values_of(self, oc: ScenarioOutcome) -> dict[str, float]:
        v: dict[str, float] = {"h1_weight": oc.h1_weight, "grdp_h1_growth_pct": oc.grdp_h1_growth_pct}
        for r in oc.components.to_dict("records"):
            v[r["component"]] = r["h2_growth_pct"]
        tg = oc.targets.drop_duplicates("indicator").set_index("indicator")
        for i in self.indicators:
            v[i] = float(tg.loc[i, "h2_growth_pct"])
        return {k: float(x) for k, x in v.items() if x is not None and not math.isnan(float(x))}

    def _data_value(self, key: str) -> float | None:
        return self._values_of(self.data_outcome).get(key)

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
        # indicators the explorer has no slider for keep the starting scenario's assumptions
        for k, a in start.indicators.items():
            if k not in self.indicators:
                kw["indicators"][k] = a
        return Scenario(**kw)

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
            self.values[k] = float(v)
        self.outcome = scenario_outcome(self.reg, self.obs, self.scenario(), self.as_of)
        self._sync_widgets()
        self._redraw()
        return self.outcome

    def set_values(self, text: str) -> ScenarioOutcome:
        """Apply control values given as a JSON object (``'{"tourists": 1.5}'``; '' changes nothing).

        With the controls built, the values are set on the sliders, whose observers call
        :meth:`update`, exactly as when a user moves them.
        """
        values = json.loads(text) if text and text.strip() else {}
        if not isinstance(values, dict):
            raise ValueError("set_values expects a JSON object of control values")
        if self._widgets and values:
            unknown = [k for k in values if k not in self.keys]
            if unknown:
                raise ValueError(f"unknown control(s) {', '.join(unknown)}; expected: {', '.join(self.keys)}")
            for k, v in values.items():
                self._widgets[k].value = float(v)
            return self.outcome
        return self.update(**values) if values else self.outcome

    def _range(self, key: str) -> tuple[float, float, float]:
        if key in ("h1_weight", "grdp_h1_growth_pct"):
            return SLIDER_RANGES[key]
        return SLIDER_RANGES["sector" if key in self.reg.grdp_components else "indicator"]

    # ------------------------------------------------------------------ saving
    def save(self, path_or_name: str | Path, overwrite: bool = False) -> Path:
        """Save the current settings as a scenario file and return its path.

        A bare name (``'mine'``) goes to ``<data_dir>/scenarios/mine.yml``, where the batch build finds
        it; an existing file is not replaced unless ``overwrite``.
        """
        s = str(path_or_name)
        path = Path(s) if ("/" in s or s.endswith(".yml")) else scenarios_dir(self.reg.data_dir) / f"{s}.yml"
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists; choose another name or pass overwrite=True")
        return save_scenario(self.scenario(path.stem), path, self.reg.catalog.decimal_convention)

    # ------------------------------------------------------------------ display
    def result(self) -> Section:
        """The current outcome as a :class:`~kg_metrics.report.container.Section` (displayable): the scenario
        section's outcome part (:func:`kg_metrics.report.sections.scenario.outcome`), under a heading."""
        data = scenario_section.outcome(self.outcome, self.reg, self.lang, live=True)
        return templating.render("scenario_outcome.html.j2", self.lang, **data)

    def show(self) -> None:
        """Display the current outcome (static output: HTML and a chart)."""
        show(self.result())

    def controls(self):
        """Build the ipywidgets (sliders, save box, live output area) and return the container."""
        import ipywidgets as W  # lazy: only a live kernel shows the widgets; nothing else needs ipywidgets

        L = catalog(self.lang).prefixed("explorer.")
        sliders = []
        for k in self.keys:
            lo, hi, step = self._range(k)
            val = self.values.get(k)
            label = L["control_" + k] if "control_" + k in L else self._name(k)
            if val is None:  # nothing published to start from: the slider waits at 0 (or its low end) until moved
                val, label = min(max(0.0, lo), hi), label + L["no_data"]
            decimals = 4 if k == "h1_weight" else 2
            w = W.FloatSlider(value=min(max(val, lo), hi), min=lo, max=hi, step=step, description=label,
                              readout_format=f".{decimals}f",
                              continuous_update=False, style={"description_width": "260px"},
                              layout=W.Layout(width="560px"))
            w.observe(lambda change, key=k: self._on_change(key, change), names="value")
            self._widgets[k] = w
            sliders.append(w)
        name = W.Text(value="explorer", description=L["save_name"])
        button = W.Button(description=L["save_button"], icon="save")
        self._status = W.HTML()
        button.on_click(lambda _b: self._on_save(name.value))
        self._widgets["_name"], self._widgets["_button"] = name, button
        self._out = W.Output()
        self._redraw()
        groups = [W.HTML(self._html("group", group="grdp")),
                  *[s for k, s in self._widgets.items() if k in ("h1_weight", "grdp_h1_growth_pct")],
                  W.HTML(self._html("group", group="sectors")),
                  *[self._widgets[k] for k in self.reg.grdp_components if k in self._widgets],
                  W.HTML(self._html("group", group="indicators")),
                  *[self._widgets[k] for k in self.indicators if k in self._widgets],
                  W.HBox([name, button]), self._status]
        return W.VBox([W.VBox(groups), self._out])  # the outcome below the controls: its tables need the width

    def _html(self, part: str, **data: Any) -> str:
        """A piece of the controls' HTML (``templates/sections/scenario_explorer_<part>.html.j2``)."""
        return templating.render(f"scenario_explorer_{part}.html.j2", self.lang, **data).text

    def _name(self, key: str) -> str:
        return str(self.reg.short_name(key, self.lang)) if key in self.reg.grdp_components else str(self.reg.indicator_name(key, self.lang))

    def _on_change(self, key: str, change: dict) -> None:
        if self._syncing:
            return
        step = self._range(key)[2]
        decimals = max(0, -Decimal(str(step)).as_tuple().exponent)
        self.update(**{key: round(float(change["new"]), decimals)})

    def _on_save(self, name: str) -> None:
        try:
            path = self.save(name.strip())
        except (ValueError, FileExistsError, OSError) as exc:
            self._status.value = self._html("saved", error=str(exc), path=None)
        else:
            self._status.value = self._html("saved", error=None, path=str(path))

    def _sync_widgets(self) -> None:
        if not self._widgets:
            return
        self._syncing = True
        try:
            for k, v in self.values.items():
                w = self._widgets.get(k)
                if w is not None and w.value != v:
                    w.value = v
        finally:
            self._syncing = False

    def _redraw(self) -> None:
        if self._out is None:
            return
        self._out.clear_output(wait=True)
        with self._out:
            show(self.result())
