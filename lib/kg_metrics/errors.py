"""Errors that name the file, row and field of bad input, so a user can fix it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataProblem:
    """One problem in one place of one input file.

    ``row`` is the 1-based data row (the header is not counted); ``line`` is the
    physical line in the file, which is what an editor shows.
    """

    file: str
    message: str
    row: int | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{self.field}'")
        return ", ".join(where) + f": {self.message}"


class DataError(Exception):
    """Raised when input data is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[DataProblem]):
        self.problems = list(problems)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        head = f"{len(self.problems)} problem(s) in the input data:"  # not prose: operator message
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class ParameterError(ValueError):
    """Raised when a notebook or build parameter is invalid."""
