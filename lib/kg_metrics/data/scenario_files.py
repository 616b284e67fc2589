"""Scenario files: the schema of ``data/scenarios/<name>.yml``, loading with line numbers, saving.

What a scenario may set, and how its outcomes are computed: :mod:`kg_metrics.analysis.scenarios`.
"""
from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, ValidationInfo, field_validator

from kg_metrics.errors import DataError, DataProblem, ParameterError
from kg_metrics.data.validation import (line_of, load_yaml, number, parse_yaml, plain_text, read_text_file,
                                        shown_path)
from kg_metrics.paths import default_data_dir
from kg_metrics.text.format import LANGS, format_number

if TYPE_CHECKING:  # the registry pulls in pandas: a scenario file is checked without it (check_scenario_file)
    from kg_metrics.data.registry import Registry


#: A sane range for any growth rate of a scenario (H2 y/y or a revised H1), in percent.
GROWTH_RANGE_PCT = (-50.0, 100.0)
#: A sane range for w₁, the H1 share of a year (fraction).
H1_WEIGHT_RANGE = (0.3, 0.7)
#: Where scenario files live, inside a data directory.
SCENARIO_DIR = "scenarios"
#: The name of the scenario that changes nothing (every scenario's starting point).
BASELINE = "baseline"
#: Justification of an explorer setting that differs from the scenario it started from.
EXPLORER_SOURCE = "explorer (notebooks/explorer.ipynb)"

#: The largest scenario file read (bytes); the shipped ones are under 5 KB.
MAX_SCENARIO_BYTES = 256 * 1024
#: The longest text each kind of field may hold (characters).
MAX_CHARS = {"title": 300, "description": 4000, "justification": 1000, "source": 2000}

_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# A URL (no space, quote, angle bracket or backslash), a derivation, or the explorer's mark.
_SOURCE = re.compile(r"^(https?://[^\s\"'<>\\`{}|^]+|derived from \S.*|explorer\b.*)$")


# =========================================================================== schema
def _sane(what: str, bounds: tuple[float, float], optional: bool = False
          ) -> Callable[[Any, ValidationInfo], float | None]:
    """A field check: a number of the data (:func:`number`) within ``bounds``; None passes when ``optional``."""
    lo, hi = bounds

    def check(v: Any, info: ValidationInfo) -> float | None:
        if v is None and optional:
            return None
        x = number(v, info)
        if not lo <= x <= hi:
            raise ValueError(f"{what} {x:g} is outside the sane range [{lo:g}, {hi:g}]")
        return x

    return check


class _Sourced(BaseModel):
    """What every assumption carries: a one-line justification and a source.

    ``justification`` is the author's note, in any language; ``justification_vi`` / ``justification_en``, when
    given, are what a briefing in that language shows instead (:meth:`justification_in`), so that a
    Vietnamese briefing never shows an English note.
    """

    model_config = ConfigDict(extra="forbid")
    justification: str
    justification_vi: str | None = None
    justification_en: str | None = None
    source: str

    @field_validator("justification", "justification_vi", "justification_en")
    @classmethod
    def _one_line(cls, v: str | None) -> str | None:
        if v is None:
            return None
        try:
            return plain_text(v, MAX_CHARS["justification"])
        except ValueError as exc:
            raise ValueError(f"must be one non-empty line of text ({exc})") from None

    def justification_in(self, lang: str) -> str:
        """The justification in ``lang`` when the file gives one, else the author's own."""
        return getattr(self, f"justification_{lang}", None) or self.justification

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        v = plain_text(v, MAX_CHARS["source"])
        if not _SOURCE.match(v):
            raise ValueError("must be a URL, 'derived from observations/<file>.csv: <indicator>/<measure>/<period>' "
                             "or 'explorer …'")
        return v


class H2Growth(_Sourced):
    """An H2 year-on-year growth assumption (%)."""

    h2_growth_pct: float

    _v_value = field_validator("h2_growth_pct", mode="before")(_sane("H2 growth (%)", GROWTH_RANGE_PCT))


class H1Weight(_Sourced):
    """An override of w₁, the H1 share of the base year (fraction)."""

    h1_weight: float

    _v_value = field_validator("h1_weight", mode="before")(_sane("w₁", H1_WEIGHT_RANGE))


class H1Revision(_Sourced):
    """A revised H1 figure of the target year: its y/y growth (%) or its level (indicator's unit)."""

    growth_yoy_pct: float | None = None
    level: float | None = None

    _v_growth = field_validator("growth_yoy_pct", mode="before")(
        _sane("H1 growth (%)", GROWTH_RANGE_PCT, optional=True))

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v: Any, info: ValidationInfo) -> float | None:
        if v is None:
            return None
        x = number(v, info)
        if x <= 0:
            raise ValueError(f"a level must be positive, not {x:g}")
        return x

    @property
    def measure(self) -> str:
        return "growth_yoy_pct" if self.growth_yoy_pct is not None else "level"

    @property
    def value(self) -> float:
        return self.growth_yoy_pct if self.growth_yoy_pct is not None else float(self.level)  # type: ignore[arg-type]


