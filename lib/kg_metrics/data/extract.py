"""Extraction: from a resolution's text to a draft target registry, with every number accounted for.

The pipeline, one step per section below:

1. **Structure** — :func:`kg_metrics.data.resolution.parse_structure` gives articles, clauses,
   points and paragraphs; :func:`split_sentences` cuts paragraphs into sentences.
2. **Numbers** — every :data:`~kg_metrics.data.resolution.NUMBER_TOKEN` is read with
   :func:`kg_metrics.text.format.parse_number` in the declared convention (never guessed:
   ``9.2`` is refused in Vietnamese notation and *flagged*), then the unit written after it
   is normalised to a registry unit (``triệu tấn`` → ``mt``; ``850 nghìn tấn`` → 850.000 ``t``).
3. **Classification** — each number is a *target* (comparator wording, indicator, target
   period and a unit that can express the indicator), a *reference* (date, document
   number, year, duration, share of plan, reported result… with the reason), *flagged*
   (not a number in the declared notation) or *unclassified* (looks like a target but a
   piece is missing — a gap to fix in the lexicon, never silently dropped).
4. **Outputs** — :func:`extract_targets` / :func:`write_draft` (a draft ``targets.csv``),
   :func:`coverage` (one row per number), :func:`tasks` / :func:`tasks_for_sector`
   (the qualitative tasks, sentence by sentence).

The wording (comparators, indicator keywords, period cues, reference patterns, unit aliases, scale
words…) is data: ``data/lexicon.yml`` (:mod:`kg_metrics.data.lexicon`), with the units' own wordings
from ``units.csv``. This module holds the rules that apply it, and no word of the language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from kg_metrics.text.format import NumberParseError, format_number, parse_number
from kg_metrics.data.lexicon import read_lexicon
from kg_metrics.data.registry import IndicatorRow, UnitRow, load_catalog
from kg_metrics.data.validation import MAX_TEXT_BYTES, read_text_document, shown_path
from kg_metrics.errors import DataError, DataProblem
from kg_metrics.paths import default_data_dir
from kg_metrics.data.resolution import NUMBER_TOKEN, Paragraph, Structure, load_resolution, parse_structure
from kg_metrics.data.tables import read_csv

#: The period kinds a target may have.
TARGET_KINDS = ("H2", "FY")
#: A year right after a period cue gives the period's year ('cả năm 2025').
_CUE_YEAR = r"(?:\s+(?P<year>(?:19|20)\d\d)\b)?"
_SEGMENT_BREAK = re.compile(r";|:(?=\s)")
_PHRASE_BREAK = re.compile(r",\s|;\s*|:\s")


# =========================================================================== lexicon (from data/)
@dataclass(frozen=True)
class Lexicon:
    """The units, indicators and wording of a data directory, compiled as the extractor needs them.

    Built from ``units.csv``, ``indicators.csv`` and ``lexicon.yml`` (whose comments say what each
    entry is for) by :func:`load_lexicon`.
    """

    convention: str
    structure: Structure                        # articles, clauses, points and their citations
    unit_base: dict[str, tuple[str, Decimal]]   # unit -> (base unit, factor to base)
    phrases: tuple[tuple[str, str, Decimal], ...]  # (wording, unit, multiplier), longest first
    indicators: dict[str, tuple[str, str]]     # indicator -> (sector, unit)
    comparators: dict[str, str]                # wording -> comparator
    comparators_after: tuple[str, ...]         # wordings written after the number
    keywords: tuple[tuple[str, str, str | None], ...]  # (keyword, indicator, forced measure), most specific first
    period_kinds: tuple[str, ...]              # the kind of each period cue, in the order of period_re's groups
    period_re: re.Pattern
    references: tuple[tuple[re.Pattern, str], ...]  # (pattern, reason), in order
    scale_words: tuple[tuple[str, Decimal], ...]    # (word, factor), longest first
    share_of_plan: re.Pattern
    share_of_plan_before: str
    same_period: re.Pattern
    growth_wording: re.Pattern
    annual_quota: re.Pattern
    aim_wording: str
    list_joiners: tuple[str, ...]              # casefolded, with '' (items separated by punctuation only)
    trail_stop: re.Pattern
    abbreviations: frozenset[str]
    body_start: re.Pattern
    title_year: re.Pattern
    adoption_date: re.Pattern
    heading_number: re.Pattern
    after_tail: re.Pattern = field(repr=False)  # a comparator wording right after a number and its unit
    after_end: re.Pattern = field(repr=False)   # the same wording ending an expression


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex group of literal words, longest first (a group that never matches when there are none)."""
    if not words:
        return "(?!)"
    return "(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


