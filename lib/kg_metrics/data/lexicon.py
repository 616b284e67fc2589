"""``data/lexicon.yml``: the wording of the resolution's language (structure, comparators, indicator keywords…).

The registry reads the resolution's structure and citations with it and checks targets' comparator
wording against it; :mod:`kg_metrics.data.extract` reads a resolution with all of it. Loading checks every
pattern compiles, every indicator and unit named exists, and every comparator is one the registry knows.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from kg_metrics.data.resolution import Structure
from kg_metrics.data.validation import NonEmpty, check_indicator, check_unit, load_yaml, one_of, shown_path
from kg_metrics.errors import DataError, DataProblem
from kg_metrics.paths import default_data_dir

#: Comparators as the registry writes them.
COMPARATORS = ("≥", ">", "=", "≈")
#: The period kinds a cue may give: a half, the full year, or a figure at a date.
CUE_KINDS = ("H1", "H2", "FY", "ASOF")
#: What an indicator keyword may force the measure to.
KEYWORD_MEASURES = ("level", "growth_yoy_pct")
#: The placeholder of a reference pattern that stands for the alternation of ``document_types``.
DOCUMENT_TYPES = "{document_types}"


def _pattern(v: str) -> str:
    try:
        re.compile(v.replace(DOCUMENT_TYPES, "x"))
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression: {exc}") from None
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndicatorKeyword(_Strict):
    keyword: NonEmpty
    indicator: str
    measure: str | None = None

    _v_indicator = field_validator("indicator")(check_indicator)
    _v_measure = field_validator("measure")(one_of(KEYWORD_MEASURES))


class PeriodCue(_Strict):
    pattern: str
    kind: str

    _v_pattern = field_validator("pattern")(lambda v: _pattern(v))
    _v_kind = field_validator("kind")(one_of(CUE_KINDS))


class ReferencePattern(_Strict):
    pattern: str
    reason: NonEmpty

    _v_pattern = field_validator("pattern")(lambda v: _pattern(v))


class UnitAlias(_Strict):
    wording: NonEmpty
    unit: str
    power_of_ten: int = 0

    _v_unit = field_validator("unit")(check_unit)


class StructureWording(_Strict):
    """How the resolution opens an article, a clause and a point, and cites them (see :class:`Structure`)."""

    article_heading: str
    clause_heading: str
    point_heading: str
    point_letter: str
    article: str
    clause: str
    point: str
    separator: NonEmpty
    preamble: NonEmpty

    @field_validator("article_heading", "clause_heading", "point_heading")
    @classmethod
    def _heading(cls, v: str) -> str:
        if re.compile(_pattern(v)).groups < 1:
            raise ValueError("needs a group for the number (or letter)")
        return v

    @field_validator("point_letter")
    @classmethod
    def _letter(cls, v: str) -> str:
        if re.compile(_pattern(v)).groups:
            raise ValueError("must have no group (a citation's point is one group)")
        return v

    @field_validator("article", "clause", "point")
    @classmethod
    def _template(cls, v: str, info: ValidationInfo) -> str:
        fields = re.findall(r"\{(\w*)\}", v)
        if fields != [info.field_name]:
            raise ValueError(f"must hold the one field {{{info.field_name}}}, not {v!r}")
        return v

    def build(self) -> Structure:
        """The :class:`Structure` these words define (heading patterns compiled, case-sensitive)."""
        return Structure(re.compile(self.article_heading), re.compile(self.clause_heading),
                         re.compile(self.point_heading), self.point_letter, self.article, self.clause, self.point,
                         self.separator, self.preamble)


class LexiconFile(_Strict):
    """The contents of ``lexicon.yml`` (its comments say what each entry is for)."""

    structure: StructureWording
    comparators: dict[str, str]
    comparators_after: list[str]
    indicator_keywords: list[IndicatorKeyword] = Field(min_length=1)
    period_cues: list[PeriodCue] = Field(min_length=1)
    document_types: list[str] = Field(min_length=1)
    reference_patterns: list[ReferencePattern]
    scale_words: dict[str, int]
    unit_aliases: list[UnitAlias]
    share_of_plan: str
    share_of_plan_before: NonEmpty
    same_period: str
    growth_wording: str
    annual_quota: str
    aim_wording: NonEmpty
    list_joiners: list[str]
    trail_stop_words: list[str] = Field(min_length=1)
    abbreviations: list[str]
    body_start: str
    title_year: str
    adoption_date: str
    heading_number: str

    _v_patterns = field_validator("share_of_plan", "same_period", "growth_wording", "annual_quota", "body_start",
                                  "title_year", "adoption_date", "heading_number")(lambda v: _pattern(v))

    @field_validator("comparators")
    @classmethod
    def _comparators(cls, v: dict[str, str]) -> dict[str, str]:
        bad = {w: c for w, c in v.items() if c not in COMPARATORS}
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))}: a comparator is one of {' '.join(COMPARATORS)}")
        if not v:
            raise ValueError("must give at least one wording")
        return v

    @model_validator(mode="after")
    def _after_is_a_comparator(self) -> "LexiconFile":
        unknown = [w for w in self.comparators_after if w not in self.comparators]
        if unknown:
            raise ValueError(f"comparators_after: {', '.join(map(repr, unknown))} not in comparators")
        return self

    def reference_regexes(self) -> list[tuple[str, str]]:
        """``reference_patterns`` with ``{document_types}`` spelled out, as (pattern, reason)."""
        doc_types = "(?:" + "|".join(map(re.escape, self.document_types)) + ")"
        return [(r.pattern.replace(DOCUMENT_TYPES, doc_types), r.reason) for r in self.reference_patterns]


def lexicon_yaml(path: Path, shown: str) -> dict:
    """A lexicon file's contents, unvalidated (a mapping); :class:`DataError` when missing or not a mapping."""
    if not Path(path).exists():
        raise DataError([DataProblem(shown, "not found (catalog.yml's lexicon entry names it)")])
    raw = load_yaml(Path(path), shown)
    if not isinstance(raw, dict):
        raise DataError([DataProblem(shown, "must be a mapping of entries to values")])
    return raw


