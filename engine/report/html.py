"""The HTML report: a Document (engine/report/document.py) as one self-contained file an expert
panel can read on screen or print on A4.

Self-contained means no request when it opens: styles and charts are inline, no script, no font
file (the page names the usual Chinese system fonts instead of embedding megabytes of one), and
a Content-Security-Policy that forbids loading anything should a later change try. Every text
goes through ``html.escape`` (and a text placed in the style sheet, a page's running mark,
through CSS escapes); ids and classes come from the document's own vocabulary.

Printed (A4): every page is numbered in the document's words (an @page margin box) and carries
the document's mark, a simulation's warning; a heading is never the last line of a page (it
keeps with what follows), table heads repeat on every page, no row is split, and units, numbers
and statuses never break inside. The technical information starts on a page of its own. A
simulated verdict is drawn dashed and grey, never in the colours of a real one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from engine.report.document import (
    TONES,
    VERDICT_TONES,
    WARNING_TONE,
    Banner,
    Blank,
    Block,
    BulletList,
    Cell,
    Chart,
    Code,
    CodeBlock,
    Column,
    Document,
    Fact,
    Inline,
    Layout,
    Note,
    Number,
    Paragraph,
    Ref,
    Row,
    Runs,
    Section,
    Status,
    Table,
    Text,
    Warning,
)
from engine.report.svg import bar_chart, stacked_chart

if TYPE_CHECKING:
    from engine.model.plan import Monitoring
    from engine.model.result import Result
    from engine.model.ruleset import Ruleset

#: The columns of the rules table on the page and in print.
RULE_COLUMNS = (
    "n",
    "indicator",
    "unit",
    "baseline",
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
#: Columns whose cells are identifiers, file names or fingerprints: shown as code.
_CODE_COLUMNS = frozenset({"id", "file", "sha256"})
#: Columns whose cells never wrap (a unit, a requirement, a status, a short word); numbers
#: never wrap either.
_NOWRAP_COLUMNS = frozenset(
    {"n", "unit", "required", "status", "kind", "direction", "field", "row"}
)
#: Columns whose heads may wrap (long texts under them); the other heads stay on one line.
_WRAPPING_HEADS = frozenset({"indicator", "reason", "sha256", "file"})


def _palette() -> str:
    """The statuses' colours as CSS variables, from the one palette (document.TONES)."""
    inks = " ".join(f"--{s}: {t.colour};" for s, t in TONES.items())
    tints = " ".join(f"--{s}-tint: {t.tint};" for s, t in TONES.items())
    verdicts = "".join(
        f".verdict.{v} {{ border-color: var(--{s}); background: var(--{s}-tint); }}\n"
        f".verdict.{v} .label {{ color: var(--{s}); }}\n"
        for v, s in VERDICT_TONES.items()
    )
    statuses = "".join(f".status.{s} {{ color: var(--{s}); }}\n" for s in TONES)
    return f":root {{ {inks} {tints} }}\n{verdicts}{statuses}"


