"""The Markdown report, for people who paste results into their acceptance documents: a Document
(engine/report/document.py) as CommonMark with pipe tables.

Every text is escaped: a county name or a source note holding ``|``, ``*`` or ``<script>``
cannot break a table or inject markup. Tables are not aligned (the editor they are pasted into
aligns them), and a status cell says the status in words (Markdown has no colour); listed items
carry the status's symbol.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from engine.report.document import (
    TONES,
    Banner,
    Blank,
    Block,
    BulletList,
    Cell,
    Chart,
    Code,
    CodeBlock,
    Document,
    Fact,
    Inline,
    Layout,
    Note,
    Number,
    Paragraph,
    Ref,
    Runs,
    Section,
    Table,
    Text,
    Warning,
    visible,
)

if TYPE_CHECKING:
    from engine.model.result import Result
    from engine.model.ruleset import Ruleset

# What could format, link, or open markup. Not "_" (inside words, as in rd_intensity, it never
# emphasises) and "&" only where it would start an entity, so that R&D stays readable when pasted.
_SPECIAL = set("\\`*[]<>|#~")
_ENTITY = re.compile(r"&(?=#?\w+;)")

#: The columns of the rules table in a pasted document.
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
    "source",
    "evidence",
)
_SHOWN = {"rules": RULE_COLUMNS}


def escape(text: object) -> str:
    """Markdown-inert text: punctuation that could format is backslash-escaped, lines joined."""
    flat = " ".join(str(text).splitlines())
    return _ENTITY.sub(r"\\&", "".join(f"\\{ch}" if ch in _SPECIAL else ch for ch in flat))


def code(text: str) -> str:
    """A code span that holds any text: fenced with more backticks than it contains."""
    flat = " ".join(text.splitlines())
    fence = "`"
    while fence in flat:
        fence += "`"
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _run(run: Inline) -> str:
    if isinstance(run, Code):
        return code(run.text)
    if isinstance(run, Ref):
        return f" ({code(run.text)})"
    return escape(run)


def _runs(runs: Runs) -> str:
    return "".join(_run(r) for r in runs)


def _value(fact: Fact) -> str:
    return fact.value.isoformat() if isinstance(fact.value, date) else _runs(fact.value)


def _fact(fact: Fact) -> str:
    value = _value(fact)
    sha = f", sha256 {code(fact.sha256)}" if fact.sha256 else ""
    note = f" ({escape(fact.note)})" if fact.note else ""
    label = escape(fact.label)
    if fact.under:
        return f"  - {label} {value}{sha}{note}"
    return f"- {label}: {value}{sha}{note}"


def _cell(cell: Cell) -> str:
    if isinstance(cell, Text):
        text = escape(cell.text)
        if cell.code:
            text += f" {code(cell.code)}"
        if cell.detail:
            text += f" {escape(cell.detail)}"
        return text
    if isinstance(cell, Number):
        return escape(cell.text)
    return escape(cell.label)


def _table(table: Table, level: int) -> list[str]:
    shown = _SHOWN.get(table.id)
    indices = [i for i, c in enumerate(table.columns) if shown is None or c.code in shown]
    lines: list[str] = []
    for group, rows in table.grouped():
        if group is not None:
            lines += ["", f"{'#' * level} {escape(group.heading)}"]
        head = [escape(table.columns[i].head) for i in indices]
        lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(_cell(row.cells[i]) for i in indices) + " |" for row in rows]
    return lines


def _block(block: Block, level: int) -> list[str]:
    if isinstance(block, Banner):
        lines = ["", f"{'#' * level} {escape(block.label)}: **{escape(block.verdict.label)}**", ""]
        lines += [f"- {escape(r)}" for r in block.reasons]
        for line in block.lines:
            lines += ["", escape(line)]
        return lines
    if isinstance(block, Paragraph):
        return ["", _runs(block.runs)]
    if isinstance(block, BulletList):
        lines = [""]
        for item in block.items:
            mark = f"{TONES[item.status].symbol} " if item.status else ""
            details = "".join(f", {escape(d)}" for d in item.details)
            lines.append(f"- {mark}{_runs(item.runs)}{details}")
        return lines
    if isinstance(block, Warning):
        return ["", *(f"- {_runs(runs)}" for runs in block.items)]
    if isinstance(block, Note | Blank):  # a blank: a place left for the reader to write in
        return ["", f"*{_runs(block.runs)}*"]
    if isinstance(block, CodeBlock):
        fence = "```"
        while fence in block.text:
            fence += "`"
        return ["", fence, block.text, fence]
    if isinstance(block, Table):
        return _table(block, level)
    if isinstance(block, Section):
        return _section(block, level)
    if isinstance(block, Chart):
        return []  # the tables say what the charts show
    raise TypeError(block)


def _section(section: Section, level: int) -> list[str]:
    if not visible(section, charts=False):
        return []
    lines: list[str] = []
    if section.heading is not None:
        lines += ["", f"{'#' * level} {escape(section.heading)}"]
    inner = level if section.heading is None else level + 1
    for block in section.blocks:
        lines += _block(block, inner)
    return lines


def render(document: Document, *, lang: str, layout: Layout | None = None) -> str:
    """The document as CommonMark (with the table extension)."""
    lines: list[str] = []
    if document.title:
        lines += [f"# {escape(document.title)}", ""]
    if document.mark:  # a simulation's warning, where a page would carry it
        lines += [f"> **{escape(document.mark)}**", ""]
    lines += [_fact(fact) for fact in document.meta]
    for section in document.sections:
        lines += _section(section, 2)
    if document.footer is not None:
        footer = document.footer
        lines += ["", "---", "", f"{escape(footer.label)}: {_value(footer)}"]
    return "\n".join(lines).lstrip("\n") + "\n"


# The functions the command called before the registry (engine/report/formats.py); kept for
# the callers that still use them.


def render_markdown(
    result: Result,
    *,
    lang: str = "zh",
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    command: str | None = None,
) -> str:
    from engine.report.build import county_document

    document = county_document(
        result, lang=lang, ruleset=ruleset, assessed_on=assessed_on, command=command
    )
    return render(document, lang=lang)
