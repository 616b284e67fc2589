"""Observed figures (actuals, estimates, plans) with their sources, and the figures derived from them."""
from __future__ import annotations

import re
import weakref
from datetime import date
from pathlib import Path
from typing import Any, Callable

import numpy as np
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
#: Key of ``DataFrame.attrs`` where :func:`as_of_view` records the date a frame is the view of.
AS_OF_ATTR = "as_of"
#: What identifies a figure; its vintages (``published``) are rows with the same key.
KEY = ["indicator", "measure", "period", "area"]
QUALIFIERS = ("", ">", "<", "≈")
STATUSES = ("estimate", "official", "plan")
METHODS = {"prior_level": 2, "next_level": 2, "prior_from_ratio": 2, "difference": 2, "residual": None}
COLUMNS = ["indicator", "measure", "period", "area", "qualifier", "value", "unit", "status", "source_url", "published",
           "note"]


def today() -> date:
    """Today's date: no figure can be published after it (a function, so tests can move the clock)."""
    return date.today()


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
    published: str
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

    @field_validator("published")
    @classmethod
    def _published(cls, v: str) -> str:
        try:
            d = date.fromisoformat(v) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else None
        except ValueError:
            d = None
        if d is None:
            raise ValueError("must be the date the figure was first published, as YYYY-MM-DD")  # not prose: operator message
        if d > today():
            raise ValueError(f"{v} is in the future: a figure cannot be published after today ({today()})")  # not prose: operator message
        return v

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> "ObservationRow":
        problems = figure_problems(self, info)
        end = parse_period(self.period).end.isoformat()
        if self.status == "official" and self.published < end:
            problems.append(("published", f"{self.published} is before the period ends ({end}): an official figure "  # not prose: operator message
                                          "is an outturn, published after its period; a figure published earlier "  # not prose: operator message
                                          "is an 'estimate'"))  # not prose: operator message
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

    Every vintage is kept: a figure published twice (a first estimate, a revision) is two rows with
    different ``published`` dates. Pick what was known on a date with :func:`as_of_view` or
    :func:`lookup`'s ``as_of``.

    Columns: indicator, measure, period, area, qualifier, value (indicator's unit,
    or percent), value_published, unit_published, status (estimate / official / plan /
    derived), source_url, published (ISO date), note, file, row, derivation (its formula), inputs (a derived
    figure's inputs, each ``indicator/measure/period@published``). ``attrs`` records the registry's province and GRDP
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
    df["inputs"] = ""
    return derive(df, reg, sectors).reset_index(drop=True)


def _duplicates(rows: list[tuple[int, int, dict]]) -> list[DataProblem]:
    """The same figure (indicator/measure/period/area) twice with the same publication date.

    Two rows of one figure with different dates are its vintages (a first estimate and a revision); the
    same figure on the same day twice is ambiguous. A plan and an outturn of the same period are different
    figures (``status`` plan)."""
    seen: dict[tuple, str] = {}
    problems = []
    for row_no, line, row in rows:
        k = (row["indicator"], row["measure"], row["period"], row["area"], row.get("published", ""),
             row.get("status") == "plan")
        if k in seen:
            problems.append(DataProblem(row["_file"], f"duplicate observation {'/'.join(k[:4])} published {k[4]} "
                                        f"(first at {seen[k]})", row=row_no, field="indicator", line=line))
        else:
            seen[k] = f"{row['_file']} row {row_no}"
    return problems


def derive(df: pd.DataFrame, reg: Registry, sectors: list[str] | None = None, strict: bool = True) -> pd.DataFrame:
    """Append the derived figures declared in ``derivations.yml``, computed from the sourced ones, vintage by vintage.

    A derived figure is published when its last input is: for each date on which one of its inputs got a
    new vintage, it is computed from every input's latest vintage by then, and dated that day
    (``published`` = the latest of its inputs'). So a view as of any date (:func:`as_of_view`) sees the
    derived figure exactly as it could have been computed that day, or not at all when an input was not
    yet published. An input that has no vintage at all is an error (a typo, or a figure never sourced),
    unless ``strict`` is False: then ``df`` is a view as of a date (a scenario's), where the derivation is
    left out.

    With ``sectors``, derivations of other sectors' indicators are left out. Derivations are of the
    province's figures (``reg.province``); the result records the registry's facts as :func:`load_observations` does.
    """
    path = reg.data_dir / reg.catalog.derivations
    shown = shown_path(path, reg.data_dir)
    raw = load_yaml(path, shown)
    if not isinstance(raw, dict) or not isinstance(raw.get("derivations"), list):
        raise DataError([DataProblem(shown, "must have a 'derivations' list")])
    problems, new = [], []
    figures = df[(df["area"] == reg.province) & (df["status"] != "plan")]
    index: dict[tuple, list[dict]] = {}
    for r in figures.sort_values("published", kind="stable").to_dict("records"):
        index.setdefault((r["indicator"], r["measure"], r["period"]), []).append(r)
    declared: set[tuple] = set()
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
        if key in declared:
            problems.append(DataProblem(shown, f"{d.output} is derived twice in this file", row=i, field="output"))
            continue
        declared.add(key)
        vintages = []
        for ref in d.inputs:
            k = tuple(ref.split("/"))
            if k not in index:
                if strict:
                    problems.append(DataProblem(shown, f"input {ref} is not an observation", row=i, field="inputs"))
                break
            vintages.append(index[k])
        else:
            rows, problem = _derived_vintages(d, key, vintages, reg.province, shown, i)
            if problem is not None:
                problems.append(problem)
                continue
            new.extend(rows)
            index.setdefault(key, []).extend(rows)
            index[key].sort(key=lambda r: r["published"])
    if problems:
        raise DataError(problems)
    return record_registry(pd.concat([df, pd.DataFrame(new, columns=df.columns)], ignore_index=True), reg)


def _derived_vintages(d: Derivation, key: tuple, vintages: list[list[dict]], province: str, shown: str, i: int
                      ) -> tuple[list[dict], DataProblem | None]:
    """The derived figure once per date on which an input changed (see :func:`derive`), or the problem."""
    rows: list[dict] = []
    dates = sorted({r["published"] for vs in vintages for r in vs})
    seen: set[tuple] = set()
    for day in dates:
        inputs = [next((r for r in reversed(vs) if r["published"] <= day), None) for vs in vintages]
        if any(r is None for r in inputs):
            continue
        ids = tuple(id(r) for r in inputs)
        if ids in seen:
            continue
        seen.add(ids)
        if d.method in ("difference", "residual") and len({r["unit"] for r in inputs}) > 1:
            return [], DataProblem(shown, "inputs are in different units ("
                                   + ", ".join(f"{r['indicator']}: {r['unit']}" for r in inputs) + ")",
                                   row=i, field="inputs")
        value = _apply(d.method, [r["value"] for r in inputs])
        if key[1] == "level" and value < 0:
            return [], DataProblem(shown, f"the derived level is negative ({value:.12g})", row=i, field="output")
        names = [f"{r['indicator']} {r['measure'].replace('_', ' ')} {r['period']}" for r in inputs]
        formula = _FORMULA[d.method].format(*names, rest=" + ".join(names[1:]))
        rows.append(dict(indicator=key[0], measure=key[1], period=key[2], area=province, qualifier="≈",
                         value=value, unit=inputs[0]["unit"], status="derived",
                         source_url=" ; ".join(dict.fromkeys(r["source_url"] for r in inputs if r["source_url"])),
                         published=max(r["published"] for r in inputs),
                         note=d.why, file=shown, row=i, value_published=float("nan"), unit_published="",
                         derivation=formula,
                         inputs=" ; ".join(f"{r['indicator']}/{r['measure']}/{r['period']}@{r['published']}"
                                           for r in inputs)))
    return rows, None


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


def observation_issues(obs: pd.DataFrame, area: str | None = None, as_of: str | None = None) -> list[dict]:
    """Sanity checks after loading, as records: H1 ≤ FY for additive levels of the same year.

    One record per failed check: ``{"check": "h1_exceeds_fy", "indicator", "year", "h1", "fy"}``; a briefing
    writes them in its reader's language (catalog ``sector.note_<check>``), the CLI in English
    (:func:`check_observations`). ``area``: whose figures to check (default: the province,
    :func:`province_of`); ``as_of``: the figures as known on that date (default: the date ``obs`` is a view
    of, else the latest vintage of everything).
    """
    issues = []
    obs = as_of_view(obs, as_of or obs.attrs.get(AS_OF_ATTR))
    lv = obs[(obs["measure"] == "level") & (obs["area"] == (area or province_of(obs)))]
    for ind, grp in lv.groupby("indicator"):
        by = grp.set_index("period")["value"]
        for p in by.index:
            if p.startswith("H1-") and f"FY-{p[3:]}" in by.index and by[p] > by[f"FY-{p[3:]}"]:
                issues.append({"check": "h1_exceeds_fy", "indicator": ind, "year": int(p[3:]),
                               "h1": float(by[p]), "fy": float(by[f"FY-{p[3:]}"])})
    return issues


def check_observations(obs: pd.DataFrame, area: str | None = None, as_of: str | None = None) -> list[str]:
    """:func:`observation_issues` as English warnings for operators (``kg-metrics check``)."""
    return [f"{i['indicator']}: H1 {i['year']} ({i['h1']:g}) exceeds the full year ({i['fy']:g})"  # not prose: data check
            for i in observation_issues(obs, area, as_of)]


#: What was computed from a frame: (id(frame), kind, day) → (fingerprint, result): its as-of views, its plans,
#: the index :func:`lookup` reads. A frame is asked for the same view and looked up in many times (every
#: target, every section); recomputing it each time dominated the assessment's run time. Entries go with
#: their frame (weakref.finalize), and a frame changed in place is computed anew (:func:`_fingerprint`).
_CACHE: dict[tuple[int, str, str], tuple[tuple, Any]] = {}


def _fingerprint(obs: pd.DataFrame) -> tuple:
    """Cheap evidence that a frame was not changed since it was cached (its length, index ends and the sum of
    its values)."""
    values = obs["value"].to_numpy()
    total = float(np.nansum(values.astype(float))) if len(values) else 0.0
    return len(obs), (obs.index[0], obs.index[-1]) if len(obs) else (), total


def _cached(obs: pd.DataFrame, kind: str, day: str, make: Callable[[], Any]) -> Any:
    key, fp = (id(obs), kind, day), _fingerprint(obs)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == fp:
        return hit[1]
    result = make()
    if not any(k[0] == id(obs) for k in _CACHE):
        weakref.finalize(obs, _forget, id(obs))
    _CACHE[key] = (fp, result)
    return result


def _forget(frame_id: int) -> None:
    for k in [k for k in _CACHE if k[0] == frame_id]:
        _CACHE.pop(k, None)


def _by_vintage(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` oldest vintage first; on one date a derived figure before a sourced one (the sourced one wins)."""
    return rows.assign(_derived=rows["status"] == "derived").sort_values(
        ["published", "_derived"], ascending=[True, False], kind="stable").drop(columns="_derived")


def _latest(rows: pd.DataFrame, obs: pd.DataFrame, day: str) -> pd.DataFrame:
    """The latest vintage of each figure among ``rows``, in ``obs``'s order, recording ``obs``'s facts and ``day``."""
    view = rows.loc[_by_vintage(rows).drop_duplicates(KEY, keep="last").index.sort_values()]
    view.attrs = {**obs.attrs, AS_OF_ATTR: day}
    return view


def _with_attrs(view: pd.DataFrame, obs: pd.DataFrame, day: str) -> pd.DataFrame:
    """``view`` recording ``obs``'s facts as they are now (attrs may have been set since it was cached)."""
    view.attrs = {**obs.attrs, AS_OF_ATTR: day}
    return view


def as_of_view(obs: pd.DataFrame, as_of: str | None = None) -> pd.DataFrame:
    """What was known on ``as_of``: for each figure, its latest vintage published on or before that date.

    Plans (``status`` plan) are left out: they are not figures of what happened (:func:`plans_view`).
    On a tie of dates a sourced figure wins over a derived one. ``as_of`` None: the latest of everything.
    The view records its date in ``attrs['as_of']``; a view asked again for the same date is returned as is.
    Do not change a view in place: it is shared by everyone who asks for it.
    """
    day = as_of or "9999-12-31"
    if obs.attrs.get(AS_OF_ATTR) == day:
        return obs
    view = _cached(obs, "figures", day,
                   lambda: _latest(obs[(obs["status"] != "plan") & (obs["published"] <= day)], obs, day))
    return _with_attrs(view, obs, day)


def plans_view(obs: pd.DataFrame, as_of: str | None = None) -> pd.DataFrame:
    """The annual plans known on ``as_of`` (latest vintage of each), like :func:`as_of_view` for figures."""
    day = as_of or "9999-12-31"
    view = _cached(obs, "plans", day,
                   lambda: _latest(obs[(obs["status"] == "plan") & (obs["published"] <= day)], obs, day))
    return _with_attrs(view, obs, day)


def _index(obs: pd.DataFrame) -> dict[tuple, list[pd.Series]]:
    """{indicator/measure/period/area: [its rows, oldest vintage first]}, plans left out."""
    def make() -> dict[tuple, list[pd.Series]]:
        order = _by_vintage(obs[obs["status"] != "plan"])
        index: dict[tuple, list[pd.Series]] = {}
        for (_, row), key in zip(order.iterrows(), zip(*(order[c] for c in KEY))):
            index.setdefault(key, []).append(row)
        return index

    return _cached(obs, "index", "", make)


def lookup(obs: pd.DataFrame, indicator: str, period: str, measure: str = "level",
           area: str | None = None, as_of: str | None = None) -> pd.Series | None:
    """The figure for indicator/measure/period as known on ``as_of`` (ISO date), or None when it is missing.

    Its latest vintage published on or before ``as_of`` (any date when None); a sourced figure wins a tie
    with a derived one. Plans are not figures: never returned. ``area``: default the province
    (:func:`province_of`).
    """
    rows = _index(obs).get((indicator, measure, period, area or province_of(obs)))
    if not rows:
        return None
    if as_of is None:
        return rows[-1]
    return next((r for r in reversed(rows) if r["published"] <= as_of), None)
