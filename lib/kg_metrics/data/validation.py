"""Field checks shared by the data files' row models: numbers, units, clauses, identifiers, paths, YAML.

The registry, the observations, the lexicon and the scenario files validate their rows with
pydantic models; these are the checks they have in common. A check reads what it needs to
know (the decimal convention, the units, the resolution) from the validation context that
the loader passes (``model_validate(row, context=...)``).
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable

import yaml
from pydantic import Field, ValidationInfo

from kg_metrics.data.resolution import Resolution
from kg_metrics.errors import DataError, DataProblem
from kg_metrics.text.format import NumberParseError, format_number, parse_number

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")

#: A field's type for text that must not be empty (a name, a symbol, a quote, a wording).
NonEmpty = Annotated[str, Field(min_length=1)]


def context(info: ValidationInfo) -> dict[str, Any]:
    """The validation context the loader passed (empty when there is none)."""
    return info.context or {}


def shown_path(path: Path, data_dir: Path) -> str:
    """A path as messages show it: ``data/targets.csv`` (relative to the data dir's parent).

    Examples
    --------
    >>> shown_path(Path("/repo/data/targets.csv"), Path("/repo/data"))
    'data/targets.csv'
    """
    try:
        return str(Path(path).resolve().relative_to(Path(data_dir).resolve().parent))
    except ValueError:
        return str(path)


def load_yaml(path: Path, shown_as: str) -> Any:
    """Parse a YAML file; a syntax error names the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([DataProblem(shown_as, f"cannot be read as UTF-8 text: {exc}")]) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise DataError([DataProblem(shown_as, f"is not valid YAML: {getattr(exc, 'problem', exc)}",
                                     line=line)]) from None


def slug(v: str) -> str:
    """An identifier: lower-case letters, digits and '_', starting with a letter."""
    if not _SLUG.match(v):
        raise ValueError("must be a lower-case identifier (letters, digits, '_')")
    return v


def number(v: Any, info: ValidationInfo) -> float:
    """A number as the data write it: an integer, or a string in the data's decimal convention.

    The convention is the context's ``convention`` (default ``vi``). A float is accepted from
    Python but refused when the context says it was read from a file (``from_file``): YAML
    reads ``9.200`` as 9.2, which in Vietnamese notation means 9200, so a decimal must be a
    quoted string there. Booleans, NaN, infinities and empty values are refused.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> number("55.467,04", NS(context={"convention": "vi"})), number(3, NS(context=None))
    (55467.04, 3.0)
    >>> number("", NS(context=None))
    Traceback (most recent call last):
    ...
    ValueError: is empty; a number is required
    """
    ctx = context(info)
    convention = ctx.get("convention", "vi")
    if isinstance(v, bool):
        raise ValueError(f"must be a number, not {v!r}")
    if isinstance(v, int):
        return float(v)
    if isinstance(v, float):
        if ctx.get("from_file"):
            example = repr(format_number(2.46, convention))  # '2,46' in Vietnamese notation
            raise ValueError(f"{v!r}: write a decimal as a quoted string in the data's notation (decimal_convention: "
                             f"{convention}), e.g. {example}, so that it cannot be misread")
        if not math.isfinite(v):
            raise ValueError(f"must be a finite number, not {v!r}")
        return v
    if v is None or (isinstance(v, str) and not v.strip()):
        raise ValueError("is empty; a number is required")
    if isinstance(v, str):
        try:
            return float(parse_number(v, convention))
        except NumberParseError as exc:
            raise ValueError(str(exc)) from None
    raise ValueError(f"must be a number, not {type(v).__name__}")


def one_of(choices: Iterable[str], message: str = "must be one of: {known}") -> Callable[[Any], Any]:  # not prose: operator message
    """A field check: the value is one of ``choices`` (None, an optional field left out, passes).

    ``message`` may name the choices (``{known}``, comma-separated). Use it as
    ``_v_kind = field_validator("kind")(one_of(KINDS))``.

    Examples
    --------
    >>> one_of(("H1", "H2"))("H2")
    'H2'
    >>> one_of(("H1", "H2"))("Q3")
    Traceback (most recent call last):
    ...
    ValueError: must be one of: H1, H2
    """
    choices = tuple(choices)

    def check(v: Any) -> Any:
        if v is not None and v not in choices:
            raise ValueError(message.format(known=", ".join(choices)))
        return v

    return check


def listed_in(key: str, message: str) -> Callable[[Any, ValidationInfo], Any]:
    """A field check: the value is one of what the context's ``key`` lists (a file's ids, read before).

    Unchecked when the context gives ``None`` for ``key``; without ``key`` at all nothing is listed.
    ``message`` may name the value (``{v!r}``) and what is listed (``{known}``, comma-separated).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> check = listed_in("areas", "{v!r} is not one of: {known}")
    >>> check("a", NS(context={"areas": ["a", "b"]})), check("z", NS(context={"areas": None}))
    ('a', 'z')
    >>> check("z", NS(context={"areas": ["a", "b"]}))
    Traceback (most recent call last):
    ...
    ValueError: 'z' is not one of: a, b
    """
    def check(v: Any, info: ValidationInfo) -> Any:
        known = context(info).get(key, ())
        if known is not None and v not in known:
            raise ValueError(message.format(v=v, known=", ".join(known)))
        return v

    return check


#: A unit of units.csv (the context's ``units``).
check_unit = listed_in("units", "unit not in units.csv; known: {known}")  # not prose: operator message
#: An indicator of indicators.csv (the context's ``indicators``).
check_indicator = listed_in("indicators", "unknown indicator {v!r}; it must be listed in indicators.csv")  # not prose: operator message


def check_clause(v: str, info: ValidationInfo) -> str:
    """A citation ('Điều 1, khoản 2, điểm a') that the context's ``resolution`` has, in its structure's form.

    Unchecked without a resolution in the context.
    """
    res: Resolution | None = context(info).get("resolution")
    if res is not None:
        res.structure.parse(v)  # ValueError: not a citation
        if v not in res.refs():
            raise ValueError("the resolution has no such clause")
    return v


def check_measure_unit(measure: str, value: float, unit: str, indicator: dict | None, units: dict,
                       problems: list[tuple[str, str]]) -> None:
    """Append (field, message) to ``problems`` when ``value`` in ``unit`` cannot be a ``measure`` of ``indicator``.

    A level is not negative and is in a unit of the indicator's base unit; every other measure is in
    'pct', and a share is not negative.
    """
    if measure == "level":
        if value < 0:
            problems.append(("value", "a level cannot be negative"))  # not prose: operator message
        if indicator and unit in units and indicator["unit"] in units:
            if units[unit]["base_unit"] != units[indicator["unit"]]["base_unit"]:
                problems.append(("unit", f"'{unit}' cannot express {indicator['indicator']}, "
                                 f"which is measured in '{indicator['unit']}'"))  # not prose: operator message
    elif unit != "pct":
        problems.append(("unit", f"a {measure} figure is in 'pct'"))  # not prose: operator message
    if measure in ("share_of_plan_pct", "pct_of_prior_year") and value < 0:
        problems.append(("value", "a share cannot be negative"))  # not prose: operator message


def figure_problems(row: Any, info: ValidationInfo) -> list[tuple[str, str]]:
    """:func:`check_measure_unit`'s problems with a row that gives a figure (``indicator``, ``measure``,
    ``value``, ``unit``: a target, an observation), against the context's ``indicators`` and ``units``."""
    ctx = context(info)
    problems: list[tuple[str, str]] = []
    check_measure_unit(row.measure, row.value, row.unit, ctx.get("indicators", {}).get(row.indicator),
                       ctx.get("units", {}), problems)
    return problems


__all__ = ["NonEmpty", "check_clause", "check_indicator", "check_measure_unit", "check_unit", "context", "figure_problems",
           "listed_in", "load_yaml", "number", "one_of", "shown_path", "slug"]
