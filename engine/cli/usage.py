"""Usage errors in the user's language: ours from the catalogue, click's own worded again.

A usage error (an option that does not fit, is unknown, missing or wrong) is one ``error:``
line and exit code 2, in Chinese when ``--lang zh`` is given or the locale is zh_*. Ours are
raised as :class:`Usage` (or :class:`Failure`, for what is no usage error) with a code of
:data:`engine.catalogue.USAGE`; click's own exceptions are worded in Chinese from what they
carry (the option, the value, the choices), and stay click's own sentence in English.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import click

from engine.catalogue import USAGE

#: A parameter worded in each language (a part of a sentence that is itself translated).
Words = dict[str, str]


def said(code: str, lang: str, **params: object) -> str:
    """The catalogue's sentence ``code`` in ``lang`` with ``params`` filled in (a
    :data:`Words` parameter in the same language)."""
    filled = {k: v[lang] if isinstance(v, dict) else v for k, v in params.items()}
    return USAGE[code][lang].format(**filled)


class Usage(click.UsageError):
    """A usage error of ours: a code of :data:`engine.catalogue.USAGE` and its parameters."""

    def __init__(self, code: str, ctx: click.Context | None = None, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(said(code, "en", **params), ctx)

    def said_in(self, lang: str) -> str:
        return said(self.code, lang, **self.params)


class Failure(click.ClickException):
    """What stops a command that was rightly called (``assess serve`` cannot listen), worded
    as :class:`Usage` is."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(said(code, "en", **params))

    def said_in(self, lang: str) -> str:
        return said(self.code, lang, **self.params)


def command_lang(argv: Sequence[str], default: str) -> str:
    """The language a command line asks for (``--lang zh``, ``--lang=en``; before ``--``), else
    ``default``: known before click has parsed anything, as a usage error needs it."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in ("zh", "en"):
            return value
    return default


def message(exc: click.ClickException, lang: str) -> str:
    """The one line an exception says, in ``lang``."""
    if isinstance(exc, Usage | Failure):
        return exc.said_in(lang)
    english = exc.format_message()
    if lang != "zh":
        return english
    return _click_in_chinese(exc) or english


def see_help(command: str, lang: str) -> str:
    return said("usage_see_help", lang, command=command)


def _quoted(items: Sequence[str]) -> str:
    return "、".join(f"“{item}”" for item in items)


def _suggestion(possibilities: Sequence[str] | None) -> str:
    if not possibilities:
        return ""
    return said("click_did_you_mean", "zh", possibilities=_quoted(sorted(possibilities)))


def _hint(exc: click.MissingParameter | click.BadParameter) -> str:
    if exc.param_hint is not None:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        return " / ".join(hints)
    if exc.param is not None and exc.ctx is not None:
        return " / ".join(h.strip("'") for h in exc.param.get_error_hint(exc.ctx).split(" / "))
    return ""


_CHOICE = re.compile(r"'(?P<value>.*)' is not (?:one of )?(?P<choices>.*)\.", re.DOTALL)
_DATE = re.compile(r"'(?P<value>.*)' does not match the formats? (?P<formats>.*)\.", re.DOTALL)
_INTEGER = re.compile(r"'(?P<value>.*)' is not a valid integer\.", re.DOTALL)
_EXTRA = re.compile(r"Got unexpected extra arguments? \((?P<arguments>.*)\)", re.DOTALL)
_NEEDS_VALUE = re.compile(r"Option '(?P<option>.*)' requires an argument\.", re.DOTALL)
#: Date formats as a person writes them.
_DATE_WORDS = {"'%Y-%m-%d'": "YYYY-MM-DD"}


def _click_in_chinese(exc: click.ClickException) -> str | None:
    """Click's own usage errors in Chinese, from what the exception carries; None for one this
    does not know (its English sentence is said then)."""
    if isinstance(exc, click.NoSuchOption):
        return said(
            "click_no_such_option",
            "zh",
            option=exc.option_name,
            suggestion=_suggestion(exc.possibilities),
        )
    if isinstance(exc, click.exceptions.NoSuchCommand):
        return said(
            "click_no_such_command",
            "zh",
            command=exc.command_name,
            suggestion=_suggestion(exc.possibilities),
        )
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        code = "click_missing_option" if kind == "option" else "click_missing_argument"
        return said(code, "zh", hint=f" {_hint(exc)}")
    if isinstance(exc, click.BadParameter):
        hint, text = _hint(exc), exc.message
        if found := _CHOICE.fullmatch(text):
            choices = [c.strip().strip("'") for c in found["choices"].split(",")]
            return said(
                "click_not_a_choice",
                "zh",
                hint=hint,
                value=found["value"],
                choices="、".join(choices),
            )
        if found := _DATE.fullmatch(text):
            formats = _DATE_WORDS.get(found["formats"], found["formats"])
            return said("click_not_a_date", "zh", hint=hint, value=found["value"], formats=formats)
        if found := _INTEGER.fullmatch(text):
            return said("click_not_an_integer", "zh", hint=hint, value=found["value"])
        return said("click_bad_value", "zh", hint=hint, message=text)
    if found := _NEEDS_VALUE.fullmatch(exc.message):
        return said("click_needs_value", "zh", option=found["option"])
    if found := _EXTRA.fullmatch(exc.message):
        return said("click_extra_arguments", "zh", arguments=found["arguments"])
    return None
