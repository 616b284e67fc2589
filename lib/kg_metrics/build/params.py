"""Build parameters from a YAML file (``kg-metrics build --params FILE.yml``, for scheduled runs)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from kg_metrics.data.registry import load_yaml
from kg_metrics.errors import DataError, DataProblem
from kg_metrics.text.format import LANGS


class BuildParams(BaseModel):
    """Every key is optional; command-line options take precedence over the file."""

    model_config = ConfigDict(extra="forbid", strict=True)
    sectors: list[str] | None = None  # sector ids; default: every sector
    langs: list[str] = list(LANGS)  # default: every language, Vietnamese first (as the command's)
    as_of: str = "2024-07-18"  # ISO date of the assessment
    overview: bool | None = None  # default: with the sectors when none are named
    force: bool = False  # rebuild briefings whose inputs are unchanged

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
        if isinstance(v, date):  # YAML reads an unquoted 2024-07-18 as a date
            v = v.isoformat()
        if not isinstance(v, str):
            raise ValueError("must be an ISO date such as 2024-07-18")
        date.fromisoformat(v)
        return v


def load_build_params(path: Path | str) -> dict:
    """Read a YAML file of build parameters (:class:`BuildParams`); DataError names the file and field."""
    shown = str(path)
    raw = load_yaml(Path(path), shown)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DataError([DataProblem(shown, "must be a mapping of parameter names to values")])
    try:
        return BuildParams.model_validate(raw).model_dump()
    except ValidationError as exc:
        raise DataError([DataProblem(shown, e["msg"].removeprefix("Value error, ") + f" (got {e.get('input')!r})",
                                     field=".".join(map(str, e["loc"]))) for e in exc.errors()]) from None
