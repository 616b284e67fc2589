"""The briefing sections, registered by name: a function that returns the data a section shows, and the
template (``templates/sections/<name>.html.j2``) that renders it.

A new section is one module here with a ``data(briefing)`` function (returning a dict for the template,
or ``None`` when the section has nothing to show), one template, and one line in :data:`SECTIONS`.
The notebooks show a section with ``briefing.show("name")`` and can inspect its data first with
``briefing.data("name")``.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any, Callable, Mapping

import pandas as pd

from kg_metrics.report import templating
from kg_metrics.report.container import Section
from kg_metrics.report.sections import anomalies
from kg_metrics.report.sections import sources, summary, targets, tasks, title
from kg_metrics.report.sections import backtest, scenario
from kg_metrics.report.sections import contributions, grdp, probability
from kg_metrics.report.sections import findings

if TYPE_CHECKING:  # the facade passes itself in; only its type is needed here
    from kg_metrics.report.briefing import Briefing


class SectionData(dict):
    """A section's data, as :func:`section_data` returns it: a plain dict that, shown in a notebook, lays
    out its tables as DataFrames (lists of records, Series and DataFrames) and its other values as a list,
    so an economist can see what the section will say, change it, and render it with
    ``briefing.show(name, data)``."""

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables of this section: every list of records, Series or DataFrame, as a DataFrame."""
        out = {}
        for key, value in self.items():
            if isinstance(value, pd.DataFrame):
                out[key] = value
            elif isinstance(value, pd.Series):
                out[key] = value.to_frame()
            elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
                out[key] = pd.DataFrame(value)
        return out

    def _repr_html_(self) -> str:
        frames = self.frames()
        scalars = pd.Series({k: v for k, v in self.items() if k not in frames and isinstance(v, (str, int, float))},
                            dtype=object)
        parts = [f"<h4>{escape(k)}</h4>{f.to_html(max_rows=60)}" for k, f in frames.items()]
        if not scalars.empty:
            parts.insert(0, scalars.to_frame("value").to_html())
        return "".join(parts)


@dataclass(frozen=True)
class Spec:
    """A section: its data function and its template."""

    data: Callable[["Briefing"], Mapping[str, Any] | None]
    template: str


#: Every section, by name (in no particular order: the notebooks choose the order).
SECTIONS: dict[str, Spec] = {
    "anomalies": Spec(anomalies.data, "anomalies.html.j2"),
    "title": Spec(title.data, "title.html.j2"),
    "findings": Spec(findings.data, "findings.html.j2"),
    "scope": Spec(title.data, "scope.html.j2"),
    "summary": Spec(summary.data, "summary.html.j2"),
    "targets": Spec(targets.data, "targets.html.j2"),
    "tasks": Spec(tasks.data, "tasks.html.j2"),
    "sources": Spec(sources.data, "sources.html.j2"),
    "scenario": Spec(scenario.data, "scenario.html.j2"),
    "backtest": Spec(backtest.data, "backtest.html.j2"),
    "grdp": Spec(grdp.data, "grdp.html.j2"),
    "contributions": Spec(contributions.data, "contributions.html.j2"),
    "probability": Spec(probability.data, "probability.html.j2"),
}


def section_data(name: str, briefing: "Briefing") -> SectionData | None:
    """The data behind section ``name`` (what its template renders), or None when it shows nothing."""
    if name not in SECTIONS:
        raise KeyError(f"no section {name!r}; known: {', '.join(sorted(SECTIONS))}")
    data = SECTIONS[name].data(briefing)
    return None if data is None else SectionData(data)


def render(name: str, briefing: "Briefing", data: Mapping[str, Any] | None = None) -> Section:
    """Section ``name`` of ``briefing`` (from ``data`` if given, e.g. edited in a notebook), as a :class:`Section`."""
    data = section_data(name, briefing) if data is None else data
    if data is None:
        return Section()
    return templating.render(SECTIONS[name].template, briefing.lang, **data)
