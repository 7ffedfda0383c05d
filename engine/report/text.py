"""The terminal report: a Document (engine/report/document.py) laid out for a terminal.

rich lays out the tables: it measures Chinese characters as double width, which hand-made
padding gets wrong, and it honours NO_COLOR (the caller passes ``Layout(color=False)``). No
markup is parsed: county names, notes and file names may hold [brackets].
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

from engine.report.document import (
    TONES,
    WARNING_TONE,
    Banner,
    Blank,
    Block,
    BulletList,
    Cell,
    Chart,
    CodeBlock,
    Document,
    Fact,
    Layout,
    Note,
    Number,
    Paragraph,
    Runs,
    Section,
    Status,
    Table,
    Text,
    Verdict,
    Warning,
    plain,
    visible,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text as RichText

    from engine.model.plan import Monitoring
    from engine.model.result import Result

#: The columns of the rules table a terminal has room for (the rest are in md, html and xlsx).
RULE_COLUMNS = (
    "n",
    "indicator",
    "unit",
    "actual",
    "required",
    "status",
    "margin",
    "completion",
    "growth",
    "score",
    "evidence",
)
_SHOWN = {"rules": RULE_COLUMNS}
#: Columns of identifiers, file names and fingerprints: never wrapped inside.
_CODE_COLUMNS = frozenset({"id", "file", "sha256"})


def console_for(out: io.StringIO, *, color: bool, width: int) -> Console:
    from rich.console import Console

    return Console(
        file=out,
        width=width,
        no_color=None if color else True,  # None: rich honours NO_COLOR itself
        color_system="auto" if color else None,
        force_terminal=color,
        highlight=False,
        emoji=False,
        markup=False,  # county names, notes and file names may hold [brackets]
    )


def _runs(runs: Runs, style: str = "") -> RichText:
    from rich.text import Text as RichText

    return RichText(plain(runs), style=style)


def _fact(fact: Fact) -> str:
    """``label: value sha256:0123456789ab (note)``: a terminal shows a hash's first 12 digits
    (the other formats carry all 64)."""
    value = fact.value.isoformat() if isinstance(fact.value, date) else plain(fact.value)
    sha = f" sha256:{fact.sha256[:12]}" if fact.sha256 else ""
    note = f" ({fact.note})" if fact.note else ""
    if fact.under:
        return f"  {fact.label} {value}{sha}{note}"
    return f"{fact.label}: {value}{sha}{note}"


def _cell(cell: Cell) -> RichText | str:
    from rich.text import Text as RichText

    if isinstance(cell, Text):
        text = RichText(cell.text)
        if cell.code:
            text.append(f" {cell.code}", style="dim")
        if cell.detail:
            text.append(f"\n{cell.detail}", style="dim")
        return text
    if isinstance(cell, Number):
        return cell.text
    if isinstance(cell, Status):
        return RichText(f"{cell.tone.symbol} {cell.label}", style=cell.tone.colour)
    return RichText(cell.label, style=f"bold {cell.tone.colour}")


def _table(console: Console, table: Table) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text as RichText

    shown = _SHOWN.get(table.id)
    indices = [i for i, c in enumerate(table.columns) if shown is None or c.code in shown]
    for group, rows in table.grouped():
        if group is not None:
            console.print()
            console.print(RichText(group.heading, style="bold"))
        grid = RichTable(show_lines=False, header_style="bold", pad_edge=False)
        for i in indices:
            column = table.columns[i]
            if column.code == "indicator":
                grid.add_column(column.head, overflow="fold", ratio=1, min_width=16)
            elif column.code == "unit":
                grid.add_column(column.head, overflow="fold", max_width=8)
            elif column.code in _CODE_COLUMNS:  # ids, file names, hashes: to copy whole
                grid.add_column(column.head, no_wrap=True, overflow="fold")
            elif column.numeric:
                grid.add_column(column.head, justify="right", no_wrap=True)
            elif rows and isinstance(rows[0].cells[i], Status | Verdict):
                grid.add_column(column.head, no_wrap=True)
            else:
                grid.add_column(column.head, overflow="fold")
        for row in rows:
            grid.add_row(*(_cell(row.cells[i]) for i in indices))
        console.print(grid)


def _banner(console: Console, banner: Banner) -> None:
    from rich.text import Text as RichText

    tone = banner.verdict.tone
    console.print(
        RichText.assemble(f"{banner.label}: ", (banner.verdict.label, f"bold {tone.colour}"))
    )
    for reason in banner.reasons:
        _hanging(console, RichText("  • "), RichText(reason))
    for line in banner.lines:
        console.print(line)


def _hanging(console: Console, lead: RichText, text: RichText) -> None:
    """``lead`` (a bullet) and ``text`` wrapped beside it, its further lines indented under
    the text's first character. A Chinese sentence has no spaces to break at: left to rich,
    it moved whole to the next line, leaving the bullet alone on its own."""
    from rich.cells import cell_len
    from rich.text import Text as RichText

    width = cell_len(lead.plain)
    for i, line in enumerate(text.wrap(console, max(console.width - width, 8), overflow="fold")):
        line.rstrip()
        console.print(lead + line if i == 0 else RichText(" " * width) + line, soft_wrap=True)


def _block(console: Console, block: Block, indent: str) -> None:
    from rich.text import Text as RichText

    if isinstance(block, Banner):
        _banner(console, block)
    elif isinstance(block, Paragraph):
        console.print(_runs((indent, *block.runs)))
    elif isinstance(block, BulletList):
        for item in block.items:
            lead = RichText(f"{indent}")
            if item.status is None:
                lead.append("• ")
            else:
                tone = TONES[item.status]
                lead.append(f"{tone.symbol} ", style=tone.colour)
            text = _runs(item.runs)
            if item.details:
                text.append(", " + ", ".join(item.details))
            _hanging(console, lead, text)
    elif isinstance(block, Warning):
        for runs in block.items:
            lead = RichText(f"{indent}")
            lead.append("! ", style=TONES[WARNING_TONE].colour)
            _hanging(console, lead, _runs(runs))
    elif isinstance(block, Note):
        console.print(_runs((indent, *block.runs), style="dim"))
    elif isinstance(block, Blank):  # a place left for the reader to write in
        console.print(_runs((indent, *block.runs), style="dim italic"))
    elif isinstance(block, CodeBlock):
        console.print(RichText(block.text, style="cyan"), soft_wrap=True)
    elif isinstance(block, Table):
        _table(console, block)
    elif isinstance(block, Section):
        _section(console, block)
    elif isinstance(block, Chart):
        pass  # the tables say what the charts show


def _section(console: Console, section: Section) -> None:
    from rich.text import Text as RichText

    if not visible(section, charts=False):
        return
    if section.heading is not None:
        console.print()
        console.print(RichText(section.heading, style="bold"))
    indent = "" if section.heading is None else "  "
    for block in section.blocks:
        _block(console, block, indent)


def render(document: Document, *, lang: str, layout: Layout | None = None) -> str:
    """The document as terminal text (with ANSI colours when ``layout.color``)."""
    from rich.text import Text as RichText

    layout = layout or Layout()
    out = io.StringIO()
    console = console_for(out, color=layout.color, width=layout.width)
    if document.title:
        console.print(RichText(document.title, style="bold"))
    if document.mark:  # a simulation's warning, where a page would carry it
        console.print(RichText(f"[{document.mark}]", style=f"bold {TONES[WARNING_TONE].colour}"))
    for fact in document.meta:
        console.print(_fact(fact))
    for section in document.sections:
        _section(console, section)
    if document.footer is not None:
        console.print()
        console.print(RichText(_fact(document.footer), style="dim"))
    return out.getvalue()


# The functions the command called before the registry (engine/report/formats.py); kept for
# the callers that still use them.


def render_text(
    result: Result,
    *,
    lang: str = "zh",
    color: bool = True,
    width: int = 120,
    command: str | None = None,
) -> str:
    from engine.report.build import county_document

    document = county_document(result, lang=lang, command=command)
    return render(document, lang=lang, layout=Layout(color=color, width=width))


def render_monitoring_text(
    view: Monitoring, *, lang: str = "zh", color: bool = True, width: int = 120
) -> str:
    from engine.report.build import monitoring_document

    document = monitoring_document(view, lang=lang)
    return render(document, lang=lang, layout=Layout(color=color, width=width))
