"""The explorer's widgets (ipywidgets): controls on the left, the live results on the right.

Used by :meth:`kg_metrics.report.explorer.Explorer.controls` in JupyterLab and by ``kg-metrics explore`` (Voilà).
Design, as users asked for it (issue 14):

- **Side by side, always live.** The results are widgets (a headline and an HTML panel) redrawn by a listener of
  the model on every change — a slider, a typed value, *Reset*, *Load* — so no cell can show an outcome of earlier
  values. The two panels wrap (flex ``row wrap``): on a narrow screen the results go below the controls.
- **Numbers in the reader's format.** A FloatSlider's readout is a d3 format, which always writes a decimal point;
  so each slider's readout is hidden and a Text box beside it shows the value as the language writes it ("9,30" in
  Vietnamese, "9.30" in English). The box is also an input: typing a value there (Enter) moves the slider; text
  that is not a number in that format, or out of range, is refused with a message and the box shows the value again.
- **Full labels.** Each control's name is an HTML line above its slider that wraps, with the name as tooltip too;
  nothing is cut with "…".
- **Sections**: GRDP's first half, the GRDP components, then one headed box per sector (every indicator with an H2
  growth path has a control).
- **Reset, Load, Save as….** *Reset* returns to the starting scenario; *Load* starts from a scenario of the project
  (or a file in the save folder); *Save as…* writes ``<folder>/<name>.yml`` into a folder the user sees and can
  change (default ``~/kg-metrics-scenarios``); an existing file is replaced only after a second click on
  "Overwrite?".
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from kg_metrics.data.scenario_files import scenarios_dir
from kg_metrics.report import templating
from kg_metrics.text.catalog import catalog, t

if TYPE_CHECKING:
    from kg_metrics.report.explorer import Explorer

#: CSS class of each control's box: ``kg-control-<key>`` (the browser tests find the controls by it).
CONTROL_CLASS = "kg-control-"
#: Prefix of the CSS classes of the other parts: ``kg-explorer-results``, ``kg-explorer-save`` …
CSS = "kg-explorer-"


class ExplorerApp:
    """The widgets of one :class:`~kg_metrics.report.explorer.Explorer`; ``widget`` is the whole app."""

    def __init__(self, explorer: "Explorer"):
        self.ex = explorer
        self.L = catalog(explorer.lang).prefixed("explorer.")
        self._syncing = False
        self.sliders: dict[str, W.FloatSlider] = {}
        self.texts: dict[str, W.Text] = {}
        self.labels: dict[str, W.HTML] = {}
        self._pending: Path | None = None  # a file that exists, waiting for "Overwrite?"

        sections = []
        for heading, keys in explorer.groups():
            rows = [self._control(k) for k in keys]
            box = W.VBox([W.HTML(f"<h4 style='margin:12px 0 4px'>{html.escape(heading)}</h4>"), *rows],
                         layout=W.Layout(border="1px solid #ddd", padding="4px 10px 8px", margin="0 0 8px"))
            box.add_class(CSS + "section")
            sections.append(box)

        # load / reset
        self.choice = W.Dropdown(options=explorer.scenario_choices(), description=self.L["load_label"],
                                 layout=W.Layout(width="auto", flex="1 1 200px", max_width="340px"))
        self._select_start()
        self.load_button = W.Button(description=self.L["load_button"], icon="folder-open")
        self.reset_button = W.Button(description=self.L["reset_button"], icon="undo")
        self.load_button.on_click(lambda _b: self._on_load())
        self.reset_button.on_click(lambda _b: self._on_reset())
        toolbar = W.HBox([self.choice, self.load_button, self.reset_button],
                         layout=W.Layout(flex_flow="row wrap", margin="0 0 8px"))

        # save as…
        self.name = W.Text(value="explorer", description=self.L["save_name"], layout=W.Layout(width="100%"),
                           style={"description_width": "initial"})
        self.folder = W.Text(value=str(explorer.save_dir), description=self.L["save_folder"],
                             layout=W.Layout(width="100%"), style={"description_width": "initial"})
        self.save_button = W.Button(description=self.L["save_button"], icon="save", button_style="primary")
        self.overwrite_button = W.Button(description=self.L["overwrite_button"], button_style="warning",
                                         layout=W.Layout(display="none"))
        self.save_button.on_click(lambda _b: self._on_save())
        self.overwrite_button.on_click(lambda _b: self._on_save(overwrite=True))
        for w in (self.name, self.folder):
            w.observe(lambda _c: self._cancel_overwrite(), names="value")
        self.status = W.HTML()
        for w, cls in ((self.status, "status"), (self.name, "save-name"), (self.folder, "save-folder"),
                       (self.save_button, "save"), (self.overwrite_button, "overwrite"), (self.choice, "choice"),
                       (self.load_button, "load"), (self.reset_button, "reset")):
            w.add_class(CSS + cls)
        save_box = W.VBox([W.HTML(f"<h4 style='margin:12px 0 4px'>{html.escape(self.L['save_heading'])}</h4>"),
                           self.name, self.folder, W.HBox([self.save_button, self.overwrite_button])],
                          layout=W.Layout(border="1px solid #ddd", padding="4px 10px 8px"))

        left = W.VBox([toolbar, *sections, save_box, self.status],
                      layout=W.Layout(flex="1 1 420px", min_width="300px", max_width="640px", margin="0 16px 0 0"))
        left.add_class(CSS + "controls")
        # the results: a headline and the outcome, redrawn on every change
        self.headline = W.HTML()
        self.headline.add_class(CSS + "headline")
        self.results = W.HTML()
        self.results.add_class(CSS + "results")
        right = W.VBox([self.headline, self.results], layout=W.Layout(flex="2 1 480px", min_width="300px"))
        right.add_class(CSS + "outcome")
        self.widget = W.Box([left, right], layout=W.Layout(display="flex", flex_flow="row wrap",
                                                            align_items="flex-start", width="100%"))
        self.widget.add_class("kg-explorer")
        explorer.subscribe(lambda _ex: self.refresh())
        self.refresh()

    # ------------------------------------------------------------------ one control
    def _control(self, key: str) -> W.VBox:
        lo, hi, step = self.ex.slider_range(key)
        label = W.HTML()
        slider = W.FloatSlider(min=lo, max=hi, step=step, readout=False, continuous_update=False,
                               layout=W.Layout(width="auto", flex="1 1 auto"))
        text = W.Text(continuous_update=False, layout=W.Layout(width="84px", flex="0 0 auto"))
        slider.observe(lambda c, k=key: self._on_slider(k, c["new"]), names="value")
        text.observe(lambda c, k=key: self._on_text(k, c["new"]), names="value")
        self.sliders[key], self.texts[key], self.labels[key] = slider, text, label
        box = W.VBox([label, W.HBox([slider, text], layout=W.Layout(width="100%", align_items="center"))],
                     layout=W.Layout(margin="2px 0 4px"))
        box.add_class(CONTROL_CLASS + key)
        return box

    def _on_slider(self, key: str, value: float) -> None:
        if self._syncing:
            return
        try:
            self.ex.update(**{key: round(float(value), self.ex.decimals(key))})
        except ValueError as exc:  # out of the file format's range: say so, show the value kept
            self._say(str(exc), error=True)
            self.refresh()

    def _on_text(self, key: str, text: str) -> None:
        if self._syncing:
            return
        try:
            value = self.ex.parse(key, text)
        except ValueError as exc:
            self._say(str(exc), error=True)
            self.refresh()
            return
        self.set_slider(key, value)
        self.refresh()  # the box shows the value as the language writes it, also when it did not change

    def set_slider(self, key: str, value: float) -> None:
        """Set a control's slider, as a user moving it would (its observer updates the model)."""
        lo, hi, _ = self.ex.slider_range(key)
        if not lo <= value <= hi:
            raise ValueError(f"{key} = {value} is outside the slider's range [{lo:g}, {hi:g}]")
        if key not in self.ex.values and self.sliders[key].value == value:  # no figure: the slider waits there
            self._on_slider(key, value)
        self.sliders[key].value = value

    # ------------------------------------------------------------------ redraw
    def refresh(self) -> None:
        """Every widget from the model: sliders, their values as text, labels, the results and the headline.

        Both outcomes are computed first and the headline is set last, so that a headline showing the new
        value means the results below it show it too (the frontend gets the updates in order)."""
        results, headline = self.ex.result_html(), self.ex.headline_html()
        self._syncing = True
        try:
            for k, slider in self.sliders.items():
                lo, hi, _ = self.ex.slider_range(k)
                v = self.ex.values.get(k)
                slider.value = min(max(v if v is not None else 0.0, lo), hi)  # no figure: it waits at 0
                self.texts[k].value = self.ex.shown(k)
                name = html.escape(self.ex.label(k))
                self.labels[k].value = (f"<div title=\"{name}\" style=\"white-space:normal;line-height:1.3;"  # not prose: CSS
                                        f"overflow-wrap:anywhere\">{name}</div>")
        finally:
            self._syncing = False
        self.results.value = results
        self.headline.value = headline

    def _say(self, text: str, error: bool = False) -> None:
        self.status.value = f"<span class=\"{'missing' if error else 'ok'}\">{html.escape(text)}</span>"

    def _select_start(self) -> None:
        values = [v for _, v in self.choice.options]
        start = self.ex.start
        path = str(start.path) if start.path is not None else None
        self.choice.value = (start.name if start.name in values else path if path in values
                             else (values[0] if values else None))

    # ------------------------------------------------------------------ buttons
    def _on_reset(self) -> None:
        self.ex.reset()
        self._say(t("explorer.reset_done", self.ex.lang, name=self.ex.start.name))

    def _on_load(self) -> None:
        if self.choice.value is None:
            return
        try:
            self.ex.load_scenario(self.choice.value)
        except Exception as exc:  # a bad file: its DataError names file, field and line
            self._say(str(exc), error=True)
            return
        self._say(t("explorer.loaded", self.ex.lang, name=self.ex.start.name))

    def _cancel_overwrite(self) -> None:
        self._pending = None
        self.overwrite_button.layout.display = "none"

    def _on_save(self, overwrite: bool = False) -> None:
        name, folder = self.name.value.strip(), self.folder.value.strip()
        try:
            path = self.ex.save_path(name, folder or None)
            if overwrite and path != self._pending:  # the confirmation was for another file
                overwrite = False
            saved = self.ex.save(path, overwrite=overwrite)
        except FileExistsError:
            self._pending = path
            self.overwrite_button.layout.display = None
            self._say(t("explorer.exists", self.ex.lang, path=str(path)), error=True)
            return
        except (ValueError, OSError) as exc:
            self._cancel_overwrite()
            self._say(str(exc), error=True)
            return
        self._cancel_overwrite()
        self.ex.save_dir = saved.parent
        self.choice.options = self.ex.scenario_choices()
        self._select_start()
        target = scenarios_dir(self.ex.reg.data_dir)
        self.status.value = templating.render(
            "scenario_explorer_saved.html.j2", self.ex.lang, path=str(saved), name=saved.stem,
            scenarios=None if saved.parent.resolve() == target.resolve() else str(target)).text