_CSS = (
    _palette()
    + """* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif;
       color: #212121; margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.5;
       font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid #bdbdbd; padding-bottom: 2px;
     break-after: avoid; }
h3, h4 { font-size: 14px; margin: 12px 0 4px; break-after: avoid; }
dl.head { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0;
          font-size: 13px; }
dl.head dt { color: #616161; }
dl.head dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.9em; }
.verdict { border: 2px solid; border-radius: 6px; padding: 12px 16px; margin: 16px 0;
           break-inside: avoid; }
.verdict .label { font-size: 24px; font-weight: bold; margin: 0; }
.verdict ul { margin: 6px 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
thead { display: table-header-group; }
th, td { border: 1px solid #e0e0e0; padding: 3px 5px; vertical-align: top; }
th { background: #f5f5f5; text-align: left; white-space: nowrap; }
th.wrap { white-space: normal; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
td.name code { color: #757575; font-size: 11px; }
td.code code { overflow-wrap: anywhere; word-break: break-all; }
td.c-sha256 code { font-size: 10px; }
td small { color: #616161; }
td.c-indicator { min-width: 10em; }
th.c-source { width: 26%; }
td.c-source { font-size: 0.92em; color: #424242; }
tr { break-inside: avoid; }
.status { white-space: nowrap; font-weight: bold; }
.verdict.simulated { border: 3px dashed #546e7a; background: repeating-linear-gradient(
  -45deg, #fafafa 0, #fafafa 12px, #eceff1 12px, #eceff1 24px); }
.verdict.simulated .label { color: #37474f; }
div.running-mark { position: sticky; top: 0; z-index: 1; margin: 0 0 12px; padding: 6px 12px;
        border: 2px dashed #546e7a; background: #eceff1; color: #37474f; font-weight: bold;
        text-align: center; }
section.appendix { margin-top: 32px; border-top: 3px double #bdbdbd; color: #424242; }
section.appendix h2 { border-bottom: none; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f5f5f5; padding: 6px 8px;
      font-size: 12px; }
tr.not_met td { background: var(--not_met-tint); }
.warning { color: var(--"""
    + WARNING_TONE
    + """); font-weight: bold; }
.note { color: #616161; font-size: 12px; }
.blank { color: #757575; font-style: italic; }
.chart { max-width: 760px; display: block; margin: 4px 0 12px; font-size: 11px; }
.chart text { fill: #212121; }
.chart .mark { stroke: #424242; stroke-dasharray: 3 2; }
.chart .mark-label, .chart .figure, .chart .legend { fill: #424242; }
.chart .count { fill: #fff; font-weight: bold; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: bold; margin-top: 8px; }
.notes li { margin: 2px 0; }
footer { margin-top: 32px; font-size: 11px; color: #757575; }
h2, h3, h4, figcaption { break-inside: avoid; }
p:has(+ pre), p:has(+ table) { break-after: avoid; }
pre { break-inside: avoid; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  table { font-size: 9.5px; }
  .verdict, .chart, div.running-mark, tr, th, td { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
  div.running-mark { display: none; }
  section.appendix { break-before: page; margin-top: 0; border-top: none; }
  pre { font-size: 9px; }
}
"""
)

_MARGIN_FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
)


def _css_string(text: str) -> str:
    """A CSS string that holds any text: every character but letters and digits is a six-digit
    escape, so that nothing in it can end the string or the style sheet (spaces too: CSS takes
    a space after an escape as the escape's end)."""
    return '"' + "".join(c if c.isalnum() else f"\\{ord(c):06x}" for c in text) + '"'


def _page_css(document: Document) -> str:
    """The printed page: A4, numbered in the document's words, its mark on every page."""
    boxes = ""
    if document.page_numbers:
        parts = re.split(r"(\{page\}|\{pages\})", document.page_numbers)
        content = " ".join(
            "counter(page)"
            if part == "{page}"
            else "counter(pages)"
            if part == "{pages}"
            else _css_string(part)
            for part in parts
            if part
        )
        boxes += (
            f"@bottom-center {{ content: {content}; font-family: {_MARGIN_FONT}; "
            "font-size: 8pt; color: #616161; }"
        )
    if document.mark:
        boxes += (
            f"@top-center {{ content: {_css_string(document.mark)}; font-family: {_MARGIN_FONT}; "
            "font-size: 9pt; font-weight: bold; color: #37474f; }"
        )
    return f"@page {{ size: A4; margin: 16mm 12mm 16mm; {boxes} }}\n"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _run(run: Inline) -> str:
    if isinstance(run, Code):
        return f"<code>{_e(run.text)}</code>"
    if isinstance(run, Ref):
        return f" (<code>{_e(run.text)}</code>)"
    return _e(run)


def _runs(runs: Runs) -> str:
    return "".join(_run(r) for r in runs)


def _value(fact: Fact) -> str:
    return fact.value.isoformat() if isinstance(fact.value, date) else _runs(fact.value)