@lru_cache(maxsize=4)
def _lexicon_cached(data_dir: str, stamp: tuple[tuple[str, int], ...]) -> Lexicon:
    """Build the lexicon from a data directory's catalog, units.csv, indicators.csv and lexicon.yml.

    Cached while ``stamp`` (the data directory's files and their modification times) is unchanged.
    """
    d = Path(data_dir)
    cat = load_catalog(d)
    units = {r["unit"]: r for _, _, r in read_csv(d / cat.units, list(UnitRow.model_fields))}
    inds = {r["indicator"]: r for _, _, r in read_csv(d / cat.indicators, list(IndicatorRow.model_fields))}
    wording = read_lexicon(d / cat.lexicon, shown_path(d / cat.lexicon, d), inds, units)
    unit_base = {u: (r["base_unit"], parse_number(r["factor_to_base"], cat.decimal_convention))
                 for u, r in units.items()}
    phrases: dict[str, tuple[str, Decimal]] = {}
    for u, r in units.items():
        phrases.setdefault(r["symbol_vi"], (u, Decimal(1)))
        phrases.setdefault(r["name_vi"], (u, Decimal(1)))
    for alias in wording.unit_aliases:
        phrases.setdefault(alias.wording, (alias.unit, Decimal(10) ** alias.power_of_ten))
    ordered = tuple(sorted(((w, u, m) for w, (u, m) in phrases.items()), key=lambda t: -len(t[0])))
    cues = "|".join(rf"(?P<c{i}>\b{c.pattern})" for i, c in enumerate(wording.period_cues))
    after = _alternation(wording.comparators_after)
    return Lexicon(
        convention=cat.decimal_convention, structure=wording.structure.build(), unit_base=unit_base, phrases=ordered,
        indicators={i: (r["sector"], r["unit"]) for i, r in inds.items()},
        comparators=dict(wording.comparators), comparators_after=tuple(wording.comparators_after),
        keywords=tuple((k.keyword, k.indicator, k.measure) for k in wording.indicator_keywords),
        period_kinds=tuple(c.kind for c in wording.period_cues),
        period_re=re.compile(cues + _CUE_YEAR, re.IGNORECASE),
        references=tuple((re.compile(rx, re.IGNORECASE), why) for rx, why in wording.reference_regexes()),
        scale_words=tuple(sorted(((w, Decimal(10) ** p) for w, p in wording.scale_words.items()),
                                 key=lambda kv: -len(kv[0]))),
        share_of_plan=re.compile(wording.share_of_plan, re.IGNORECASE),
        share_of_plan_before=wording.share_of_plan_before.casefold(),
        same_period=re.compile(wording.same_period, re.IGNORECASE),
        growth_wording=re.compile(wording.growth_wording, re.IGNORECASE),
        annual_quota=re.compile(wording.annual_quota),
        aim_wording=wording.aim_wording,
        list_joiners=("", *(w.casefold() for w in wording.list_joiners)),
        trail_stop=re.compile(r"[,;:()“”\"]|\.(?=\s|$)|\s" + _alternation(wording.trail_stop_words) + r"\b",
                              re.IGNORECASE),
        abbreviations=frozenset(wording.abbreviations),
        body_start=re.compile(wording.body_start, re.MULTILINE),
        title_year=re.compile(wording.title_year, re.IGNORECASE),
        adoption_date=re.compile(wording.adoption_date, re.IGNORECASE),
        heading_number=re.compile(wording.heading_number),
        after_tail=re.compile(r"\s*" + after + r"\b"),
        after_end=re.compile(r"\b" + after + r"$"),
    )


def load_lexicon(data_dir: Path | str | None = None) -> Lexicon:
    """Units, unit wordings, indicators and the wording of ``data_dir`` (default: this clone's ``data/``)."""
    d = Path(data_dir or default_data_dir()).resolve()
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in d.iterdir() if p.is_file()))
    return _lexicon_cached(str(d), stamp)


# =========================================================================== numbers and units
@dataclass(frozen=True)
class Quantity:
    """One number as written, with its unit normalised to the registry's units."""

    token: str
    start: int            # offset of the token in the text it was read from
    end: int
    value: Decimal | None  # in ``unit`` (scaled when the wording had no registry unit); None if unreadable
    unit: str | None
    unit_text: str         # the wording read as the unit ('triệu tấn', '%', 'nghìn tấn')
    expr_end: int          # end of number + unit (+ a comparator written after it: ' trở lên')
    error: str | None = None


def _word_at(text: str, pos: int, word: str) -> bool:
    """``word`` is written at ``pos`` (case-insensitive) and not followed by more letters."""
    end = pos + len(word)
    if text[pos:end].casefold() != word.casefold():
        return False
    return end >= len(text) or not (text[end].isalnum() and word[-1].isalnum())


