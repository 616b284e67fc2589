"""Target registry: sectors, units, indicators and targets loaded from ``data/`` and validated.

Every target is traced to its clause and to a verbatim quote of the resolution;
loading fails with a message naming the file, row and field of any problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from kg_metrics.errors import DataError, DataProblem
from kg_metrics.paths import default_data_dir
from kg_metrics.data.lexicon import COMPARATORS, LexiconFile, lexicon_yaml, validate_lexicon
from kg_metrics.data.periods import parse_period, period_label
from kg_metrics.data.resolution import Resolution, load_resolution, numbers_in
from kg_metrics.data.tables import MultiFieldError, collect_row_problems, read_csv
from kg_metrics.data.validation import (NonEmpty, check_clause, check_indicator, check_unit, context, figure_problems,
                                        listed_in, load_yaml, number, one_of, shown_path, slug)

#: The default assessment date: the council session that passed the resolution.
RESOLUTION_AS_OF = "2024-07-18"
#: What each kind of figure measures. A target or an observation is one of these.
MEASURES = ("level", "growth_yoy_pct", "share_of_plan_pct", "pct_of_prior_year")
TARGET_PERIOD_KINDS = ("H2", "FY")
#: A sector of sectors.csv (the context's ``sectors``), as indicators.csv and task_paragraphs.csv name them.
check_sector = listed_in("sectors", "unknown sector; expected one of: {known}")  # not prose: operator message


# --------------------------------------------------------------------------- catalog
class Catalog(BaseModel):
    """``data/catalog.yml``: the declared decimal convention, where each file is, and the resolution's scope."""

    model_config = ConfigDict(extra="forbid")
    decimal_convention: str = Field(pattern="^(vi|en)$")
    resolution: str
    resolution_title_vi: str
    resolution_title_en: str
    resolution_date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    vintage: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    sectors: str
    units: str
    indicators: str
    targets: str
    task_paragraphs: str
    observations: str
    derivations: str
    searched: str
    lexicon: str
    overview_sector: str
    province: str
    areas: list[str] = Field(min_length=1)
    level_series_from: dict[str, int] = Field(default_factory=dict)

    _v_slug = field_validator("overview_sector", "province")(lambda v: slug(v))

    @field_validator("areas")
    @classmethod
    def _areas(cls, v: list[str]) -> list[str]:
        for a in v:
            slug(a)
        if len(set(v)) != len(v):
            raise ValueError("lists an area twice")
        return v

    @model_validator(mode="after")
    def _province_is_an_area(self) -> "Catalog":
        if self.province not in self.areas:
            raise ValueError(f"province {self.province!r} is not one of the areas ({', '.join(self.areas)})")
        return self


def load_catalog(data_dir: Path) -> Catalog:
    path = Path(data_dir) / "catalog.yml"
    shown = shown_path(path, data_dir)
    if not path.exists():
        raise DataError([DataProblem(shown, f"not found: is {data_dir} a kg_metrics data directory?")])
    raw = load_yaml(path, shown)
    if not isinstance(raw, dict):
        raise DataError([DataProblem(shown, "must be a mapping of keys to values")])
    try:
        return Catalog.model_validate(raw)
    except ValidationError as exc:
        raise DataError([DataProblem(shown, e["msg"].removeprefix("Value error, "),
                                     field=".".join(map(str, e["loc"])) or None)
                         for e in exc.errors()]) from None


# --------------------------------------------------------------------------- row models
class SectorRow(BaseModel):
    sector: str
    order: int = Field(ge=0)
    name_vi: NonEmpty
    name_en: NonEmpty
    clause: str

    _v_slug = field_validator("sector")(lambda v: slug(v))
    _v_clause = field_validator("clause")(check_clause)


class UnitRow(BaseModel):
    unit: str
    base_unit: str
    factor_to_base: float
    symbol_vi: NonEmpty
    symbol_en: NonEmpty
    name_vi: NonEmpty
    name_en: NonEmpty

    _v_slug = field_validator("unit", "base_unit")(lambda v: slug(v))

    @field_validator("factor_to_base", mode="before")
    @classmethod
    def _factor(cls, v: str, info: ValidationInfo) -> float:
        value = number(v, info)
        if value <= 0:
            raise ValueError("must be a positive number")
        return value