def _fact(fact: Fact) -> str:
    sha = f", sha256 <code>{_e(fact.sha256)}</code>" if fact.sha256 else ""
    note = f" ({_e(fact.note)})" if fact.note else ""
    return f"<dt>{_e(fact.label)}</dt><dd>{_value(fact)}{sha}{note}</dd>"


def _header(document: Document) -> str:
    title = f"<h1>{_e(document.title)}</h1>" if document.title else ""
    facts = "".join(_fact(f) for f in document.meta)
    return f'<header>{title}<dl class="head">{facts}</dl></header>'


def _classes(*names: str) -> str:
    return " ".join(n for n in names if n)


def _cell(cell: Cell, column: Column) -> str:
    col = f"c-{column.code}"
    if isinstance(cell, Text):
        code = column.code in _CODE_COLUMNS
        inner = f"<code>{_e(cell.text)}</code>" if code else _e(cell.text)
        if cell.code:
            inner += f" <code>{_e(cell.code)}</code>"
        if cell.detail:
            inner += f"<br><small>{_e(cell.detail)}</small>"
        kind = (
            "name"
            if cell.code
            else "num"
            if column.numeric
            else "code"
            if code
            else "nowrap"
            if column.code in _NOWRAP_COLUMNS
            else ""
        )
        return f'<td class="{_classes(kind, col)}">{inner}</td>'
    if isinstance(cell, Number):
        return f'<td class="num {col}">{_e(cell.text)}</td>'
    if isinstance(cell, Status):
        return f'<td class="status {cell.value} {col}">{cell.tone.symbol} {_e(cell.label)}</td>'
    return f'<td class="status {cell.status} {col}">{_e(cell.label)}</td>'


def _head_cell(column: Column) -> str:
    wrap = "wrap " if column.code in _WRAPPING_HEADS else ""
    return f'<th class="{wrap}c-{column.code}">{_e(column.head)}</th>'


def _row(row: Row, cells: list[tuple[Cell, Column]]) -> str:
    attrs = f' class="{row.tone}"' if row.tone else ""
    attrs += f' data-rule="{_e(row.rule)}"' if row.rule else ""
    return f"<tr{attrs}>" + "".join(_cell(c, col) for c, col in cells) + "</tr>"


def _table(table: Table, level: int) -> str:
    shown = _SHOWN.get(table.id)
    indices = [i for i, c in enumerate(table.columns) if shown is None or c.code in shown]
    head = "".join(_head_cell(table.columns[i]) for i in indices)
    parts = []
    for group, rows in table.grouped():
        body = "".join(
            _row(row, [(row.cells[i], table.columns[i]) for i in indices]) for row in rows
        )
        grid = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        if group is None:
            parts.append(grid)
        else:
            parts.append(
                f'<section id="{_e(group.id)}"><h{level}>{_e(group.heading)}</h{level}>'
                f"{grid}</section>"
            )
    return "".join(parts)


def _chart(chart: Chart) -> str:
    if chart.stacks:
        svg = stacked_chart(chart.title, chart.stacks, dict(chart.legend))
    else:
        svg = bar_chart(chart.title, chart.bars, low=chart.low, high=chart.high, marks=chart.marks)
    caption = f"<figcaption>{_e(chart.caption)}</figcaption>" if chart.caption else ""
    return f"<figure>{caption}{svg}</figure>"


def _list(items: Iterable[str], cls: str = "notes") -> str:
    return f'<ul class="{cls}">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _banner(banner: Banner, section_id: str | None) -> str:
    """The verdict in its colours; a simulated one dashed and grey (``data-simulated``)."""
    verdict = banner.verdict
    anchor = f' id="{_e(section_id)}"' if section_id else ""
    reasons = "".join(f"<li>{_e(r)}</li>" for r in banner.reasons)
    lines = "".join(f"<p>{_e(line)}</p>" for line in banner.lines)
    simulated = " simulated" if banner.simulated else ""
    flag = ' data-simulated="true"' if banner.simulated else ""
    return (
        f'<section class="verdict {verdict.value}{simulated}"{anchor} '
        f'data-verdict="{verdict.value}"{flag}><p class="label">{_e(banner.label)}: '
        f"{_e(verdict.label)}</p><ul>{reasons}</ul>{lines}</section>"
    )


