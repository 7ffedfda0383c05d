"""``assess merge A.xlsx B.xlsx … -o county.xlsx``: the departments' returns (filled templates)
combined into one county table in the template's layout."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engine.cli.common import EXIT_PASS, default_lang, lang_option, reporting_errors, ruleset_option
from engine.cli.usage import Usage

if TYPE_CHECKING:
    from engine.load.merge import Merged
    from engine.model.ruleset import Ruleset

EPILOG = """\b
Exit codes: 0 merged (rows still empty are listed, on stderr and in the 未填报 sheet);
2 invalid input or usage, or a conflict (nothing is written).

\b
Examples:
  assess merge 模板-县科技局.xlsx 模板-县统计局.xlsx -o 天门市.xlsx
  assess merge returns/*.xlsx -o county.xlsx --lang en
  assess merge a.xlsx b.xlsx -r my-plan.yaml -o county.xlsx     # a ruleset that is not bundled
"""


@dataclass(frozen=True)
class MergeOptions:
    """The command's options, checked when made."""

    files: tuple[Path, ...]
    output: Path
    lang: str
    ruleset: str | None = None
    county: str | None = None

    def __post_init__(self) -> None:
        from engine.errors import InputError

        if not self.files:
            raise Usage("usage_merge_needs")
        if self.output.suffix.lower() != ".xlsx":
            raise InputError(code="template_output_not_xlsx", file=self.output, field="--output")


@dataclass(frozen=True)
class MergeJob:
    options: MergeOptions
    merged: Merged
    content: bytes
    inputs: tuple[Path, ...]


def build(options: MergeOptions) -> MergeJob:
    """The returns read and combined (every problem and every conflict at once) and the merged
    workbook rendered; nothing written yet."""
    from engine.load.merge import merge_returns
    from engine.load.ruleset import load_ruleset
    from engine.report.template import render_template

    ruleset: Ruleset | None = None
    if options.ruleset is not None:
        ruleset = load_ruleset(options.ruleset)
    merged = merge_returns(options.files, ruleset, county=options.county)
    used = merged.ruleset
    content = render_template(
        used,
        lang=options.lang,
        county=merged.county,
        filled=merged.filled,
        missing=merged.missing,
        name=options.ruleset or used.id,
    )
    sources = tuple(r.source_path for r in (used, *used.ancestors) if r.source_path)
    return MergeJob(options, merged, content, (*options.files, *sources))


def execute(job: MergeJob) -> int:
    """The merged workbook written (never over a return or the ruleset); on stderr, returns made
    for another version of the ruleset, every row still empty and who owes it, and the file."""
    from engine.catalogue import REPORT
    from engine.load.merge import COLUMNS
    from engine.report.output import write_atomically
    from engine.safe_text import visible_line

    options, merged = job.options, job.merged
    lang = options.lang
    write_atomically(options.output, job.content, inputs=list(job.inputs))

    def say(code: str, **params: object) -> None:
        shown = {k: visible_line(str(v)) for k, v in params.items()}
        click.echo(REPORT[code][lang].format(**shown), err=True)

    for path, made in merged.other_versions:
        say("merge_other_version", file=path, made=made, now=merged.ruleset.content_hash[:12])
    if merged.missing:
        say("merge_missing_head", count=len(merged.missing))
        sep = "、" if lang == "zh" else ", "
        for entry in merged.missing:
            seq = entry.row.seq
            say(
                "merge_missing",
                seq=f"{seq}. " if seq is not None else "",
                name=entry.row.name(lang),
                fields=sep.join(COLUMNS[f].get(lang) for f in entry.fields),
                department=entry.department(lang),
            )
    else:
        say("merge_complete")
    say("merge_written", count=len(merged.files), file=options.output)
    return EXIT_PASS


@click.command(
    "merge",
    epilog=EPILOG,
    short_help="Combine the departments' filled templates into one county table.",
)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="FILE.xlsx...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    metavar="FILE.xlsx",
    help="The merged workbook to write (never over one of the returns).",
)
@ruleset_option(required=False)
@click.option(
    "--county",
    metavar="NAME",
    help="The county's name (default: the returns' 县(市、区) column, if they have one).",
)
@lang_option(
    "Language of the merged workbook and of the messages. Default: Chinese when LANG is zh_*, "
    "else English."
)
def merge_command(
    files: tuple[Path, ...],
    output: Path,
    ruleset_name: str | None,
    county: str | None,
    lang: str | None,
) -> None:
    """Combine the departments' returns — workbooks written by 'assess template' and filled in
    — into one county table in the template's layout, which 'assess FILE -r NAME' reads.

    Each return is read as 'assess' reads it (its problems are reported the same way). A value
    given twice is fine; the same indicator given two different values is a conflict: every
    conflict is named with both files, rows and values, and nothing is written. Rows still
    empty are listed with the department that owes them, on stderr and in a 未填报 sheet.

    The ruleset is the one the returns name on their 规则集 line (a bundled one); give
    --ruleset for another (a YAML file or a plan annex).
    """
    options_lang = lang or default_lang()
    with reporting_errors(options_lang):
        options = MergeOptions(
            files=files,
            output=output,
            lang=options_lang,
            ruleset=ruleset_name,
            county=county.strip() if county and county.strip() else None,
        )
        sys.exit(execute(build(options)))
