"""Shared fixtures: the shipped data, throw-away copies of it, and helpers to break one thing at a time.

Everything here reads only inside this clone (``<repo>/data``); tests never
touch the shipped files, they edit a copy under ``tmp_path``.
"""
from __future__ import annotations

import csv
import io
import math
import shutil
from pathlib import Path

import pytest

from kg_metrics.errors import DataError, DataProblem
from kg_metrics.data.observations import load_observations
from kg_metrics.data.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shipped data directory (read only)."""
    return DATA_DIR


@pytest.fixture(scope="session")
def registry():
    """The registry loaded from the shipped data, once per session."""
    return load_registry(DATA_DIR)


@pytest.fixture(scope="session")
def observations(registry):
    """The observations (sourced and derived) loaded from the shipped data, once per session."""
    return load_observations(registry)


def copy_data(parent: Path, source: Path = DATA_DIR) -> Path:
    """A private copy of ``source`` (the shipped ``data/``) at ``parent/'data'``; returns it."""
    dest = Path(parent) / "data"
    shutil.copytree(source, dest)
    return dest


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of ``data/`` at ``tmp_path/'data'``; errors show its files as ``data/...``."""
    return copy_data(tmp_path)


# --------------------------------------------------------------------------- CSV helpers
def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file, as the csv module reads it (independently of kg_metrics)."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def write_table(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    Path(path).write_text(buf.getvalue(), encoding="utf-8")


def set_cells(path: Path, row: int, **fields: str) -> dict[str, str]:
    """Set ``fields`` of the 1-based data ``row`` of a CSV file; returns the row as it was."""
    header, rows = read_table(path)
    before = dict(rows[row - 1])
    for name, value in fields.items():
        assert name in header, f"{name} is not a column of {path}"
        rows[row - 1][name] = value
    write_table(path, header, rows)
    return before


def row_of(path: Path, column: str, value: str) -> int:
    """The 1-based data row of a CSV file whose ``column`` equals ``value`` (there must be one)."""
    _, rows = read_table(path)
    hits = [i for i, r in enumerate(rows, start=1) if r[column] == value]
    assert len(hits) == 1, f"{column}={value!r} is in rows {hits} of {path}"
    return hits[0]


# --------------------------------------------------------------------------- synthetic data on a copy
#: The source_url of every synthetic row the tests add to a copy of the data.
SYNTHETIC_URL = "https://example.test/synthetic"
OBSERVATION_COLUMNS = ["indicator", "measure", "period", "area", "qualifier", "value", "unit", "status", "source_url",
                       "published", "note"]
#: The usual shape of a synthetic row given as a tuple; the other columns take add_observations' defaults.
ROW_FIELDS = ("indicator", "measure", "period", "value", "unit", "published")
#: The same with a qualifier ('>', '≈', …) before the value.
QUALIFIED_ROW_FIELDS = ("indicator", "measure", "period", "qualifier", "value", "unit", "published")


def add_observations(data_dir: Path, sector: str, rows, *, fields=ROW_FIELDS, **defaults: str) -> int:
    """Append ``rows`` to ``data_dir/observations/<sector>.csv``; returns the 1-based row number of the first.

    A row is a tuple of ``fields`` or a dict of columns. The columns a row leaves out are those of a synthetic
    estimate of the province: area kien_giang, no qualifier, status estimate, source_url SYNTHETIC_URL,
    note 'synthetic (test)'; ``defaults`` (column=value) replace these for every row.
    """
    path = Path(data_dir) / "observations" / f"{sector}.csv"
    header, existing = read_table(path)
    assert header == OBSERVATION_COLUMNS, f"{path} has columns {header}"
    base = dict(area="kien_giang", qualifier="", status="estimate", source_url=SYNTHETIC_URL, note="synthetic (test)")
    base.update(defaults)
    first = len(existing) + 1
    for row in rows:
        given = dict(row) if isinstance(row, dict) else dict(zip(fields, row, strict=True))
        new = {**base, **given}
        assert sorted(new) == sorted(OBSERVATION_COLUMNS), f"not the 11 columns of an observation: {new}"
        existing.append(new)
    write_table(path, header, existing)
    return first


def add_observations_by_file(data_dir: Path, rows, *, fields=ROW_FIELDS, **defaults: str) -> None:
    """Append ``(sector, *fields)`` rows, each to ``observations/<sector>.csv`` in order (see add_observations)."""
    by_sector: dict[str, list] = {}
    for sector, *row in rows:
        by_sector.setdefault(sector, []).append(tuple(row))
    for sector, sector_rows in by_sector.items():
        add_observations(data_dir, sector, sector_rows, fields=fields, **defaults)


