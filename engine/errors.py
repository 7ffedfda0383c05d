"""Errors the tool reports to its user.

Every error that comes from bad input is an :class:`InputError`: it carries the file, and where
known the row, the indicator and the field, so that the message points at the cell to fix. Its
sentence comes from the catalogue (``engine/catalogue.py``) by code, in Chinese and English; an
error raised with a plain English sentence shows that sentence in both languages. An error may
hold several problems of one file (:class:`Problems` collects them), so that a user fixes them
all in one pass. The command line prints it on stderr (or as JSON) with exit code 2.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Self

from engine.catalogue import ERRORS, LOCATION
from engine.safe_text import visible_line

#: How many problems of one file are listed at most; the rest are counted.
MAX_PROBLEMS = 50


class AssessError(Exception):
    """Base class of every error this package raises on purpose."""


#: A workbook location given as a field: "cell F10", "column XFD".
_CELL = re.compile(r"(cell|column) [A-Z]{1,3}[0-9]*")
#: How much of a value from the input a message quotes: a cell or a name may be megabytes.
MAX_QUOTED = 200


def _shown(text: str, limit: int = MAX_QUOTED) -> str:
    text = visible_line(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _param(value: object, lang: str) -> str:
    if isinstance(value, Mapping) and {"zh", "en"} <= set(value):  # a sentence of ours
        return _shown(str(value[lang]), 10 * MAX_QUOTED)
    get = getattr(value, "get", None)
    if callable(get) and hasattr(value, "zh") and hasattr(value, "en"):  # LocalizedText
        return _shown(str(get(lang)))
    if isinstance(value, Decimal | int):
        return str(value)
    return _shown(str(value))


class InputError(AssessError):
    """A county file or a ruleset that cannot be used as it is.

    Give either ``code`` (and its ``params``) from the catalogue's ``ERRORS``, or a plain
    English ``message``. ``problems`` makes it a list of several problems of one file.
    """

    #: Location words of this kind of file (engine/catalogue.py LOCATION): a data file has rows
    #: and columns.
    _WORDS: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
        file: str | Path | None = None,
        row: int | None = None,
        indicator: str | None = None,
        field: str | None = None,
        item: Mapping[str, str] | None = None,
        problems: Sequence[InputError] = (),
        omitted: int = 0,
        stopped: bool = False,
    ) -> None:
        if code is not None and code not in ERRORS:
            raise KeyError(f"no catalogue entry for error code {code!r}")
        if message is None and code is None and not problems:
            raise TypeError("an InputError needs a message, a code or problems")
        self.code = code
        self.params: dict[str, object] = dict(params or {})
        self._message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.indicator = indicator
        self.field = field
        self.item = dict(item) if item else None  # another named part: {"zh": …, "en": …}
        self.problems: tuple[InputError, ...] = tuple(problems)
        self.omitted = omitted
        self.stopped = stopped  # reading stopped at the limit: more problems may follow
        super().__init__(self.describe())

    # -- wording ---------------------------------------------------------------------------

    def text(self, lang: str = "en") -> str:
        """The sentence alone, in ``lang`` (zh or en), control characters shown escaped."""
        if self.problems:
            count = len(self.problems) + self.omitted
            return LOCATION["problems"][lang].format(count=f"{count}+" if self.stopped else count)
        if self.code is not None:
            entry = ERRORS[self.code]
            return entry[lang].format(**{k: _param(v, lang) for k, v in self.params.items()})
        return (
            _shown(self._message or "")
            if len(self._message or "") > 4 * MAX_QUOTED
            else visible_line(self._message or "")
        )

    @property
    def message(self) -> str:
        """The English sentence (kept for callers that read it)."""
        return self.text("en")

    def location(self, lang: str = "en", *, with_file: bool = True) -> list[str]:
        where = []
        if with_file and self.file is not None:
            where.append(_shown(self.file))
        for part in ("row", "indicator", "item", "field"):
            value = getattr(self, part)
            if part == "item" and value is not None:
                where.append(_shown(value[lang]))
            elif part == "field" and isinstance(value, str) and _CELL.fullmatch(value):
                kind, ref = value.split(" ", 1)  # a workbook's "cell F10" / "column XFD"
                where.append(LOCATION[kind][lang].format(ref=ref))
            elif value is not None:
                word = self._WORDS.get(part, part)
                where.append(LOCATION[word][lang].format(**{part: _param(value, lang)}))
        return where

    def describe(self, lang: str = "en") -> str:
        """The whole message: where, then what; several problems one per indented line."""
        sep, colon = ("，", "：") if lang == "zh" else (", ", ": ")
        where = self.location(lang)
        head = f"{sep.join(where)}{colon}{self.text(lang)}" if where else self.text(lang)
        if not self.problems:
            return head
        lines = [head]
        for problem in self.problems:
            inner = problem.location(lang, with_file=problem.file != self.file)
            text = problem.text(lang)
            lines.append(f"  {sep.join(inner)}{colon}{text}" if inner else f"  {text}")
        if self.stopped:
            lines.append("  " + LOCATION["stopped"][lang].format(limit=MAX_PROBLEMS))
        elif self.omitted:
            lines.append(
                "  " + LOCATION["more"][lang].format(count=self.omitted, limit=MAX_PROBLEMS)
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()

    # -- structure -------------------------------------------------------------------------

    def each(self) -> list[InputError]:
        """The single problems this error stands for (itself, when it is one)."""
        return list(self.problems) if self.problems else [self]

    def to_dict(self) -> dict[str, Any]:
        """One problem as the JSON error document lists it (docs/schema/errors.schema.json)."""
        return {
            "file": self.file,
            "row": self.row,
            "indicator": self.indicator,
            "field": self.field,
            "code": self.code or "input_error",
            "message": {"zh": self.describe("zh"), "en": self.describe("en")},
        }

    def located(
        self,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        indicator: str | None = None,
        field: str | None = None,
    ) -> Self:
        """A copy with the parts it does not know yet filled in (known parts are kept)."""
        copy = type(self)(
            self._message,
            code=self.code,
            params=self.params,
            file=self.file if self.file is not None else file,
            row=self.row if self.row is not None else row,
            indicator=self.indicator if self.indicator is not None else indicator,
            field=self.field if self.field is not None else field,
            item=self.item,
            problems=[p.located(file=file) for p in self.problems],
            omitted=self.omitted,
            stopped=self.stopped,
        )
        return copy


class RulesetError(InputError):
    """A ruleset file that is malformed or inconsistent: its ``row`` is a line of the YAML file
    and its ``field`` a key of the ruleset format."""

    _WORDS: ClassVar[dict[str, str]] = {"row": "line", "field": "key"}


class DataError(InputError):
    """A county data file that cannot be read or holds a value that is not usable."""


class RuleEngineError(AssessError):
    """durable-rules misbehaved (a swallowed exception, an inconsistent firing): never a verdict."""


class Problems:
    """Collects the problems of one file so that all of them are reported together.

    ``with problems.catching():`` records an InputError raised inside and carries on; ``check()``
    raises them as one error (the single problem itself when there is one).
    """

    def __init__(self, file: str | Path | None, kind: type[InputError] = DataError) -> None:
        self.file = str(file) if file is not None else None
        self.kind = kind
        self.found: list[InputError] = []
        self.omitted = 0
        self.stopped = False

    def add(self, error: InputError) -> None:
        for problem in error.each():
            if len(self.found) < MAX_PROBLEMS:
                self.found.append(problem.located(file=self.file))
            else:
                self.omitted += 1

    @contextlib.contextmanager
    def catching(self) -> Iterator[None]:
        try:
            yield
        except InputError as exc:
            self.add(exc)

    def __bool__(self) -> bool:
        return bool(self.found)

    def check(self) -> None:
        if not self.found:
            return
        if len(self.found) == 1 and not self.omitted:
            raise self.found[0]
        raise self.kind(
            file=self.file, problems=self.found, omitted=self.omitted, stopped=self.stopped
        )

    @property
    def full(self) -> bool:
        """As many problems as are listed: a reader may stop here (and say so, ``stop``)."""
        return len(self.found) >= MAX_PROBLEMS

    def stop(self) -> None:
        self.stopped = True
