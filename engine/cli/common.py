"""What the subcommands share: exit codes, the user's language, the options objects of the data
read and the report written, the one check of a format and --date against what is reported, the
one list of files a report must not overwrite, and the one way errors are said."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from engine.cli.library import Document, Kind, _format_choices, format_is
from engine.cli.usage import Usage, Words

if TYPE_CHECKING:
    from engine.errors import InputError
    from engine.load.county import ReadOptions
    from engine.model.ruleset import Ruleset
    from engine.report.output import Content

EXIT_PASS, EXIT_FAIL, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
#: A what-if's verdict (--set, with --plan or not) is the verdict of changed data, not of the
#: county's: exit codes of its own, so that a script cannot take a simulation for a result.
#: --plan alone keeps the verdict of the data as filed (0 or 1); its plan is simulated.
EXIT_SIMULATED_PASS, EXIT_SIMULATED_FAIL = 4, 5

F = TypeVar("F", bound=Callable[..., Any])
#: The report without -f and without an --output suffix that names one.
DEFAULT_FORMAT = "text"


def default_lang() -> str:
    """Chinese when the locale is zh_*, else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


# -- the options objects ------------------------------------------------------------------------


@dataclass(frozen=True)
class InputOptions:
    """The county data to read and how: the file, the ruleset it is checked against, and what
    the file itself does not say (reference values, theme, county type, sheet, county name,
    missing-data markers); for the default command also the share of expected indicators that
    replaces the ruleset's, and how the dossier's evidence is checked."""

    file: Path
    ruleset: str
    reference: Path | None = None
    theme: str | None = None
    county_type: str | None = None
    sheet: str | None = None
    county: str | None = None
    missing_markers: tuple[str, ...] = ()
    #: --expected-share P: replaces the ruleset's expected_min_share.
    expected_share: Decimal | None = None
    #: --evidence-dir DIR: every file the evidence column names must be in DIR.
    evidence_dir: Path | None = None
    #: --require-evidence: a met indicator without evidence is not evaluated.
    require_evidence: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> InputOptions:
        """From the parsed options of :func:`data_options` and the FILE and --ruleset."""
        return cls(
            file=params["file"],
            ruleset=params["ruleset_name"],
            reference=params["reference"],
            theme=params["theme"],
            county_type=params["county_type"],
            sheet=params["sheet"],
            county=params["county_name"],
            missing_markers=tuple(params["missing_markers"]),
            expected_share=expected_share(params.get("expected_share")),
            evidence_dir=params.get("evidence_dir"),
            require_evidence=bool(params.get("require_evidence")),
        )

    def read_options(self) -> ReadOptions:
        """The loader's options (a number given as a missing marker is refused here)."""
        from engine.load.county import DEFAULT_MISSING_MARKERS, ReadOptions

        return ReadOptions(
            sheet=self.sheet,
            county=self.county,
            missing_markers=self.missing_markers or DEFAULT_MISSING_MARKERS,
            evidence_dir=self.evidence_dir,
            require_evidence=self.require_evidence,
        )

    def command_line(self) -> str:
        """The assess command that reads this file the same way (a plan appends its --set
        options, a what-if's own changes included)."""
        from shlex import quote

        words = ["assess", str(self.file), "-r", self.ruleset]
        for option, value in (
            ("--reference", self.reference),
            ("--theme", self.theme),
            ("--county-type", self.county_type),
            ("--sheet", self.sheet),
            ("--county", self.county),
            ("--expected-share", self.expected_share),
            ("--evidence-dir", self.evidence_dir),
        ):
            if value is not None:
                words += [option, str(value)]
        for marker in self.missing_markers:
            words += ["--missing-marker", marker]
        if self.require_evidence:
            words.append("--require-evidence")
        return " ".join(quote(w) for w in words)


def expected_share(text: str | None) -> Decimal | None:
    """--expected-share P as an exact decimal: a number from 0 to 100 with at most 2 decimals
    (a trailing % allowed), else a usage error naming the option."""
    if text is None:
        return None
    from engine.decimals import NumberFormatError, decimals_of, parse_number

    try:
        share = parse_number(text, percent_allowed=True)
    except NumberFormatError:
        share = None
    if share is None or not 0 <= share <= 100 or decimals_of(share) > 2:
        raise Usage("usage_expected_share", text=text)
    return Decimal(f"{share:f}")  # 1e1 is 10: the share as the report prints it


