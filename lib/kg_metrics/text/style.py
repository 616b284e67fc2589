"""The style scanner: the forbidden forms of ``style.yml`` searched in what a reader of a briefing sees.

``style.yml`` (beside the catalogs) lists the style rules with their reasons, the tokens that belong to no
language (``neutral``: URLs, hashes, package versions), and per language the ``forbidden`` patterns (English
words or a decimal point in Vietnamese, 'H1', 'cần tăng -', ISO timestamps, …). :func:`scan` checks a text;
:func:`html_text` gives the visible text of a rendered page (image alt texts included, quotations in another
language left out as ``style.yml``'s ``quotations`` allow).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import yaml

STYLE_FILE = Path(__file__).resolve().parent / "style.yml"


@dataclass(frozen=True)
class Pattern:
    id: str
    regex: re.Pattern
    skip_lines: re.Pattern | None = None


@dataclass(frozen=True)
class Finding:
    """One forbidden form found: which rule, the matched text and the line it is on."""
    rule: str
    match: str
    line: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.match!r} in: {self.line[:160]}"


@lru_cache(maxsize=None)
def style() -> dict:
    """``style.yml`` as read (rules, neutral, forbidden, quotations)."""
    return yaml.safe_load(STYLE_FILE.read_text(encoding="utf-8"))


def _compile(entries: list[dict]) -> list[Pattern]:
    return [Pattern(e["id"], re.compile(e["pattern"]), re.compile(e["skip_lines"]) if e.get("skip_lines") else None)
            for e in entries or []]


@lru_cache(maxsize=None)
def patterns(lang: str) -> tuple[list[Pattern], list[Pattern]]:
    """(neutral patterns, forbidden patterns of ``lang`` and of every language)."""
    doc = style()
    forbidden = doc.get("forbidden", {})
    if lang not in forbidden:
        raise ValueError(f"{STYLE_FILE}: no forbidden forms for language {lang!r}")
    return _compile(doc.get("neutral")), _compile(forbidden.get("all")) + _compile(forbidden[lang])


def scan(text: str, lang: str) -> list[Finding]:
    """Every forbidden form of ``lang`` in ``text`` (searched line by line, neutral tokens blanked).

    Examples
    --------
    >>> [f.rule for f in scan("6 tháng cuối năm cần tăng -0,73% so với H1 2023", "vi")]
    ['half_abbreviation', 'negative_growth']
    >>> scan("Nguồn: https://baophapluat.vn/post480157.html, ngày 18 tháng 7 năm 2024", "vi")
    []
    """
    neutral, forbidden = patterns(lang)
    found = []
    for line in text.splitlines():
        clean = line
        for n in neutral:
            clean = n.regex.sub(" ", clean)
        for p in forbidden:
            if p.skip_lines is not None and p.skip_lines.search(clean):
                continue
            found += [Finding(p.id, m.group(0), line.strip()) for m in p.regex.finditer(clean)]
    return found


_BLOCK = {"p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "section", "td", "th", "figure",
          "ul", "ol", "dl", "dt", "dd", "caption", "header", "footer", "main", "figcaption", "title"}
_VOID = {"img", "br", "meta", "link", "input", "hr", "source", "wbr"}


class _Visible(HTMLParser):
    def __init__(self, skip_langs: set[str], only: str | None = None):
        super().__init__(convert_charrefs=True)
        self.skip_langs, self.parts, self.depth = skip_langs, [], 0  # depth inside a skipped element
        # only: keep just the text in this language; open: each open element's tag and language (its own
        # lang attribute, else its parent's)
        self.only, self.open = only, []

    def _lang(self) -> str:
        return self.open[-1][1] if self.open else ""

    def _shown(self, lang: str) -> bool:
        return not self.depth and (self.only is None or lang == self.only)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        own = (attrs.get("lang") or "").split("-")[0]
        if tag in _VOID:
            if tag == "img" and attrs.get("alt") and self._shown(own or self._lang()):
                self.parts.append("\n" + attrs["alt"] + "\n")
            if tag == "br":
                self.parts.append("\n")
            return
        self.open.append((tag, own or self._lang()))
        if self.depth or tag in ("style", "script") or own in self.skip_langs:
            self.depth += 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break
        if self.depth:
            self.depth -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._shown(self._lang()):
            self.parts.append(data)


def html_text(html: str, lang: str, strict: bool = False) -> str:
    """The visible text of a page in ``lang``: text and image alt texts, one block per line; styles, scripts
    and the quotations ``style.yml`` allows in that language (``lang`` attribute) left out.

    ``strict``: only the text whose language is ``lang`` (its element's ``lang`` attribute, else the nearest
    ancestor's): how a page written in every language, the index, is read one language at a time.

    Examples
    --------
    >>> page = '<html lang="vi"><p>Tình trạng<span lang="en">Status</span></p><p lang="en">All</p></html>'
    >>> html_text(page, "en", strict=True), html_text(page, "vi", strict=True)
    ('Status\\nAll', 'Tình trạng')
    """
    parser = _Visible(set() if strict else set(style().get("quotations", {}).get(lang) or []), lang if strict else None)
    parser.feed(html)
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
