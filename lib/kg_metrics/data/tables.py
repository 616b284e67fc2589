"""Reading the project's CSV files strictly, so every problem names its file, row and field."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from kg_metrics.errors import DataError, DataProblem

Row = dict[str, str]


def read_csv(path: Path, columns: list[str], shown_as: str | None = None) -> list[tuple[int, int, Row]]:
    """Read ``path`` as UTF-8, comma-separated, with exactly ``columns`` as header.

    Returns ``(row_number, line_number, row)`` triples. Raises :class:`DataError`
    for an empty file, a byte-order mark, a non-UTF-8 file, a header that is
    not the expected one (wrong delimiter, missing or extra column) or a row
    with the wrong number of fields.
    """
    name = shown_as or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DataError([DataProblem(name, f"cannot be read: {exc.strerror}")]) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError([DataProblem(name, "starts with a UTF-8 byte-order mark (as Excel's 'CSV UTF-8' writes); "
                                           "save it as plain UTF-8 without BOM", row=None, line=1)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([DataProblem(name, f"is not UTF-8 (byte {raw[exc.start]:#04x} at line {line}); "
                                           "save it as UTF-8", line=line)]) from None
    if not text.strip():
        raise DataError([DataProblem(name, "is empty; expected a header line: " + ",".join(columns))])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError([DataProblem(name, f"header cannot be read as CSV: {exc}", line=1)]) from None
    header = [h.strip() for h in header]
    if header != columns:
        problems = []
        if len(header) == 1 and any(d in header[0] for d in ";\t|"):
            problems.append(DataProblem(name, "header has a single column: the file seems to use "
                                              f"{_delimiter_name(header[0])} as delimiter; expected commas", line=1))
        else:
            missing = [c for c in columns if c not in header]
            extra = [c for c in header if c not in columns]
            if missing:
                problems.append(DataProblem(name, "missing column(s): " + ", ".join(missing), line=1))
            if extra:
                problems.append(DataProblem(name, "unexpected column(s): " + ", ".join(extra), line=1))
            if not missing and not extra:
                problems.append(DataProblem(name, "columns are out of order; expected: " + ",".join(columns), line=1))
        raise DataError(problems)
    rows: list[tuple[int, int, Row]] = []
    problems: list[DataProblem] = []
    row_no = 0
    try:
        while True:
            line = reader.line_num + 1  # the record's first line (a quoted field may span several)
            try:
                fields = next(reader)
            except StopIteration:
                break
            if not fields or all(not f.strip() for f in fields):
                continue  # blank lines are harmless
            row_no += 1
            if len(fields) != len(columns):
                problems.append(DataProblem(name, f"has {len(fields)} fields, expected {len(columns)} "
                                                  "(an unquoted comma inside a value?)", row=row_no, line=line))
                continue
            rows.append((row_no, line, {c: f.strip() for c, f in zip(columns, fields)}))
    except csv.Error as exc:
        problems.append(DataProblem(name, f"is not valid CSV: {exc}", row=row_no + 1, line=line))
    if problems:
        raise DataError(problems)
    if not rows:
        raise DataError([DataProblem(name, "has a header but no data rows")])
    return rows


def _delimiter_name(header: str) -> str:
    for d, n in ((";", "';'"), ("\t", "tab"), ("|", "'|'")):
        if d in header:
            return n
    return "another character"


class MultiFieldError(ValueError):
    """Raised by a model's after-validator to report problems in several named fields at once."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))


def collect_row_problems(model: type[BaseModel], rows: Iterable[tuple[int, int, Row]], file: str,
                         context: dict[str, Any] | None = None) -> tuple[list[BaseModel], list[DataProblem]]:
    """Validate each row with a pydantic ``model``: the valid rows, and one DataProblem per bad field."""
    out: list[BaseModel] = []
    problems: list[DataProblem] = []
    for row_no, line, row in rows:
        try:
            out.append(model.model_validate(row, context=context or {}))
        except ValidationError as exc:
            for err in exc.errors():
                inner = err.get("ctx", {}).get("error")
                named = inner.problems if isinstance(inner, MultiFieldError) else None
                if named is None:
                    field = str(err["loc"][0]) if err["loc"] else None
                    named = [(field, err["msg"].removeprefix("Value error, "))]
                for field, msg in named:
                    shown = row.get(field, "") if field else ""
                    problems.append(DataProblem(file, f"{msg} (got {shown!r})" if field else msg,
                                                row=row_no, field=field, line=line))
    return out, problems


def validate_rows(model: type[BaseModel], rows: Iterable[tuple[int, int, Row]], file: str,
                  context: dict[str, Any] | None = None) -> list[BaseModel]:
    """Validate each row with a pydantic ``model``; raise DataError with every problem found."""
    out, problems = collect_row_problems(model, rows, file, context)
    if problems:
        raise DataError(problems)
    return out