@dataclass(frozen=True)
class OutputOptions:
    """The report: its format, where it goes, its language and date."""

    fmt: str = "text"
    output: Path | None = None
    #: The language of reports and error messages: --lang, else the locale's.
    lang: str = "en"
    #: --date; None when not given (JSON then carries no date).
    assessed_on: date | None = None
    #: No --output and standard output is a terminal: colour, the terminal's width, no binary.
    to_terminal: bool = False

    @classmethod
    def parse(
        cls,
        fmt: str | None,
        output: Path | None,
        lang: str | None,
        assessed_on: datetime | None = None,
    ) -> OutputOptions:
        """The options given; ``fmt`` None (no ``-f``) is what ``output``'s suffix names
        (``-o 自评价报告.docx`` is the Word draft), else text."""
        return cls(
            fmt=_format_for(fmt, output),
            output=output,
            lang=lang or default_lang(),
            assessed_on=assessed_on.date() if assessed_on is not None else None,
            to_terminal=output is None and sys.stdout.isatty(),
        )

    @property
    def report_date(self) -> date:
        """The date printed in documents: --date, else SOURCE_DATE_EPOCH (reproducible builds'
        convention), else today."""
        if self.assessed_on is not None:
            return self.assessed_on
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isascii() and epoch.isdigit():
            try:
                return datetime.fromtimestamp(int(epoch), tz=UTC).date()
            except (ValueError, OverflowError, OSError):  # beyond year 9999: the variable is off
                from engine.errors import InputError

                raise InputError(
                    code="source_date_epoch",
                    params={"value": epoch[:20]},
                    field="SOURCE_DATE_EPOCH",
                ) from None
        return date.today()

    @property
    def errors_as_json(self) -> bool:
        return self.fmt == "json"


def _format_for(fmt: str | None, output: Path | None) -> str:
    """``-f`` as given, else the format ``--output``'s suffix names, else text. A binary report
    into a file of another known kind, or another report into a file of a binary kind (``-f md
    -o X.xlsx``), is refused: Excel or Word could not open what was written."""
    from engine.report.formats import FORMATS, by_suffix

    if output is None:
        return fmt or DEFAULT_FORMAT
    named = by_suffix(output.suffix)
    if fmt is None:
        return named[0] if named else DEFAULT_FORMAT
    if named and fmt not in named and (FORMATS[fmt].binary or FORMATS[named[0]].binary):
        raise Usage(
            "usage_suffix_mismatch",
            output=output.name,
            suffix=output.suffix,
            fmt=fmt,
            formats=" / ".join(named),
        )
    return fmt


# -- what applies to what -----------------------------------------------------------------------

#: The reports that print --date: one county's text, json (``assessed_on``), md, html, xlsx and
#: Word documents. A batch's reports and the monitoring view print none.
_DATED: dict[Kind, tuple[str, ...]] = {
    "county": ("text", "json", "md", "html", "xlsx", "docx", "completion-xlsx")
}
_WHAT: dict[Kind, Words] = {
    "county": {"en": "one county's report", "zh": "一个县的报告"},
    "batch": {
        "en": "a batch (a file of several counties or years, or --engine vector)",
        "zh": "批量评估（含多个县或年份的文件，或 --engine vector）",
    },
    "monitor": {"en": "the monitoring view", "zh": "中期监测视图"},
}
#: Where a format that does not fit belongs (a usage error's hint).
_FOR: dict[Kind, Words] = {
    "county": {"en": " (the {fmt} report is for one county)", "zh": "（{fmt} 报告用于一个县）"},
    "batch": {
        "en": " (the {fmt} report is a batch's summary table)",
        "zh": "（{fmt} 报告是批量评估的汇总表）",
    },
}
_THE_REPORT: Words = {"en": "the {fmt} report", "zh": "{fmt} 报告"}


