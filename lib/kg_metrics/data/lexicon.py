"""``data/lexicon.yml``: the wording of the resolution's language (comparators, indicator keywords, period cues…).

The registry checks targets' comparator wording against it; :mod:`kg_metrics.data.extract` reads a
resolution with all of it. Loading checks every pattern compiles, every indicator and unit named
exists, and every comparator is one the registry knows.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from kg_metrics.data.validation import context, load_yaml
from kg_metrics.errors import DataError, DataProblem

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
    keyword: str = Field(min_length=1)
    indicator: str
    measure: str | None = None

    @field_validator("indicator")
    @classmethod
    def _indicator(cls, v: str, info: ValidationInfo) -> str:
        known = context(info).get("indicators")
        if known is not None and v not in known:
            raise ValueError(f"unknown indicator {v!r}; it must be listed in indicators.csv")
        return v

    @field_validator("measure")
    @classmethod
    def _measure(cls, v: str | None) -> str | None:
        if v is not None and v not in KEYWORD_MEASURES:
            raise ValueError(f"must be one of: {', '.join(KEYWORD_MEASURES)}")
        return v


class PeriodCue(_Strict):
    pattern: str
    kind: str

    _v_pattern = field_validator("pattern")(lambda v: _pattern(v))

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in CUE_KINDS:
            raise ValueError(f"must be one of: {', '.join(CUE_KINDS)}")
        return v


class ReferencePattern(_Strict):
    pattern: str
    reason: str = Field(min_length=1)

    _v_pattern = field_validator("pattern")(lambda v: _pattern(v))


class UnitAlias(_Strict):
    wording: str = Field(min_length=1)
    unit: str
    power_of_ten: int = 0

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str, info: ValidationInfo) -> str:
        known = context(info).get("units")
        if known is not None and v not in known:
            raise ValueError(f"unit {v!r} not in units.csv")
        return v


class LexiconFile(_Strict):
    """The contents of ``lexicon.yml`` (its comments say what each entry is for)."""

    comparators: dict[str, str]
    comparators_after: list[str]
    indicator_keywords: list[IndicatorKeyword] = Field(min_length=1)
    period_cues: list[PeriodCue] = Field(min_length=1)
    document_types: list[str] = Field(min_length=1)
    reference_patterns: list[ReferencePattern]
    scale_words: dict[str, int]
    unit_aliases: list[UnitAlias]
    share_of_plan: str
    share_of_plan_before: str = Field(min_length=1)
    same_period: str
    growth_wording: str
    annual_quota: str
    aim_wording: str = Field(min_length=1)
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


def read_lexicon(path: Path, shown: str, indicators: Any = None, units: Any = None) -> LexiconFile:
    """Load and validate a lexicon file; ``indicators`` and ``units`` (ids), when given, are checked against.

    Raises :class:`DataError` naming the file and the entry of every problem.
    """
    if not Path(path).exists():
        raise DataError([DataProblem(shown, "not found (catalog.yml's lexicon entry names it)")])
    raw = load_yaml(Path(path), shown)
    if not isinstance(raw, dict):
        raise DataError([DataProblem(shown, "must be a mapping of entries to values")])
    ctx = {"indicators": None if indicators is None else set(indicators),
           "units": None if units is None else set(units)}
    try:
        return LexiconFile.model_validate(raw, context=ctx)
    except ValidationError as exc:
        raise DataError([DataProblem(shown, e["msg"].removeprefix("Value error, "),
                                     field=".".join(map(str, e["loc"])) or None) for e in exc.errors()]) from None


__all__ = ["COMPARATORS", "CUE_KINDS", "IndicatorKeyword", "LexiconFile", "PeriodCue", "ReferencePattern",
           "UnitAlias", "read_lexicon"]
