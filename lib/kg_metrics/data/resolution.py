"""The resolution's text and its structure: Điều (article), khoản (clause), điểm (point), paragraphs."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg_metrics.text.format import NumberParseError, parse_number

_ARTICLE = re.compile(r"^Điều\s+(\d+)\.\s*(.*)$")
_CLAUSE = re.compile(r"^(\d+)\.\s+(.*)$")
_POINT = re.compile(r"^([a-zđ])\)\s+(.*)$")
_REF = re.compile(r"^Điều (\d+)(?:, khoản (\d+)(?:, điểm ([a-zđ]))?)?$")
# A number as Vietnamese documents write it: digits with '.' groups and an optional ',' decimal part.
NUMBER_TOKEN = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the resolution with the clause it belongs to."""

    article: int | None
    clause: int | None
    point: str | None
    number: int  # 1-based paragraph number within its point (or clause, or article)
    heading: bool  # the line that opens an article, clause or point
    text: str

    @property
    def ref(self) -> str:
        return clause_ref(self.article, self.clause, self.point)


def clause_ref(article: int | None, clause: int | None = None, point: str | None = None) -> str:
    """Citation in the Vietnamese legal form.

    Examples
    --------
    >>> clause_ref(1, 2, "a")
    'Điều 1, khoản 2, điểm a'
    >>> clause_ref(1, 1)
    'Điều 1, khoản 1'
    """
    if article is None:
        return "Phần mở đầu"
    parts = [f"Điều {article}"]
    if clause is not None:
        parts.append(f"khoản {clause}")
        if point is not None:
            parts.append(f"điểm {point}")
    return ", ".join(parts)


def parse_ref(ref: str) -> tuple[int, int | None, str | None]:
    """Inverse of :func:`clause_ref`; raises ValueError for a malformed citation."""
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(f"{ref!r} is not a citation like 'Điều 1, khoản 2, điểm a'")
    a, k, p = m.groups()
    return int(a), int(k) if k else None, p


@dataclass(frozen=True)
class Resolution:
    """A resolution's full text and its paragraphs."""

    path: Path
    text: str
    paragraphs: tuple[Paragraph, ...]

    def clause_text(self, ref: str) -> str:
        """All text under a citation (a whole article, clause or point).

        Raises KeyError if the resolution has no such clause.
        """
        article, clause, point = parse_ref(ref)
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
                seen.setdefault(clause_ref(p.article), None)
                if p.clause is not None:
                    seen.setdefault(clause_ref(p.article, p.clause), None)
                seen.setdefault(p.ref, None)
        return list(seen)


def parse_structure(text: str) -> tuple[Paragraph, ...]:
    """Split a resolution's text into paragraphs tagged with article, clause and point."""
    article = clause = None
    point = None
    counter = 0
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = False
        if m := _ARTICLE.match(line):
            article, clause, point, counter, heading = int(m.group(1)), None, None, 0, True
        elif article is not None and (m := _CLAUSE.match(line)):
            clause, point, counter, heading = int(m.group(1)), None, 0, True
        elif clause is not None and (m := _POINT.match(line)):
            point, counter, heading = m.group(1), 0, True
        counter += 1
        out.append(Paragraph(article, clause, point, counter, heading, line))
    return tuple(out)


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> Resolution:
    text = Path(path).read_text(encoding="utf-8")
    return Resolution(Path(path), text, parse_structure(text))


def load_resolution(path: Path | str) -> Resolution:
    """Load and parse a resolution text file (cached while the file is unchanged)."""
    p = Path(path)
    return _load(str(p.resolve()), p.stat().st_mtime_ns)


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
