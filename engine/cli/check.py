"""``assess FILE --ruleset NAME`` (also ``assess check FILE …``): the default command, a county's
table checked against a ruleset, PASS or FAIL; ``--set`` and ``--plan`` modify that result.

It also carries the old spellings for one release (hidden from its help): ``--list-rulesets``,
``--check-ruleset``, ``--ruleset-schema`` and ``--monitor`` run the new commands and point to
them."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from engine.cli import monitor as monitoring
from engine.cli import ruleset as rulesets
from engine.cli.common import (
    EXIT_CODES,
    EXIT_FAIL,
    EXIT_PASS,
    EXIT_SIMULATED_FAIL,
    EXIT_SIMULATED_PASS,
    InputOptions,
    OutputOptions,
    build_ruleset,
    check_output,
    data_options,
    deliver,
    format_option,
    legacy_note,
    output_options,
    protected_inputs,
    reporting_errors,
    ruleset_option,
)
from engine.cli.library import Kind, _assess, _render, format_is, load_counties
from engine.cli.usage import Usage

if TYPE_CHECKING:
    from engine.batch import Batch, Chunked
    from engine.load.county import ReadOptions
    from engine.model.result import Result
    from engine.model.ruleset import Ruleset

EXAMPLES = """\b
Examples:
  assess scenarios/tianmen-2022.csv --ruleset provincial-2021
  assess county.xlsx -r my-ruleset.yaml --format json --output result.json
  assess county.csv -r provincial-2021 --format html --output report.html
  assess province.csv -r provincial-2021 --format csv --output summary.csv
  assess county.csv -r st-monitoring --reference provincial-averages.csv
  assess county.csv -r provincial-2021 --plan
  assess county.csv -r provincial-2021 --set rd_intensity=1.80 --set tech_smes.target=250
"""


@dataclass(frozen=True)
class CheckOptions:
    """The default command's options, validated once when made: what cannot apply is refused
    before any file is read."""

    data: InputOptions
    out: OutputOptions
    #: --engine: rete or vector; None lets the file decide (one county: rete, several: vector).
    engine: str | None = None
    #: --set ID[.FIELD]=VALUE, in order.
    settings: tuple[str, ...] = ()
    #: --plan.
    plan: bool = False

    def __post_init__(self) -> None:
        if self.planning and self.engine == "vector":
            raise Usage("usage_plan_rete")
        if self.planning and self.out.fmt == "csv":
            raise Usage("usage_plan_csv")
        evidence = [
            option
            for option, given in (
                ("--evidence-dir", self.data.evidence_dir is not None),
                ("--require-evidence", self.data.require_evidence),
            )
            if given
        ]
        if evidence and self.batch:
            subject = {
                "en": f"{' and '.join(evidence)} {'check' if len(evidence) > 1 else 'checks'}",
                "zh": f"{'、'.join(evidence)} 用于核对",
            }
            raise Usage("usage_evidence_batch", subject=subject)
        if self.data.require_evidence and self.planning:
            raise Usage("usage_evidence_plan")
        check_output(self.kinds, self.out)

    @property
    def planning(self) -> bool:
        return bool(self.settings) or self.plan

    @property
    def batch(self) -> bool:
        """A batch is asked for, whatever the file holds: the csv summary, or the vectorised
        evaluator."""
        return self.out.fmt == "csv" or self.engine == "vector"

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """What the command may report before the data is read (a file of several counties
        or county-years is a batch)."""
        if self.batch:
            return ("batch",)
        if self.planning:
            return ("county",)
        return ("county", "batch")

    @classmethod
    def parse(cls, params: dict[str, Any]) -> CheckOptions:
        return cls(
            data=InputOptions.parse(params),
            out=OutputOptions.parse(
                params["fmt"], params["output"], params["lang"], params["assessed_on"]
            ),
            engine=params["engine"],
            settings=tuple(params["settings"]),
            plan=params["want_plan"],
        )


@dataclass(frozen=True)
class CheckJob:
    """What the options build, each once: the loader's options and the ruleset."""

    options: CheckOptions
    read: ReadOptions
    ruleset: Ruleset


def build(options: CheckOptions) -> CheckJob:
    read = options.data.read_options()
    ruleset = build_ruleset(options.data)
    if options.data.expected_share is not None:
        from engine.load.annex import with_expected_share

        ruleset = with_expected_share(ruleset, options.data.expected_share)
    return CheckJob(options, read, ruleset)


