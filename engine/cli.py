"""The ``assess`` command."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from engine.batch import Batch
    from engine.errors import InputError
    from engine.load.county import ReadOptions
    from engine.model.county import CountyData
    from engine.model.result import Result
    from engine.model.ruleset import Ruleset

EXIT_PASS, EXIT_FAIL, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
#: Below this size a file goes straight to the general loader: one county's table is small, and
#: a single county is assessed by durable-rules, so trying the batch fast path would only cost.
FAST_PATH_FROM_BYTES = 256_000


def _default_lang() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _list_rulesets(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from engine.errors import InputError
    from engine.load.ruleset import bundled_rulesets, load_ruleset

    for name, path in bundled_rulesets().items():
        try:
            rs = load_ruleset(path)
            click.echo(
                f"{name}\t{rs.version}\t{len(rs.indicators)} indicators\t"
                f"{rs.title.zh} / {rs.title.en}"
            )
        except InputError as exc:
            click.echo(f"{name}\t(invalid: {exc.describe()})")
    ctx.exit(EXIT_PASS)


def _print_schema(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from engine.model.schema import ruleset_schema_json

    click.echo(ruleset_schema_json(), nl=False)
    ctx.exit(EXIT_PASS)


def _check_ruleset(name: str) -> None:
    """Validate a ruleset without data: every problem at once, or a one-line description."""
    from engine.compile.rules import compile_ruleset
    from engine.load.ruleset import load_ruleset

    rs = load_ruleset(name)
    compile_ruleset(rs)
    kinds = [i.kind for i in rs.indicators]
    chain = "".join(f", extends {p.id} {p.version} ({p.content_hash[:12]})" for p in rs.ancestors)
    click.echo(
        f"ok: {rs.id} {rs.version}: {len(kinds)} indicators ({kinds.count('binding')} "
        f"binding, {kinds.count('expected')} expected), {len(rs.inputs)} inputs, "
        f"{len(rs.text_items)} text items, policy {rs.verdict_policy.kind}{chain}; "
        f"hash {rs.content_hash}"
    )


def _assessment_date(given: datetime | None) -> date:
    """``--date``, else SOURCE_DATE_EPOCH (reproducible builds' convention), else today."""
    if given is not None:
        return given.date()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def _command_line(
    file: Path,
    ruleset_name: str,
    reference: Path | None,
    theme: str | None,
    county_type: str | None,
) -> str:
    """The assess command for this file (a plan appends its --set options, a what-if's own
    changes included)."""
    from shlex import quote

    words = ["assess", str(file), "-r", ruleset_name]
    for option, value in (
        ("--reference", reference),
        ("--theme", theme),
        ("--county-type", county_type),
    ):
        if value is not None:
            words += [option, str(value)]
    return " ".join(quote(w) for w in words)


def _render(
    result: Result,
    ruleset: Ruleset,
    fmt: str,
    lang: str,
    on: date,
    to_terminal: bool,
    command: str | None = None,
) -> str | bytes:
    """The report in the chosen format: text for the terminal and documents, bytes for xlsx."""
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

    color = to_terminal and "NO_COLOR" not in os.environ
    width = shutil.get_terminal_size().columns if to_terminal else 120
    return render_text(result, lang=lang, color=color, width=width, command=command)


def _run_batch(
    counties: list[CountyData],
    ruleset: Ruleset,
    fmt: str,
    output: Path | None,
    lang: str | None,
    engine: str,
    *,
    inputs: list[Path],
    references: Path | None,
) -> int:
    """Assess every county of a file; the exit code: 0 when all pass, 1 when any fails."""
    from engine.batch import assess_counties
    from engine.load.county import load_references, with_references

    _batch_format(fmt)
    if references is not None:
        refs, ref_file = load_references(references, ruleset)
        counties = [with_references(c, refs, ref_file) for c in counties]
    with _progress(len(counties), engine) as advance:
        batch = assess_counties(
            counties, ruleset, engine="rete" if engine == "rete" else "vector", progress=advance
        )
    return _report_batch(batch, fmt, output, lang, inputs)


def _batch_format(fmt: str) -> None:
    if fmt not in ("text", "json", "csv"):
        raise click.UsageError(
            f"a file of several counties is reported as text, json or csv, "
            f"not {fmt} (the {fmt} report is for one county)"
        )


def _report_batch(
    batch: Batch, fmt: str, output: Path | None, lang: str | None, inputs: list[Path]
) -> int:
    from engine.errors import InputError
    from engine.report import batch as report
    from engine.report.output import write_outputs, writes_in_place

    ruleset = batch.ruleset
    inputs = [*inputs, *(r.source_path for r in (ruleset, *ruleset.ancestors) if r.source_path)]
    if fmt == "json":
        text = report.batch_json(batch)
    elif fmt == "csv":
        text = report.summary_csv(batch)
        if output is not None and writes_in_place(output):
            raise InputError(code="csv_needs_file", file=output, field="--output")
    else:
        to_terminal = output is None and sys.stdout.isatty()
        text = report.batch_text(
            batch,
            lang=lang or _default_lang(),
            width=shutil.get_terminal_size().columns if to_terminal else 120,
            color=to_terminal and "NO_COLOR" not in os.environ,
            limit=50 if to_terminal else None,
        )
    if output is not None:
        files: list[tuple[Path, str | bytes]] = [(output, text)]
        if fmt == "csv":  # the per-rule table beside the summary, both or neither
            files.append((output.with_name(f"{output.stem}.rules.csv"), report.rules_csv(batch)))
        write_outputs(files, inputs=inputs)
    else:
        _echo(text)
    return EXIT_PASS if batch.all_pass else EXIT_FAIL


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


def _check_planning(
    fmt: str, engine: str | None, planning: bool, monitor: bool, year: int | None
) -> None:
    if monitor and planning:
        raise click.UsageError("--monitor is a report of its own; use --set or --plan without it")
    if year is not None and not monitor:
        raise click.UsageError("--year is for --monitor")
    if monitor and fmt not in ("text", "json", "md", "html"):
        raise click.UsageError(
            f"the monitoring view is reported as text, json, md or html, not {fmt}"
        )
    if planning and fmt == "csv":
        raise click.UsageError(
            "--set and --plan are for one county; the csv report is a batch's summary table"
        )
    if (monitor or planning) and engine == "vector":
        raise click.UsageError(
            "--set, --plan and --monitor assess one county with durable-rules (--engine rete)"
        )


def _assess_one(
    county: CountyData,
    ruleset: Ruleset,
    settings: tuple[str, ...],
    want_plan: bool,
    reference: Path | None,
    theme: str | None,
    county_type: str | None,
) -> Result:
    """One county's result, with the what-if changes applied and the plan attached if asked."""
    from engine.pipeline import assess
    from engine.plan.gap import gap_to_pass
    from engine.plan.whatif import what_if

    if want_plan:
        return gap_to_pass(
            county,
            ruleset,
            changes=settings,
            references=reference,
            theme=theme,
            county_type=county_type,
        )
    if settings:
        return what_if(
            county, ruleset, settings, references=reference, theme=theme, county_type=county_type
        )
    return assess(county, ruleset, references=reference, theme=theme, county_type=county_type)


def _run_monitor(
    file: Path,
    ruleset: Ruleset,
    fmt: str,
    output: Path | None,
    lang: str | None,
    year: int | None,
    reference: Path | None,
    theme: str | None,
    county_type: str | None,
    options: ReadOptions,
) -> int:
    """The monitoring view; the exit code follows the latest year's projected verdict (its
    verdict, for a file of the base year alone)."""
    from engine.plan.monitor import monitor
    from engine.report.monitoring import render_monitoring_markdown, render_monitoring_text
    from engine.report.output import write_atomically

    view = monitor(
        file,
        ruleset,
        year=year,
        references=reference,
        theme=theme,
        county_type=county_type,
        options=options,
    )
    lang = lang or _default_lang()
    to_terminal = output is None and sys.stdout.isatty()
    if fmt == "json":
        text = view.to_json()
    elif fmt == "md":
        text = render_monitoring_markdown(view, lang=lang)
    elif fmt == "html":
        from engine import __version__
        from engine.report.html import render_monitoring_html

        text = render_monitoring_html(view, lang=lang, generator=f"county-assess {__version__}")
    else:
        text = render_monitoring_text(
            view,
            lang=lang,
            color=to_terminal and "NO_COLOR" not in os.environ,
            width=shutil.get_terminal_size().columns if to_terminal else 120,
        )
    if output is not None:
        inputs = [
            file,
            *([reference] if reference else []),
            *(r.source_path for r in (ruleset, *ruleset.ancestors) if r.source_path),
        ]
        write_atomically(output, text, inputs=inputs)
    else:
        _echo(text)
    latest = view.years[-1]
    return EXIT_PASS if (latest.projected_verdict or latest.verdict) == "PASS" else EXIT_FAIL


EPILOG = """\b
Exit codes:
  0  PASS: every binding indicator met and enough expected ones
  1  FAIL
  2  invalid input or usage (the message names file, row and field)
  3  internal error (please report it)

\b
Examples:
  assess scenarios/tianmen-2022.csv --ruleset provincial-2021
  assess county.xlsx -r my-ruleset.yaml --format json --output result.json
  assess county.csv -r provincial-2021 --format html --output report.html
  assess province.csv -r provincial-2021 --format csv --output summary.csv
  assess county.csv -r st-monitoring --reference provincial-averages.csv
  assess county.csv -r provincial-2021 --plan
  assess county.csv -r provincial-2021 --set rd_intensity=1.80 --set tech_smes.target=250
  assess county-2020-2022.csv -r provincial-2021 --monitor
  assess --check-ruleset my-ruleset.yaml
  assess --list-rulesets
"""


@click.command(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option(
    "-r",
    "--ruleset",
    "ruleset_name",
    metavar="NAME|PATH",
    help="A bundled ruleset's name (see --list-rulesets) or a ruleset YAML file.",
)
@click.option(
    "--reference",
    type=click.Path(path_type=Path),
    help="Reference values (e.g. provincial averages) for 'reference' thresholds: a "
    "CSV or .xlsx with columns indicator and reference.",
)
@click.option(
    "--theme",
    help="The county's construction theme (id or name), for indicators "
    "that apply to some themes only; overrides the data's column.",
)
@click.option(
    "--county-type",
    help="The county's type (id or name), for indicators that apply to some county types only.",
)
@click.option(
    "--check-ruleset",
    metavar="NAME|PATH",
    help="Check a ruleset file without data: list every problem, or describe it.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md", "html", "xlsx", "csv"]),
    default="text",
    show_default=True,
    help="text: a table for people; json: the full result; md: Markdown for "
    "documents; html: a self-contained report to print or attach; xlsx: a "
    "spreadsheet (needs --output or a redirected standard output); csv: the "
    "summary table of a batch (with --output X.csv, the per-rule table goes to "
    "X.rules.csv).",
)
@click.option(
    "--engine",
    type=click.Choice(["rete", "vector"]),
    default=None,
    help="Which evaluator fires the rules: rete (durable-rules, the default for one "
    "county) or vector (polars, every county at once; the default for a file of "
    "several counties). The results do not depend on it.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of the text, Markdown, HTML and xlsx reports. Default: Chinese when "
    "LANG is zh_*, else English. JSON always carries both.",
)
@click.option(
    "--date",
    "assessed_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Date of the assessment printed in the reports (default: today, or "
    "SOURCE_DATE_EPOCH). JSON carries a date only when this is given.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="ID[.FIELD]=VALUE",
    help="What-if: assess a copy of the data with this value changed (repeatable). "
    "ID is an indicator or input id or name; FIELD is actual (default), target, "
    "baseline or reference; VALUE is in the ruleset's unit. The file is not "
    "touched; the report lists the changes and how the verdict moved.",
)
@click.option(
    "--plan",
    "want_plan",
    is_flag=True,
    help="Add the gap to PASS: for a FAIL, the fewest changes that pass (every failed "
    "binding indicator, then the expected ones with the smallest gaps), checked "
    "by the engine and given as --set options; for a PASS, the smallest margins.",
)
@click.option(
    "--monitor",
    is_flag=True,
    help="Mid-term monitoring: progress of each indicator along the straight line from "
    "the ruleset's base year to its target year (ahead / on track / behind) and "
    "the verdict projected if the trends hold; for each year of the data.",
)
@click.option(
    "--county",
    "county_name",
    metavar="NAME",
    help="The county's name for a one-county file without a county column (default: "
    "the file's name).",
)
@click.option(
    "--sheet",
    metavar="NAME",
    help="The sheet of an .xlsx workbook to read (default: the one sheet with data; "
    "a 填表说明 or other text-only sheet is ignored).",
)
@click.option(
    "--missing-marker",
    "missing_markers",
    multiple=True,
    metavar="TEXT",
    help="A cell text that means 'no data' (repeatable; replaces the defaults: "
    "— - / 无 N/A and the like). A number is never a marker.",
)
@click.option(
    "--year",
    type=int,
    default=None,
    metavar="YEAR",
    help="The year of a file without a 'year' column (for --monitor).",
)
@click.option(
    "--list-rulesets",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_list_rulesets,
    help="List the bundled rulesets and exit.",
)
@click.option(
    "--ruleset-schema",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_schema,
    help="Print the JSON Schema of ruleset files and exit.",
)
@click.version_option(package_name="county-assess", prog_name="assess")
def assess_command(
    file: Path | None,
    ruleset_name: str | None,
    reference: Path | None,
    theme: str | None,
    county_type: str | None,
    check_ruleset: str | None,
    fmt: str,
    output: Path | None,
    lang: str | None,
    assessed_on: datetime | None,
    engine: str | None,
    settings: tuple[str, ...],
    want_plan: bool,
    monitor: bool,
    year: int | None,
    county_name: str | None,
    sheet: str | None,
    missing_markers: tuple[str, ...],
) -> None:
    """Pre-check a county's innovative-county acceptance indicators (创新型县验收指标预检).

    FILE is the county's indicator table (CSV in UTF-8 or GBK, or .xlsx) in the canonical long
    format: one row per indicator with columns indicator, baseline, target, actual (Chinese
    headers such as 指标, 基期值, 目标值, 实际值 work too). Every rule of the ruleset gets a
    result and a reason; the verdict is PASS or FAIL.
    """
    from engine.errors import InputError, RuleEngineError
    from engine.load.county import DEFAULT_MISSING_MARKERS, ReadOptions, load_counties
    from engine.load.ruleset import load_ruleset
    from engine.report.output import write_atomically

    if check_ruleset is None and (file is None or ruleset_name is None):
        raise click.UsageError("give a county FILE and --ruleset (or --check-ruleset NAME|PATH)")
    try:
        if check_ruleset is not None:
            _check_ruleset(check_ruleset)
            sys.exit(EXIT_PASS)
        assert file is not None and ruleset_name is not None
        planning = bool(settings) or want_plan
        _check_planning(fmt, engine, planning, monitor, year)
        options = ReadOptions(
            sheet=sheet,
            county=county_name,
            missing_markers=missing_markers or DEFAULT_MISSING_MARKERS,
        )
        ruleset = load_ruleset(ruleset_name)
        for option, value, declared in (
            ("--theme", theme, ruleset.themes),
            ("--county-type", county_type, ruleset.county_types),
        ):
            if value is not None and not declared:
                raise click.UsageError(
                    f"{option}: ruleset '{ruleset.id}' declares no "
                    f"{option[2:].replace('-', ' ')}s, so it would change "
                    "nothing"
                )
        if monitor:
            sys.exit(
                _run_monitor(
                    file, ruleset, fmt, output, lang, year, reference, theme, county_type, options
                )
            )
        wants_batch = fmt == "csv" or engine == "vector"
        if (
            engine != "rete"
            and not (reference or theme or county_type or planning)
            and options == ReadOptions()
            and (wants_batch or _size(file) > FAST_PATH_FROM_BYTES)
        ):
            from engine.batch import assess_file

            fast = assess_file(file, ruleset)  # a plain CSV, read and evaluated in polars
            if fast is not None and (wants_batch or fast.summary["county"].n_unique() > 1):
                _batch_format(fmt)
                sys.exit(_report_batch(fast, fmt, output, lang, [file]))
        counties = load_counties(
            file, ruleset, theme=theme, county_type=county_type, options=options
        )
        if planning and len(counties) > 1:
            raise click.UsageError(
                "--set and --plan are for one county; this file holds "
                f"{len(counties)} counties or years (--monitor follows one "
                "county over its years)"
            )
        if len(counties) > 1 or wants_batch:
            sys.exit(
                _run_batch(
                    counties,
                    ruleset,
                    fmt,
                    output,
                    lang,
                    engine or "vector",
                    inputs=[file, *([reference] if reference else [])],
                    references=reference,
                )
            )
        result = _assess_one(
            counties[0], ruleset, settings, want_plan, reference, theme, county_type
        )
        if assessed_on is not None:
            result = result.model_copy(update={"assessed_on": assessed_on.date()})
        to_terminal = output is None and sys.stdout.isatty()
        if fmt == "xlsx" and to_terminal:
            raise click.UsageError("an xlsx report is a binary file: give --output FILE.xlsx")
        command = _command_line(file, ruleset_name, reference, theme, county_type)
        report = _render(
            result,
            ruleset,
            fmt,
            lang or _default_lang(),
            _assessment_date(assessed_on),
            to_terminal,
            command,
        )
        if output is not None:
            inputs = [
                file,
                *([reference] if reference else []),
                *(r.source_path for r in (ruleset, *ruleset.ancestors) if r.source_path),
            ]
            write_atomically(output, report, inputs=inputs)
        else:
            _echo(report)
    except InputError as exc:
        _report_input_error(exc, lang or _default_lang(), as_json=fmt == "json")
        sys.exit(EXIT_INPUT)
    except RuleEngineError as exc:
        click.echo(
            f"internal error (rule engine): {exc} — no verdict was produced; please report this",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_PASS if result.verdict == "PASS" else EXIT_FAIL)


