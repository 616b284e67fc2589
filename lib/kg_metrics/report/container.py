"""The container of a briefing section: HTML blocks and figures, in order, displayable in a notebook."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from IPython.display import HTML, Markdown, display  # the notebooks' display machinery (IPython is a kernel dependency)


@dataclass
class Section:
    """A piece of a briefing: Markdown, HTML and figures, in order.

    Displaying a Section (``display(section)``) shows each block as its own output:
    Markdown, HTML, or a figure (PNG, via :func:`kg_metrics.report.charts.apply_style`, with the chart's alt
    text as the PNG's ``alt`` metadata).
    ``text`` is all its Markdown and HTML, for tests.
    """

    blocks: list[tuple[str, Any]] = field(default_factory=list)

    def md(self, text: str) -> "Section":
        self.blocks.append(("md", text))
        return self

    def html(self, text: str) -> "Section":
        self.blocks.append(("html", text))
        return self

    def fig(self, figure) -> "Section":
        self.blocks.append(("fig", figure))
        return self

    def extend(self, other: "Section") -> "Section":
        self.blocks.extend(other.blocks)
        return self

    @property
    def text(self) -> str:
        return "\n\n".join(c for k, c in self.blocks if k in ("md", "html"))

    @property
    def figures(self) -> list:
        return [c for k, c in self.blocks if k == "fig"]

    def __bool__(self) -> bool:
        return bool(self.blocks)

    def _ipython_display_(self) -> None:
        for kind, content in self.blocks:
            if kind == "md":
                display(Markdown(content))
            elif kind == "html":
                display(HTML(content))
            else:
                display(content, metadata=_alt_metadata(content))
                _close(content)


def _alt_metadata(fig) -> dict | None:
    """The figure's alt text (:func:`kg_metrics.report.charts.alt_text`) as the PNG's display metadata, which the
    briefing template writes into the ``<img>``'s ``alt``; None for a figure without one."""
    from kg_metrics.report.charts import alt_text  # lazy: matplotlib; only a section with a figure needs it

    alt = alt_text(fig)
    return {"image/png": {"alt": alt}} if alt else None


def _close(fig) -> None:
    """Release a displayed figure (figures are not pyplot-managed; close them if pyplot holds them)."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(fig)
    fig.clear()


def show(section: Section) -> None:
    """Display a section in the notebook."""
    display(section)
