"""Shared fixtures: the shipped data, throw-away copies of it, and helpers to break one thing at a time.

Everything here reads only inside this clone (``<repo>/data``); tests never
touch the shipped files, they edit a copy under ``tmp_path``.
"""
from __future__ import annotations

import csv
import io
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


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of ``data/`` at ``tmp_path/'data'``; errors show its files as ``data/...``."""
    dest = tmp_path / "data"
    shutil.copytree(DATA_DIR, dest)
    return dest


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


@pytest.fixture
def csv_tools():
    """The CSV helpers, as a namespace (fixtures rather than imports from conftest)."""

    class Tools:
        read = staticmethod(read_table)
        write = staticmethod(write_table)
        set = staticmethod(set_cells)
        row_of = staticmethod(row_of)

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
