"""Build parameters from a YAML file (``kg-metrics build --params FILE.yml``, for scheduled runs).

The file is read as strictly as the data (:func:`kg_metrics.data.validation.parse_yaml`): UTF-8, at most
:data:`MAX_PARAMS_BYTES`, no anchors or aliases, no key given twice, a mapping of known keys. Every
problem is a :class:`~kg_metrics.errors.DataError` naming the file and the field, before any work.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from kg_metrics.data.validation import parse_yaml, read_text_file
from kg_metrics.errors import DataError, DataProblem, one_line
from kg_metrics.text.format import LANGS

#: The largest parameter file read (bytes): a handful of keys.
MAX_PARAMS_BYTES = 64 * 1024
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECTOR = re.compile(r"[a-z][a-z0-9_]{0,63}")


class BuildParams(BaseModel):
    """Every key is optional; command-line options take precedence over the file."""

    model_config = ConfigDict(extra="forbid", strict=True)
    sectors: list[str] | None = None  # sector ids; default: every sector
    langs: list[str] = list(LANGS)  # default: every language, Vietnamese first (as the command's)
    as_of: str = "2024-07-18"  # ISO date of the assessment
    overview: bool | None = None  # default: with the sectors when none are named
    force: bool = False  # rebuild briefings whose inputs are unchanged

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        if not v:
            raise ValueError("name at least one sector, or leave 'sectors' out for every sector")
        bad = [s for s in v if not _SECTOR.fullmatch(s)]
        if bad:
            raise ValueError(f"{one_line(repr(bad[0]), 80)} is not a sector id (lower-case letters, digits, '_')")
        return v

    @field_validator("langs")
    @classmethod
    def _langs(cls, v: list[str]) -> list[str]:
        bad = [x for x in v if x not in LANGS]
        if bad or not v:
            raise ValueError(f"languages must be {' or '.join(map(repr, LANGS))}")  # the caller adds the value
        return v

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v):
        if isinstance(v, date):  # a YAML date, from a loader that reads them
            v = v.isoformat()
        if not isinstance(v, str) or not _ISO_DATE.fullmatch(v):
            raise ValueError("must be an ISO date YYYY-MM-DD such as 2024-07-18")
        date.fromisoformat(v)  # ValueError: a day that does not exist (2024-02-30)
        return v


def _known_sectors() -> list[str] | None:
    """The sectors of the project's data (a cheap read), None when it cannot be read (the build says why)."""
    from kg_metrics.build.keys import briefing_sectors  # lazy: only for a file that names sectors
    from kg_metrics.paths import default_data_dir  # lazy: as above

    try:
        return briefing_sectors(default_data_dir())
    except Exception:  # unreadable data: the build's own validation names file, row and field
        return None


def load_build_params(path: Path | str) -> dict:
    """Read a YAML file of build parameters (:class:`BuildParams`); DataError names the file and field.

    An empty file (or one of comments only) means every default.
    """
    shown = str(path)
    what = "a YAML file of build parameters"  # not prose: operator message
    raw, _ = parse_yaml(read_text_file(path, shown, max_bytes=MAX_PARAMS_BYTES, what=what), shown, dates=False)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        got = "a list" if isinstance(raw, list) else f"a single value ({type(raw).__name__})"
        raise DataError([DataProblem(shown, f"must be a mapping of parameter names to values, not {got}")])
    try:
        params = BuildParams.model_validate(raw).model_dump()
    except ValidationError as exc:
        raise DataError([DataProblem(shown, e["msg"].removeprefix("Value error, ")
                                     + f" (got {one_line(repr(e.get('input')), 80)})",
                                     field=".".join(map(str, e["loc"]))) for e in exc.errors()]) from None
    known = _known_sectors() if params["sectors"] else None
    unknown = [s for s in params["sectors"] or [] if known is not None and s not in known]
    if unknown:
        raise DataError([DataProblem(shown, f"unknown sector {unknown[0]!r}; expected one of: {', '.join(known or [])}",
                                     field="sectors")])
    return params