def execute(job: CheckJob) -> int:
    """The file assessed (and changed or planned, with --set and --plan), reported; 0 when
    every county passes, 1 otherwise; a what-if (--set) 4 when the changed copy passes, 5 when
    it fails."""
    from engine.model.result import Result

    options, ruleset = job.options, job.ruleset
    subject: Result | Batch | Chunked
    if options.planning:
        subject = _planned(job)
    else:
        subject = _assess(
            options.data,
            ruleset,
            job.read,
            engine=options.engine,
            batch=options.batch,
            stream=format_is(options.out.fmt, "streams"),
        )
    command = None
    if isinstance(subject, Result):
        check_output(("county",), options.out)
        if options.out.assessed_on is not None:
            subject = subject.model_copy(update={"assessed_on": options.out.assessed_on})
        passed = subject.verdict == "PASS"
        simulated = subject.what_if is not None
        command = options.data.command_line()
    else:  # several counties or county-years, or a batch asked for (csv, --engine vector)
        check_output(("batch",), options.out)
        passed, simulated = subject.all_pass, False
    document = _render(subject, options.out, ruleset=ruleset, command=command)
    deliver(document, options.out, protected_inputs(options.data, ruleset))
    if simulated:
        return EXIT_SIMULATED_PASS if passed else EXIT_SIMULATED_FAIL
    return EXIT_PASS if passed else EXIT_FAIL


def _planned(job: CheckJob) -> Result:
    """One county's result with the what-if changes applied, and the plan attached if asked."""
    from engine.plan.gap import gap_to_pass
    from engine.plan.whatif import what_if

    options, data = job.options, job.options.data
    counties = load_counties(data, job.ruleset, job.read)
    if len(counties) > 1:
        raise Usage("usage_plan_batch", n=len(counties))
    county, ruleset = counties[0], job.ruleset
    if options.plan:
        return gap_to_pass(
            county,
            ruleset,
            changes=options.settings,
            references=data.reference,
            theme=data.theme,
            county_type=data.county_type,
        )
    return what_if(
        county,
        ruleset,
        options.settings,
        references=data.reference,
        theme=data.theme,
        county_type=data.county_type,
    )


# -- the old spellings --------------------------------------------------------------------------

#: parameter → (old spelling, new spelling, the other parameters it takes; None: every one of
#: the default command's, the other old spellings excepted).
_LEGACY: dict[str, tuple[str, str, frozenset[str] | None]] = {
    "list_rulesets": ("--list-rulesets", "assess ruleset list", frozenset()),
    "check_ruleset": (
        "--check-ruleset",
        "assess ruleset check NAME|PATH",
        frozenset({"lang", "fmt"}),
    ),
    "ruleset_schema": ("--ruleset-schema", "assess ruleset schema", frozenset()),
    "monitor": ("--monitor", "assess monitor FILE", None),
}


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) in (
        ParameterSource.COMMANDLINE,
        ParameterSource.ENVIRONMENT,
    )


def _spelling(param: click.Parameter) -> str:
    if isinstance(param, click.Argument):
        return param.human_readable_name
    return max(param.opts, key=len)


def _legacy(ctx: click.Context, name: str, params: dict[str, Any]) -> int:
    """An old spelling: the new command's work, with a pointer to the new spelling once the
    call is accepted (a refused one gets its one error line, which names the new spelling)."""
    old, new, takes = _LEGACY[name]
    for param in ctx.command.params:
        if not param.name or param.name == name or not _given(ctx, param.name):
            continue
        if param.name in _LEGACY or (takes is not None and param.name not in takes):
            raise Usage("usage_legacy_option", old=old, option=_spelling(param), new=new)
    if name == "list_rulesets":
        legacy_note(old, new)
        return rulesets.list_rulesets()
    if name == "ruleset_schema":
        legacy_note(old, new)
        return rulesets.print_schema()
    out = OutputOptions.parse(params["fmt"], params["output"], params["lang"])
    if name == "check_ruleset":
        if out.fmt not in ("text", "json"):
            raise Usage("usage_legacy_format", old=old, fmt=out.fmt)
        options = rulesets.CheckRulesetOptions(
            ruleset=params["check_ruleset"], lang=out.lang, errors_as_json=out.errors_as_json
        )
        legacy_note(old, new)
        return rulesets.check_ruleset(options)
    if params["settings"] or params["want_plan"]:
        raise Usage("usage_monitor_alone")
    if params["engine"] == "vector":
        raise Usage("usage_monitor_rete")
    if params["file"] is None or params["ruleset_name"] is None:
        raise Usage("usage_monitor_needs")
    monitor_options = monitoring.parse(params)
    legacy_note(old, new)
    return monitoring.run(monitor_options)


# -- the command --------------------------------------------------------------------------------