def _words(items: Collection[str]) -> Words:
    *head, last = items
    if not head:
        return {"en": last, "zh": last}
    return {"en": f"{', '.join(head)} or {last}", "zh": f"{'、'.join(head)} 或 {last}"}


def _filled(words: Words, **params: str) -> Words:
    return {lang: text.format(**params) for lang, text in words.items()}


def check_output(kinds: tuple[Kind, ...], out: OutputOptions) -> None:
    """Refuse a format, a --date or a destination that does not fit what is reported: ``kinds``
    are what the command may still produce (known before reading the data, or once it is read).
    The one place formats are checked."""
    fmt = out.fmt
    fitting = [k for k in kinds if fmt in _format_choices(k)]
    if not fitting:
        kind = kinds[0]
        elsewhere = next((k for k in _FOR if k != kind and fmt in _format_choices(k)), None)
        raise Usage(
            "usage_format_kind",
            what=_WHAT[kind],
            formats=_words(_format_choices(kind)),
            fmt=fmt,
            hint=_filled(_FOR[elsewhere], fmt=fmt) if elsewhere else "",
        )
    if out.assessed_on is not None and not any(fmt in _DATED.get(k, ()) for k in fitting):
        kind = fitting[0]
        what = _filled(_THE_REPORT, fmt=fmt) if kind == "county" else _WHAT[kind]
        raise Usage("usage_date_unused", what=what, formats=_words(_DATED["county"]))
    if out.to_terminal and format_is(fmt, "binary"):
        suffix = fmt.rsplit("-", 1)[-1]
        raise Usage("usage_binary_terminal", fmt=fmt, suffix=suffix)


def protected_inputs(data: InputOptions, ruleset: Ruleset) -> tuple[Path, ...]:
    """The files a report must never be written over: the data, the reference values, the
    ruleset and every ruleset it extends. The one place this list is made."""
    return (
        data.file,
        *([data.reference] if data.reference is not None else []),
        *(r.source_path for r in (ruleset, *ruleset.ancestors) if r.source_path),
    )


def build_ruleset(data: InputOptions) -> Ruleset:
    """The ruleset, with --theme and --county-type refused when it declares none (they would
    change nothing)."""
    from engine.load.ruleset import load_ruleset as load

    ruleset = load(data.ruleset)
    for option, value, declared in (
        ("--theme", data.theme, ruleset.themes),
        ("--county-type", data.county_type, ruleset.county_types),
    ):
        if value is not None and not declared:
            raise Usage(f"usage_undeclared_{option[2:].replace('-', '_')}", ruleset=ruleset.id)
    return ruleset


# -- output and errors --------------------------------------------------------------------------


def deliver(document: Document, out: OutputOptions, inputs: Collection[Path]) -> None:
    """The report to --output (atomically, with the files beside it, never over an input) or to
    standard output."""
    if out.output is None:
        echo(document.content)
        return
    from engine.errors import InputError
    from engine.report.output import write_outputs, writes_in_place

    files: list[tuple[Path, Content]] = [(out.output, document.content)]
    if document.beside:
        if writes_in_place(out.output):
            raise InputError(code="csv_needs_file", file=out.output, field="--output")
        stem = out.output.stem
        files += [(out.output.with_name(f"{stem}{suffix}"), c) for suffix, c in document.beside]
    write_outputs(files, inputs=list(inputs))


def echo(report: Content) -> None:
    """The report on standard output (a streamed one chunk by chunk); a full disk or a closed
    pipe is the user's device, said in one line (exit 2), not a crash."""
    from engine.errors import InputError

    try:
        if isinstance(report, str):
            click.echo(report, nl=False)
        else:
            for chunk in [report] if isinstance(report, bytes) else report:
                sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:  # `assess … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        raise InputError(
            code="stdout_unwritable", params={"reason": exc.strerror or str(exc)}, file="<stdout>"
        ) from None


