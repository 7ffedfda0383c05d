"""``assess ruleset list | show NAME | check NAME|PATH | schema``: the rulesets themselves,
without county data."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engine.cli.common import EXIT_PASS, default_lang, lang_option, reporting_errors
from engine.cli.usage import Usage

if TYPE_CHECKING:
    from engine.model.ruleset import Ruleset


@click.group(
    "ruleset",
    invoke_without_command=True,
    short_help="The rulesets: list, show one's indicators, check a file, the schema.",
)
@click.pass_context
def ruleset_group(ctx: click.Context) -> None:
    """The rulesets: list the bundled ones, show a ruleset's indicators, check a ruleset file
    without data, print the JSON Schema of ruleset files.

    \b
    Examples:
      assess ruleset list
      assess ruleset show provincial-2021 --lang zh
      assess ruleset check my-plan.yaml
      assess ruleset schema > ruleset.schema.json
    """
    if ctx.invoked_subcommand is None:
        raise Usage("usage_ruleset_needs", ctx=ctx)


# -- list ---------------------------------------------------------------------------------------


def list_rulesets() -> int:
    """One line per bundled ruleset: name, version, size, title (an invalid one says why)."""
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
    return EXIT_PASS


@ruleset_group.command("list", short_help="The bundled rulesets, one a line.")
def list_command() -> None:
    """The bundled rulesets, one a line: name, version, number of indicators, title (Chinese /
    English), tab-separated."""
    sys.exit(list_rulesets())


# -- show ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowOptions:
    ruleset: str
    lang: str
    #: Standard output is a terminal: colour and the terminal's width.
    to_terminal: bool = False


_SHOW_HEADS = {
    "zh": ("序号", "指标代码", "中文名称", "英文名称", "单位", "类型", "要求", "权重"),
    "en": ("#", "id", "Chinese name", "English name", "unit", "kind", "threshold", "weight"),
}
_SHOW_WORDS = {
    "zh": {
        "count": "共{n}项指标:约束性{b}项,预期性{e}项。",
        "share": "判定:约束性指标全部完成,且预期性指标完成不低于{share}%。",
        "score": "判定:约束性指标全部完成,且综合得分不低于{mark}。",
        "years": "基期{base},目标年{target}。",
        "actual": "实际值",
    },
    "en": {
        "count": "{n} indicators: {b} binding, {e} expected.",
        "share": "PASS: every binding indicator met and at least {share} % of the expected ones.",
        "score": "PASS: every binding indicator met and a weighted score of at least {mark}.",
        "years": "Base year {base}, target year {target}.",
        "actual": "actual",
    },
}


def show(options: ShowOptions) -> int:
    """The ruleset's indicators as a table: id, Chinese and English name, unit, kind,
    threshold (and weight, for a scored ruleset)."""
    from rich.table import Table

    from engine.cli.common import echo
    from engine.explain.messages import KIND_LABELS
    from engine.load.ruleset import load_ruleset
    from engine.model.ruleset import ExpectedSharePolicy
    from engine.report.text import console_for
    from engine.safe_text import visible

    lang = options.lang
    words = _SHOW_WORDS[lang]
    rs: Ruleset = load_ruleset(options.ruleset)
    import io

    out = io.StringIO()
    color = options.to_terminal and "NO_COLOR" not in os.environ
    width = shutil.get_terminal_size().columns if options.to_terminal else 120
    console = console_for(out, color=color, width=width)
    console.print(visible(f"{rs.id} {rs.version}: {rs.title.get(lang)}"), style="bold")
    table = Table(header_style="bold")
    head = _SHOW_HEADS[lang] if rs.scored else _SHOW_HEADS[lang][:-1]
    for i, column in enumerate(head):  # ids and thresholds whole, to be copied; names wrap
        table.add_column(
            column,
            justify="right" if i in (0, 7) else "left",
            overflow="fold",
            no_wrap=i in (1, 4, 5, 6),
        )
    for n, ind in enumerate(rs.indicators, start=1):
        cells = [
            str(n),
            ind.id,
            ind.name.zh,
            ind.name.en,
            ind.unit,
            KIND_LABELS[ind.kind].get(lang),
            ind.threshold.describe(lang, precision=ind.precision, direction=ind.direction),
        ]
        if rs.scored:
            cells.append(str(ind.weight if ind.weight is not None else 1))
        table.add_row(*(visible(c) for c in cells))
    console.print(table)
    kinds = [i.kind for i in rs.indicators]
    lines = [
        words["count"].format(n=len(kinds), b=kinds.count("binding"), e=kinds.count("expected"))
    ]
    policy = rs.verdict_policy
    if isinstance(policy, ExpectedSharePolicy):
        lines.append(words["share"].format(share=policy.expected_min_share))
    else:
        lines.append(words["score"].format(mark=policy.pass_mark))
    if rs.base_year and rs.target_year:
        lines.append(words["years"].format(base=rs.base_year, target=rs.target_year))
    for line in lines:
        console.print(line)
    echo(out.getvalue())
    return EXIT_PASS


@ruleset_group.command("show", short_help="A ruleset's indicators and thresholds, as a table.")
@click.argument("name", metavar="NAME|PATH")
@lang_option("Language of the table. Default: Chinese when LANG is zh_*, else English.")
def show_command(name: str, lang: str | None) -> None:
    """A ruleset's indicators as a table: id, Chinese and English name, unit, kind (约束性 /
    预期性) and threshold (≥ 目标值, ≥ 2.50, ≥ 基期值 + 10% …); then the verdict rule.

    NAME is a bundled ruleset (assess ruleset list) or a ruleset YAML file.
    """
    options = ShowOptions(
        ruleset=name, lang=lang or default_lang(), to_terminal=sys.stdout.isatty()
    )
    with reporting_errors(options.lang):
        sys.exit(show(options))


# -- check --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRulesetOptions:
    ruleset: str
    lang: str
    #: Errors as a JSON document on stdout too (the old --check-ruleset with --format json).
    errors_as_json: bool = False


def check_ruleset(options: CheckRulesetOptions) -> int:
    """Validate a ruleset without data: every problem at once, or a one-line description."""
    from engine.compile.rules import compile_ruleset
    from engine.load.ruleset import load_ruleset

    with reporting_errors(options.lang, as_json=options.errors_as_json):
        rs = load_ruleset(options.ruleset)
        compile_ruleset(rs)
    click.echo(checked_line(rs, options.lang))
    return EXIT_PASS


#: The verdict policies as the Chinese line names them (the English line gives the kind).
_POLICY_ZH = {"binding_all_expected_share": "预期性指标完成比例", "weighted_score": "加权得分"}


def checked_line(rs: Ruleset, lang: str) -> str:
    """The one line of a ruleset without problems, in ``lang``: its indicators, inputs, text
    items, policy, what it extends, its hash."""
    from engine.catalogue import REPORT

    kind = rs.verdict_policy.kind
    chain = "".join(
        REPORT["ruleset_checked_extends"][lang].format(
            ruleset=p.id, version=p.version, hash=p.content_hash[:12]
        )
        for p in rs.ancestors
    )
    kinds = [i.kind for i in rs.indicators]
    return REPORT["ruleset_checked"][lang].format(
        ruleset=rs.id,
        version=rs.version,
        indicators=len(kinds),
        binding=kinds.count("binding"),
        expected=kinds.count("expected"),
        inputs=len(rs.inputs),
        text_items=len(rs.text_items),
        policy=_POLICY_ZH.get(kind, kind) if lang == "zh" else kind,
        extends=chain,
        hash=rs.content_hash,
    )


@ruleset_group.command("check", short_help="Check a ruleset file without data.")
@click.argument("name", metavar="NAME|PATH")
@lang_option("Language of the error messages. Default: Chinese when LANG is zh_*, else English.")
def check_command(name: str, lang: str | None) -> None:
    """Check a ruleset without data: every problem at once (file, line, indicator and key),
    exit code 2; or one line describing it (indicators, inputs, policy, what it extends, its
    hash), exit code 0."""
    sys.exit(check_ruleset(CheckRulesetOptions(ruleset=name, lang=lang or default_lang())))


# -- from-annex ---------------------------------------------------------------------------------


@ruleset_group.command(
    "from-annex", short_help="A county's plan annex (xlsx or csv) written as a YAML ruleset."
)
@click.argument("annex", type=click.Path(path_type=Path), metavar="ANNEX")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The YAML file to write (default: standard output).",
)
@click.option(
    "--expected-share",
    default=None,
    metavar="PERCENT",
    help="The share of expected indicators to meet (default 80, an assumption).",
)
@lang_option("Language of the error messages. Default: Chinese when LANG is zh_*, else English.")
def from_annex_command(
    annex: Path, output: Path | None, expected_share: str | None, lang: str | None
) -> None:
    """Write the ruleset a plan annex stands for (序号, 类别, 指标名称, 单位, 指标属性, 基期值,
    目标值 …; see docs/rulesets.md) as YAML: every row a target indicator, its provenance "county
    plan annex, row N". Assessing with the YAML gives the same result as with the table."""
    from engine.decimals import NumberFormatError, parse_number
    from engine.load.annex import annex_yaml
    from engine.report.output import write_atomically

    try:  # a percentage as its text, never a binary float
        share = None if expected_share is None else parse_number(expected_share)
    except NumberFormatError as exc:
        raise Usage("usage_annex_share", text=exc.text or expected_share) from None
    with reporting_errors(lang or default_lang()):
        text = annex_yaml(annex, expected_share=share)
        if output is None:
            click.echo(text, nl=False)
        else:
            write_atomically(output, text, inputs=[annex])
    sys.exit(EXIT_PASS)


# -- schema -------------------------------------------------------------------------------------


def print_schema() -> int:
    from engine.model.schema import ruleset_schema_json

    click.echo(ruleset_schema_json(), nl=False)
    return EXIT_PASS


@ruleset_group.command("schema", short_help="The JSON Schema of ruleset files.")
def schema_command() -> None:
    """Print the JSON Schema of ruleset files (docs/schema/ruleset.schema.json), for editors
    that validate YAML as it is typed."""
    sys.exit(print_schema())