@click.command(
    "check",
    epilog=EXIT_CODES + "\n" + EXAMPLES,
    short_help="A county's table against a ruleset: PASS or FAIL (the default command).",
)
@click.argument("file", required=False, type=click.Path(path_type=Path))
@ruleset_option(required=False)
@data_options
@format_option(
    ("county", "batch"),
    "text: a table for people; json: the full result; md: Markdown for documents; html: a "
    "self-contained report to print or attach; xlsx: a spreadsheet (needs --output or a "
    "redirected standard output); csv: the summary table of a batch (with --output X.csv, the "
    "per-rule table goes to X.rules.csv).",
)
@output_options
@click.option(
    "--date",
    "assessed_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Date of the assessment printed in one county's reports (text, json, md, html, xlsx, "
    "docx, completion-xlsx; default: today, or SOURCE_DATE_EPOCH; JSON and the Word documents "
    "carry a date only when one is given).",
)
@click.option(
    "--engine",
    type=click.Choice(["rete", "vector"]),
    default=None,
    help="Which evaluator fires the rules: rete (durable-rules, the default for one county) or "
    "vector (polars, every county at once; the default for a file of several counties). The "
    "results do not depend on it.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="ID[.FIELD]=VALUE",
    help="What-if: assess a copy of the data with this value changed (repeatable). ID is an "
    "indicator or input id or name; FIELD is actual (default), target, baseline or reference; "
    "VALUE is in the ruleset's unit. The file is not touched; the report lists the changes and "
    "how the verdict moved.",
)
@click.option(
    "--plan",
    "want_plan",
    is_flag=True,
    help="Add the gap to PASS: for a FAIL, the fewest changes that pass (every failed binding "
    "indicator, then the expected ones with the smallest gaps), checked by the engine and given "
    "as --set options; for a PASS, the smallest margins.",
)
@click.option(
    "--expected-share",
    metavar="PERCENT",
    default=None,
    help="The share of expected indicators to meet (0–100, at most 2 decimals), replacing the "
    "ruleset's (80 for provincial-2021 and plan annexes); the report prints the share used. "
    "Refused for a weighted-score ruleset.",
)
@click.option(
    "--evidence-dir",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="The folder of the dossier's evidence files: every file the evidence column "
    "(佐证材料) names must be in it (looked up by name, never opened); a missing one is a "
    "warning, a name leaving the folder an error. One county only.",
)
@click.option(
    "--require-evidence",
    is_flag=True,
    help="A met indicator without evidence (none listed, or a listed file not in "
    "--evidence-dir) is not evaluated, so it counts against the verdict. One county only, not "
    "with --set or --plan.",
)
# The old spellings, kept for one release; 'assess --help' lists them with their new ones.
@click.option("--year", type=int, default=None, hidden=True)
@click.option("--monitor", is_flag=True, hidden=True)
@click.option("--list-rulesets", is_flag=True, hidden=True)
@click.option("--check-ruleset", metavar="NAME|PATH", hidden=True)
@click.option("--ruleset-schema", is_flag=True, hidden=True)
@click.pass_context
def check_command(ctx: click.Context, /, **params: Any) -> None:
    """Check a county's indicator table against a ruleset (创新型县验收指标预检): PASS or FAIL,
    with a reason for every rule.

    FILE is the county's indicator table (CSV in UTF-8 or GBK, or .xlsx) in the canonical long
    format: one row per indicator with columns indicator, baseline, target, actual (Chinese
    headers such as 指标, 基期值, 目标值, 实际值 work too). A file of several counties (a county
    column) or years (a year column) is a batch: a summary row for each.
    """
    legacy = [name for name in _LEGACY if _given(ctx, name)]
    if legacy:
        sys.exit(_legacy(ctx, legacy[0], params))
    if params["file"] is not None and params["ruleset_name"] is None:
        from engine.load.annex import looks_like_annex
        from engine.load.merge import template_ruleset

        named = template_ruleset(params["file"])  # a fill-in workbook names its ruleset
        if named is not None:
            params["ruleset_name"] = named
        elif looks_like_annex(Path(params["file"])):  # a completion table carries its rules
            params["ruleset_name"] = str(params["file"])
    if params["file"] is not None and params["ruleset_name"] is None:
        raise Usage("usage_ruleset_needed", file=params["file"].name)
    if params["file"] is None or params["ruleset_name"] is None:
        raise Usage("usage_check_needs")
    if params["year"] is not None:
        raise Usage("usage_year_monitor")
    options = CheckOptions.parse(params)
    with reporting_errors(options.out.lang, as_json=options.out.errors_as_json):
        code = execute(build(options))
    sys.exit(code)
