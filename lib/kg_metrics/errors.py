"""Errors that name the file, row and field of bad input, so a user can fix it."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Characters that would break a message's one line or hide what it says: controls, line and paragraph
# separators, bidirectional overrides, lone surrogates (which cannot even be printed).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def one_line(text: object, limit: int = 500) -> str:
    """``text`` as one printable line of at most ``limit`` characters: what a hostile input cannot break.

    Control and invisible characters are written as escapes (``\\n``, ``\\x00``, ``\\u202e``); the rest of
    a long text is cut off with '…'.

    Examples
    --------
    >>> one_line("a\\nb\\x00c"), one_line("x" * 10, limit=5)
    ('a\\\\nb\\\\x00c', 'xxxx…')
    """
    s = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
    return s if len(s) <= limit else s[:limit - 1] + "…"


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
        # one line whatever the input held: a file name, a field path or a value may come from the input
        where = [one_line(self.file, 300)]
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{one_line(self.field, 120)}'")
        return ", ".join(where) + f": {one_line(self.message, 600)}"


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