class IndicatorRow(BaseModel):
    indicator: str
    sector: str
    name_vi: NonEmpty
    name_en: NonEmpty
    short_name_vi: NonEmpty
    short_name_en: NonEmpty
    figure_vi: NonEmpty
    figure_en: NonEmpty
    unit: str
    additive: bool
    grdp_component: int | None = Field(default=None, ge=1)

    _v_slug = field_validator("indicator")(lambda v: slug(v))
    _v_sector = field_validator("sector")(check_sector)
    _v_unit = field_validator("unit")(check_unit)

    @field_validator("grdp_component", mode="before")
    @classmethod
    def _component(cls, v: Any) -> Any:
        if isinstance(v, str) and v.isdigit():
            return int(v)
        if v in ("", None):
            return None  # not a component of GRDP
        raise ValueError("must be empty or the component's position (1, 2, …) in the GRDP breakdown")

    @field_validator("figure_vi", "figure_en")
    @classmethod
    def _figure(cls, v: str) -> str:
        if v.count("{period}") != 1 or v.replace("{period}", "").count("{") or v.count("}") != 1:
            raise ValueError("must name the figure with '{period}' once and no other field, e.g. "  # not prose: operator message
                             "'rice output for {period}'")
        return v

    @model_validator(mode="after")
    def _component_adds_up(self) -> "IndicatorRow":
        if self.grdp_component is not None and not self.additive:
            raise MultiFieldError([("additive", "a GRDP component must be additive")])
        return self


class TargetRow(BaseModel):
    target_id: str
    indicator: str
    measure: str
    period: str
    comparator: str
    comparator_text: str
    value: float
    unit: str
    clause: str
    quote: NonEmpty

    _v_slug = field_validator("target_id")(lambda v: slug(v))
    _v_indicator = field_validator("indicator")(check_indicator)
    _v_measure = field_validator("measure")(one_of(MEASURES[:2], "a target's measure must be one of: {known}"))  # not prose: operator message
    _v_comparator = field_validator("comparator")(one_of(COMPARATORS, "must be one of " + " ".join(COMPARATORS)))  # not prose: operator message
    _v_comparator_text = field_validator("comparator_text")(
        listed_in("comparators", "unknown wording; known (lexicon.yml): {known}"))  # not prose: operator message
    _v_value = field_validator("value", mode="before")(number)
    _v_unit = field_validator("unit")(check_unit)
    _v_clause = field_validator("clause")(check_clause)

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        p = parse_period(v)
        if p.kind not in TARGET_PERIOD_KINDS:
            raise ValueError("a target is for H2-YYYY or FY-YYYY")
        return v

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> "TargetRow":
        ctx = context(info)
        problems = figure_problems(self, info)
        words = ctx.get("comparators", {})
        if words.get(self.comparator_text) != self.comparator:
            problems.append(("comparator", f"'{self.comparator_text}' means "
                             f"{words.get(self.comparator_text)}, not {self.comparator}"))
        res: Resolution | None = ctx.get("resolution")
        if res is not None:
            if self.quote not in res.text:
                problems.append(("quote", "not found verbatim in the resolution"))  # not prose: operator message
            else:
                try:
                    if self.quote not in res.clause_text(self.clause):
                        problems.append(("clause", f"the quote is not in {self.clause}"))  # not prose: operator message
                except (KeyError, ValueError):
                    pass  # reported by the clause validator
            if self.comparator_text not in self.quote:
                problems.append(("comparator_text", "the wording is not in the quote"))  # not prose: operator message
            # The resolution is written in Vietnamese notation, whatever convention the data files declare.
            quoted = numbers_in(self.quote, "vi")
            if not any(abs(n - self.value) < 1e-9 for n in quoted):
                problems.append(("value", f"{self.value:.12g} is not among the numbers of the quote "  # not prose: operator message
                                 f"({', '.join(f'{n:.12g}' for n in quoted)})"))
        if problems:
            raise MultiFieldError(problems)
        return self