@contextlib.contextmanager
def reporting_errors(lang: str, *, as_json: bool = False) -> Iterator[None]:
    """Bad input ends the command with exit code 2 and one ``error:`` line (a rule engine
    failure with exit code 3); usage errors pass on to :func:`engine.cli.main`."""
    from engine.errors import InputError, RuleEngineError

    try:
        yield
    except InputError as exc:
        report_input_error(exc, lang, as_json=as_json)
        sys.exit(EXIT_INPUT)
    except RuleEngineError as exc:
        click.echo(
            f"internal error (rule engine): {exc} — no verdict was produced; please report this",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


def report_input_error(exc: InputError, lang: str, *, as_json: bool) -> None:
    """Bad input: one ``error:`` line (several problems one per indented line below it) on
    stderr in the user's language, and with --format json a JSON document on stdout
    (docs/schema/errors.schema.json)."""
    if as_json:
        import json

        problems = [p.to_dict() for p in exc.each()]
        document = {"errors": problems, "count": len(problems) + exc.omitted, "file": exc.file}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    click.echo(f"error: {exc.describe(lang)}", err=True)


def legacy_note(old: str, new: str) -> None:
    """The one-line pointer from an old spelling to its new one, on standard error (standard
    output is unchanged, so a script reading it keeps working for the release the old
    spellings are kept)."""
    click.echo(f"note: {old} is now '{new}'", err=True)


# -- options shared by the commands -------------------------------------------------------------


def _apply(f: F, decorators: list[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def ruleset_option(*, required: bool) -> Callable[[F], F]:
    return click.option(
        "-r",
        "--ruleset",
        "ruleset_name",
        metavar="NAME|PATH",
        required=required,
        help="A bundled ruleset's name (see 'assess ruleset list') or a ruleset YAML file.",
    )


def data_options(f: F) -> F:
    """How the county file is read, and what it does not say itself."""
    return _apply(
        f,
        [
            click.option(
                "--reference",
                type=click.Path(path_type=Path),
                help="Reference values (e.g. provincial averages) for 'reference' thresholds: "
                "a CSV or .xlsx with columns indicator and reference.",
            ),
            click.option(
                "--theme",
                help="The county's construction theme (id or name), for indicators that apply "
                "to some themes only; overrides the data's column.",
            ),
            click.option(
                "--county-type",
                help="The county's type (id or name), for indicators that apply to some county "
                "types only.",
            ),
            click.option(
                "--county",
                "county_name",
                metavar="NAME",
                help="The county's name for a one-county file without a county column "
                "(default: the file's name).",
            ),
            click.option(
                "--sheet",
                metavar="NAME",
                help="The sheet of an .xlsx workbook to read (default: the one sheet with "
                "data; a 填表说明 or other text-only sheet is ignored).",
            ),
            click.option(
                "--missing-marker",
                "missing_markers",
                multiple=True,
                metavar="TEXT",
                help="A cell text that means 'no data' (repeatable; replaces the defaults: "
                "— - / 无 N/A and the like). A number is never a marker.",
            ),
        ],
    )


def format_option(kinds: tuple[Kind, ...], help_text: str) -> Callable[[F], F]:
    formats = list(dict.fromkeys(f for k in kinds for f in _format_choices(k)))
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(formats),
        default=None,  # the --output file's kind, else formats[0]: OutputOptions.parse
        show_default=f"{formats[0]}, or what the --output file's suffix names (.docx, .xlsx, "
        ".html, .md, .json …)",
        help=help_text,
    )


def output_options(f: F) -> F:
    """Where the report goes and its language (the format is each command's own)."""
    return _apply(
        f,
        [
            click.option(
                "-o",
                "--output",
                type=click.Path(path_type=Path),
                help="Write the report to this file (atomically) instead of standard output.",
            ),
            lang_option(
                "Language of the text, Markdown, HTML and xlsx reports and of error messages. "
                "Default: Chinese when LANG is zh_*, else English. JSON always carries both."
            ),
        ],
    )


def lang_option(help_text: str) -> Callable[[F], F]:
    return click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help=help_text)


EXIT_CODES = """\b
Exit codes:
  0  PASS: every binding indicator met and enough expected ones
  1  FAIL
  2  invalid input or usage (the message names file, row and field)
  3  internal error (please report it)
  4  simulated PASS: --set changed a copy of the data (a what-if), and it passes
  5  simulated FAIL: --set changed a copy of the data, and it fails
"""
