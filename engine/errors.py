"""Errors the tool reports to its user.

Every error that comes from bad input is an :class:`InputError`: it carries the file, and where
known the row, the indicator and the field, so that the message points at the cell to fix. The
command line turns it into one line on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path


class AssessError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(AssessError):
    """A county file or a ruleset that cannot be used as it is."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        indicator: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.indicator = indicator
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.indicator is not None:
            where.append(f"indicator '{self.indicator}'")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class RulesetError(InputError):
    """A ruleset file that is malformed or inconsistent."""


class DataError(InputError):
    """A county data file that cannot be read or holds a value that is not usable."""


class RuleEngineError(AssessError):
    """durable-rules misbehaved (a swallowed exception, an inconsistent firing): never a verdict."""
