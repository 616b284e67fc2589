"""Scenarios: sourced assumptions about H2 (and revisions of H1), and what they imply for every target.

A scenario file ``data/scenarios/<name>.yml`` (format: ``data/scenarios/README.md``) may set

- ``h1_weight``: w₁, the H1 share of the base year's GRDP, instead of the data's (fraction);
- ``h1_revisions``: revised H1 figures of the target year (``growth_yoy_pct`` in %, or ``level`` in the
  indicator's unit), e.g. a revised H1 GRDP growth;
- ``sectors``: the H2 year-on-year growth (%) of each GRDP component (``va_agri``, ``va_industry``,
  ``va_services``, ``va_taxes``);
- ``indicators``: the H2 year-on-year growth (%) of an additive indicator with a level target
  (``rice``, ``fishery``, ``ipv``, ``retail``, ``exports``, ``tourists``, ``intl_tourists`` …).

Every assumption carries a one-line ``justification`` and a ``source`` (a URL, or ``derived from
observations/<file>.csv: <indicator>/<measure>/<period>``, or ``explorer`` for settings saved from
``notebooks/explorer.ipynb``). Numbers are written in the data's decimal convention
(``catalog.yml``; Vietnamese: ``"2,46"``), or as whole numbers.

Whatever a scenario does not set keeps the data: H1 figures as published and w₁ from the data;
an H2 growth that is not set is the H1 pace of the target year (the pace the status compares
with). ``baseline`` sets nothing, so it reproduces the non-scenario numbers exactly.

Outcomes (:func:`scenario_outcome`), with year y and base year b = y − 1:

- GRDP: g = w₁·g₁ + (1 − w₁)·g₂ (%), where g₁ is the H1 GRDP growth and g₂ = Σ sᵢ·g₂ᵢ the sum of the
  components' H2 contributions (pp), sᵢ the components' H2-b shares of GRDP when every component's
  b full-year level is published, else (as now: the 2023 full-year sector levels were not published)
  their H1-b shares, the same weights as the H1 contributions;
- a component's contribution to the year: w₁·c₁ᵢ + (1 − w₁)·c₂ᵢ (pp), c₁ᵢ = sᵢ(H1)·g₁ᵢ, c₂ᵢ = sᵢ·g₂ᵢ;
- an additive indicator: H2 = H2-b × (1 + g₂/100) with H2-b = FY-b − H1-b, and the year = H1-y + H2,
  each against its target (met or not). A projection is a derived figure.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, ValidationInfo, field_validator

from . import growth
from .assessment import RESOLUTION_AS_OF
from .errors import DataError, DataProblem, ParameterError
from .format import NumberParseError, format_number, parse_number
from .observations import derive, lookup
from .registry import Registry, _shown, default_data_dir, load_registry
from .status import meets

#: The GRDP components, in the order the statistics office lists them.
COMPONENTS = ("va_agri", "va_industry", "va_services", "va_taxes")
#: A sane range for any growth rate of a scenario (H2 y/y or a revised H1), in percent.
GROWTH_RANGE_PCT = (-50.0, 100.0)
#: A sane range for w₁, the H1 share of a year (fraction).
H1_WEIGHT_RANGE = (0.3, 0.7)
#: Where scenario files live, inside a data directory.
SCENARIO_DIR = "scenarios"
#: Justification of an explorer setting that differs from the scenario it started from.
EXPLORER_SOURCE = "explorer (notebooks/explorer.ipynb)"

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE = re.compile(r"^(https?://\S+|derived from \S.*|explorer\b.*)$")


# =========================================================================== schema
def _number(v: Any, info: ValidationInfo) -> float:
    """A number as the data write it: an integer, or a string in the catalog's decimal convention.

    A float is refused when read from a file (``9.200`` would be ambiguous), accepted from Python.
    """
    convention = (info.context or {}).get("convention", "vi")
    if isinstance(v, bool):
        raise ValueError(f"must be a number, not {v!r}")
    if isinstance(v, int):
        return float(v)
    if isinstance(v, float) and not (info.context or {}).get("from_file"):
        if math.isnan(v) or math.isinf(v):
            raise ValueError(f"must be a finite number, not {v!r}")
        return v
    if isinstance(v, float):
        example = "'2,46'" if convention == "vi" else "'2.46'"
        raise ValueError(f"{v!r}: write a decimal as a quoted string in the data's notation (decimal_convention: "
                         f"{convention}), e.g. {example}, so that it cannot be misread")
    if isinstance(v, str):
        try:
            return float(parse_number(v, convention))
        except NumberParseError as exc:
            raise ValueError(str(exc)) from None
    raise ValueError(f"must be a number, not {type(v).__name__}")


def _in_range(v: float, lo: float, hi: float, what: str) -> float:
    if not lo <= v <= hi:
        raise ValueError(f"{what} {v:g} is outside the sane range [{lo:g}, {hi:g}]")
    return v


class _Sourced(BaseModel):
    """What every assumption carries: a one-line justification and a source."""

    model_config = ConfigDict(extra="forbid")
    justification: str
    source: str

    @field_validator("justification")
    @classmethod
    def _one_line(cls, v: str) -> str:
        v = v.strip()
        if not v or "\n" in v:
            raise ValueError("must be one non-empty line")
        return v

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        v = v.strip()
        if not _SOURCE.match(v) or "\n" in v:
            raise ValueError("must be a URL, 'derived from observations/<file>.csv: <indicator>/<measure>/<period>' "
                             "or 'explorer …'")
        return v


class H2Growth(_Sourced):
    """An H2 year-on-year growth assumption (%)."""

    h2_growth_pct: float

    @field_validator("h2_growth_pct", mode="before")
    @classmethod
    def _value(cls, v: Any, info: ValidationInfo) -> float:
        return _in_range(_number(v, info), *GROWTH_RANGE_PCT, "H2 growth (%)")


class H1Weight(_Sourced):
    """An override of w₁, the H1 share of the base year (fraction)."""

    h1_weight: float

    @field_validator("h1_weight", mode="before")
    @classmethod
    def _value(cls, v: Any, info: ValidationInfo) -> float:
        return _in_range(_number(v, info), *H1_WEIGHT_RANGE, "w₁")


class H1Revision(_Sourced):
    """A revised H1 figure of the target year: its y/y growth (%) or its level (indicator's unit)."""

    growth_yoy_pct: float | None = None
    level: float | None = None

    @field_validator("growth_yoy_pct", mode="before")
    @classmethod
    def _growth(cls, v: Any, info: ValidationInfo) -> float | None:
        return None if v is None else _in_range(_number(v, info), *GROWTH_RANGE_PCT, "H1 growth (%)")

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v: Any, info: ValidationInfo) -> float | None:
        if v is None:
            return None
        x = _number(v, info)
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
        if not _SLUG.match(v):
            raise ValueError("must be a lower-case identifier (letters, digits, '_'), as the file name")
        return v

    @field_validator("title_vi", "title_en")
    @classmethod
    def _title(cls, v: str) -> str:
        if not v.strip() or "\n" in v.strip():
            raise ValueError("must be one non-empty line")
        return v.strip()

    @property
    def path(self) -> Path | None:
        """The file the scenario was loaded from (None when built in memory)."""
        return self._path

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def description(self, lang: str) -> str:
        return (self.description_vi if lang == "vi" else self.description_en).strip()

    @property
    def is_empty(self) -> bool:
        """True when the scenario changes nothing (the baseline)."""
        return not (self.h1_weight or self.h1_revisions or self.sectors or self.indicators)


