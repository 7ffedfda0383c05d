"""The formats: one registry, and one entry point that the command calls.

A format is a name, a description, whether it is binary, what it can render (one county, a
batch, a monitoring view) and a function. Most formats lay out a Document (engine/report/
document.py), which the builders (build.py) make once from the subject; JSON and CSV write the
subject's data itself. A new format is a renderer module and one line in FORMATS:

    "odt": Format(name="odt", description="an OpenDocument report", binary=True,
                  kinds=COUNTY, render=_lazy("engine.report.odt")),

where engine/report/odt.py has ``render(document, *, lang, layout) -> bytes``. A format that
lays out a document of its own rather than the subject's report names its builder
(``builder=``: docx and completion-xlsx lay out the dossier, engine/report/dossier.py).

Renderer modules are imported when first used, so that one county in text does not load the
HTML, spreadsheet or batch code (start-up time, docs/performance.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from engine.model.plan import Monitoring
from engine.model.result import Result
from engine.report.document import Document, Layout

if TYPE_CHECKING:
    from engine.batch import Batch, Chunked
    from engine.model.ruleset import Ruleset
    from engine.report.output import Content

Kind = Literal["county", "batch", "monitor"]
Renderer = Callable[..., "Content"]

COUNTY: frozenset[Kind] = frozenset({"county"})
DOCUMENTS: frozenset[Kind] = frozenset({"county", "monitor"})
EVERY: frozenset[Kind] = frozenset({"county", "batch", "monitor"})


@dataclass(frozen=True)
class Format:
    """``render(document, *, lang, layout)`` for a document format; ``render(subject, *, lang,
    layout)`` for a data format (``document=False``). ``companions`` are files a data format
    writes beside its output: (suffix, content) pairs."""

    name: str
    description: str
    binary: bool
    kinds: frozenset[Kind]
    render: Renderer
    document: bool = True
    companions: Callable[[Any], list[tuple[str, Content]]] | None = None
    #: The document a document format lays out when it is not the subject's report (build
    #: below): ``builder(subject, *, lang, ruleset, assessed_on, command, generator, limit)``.
    builder: Callable[..., Document] | None = None
    #: Renders a batch streamed chunk by chunk (engine.batch.Chunked) without holding it whole.
    streams: bool = False
    #: The file suffixes of its output (``-o X.docx`` without ``-f`` is this format).
    suffixes: tuple[str, ...] = ()


class UnsupportedFormat(ValueError):
    """The format does not render this kind of subject (the command's usage error, exit 2)."""

    def __init__(self, fmt: str, kind: Kind) -> None:
        self.format, self.kind = fmt, kind
        self.choices = choices(kind)
        super().__init__(
            f"the {_KIND_NAMES[kind]} is reported as {', '.join(self.choices)}, not {fmt}"
        )


_KIND_NAMES: dict[Kind, str] = {
    "county": "assessment of one county",
    "batch": "assessment of several counties",
    "monitor": "monitoring view",
}


def _lazy(module: str, name: str = "render") -> Renderer:
    """The module's function, imported on the first call."""

    def call(*args: Any, **kwargs: Any) -> Content:
        function: Renderer = getattr(importlib.import_module(module), name)
        return function(*args, **kwargs)

    call.__qualname__ = f"{module}.{name}"
    return call


def _builder(module: str, name: str) -> Callable[..., Document]:
    """The module's document builder, imported on the first call."""

    def call(*args: Any, **kwargs: Any) -> Document:
        function: Callable[..., Document] = getattr(importlib.import_module(module), name)
        return function(*args, **kwargs)

    return call


def _companions(module: str, name: str) -> Callable[[Any], list[tuple[str, Content]]]:
    def call(subject: Any) -> list[tuple[str, Content]]:
        function = getattr(importlib.import_module(module), name)
        result: list[tuple[str, Content]] = function(subject)
        return result

    return call


FORMATS: dict[str, Format] = {
    "text": Format(
        name="text",
        suffixes=(".txt",),
        description="a table for people (at a terminal: colours unless NO_COLOR)",
        binary=False,
        kinds=EVERY,
        render=_lazy("engine.report.text"),
    ),
    "json": Format(
        name="json",
        suffixes=(".json",),
        description="the full result, both languages (stable: identical input, identical bytes)",
        binary=False,
        kinds=EVERY,
        render=_lazy("engine.report.data", "render_json"),
        document=False,
        streams=True,
    ),
    "md": Format(
        name="md",
        suffixes=(".md", ".markdown"),
        description="Markdown, to paste into documents",
        binary=False,
        kinds=DOCUMENTS,
        render=_lazy("engine.report.markdown"),
    ),
    "html": Format(
        name="html",
        suffixes=(".html", ".htm"),
        description="a self-contained page to print (A4) or attach, with charts",
        binary=False,
        kinds=DOCUMENTS,
        render=_lazy("engine.report.html"),
    ),
    "xlsx": Format(
        name="xlsx",
        suffixes=(".xlsx",),
        description="a spreadsheet: the summary, the rules, the what-if and plan",
        binary=True,
        kinds=COUNTY,
        render=_lazy("engine.report.xlsx"),
    ),
    "docx": Format(
        name="docx",
        suffixes=(".docx",),
        description="the self-evaluation report draft for the expert panel (Word): cover, "
        "indicator summary, shortfalls (and --plan), the parts the county writes, the "
        "completion table",
        binary=True,
        kinds=COUNTY,
        render=_lazy("engine.report.docx"),
        builder=_builder("engine.report.dossier", "self_evaluation_for"),
    ),
    "completion-xlsx": Format(
        name="completion-xlsx",
        suffixes=(".xlsx",),
        description="the indicator completion table (指标完成情况表) for the expert panel, "
        "as a spreadsheet",
        binary=True,
        kinds=COUNTY,
        render=_lazy("engine.report.xlsx"),
        builder=_builder("engine.report.dossier", "completion_for"),
    ),
    "csv": Format(
        name="csv",
        suffixes=(".csv",),
        description="a batch's summary table (with --output X.csv the per-rule table goes to "
        "X.rules.csv)",
        binary=False,
        kinds=frozenset({"batch"}),
        render=_lazy("engine.report.data", "render_csv"),
        document=False,
        companions=_companions("engine.report.data", "csv_companions"),
    ),
    "ndjson": Format(
        name="ndjson",
        suffixes=(".ndjson", ".jsonl"),
        description="a batch as one JSON line per county (its summary and rules), streamed",
        binary=False,
        kinds=frozenset({"batch"}),
        render=_lazy("engine.report.data", "render_ndjson"),
        document=False,
        streams=True,
    ),
    "parquet": Format(
        name="parquet",
        suffixes=(".parquet",),
        description="a batch's summary table as Parquet, for analysts (with --output X.parquet "
        "the per-rule table goes to X.rules.parquet)",
        binary=True,
        kinds=frozenset({"batch"}),
        render=_lazy("engine.report.data", "render_parquet"),
        document=False,
        companions=_companions("engine.report.data", "parquet_companions"),
        streams=True,
    ),
}


def register(fmt: Format) -> None:
    """Add (or replace) a format."""
    FORMATS[fmt.name] = fmt


def by_suffix(suffix: str) -> tuple[str, ...]:
    """The formats whose files end in ``suffix`` (``.xlsx``: xlsx, completion-xlsx), in the
    registry's order; empty for a suffix none writes."""
    return tuple(name for name, f in FORMATS.items() if suffix.lower() in f.suffixes)


def choices(kind: Kind | None = None) -> tuple[str, ...]:
    """The names ``--format`` accepts for a kind of subject (every name for None), in the
    registry's order: the first ("text") is the default. Imports no renderer."""
    return tuple(name for name, f in FORMATS.items() if kind is None or kind in f.kinds)


def kind_of(subject: object) -> Kind:
    if isinstance(subject, Result):
        return "county"
    if isinstance(subject, Monitoring):
        return "monitor"
    from engine.batch import Batch, Chunked

    if isinstance(subject, Batch | Chunked):
        return "batch"
    raise TypeError(f"nothing to report in a {type(subject).__name__}")


def format_for(fmt: str, kind: Kind) -> Format:
    found = FORMATS.get(fmt)
    if found is None or kind not in found.kinds:
        raise UnsupportedFormat(fmt, kind)
    return found


def build(
    subject: Result | Monitoring | Batch,
    *,
    lang: str,
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    command: str | None = None,
    generator: str | None = None,
    limit: int | None = None,
) -> Document:
    """The subject's Document (engine/report/build.py)."""
    from engine.report import build as builders

    kind = kind_of(subject)
    if kind == "county":
        assert isinstance(subject, Result)
        return builders.county_document(
            subject,
            lang=lang,
            ruleset=ruleset,
            assessed_on=assessed_on,
            command=command,
            generator=generator,
        )
    if kind == "monitor":
        assert isinstance(subject, Monitoring)
        return builders.monitoring_document(subject, lang=lang, generator=generator)
    return builders.batch_document(subject, lang=lang, limit=limit)  # type: ignore[arg-type]


def render(
    subject: Result | Monitoring | Batch | Chunked,
    fmt: str,
    *,
    lang: str,
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    command: str | None = None,
    generator: str | None = None,
    color: bool = False,
    width: int = 120,
    limit: int | None = None,
) -> Content:
    """The report of ``subject`` (a Result, a Batch, a streamed batch or a Monitoring) in
    format ``fmt``: text (str), bytes for a binary format, or bytes made as they are written
    (a batch's JSON, NDJSON). Raises UnsupportedFormat when the format does not render this
    kind of subject.

    ``ruleset`` adds its basis to a county's report; ``assessed_on`` is the date printed (and
    an xlsx's timestamps; default: the result's own date, if any); ``command`` the assess
    command line a plan's --set options are appended to; ``generator`` the footer's tool name
    (default "county-assess <version>"); ``color`` and ``width`` lay out text for a terminal;
    ``limit`` caps a batch's text summary at that many counties."""
    found = format_for(fmt, kind_of(subject))
    layout = Layout(color=color, width=width)
    held = _held(subject, found)
    if not found.document:
        return found.render(held, lang=lang, layout=layout)
    document = (found.builder or build)(
        held,
        lang=lang,
        ruleset=ruleset,
        assessed_on=assessed_on,
        command=command,
        generator=generator,
        limit=limit,
    )
    return found.render(document, lang=lang, layout=layout)


def companions(
    subject: Result | Monitoring | Batch | Chunked, fmt: str
) -> list[tuple[str, Content]]:
    """Files a format writes beside ``--output``: (suffix, content) pairs, the file being named
    ``output.stem + suffix`` (``X.csv`` → ``X.rules.csv``). Empty for most formats."""
    found = format_for(fmt, kind_of(subject))
    return [] if found.companions is None else found.companions(_held(subject, found))


def _held(subject: Result | Monitoring | Batch | Chunked, found: Format) -> Any:
    """A streamed batch held whole for a format that does not stream."""
    if isinstance(subject, Result | Monitoring) or found.streams:
        return subject  # (one county's report imports no batch code)
    from engine.batch import Chunked

    return subject.collect() if isinstance(subject, Chunked) else subject
