"""Presentation helpers several sections share: citations, status and qualifier words, table cells.

A table cell in a section's data is plain data, rendered by the ``cell`` macro of
``templates/sections/target_cells.html.j2``:

- a ``str``: text as it is;
- ``None``: a missing figure ("chưa có số liệu" / "not available"), never 0;
- ``{"missing": text}``: a missing figure with its own words;
- ``{"status": code}``: a status badge (``status.<code>``);
- ``{"lines": [text, …]}``: one line each;
- ``{"source": {...}}``: an observation's status and source (see :func:`source`);
- ``{"sources": [{"period": label, ...}, …]}``: several, each after its period.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from kg_metrics.data.lexicon import parse_ref
from kg_metrics.text.catalog import catalog, t

if TYPE_CHECKING:  # the facade passes itself in; only its type is needed here
    from kg_metrics.report.briefing import Briefing


def text_or(key: str, lang: str, default: str) -> str:
    """The catalog text ``key``, or ``default`` when the catalog has none (a code without words)."""
    cat = catalog(lang)
    return cat[key] if key in cat else default


def status_word(status: str, lang: str) -> str:
    """A figure's status in words: 'ước tính' / 'estimate', 'tính suy ra' / 'derived' (the code if unknown)."""
    return text_or(f"briefing.status_{status}", lang, status)


def qualifier_words(qualifier: str | None, lang: str) -> str:
    """The words before a qualified figure: '>' → 'trên ' / 'over ' ('' without a qualifier)."""
    return text_or(f"briefing.q{qualifier}", lang, "") if qualifier else ""


def clause_label(ref: str, lang: str, paragraph: int | None = None) -> str:
    """A citation of the resolution in ``lang``, optionally with the paragraph.

    Examples
    --------
    >>> clause_label("Điều 1, khoản 2, điểm a", "en", 6)
    'Article 1, clause 2, point a, paragraph 6'
    >>> clause_label("Điều 1, khoản 1", "vi")
    'Điều 1, khoản 1'
    """
    a, k, p = parse_ref(ref)
    key = "sector.clause_a" if k is None else "sector.clause_ak" if p is None else "sector.clause_akp"
    text = t(key, lang, a=a, k=k, p=p)
    return t("briefing.paragraph", lang, clause=text, p=paragraph) if paragraph is not None else text


def source(b: "Briefing", row: pd.Series | dict | None) -> dict[str, Any] | str:
    """An observation's status and source as a cell: ``{"source": {status, word, how, urls}}``.

    ``how`` says how a derived figure was computed (None for a sourced one); "" without an observation.
    """
    if row is None:
        return ""
    derived = row["status"] == "derived"
    return {"source": {"status": row["status"], "word": status_word(row["status"], b.lang),
                       "how": b.describe_derivation(row) if derived else None, "urls": row["source_url"]}}


def lines(items: Iterable[str]) -> dict[str, list[str]]:
    """A cell of several lines."""
    return {"lines": list(items)}


def fact(label: str, value: Any, note: Any = "") -> dict[str, Any]:
    """One row of a facts table: what, the value (a cell), a note (a cell)."""
    return {"label": label, "value": value, "note": note}