def add_derivation(data_dir: Path, output: str, method: str, inputs: list[str], why: str = "synthetic (test)") -> None:
    """Append a derivation of ``output`` (indicator/measure/period) by ``method`` from ``inputs`` to derivations.yml."""
    path = Path(data_dir) / "derivations.yml"
    path.write_text(path.read_text(encoding="utf-8") + f"  - output: {output}\n    method: {method}\n"
                    f"    inputs: [{', '.join(inputs)}]\n    why: {why}\n", encoding="utf-8")


def load(data_dir: Path):
    """(registry, observations) of a data directory, e.g. a copy with synthetic rows."""
    reg = load_registry(data_dir)
    return reg, load_observations(reg)


@pytest.fixture(scope="session")
def csv_tools():
    """The CSV and synthetic-data helpers, as a namespace (fixtures rather than imports from conftest).

    Session-scoped (it holds no state) so that module-scoped fixtures can use it too.
    """

    class Tools:
        SYNTHETIC_URL = SYNTHETIC_URL
        ROW_FIELDS = ROW_FIELDS
        QUALIFIED_ROW_FIELDS = QUALIFIED_ROW_FIELDS
        read = staticmethod(read_table)
        write = staticmethod(write_table)
        set = staticmethod(set_cells)
        row_of = staticmethod(row_of)
        copy_data = staticmethod(copy_data)
        add_observations = staticmethod(add_observations)
        add_observations_by_file = staticmethod(add_observations_by_file)
        add_derivation = staticmethod(add_derivation)
        load = staticmethod(load)

    return Tools


# --------------------------------------------------------------------------- error helpers
def find_problem(err: DataError, file: str, *, row: int | None = None, field: str | None = None,
                 line: int | None = None, contains: str | None = None) -> DataProblem:
    """The problem of ``err`` in ``file`` at ``row``/``field``/``line`` (those given); fails if none.

    Also checks the user sees the place: ``str(err)`` names the file, the row and the field.
    """
    hits = [p for p in err.problems
            if p.file == file
            and (row is None or p.row == row)
            and (field is None or p.field == field)
            and (line is None or p.line == line)
            and (contains is None or contains in p.message)]
    assert hits, (f"no problem in {file} row={row} field={field} line={line} contains={contains!r}; got:\n{err}")
    text = str(err)
    assert file in text
    if row is not None:
        assert f"row {row}" in text
    if field is not None:
        assert f"field '{field}'" in text
    if line is not None and row is not None:
        # a problem without a row keeps its line in .line only: see the xfail in test_registry.py
        assert f"row {row} (line {line})" in text
    if contains is not None:
        assert contains in text
    return hits[0]


@pytest.fixture
def problem():
    return find_problem


# --------------------------------------------------------------------------- statistics by hand
def t4_sf(x: float) -> float:
    """P(T ≥ x) for Student's t with 4 degrees of freedom (closed form), to check simulated probabilities."""
    u = x * x / (4 + x * x)
    return 0.5 - 0.75 * math.copysign(math.sqrt(u), x) * (1 - u / 3)


def predictive_by_hand(values) -> tuple[float, float]:
    """(centre, scale) of the predictive distribution of one more value, computed without numpy."""
    m = sum(values) / len(values)
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))
    return m, sd * math.sqrt(1 + 1 / len(values))


#: What the GRDP outcome of a scenario needs but was not published by 18/7/2024: services' and product taxes' H1
#: 2023 levels (taxes' the residual 35.872 − 13.897,96 − 7.151,09 − 12.862) and the four components' H1 2024
#: growth; (file, indicator, measure, period, value, unit, published), synthetic estimates of the province.
GRDP_SYNTHETIC_ROWS = [
    ("economy", "va_services", "level", "H1-2023", "12.862", "bn_vnd", "2023-07-04"),
    ("economy", "va_taxes", "level", "H1-2023", "1.960,95", "bn_vnd", "2023-07-04"),
    ("economy", "va_agri", "growth_yoy_pct", "H1-2024", "2,46", "pct", "2024-07-10"),
    ("economy", "va_industry", "growth_yoy_pct", "H1-2024", "10,35", "pct", "2024-07-10"),
    ("economy", "va_services", "growth_yoy_pct", "H1-2024", "9,8", "pct", "2024-07-10"),
    ("economy", "va_taxes", "growth_yoy_pct", "H1-2024", "5,71", "pct", "2024-07-10"),
]
