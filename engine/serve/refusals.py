"""Why a request gets no answer: the command's error document (docs/schema/errors.schema.json)
with an HTTP status, and the same problems as a list for the page.

Every refusal is an :class:`engine.errors.InputError` underneath (the catalogue's sentence in
both languages, its file, row, indicator and field), so the page and the API say what the
command says. The files the server read are in a private temporary folder: its path is taken
out of every text (``scrub``), so a message names the file as the user uploaded it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.errors import MAX_PROBLEMS, InputError

Scrub = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _where(problem: InputError, lang: str, *, with_file: bool) -> str:
    """The problem's location as describe() writes it: file, row, indicator, field."""
    return ("，" if lang == "zh" else ", ").join(problem.location(lang, with_file=with_file))


@dataclass(frozen=True)
class Problem:
    """One problem, as the JSON error document lists it and as the page shows it."""

    file: str | None
    row: int | None
    indicator: str | None
    field: str | None
    code: str
    message: dict[str, str]
    where: dict[str, str]
    text: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "indicator": self.indicator,
            "field": self.field,
            "code": self.code,
            "message": self.message,
        }


class Refusal(Exception):
    """A request refused with ``status`` (4xx; 5xx only for a failure of ours) and problems."""

    def __init__(
        self,
        status: int,
        problems: list[Problem],
        *,
        count: int | None = None,
        file: str | None = None,
        footer: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.problems = problems
        self.count = count if count is not None else len(problems)
        self.file = file
        self.footer = footer  # "50 problems listed, more not shown", in both languages
        self.headers = headers or {}
        super().__init__(problems[0].message["en"] if problems else str(status))

    @classmethod
    def of(
        cls,
        error: InputError,
        status: int = 422,
        scrub: Scrub = _same,
        headers: dict[str, str] | None = None,
    ) -> Refusal:
        """An InputError (of one problem or several) as a refusal, its paths scrubbed."""

        def opt(text: str | None) -> str | None:
            return None if text is None else scrub(text)

        def both(make: Callable[[str], str]) -> dict[str, str]:
            return {lang: scrub(make(lang)) for lang in ("zh", "en")}

        problems = []
        for p in error.each():
            with_file = p.file != error.file or not error.problems

            def where(lang: str, p: InputError = p, with_file: bool = with_file) -> str:
                return _where(p, lang, with_file=with_file)

            problems.append(
                Problem(
                    file=opt(p.file),
                    row=p.row,
                    indicator=p.indicator,
                    field=opt(p.field),
                    code=p.code or "input_error",
                    message=both(p.describe),
                    where=both(where),
                    text=both(p.text),
                )
            )
        footer = None
        if error.problems and (error.stopped or error.omitted):
            # The last lines of describe() say how many more there are.
            footer = both(lambda lang: error.describe(lang).splitlines()[-1].strip())
        return cls(
            status,
            problems,
            count=len(problems) + error.omitted,
            file=opt(error.file),
            footer=footer,
            headers=headers,
        )

    @classmethod
    def say(
        cls,
        status: int,
        code: str,
        *,
        params: dict[str, object] | None = None,
        file: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Refusal:
        """A refusal of one problem from the catalogue."""
        return cls.of(
            InputError(code=code, params=params, file=file, field=field),
            status,
            headers=headers,
        )

    def document(self) -> dict[str, Any]:
        """The command's JSON error document: errors (at most 50), count, file."""
        return {
            "errors": [p.to_dict() for p in self.problems[:MAX_PROBLEMS]],
            "count": self.count,
            "file": self.file,
        }

    def json_text(self) -> str:
        """The document as ``assess … --format json`` prints it (two-space indent, a newline)."""
        return json.dumps(self.document(), ensure_ascii=False, indent=2) + "\n"