class TaskParagraphRow(BaseModel):
    sector: str
    clause: str
    paragraph: int = Field(ge=1)

    _v_sector = field_validator("sector")(check_sector)
    _v_clause = field_validator("clause")(check_clause)


# --------------------------------------------------------------------------- helpers
def to_canonical(value: float, unit: str, indicator_unit: str, units: dict) -> float:
    """Convert ``value`` in ``unit`` to the indicator's own unit (same base unit assumed)."""
    if unit == indicator_unit:
        return value
    # e.g. 1,2 m_arrivals × 1e6 / 1 = 1.200.000 arrivals
    return value * units[unit]["factor_to_base"] / units[indicator_unit]["factor_to_base"]


def _frame(rows: list[BaseModel]) -> pd.DataFrame:
    return pd.DataFrame([r.model_dump() for r in rows])


def _unique(rows: list[tuple[int, int, dict]], key: str | tuple[str, ...], file: str) -> list[DataProblem]:
    keys = (key,) if isinstance(key, str) else key
    seen: dict[tuple, int] = {}
    problems = []
    for row_no, line, row in rows:
        k = tuple(row[c] for c in keys)
        if k in seen:
            problems.append(DataProblem(file, f"duplicate {'/'.join(keys)} {'/'.join(k)!r} "
                                              f"(first at row {seen[k]})", row=row_no, field=keys[0], line=line))
        else:
            seen[k] = row_no
    return problems