def _unit_at(text: str, pos: int, lex: Lexicon) -> tuple[str | None, Decimal, str, int]:
    """The unit written at ``pos``: (unit, multiplier, wording, end); unit None when there is none.

    Rule: a wording of units.csv is taken as is; a scale word before another wording
    is folded in, landing on the registry unit of that size if there is one
    ('triệu' + 'lượt' → m_arrivals) and otherwise on the base unit with the value
    multiplied ('nghìn' + 'tấn' → t × 1000).
    """
    p = pos
    while p < len(text) and text[p] in " \u00a0":
        p += 1
    for w, u, mult in lex.phrases:
        if _word_at(text, p, w):
            return (*_fold(u, Decimal(1) * mult, lex), w, p + len(w))
    for sw, scale in lex.scale_words:
        if _word_at(text, p, sw):
            q = p + len(sw)
            while q < len(text) and text[q] in " \u00a0":
                q += 1
            for w, u, mult in lex.phrases:
                if _word_at(text, q, w):
                    return (*_fold(u, scale * mult, lex), text[p:q + len(w)], q + len(w))
            return None, scale, sw, p + len(sw)
    return None, Decimal(1), "", pos


def _fold(unit: str, mult: Decimal, lex: Lexicon) -> tuple[str, Decimal]:
    """Express ``mult`` × ``unit`` as a registry unit of exactly that size, else as its base unit."""
    if mult == 1:
        return unit, Decimal(1)
    base, factor = lex.unit_base[unit]
    size = mult * factor
    for u, (b, f) in lex.unit_base.items():
        if b == base and f == size:
            return u, Decimal(1)
    return base, size


def read_quantities(text: str, lex: Lexicon | None = None) -> list[Quantity]:
    """Every number in ``text`` with its unit, in order; unreadable tokens carry ``error``."""
    lex = lex or load_lexicon()
    out = []
    for m in NUMBER_TOKEN.finditer(text):
        tok = m.group(0)
        try:
            v = parse_number(tok, lex.convention)
        except NumberParseError as exc:
            out.append(Quantity(tok, m.start(), m.end(), None, None, "", m.end(), str(exc)))
            continue
        unit, mult, wording, end = _unit_at(text, m.end(), lex)
        if tail := lex.after_tail.match(text, end):
            expr_end = tail.end()
        else:
            expr_end = end
        out.append(Quantity(tok, m.start(), m.end(), _clean(v * mult), unit, wording, expr_end))
    return out


def _clean(v: Decimal) -> Decimal:
    """Drop trailing zeros without going to exponent form (800000, not 8E+5)."""
    n = v.normalize()
    return n.quantize(Decimal(1)) if n == n.to_integral_value() else n


def parse_quantity(text: str, lex: Lexicon | None = None) -> tuple[Decimal, str | None]:
    """Read one quantity such as ``'2,035 triệu tấn'`` as (value, registry unit).

    Raises :class:`~kg_metrics.text.format.NumberParseError` if the number is not in the
    declared notation, ValueError if ``text`` holds no number.

    Examples
    --------
    >>> parse_quantity("2,035 triệu tấn")
    (Decimal('2.035'), 'mt')
    >>> parse_quantity("55.467,04 tỷ đồng")
    (Decimal('55467.04'), 'bn_vnd')
    >>> parse_quantity("3,75 triệu lượt khách")
    (Decimal('3.75'), 'm_arrivals')
    >>> parse_quantity("850 nghìn tấn")
    (Decimal('850000'), 't')
    >>> parse_quantity("06 tháng")
    (Decimal('6'), None)
    """
    qs = read_quantities(text, lex)
    if not qs:
        raise ValueError(f"{text!r} holds no number")
    q = qs[0]
    if q.error:
        raise NumberParseError(q.error)
    return q.value, q.unit


