"""Field checks shared by the data files' row models: numbers, units, clauses, identifiers, paths, YAML.

The registry, the observations, the lexicon and the scenario files validate their rows with
pydantic models; these are the checks they have in common. A check reads what it needs to
know (the decimal convention, the units, the resolution) from the validation context that
the loader passes (``model_validate(row, context=...)``).
"""
from __future__ import annotations

import datetime as _dt
import math
import re
import stat
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
    except (ValueError, OSError, RuntimeError):  # elsewhere; a symbolic-link loop
        return str(path)


# =========================================================================== reading input files
#: The largest YAML data file read (bytes): the shipped ones are a few kilobytes.
MAX_YAML_BYTES = 1 << 20
#: The deepest nesting of YAML collections accepted (the shipped files nest 4 deep).
MAX_YAML_DEPTH = 32
#: The largest text document read (bytes): the shipped resolution is 40 KB; a long one, a few hundred.
MAX_TEXT_BYTES = 8 * 1024 * 1024

# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates, which make text display other than it reads ("Trojan source"),
# line/paragraph separators, and lone surrogates (which cannot be written out as UTF-8).
_INVISIBLE = re.compile("[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _input_error(shown_as: str, message: str, line: int | None = None) -> DataError:
    return DataError([DataProblem(shown_as, message, line=line)])


def read_text_file(path: Path | str, shown_as: str, *, max_bytes: int, what: str = "a UTF-8 text file",
                   allow: str = "") -> str:
    """The text of an input file, refused with one :class:`DataError` naming ``shown_as`` unless it is what
    a person would save as ``what``: an existing regular file (not a folder, device, pipe or socket; a
    symbolic link is followed), readable, at most ``max_bytes`` long, UTF-8 (a leading byte-order mark is
    dropped), and free of control characters but tab, line feed, carriage return and those in ``allow``.

    Examples
    --------
    >>> read_text_file("/dev/zero", "zero.yml", max_bytes=10)
    Traceback (most recent call last):
    ...
    kg_metrics.errors.DataError: 1 problem(s) in the input data:
      - zero.yml: is not a regular file (a device, pipe or socket); expected a UTF-8 text file
    """
    p = Path(path)
    try:
        st = p.stat()  # follows symbolic links: a link to /dev/zero is a device
    except FileNotFoundError:
        raise _input_error(shown_as, "is a broken symbolic link" if p.is_symlink() else "not found") from None
    except NotADirectoryError:
        raise _input_error(shown_as, "not found (a folder on its path is a file)") from None
    except PermissionError:
        raise _input_error(shown_as, "cannot be read: permission denied") from None
    except (OSError, ValueError) as exc:  # a symbolic-link loop, a name too long, a NUL byte in the name
        raise _input_error(shown_as, f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise _input_error(shown_as, f"is a folder; expected {what}")
    if not stat.S_ISREG(st.st_mode):
        raise _input_error(shown_as, f"is not a regular file (a device, pipe or socket); expected {what}")
    too_big = f"is larger than {max_bytes:,} bytes; {what} of this kind is smaller"  # not prose: operator message
    if st.st_size > max_bytes:
        raise _input_error(shown_as, too_big)
    try:
        with open(p, "rb") as fh:
            raw = fh.read(max_bytes + 1)  # never more, whatever the file claims to be
    except PermissionError:
        raise _input_error(shown_as, "cannot be read: permission denied") from None
    except OSError as exc:
        raise _input_error(shown_as, f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise _input_error(shown_as, too_big)
    return decode_text(raw, shown_as, what=what, allow=allow)


def read_text_document(path: Path | str, shown_as: str, *, what: str, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """A text document (a resolution): :func:`read_text_file` (a form feed allowed: a page break), line ends
    made ``\\n``, and refused when it holds nothing but white space."""
    text = read_text_file(path, shown_as, max_bytes=max_bytes, what=what, allow="\f")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    if not text.strip():
        raise _input_error(shown_as, f"is empty; expected {what}")
    return text


def decode_text(raw: bytes, shown_as: str, *, what: str = "a UTF-8 text file", allow: str = "") -> str:
    """``raw`` decoded as UTF-8 text (see :func:`read_text_file`), else a :class:`DataError` naming the line.

    Examples
    --------
    >>> decode_text("\\ufeffname: low\\r\\n".encode(), "x.yml")
    'name: low\\r\\n'
    >>> decode_text("tên: thấp".encode("utf-16"), "x.yml")
    Traceback (most recent call last):
    ...
    kg_metrics.errors.DataError: 1 problem(s) in the input data:
      - x.yml: is UTF-16 or UTF-32 text; save it as UTF-8
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise _input_error(shown_as, "is UTF-16 or UTF-32 text; save it as UTF-8")
    if (nul := raw.find(b"\x00")) >= 0:
        line = raw[:nul].count(b"\n") + 1
        raise _input_error(shown_as, f"is binary (a NUL byte at line {line}), or UTF-16 without a byte-order mark; "
                                 f"expected {what}", line=line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise _input_error(shown_as, f"is not UTF-8 (byte {raw[exc.start]:#04x} at line {line}; Latin-1 or "
                                 "Windows-125x?); save it as UTF-8", line=line) from None
    text = text.removeprefix("\ufeff")
    for m in _CONTROL.finditer(text):
        if m.group() not in allow:
            line = text.count("\n", 0, m.start()) + 1
            raise _input_error(shown_as, f"contains a control character (U+{ord(m.group()):04X}) at line {line}; "
                                     f"expected {what}", line=line)
    return text


def plain_text(v: str, max_chars: int, one_line: bool = True) -> str:
    """A field check for free text (a title, a justification): stripped, not empty, at most ``max_chars``
    characters, one line unless ``one_line`` is False, and without control, bidirectional-override or
    other invisible characters.

    Examples
    --------
    >>> plain_text("  Thấp  ", 10)
    'Thấp'
    >>> plain_text("a\\u202eb", 10)
    Traceback (most recent call last):
    ...
    ValueError: contains an invisible or control character (U+202E)
    """
    v = v.strip()
    if not v:
        raise ValueError("must not be empty")
    if one_line and ("\n" in v or "\r" in v):
        raise ValueError("must be one line")
    if m := (_CONTROL.search(v.replace("\n", "").replace("\r", "").replace("\t", "")) or _INVISIBLE.search(v)):
        raise ValueError(f"contains an invisible or control character (U+{ord(m.group()):04X})")
    if len(v) > max_chars:
        raise ValueError(f"is {len(v):,} characters long; at most {max_chars:,} are allowed")
    return v


# ----------------------------------------------------------------------------------- YAML
_YAML_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Refused(yaml.constructor.ConstructorError):
    """Valid YAML that a data file may not hold (a key given twice, a merge key)."""


class StrictYamlLoader(_YAML_BASE):  # type: ignore[misc, valid-type]
    """YAML's safe loader, refusing a key given twice (YAML would keep the last silently) and merge keys
    (``<<``). Anchors and aliases are refused before it runs (:func:`parse_yaml`)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                line = key_node.start_mark.line + 1
                if key_node.tag == _MERGE:
                    raise _Refused(None, None, "merge keys ('<<') are not allowed", key_node.start_mark)
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise _Refused(None, None, f"a key must be a single value, not a {type(key).__name__}",
                                   key_node.start_mark) from None
                if key in seen:
                    raise _Refused(None, None, f"key {_short(key)} is given twice (first at line {seen[key]})",
                                   key_node.start_mark)
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


class StrictYamlLoaderNoDates(StrictYamlLoader):
    """:class:`StrictYamlLoader` reading an unquoted ``2024-07-18`` as text, as a field checks it."""

    yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != _TIMESTAMP]
                               for k, v in StrictYamlLoader.yaml_implicit_resolvers.items()}


def _short(v: Any, limit: int = 60) -> str:
    r = repr(v)
    return r if len(r) <= limit else r[:limit - 1] + "…"


def _scan_events(text: str, shown_as: str, max_depth: int) -> None:
    """Refuse anchors, aliases (a "billion laughs" file expands to gigabytes) and deep nesting, from the
    parser's events: nothing is composed or built before this passes."""
    depth = 0
    for ev in yaml.parse(text, Loader=_YAML_BASE):
        line = ev.start_mark.line + 1 if ev.start_mark is not None else None
        if isinstance(ev, yaml.AliasEvent):
            raise _input_error(shown_as, f"uses an alias (*{str(ev.anchor)[:40]}); YAML anchors and aliases are not "
                                     "allowed: write every value out", line=line)
        if getattr(ev, "anchor", None) is not None:
            raise _input_error(shown_as, f"defines an anchor (&{str(ev.anchor)[:40]}); YAML anchors and aliases are not "
                                     "allowed: write every value out", line=line)
        if isinstance(ev, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise _input_error(shown_as, f"is nested more than {max_depth} levels deep", line=line)
        elif isinstance(ev, yaml.CollectionEndEvent):
            depth -= 1


_PLAIN = (str, int, float, bool, type(None))


def _type_problems(value: Any, shown_as: str, lines: dict[tuple, int], dates: bool, path: tuple = ()
                   ) -> list[DataProblem]:
    """Values YAML may build but no data file has: bytes (``!!binary``), sets (``!!set``), pairs…"""
    plain = _PLAIN + ((_dt.date,) if dates else ())
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out += _type_problems(v, shown_as, lines, dates, path + (str(k),))
        return out
    if isinstance(value, list):
        out = []
        for i, v in enumerate(value):
            out += _type_problems(v, shown_as, lines, dates, path + (i,))
        return out
    if isinstance(value, plain):
        return []
    return [DataProblem(shown_as, f"a value of type {type(value).__name__} is not allowed here (a YAML tag such as "
                                  "!!binary or !!set?)", field=".".join(map(str, path)) or None,
                        line=line_of(lines, path))]


def yaml_lines(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """The 1-based line of every mapping key / sequence item of a composed YAML document, by path."""
    out: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = path + (str(k.value),)
            out[key] = k.start_mark.line + 1
            out.update(yaml_lines(v, key))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out[path + (i,)] = v.start_mark.line + 1
            out.update(yaml_lines(v, path + (i,)))
    return out


def line_of(lines: dict[tuple, int], loc: tuple) -> int | None:
    """The line of ``loc`` (a field path) in :func:`yaml_lines`, else of its nearest enclosing key."""
    loc = tuple(str(x) if not isinstance(x, int) else x for x in loc)
    while loc:
        for candidate in (loc, tuple(map(str, loc))):  # a mapping's key 1 is '1' in the lines
            if candidate in lines:
                return lines[candidate]
        loc = loc[:-1]
    return None


def parse_yaml(text: str, shown_as: str, *, dates: bool = True, max_depth: int = MAX_YAML_DEPTH
               ) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML strictly: ``(value, lines)``, ``lines`` as :func:`yaml_lines` gives them.

    Refused with a :class:`DataError` naming ``shown_as`` and the line: invalid YAML, anchors and aliases,
    nesting deeper than ``max_depth``, a key given twice, merge keys, more than one document, values of
    other types than text, numbers, booleans, null, lists and mappings (and dates when ``dates``; without
    it an unquoted ``2024-07-18`` is read as text).

    Examples
    --------
    >>> parse_yaml("a: &x [1]\\nb: *x\\n", "x.yml")
    Traceback (most recent call last):
    ...
    kg_metrics.errors.DataError: 1 problem(s) in the input data:
      - x.yml, line 1: defines an anchor (&x); YAML anchors and aliases are not allowed: write every value out
    """
    try:
        _scan_events(text, shown_as, max_depth)
        loader = (StrictYamlLoader if dates else StrictYamlLoaderNoDates)(text)
        try:
            node = loader.get_single_node()
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or exc
        raise _input_error(shown_as, str(what) if isinstance(exc, _Refused) else f"is not valid YAML: {what}",
                           line=mark.line + 1 if mark is not None else None) from None
    except (ValueError, ArithmeticError, RecursionError, TypeError) as exc:  # a date such as 2024-02-30
        reason = str(exc).split(";")[0]  # Python's limit on an integer's digits adds advice for programmers
        raise _input_error(shown_as, f"is not valid YAML: {reason}") from None
    lines = yaml_lines(node)
    if problems := _type_problems(value, shown_as, lines, dates):
        raise DataError(problems)
    return value, lines


def load_yaml(path: Path, shown_as: str, *, dates: bool = True, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """Read and parse a YAML file strictly (:func:`read_text_file`, :func:`parse_yaml`); every problem names
    the file, and the line where there is one."""
    return parse_yaml(read_text_file(path, shown_as, max_bytes=max_bytes, what="a UTF-8 YAML file"),
                      shown_as, dates=dates)[0]


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
        try:
            return float(v) + 0.0
        except OverflowError:
            raise ValueError(f"{_short(v, 30)} is too large for a number") from None
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"must be a finite number, not {v!r}")
        if ctx.get("from_file"):
            example = repr(format_number(2.46, convention))  # '2,46' in Vietnamese notation
            raise ValueError(f"{v!r}: write a decimal as a quoted string in the data's notation (decimal_convention: "
                             f"{convention}), e.g. {example}, so that it cannot be misread")
        return v
    if v is None or (isinstance(v, str) and not v.strip()):
        raise ValueError("is empty; a number is required")
    if isinstance(v, str):
        if len(v) > 100:  # no figure is written with a hundred characters
            raise ValueError(f"{_short(v, 30)} is {len(v):,} characters long, not a number")
        try:
            x = float(parse_number(v, convention))
        except NumberParseError as exc:
            raise ValueError(str(exc)) from None
        if not v.isascii():  # '２,５' or '2²': digits Python reads, but no one types into the data
            raise ValueError(f"{_short(v, 30)} is not a number in the data's notation: write it with the digits 0-9")
        if not math.isfinite(x):
            raise ValueError(f"{_short(v, 30)} is too large for a number")
        return x + 0.0  # -0 is 0
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


__all__ = ["MAX_TEXT_BYTES", "MAX_YAML_BYTES", "MAX_YAML_DEPTH", "NonEmpty", "StrictYamlLoader", "check_clause", "check_indicator",
           "check_measure_unit", "check_unit", "context", "decode_text", "figure_problems", "line_of", "listed_in",
           "load_yaml", "number", "one_of", "parse_yaml", "plain_text", "read_text_document", "read_text_file",
           "shown_path", "slug",
           "yaml_lines"]
