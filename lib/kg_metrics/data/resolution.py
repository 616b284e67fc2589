"""The resolution's text and its structure: articles, clauses, points and their paragraphs, and citations.

How the resolution's language opens an article ('Điều 1. …'), a clause ('1. …') and a point ('a) …'),
and how it cites them ('Điều 1, khoản 2, điểm a'), is data: ``data/lexicon.yml``'s ``structure``
(:mod:`kg_metrics.data.lexicon` reads it into a :class:`Structure`). This module applies it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from kg_metrics.text.format import NumberParseError, parse_number

# A number as Vietnamese documents write it: digits with '.' groups and an optional ',' decimal part.
NUMBER_TOKEN = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")


@dataclass(frozen=True)
class Structure:
    r"""How a resolution opens an article, a clause and a point, and how it cites them.

    The heading patterns match a whole line; their first group is the number (or the point's letter).
    A citation is ``article``, then ``clause`` and ``point`` when given, joined by ``separator``; each part is
    a template with one field (``{article}``, ``{clause}``, ``{point}``). ``point_letter`` is a regular
    expression for what may name a point; ``preamble`` cites the text before the first article.

    Examples
    --------
    >>> s = Structure(re.compile(r"^Article (\d+)\.\s*(.*)$"), re.compile(r"^(\d+)\.\s+(.*)$"),
    ...               re.compile(r"^\(([a-z])\)\s+(.*)$"), "[a-z]", "Article {article}", "clause {clause}",
    ...               "point {point}", ", ", "Preamble")
    >>> s.cite(1, 2, "a"), s.cite(1, None, "a"), s.cite(None)
    ('Article 1, clause 2, point a', 'Article 1', 'Preamble')
    >>> s.parse("Article 1, clause 2"), s.parse(s.cite(3, 1, "b"))
    ((1, 2, None), (3, 1, 'b'))
    """

    article_heading: re.Pattern
    clause_heading: re.Pattern
    point_heading: re.Pattern
    point_letter: str
    article: str
    clause: str
    point: str
    separator: str
    preamble: str

    def cite(self, article: int | None, clause: int | None = None, point: str | None = None) -> str:
        """The citation of an article, a clause of it or a point of that (a point without a clause is left out)."""
        if article is None:
            return self.preamble
        parts = [self.article.format(article=article)]
        if clause is not None:
            parts.append(self.clause.format(clause=clause))
            if point is not None:
                parts.append(self.point.format(point=point))
        return self.separator.join(parts)

    @cached_property
    def _citation(self) -> re.Pattern:
        def part(template: str, field: str, group: str) -> str:
            before, _, after = template.partition("{" + field + "}")
            return re.escape(before) + f"({group})" + re.escape(after)

        sep = re.escape(self.separator)
        return re.compile(part(self.article, "article", r"\d+") + "(?:" + sep + part(self.clause, "clause", r"\d+")
                          + "(?:" + sep + part(self.point, "point", self.point_letter) + ")?)?")

    def parse(self, ref: str) -> tuple[int, int | None, str | None]:
        """Inverse of :meth:`cite`: (article, clause or None, point or None); ValueError for a malformed citation."""
        m = self._citation.fullmatch(ref.strip())
        if not m:
            raise ValueError(f"{ref!r} is not a citation like {self.cite(1, 2, 'a')!r}")
        a, k, p = m.groups()
        return int(a), int(k) if k else None, p


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the resolution with the clause it belongs to."""

    article: int | None
    clause: int | None
    point: str | None
    number: int  # 1-based paragraph number within its point (or clause, or article)
    heading: bool  # the line that opens an article, clause or point
    text: str
    ref: str  # the citation of its point, clause or article (Structure.cite)


@dataclass(frozen=True)
class Resolution:
    """A resolution's full text, its paragraphs and the structure they were read with."""

    path: Path
    text: str
    paragraphs: tuple[Paragraph, ...]
    structure: Structure

    def clause_text(self, ref: str) -> str:
        """All text under a citation (a whole article, clause or point).

        Raises KeyError if the resolution has no such clause, ValueError for a malformed citation.
        """
        article, clause, point = self.structure.parse(ref)
        hits = [p.text for p in self.paragraphs
                if p.article == article
                and (clause is None or p.clause == clause)
                and (point is None or p.point == point)]
        if not hits:
            raise KeyError(f"the resolution has no {ref}")
        return "\n".join(hits)

    def refs(self) -> list[str]:
        """Every citation that exists, in document order."""
        seen: dict[str, None] = {}
        for p in self.paragraphs:
            if p.article is not None:
                seen.setdefault(self.structure.cite(p.article), None)
                if p.clause is not None:
                    seen.setdefault(self.structure.cite(p.article, p.clause), None)
                seen.setdefault(p.ref, None)
        return list(seen)


def parse_structure(text: str, structure: Structure) -> tuple[Paragraph, ...]:
    """Split a resolution's text into paragraphs tagged with article, clause and point.

    A clause opens only inside an article, a point only inside a clause.
    """
    article = clause = None
    point = None
    counter = 0
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = False
        if m := structure.article_heading.match(line):
            article, clause, point, counter, heading = int(m.group(1)), None, None, 0, True
        elif article is not None and (m := structure.clause_heading.match(line)):
            clause, point, counter, heading = int(m.group(1)), None, 0, True
        elif clause is not None and (m := structure.point_heading.match(line)):
            point, counter, heading = m.group(1), 0, True
        counter += 1
        out.append(Paragraph(article, clause, point, counter, heading, line, structure.cite(article, clause, point)))
    return tuple(out)


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, structure: Structure) -> Resolution:
    text = Path(path).read_text(encoding="utf-8")
    return Resolution(Path(path), text, parse_structure(text, structure), structure)


def load_resolution(path: Path | str, structure: Structure) -> Resolution:
    """Load and parse a resolution text file (cached while the file and the structure are unchanged)."""
    p = Path(path)
    return _load(str(p.resolve()), p.stat().st_mtime_ns, structure)


def numbers_in(text: str, convention: str = "vi") -> list[float]:
    """Every number written in ``text`` (per the convention), in order.

    Examples
    --------
    >>> numbers_in("đạt từ 29.947,93 tỷ đồng trở lên, để cả năm đạt 55.467,04")
    [29947.93, 55467.04]
    >>> numbers_in("Phấn đấu 06 tháng cuối năm công nhận thêm 03 xã")
    [6.0, 3.0]
    """
    out = []
    for m in NUMBER_TOKEN.finditer(text):
        try:
            out.append(float(parse_number(m.group(0), convention)))
        except NumberParseError:
            continue
    return out
