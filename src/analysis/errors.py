"""User-facing errors.

Anything the user can fix (a malformed file, an unknown code, a wrong
parameter) raises :class:`InputError`. Its message is one line that names the
file, row, column or parameter; the command line prints it without a
traceback and exits with status 2.

Messages are formatted in one place, :attr:`InputError.message`: whitespace in
the problem collapses to single spaces, other control characters are escaped,
and a file name that is not plain printable text (a newline, a tab, a byte that
is not UTF-8) is shown repr-style (``'a\\nb.csv'``), so a message is always one
line whatever the file is called.
"""

from __future__ import annotations

from pathlib import Path


def one_line(text: str) -> str:
    """``text`` as one printable line: whitespace runs become one space, control characters are escaped.

    >>> one_line("two\\nlines\\x1b[31m")
    'two lines\\\\x1b[31m'
    """
    text = " ".join(str(text).split())
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class InputError(Exception):
    """A problem with the user's input, reported as one line.

    Parameters
    ----------
    problem : str
        What is wrong, in words a user understands.
    file : str or Path, optional
        The file that holds the problem.
    row : int, optional
        1-based line number in that file (the header is line 1).
    column : str, optional
        The column (or parameter) that holds the problem.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.file:
            where.append(self.file if self.file.isprintable() else repr(self.file))
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        text = one_line(self.problem)
        return f"{', '.join(where)}: {text}" if where else text


class ParameterError(InputError):
    """An invalid parameter of a notebook, report or command."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        super().__init__(problem)

    @property
    def message(self) -> str:  # type: ignore[override]
        return f"parameter {self.name!r}: {one_line(self.problem)}"
