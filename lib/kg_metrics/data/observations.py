"""Observed figures (actuals, estimates, plans) with their sources, and the figures derived from them."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from kg_metrics.errors import DataError, DataProblem
from kg_metrics.data.periods import parse_period
from kg_metrics.data.registry import MEASURES, Registry, load_registry, to_canonical
from kg_metrics.data.tables import MultiFieldError, collect_row_problems, read_csv
from kg_metrics.data.validation import (NonEmpty, check_indicator, check_unit, figure_problems, listed_in, load_yaml,
                                        number, one_of, shown_path)

#: Keys of ``DataFrame.attrs`` where :func:`load_observations` records two facts of the registry the
#: observations were loaded with: the province (catalog.yml's ``province``: the area :func:`lookup` and the
#: checks use unless told otherwise) and the GRDP components (indicators.csv's ``grdp_component``).
PROVINCE_ATTR = "province"
COMPONENTS_ATTR = "grdp_components"
QUALIFIERS = ("", ">", "<", "≈")
STATUSES = ("estimate", "official", "plan")
METHODS = {"prior_level": 2, "next_level": 2, "prior_from_ratio": 2, "difference": 2, "residual": None}
COLUMNS = ["indicator", "measure", "period", "area", "qualifier", "value", "unit", "status", "source_url", "note"]


class ObservationRow(BaseModel):
    indicator: str
    measure: str
    period: str
    area: str
    qualifier: str
    value: float
    unit: str
    status: str
    source_url: str = Field(pattern=r"^https?://\S+$")
    note: str

    _v_indicator = field_validator("indicator")(check_indicator)
    _v_measure = field_validator("measure")(one_of(MEASURES))
    _v_area = field_validator("area")(listed_in("areas", "must be one of: {known} (catalog.yml's areas)"))  # not prose: operator message
    _v_qualifier = field_validator("qualifier")(one_of(QUALIFIERS, "must be empty, '>', '<' or '≈'"))  # not prose: operator message
    _v_status = field_validator("status")(
        one_of(STATUSES, "must be one of: {known} (derived figures are computed, not typed)"))  # not prose: operator message
    _v_value = field_validator("value", mode="before")(number)
    _v_unit = field_validator("unit")(check_unit)

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        parse_period(v)  # ValueError: not a period
        return v

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> "ObservationRow":
        problems = figure_problems(self, info)
        if problems:
            raise MultiFieldError(problems)
        return self


class Derivation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    output: str = Field(pattern=r"^[a-z_]+/[a-z_]+/[A-Z0-9]+-\d{4}$")
    method: str
    inputs: list[str]
    why: NonEmpty

    @model_validator(mode="after")
    def _arity(self) -> "Derivation":
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; known: {', '.join(METHODS)}")
        n = METHODS[self.method]
        if (n is not None and len(self.inputs) != n) or len(self.inputs) < 2:
            raise ValueError(f"{self.method} takes {n or '2 or more'} inputs")
        return self


def _apply(method: str, values: list[float]) -> float:
    if method == "prior_level":
        level, growth_pct = values
        return level / (1 + growth_pct / 100)
    if method == "next_level":
        level, growth_pct = values
        return level * (1 + growth_pct / 100)
    if method == "prior_from_ratio":
        level, ratio_pct = values
        return level / (ratio_pct / 100)
    if method == "difference":
        return values[0] - values[1]
    return values[0] - sum(values[1:])  # residual


_FORMULA = {"prior_level": "{0} / (1 + {1}/100)", "next_level": "{0} × (1 + {1}/100)", "prior_from_ratio": "{0} / ({1}/100)",
            "difference": "{0} − {1}", "residual": "{0} − ({rest})"}


def observation_files(reg: Registry, sectors: list[str] | None = None) -> list[Path]:
    """The observation CSVs: all of them, or only those of ``sectors`` (``observations/<sector>.csv``)."""
    obs_dir = reg.data_dir / reg.catalog.observations
    files = sorted(obs_dir.glob("*.csv"))
    if sectors is not None:
        files = [f for f in files if f.stem in set(sectors)]
    return files


def load_observations(reg: Registry | None = None, data_dir: Path | str | None = None,
                      sectors: list[str] | None = None) -> pd.DataFrame:
    """All observations, sourced and derived, with values in each indicator's own unit.

    With ``sectors``, only those sectors' files are read and only derivations whose
    output belongs to them are computed: a sector briefing depends on its own data alone.

    Columns: indicator, measure, period, area, qualifier, value (indicator's unit,
    or percent), value_published, unit_published, status (estimate / official / plan /
    derived), source_url, note, file, derivation. ``attrs`` records the registry's province and GRDP
    components (:func:`record_registry`).
    """
    reg = reg or load_registry(data_dir)
    obs_dir = reg.data_dir / reg.catalog.observations
    files = observation_files(reg, sectors)
    if not files and sectors is None:
        raise DataError([DataProblem(shown_path(obs_dir, reg.data_dir), "holds no observation CSV files")])
    units = {u["unit"]: u for u in reg.units.to_dict("records")}
    indicators = {i["indicator"]: i for i in reg.indicators.to_dict("records")}
    ctx: dict[str, Any] = {"convention": reg.catalog.decimal_convention, "units": units, "indicators": indicators,
                           "areas": reg.areas}
    problems: list[DataProblem] = []
    records: list[dict] = []
    all_rows: list[tuple[int, int, dict]] = []
    for f in files:
        shown = shown_path(f, reg.data_dir)
        try:
            rows = read_csv(f, COLUMNS, shown)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        out, probs = collect_row_problems(ObservationRow, rows, shown, ctx)
        problems.extend(probs)
        for (row_no, line, raw), r in zip(rows, out) if not probs else ():
            d = r.model_dump()
            d["file"], d["row"] = shown, row_no
            records.append(d)
        all_rows.extend((row_no, line, {**raw, "_file": shown}) for row_no, line, raw in rows)
    problems.extend(_duplicates(all_rows))
    if problems:
        raise DataError(problems)
    df = pd.DataFrame(records, columns=[*COLUMNS, "file", "row"])
    df["value_published"], df["unit_published"] = df["value"], df["unit"]
    df["value"] = [to_canonical(v, u, indicators[i]["unit"], units) if m == "level" else v
                   for v, u, i, m in zip(df["value"], df["unit"], df["indicator"], df["measure"])]
    df["unit"] = [indicators[i]["unit"] if m == "level" else "pct" for i, m in zip(df["indicator"], df["measure"])]
    df["derivation"] = ""
    return derive(df, reg, sectors).reset_index(drop=True)


def _duplicates(rows: list[tuple[int, int, dict]]) -> list[DataProblem]:
    seen: dict[tuple, str] = {}
    problems = []
    for row_no, line, row in rows:
        k = (row["indicator"], row["measure"], row["period"], row["area"])
        if k in seen:
            problems.append(DataProblem(row["_file"], f"duplicate observation {'/'.join(k)} (first at {seen[k]})",
                                        row=row_no, field="indicator", line=line))
        else:
            seen[k] = f"{row['_file']} row {row_no}"
    return problems


def derive(df: pd.DataFrame, reg: Registry, sectors: list[str] | None = None) -> pd.DataFrame:
    """Append the derived figures declared in ``derivations.yml``, computed from the sourced ones.

    With ``sectors``, derivations of other sectors' indicators are left out. Derivations are of the
    province's figures (``reg.province``); the result records the registry's facts as :func:`load_observations` does.
    """
    path = reg.data_dir / reg.catalog.derivations
    shown = shown_path(path, reg.data_dir)
    raw = load_yaml(path, shown)
    if not isinstance(raw, dict) or not isinstance(raw.get("derivations"), list):
        raise DataError([DataProblem(shown, "must have a 'derivations' list")])
    problems, new = [], []
    index = {(r.indicator, r.measure, r.period): r for r in df[df["area"] == reg.province].itertuples()}
    for i, item in enumerate(raw["derivations"], start=1):
        try:
            d = Derivation.model_validate(item)
        except ValidationError as exc:
            problems.extend(DataProblem(shown, e["msg"].removeprefix("Value error, "), row=i,
                                        field=".".join(map(str, e["loc"])) or None) for e in exc.errors())
            continue
        key = tuple(d.output.split("/"))
        if key[0] not in set(reg.indicators["indicator"]):
            problems.append(DataProblem(shown, f"unknown indicator {key[0]!r}", row=i, field="output"))
            continue
        if sectors is not None and reg.indicators.set_index("indicator").loc[key[0], "sector"] not in sectors:
            continue
        if key in index:
            what = ("derived twice in this file" if index[key].status == "derived"  # not prose: operator message
                    else "also in the sourced observations: a sourced figure must not be derived as well")  # not prose: operator message
            problems.append(DataProblem(shown, f"{d.output} is {what}", row=i, field="output"))
            continue
        inputs = []
        for ref in d.inputs:
            k = tuple(ref.split("/"))
            if k not in index:
                problems.append(DataProblem(shown, f"input {ref} is not an observation", row=i, field="inputs"))
                break
            inputs.append(index[k])
        else:
            if d.method in ("difference", "residual") and len({r.unit for r in inputs}) > 1:
                problems.append(DataProblem(shown, "inputs are in different units ("
                                            + ", ".join(f"{r.indicator}: {r.unit}" for r in inputs) + ")",
                                            row=i, field="inputs"))
                continue
            value = _apply(d.method, [r.value for r in inputs])
            if key[1] == "level" and value < 0:
                problems.append(DataProblem(shown, f"the derived level is negative ({value:.12g})", row=i,
                                            field="output"))
                continue
            names = [f"{r.indicator} {r.measure.replace('_', ' ')} {r.period}" for r in inputs]
            formula = _FORMULA[d.method].format(*names, rest=" + ".join(names[1:]))
            row = dict(indicator=key[0], measure=key[1], period=key[2], area=reg.province, qualifier="≈",
                       value=value, unit=inputs[0].unit, status="derived",
                       source_url=" ; ".join(dict.fromkeys(r.source_url for r in inputs if r.source_url)),
                       note=d.why, file=shown, row=i, value_published=float("nan"), unit_published="",
                       derivation=formula)
            new.append(row)
            index[key] = next(pd.DataFrame([row]).itertuples())
    if problems:
        raise DataError(problems)
    return record_registry(pd.concat([df, pd.DataFrame(new)], ignore_index=True), reg)


def record_registry(obs: pd.DataFrame, reg: Registry) -> pd.DataFrame:
    """Record in ``obs.attrs`` the registry's province and GRDP components; returns ``obs``.

    They are the defaults of :func:`lookup`, :func:`check_observations` and
    :func:`kg_metrics.analysis.assessment.sector_contributions`, which take a frame, not a registry.
    (pandas keeps ``attrs`` through filtering and copying, not through ``pd.concat``: record them again after.)
    """
    obs.attrs[PROVINCE_ATTR] = reg.province
    obs.attrs[COMPONENTS_ATTR] = reg.grdp_components
    return obs


def _recorded(obs: pd.DataFrame, key: str, what: str):
    try:
        return obs.attrs[key]
    except KeyError:
        raise ValueError(f"these observations do not record their {what} (attrs[{key!r}], set by "
                         f"load_observations); pass it explicitly (the registry's {key})") from None


def province_of(obs: pd.DataFrame) -> str:
    """The province recorded with ``obs`` (:func:`record_registry`); ValueError when there is none."""
    return _recorded(obs, PROVINCE_ATTR, "province")


def grdp_components_of(obs: pd.DataFrame) -> tuple[str, ...]:
    """The GRDP components recorded with ``obs`` (:func:`record_registry`); ValueError when there are none."""
    return tuple(_recorded(obs, COMPONENTS_ATTR, "GRDP components"))


def check_observations(obs: pd.DataFrame, area: str | None = None) -> list[str]:
    """Sanity checks after loading: H1 ≤ FY for additive levels of the same year. Returns warnings.

    ``area``: whose figures to check (default: the province, :func:`province_of`).
    """
    warnings = []
    lv = obs[(obs["measure"] == "level") & (obs["area"] == (area or province_of(obs)))]
    for ind, grp in lv.groupby("indicator"):
        by = grp.set_index("period")["value"]
        for p in by.index:
            if p.startswith("H1-") and f"FY-{p[3:]}" in by.index and by[p] > by[f"FY-{p[3:]}"]:
                warnings.append(f"{ind}: H1 {p[3:]} ({by[p]:g}) exceeds the full year ({by[f'FY-{p[3:]}']:g})")  # not prose: data check
    return warnings


def lookup(obs: pd.DataFrame, indicator: str, period: str, measure: str = "level",
           area: str | None = None, as_of: str | None = None) -> pd.Series | None:
    """The one observation for indicator/measure/period, or None when it is missing.

    ``area``: default the province (:func:`province_of`). With ``as_of`` (ISO date), a figure for a
    period ending after that date counts as missing.
    """
    hit = obs[(obs["indicator"] == indicator) & (obs["measure"] == measure) & (obs["period"] == period)
              & (obs["area"] == (area or province_of(obs)))]
    if hit.empty:
        return None
    if as_of is not None and parse_period(period).end.isoformat() > as_of:
        return None
    return hit.iloc[0]
