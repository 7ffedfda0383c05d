"""The HTML report: a Document (engine/report/document.py) as one self-contained file an expert
panel can read on screen or print on A4.

Self-contained means no request when it opens: styles and charts are inline, no script, no font
file (the page names the usual Chinese system fonts instead of embedding megabytes of one), and
a Content-Security-Policy that forbids loading anything should a later change try. Every text
goes through ``html.escape``; ids and classes come from the document's own vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from engine.report.document import (
    TONES,
    VERDICT_TONES,
    WARNING_TONE,
    Banner,
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
)
_SHOWN = {"rules": RULE_COLUMNS}


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
th { background: #f5f5f5; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.name code { color: #757575; font-size: 11px; }
tr { break-inside: avoid; }
.status { white-space: nowrap; font-weight: bold; }
tr.not_met td { background: var(--not_met-tint); }
.warning { color: var(--"""
    + WARNING_TONE
    + """); font-weight: bold; }
.note { color: #616161; font-size: 12px; }
.chart { max-width: 760px; display: block; margin: 4px 0 12px; font-size: 11px; }
.chart text { fill: #212121; }
.chart .mark { stroke: #424242; stroke-dasharray: 3 2; }
.chart .mark-label, .chart .figure, .chart .legend { fill: #424242; }
.chart .count { fill: #fff; font-weight: bold; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: bold; margin-top: 8px; }
.notes li { margin: 2px 0; }
footer { margin-top: 32px; font-size: 11px; color: #757575; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  table { font-size: 9.5px; }
  .verdict, .chart, tr, th, td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
)


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


def _cell(cell: Cell, column: Column) -> str:
    if isinstance(cell, Text):
        inner = _e(cell.text)
        if cell.code:
            inner += f" <code>{_e(cell.code)}</code>"
        if cell.detail:
            inner += f"<br><small>{_e(cell.detail)}</small>"
        if cell.code:
            return f'<td class="name">{inner}</td>'
        return f'<td class="num">{inner}</td>' if column.numeric else f"<td>{inner}</td>"
    if isinstance(cell, Number):
        return f'<td class="num">{_e(cell.text)}</td>'
    if isinstance(cell, Status):
        return f'<td class="status {cell.value}">{cell.tone.symbol} {_e(cell.label)}</td>'
    return f'<td class="status {cell.status}">{_e(cell.label)}</td>'


def _row(row: Row, cells: list[tuple[Cell, Column]]) -> str:
    attrs = f' class="{row.tone}"' if row.tone else ""
    attrs += f' data-rule="{_e(row.rule)}"' if row.rule else ""
    return f"<tr{attrs}>" + "".join(_cell(c, col) for c, col in cells) + "</tr>"


def _table(table: Table, level: int) -> str:
    shown = _SHOWN.get(table.id)
    indices = [i for i, c in enumerate(table.columns) if shown is None or c.code in shown]
    head = "".join(f"<th>{_e(table.columns[i].head)}</th>" for i in indices)
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
    verdict = banner.verdict
    anchor = f' id="{_e(section_id)}"' if section_id else ""
    reasons = "".join(f"<li>{_e(r)}</li>" for r in banner.reasons)
    lines = "".join(f"<p>{_e(line)}</p>" for line in banner.lines)
    return (
        f'<section class="verdict {verdict.value}"{anchor} '
        f'data-verdict="{verdict.value}"><p class="label">{_e(banner.label)}: '
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
    return f'<section id="{_e(section.id)}">{heading}{body}</section>'


def page(title: str, lang: str, parts: list[str]) -> str:
    """One self-contained page: no script, nothing loaded (the CSP says so), inline styles."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


def render(document: Document, *, lang: str, layout: Layout | None = None) -> str:
    """The document as one HTML page (a string to write as UTF-8)."""
    parts = [_header(document), *(_section(s, 2) for s in document.sections)]
    if document.footer is not None:
        parts.append(f"<footer>{_e(document.footer.label)}: {_value(document.footer)}</footer>")
    return page(document.title or "", lang, parts)


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
