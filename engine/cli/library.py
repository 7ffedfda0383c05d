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
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from engine.batch import Batch
    from engine.cli.common import InputOptions, OutputOptions
    from engine.load.county import ReadOptions
    from engine.model.county import CountyData
    from engine.model.plan import Monitoring
    from engine.model.result import Result
    from engine.model.ruleset import Ruleset

#: What the command reports: one county's result, a batch (several counties or county-years),
#: the monitoring view of one county over its years.
Kind = Literal["county", "batch", "monitor"]

#: Below this size a file goes straight to the general loader: one county's table is small, and
#: a single county is assessed by durable-rules, so trying the batch fast path would only cost.
FAST_PATH_FROM_BYTES = 256_000

_FORMATS: dict[Kind, tuple[str, ...]] = {
    "county": ("text", "json", "md", "html", "xlsx"),
    "batch": ("text", "json", "csv"),
    "monitor": ("text", "json", "md", "html"),
}


def _format_choices(kind: Kind) -> tuple[str, ...]:
    """The formats ``kind`` is rendered in, the first the default.

    Switch point: ``return engine.report.formats.choices(kind)`` once the registry exists. The
    options' ``click.Choice`` lists are built from this at import, so the registry's ``choices``
    must not import the renderers themselves."""
    return _FORMATS[kind]


@dataclass(frozen=True)
class Document:
    """A rendered report: its content, and the files written beside it (with --output), each
    as the suffix that replaces the report's (``.rules.csv``) and its content."""

    content: str | bytes
    beside: tuple[tuple[str, str | bytes], ...] = ()


def _render(
    subject: Result | Batch | Monitoring,
    out: OutputOptions,
    *,
    ruleset: Ruleset,
    command: str | None = None,
) -> Document:
    """``subject`` in ``out.fmt`` (already checked against its kind, :func:`check_output`):
    text for terminals and documents, bytes for xlsx.

    Switch point: ``engine.report.formats.render(subject, out.fmt, lang=…, ruleset=…,
    assessed_on=out.report_date, command=…, color=…, width=…, limit=…)`` once the registry
    exists, and ``beside`` from ``formats.companions(subject, out.fmt)`` with --output."""
    from engine.model.plan import Monitoring
    from engine.model.result import Result

    fmt, lang = out.fmt, out.lang
    color = out.to_terminal and "NO_COLOR" not in os.environ
    width = shutil.get_terminal_size().columns if out.to_terminal else 120
    if isinstance(subject, Monitoring):
        return Document(_render_monitoring(subject, fmt, lang, color=color, width=width))
    if isinstance(subject, Result):
        return Document(
            _render_county(
                subject, fmt, lang, out.report_date, ruleset, command, color=color, width=width
            )
        )
    from engine.report import batch as report

    if fmt == "json":
        return Document(report.batch_json(subject))
    if fmt == "csv":  # with --output X.csv the per-rule table goes beside it, to X.rules.csv
        beside = ((".rules.csv", report.rules_csv(subject)),) if out.output is not None else ()
        return Document(report.summary_csv(subject), beside)
    text = report.batch_text(
        subject, lang=lang, width=width, color=color, limit=50 if out.to_terminal else None
    )
    return Document(text)


def _render_county(
    result: Result,
    fmt: str,
    lang: str,
    on: date,
    ruleset: Ruleset,
    command: str | None,
    *,
    color: bool,
    width: int,
) -> str | bytes:
    if fmt == "json":
        return result.to_json()
    if fmt == "md":
        from engine.report.markdown import render_markdown

        return render_markdown(result, lang=lang, ruleset=ruleset, assessed_on=on, command=command)
    if fmt == "html":
        from engine import __version__
        from engine.report.html import render_html

        return render_html(
            result,
            lang=lang,
            ruleset=ruleset,
            assessed_on=on,
            generator=f"county-assess {__version__}",
            command=command,
        )
    if fmt == "xlsx":
        from engine.report.xlsx import render_xlsx

        return render_xlsx(result, lang=lang, ruleset=ruleset, assessed_on=on, command=command)
    from engine.report.text import render_text

    return render_text(result, lang=lang, color=color, width=width, command=command)


def _render_monitoring(view: Monitoring, fmt: str, lang: str, *, color: bool, width: int) -> str:
    from engine.report.monitoring import render_monitoring_markdown, render_monitoring_text

    if fmt == "json":
        return view.to_json()
    if fmt == "md":
        return render_monitoring_markdown(view, lang=lang)
    if fmt == "html":
        from engine import __version__
        from engine.report.html import render_monitoring_html

        return render_monitoring_html(view, lang=lang, generator=f"county-assess {__version__}")
    return render_monitoring_text(view, lang=lang, color=color, width=width)


def _assess(
    data: InputOptions,
    ruleset: Ruleset,
    options: ReadOptions,
    *,
    engine: str | None,
    batch: bool,
) -> Result | Batch:
    """The file assessed: one county's result (durable-rules), or a batch when the file holds
    several counties or county-years or ``batch`` asks for one (the vectorised evaluator unless
    ``engine`` is rete; a large plain CSV straight through the fast loader).

    Switch point: ``assess_path(data.file, ruleset, engine=engine, references=data.reference,
    theme=data.theme, county_type=data.county_type, options=options, batch=batch,
    progress=lambda n, e: stack.enter_context(_progress(n, e)))`` inside a
    ``contextlib.ExitStack`` once it exists (the progress bar below is kept that way)."""
    from engine.load.county import ReadOptions

    if (
        engine != "rete"
        and not (data.reference or data.theme or data.county_type)
        and options == ReadOptions()
        and (batch or _size(data) > FAST_PATH_FROM_BYTES)
    ):
        from engine.batch import assess_file

        fast = assess_file(data.file, ruleset)  # a plain CSV, read and evaluated in polars
        if fast is not None and (batch or fast.summary["county"].n_unique() > 1):
            return fast
    counties = load_counties(data, ruleset, options)
    if len(counties) > 1 or batch:
        from engine.batch import assess_counties
        from engine.load.county import load_references, with_references

        if data.reference is not None:
            refs, ref_file = load_references(data.reference, ruleset)
            counties = [with_references(c, refs, ref_file) for c in counties]
        chosen: Literal["rete", "vector"] = "rete" if engine == "rete" else "vector"
        with _progress(len(counties), chosen) as advance:
            return assess_counties(counties, ruleset, engine=chosen, progress=advance)
    from engine.pipeline import assess

    return assess(
        counties[0],
        ruleset,
        references=data.reference,
        theme=data.theme,
        county_type=data.county_type,
    )


def load_counties(data: InputOptions, ruleset: Ruleset, options: ReadOptions) -> list[CountyData]:
    """Every county (county-year) of the file, read by the general loader."""
    from engine.load.county import load_counties as load

    return load(data.file, ruleset, theme=data.theme, county_type=data.county_type, options=options)


def _size(data: InputOptions) -> int:
    """The file's size for choosing a path; 0 when it cannot be told (the reader says why)."""
    try:
        return data.file.stat().st_size if data.file.is_file() else 0
    except OSError:
        return 0


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