class Scenario(BaseModel):
    """A scenario: a name, titles, and the assumptions it changes (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    title_vi: str
    title_en: str
    description_vi: str = ""
    description_en: str = ""
    h1_weight: H1Weight | None = None
    h1_revisions: dict[str, H1Revision] = {}
    sectors: dict[str, H2Growth] = {}
    indicators: dict[str, H2Growth] = {}
    _path: Path | None = PrivateAttr(default=None)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _SLUG.fullmatch(v):
            raise ValueError("must be a lower-case identifier (letters, digits, '_'; at most 64), as the file name")
        return v

    @field_validator("title_vi", "title_en")
    @classmethod
    def _title(cls, v: str) -> str:
        try:
            return plain_text(v, MAX_CHARS["title"])
        except ValueError as exc:
            raise ValueError(f"must be one non-empty line of text ({exc})") from None

    @field_validator("description_vi", "description_en")
    @classmethod
    def _description(cls, v: str) -> str:
        return plain_text(v, MAX_CHARS["description"], one_line=False) if v.strip() else ""

    @property
    def path(self) -> Path | None:
        """The file the scenario was loaded from (None when built in memory)."""
        return self._path

    def title(self, lang: str) -> str:
        """The title in ``lang`` (the file's ``title_<lang>``)."""
        return getattr(self, f"title_{lang}")

    def description(self, lang: str) -> str:
        """The description in ``lang`` (the file's ``description_<lang>``; '' without one)."""
        return getattr(self, f"description_{lang}").strip()

    @property
    def is_empty(self) -> bool:
        """True when the scenario changes nothing (the baseline)."""
        return not (self.h1_weight or self.h1_revisions or self.sectors or self.indicators)


def scenario_indicators(reg: Registry) -> list[str]:
    """Indicators a scenario may give an H2 growth: additive, with a level target, outside the overview's sector.

    Examples
    --------
    >>> from kg_metrics.data.registry import load_registry
    >>> scenario_indicators(load_registry())[:2], "tourists" in scenario_indicators(load_registry())
    (['rice', 'ntm_communes'], True)
    """
    tg = reg.targets[(reg.targets["measure"] == "level") & reg.targets["additive"].astype(bool)
                     & (reg.targets["sector"] != reg.overview_sector)]
    return list(dict.fromkeys(tg["indicator"]))


def _revisable(reg: Registry) -> list[str]:
    return ["grdp", *reg.grdp_components, *scenario_indicators(reg)]


# =========================================================================== files
def scenarios_dir(data_dir: Path | str | None = None) -> Path:
    """``<data_dir>/scenarios`` (default data dir: this clone's ``data/``)."""
    return (Path(data_dir) if data_dir else default_data_dir()) / SCENARIO_DIR


def scenario_names(data_dir: Path | str | None = None) -> list[str]:
    """Names of the scenarios in ``<data_dir>/scenarios`` (the ``*.yml`` file stems), sorted.

    Cheap: it lists files and reads none (a file is validated when it is loaded).

    Examples
    --------
    >>> [n for n in scenario_names() if n in ("baseline", "high", "low")]
    ['baseline', 'high', 'low']
    """
    d = scenarios_dir(data_dir)
    return sorted(p.stem for p in d.glob("*.yml") if _SLUG.match(p.stem)) if d.is_dir() else []


def scenario_files(data_dir: Path | str | None, name: str) -> list[Path]:
    """The files a scenario briefing depends on beyond the briefing's own data files.

    That is the scenario file ``<data_dir>/scenarios/<name>.yml``. A scenario briefing of the overview
    or of a sector reads the same data files as the plain briefing, plus these.

    Examples
    --------
    >>> [p.name for p in scenario_files(None, "low")]
    ['low.yml']
    """
    if not isinstance(name, str) or not _SLUG.match(name) or name not in scenario_names(data_dir):
        shown = repr(name) if len(repr(name)) <= 60 else repr(name)[:59] + "…"
        raise ParameterError(f"{shown} is not a scenario in {scenarios_dir(data_dir)}; expected one of: "
                             f"{', '.join(scenario_names(data_dir))}")
    return [scenarios_dir(data_dir) / f"{name}.yml"]


def _fields_at(loc: tuple) -> list[str]:
    """The fields a scenario file may give at ``loc`` (a field path without the unknown field)."""
    models = {"h1_weight": H1Weight, "h1_revisions": H1Revision, "sectors": H2Growth, "indicators": H2Growth}
    model: type[BaseModel] = Scenario
    if loc:
        model = models.get(str(loc[0]), Scenario)
    return [f for f in model.model_fields]


def _resolve(name_or_path: str | Path, data_dir: Path | str | None) -> Path:
    s = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in s or s.endswith((".yml", ".yaml")):
        return Path(name_or_path)
    return scenarios_dir(data_dir) / f"{s}.yml"


def _read_scenario(path: Path, shown: str, data_dir: Path, convention: str) -> tuple[Scenario, dict[tuple, int]]:
    """The scenario of ``path`` and the line of each of its fields, every check but those that need the
    registry (the names of sectors and indicators); raises DataError naming file, line and field."""
    if not os.path.lexists(path):
        known = scenario_names(data_dir)
        raise DataError([DataProblem(shown, "not found; known scenarios: " + (", ".join(known) or "none"))])
    raw, lines = parse_yaml(read_text_file(path, shown, max_bytes=MAX_SCENARIO_BYTES, what="a scenario file (YAML)"),
                            shown, dates=False)
    if not isinstance(raw, dict):
        got = ("is empty" if raw is None else "is a list" if isinstance(raw, list)
               else f"is a single value ({type(raw).__name__})")
        raise DataError([DataProblem(shown, f"{got}; it must be a mapping with at least name, title_vi and title_en",
                                     line=1)])
    try:
        sc = Scenario.model_validate(raw, context={"convention": convention, "from_file": True})
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            msg = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                msg = "unknown field; expected one of: " + ", ".join(_fields_at(loc[:-1]))  # not prose: operator message
            problems.append(DataProblem(shown, msg, field=".".join(map(str, loc)) or None, line=line_of(lines, loc)))
        raise DataError(problems) from None
    return sc, lines


def check_scenario_file(data_dir: Path | str, name: str, convention: str) -> None:
    """Check ``<data_dir>/scenarios/<name>.yml`` without the registry (nor pandas): everything
    :func:`load_scenario` checks but the names of sectors and indicators, and the name. Cheap, so that a
    bad file is refused at once; raises DataError naming file, line and field."""
    data_dir = Path(data_dir)
    path = _resolve(name, data_dir)
    _read_scenario(path, shown_path(path, data_dir), data_dir, convention)


def load_scenario(name_or_path: str | Path, data_dir: Path | str | None = None,
                  reg: Registry | None = None) -> Scenario:
    """Load and validate a scenario: a name in ``<data_dir>/scenarios``, or a path to a ``.yml`` file.

    Raises :class:`DataError` naming the file, the field path (``sectors.<component>.h2_growth_pct``) and
    the line of every problem: unparseable YAML, a wrong type, an unknown sector or indicator, a growth
    outside :data:`GROWTH_RANGE_PCT`, a w₁ outside :data:`H1_WEIGHT_RANGE`, a name that is not the
    file's. ``reg`` (default: loaded from ``data_dir``) gives the indicators and the decimal convention.

    Examples
    --------
    >>> s = load_scenario("low")
    >>> s.name, s.sectors["va_services"].h2_growth_pct
    ('low', 6.15)
    """
    if reg is None:
        from kg_metrics.data.registry import load_registry  # lazy: pandas

        reg = load_registry(data_dir)
    data_dir = Path(data_dir) if data_dir else reg.data_dir
    path = _resolve(name_or_path, data_dir)
    shown = shown_path(path, data_dir)
    sc, lines = _read_scenario(path, shown, data_dir, reg.catalog.decimal_convention)
    problems: list[DataProblem] = []
    allowed = {"sectors": list(reg.grdp_components), "indicators": scenario_indicators(reg), "h1_revisions": _revisable(reg)}
    what = {"sectors": "GRDP component", "indicators": "indicator with an additive level target",  # not prose: operator message
            "h1_revisions": "indicator"}
    for group, keys in allowed.items():
        for k in getattr(sc, group):
            if k not in keys:
                problems.append(DataProblem(shown, f"unknown {what[group]} {k!r}; expected one of: {', '.join(keys)}",
                                            field=f"{group}.{k}", line=line_of(lines, (group, k))))
    for k, rev in sc.h1_revisions.items():
        if (rev.growth_yoy_pct is None) == (rev.level is None):
            problems.append(DataProblem(shown, "set exactly one of growth_yoy_pct and level",
                                        field=f"h1_revisions.{k}", line=line_of(lines, ("h1_revisions", k))))
    if sc.name != path.stem:
        problems.append(DataProblem(shown, f"name {sc.name!r} differs from the file name {path.stem!r}",
                                    field="name", line=line_of(lines, ("name",))))
    if problems:
        raise DataError(problems)
    sc._path = path
    return sc


def format_exact(x: float, convention: str = "vi") -> str:
    """A float written exactly (shortest round-tripping digits) in a decimal convention.

    Examples
    --------
    >>> format_exact(24948.203035), format_exact(-12.86), format_exact(0.5, "en"), format_exact(3.0)
    ('24.948,203035', '-12,86', '0.5', '3')
    """
    if convention not in LANGS:
        raise ValueError(f"unknown decimal convention {convention!r}")
    exact = Decimal(repr(float(x))).normalize()  # the shortest digits that read back as the same float
    return format_number(exact, convention, max(0, -exact.as_tuple().exponent))


def scenario_to_dict(scenario: Scenario, convention: str = "vi") -> dict:
    """The scenario as the YAML file writes it: numbers as strings in ``convention`` (exact)."""
    def num(x: float) -> Any:
        return int(x) if float(x).is_integer() and abs(x) < 1e15 else format_exact(x, convention)

    def sourced(a: _Sourced, key: str, value: float) -> dict:
        own = {f"justification_{lg}": getattr(a, f"justification_{lg}") for lg in ("vi", "en")
               if getattr(a, f"justification_{lg}")}
        return {key: num(value), "justification": a.justification, **own, "source": a.source}

    out: dict[str, Any] = {"name": scenario.name, "title_vi": scenario.title_vi, "title_en": scenario.title_en}
    if scenario.description_vi:
        out["description_vi"] = scenario.description_vi
    if scenario.description_en:
        out["description_en"] = scenario.description_en
    if scenario.h1_weight is not None:
        out["h1_weight"] = sourced(scenario.h1_weight, "h1_weight", scenario.h1_weight.h1_weight)
    if scenario.h1_revisions:
        out["h1_revisions"] = {k: sourced(r, r.measure, r.value) for k, r in scenario.h1_revisions.items()}
    for group in ("sectors", "indicators"):
        items = getattr(scenario, group)
        if items:
            out[group] = {k: sourced(a, "h2_growth_pct", a.h2_growth_pct) for k, a in items.items()}
    return out


def save_scenario(scenario: Scenario, path: Path | str, convention: str = "vi") -> Path:
    """Write ``scenario`` to ``path`` (a ``.yml`` file) so that :func:`load_scenario` reads it back equal.

    The scenario's name becomes the file's stem (the batch build finds a scenario by its file name),
    so ``save_scenario(s, "data/scenarios/mine.yml")`` makes ``--scenario mine`` build it.
    Returns the path written.
    """
    path = Path(path)
    if path.suffix != ".yml":
        raise ValueError(f"a scenario file ends in .yml, not {path.name!r}")
    if not _SLUG.match(path.stem):
        raise ValueError(f"{path.stem!r} is not a scenario name (lower-case letters, digits, '_')")
    sc = scenario.model_copy(update={"name": path.stem})
    head = (f"# Scenario '{sc.name}' for kg_metrics (format: data/scenarios/README.md).\n"  # not prose: file header
            f"# Numbers in the data's notation (decimal_convention: {convention}).\n")
    body = yaml.safe_dump(scenario_to_dict(sc, convention), sort_keys=False, allow_unicode=True, width=100_000)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(head + body, encoding="utf-8")
    tmp.replace(path)
    return path


def baseline_scenario(data_dir: Path | str | None = None) -> Scenario:
    """A scenario that changes nothing, titled as ``<data_dir>/scenarios/baseline.yml`` titles it.

    Only the file's titles and descriptions are read (without the file, the titles are the name): whatever
    else the file says, this scenario sets no assumption.

    Examples
    --------
    >>> s = baseline_scenario()
    >>> s.is_empty, s.title("en").startswith("Baseline")
    (True, True)
    """
    path = scenarios_dir(data_dir) / f"{BASELINE}.yml"
    shown = shown_path(path, scenarios_dir(data_dir).parent)
    raw = load_yaml(path, shown, dates=False, max_bytes=MAX_SCENARIO_BYTES) if path.is_file() else None
    texts = {k: v for k, v in (raw if isinstance(raw, dict) else {}).items()
             if isinstance(k, str) and k.startswith(("title_", "description_")) and k in Scenario.model_fields
             and isinstance(v, str)}
    untitled = {k: BASELINE for k in Scenario.model_fields if k.startswith("title_")}
    try:
        return Scenario(name=BASELINE, **{**untitled, **texts})
    except ValidationError as exc:
        raise DataError([DataProblem(shown, e["msg"].removeprefix("Value error, "), field=".".join(map(str, e["loc"])))
                         for e in exc.errors()]) from None