def _block(block: Block, level: int) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_runs(block.runs)}</p>"
    if isinstance(block, BulletList):
        items = []
        for item in block.items:
            mark = ""
            if item.status is not None:
                mark = f'<span class="status {item.status}">{TONES[item.status].symbol}</span> '
            details = "".join(f", {_e(d)}" for d in item.details)
            items.append(f"{mark}{_runs(item.runs)}{details}")
        return _list(items)
    if isinstance(block, Warning):
        return _list(
            (f'<span class="warning">!</span> {_runs(runs)}' for runs in block.items), "notes"
        )
    if isinstance(block, Note):
        return f'<p class="note">{_runs(block.runs)}</p>'
    if isinstance(block, Blank):  # a place left for the reader to write in
        return f'<p class="blank">{_runs(block.runs)}</p>'
    if isinstance(block, CodeBlock):
        return f"<pre><code>{_e(block.text)}</code></pre>"
    if isinstance(block, Table):
        return _table(block, level)
    if isinstance(block, Chart):
        return _chart(block)
    if isinstance(block, Section):
        return _section(block, level)
    if isinstance(block, Banner):
        return _banner(block, None)
    raise TypeError(block)


def _section(section: Section, level: int) -> str:
    """A section as <section id=…>; a section that is a verdict banner is the banner."""
    if len(section.blocks) == 1 and isinstance(section.blocks[0], Banner):
        return _banner(section.blocks[0], section.id)
    heading = f"<h{level}>{_e(section.heading)}</h{level}>" if section.heading else ""
    inner = level + 1 if section.heading else level
    body = "".join(_block(b, inner) for b in section.blocks)
    appendix = ' class="appendix"' if section.id == _APPENDIX else ""
    return f'<section id="{_e(section.id)}"{appendix}>{heading}{body}</section>'


#: The section that is the report's technical appendix (build.technical_section).
_APPENDIX = "technical"


def page(title: str, lang: str, parts: list[str], *, css: str = "") -> str:
    """One self-contained page: no script, nothing loaded (the CSP says so), inline styles
    (``css`` added to the shared style sheet: the printed page's own rules)."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}{css}</style></head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


def render(document: Document, *, lang: str, layout: Layout | None = None) -> str:
    """The document as one HTML page (a string to write as UTF-8)."""
    mark = (
        [f'<div class="running-mark" role="note">{_e(document.mark)}</div>']
        if document.mark
        else []
    )
    parts = [*mark, _header(document), *(_section(s, 2) for s in document.sections)]
    if document.footer is not None:
        parts.append(f"<footer>{_e(document.footer.label)}: {_value(document.footer)}</footer>")
    return page(document.title or "", lang, parts, css=_page_css(document))


# The functions the command called before the registry (engine/report/formats.py); kept for
# the callers that still use them.


def render_html(
    result: Result,
    *,
    lang: str = "zh",
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    generator: str | None = None,
    command: str | None = None,
) -> str:
    """The whole report as one HTML document (a string to write as UTF-8)."""
    from engine.report.build import county_document

    document = county_document(
        result,
        lang=lang,
        ruleset=ruleset,
        assessed_on=assessed_on,
        command=command,
        generator=generator,
    )
    return render(document, lang=lang)


def render_monitoring_html(
    view: Monitoring, *, lang: str = "zh", generator: str | None = None
) -> str:
    """The monitoring view (assess --monitor) as one HTML document."""
    from engine.report.build import monitoring_document

    return render(monitoring_document(view, lang=lang, generator=generator), lang=lang)
