"""The Jinja2 environment of the briefing sections: autoescaped HTML, catalog texts and number formats.

Every section template (``templates/sections/<name>.html.j2``) is rendered with these names bound to
the briefing's language:

- ``t(key, **fields)``: a catalog text, plain (autoescaped where it is output);
- ``tm(key, **fields)``: a catalog text whose inline Markdown (``**bold**``, ``*italic*``, links) becomes
  HTML, as one paragraph; string fields are Markdown-escaped first, so data text never turns into markup
  (pass :class:`MdText` for a field that is Markdown on purpose, e.g. :func:`md_link`);
- ``tmi(key, **fields)``: the same, inline (no paragraph), for table cells and list items;
- ``figure(fig)``: places a matplotlib figure here (it is shown as its own output, a PNG);
- ``num``, ``pct``, ``pp``, ``date``: :mod:`kg_metrics.text.format` in the briefing's language;
- the macros of ``sections/_macros.html.j2`` (``table``, ``badge``, ``links`` …), imported by each
  template with ``{% import "_macros.html.j2" as m %}``.

Markdown is rendered by mistune, the library nbconvert itself uses for Markdown.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlparse

import mistune
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from kg_metrics import paths
from kg_metrics.report.container import Section
from kg_metrics.text.catalog import catalog
from kg_metrics.text.format import format_date, format_number, format_pct, format_pp

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
#: Where a figure goes in a rendered template; :func:`render` splits the HTML there.
_FIGURE = "<!--kg-figure-{}-->"
_FIGURE_RE = re.compile(r"<!--kg-figure-(\d+)-->")
_markdown = mistune.create_markdown(escape=False)  # fields are escaped before; catalog texts are ours


class MdText(str):
    """Text that is already Markdown (a link, an emphasis): not escaped again by ``tm``."""


def md_escape(text: Any) -> str:
    """Escape Markdown's special characters in data text (names, quotes, notes).

    Examples
    --------
    >>> md_escape("a*b_c")
    'a\\\\*b\\\\_c'
    """
    return text if isinstance(text, MdText) else _MD_SPECIAL.sub(r"\\\1", str(text))


def md_link(url: str) -> MdText:
    """A Markdown link labelled with the domain; characters that would end the link are encoded."""
    host = urlparse(url).netloc.removeprefix("www.") or url
    safe = quote(url, safe=":/?#@!$&'*+,;=%-._~").replace("(", "%28").replace(")", "%29")
    return MdText(f"[{md_escape(host)}]({safe})")


def md(text: str, inline: bool = False) -> Markup:
    """Markdown → HTML (one paragraph, or inline without the ``<p>``)."""
    html = _markdown(text).strip()
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(paths.TEMPLATES_DIR / "sections")), autoescape=True,
                      extensions=["jinja2.ext.do"], undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    env.filters["md"] = md
    env.filters["host"] = lambda url: urlparse(url).netloc.removeprefix("www.") or url
    return env


class _Figures:
    def __init__(self) -> None:
        self.figures: list[Any] = []

    def __call__(self, fig: Any) -> Markup:
        self.figures.append(fig)
        return Markup(_FIGURE.format(len(self.figures) - 1))


def helpers(lang: str) -> dict[str, Any]:
    """The names every section template sees, bound to ``lang``."""
    cat = catalog(lang)

    def fill(key: str, fields: dict[str, Any]) -> str:
        return cat.text(key, **{k: md_escape(v) if isinstance(v, str) and not isinstance(v, Markup) else v
                                for k, v in fields.items()})

    return {
        "lang": lang,
        "t": lambda key, **fields: cat.text(key, **fields),
        "tm": lambda key, **fields: md(fill(key, fields)),
        "tmi": lambda key, **fields: md(fill(key, fields), inline=True),
        "num": lambda v, decimals=None: format_number(v, lang, decimals),
        "pct": lambda v, decimals=2: format_pct(v, lang, decimals),
        "pp": lambda v, decimals=2: format_pp(v, lang, decimals),
        "date": lambda iso, style="short": format_date(iso, lang, style),
    }


def render(template: str, lang: str, **data: Any) -> Section:
    """Render ``sections/<template>`` with ``data``: a :class:`Section` of HTML blocks and figures, in order."""
    figures = _Figures()
    html = environment().get_template(template).render(**helpers(lang), figure=figures, **data)
    section = Section()
    pos = 0
    for match in _FIGURE_RE.finditer(html):
        if html[pos:match.start()].strip():
            section.html(html[pos:match.start()].strip())
        section.fig(figures.figures[int(match.group(1))])
        pos = match.end()
    if html[pos:].strip():
        section.html(html[pos:].strip())
    return section