# --------------------------------------------------------------------------- registry
@dataclass
class Registry:
    """Everything the briefings know about the resolution's targets, and the domain facts of ``data/``."""

    data_dir: Path
    catalog: Catalog
    resolution: Resolution
    sectors: pd.DataFrame
    units: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    task_paragraphs: pd.DataFrame
    lexicon: LexiconFile
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def sector_ids(self) -> list[str]:
        return list(self.sectors.sort_values("order")["sector"])

    @property
    def overview_sector(self) -> str:
        """The sector the overview covers (catalog.yml's ``overview_sector``); it has no sector briefing."""
        return self.catalog.overview_sector

    @property
    def briefing_sectors(self) -> list[str]:
        """The sectors that get a sector briefing: every sector but the overview's, in order."""
        return [s for s in self.sector_ids if s != self.overview_sector]

    @property
    def province(self) -> str:
        """The resolution's area (catalog.yml's ``province``): the area of every figure the briefings assess."""
        return self.catalog.province

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas an observation may be for (catalog.yml's ``areas``): the province and parts of it."""
        return tuple(self.catalog.areas)

    @property
    def grdp_components(self) -> tuple[str, ...]:
        """The indicators that make up GRDP, in the order of indicators.csv's ``grdp_component``."""
        comp = self.indicators.dropna(subset=["grdp_component"]).sort_values("grdp_component")
        return tuple(comp["indicator"])

    @property
    def comparator_words(self) -> dict[str, str]:
        """The resolution's comparator wording and the comparator it means (lexicon.yml's ``comparators``)."""
        return dict(self.lexicon.comparators)

    def sector_name(self, sector: str, lang: str = "vi") -> str:
        return self.sectors.set_index("sector").loc[sector, f"name_{lang}"]

    def indicator_name(self, indicator: str, lang: str = "vi") -> str:
        return self.indicators.set_index("indicator").loc[indicator, f"name_{lang}"]

    def comparator_wording(self, target_id: str) -> str:
        """The resolution's wording of a target's comparator (targets.csv ``comparator_text``: 'đạt', 'trên'),
        '' for an unknown target."""
        hit = self.targets.loc[self.targets["target_id"] == target_id, "comparator_text"]
        return str(hit.iloc[0]) if len(hit) else ""

    def figure(self, indicator: str, period: str, lang: str = "vi") -> str:
        """One figure of the indicator, in words that fit it (indicators.csv's ``figure_vi``/``figure_en``).

        Examples
        --------
        >>> reg = load_registry()
        >>> reg.figure("ntm_communes", "H1-2024")
        'số xã được công nhận đạt chuẩn nông thôn mới trong 6 tháng đầu năm 2024'
        """
        return self.indicators.set_index("indicator").loc[indicator, f"figure_{lang}"].format(
            period=period_label(period, lang))

    def short_name(self, indicator: str, lang: str = "vi") -> str:
        """The indicator's short display name (indicators.csv's ``short_name_vi``/``short_name_en``).

        Examples
        --------
        >>> reg = load_registry()
        >>> reg.short_name("intl_tourists"), reg.short_name("va_services", "en")
        ('Khách quốc tế', 'Services')
        """
        return self.indicators.set_index("indicator").loc[indicator, f"short_name_{lang}"]

    def unit_symbol(self, unit: str, lang: str = "vi") -> str:
        return self.units.set_index("unit").loc[unit, f"symbol_{lang}"]

    def targets_for(self, sector: str) -> pd.DataFrame:
        return self.targets[self.targets["sector"] == sector]

    def tasks_for(self, sector: str) -> pd.DataFrame:
        """The resolution's paragraphs assigned to ``sector``, with their clause."""
        rows = []
        for _, tp in self.task_paragraphs[self.task_paragraphs["sector"] == sector].iterrows():
            a, k, p = self.resolution.structure.parse(tp["clause"])
            for para in self.resolution.paragraphs:
                if (para.article, para.clause, para.point, para.number) == (a, k, p, tp["paragraph"]):
                    rows.append({"clause": tp["clause"], "paragraph": tp["paragraph"], "text": para.text})
        return pd.DataFrame(rows, columns=["clause", "paragraph", "text"])


def load_registry(data_dir: Path | str | None = None) -> Registry:
    """Load and validate the registry in ``data_dir`` (default: this clone's ``data/``).

    Raises :class:`DataError` listing every problem with file, row and field.

    Examples
    --------
    >>> reg = load_registry()
    >>> reg.grdp_components, reg.overview_sector, reg.province
    (('va_agri', 'va_industry', 'va_services', 'va_taxes'), 'economy', 'kien_giang')
    """
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    catalog = load_catalog(data_dir)
    files = {k: data_dir / getattr(catalog, k) for k in
             ("resolution", "sectors", "units", "indicators", "targets", "task_paragraphs", "lexicon")}
    res_path = files["resolution"]
    if not res_path.exists():
        raise DataError([DataProblem(shown_path(res_path, data_dir), "the resolution text is missing")])
    # The lexicon says how the resolution is structured, and the rows of every file cite its clauses; the
    # lexicon's indicators and units are checked below, once indicators.csv and units.csv are read (the
    # file is read once, validated twice: its structure first, then against those ids).
    lexicon_shown = shown_path(files["lexicon"], data_dir)
    lexicon_raw = lexicon_yaml(files["lexicon"], lexicon_shown)
    structure = validate_lexicon(lexicon_raw, lexicon_shown).structure.build()
    resolution = load_resolution(res_path, structure)
    ctx: dict[str, Any] = {"convention": catalog.decimal_convention, "resolution": resolution}
    problems: list[DataProblem] = []
    positions: dict[str, list[tuple[int, int]]] = {}

    def load(name: str, model, key) -> list:
        shown = shown_path(files[name], data_dir)
        rows = read_csv(files[name], list(model.model_fields), shown)
        out, probs = collect_row_problems(model, rows, shown, ctx)
        problems.extend(probs)
        problems.extend(_unique(rows, key, shown))
        positions[name] = [(row_no, line) for row_no, line, _ in rows]
        return out

    sectors = load("sectors", SectorRow, "sector")
    ctx["sectors"] = [s.sector for s in sectors]
    if catalog.overview_sector not in ctx["sectors"]:
        problems.append(DataProblem(shown_path(data_dir / "catalog.yml", data_dir),
                                    f"overview_sector {catalog.overview_sector!r} is not a sector of "
                                    f"{catalog.sectors}", field="overview_sector"))
    units = load("units", UnitRow, "unit")
    ctx["units"] = {u.unit: u.model_dump() for u in units}
    indicators = load("indicators", IndicatorRow, "indicator")
    ctx["indicators"] = {i.indicator: i.model_dump() for i in indicators}
    problems.extend(_check_components(indicators, positions["indicators"], shown_path(files["indicators"], data_dir)))
    problems.extend(DataProblem(shown_path(data_dir / "catalog.yml", data_dir),
                                f"level_series_from names {name!r}, which is not in {catalog.indicators}",
                                field="level_series_from")
                    for name in catalog.level_series_from if name not in ctx["indicators"])
    try:
        lexicon = validate_lexicon(lexicon_raw, lexicon_shown, ctx["indicators"], ctx["units"])
        ctx["comparators"] = lexicon.comparators
    except DataError as exc:
        raise DataError(problems + exc.problems) from None
    targets = load("targets", TargetRow, "target_id")
    tasks = load("task_paragraphs", TaskParagraphRow, ("sector", "clause", "paragraph"))
    if problems:
        raise DataError(problems)

    ind = _frame(indicators)
    tg = _frame(targets)
    tg["row"] = [r for r, _ in positions["targets"]]
    tg["line"] = [ln for _, ln in positions["targets"]]
    tg = tg.merge(ind[["indicator", "sector", "name_vi", "name_en", "additive"]].rename(
        columns={"unit": "indicator_unit"}), on="indicator", how="left")
    tg["indicator_unit"] = tg["indicator"].map(ind.set_index("indicator")["unit"])
    tg["value_canonical"] = [
        to_canonical(v, u, iu, ctx["units"]) if m == "level" else v
        for v, u, iu, m in zip(tg["value"], tg["unit"], tg["indicator_unit"], tg["measure"])
    ]
    reg = Registry(data_dir, catalog, resolution, _frame(sectors), _frame(units), ind, tg, _frame(tasks), lexicon,
                   files)
    problems = check_targets(reg)
    if problems:
        raise DataError(problems)
    return reg


def _check_components(indicators: list[IndicatorRow], positions: list[tuple[int, int]], shown: str
                      ) -> list[DataProblem]:
    """GRDP components are numbered 1, 2, … without gaps or repeats, and share one unit."""
    problems = []
    comps = [(i, pos) for i, pos in zip(indicators, positions) if i.grdp_component is not None]
    numbers = sorted(i.grdp_component for i, _ in comps)
    if numbers != list(range(1, len(numbers) + 1)):
        row, line = comps[-1][1] if comps else (None, None)
        problems.append(DataProblem(shown, f"grdp_component must number the components 1, 2, … once each "
                                           f"(got {', '.join(map(str, numbers))})", row=row, field="grdp_component",
                                    line=line))
    for i, (row, line) in comps:
        if i.unit != comps[0][0].unit:
            problems.append(DataProblem(shown, f"a GRDP component is in {comps[0][0].unit!r} like the others, "
                                               f"not {i.unit!r}", row=row, field="unit", line=line))
    return problems


def check_targets(reg: Registry) -> list[DataProblem]:
    """Cross-row checks: an additive indicator's H2 target cannot exceed its year target."""
    problems = []
    shown = shown_path(reg.files["targets"], reg.data_dir)
    tg = reg.targets.reset_index(drop=True)
    for (indicator, measure), grp in tg.groupby(["indicator", "measure"], sort=False):
        years = {parse_period(p).year for p in grp["period"]}
        for year in years:
            h2 = grp[grp["period"] == f"H2-{year}"]
            fy = grp[grp["period"] == f"FY-{year}"]
            if len(h2) and len(fy) and measure == "level" and bool(h2["additive"].iloc[0]):
                if h2["value_canonical"].iloc[0] > fy["value_canonical"].iloc[0] + 1e-9:
                    problems.append(DataProblem(shown, f"the H2 target of {indicator} "
                                                f"({h2['value'].iloc[0]:.12g}) exceeds its year target "
                                                f"({fy['value'].iloc[0]:.12g})", row=int(h2["row"].iloc[0]),
                                                field="value", line=int(h2["line"].iloc[0])))
    return problems


__all__ = ["COMPARATORS", "MEASURES", "RESOLUTION_AS_OF", "TARGET_PERIOD_KINDS", "Catalog", "IndicatorRow", "Registry",
           "SectorRow", "TargetRow", "TaskParagraphRow", "UnitRow", "check_targets", "load_catalog", "load_registry",
           "load_yaml", "shown_path", "to_canonical"]