def validate_lexicon(raw: dict, shown: str, indicators: Any = None, units: Any = None) -> LexiconFile:
    """Validate a lexicon's contents; ``indicators`` and ``units`` (ids), when given, are checked against.

    Raises :class:`DataError` naming the file and the entry of every problem.
    """
    # dicts, not sets: a message lists what is known in the files' order
    ctx = {"indicators": None if indicators is None else dict.fromkeys(indicators),
           "units": None if units is None else dict.fromkeys(units)}
    try:
        return LexiconFile.model_validate(raw, context=ctx)
    except ValidationError as exc:
        raise DataError([DataProblem(shown, e["msg"].removeprefix("Value error, "),
                                     field=".".join(map(str, e["loc"])) or None) for e in exc.errors()]) from None


def read_lexicon(path: Path, shown: str, indicators: Any = None, units: Any = None) -> LexiconFile:
    """Load and validate a lexicon file (:func:`lexicon_yaml`, then :func:`validate_lexicon`)."""
    return validate_lexicon(lexicon_yaml(path, shown), shown, indicators, units)


@lru_cache(maxsize=4)
def _default_structure(data_dir: str, stamp: tuple[tuple[str, int], ...]) -> Structure:
    d = Path(data_dir)
    shown = shown_path(d / "catalog.yml", d)
    raw = load_yaml(d / "catalog.yml", shown)
    name = raw.get("lexicon") if isinstance(raw, dict) else None
    if not isinstance(name, str):
        raise DataError([DataProblem(shown, "names no lexicon file", field="lexicon")])
    return read_lexicon(d / name, shown_path(d / name, d)).structure.build()


def default_structure() -> Structure:
    """The structure of this clone's data (``$KG_METRICS_DATA_DIR`` or ``data/``), for citations read without
    a registry (a registry has its own: ``reg.resolution.structure``). Cached while the data's files are unchanged.
    """
    d = default_data_dir().resolve()
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in d.iterdir() if p.is_file()))
    return _default_structure(str(d), stamp)


def clause_ref(article: int | None, clause: int | None = None, point: str | None = None,
               structure: Structure | None = None) -> str:
    """A citation in the resolution's own form (default structure: :func:`default_structure`).

    Examples
    --------
    >>> clause_ref(1, 2, "a"), clause_ref(1, 1), clause_ref(None)
    ('Điều 1, khoản 2, điểm a', 'Điều 1, khoản 1', 'Phần mở đầu')
    """
    return (structure or default_structure()).cite(article, clause, point)


def parse_ref(ref: str, structure: Structure | None = None) -> tuple[int, int | None, str | None]:
    """Inverse of :func:`clause_ref`: (article, clause or None, point or None); ValueError for a malformed citation.

    Examples
    --------
    >>> parse_ref("Điều 1, khoản 2, điểm a"), parse_ref("Điều 2")
    ((1, 2, 'a'), (2, None, None))
    """
    return (structure or default_structure()).parse(ref)


__all__ = ["lexicon_yaml", "validate_lexicon", "COMPARATORS", "CUE_KINDS", "IndicatorKeyword", "LexiconFile", "PeriodCue", "ReferencePattern",
           "StructureWording", "UnitAlias", "clause_ref", "default_structure", "parse_ref", "read_lexicon"]
