"""The briefing sections, registered by name: a function that returns the data a section shows, and the
template (``templates/sections/<name>.html.j2``) that renders it.

A new section is one module here with a ``data(briefing)`` function (returning a dict for the template,
or ``None`` when the section has nothing to show), one template, and one line in :data:`SECTIONS`.
The notebooks show a section with ``briefing.show("name")`` and can inspect its data first with
``briefing.data("name")``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from kg_metrics.report import templating
from kg_metrics.report.container import Section
from kg_metrics.report.sections import anomalies

if TYPE_CHECKING:  # the facade passes itself in; only its type is needed here
    from kg_metrics.report.briefing import Briefing


@dataclass(frozen=True)
class Spec:
    """A section: its data function and its template."""

    data: Callable[["Briefing"], Mapping[str, Any] | None]
    template: str


#: Every section, by name (in no particular order: the notebooks choose the order).
SECTIONS: dict[str, Spec] = {
    "anomalies": Spec(anomalies.data, "anomalies.html.j2"),
}


def section_data(name: str, briefing: "Briefing") -> Mapping[str, Any] | None:
    """The data behind section ``name`` (what its template renders), or None when it shows nothing."""
    if name not in SECTIONS:
        raise KeyError(f"no section {name!r}; known: {', '.join(sorted(SECTIONS))}")
    return SECTIONS[name].data(briefing)


def render(name: str, briefing: "Briefing", data: Mapping[str, Any] | None = None) -> Section:
    """Section ``name`` of ``briefing`` (from ``data`` if given, e.g. edited in a notebook), as a :class:`Section`."""
    data = section_data(name, briefing) if data is None else data
    if data is None:
        return Section()
    return templating.render(SECTIONS[name].template, briefing.lang, **data)