def _echo(report: str | bytes) -> None:
    """The report on standard output; a full disk or a closed pipe is the user's device, said
    in one line (exit 2), not a crash."""
    from engine.errors import InputError

    try:
        if isinstance(report, bytes):
            sys.stdout.buffer.write(report)
        else:
            click.echo(report, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:  # `assess … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        raise InputError(
            code="stdout_unwritable", params={"reason": exc.strerror or str(exc)}, file="<stdout>"
        ) from None


def _size(file: Path) -> int:
    """The file's size for choosing a path; 0 when it cannot be told (the reader says why)."""
    try:
        return file.stat().st_size if file.is_file() else 0
    except OSError:
        return 0


def _report_input_error(exc: InputError, lang: str, *, as_json: bool) -> None:
    """Bad input: one ``error:`` line (several problems one per indented line below it) on
    stderr in the user's language, or with --format json a JSON document on stdout
    (docs/schema/errors.schema.json)."""
    if as_json:
        import json

        problems = [p.to_dict() for p in exc.each()]
        document = {"errors": problems, "count": len(problems) + exc.omitted, "file": exc.file}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    click.echo(f"error: {exc.describe(lang)}", err=True)


def main() -> None:
    """The ``assess`` command: every outcome is an exit code and at most one ``error:`` line."""
    try:
        code = assess_command.main(standalone_mode=False)
    except click.UsageError as exc:  # a bad option: one line, in the user's words, and --help
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(EXIT_INPUT)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(EXIT_INPUT)
    except (KeyboardInterrupt, click.Abort):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: one line, no traceback, no verdict
        if os.environ.get("ASSESS_DEBUG"):
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} — no verdict was produced; "
            "please report this (set ASSESS_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_PASS)