def scenario_indicators(reg: Registry) -> list[str]:
    """Indicators a scenario may give an H2 growth: additive, with a level target, outside GRDP.

    Examples
    --------
    >>> from kg_metrics.registry import load_registry
    >>> scenario_indicators(load_registry())[:2], "tourists" in scenario_indicators(load_registry())
    (['rice', 'ntm_communes'], True)
    """
    tg = reg.targets[(reg.targets["measure"] == "level") & reg.targets["additive"].astype(bool)
                     & (reg.targets["sector"] != "economy")]
    return list(dict.fromkeys(tg["indicator"]))


def _revisable(reg: Registry) -> list[str]:
    return ["grdp", *COMPONENTS, *scenario_indicators(reg)]


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
        raise ParameterError(f"{name!r} is not a scenario in {scenarios_dir(data_dir)}; expected one of: "
                             f"{', '.join(scenario_names(data_dir))}")
    return [scenarios_dir(data_dir) / f"{name}.yml"]


def _node_lines(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """The 1-based line of every mapping key / sequence item of a composed YAML document, by path."""
    out: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = path + (str(k.value),)
            out[key] = k.start_mark.line + 1
            out.update(_node_lines(v, key))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out[path + (i,)] = v.start_mark.line + 1
            out.update(_node_lines(v, path + (i,)))
    return out


def _line_of(lines: dict[tuple, int], loc: tuple) -> int | None:
    loc = tuple(str(x) if not isinstance(x, int) else x for x in loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


def _resolve(name_or_path: str | Path, data_dir: Path | str | None) -> Path:
    s = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in s or s.endswith((".yml", ".yaml")):
        return Path(name_or_path)
    return scenarios_dir(data_dir) / f"{s}.yml"


def load_scenario(name_or_path: str | Path, data_dir: Path | str | None = None,
                  reg: Registry | None = None) -> Scenario:
    """Load and validate a scenario: a name in ``<data_dir>/scenarios``, or a path to a ``.yml`` file.

    Raises :class:`DataError` naming the file, the field path (``sectors.va_agri.h2_growth_pct``) and
    the line of every problem: unparseable YAML, a wrong type, an unknown sector or indicator, a growth
    outside :data:`GROWTH_RANGE_PCT`, a w₁ outside :data:`H1_WEIGHT_RANGE`, a name that is not the
    file's. ``reg`` (default: loaded from ``data_dir``) gives the indicators and the decimal convention.

    Examples
    --------
    >>> s = load_scenario("low")
    >>> s.name, s.sectors["va_agri"].h2_growth_pct
    ('low', 0.79)
    """
    reg = reg or load_registry(data_dir)
    data_dir = Path(data_dir) if data_dir else reg.data_dir
    path = _resolve(name_or_path, data_dir)
    shown = _shown(path, data_dir)
    if not path.is_file():
        known = scenario_names(data_dir)
        raise DataError([DataProblem(shown, "not found; known scenarios: " + (", ".join(known) or "none"))])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([DataProblem(shown, f"cannot be read as UTF-8 text: {exc}")]) from None
    try:
        raw = yaml.safe_load(text)
        lines = _node_lines(yaml.compose(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError([DataProblem(shown, f"is not valid YAML: {getattr(exc, 'problem', None) or exc}",
                                     line=mark.line + 1 if mark else None)]) from None
    if not isinstance(raw, dict):
        raise DataError([DataProblem(shown, "must be a mapping with at least name, title_vi and title_en", line=1)])
    problems: list[DataProblem] = []
    try:
        sc = Scenario.model_validate(raw, context={"convention": reg.catalog.decimal_convention, "from_file": True})
    except ValidationError as exc:
        for e in exc.errors():
            loc = tuple(e["loc"])
            msg = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                msg = "unknown field"
            problems.append(DataProblem(shown, msg, field=".".join(map(str, loc)) or None, line=_line_of(lines, loc)))
        raise DataError(problems) from None
    allowed = {"sectors": list(COMPONENTS), "indicators": scenario_indicators(reg), "h1_revisions": _revisable(reg)}
    what = {"sectors": "GRDP component", "indicators": "indicator with an additive level target",
            "h1_revisions": "indicator"}
    for group, keys in allowed.items():
        for k in getattr(sc, group):
            if k not in keys:
                problems.append(DataProblem(shown, f"unknown {what[group]} {k!r}; expected one of: {', '.join(keys)}",
                                            field=f"{group}.{k}", line=_line_of(lines, (group, k))))
    for k, rev in sc.h1_revisions.items():
        if (rev.growth_yoy_pct is None) == (rev.level is None):
            problems.append(DataProblem(shown, "set exactly one of growth_yoy_pct and level",
                                        field=f"h1_revisions.{k}", line=_line_of(lines, ("h1_revisions", k))))
    if sc.name != path.stem:
        problems.append(DataProblem(shown, f"name {sc.name!r} differs from the file name {path.stem!r}",
                                    field="name", line=_line_of(lines, ("name",))))
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
    if convention not in ("vi", "en"):
        raise ValueError(f"unknown decimal convention {convention!r}")
    text = format(Decimal(repr(float(x))), "f")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    group, point = (".", ",") if convention == "vi" else (",", ".")
    return sign + f"{int(whole):,}".replace(",", group) + (point + frac if frac else "")


def scenario_to_dict(scenario: Scenario, convention: str = "vi") -> dict:
    """The scenario as the YAML file writes it: numbers as strings in ``convention`` (exact)."""
    def num(x: float) -> Any:
        return int(x) if float(x).is_integer() and abs(x) < 1e15 else format_exact(x, convention)

    def sourced(a: _Sourced, key: str, value: float) -> dict:
        return {key: num(value), "justification": a.justification, "source": a.source}

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
    head = (f"# Scenario '{sc.name}' for kg_metrics (format: data/scenarios/README.md).\n"
            f"# Numbers in the data's notation (decimal_convention: {convention}).\n")
    body = yaml.safe_dump(scenario_to_dict(sc, convention), sort_keys=False, allow_unicode=True, width=100_000)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(head + body, encoding="utf-8")
    tmp.replace(path)
    return path


def baseline_scenario() -> Scenario:
    """A scenario that changes nothing (what ``data/scenarios/baseline.yml`` holds)."""
    return Scenario(name="baseline", title_vi="Cơ sở: số liệu như đã công bố",
                    title_en="Baseline: the data as published")


# =========================================================================== applying
def resolution_year(reg: Registry) -> int:
    """The year of the resolution's targets (the year of its date)."""
    return date.fromisoformat(reg.catalog.resolution_date).year


def apply_scenario(reg: Registry, obs: pd.DataFrame, scenario: Scenario | None,
                   sectors: list[str] | None = None) -> tuple[Registry, pd.DataFrame]:
    """The registry and the observations with the scenario's H1 revisions in place.

    A revised figure replaces the published one (status ``scenario``, its source the assumption's);
    figures derived from it are derived again (e.g. the H1 GRDP level from a revised H1 growth); a
    revision of a figure with no observation adds one. Revisions are absolute values, so applying a
    scenario twice changes nothing more. A scenario without revisions returns ``obs`` itself: the
    baseline reproduces the data exactly. ``sectors``: only revise these sectors' indicators (the
    observations of a sector briefing); default: the sectors present in ``obs``.

    Examples
    --------
    >>> from kg_metrics.registry import load_registry
    >>> from kg_metrics.observations import load_observations
    >>> reg = load_registry()
    >>> obs = load_observations(reg)
    >>> apply_scenario(reg, obs, load_scenario("baseline", reg=reg))[1] is obs
    True
    >>> _, revised = apply_scenario(reg, obs, load_scenario("h1_revised", reg=reg))
    >>> row = lookup(revised, "grdp", "H1-2024", "growth_yoy_pct")
    >>> float(row["value"]), row["status"]
    (5.86, 'scenario')
    >>> round(float(lookup(revised, "grdp", "H1-2024")["value"]), 2)  # re-derived: 35.872 × 1,0586
    37974.1
    """
    if scenario is None or not scenario.h1_revisions:
        return reg, obs
    y = resolution_year(reg)
    sector_of = reg.indicators.set_index("indicator")["sector"]
    present = sorted(set(sector_of.reindex(obs["indicator"].unique()).dropna()))
    loaded = set(sectors) if sectors is not None else set(present)
    derived_keys = {(r.indicator, r.measure, r.period) for r in obs[obs["status"] == "derived"].itertuples()}
    base = obs[obs["status"] != "derived"].copy()
    after: list[tuple[tuple[str, str, str], Any]] = []
    for ind, rev in scenario.h1_revisions.items():
        if sector_of.get(ind) not in loaded:
            continue
        key = (ind, rev.measure, f"H1-{y}")
        fields = dict(value=rev.value, status="scenario", qualifier="", value_published=float("nan"),
                      unit_published="", source_url=rev.source if rev.source.startswith("http") else "",
                      note=f"{scenario.name}: {rev.justification}", derivation="")
        if key in derived_keys:
            after.append((key, fields))
            continue
        mask = ((base["indicator"] == ind) & (base["measure"] == rev.measure) & (base["period"] == key[2])
                & (base["area"] == "kien_giang"))
        if mask.any():
            for k, v in fields.items():
                base.loc[mask, k] = v
        else:
            unit = "pct" if rev.measure != "level" else reg.indicators.set_index("indicator").loc[ind, "unit"]
            row = dict(indicator=ind, measure=rev.measure, period=key[2], area="kien_giang", unit=unit,
                       file=f"{SCENARIO_DIR}/{scenario.name}.yml", row=0, **fields)
            base = pd.concat([base, pd.DataFrame([row])], ignore_index=True)
    out = derive(base.reset_index(drop=True), reg, present).reset_index(drop=True)
    for (ind, measure, period), fields in after:
        mask = (out["indicator"] == ind) & (out["measure"] == measure) & (out["period"] == period)
        for k, v in fields.items():
            out.loc[mask, k] = v
    return reg, out


# =========================================================================== outcomes
@dataclass
class ScenarioOutcome:
    """What a scenario implies for the year: GRDP growth, the components' contributions, every target.

    ``components`` columns: component, h1_base_bn_vnd (H1-b level), h1_weight (share of H1-b),
    h2_weight (share used for H2), h2_weight_basis ('H2-b' or 'H1-b'), base_status, h1_growth_pct,
    h1_contribution_pp, h2_growth_pct, h2_growth_source ('scenario', 'h1_pace' or '' when missing),
    h2_contribution_pp, year_contribution_pp.

    ``targets`` columns: target_id, sector, indicator, measure, period, comparator, target, unit, h1,
    h1_status, h1_qualifier, h2_base, h2_growth_pct, h2_growth_source, projected, met (True/False/None),
    missing (why no projection: '', 'not_additive', 'h1', 'h2_base', 'growth', 'grdp').
    """

    scenario: Scenario
    year: int
    as_of: str
    h1_weight: float | None
    h1_weight_source: str  # 'data' or 'scenario'
    h1_weight_data: float | None
    grdp_h1_growth_pct: float | None
    grdp_h1_source: str  # status of the H1 growth figure ('estimate', 'scenario' …)
    grdp_h2_growth_pct: float | None
    grdp_annual_growth_pct: float | None
    h1_rounding_pp: float | None  # w₁·(g₁ − Σ c₁ᵢ): the published H1 growth against its components' sum
    components: pd.DataFrame
    targets: pd.DataFrame
    obs: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def target(self, target_id: str) -> dict:
        """One row of :attr:`targets` as a dict."""
        return self.targets.set_index("target_id").loc[target_id].to_dict() | {"target_id": target_id}

    def summary(self) -> dict:
        """The headline numbers, for tests and comparisons: annual and H2 GRDP growth, w₁, each target's projection."""
        return {"grdp_annual_growth_pct": self.grdp_annual_growth_pct, "grdp_h2_growth_pct": self.grdp_h2_growth_pct,
                "h1_weight": self.h1_weight,
                "targets": {r["target_id"]: (None if math.isnan(r["projected"]) else r["projected"], r["met"])
                            for r in self.targets.to_dict("records")}}


def _v(row: pd.Series | None) -> float | None:
    return None if row is None else float(row["value"])


def h1_pace(obs: pd.DataFrame, indicator: str, year: int, as_of: str = RESOLUTION_AS_OF) -> float | None:
    """The H1 y/y growth (%) of ``year``: as published, else from the H1 levels (H1-y / H1-(y−1) − 1) × 100.

    Examples
    --------
    >>> from kg_metrics.registry import load_registry
    >>> from kg_metrics.observations import load_observations
    >>> obs = load_observations(load_registry())
    >>> h1_pace(obs, "va_agri", 2024), round(h1_pace(obs, "rice", 2024), 2)
    (2.46, 2.8)
    """
    return _pace(lambda ind, p, m="level": lookup(obs, ind, p, m, as_of=as_of), indicator, year)


def _pace(get, indicator: str, year: int) -> float | None:
    g = _v(get(indicator, f"H1-{year}", "growth_yoy_pct"))
    if g is not None:
        return g
    h1, b1 = _v(get(indicator, f"H1-{year}")), _v(get(indicator, f"H1-{year - 1}"))
    return growth.growth_pct(h1, b1) if h1 is not None and b1 else None


def _getter(obs: pd.DataFrame, as_of: str):
    """A fast :func:`kg_metrics.observations.lookup` over ``obs`` (Kiên Giang, periods ending by ``as_of``)."""
    from .periods import parse_period

    kg = obs[obs["area"] == "kien_giang"]
    index: dict[tuple[str, str, str], pd.Series] = {}
    for i, (ind, m, p) in enumerate(zip(kg["indicator"], kg["measure"], kg["period"])):
        if (ind, m, p) not in index and parse_period(p).end.isoformat() <= as_of:
            index[(ind, m, p)] = kg.iloc[i]

    def get(ind: str, p: str, m: str = "level") -> pd.Series | None:
        return index.get((ind, m, p))

    return get


def grdp_annual_growth(h1_weight: float, h1_growth_pct: float, component_h2_contributions_pp: Mapping[str, float]
                       ) -> float:
    """Annual GRDP growth (%) from H1 growth and the components' H2 contributions: w₁·g₁ + (1 − w₁)·Σ c₂ᵢ.

    Examples
    --------
    >>> round(grdp_annual_growth(0.5, 6.84, {"a": 3.0, "b": 3.28}), 10)
    6.56
    """
    return growth.annual_growth(h1_growth_pct, sum(component_h2_contributions_pp.values()), h1_weight)


def scenario_outcome(reg: Registry, obs: pd.DataFrame, scenario: Scenario | None = None,
                     as_of: str = RESOLUTION_AS_OF) -> ScenarioOutcome:
    """The year's outcome under ``scenario`` (None: the baseline), from the data's observations ``obs``.

    Applies the scenario's revisions (:func:`apply_scenario`), then computes GRDP growth, the
    components' contributions and every target's projection, with figures known at ``as_of``.
    The formulas are in the module docstring.

    Examples
    --------
    >>> from kg_metrics.registry import load_registry
    >>> from kg_metrics.observations import load_observations
    >>> reg = load_registry()
    >>> obs = load_observations(reg)
    >>> [round(scenario_outcome(reg, obs, load_scenario(n, reg=reg)).grdp_annual_growth_pct, 2)
    ...  for n in ("baseline", "low", "high")]
    [6.84, 5.49, 7.03]
    >>> oc = scenario_outcome(reg, obs)
    >>> round(oc.target("rice_fy2024")["projected"], 4)  # 2,57 + 2,05 × (1 + 2,8%)
    4.6774
    """
    scenario = scenario or baseline_scenario()
    _, obs2 = apply_scenario(reg, obs, scenario)
    y = resolution_year(reg)
    b = y - 1

    get = _getter(obs2, as_of)
    h1b, fyb = _v(get("grdp", f"H1-{b}")), _v(get("grdp", f"FY-{b}"))
    w1_data = growth.h1_weight(h1b, fyb) if h1b is not None and fyb else None
    w1 = scenario.h1_weight.h1_weight if scenario.h1_weight is not None else w1_data
    g1_row = get("grdp", f"H1-{y}", "growth_yoy_pct")
    g1 = _v(g1_row)

    # components: H1 contributions (weights H1-b) and H2 contributions (weights H2-b, else H1-b)
    rows = []
    for c in COMPONENTS:
        base_row = get(c, f"H1-{b}")
        rows.append(dict(component=c, h1_base_bn_vnd=_v(base_row), fy_base_bn_vnd=_v(get(c, f"FY-{b}")),
                         base_status="" if base_row is None else base_row["status"],
                         h1_growth_pct=_v(get(c, f"H1-{y}", "growth_yoy_pct"))))
    comp = pd.DataFrame(rows)
    h1_levels = comp["h1_base_bn_vnd"]
    if h1_levels.notna().all():
        comp["h1_weight"] = h1_levels / h1_levels.sum()
    else:
        comp["h1_weight"] = float("nan")
    if comp["fy_base_bn_vnd"].notna().all() and h1_levels.notna().all():
        h2_levels = comp["fy_base_bn_vnd"] - h1_levels
        comp["h2_weight"], comp["h2_weight_basis"] = h2_levels / h2_levels.sum(), f"H2-{b}"
    else:
        comp["h2_weight"], comp["h2_weight_basis"] = comp["h1_weight"], f"H1-{b}"
    g2s, sources = [], []
    for c, g1c in zip(comp["component"], comp["h1_growth_pct"]):
        if c in scenario.sectors:
            g2s.append(scenario.sectors[c].h2_growth_pct)
            sources.append("scenario")
        elif g1c is not None and not math.isnan(g1c):
            g2s.append(float(g1c))
            sources.append("h1_pace")
        else:
            g2s.append(float("nan"))
            sources.append("")
    comp["h2_growth_pct"], comp["h2_growth_source"] = g2s, sources
    comp["h1_contribution_pp"] = comp["h1_weight"] * comp["h1_growth_pct"].astype(float)
    comp["h2_contribution_pp"] = comp["h2_weight"] * comp["h2_growth_pct"].astype(float)
    g2 = float(comp["h2_contribution_pp"].sum()) if comp["h2_contribution_pp"].notna().all() else None
    annual = growth.annual_growth(g1, g2, w1) if None not in (g1, g2, w1) else None
    if w1 is not None:
        comp["year_contribution_pp"] = w1 * comp["h1_contribution_pp"] + (1 - w1) * comp["h2_contribution_pp"]
    else:
        comp["year_contribution_pp"] = float("nan")
    h1_sum = comp["h1_contribution_pp"].sum(min_count=len(comp))
    rounding = w1 * (g1 - float(h1_sum)) if None not in (w1, g1) and not math.isnan(h1_sum) else None
    comp = comp.drop(columns=["fy_base_bn_vnd"])

    targets = [_project(t, reg, scenario, get, y, w1, g1, g2, annual, as_of, obs2)
               for t in reg.targets.to_dict("records")]
    return ScenarioOutcome(scenario=scenario, year=y, as_of=as_of, h1_weight=w1,
                           h1_weight_source="scenario" if scenario.h1_weight is not None else "data",
                           h1_weight_data=w1_data, grdp_h1_growth_pct=g1,
                           grdp_h1_source="" if g1_row is None else str(g1_row["status"]),
                           grdp_h2_growth_pct=g2, grdp_annual_growth_pct=annual, h1_rounding_pp=rounding,
                           components=comp, targets=pd.DataFrame(targets), obs=obs2)


def _project(t: dict, reg: Registry, sc: Scenario, get, y: int, w1, g1, g2, annual, as_of: str,
             obs: pd.DataFrame) -> dict:
    ind, measure, period = t["indicator"], t["measure"], t["period"]
    half = period.split("-")[0]
    out = dict(target_id=t["target_id"], sector=t["sector"], indicator=ind, measure=measure, period=period,
               comparator=t["comparator"], target=float(t["value_canonical"]),
               unit="pct" if measure == "growth_yoy_pct" else t["indicator_unit"], h1=float("nan"), h1_status="",
               h1_qualifier="", h2_base=float("nan"), h2_growth_pct=float("nan"), h2_growth_source="",
               projected=float("nan"), met=None, missing="")
    if measure == "growth_yoy_pct":
        if ind != "grdp":
            out["missing"] = "not_additive"
            return out
        out["h1"], out["h2_growth_pct"] = (g1 if g1 is not None else float("nan")), (g2 if g2 is not None
                                                                                       else float("nan"))
        value = annual if half == "FY" else g2
        if value is None:
            out["missing"] = "grdp"
            return out
        out["projected"], out["met"] = value, meets(value, t["comparator"], out["target"])
        return out
    if not bool(t["additive"]):
        out["missing"] = "not_additive"
        return out
    h1_row = get(ind, f"H1-{y}")
    if h1_row is not None:
        out["h1"], out["h1_status"], out["h1_qualifier"] = float(h1_row["value"]), h1_row["status"], h1_row["qualifier"]
    bh1, bfy = _v(get(ind, f"H1-{y - 1}")), _v(get(ind, f"FY-{y - 1}"))
    if bh1 is not None and bfy is not None:
        out["h2_base"] = bfy - bh1
    if ind in sc.indicators:
        out["h2_growth_pct"], out["h2_growth_source"] = sc.indicators[ind].h2_growth_pct, "scenario"
    else:
        pace = _pace(get, ind, y)
        if pace is not None:
            out["h2_growth_pct"], out["h2_growth_source"] = pace, "h1_pace"
    if math.isnan(out["h2_base"]):
        out["missing"] = "h2_base"
    elif math.isnan(out["h2_growth_pct"]):
        out["missing"] = "growth"
    elif half == "FY" and math.isnan(out["h1"]):
        out["missing"] = "h1"
    if out["missing"]:
        return out
    h2 = out["h2_base"] * (1 + out["h2_growth_pct"] / 100)
    value = h2 if half == "H2" else out["h1"] + h2
    out["projected"], out["met"] = value, meets(value, t["comparator"], out["target"])
    return out


# =========================================================================== explorer
#: Slider ranges of the explorer: (min, max, step).
SLIDER_RANGES = {"h1_weight": (0.30, 0.70, 0.0001), "grdp_h1_growth_pct": (0.0, 12.0, 0.01),
                 "sector": (-10.0, 25.0, 0.01), "indicator": (-40.0, 60.0, 0.05)}


class Explorer:
    """The interactive scenario explorer behind ``notebooks/explorer.ipynb``: one object, one update path.

    Controls (all in one namespace of values): ``h1_weight`` (w₁), ``grdp_h1_growth_pct`` (H1 GRDP growth,
    a revision when it differs from the data), one per GRDP component (``va_agri`` … H2 growth, %) and
    one per indicator whose projection can be computed (``rice``, ``ipv``, ``tourists`` …, H2 growth, %).
    :meth:`update` recomputes the outcome (:func:`scenario_outcome`) and redraws the output area;
    :meth:`controls` builds the ipywidgets (moving a slider calls :meth:`update`); :meth:`save` writes
    the current settings as a scenario file that :func:`load_scenario` reads back to the same outcome.
    """

    def __init__(self, reg: Registry, obs: pd.DataFrame, scenario: Scenario | None = None, lang: str = "vi",
                 as_of: str = RESOLUTION_AS_OF):
        self.reg, self.obs, self.lang, self.as_of = reg, obs, lang, as_of
        self.start = scenario or baseline_scenario()
        self.data_outcome = scenario_outcome(reg, obs, baseline_scenario(), as_of)
        first = scenario_outcome(reg, obs, self.start, as_of)
        self.indicators = [i for i in scenario_indicators(reg)
                           if not first.targets[(first.targets["indicator"] == i)]["h2_base"].isna().all()]
        self.values: dict[str, float] = self._values_of(first)
        self.outcome = first
        self._widgets: dict[str, Any] = {}
        self._out = None
        self._status = None
        self._syncing = False

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, lang: str = "vi", data_dir: str = "", scenario: str = "baseline",
             as_of: str = RESOLUTION_AS_OF) -> "Explorer":
        """Validate the parameters, load the data and start from the scenario ``scenario`` ('' → baseline)."""
        from .observations import load_observations
        from .params import validate_parameters

        p = validate_parameters(None, lang, data_dir, as_of, notebook="overview", scenario=scenario)
        reg = load_registry(p["data_dir"] or None)
        obs = load_observations(reg)
        sc = load_scenario(p["scenario"], reg.data_dir, reg) if p.get("scenario") else None
        return cls(reg, obs, sc, lang=p["lang"], as_of=p["as_of"])

    # ------------------------------------------------------------------ values
    @property
    def keys(self) -> list[str]:
        """The names :meth:`update` accepts."""
        return ["h1_weight", "grdp_h1_growth_pct", *COMPONENTS, *self.indicators]

    def _values_of(self, oc: ScenarioOutcome) -> dict[str, float]:
        v: dict[str, float] = {"h1_weight": oc.h1_weight, "grdp_h1_growth_pct": oc.grdp_h1_growth_pct}
        for r in oc.components.to_dict("records"):
            v[r["component"]] = r["h2_growth_pct"]
        tg = oc.targets.drop_duplicates("indicator").set_index("indicator")
        for i in self.indicators:
            v[i] = float(tg.loc[i, "h2_growth_pct"])
        return {k: float(x) for k, x in v.items() if x is not None}

    def _data_value(self, key: str) -> float | None:
        return self._values_of(self.data_outcome).get(key)

    def scenario(self, name: str = "explorer") -> Scenario:
        """The current settings as a :class:`Scenario`.

        A value equal to the data's is left out (the data stand); a value equal to the starting
        scenario's keeps that assumption's justification and source; any other is marked as set in
        the explorer.
        """
        start = self.start

        def sourced(key: str, value: float, old: _Sourced | None, old_value: float | None) -> dict:
            if old is not None and old_value is not None and math.isclose(value, old_value, abs_tol=1e-12):
                return {"justification": old.justification, "source": old.source}
            data = self._data_value(key)
            shown = "—" if data is None else format_number(data, "en", 4 if key == "h1_weight" else 2)
            return {"justification": f"set in the explorer (data: {shown})",
                    "source": f"{EXPLORER_SOURCE}, {date.today().isoformat()}"}

        def same_as_data(key: str, value: float) -> bool:
            data = self._data_value(key)
            return data is not None and math.isclose(value, data, abs_tol=1e-12)

        kw: dict[str, Any] = {"name": name, "h1_revisions": dict(start.h1_revisions), "sectors": {}, "indicators": {}}
        if name == start.name:
            kw["title_vi"], kw["title_en"] = start.title_vi, start.title_en
            kw["description_vi"], kw["description_en"] = start.description_vi, start.description_en
        else:
            kw["title_vi"] = f"Kịch bản {name} (từ trình khám phá, xuất phát từ {start.name})"
            kw["title_en"] = f"Scenario {name} (from the explorer, starting from {start.name})"
            kw["description_vi"] = (f"Các giá trị chọn trong trình khám phá; những gì không đổi giữ nguyên theo "
                                    f"kịch bản {start.name}.")
            kw["description_en"] = (f"Values chosen in the explorer; whatever was not changed is as in scenario "
                                    f"{start.name}.")
        w = self.values.get("h1_weight")
        if w is not None and not same_as_data("h1_weight", w):
            old = start.h1_weight
            kw["h1_weight"] = H1Weight(h1_weight=w, **sourced("h1_weight", w, old, old.h1_weight if old else None))
        g = self.values.get("grdp_h1_growth_pct")
        revs = {k: r for k, r in start.h1_revisions.items() if k != "grdp"}
        if g is not None and not same_as_data("grdp_h1_growth_pct", g):
            old = start.h1_revisions.get("grdp")
            old_g = old.growth_yoy_pct if old is not None else None
            revs["grdp"] = H1Revision(growth_yoy_pct=g, **sourced("grdp_h1_growth_pct", g, old, old_g))
        kw["h1_revisions"] = revs
        for group, keys in (("sectors", COMPONENTS), ("indicators", self.indicators)):
            for k in keys:
                val = self.values.get(k)
                if val is None or same_as_data(k, val):
                    continue
                old = getattr(start, group).get(k)
                kw[group][k] = H2Growth(h2_growth_pct=val, **sourced(k, val, old, old.h2_growth_pct if old else None))
        # indicators the explorer has no slider for keep the starting scenario's assumptions
        for k, a in start.indicators.items():
            if k not in self.indicators:
                kw["indicators"][k] = a
        return Scenario(**kw)

    def update(self, **values: float) -> ScenarioOutcome:
        """Set some control values (names: :attr:`keys`), recompute the outcome and redraw; returns it."""
        unknown = [k for k in values if k not in self.keys]
        if unknown:
            raise ValueError(f"unknown control(s) {', '.join(unknown)}; expected: {', '.join(self.keys)}")
        for k, v in values.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(float(v)):
                raise ValueError(f"{k} must be a number, not {v!r}")
            lo, hi = H1_WEIGHT_RANGE if k == "h1_weight" else GROWTH_RANGE_PCT
            if not lo <= float(v) <= hi:
                raise ValueError(f"{k} = {v} is outside [{lo:g}, {hi:g}]")
            self.values[k] = float(v)
        self.outcome = scenario_outcome(self.reg, self.obs, self.scenario(), self.as_of)
        self._sync_widgets()
        self._redraw()
        return self.outcome

    def set_values(self, text: str) -> ScenarioOutcome:
        """Apply control values given as a JSON object (``'{"va_agri": 1.5}'``; '' changes nothing).

        With the controls built, the values are set on the sliders, whose observers call
        :meth:`update`, exactly as when a user moves them.
        """
        import json

        values = json.loads(text) if text and text.strip() else {}
        if not isinstance(values, dict):
            raise ValueError("set_values expects a JSON object of control values")
        if self._widgets and values:
            unknown = [k for k in values if k not in self.keys]
            if unknown:
                raise ValueError(f"unknown control(s) {', '.join(unknown)}; expected: {', '.join(self.keys)}")
            for k, v in values.items():
                self._widgets[k].value = float(v)
            return self.outcome
        return self.update(**values) if values else self.outcome

    def _range(self, key: str) -> tuple[float, float, float]:
        if key in ("h1_weight", "grdp_h1_growth_pct"):
            return SLIDER_RANGES[key]
        return SLIDER_RANGES["sector" if key in COMPONENTS else "indicator"]

    # ------------------------------------------------------------------ saving
    def save(self, path_or_name: str | Path, overwrite: bool = False) -> Path:
        """Save the current settings as a scenario file and return its path.

        A bare name (``'mine'``) goes to ``<data_dir>/scenarios/mine.yml``, where the batch build finds
        it; an existing file is not replaced unless ``overwrite``.
        """
        s = str(path_or_name)
        path = Path(s) if ("/" in s or s.endswith(".yml")) else scenarios_dir(self.reg.data_dir) / f"{s}.yml"
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists; choose another name or pass overwrite=True")
        return save_scenario(self.scenario(path.stem), path, self.reg.catalog.decimal_convention)

    # ------------------------------------------------------------------ display
    def result(self):
        """The current outcome as a :class:`kg_metrics.report.Section` (displayable)."""
        from .report import scenario_outcome_section

        return scenario_outcome_section(self.outcome, self.reg, self.lang, live=True)

    def show(self) -> None:
        """Display the current outcome (static output: Markdown, HTML and a chart)."""
        from .report import show

        show(self.result())

    def controls(self):
        """Build the ipywidgets (sliders, save box, live output area) and return the container."""
        import ipywidgets as W
        from .report import explorer_labels

        L = explorer_labels(self.lang)
        sliders = []
        for k in self.keys:
            lo, hi, step = self._range(k)
            val = self.values.get(k)
            if val is None:
                continue
            decimals = 4 if k == "h1_weight" else 2
            w = W.FloatSlider(value=min(max(val, lo), hi), min=lo, max=hi, step=step, description=L["control_" + k]
                              if "control_" + k in L else self._name(k), readout_format=f".{decimals}f",
                              continuous_update=False, style={"description_width": "260px"},
                              layout=W.Layout(width="560px"))
            w.observe(lambda change, key=k: self._on_change(key, change), names="value")
            self._widgets[k] = w
            sliders.append(w)
        name = W.Text(value="explorer", description=L["save_name"])
        button = W.Button(description=L["save_button"], icon="save")
        self._status = W.HTML()
        button.on_click(lambda _b: self._on_save(name.value))
        self._widgets["_name"], self._widgets["_button"] = name, button
        self._out = W.Output()
        self._redraw()
        groups = [W.HTML(f"<b>{L['group_grdp']}</b>"), *[s for k, s in self._widgets.items()
                                                          if k in ("h1_weight", "grdp_h1_growth_pct")],
                  W.HTML(f"<b>{L['group_sectors']}</b>"), *[self._widgets[k] for k in COMPONENTS if k in self._widgets],
                  W.HTML(f"<b>{L['group_indicators']}</b>"),
                  *[self._widgets[k] for k in self.indicators if k in self._widgets],
                  W.HBox([name, button]), self._status]
        return W.VBox([W.VBox(groups), self._out])  # the outcome below the controls: its tables need the width

    def _name(self, key: str) -> str:
        from .charts import COMPONENT_LABELS

        if key in COMPONENT_LABELS:
            return COMPONENT_LABELS[key][self.lang]
        return str(self.reg.indicator_name(key, self.lang))

    def _on_change(self, key: str, change: dict) -> None:
        if self._syncing:
            return
        step = self._range(key)[2]
        decimals = max(0, -Decimal(str(step)).as_tuple().exponent)
        self.update(**{key: round(float(change["new"]), decimals)})

    def _on_save(self, name: str) -> None:
        from .report import esc, explorer_labels

        L = explorer_labels(self.lang)
        try:
            path = self.save(name.strip())
        except (ValueError, FileExistsError, OSError) as exc:
            self._status.value = f'<span class="missing">{esc(str(exc))}</span>'
        else:
            self._status.value = esc(L["saved"].format(path=path))

    def _sync_widgets(self) -> None:
        if not self._widgets:
            return
        self._syncing = True
        try:
            for k, v in self.values.items():
                w = self._widgets.get(k)
                if w is not None and w.value != v:
                    w.value = v
        finally:
            self._syncing = False

    def _redraw(self) -> None:
        if self._out is None:
            return
        from IPython.display import display

        self._out.clear_output(wait=True)
        with self._out:
            display(self.result())


__all__ = ["COMPONENTS", "GROWTH_RANGE_PCT", "H1_WEIGHT_RANGE", "Scenario", "H2Growth", "H1Weight", "H1Revision",
           "ScenarioOutcome", "Explorer", "scenario_names", "scenario_files", "scenarios_dir", "scenario_indicators",
           "load_scenario", "save_scenario", "scenario_to_dict", "format_exact", "baseline_scenario", "apply_scenario",
           "scenario_outcome", "grdp_annual_growth", "h1_pace", "resolution_year"]