# =========================================================================== sentences
def _sentence_spans(text: str, abbreviations: frozenset[str], semicolons: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``; see :func:`split_sentences` for the rules."""
    spans, start, i, n = [], 0, 0, len(text)
    while i < n:
        ch, end = text[i], None
        if semicolons and ch == ";":
            end = i + 1
        elif ch in ".!?…":
            j = i
            while j < n and text[j] in ".…!?":
                j += 1
            k = j
            while k < n and text[k] in "”\"')":
                k += 1
            ws = k
            while ws < n and text[ws].isspace():
                ws += 1
            nxt = text[ws] if ws < n else ""
            ellipsis = text[i:j].startswith("...") or "…" in text[i:j]
            word = re.search(r"([\w.]+)$", text[start:i])
            abbrev = j - i == 1 and word is not None and word.group(1) in abbreviations
            starts_new = nxt.isupper() or (nxt in "“\"(" and ws + 1 < n and text[ws + 1].isupper())
            if ws >= n:
                end = k
            elif starts_new and not abbrev and (ws > k or ellipsis):
                end = k  # after '. X' or an ellipsis glued to the next sentence ('...Tiếp tục')
            i = j - 1
        if end is not None:
            if text[start:end].strip():
                spans.append(_strip_span(text, start, end))
            start = end
            i = end
            continue
        i += 1
    if text[start:].strip():
        spans.append(_strip_span(text, start, n))
    return spans


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    """Narrow a span to exclude surrounding whitespace."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def split_sentences(text: str, semicolons: bool = False, lex: Lexicon | None = None) -> list[str]:
    """Split a paragraph into sentences (and, with ``semicolons``, into ';'-separated items).

    Rule: a sentence ends at '.', '!', '?' or an ellipsis followed by a space and an
    upper-case letter (an ellipsis may be glued to it: '...Tiếp tục'), or at the end of
    the text. Never inside a number ('29.947,93' has no space after its '.'), after an
    abbreviation of the lexicon ('TP. Rạch Giá') or before a lower-case word.

    Examples
    --------
    >>> split_sentences("Đạt từ 29.947,93 tỷ đồng. Tại TP. Rạch Giá; tiếp tục.")
    ['Đạt từ 29.947,93 tỷ đồng.', 'Tại TP. Rạch Giá; tiếp tục.']
    >>> split_sentences("Đạt từ 29.947,93 tỷ đồng. Tại TP. Rạch Giá; tiếp tục.", semicolons=True)
    ['Đạt từ 29.947,93 tỷ đồng.', 'Tại TP. Rạch Giá;', 'tiếp tục.']
    """
    lex = lex or load_lexicon()
    return [text[a:b] for a, b in _sentence_spans(text, lex.abbreviations, semicolons)]


# =========================================================================== classification
@dataclass
class Reading:
    """What one number in a sentence is: a target, a reference, flagged or unclassified."""

    q: Quantity
    kind: str
    reason: str
    indicator: str | None = None
    measure: str | None = None
    period: str | None = None
    comparator_text: str | None = None
    quote: tuple[int, int] | None = None  # span of the verbatim quote in the sentence
    trail_end: int = 0                     # where the words describing the number stop
    quote_start: int = 0


def _cues(text: str, year: int | None, lex: Lexicon) -> list[tuple[int, str, str | None]]:
    """Period cues in ``text``: (offset, cue wording, period code or kind-only when no year)."""
    out = []
    for m in lex.period_re.finditer(text):
        i = next(int(g[1:]) for g, v in m.groupdict().items() if v and g != "year")
        kind = lex.period_kinds[i]
        y = int(m.group("year")) if m.group("year") else year
        out.append((m.start(), m.group(0), f"{kind}-{y}" if y and kind in ("H1", "H2", "FY") else kind))
    return out


def _period_kind(period: str | None) -> str | None:
    """'H2' of 'H2-2024' ('ASOF' stays 'ASOF'; None stays None)."""
    return period.split("-")[0] if period else None


def _reference_reason(sentence: str, q: Quantity, lex: Lexicon) -> str | None:
    """The reason a number is a reference by its wording (date, document number…), else None."""
    for rx, why in lex.references:
        for m in rx.finditer(sentence):
            if m.start() <= q.start and q.end <= m.end():
                return f"{why} ({m.group(0).strip()})"
    return None


def _comparator(window: str, after: str, lex: Lexicon) -> tuple[str, int] | None:
    """Comparator wording written against the number: one written after it (' trở lên'), else one right before it.

    ``after`` is the unit and what follows it up to the end of the expression.
    Returns (wording, offset in ``window``; len(window) for a trailing wording).
    """
    if m := lex.after_end.search(after):
        return m.group(1), len(window)
    stripped = window.rstrip()
    for w in sorted(lex.comparators, key=len, reverse=True):
        if w in lex.comparators_after:
            continue
        if stripped.casefold().endswith(w.casefold()):
            at = len(stripped) - len(w)
            if at == 0 or not stripped[at - 1].isalnum():
                return w, at
    return None


def _indicator(context: str, lex: Lexicon) -> tuple[str, str, str | None, int] | None:
    """The most specific indicator keyword in ``context``: (keyword, indicator, measure, offset)."""
    low = context.casefold()
    for kw, ind, measure in lex.keywords:
        at = low.rfind(kw.casefold())
        if at >= 0:
            return kw, ind, measure, at
    return None


def _phrase_start(sentence: str, lo: int, anchor: int) -> int:
    """Start of the comma/semicolon phrase holding ``anchor``, not before ``lo``."""
    start = lo
    for m in _PHRASE_BREAK.finditer(sentence, lo, anchor):
        start = m.end()
    while start < anchor and sentence[start] in " ,;:":
        start += 1
    return start


def classify_sentence(sentence: str, quantities: list[Quantity], lex: Lexicon, year: int | None,
                      default_period: str | None = None, structural: tuple[int, ...] = ()) -> list[Reading]:
    """Classify each number of one sentence (offsets of ``quantities`` are in ``sentence``).

    Rules, in order:

    * unreadable in the declared notation → *flagged*;
    * a heading's own numbering (``structural`` offsets) or a match of the lexicon's
      ``reference_patterns`` → *reference*;
    * a *target* needs all four of
        - comparator wording (the lexicon's ``comparators``): one written after the number
          (' trở lên') wins, else the wording right before it; a list item with none
          ('…, 12 xã …; 03 xã … và 03 huyện …') shares the previous target's comparator and period;
        - an indicator: the most specific of the lexicon's ``indicator_keywords`` between the previous
          target (or ';' / ': ' / sentence start) and the end of the words after the number,
          else the previous target's indicator ('…, để cả năm đạt và vượt 55.467,04 tỷ đồng');
        - a period: the last cue in that same stretch ('để cả năm' flips mid-sentence), else the
          first cue of its ';'-item ('Phấn đấu 6 tháng cuối năm …, trong đó … đạt X'), else FY for
          a percentage of a 'chỉ tiêu' (quotas are annual), else ``default_period`` (the
          heading's: 'Nhiệm vụ … 6 tháng cuối năm 2024' → H2-2024);
        - a unit of the indicator's base unit, or a percentage for a growth rate;
    * otherwise a *reference* with why it is not a target (share of plan, change on the same
      period, first-half or as-of result, no target wording), or *unclassified* when it has
      target wording and a target period but no indicator or a wrong unit — a gap to fix.
    """
    out: list[Reading] = []
    prev: Reading | None = None
    aim = lex.aim_wording.casefold() in sentence.casefold()
    for qi, q in enumerate(quantities):
        nxt_start = quantities[qi + 1].start if qi + 1 < len(quantities) else len(sentence)
        stop = lex.trail_stop.search(sentence, q.expr_end, nxt_start)
        trail_end = stop.start() if stop else nxt_start
        r = Reading(q, "unclassified", "", trail_end=trail_end)
        out.append(r)
        if q.error:
            r.kind, r.reason = "flagged", f"not read: {q.error}"
            continue
        if q.start in structural:
            r.kind, r.reason = "reference", "numbering of an article or clause"  # not prose: coverage CSV
            continue
        if why := _reference_reason(sentence, q, lex):
            r.kind, r.reason = "reference", why
            continue
        item_lo = lo = 0  # the ';'-item, and the stretch since the previous target / ': ' within it
        for m in _SEGMENT_BREAK.finditer(sentence, 0, q.start):
            lo = m.end()
            if m.group(0) == ";":
                item_lo = lo
        if prev is not None:
            lo = max(lo, prev.trail_end)
        window = sentence[lo:q.start]
        comp = _comparator(window, sentence[q.end:q.expr_end], lex)
        listed = (comp is None and prev is not None
                  and sentence[prev.trail_end:q.start].strip(" ,;").casefold() in lex.list_joiners)
        # indicator
        kw = _indicator(sentence[lo:trail_end], lex)
        if kw:
            indicator, forced = kw[1], kw[2]
        elif prev is not None:  # '…, để cả năm đạt và vượt 55.467,04 tỷ đồng': same indicator as before
            indicator, forced = prev.indicator, prev.measure if prev.measure == "growth_yoy_pct" else None
        else:
            indicator = forced = None
        # period
        cue_at = None
        if listed:
            period = prev.period
        else:
            local = _cues(window, year, lex)
            lead = _cues(sentence[item_lo:q.start], year, lex)
            if local:
                cue_at, _, period = local[-1]
                cue_at += lo
            elif lead:
                period = lead[0][2]
            elif q.unit == "pct" and lex.annual_quota.match(sentence, q.expr_end) and year:
                period = f"FY-{year}"  # 'đạt 100% chỉ tiêu': quotas are set for the year
            else:
                period = default_period
        # measure and unit
        measure, unit_ok, unit_why = None, False, ""
        if indicator:
            ind_unit = lex.indicators[indicator][1]
            ind_base = lex.unit_base[ind_unit][0]
            growth = forced == "growth_yoy_pct" or (
                q.unit == "pct" and ind_base != "pct"
                and lex.growth_wording.search(window[:comp[1]] if comp and comp[1] < len(window) else window))
            measure = "growth_yoy_pct" if growth else "level"
            if measure == "growth_yoy_pct":
                unit_ok = q.unit == "pct"
            else:
                unit_ok = q.unit is not None and lex.unit_base[q.unit][0] == ind_base
            if not unit_ok:
                unit_why = f"'{q.unit_text or 'no unit'}' cannot express {indicator} ({ind_unit})"
        comparator_text = comp[0] if comp else (prev.comparator_text if listed else None)
        kind = _period_kind(period)
        after = sentence[q.expr_end:trail_end]
        if comparator_text and indicator and unit_ok and kind in TARGET_KINDS:
            r.kind, r.indicator, r.measure, r.period, r.comparator_text = \
                "target", indicator, measure, period, comparator_text
            if listed:
                r.quote_start = prev.quote_start
            else:
                anchors = [lo + comp[1]] if comp and comp[0] not in lex.comparators_after else [q.start]
                if kw and lo + kw[3] < q.start:
                    anchors.append(lo + kw[3])
                if cue_at is not None:
                    anchors.append(cue_at)
                r.quote_start = _phrase_start(sentence, lo, min(anchors))
            r.quote = (r.quote_start, len(sentence[:trail_end].rstrip(" ,;:.")))
            r.reason = (f"target: {comparator_text!r} ({lex.comparators[comparator_text]}), "
                        f"{indicator} {measure}, {period}" + (" (list item)" if listed else ""))
            prev = r
        elif q.unit == "pct" and (lex.share_of_plan.match(after)
                                  or window.rstrip().casefold().endswith(lex.share_of_plan_before)):
            r.kind, r.reason = "reference", (f"share of plan ({sentence[q.start:trail_end].strip()})"  # not prose: coverage CSV
                                             + (f", restating the {prev.indicator} target"
                                                if prev is not None and lo == prev.trail_end else ""))
        elif q.unit == "pct" and lex.same_period.search(after):
            r.kind, r.reason = "reference", "change on the same period last year (a reported result)"  # not prose: coverage CSV
        elif kind == "ASOF":
            r.kind, r.reason = "reference", "a figure as of a date (a result, not a target)"  # not prose: coverage CSV
        elif kind == "H1":
            r.kind, r.reason = "reference", "a first-half figure (a result, not a target)"  # not prose: coverage CSV
        elif comparator_text and kind in TARGET_KINDS:
            r.reason = "target wording and period but " + (unit_why or "no indicator keyword matches")  # not prose: coverage CSV
        elif indicator and unit_ok and kind in TARGET_KINDS:
            r.reason = f"{indicator} in a target period but no comparator wording"  # not prose: coverage CSV
        elif (comparator_text or aim) and kind is None:
            if aim:
                r.reason = f"target wording ({lex.aim_wording!r}) but no period"  # not prose: coverage CSV
            else:
                r.kind, r.reason = "reference", "a reported figure (no target period)"  # not prose: coverage CSV
        else:
            r.kind, r.reason = "reference", "a quantity without target wording (a reported figure)"  # not prose: coverage CSV
    return out


def read_sentence(sentence: str, year: int | None = None, default_period: str | None = None,
                  data_dir: Path | str | None = None) -> pd.DataFrame:
    """Read one free-standing sentence: each number with unit, kind, reason and target fields.

    Examples
    --------
    >>> df = read_sentence("Phấn đấu 6 tháng cuối năm thu hút trên 3,75 triệu lượt khách", year=2024)
    >>> df.loc[0, "reason"]
    'duration in a period phrase (6 tháng cuối năm)'
    >>> df.loc[1, ["token", "kind", "unit", "indicator", "period", "comparator_text"]].tolist()
    ['3,75', 'target', 'm_arrivals', 'tourists', 'H2-2024', 'trên']
    """
    lex = load_lexicon(data_dir)
    qs = read_quantities(sentence, lex)
    rows = [_row(r, sentence) for r in classify_sentence(sentence, qs, lex, year, default_period)]
    return pd.DataFrame(rows, columns=_ROW_COLUMNS)


_ROW_COLUMNS = ["token", "value", "unit", "kind", "reason", "indicator", "measure", "period",
                "comparator_text", "quote"]


def _row(r: Reading, sentence: str) -> dict[str, Any]:
    """One reading as a flat row for the data frames."""
    return {"token": r.q.token, "value": float(r.q.value) if r.q.value is not None else float("nan"),
            "unit": r.q.unit, "kind": r.kind, "reason": r.reason, "indicator": r.indicator,
            "measure": r.measure, "period": r.period, "comparator_text": r.comparator_text,
            "quote": sentence[r.quote[0]:r.quote[1]] if r.quote else None}


# =========================================================================== documents
@dataclass(frozen=True)
class Sentence:
    """One sentence of the resolution, with where it is."""

    clause: str
    paragraph: Paragraph
    number: int   # 1-based within its paragraph
    start: int    # offset in the resolution's text
    text: str


@dataclass
class ParsedResolution:
    """A resolution's structure, sentences and every number, classified."""

    text: str
    year: int
    sentences: list[Sentence] = field(default_factory=list)
    readings: list[tuple[Sentence, Reading]] = field(default_factory=list)


def document_year(text: str, lex: Lexicon | None = None) -> int:
    """The year a resolution is about: from its title block, else its adoption date.

    Examples
    --------
    >>> document_year("NGHỊ QUYẾT\\nVỀ NHIỆM VỤ NĂM 2024\\nCăn cứ Luật ... năm 2015;")
    2024
    """
    lex = lex or load_lexicon()
    head = lex.body_start.split(text, maxsplit=1)[0]
    if m := lex.title_year.search(head):
        return int(m.group(1))
    if m := lex.adoption_date.search(text):
        return int(m.group(1))
    raise ValueError("cannot tell the resolution's year: no year in its title block nor an adoption date")


def _heading_period(text: str, year: int, lex: Lexicon) -> str | None:
    """The one target period a heading names ('Nhiệm vụ … 6 tháng cuối năm 2024' → H2-2024), else None."""
    found = {p for _, _, p in _cues(text, year, lex)}
    return found.pop() if len(found) == 1 and _period_kind(next(iter(found))) in TARGET_KINDS else None


def parse_text(text: str, data_dir: Path | str | None = None) -> ParsedResolution:
    """Parse a resolution's text: structure, sentences, every number and what it is."""
    lex = load_lexicon(data_dir)
    year = document_year(text, lex)
    doc = ParsedResolution(text, year)
    cursor = 0
    clause_default = point_default = None
    for para in parse_structure(text, lex.structure):
        at = text.index(para.text, cursor)
        cursor = at + len(para.text)
        structural: tuple[int, ...] = ()
        if para.heading:
            if m := lex.heading_number.match(para.text):
                structural = (m.start(1),)
            if para.point is not None:
                point_default = _heading_period(para.text, year, lex)
            elif para.clause is not None:
                clause_default, point_default = _heading_period(para.text, year, lex), None
            else:
                clause_default = point_default = None
        default = point_default or clause_default
        for n, (a, b) in enumerate(_sentence_spans(para.text, lex.abbreviations), start=1):
            s = Sentence(para.ref, para, n, at + a, para.text[a:b])
            doc.sentences.append(s)
            qs = read_quantities(s.text, lex)
            struct = tuple(o - a for o in structural if a <= o < b)
            for r in classify_sentence(s.text, qs, lex, year, default, struct):
                doc.readings.append((s, r))
    return doc


#: The largest resolution text read (bytes): the shipped one is 40 KB; a long resolution, a few hundred.
MAX_RESOLUTION_BYTES = MAX_TEXT_BYTES
#: What a resolution file is, as messages say it.
RESOLUTION_FILE = "a resolution's text (UTF-8)"


def read_resolution_text(resolution_path: Path | str, data_dir: Path | str | None = None) -> str:
    """The text of a resolution file, checked before any parsing; line ends made ``\\n``.

    Raises :class:`~kg_metrics.errors.DataError` with one problem naming the file when it is missing, not a
    regular file (a folder, a device), unreadable, larger than :data:`MAX_RESOLUTION_BYTES`, binary, not
    UTF-8 (UTF-16, Latin-1…), empty, or not a resolution: no article opens in it (``structure`` of
    ``lexicon.yml``) or no year can be told (:func:`document_year`). A byte-order mark is dropped.
    """
    shown = str(resolution_path)
    text = read_text_document(resolution_path, shown, what=RESOLUTION_FILE, max_bytes=MAX_RESOLUTION_BYTES)
    lex = load_lexicon(data_dir)
    if not any(lex.structure.article_heading.match(line.strip()) for line in text.splitlines()):
        raise DataError([DataProblem(shown, "is not a resolution's text: no line opens an article (the structure's "
                                            f"article_heading in lexicon.yml: {lex.structure.article_heading.pattern!r})")])
    try:
        document_year(text, lex)
    except ValueError as exc:
        raise DataError([DataProblem(shown, f"is not a resolution's text: {exc}")]) from None
    return text


def check_resolution_file(resolution_path: Path | str, data_dir: Path | str | None = None) -> None:
    """Raise :class:`~kg_metrics.errors.DataError` unless the file reads as a resolution
    (:func:`read_resolution_text`)."""
    read_resolution_text(resolution_path, data_dir)


def parse_resolution(resolution_path: Path | str, data_dir: Path | str | None = None) -> ParsedResolution:
    """Parse a resolution text file (UTF-8), checked first (:func:`read_resolution_text`)."""
    return parse_text(read_resolution_text(resolution_path, data_dir), data_dir)


# =========================================================================== outputs
TARGET_COLUMNS = ["target_id", "indicator", "measure", "period", "comparator", "comparator_text", "value",
                  "unit", "clause", "quote"]


def target_id(indicator: str, measure: str, period: str) -> str:
    """The curated id pattern: ``<indicator>[_growth]_h2_2024`` or ``…_fy2024``.

    Examples
    --------
    >>> target_id("grdp", "growth_yoy_pct", "H2-2024"), target_id("rice", "level", "FY-2024")
    ('grdp_growth_h2_2024', 'rice_fy2024')
    """
    kind, year = period.split("-")
    suffix = f"h2_{year}" if kind == "H2" else f"{kind.lower()}{year}"
    return f"{indicator}{'_growth' if measure == 'growth_yoy_pct' else ''}_{suffix}"


def vi_value(value: Decimal) -> str:
    """A value in the registry's notation, every written decimal kept ('2,035', '439.051').

    Examples
    --------
    >>> vi_value(Decimal("2.035")), vi_value(Decimal("439051")), vi_value(Decimal("6.70"))
    ('2,035', '439.051', '6,7')
    """
    v = _clean(value)
    return format_number(v, "vi", max(0, -v.as_tuple().exponent))


def _targets_frame(doc: ParsedResolution, lex: Lexicon) -> pd.DataFrame:
    """The targets of a parsed resolution as registry rows, in document order."""
    rows, seen = [], {}
    for s, r in doc.readings:
        if r.kind != "target":
            continue
        tid = target_id(r.indicator, r.measure, r.period)
        seen[tid] = seen.get(tid, 0) + 1
        if seen[tid] > 1:  # two targets for one indicator and period: keep both, let a human decide
            tid = f"{tid}_{seen[tid]}"
        rows.append({"target_id": tid, "indicator": r.indicator, "measure": r.measure, "period": r.period,
                     "comparator": lex.comparators[r.comparator_text], "comparator_text": r.comparator_text,
                     "value": vi_value(r.q.value), "unit": r.q.unit, "clause": s.clause,
                     "quote": s.text[r.quote[0]:r.quote[1]]})
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def extract_targets(resolution_path: Path | str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Draft target registry of a resolution: the columns and notation of ``data/targets.csv``."""
    return _targets_frame(parse_resolution(resolution_path, data_dir), load_lexicon(data_dir))


def write_draft(resolution_path: Path | str, out_csv: Path | str, data_dir: Path | str | None = None) -> Path:
    """Write :func:`extract_targets` as CSV (UTF-8 without BOM, '\\n' line ends); returns the path."""
    out = Path(out_csv)
    out.parent.mkdir(parents=True, exist_ok=True)
    extract_targets(resolution_path, data_dir).to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
    return out


COVERAGE_COLUMNS = ["clause", "sentence", "token", "value", "kind", "reason", "target_id", "paragraph",
                    "sentence_no", "start", "unit", "indicator", "period", "comparator_text"]


def coverage(resolution_path: Path | str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One row per number in the resolution: where it is, its value and unit, and what it is (and why).

    ``kind`` is 'target', 'reference', 'flagged' (not a number in the declared notation) or
    'unclassified' (a gap in the lexicon); ``start`` is the offset in the text.
    """
    doc = parse_resolution(resolution_path, data_dir)
    rows = []
    for s, r in doc.readings:
        row = _row(r, s.text)
        rows.append({"clause": s.clause, "sentence": s.text, "token": r.q.token, "value": row["value"],
                     "kind": r.kind, "reason": r.reason,
                     "target_id": target_id(r.indicator, r.measure, r.period) if r.kind == "target" else None,
                     "paragraph": s.paragraph.number, "sentence_no": s.number, "start": s.start + r.q.start,
                     "unit": r.q.unit, "indicator": r.indicator, "period": r.period,
                     "comparator_text": r.comparator_text})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


TASK_COLUMNS = ["clause", "paragraph", "sentence", "text"]


def _task_rows(paragraphs: tuple[Paragraph, ...], abbreviations: frozenset[str]) -> list[dict[str, Any]]:
    """Task sentences of the body paragraphs of every clause and point."""
    rows = []
    for p in paragraphs:
        if p.heading or p.clause is None:
            continue  # tasks are the body paragraphs of a clause or point, not their titles
        for n, (a, b) in enumerate(_sentence_spans(p.text, abbreviations, semicolons=True), start=1):
            rows.append({"clause": p.ref, "paragraph": p.number, "sentence": n, "text": p.text[a:b]})
    return rows


def tasks(resolution_path: Path | str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The qualitative tasks: each sentence (split at '. ' and ';') of each clause's and point's body."""
    lex = load_lexicon(data_dir)
    return pd.DataFrame(_task_rows(load_resolution(resolution_path, lex.structure).paragraphs, lex.abbreviations),
                        columns=TASK_COLUMNS)


def tasks_for_sector(registry, sector: str) -> pd.DataFrame:
    """The task sentences of ``sector``, per the paragraph mapping in ``data/task_paragraphs.csv``."""
    df = pd.DataFrame(_task_rows(registry.resolution.paragraphs, frozenset(registry.lexicon.abbreviations)),
                      columns=TASK_COLUMNS)
    tp = registry.task_paragraphs
    wanted = {(c, int(p)) for c, p in zip(tp.loc[tp["sector"] == sector, "clause"],
                                          tp.loc[tp["sector"] == sector, "paragraph"])}
    keep = [(c, p) in wanted for c, p in zip(df["clause"], df["paragraph"])]
    return df[keep].reset_index(drop=True)


__all__ = [
    "Lexicon", "load_lexicon", "Quantity", "read_quantities", "parse_quantity", "split_sentences",
    "Reading", "classify_sentence", "read_sentence", "Sentence", "ParsedResolution", "document_year",
    "parse_text", "parse_resolution", "read_resolution_text", "check_resolution_file", "target_id", "vi_value", "extract_targets", "write_draft",
    "coverage", "tasks", "tasks_for_sector",
]
