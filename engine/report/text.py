"""The terminal report: the verdict with its reasons, then a table of every rule.

rich lays out the table: it measures Chinese characters as double width, which hand-made padding
gets wrong, and it honours NO_COLOR.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from engine.explain.messages import COLUMNS, KIND_LABELS, STATUS_LABELS, VERDICT_LABELS, WORDS
from engine.model.county import DataFile
from engine.model.result import Result
from engine.report.cells import pct, plain, required, signed_margin
from engine.report.planning import Block, result_blocks

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {"met": "green", "not_met": "bold red", "not_evaluated": "yellow", "not_applicable": "dim"}
_SYMBOL = {"met": "✓", "not_met": "✗", "not_evaluated": "?", "not_applicable": "-"}

_COLUMNS = (
    "n",
    "indicator",
    "kind",
    "unit",
    "actual",
    "required",
    "status",
    "margin",
    "completion",
    "growth",
    "score",
)


def _file_line(label: str, df: DataFile) -> str:
    extra = f", {df.encoding}" if df.encoding else (f", {df.sheet}" if df.sheet else "")
    return f"{label}: {df.name} ({df.format}{extra}) sha256:{df.sha256[:12]}"


def console_for(out: io.StringIO, *, color: bool, width: int) -> Console:
    from rich.console import Console

    return Console(
        file=out,
        width=width,
        no_color=not color,
        color_system="auto" if color else None,
        force_terminal=color,
        highlight=False,
        emoji=False,
        markup=False,  # county names, notes and file names may hold [brackets]
    )


def print_blocks(console: Console, blocks: list[Block]) -> None:
    """Planning blocks (engine/report/planning.py) as headed paragraphs and tables."""
    from rich.table import Table
    from rich.text import Text

    for block in blocks:
        console.print()
        console.print(Text(block.heading, style="bold"))
        for paragraph in block.paragraphs:
            console.print(f"  {paragraph}")
        if block.rows:
            table = Table(show_lines=False, header_style="bold", pad_edge=False)
            for i, head in enumerate(block.head):
                table.add_column(
                    head, justify="right" if i in block.numeric else "left", overflow="fold"
                )
            for row in block.rows:
                table.add_row(*row)
            console.print(table)
        if block.code:
            console.print(Text(block.code, style="cyan"), soft_wrap=True)


def render_text(
    result: Result,
    *,
    lang: str = "zh",
    color: bool = True,
    width: int = 120,
    command: str | None = None,
) -> str:
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = console_for(out, color=color, width=width)
    words = WORDS[lang]
    rs = result.ruleset
    console.print(Text.assemble(f"{words['county']}: ", (result.county, "bold")))
    chain = "".join(
        f"; {words['extends']} {p.id} {p.version} sha256:{p.content_hash[:12]}" for p in rs.extends
    )
    console.print(
        f"{words['ruleset']}: {rs.id} {rs.version} ({rs.title.get(lang)}) "
        f"sha256:{rs.content_hash[:12]}{chain}"
    )
    if result.data_file is not None:
        console.print(_file_line(words["data"], result.data_file))
    if result.reference_file is not None:
        console.print(_file_line(words["reference"], result.reference_file))
    verdict_style = "bold green" if result.verdict == "PASS" else "bold red"
    console.print(
        Text.assemble(
            f"{words['verdict']}: ", (VERDICT_LABELS[result.verdict].get(lang), verdict_style)
        )
    )
    for reason in result.verdict_reasons:
        console.print(f"  • {getattr(reason, lang)}")
    s = result.summary
    console.print(
        words["summary"].format(
            bm=s.binding_met,
            bt=s.binding_total,
            em=s.expected_met,
            et=s.expected_total,
            share=pct(s.expected_share),
            g50=s.growth_over_50,
            g100=s.growth_over_100,
        )
    )
    scored = s.score is not None
    if scored:
        console.print(words["score"].format(score=s.score, mark=s.pass_mark))

    table = Table(show_lines=False, header_style="bold", pad_edge=False)
    for i, code in enumerate(_COLUMNS[: None if scored else -1]):
        head = COLUMNS[code].get(lang)
        if i == 1:
            table.add_column(head, overflow="fold", ratio=1, min_width=16)
        elif i == 3:
            table.add_column(head, overflow="fold", max_width=8)
        else:
            table.add_column(
                head, justify="right" if i in (0, 4, 5, 7, 8, 9, 10) else "left", no_wrap=True
            )
    for n, rule in enumerate(result.rules, start=1):
        status = f"{_SYMBOL[rule.status]} {STATUS_LABELS[rule.status].get(lang)}"
        table.add_row(
            str(n),
            Text.assemble(rule.name.get(lang), " ", (rule.id, "dim")),
            KIND_LABELS[rule.kind].get(lang),
            rule.unit,
            plain(rule.actual),
            required(rule),
            Text(status, style=_STYLE[rule.status]),
            signed_margin(rule),
            pct(rule.completion),
            pct(rule.growth),
            *([plain(rule.score)] if scored else []),
        )
    console.print(table)
    if result.warnings:
        console.print(Text(f"{words['warnings']}:", style="yellow"))
        for note in result.warnings:
            console.print(f"  ! {getattr(note, lang)}")
    if result.text_items:
        console.print(f"{words['text_items']}:")
        for item in result.text_items:
            console.print(f"  {item.name.get(lang)} ({item.id}): {item.text or '—'}")
    shortfalls = [r for r in result.rules if r.status in ("not_met", "not_evaluated")]
    if shortfalls:
        console.print(f"{words['shortfalls']}:")
        for rule in shortfalls:
            console.print(
                f"  {_SYMBOL[rule.status]} {rule.name.get(lang)} ({rule.id}, "
                f"{KIND_LABELS[rule.kind].get(lang)}): {getattr(rule.reason, lang)}"
            )
    print_blocks(console, result_blocks(result, lang, command))
    return out.getvalue()
