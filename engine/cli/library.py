"""The command's three calls into parts of the library that are being redesigned, each in one small
function, so that switching to the new library function changes this file only:

- :func:`_assess`: which evaluator assesses a file, and whether the answer is one county's result
  or a batch (to become ``assess_path``, in ``engine.pipeline`` in the work in progress);
- :func:`_render`: a result, a batch or a monitoring view as a document in a format (to become
  ``engine.report.formats.render``);
- :func:`_format_choices`: the formats each kind of output is rendered in (to become
  ``engine.report.formats.choices``).

Every import here is deferred: one county's check must not load the batch evaluator or the
document renderers it does not use (tests/test_command.py, docs/performance.md).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from engine.batch import Batch, Chunked
    from engine.cli.common import InputOptions, OutputOptions
    from engine.load.county import ReadOptions
    from engine.model.county import CountyData
    from engine.model.plan import Monitoring
    from engine.model.result import Result
    from engine.model.ruleset import Ruleset
    from engine.report.output import Content

#: What the command reports: one county's result, a batch (several counties or county-years),
#: the monitoring view of one county over its years.
Kind = Literal["county", "batch", "monitor"]


def _format_choices(kind: Kind) -> tuple[str, ...]:
    """The formats ``kind`` is rendered in, the first the default (the report registry's; it
    imports no renderer, so building the options' choices at import costs nothing)."""
    from engine.report.formats import choices

    return choices(kind)


def format_is(fmt: str, quality: Literal["binary", "streams"]) -> bool:
    """Whether the registry's format ``fmt`` is binary, or writes a large batch as it is
    assessed (engine.batch.Chunked); False for a name it does not know."""
    from engine.report.formats import FORMATS

    found = FORMATS.get(fmt)
    return found is not None and bool(getattr(found, quality))


@dataclass(frozen=True)
class Document:
    """A rendered report: its content, and the files written beside it (with --output), each
    as the suffix that replaces the report's (``.rules.csv``) and its content."""

    content: Content
    beside: tuple[tuple[str, Content], ...] = ()


def _render(
    subject: Result | Batch | Chunked | Monitoring,
    out: OutputOptions,
    *,
    ruleset: Ruleset,
    command: str | None = None,
) -> Document:
    """``subject`` in ``out.fmt`` (already checked against its kind, :func:`check_output`):
    text for terminals and documents, bytes for xlsx; with --output, the files written beside
    the report (a batch csv's ``.rules.csv``)."""
    from engine.report.formats import companions, render

    content = render(
        subject,
        out.fmt,
        lang=out.lang,
        ruleset=ruleset,
        assessed_on=out.report_date,
        command=command,
        color=out.to_terminal and "NO_COLOR" not in os.environ,
        width=shutil.get_terminal_size().columns if out.to_terminal else 120,
        limit=50 if out.to_terminal else None,
    )
    beside = tuple(companions(subject, out.fmt)) if out.output is not None else ()
    return Document(content, beside)


def _assess(
    data: InputOptions,
    ruleset: Ruleset,
    options: ReadOptions,
    *,
    engine: str | None,
    batch: bool,
    stream: bool = False,
) -> Result | Batch | Chunked:
    """The file assessed by the library, which makes every choice (``engine.pipeline.
    assess_path``): one county's result by durable-rules, or a batch when the file holds several
    counties or county-years or ``batch`` asks for one; a progress bar on a terminal."""
    from engine.pipeline import assess_path

    chosen: Literal["rete", "vector"] | None = (
        "rete" if engine == "rete" else "vector" if engine == "vector" else None
    )
    with contextlib.ExitStack() as stack:
        return assess_path(
            data.file,
            ruleset,
            engine=chosen,
            references=data.reference,
            theme=data.theme,
            county_type=data.county_type,
            options=options,
            batch=batch,
            stream=stream,
            progress=lambda total, used: stack.enter_context(_progress(total, used)),
        )


def load_counties(data: InputOptions, ruleset: Ruleset, options: ReadOptions) -> list[CountyData]:
    """Every county (county-year) of the file, read by the general loader."""
    from engine.load.county import load_counties as load

    return load(data.file, ruleset, theme=data.theme, county_type=data.county_type, options=options)


@contextlib.contextmanager
def _progress(total: int, engine: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on standard error for a long batch at a terminal; nothing otherwise."""
    if not sys.stderr.isatty() or total < 200:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True, no_color="NO_COLOR" in os.environ)
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"assessing ({engine})", total=total)
        yield lambda n: bar.advance(task, n)
