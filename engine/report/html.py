"""The HTML report: one self-contained file an expert panel can read on screen or print on A4.

Self-contained means no request when it opens: styles and charts are inline, no script, no font
file (the page names the usual Chinese system fonts instead of embedding megabytes of one), and
a Content-Security-Policy that forbids loading anything should a later change try. Every text
that comes from the data or a ruleset goes through ``html.escape``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from html import escape

from engine.explain.messages import COLUMNS, KIND_LABELS, STATUS_LABELS, VERDICT_LABELS, WORDS
from engine.model.county import DataFile
from engine.model.plan import Monitoring
from engine.model.result import Result, RuleResult
from engine.model.ruleset import Ruleset
from engine.report.cells import pct, plain, required, signed_margin
from engine.report.planning import Block, monitoring_blocks, monitoring_title, result_blocks
from engine.report.svg import Bar, Stack, bar_chart, stacked_chart

_SYMBOL = {"met": "✓", "not_met": "✗", "not_evaluated": "?", "not_applicable": "–"}
_COLUMNS = (
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
_NUMERIC = {"n", "baseline", "actual", "required", "margin", "completion", "growth", "score"}

_CSS = """
:root { --met: #2e7d32; --not_met: #c62828; --not_evaluated: #b26a00; --not_applicable: #757575; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif;
       color: #212121; margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.5;
       font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid #bdbdbd; padding-bottom: 2px;
     break-after: avoid; }
dl.head { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0;
          font-size: 13px; }
dl.head dt { color: #616161; }
dl.head dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.9em; }
.verdict { border: 2px solid; border-radius: 6px; padding: 12px 16px; margin: 16px 0;
           break-inside: avoid; }
.verdict.PASS { border-color: var(--met); background: #e8f5e9; }
.verdict.FAIL { border-color: var(--not_met); background: #ffebee; }
.verdict .label { font-size: 24px; font-weight: bold; margin: 0; }
.verdict.PASS .label { color: var(--met); }
.verdict.FAIL .label { color: var(--not_met); }
.verdict ul { margin: 6px 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
thead { display: table-header-group; }
th, td { border: 1px solid #e0e0e0; padding: 3px 5px; vertical-align: top; }
th { background: #f5f5f5; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.name code { color: #757575; font-size: 11px; }
tr { break-inside: avoid; }
.status { white-space: nowrap; font-weight: bold; }
.status.met { color: var(--met); } .status.not_met { color: var(--not_met); }
.status.not_evaluated { color: var(--not_evaluated); }
.status.not_applicable { color: var(--not_applicable); }
tr.not_met td { background: #fff5f5; }
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


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _file(label: str, df: DataFile) -> tuple[str, str]:
    extra = f", {df.encoding}" if df.encoding else (f", {df.sheet}" if df.sheet else "")
    return label, f"{_e(df.name)} ({_e(df.format)}{_e(extra)}), sha256 <code>{df.sha256}</code>"


def _header(result: Result, lang: str, assessed_on: date | None) -> str:
    words = WORDS[lang]
    rs = result.ruleset
    rows = [
        (words["county"], _e(result.county)),
        (
            words["ruleset"],
            f"<code>{_e(rs.id)}</code> {_e(rs.version)} "
            f"({_e(rs.title.get(lang))}), "
            f"sha256 <code>{rs.content_hash}</code>",
        ),
    ]
    rows += [
        (
            words["parents"],
            f"<code>{_e(p.id)}</code> {_e(p.version)}, sha256 <code>{p.content_hash}</code>",
        )
        for p in rs.extends
    ]
    if result.data_file is not None:
        rows.append(_file(words["data"], result.data_file))
    if result.reference_file is not None:
        rows.append(_file(words["reference"], result.reference_file))
    if assessed_on is not None:
        rows.append((words["assessed_on"], assessed_on.isoformat()))
    items = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f"<header><h1>{_e(words['title'].format(county=result.county))}</h1>"
        f'<dl class="head">{items}</dl></header>'
    )


def _verdict(result: Result, lang: str) -> str:
    words = WORDS[lang]
    s = result.summary
    reasons = "".join(f"<li>{_e(getattr(r, lang))}</li>" for r in result.verdict_reasons)
    lines = [
        words["summary"].format(
            bm=s.binding_met,
            bt=s.binding_total,
            em=s.expected_met,
            et=s.expected_total,
            share=pct(s.expected_share),
            g50=s.growth_over_50,
            g100=s.growth_over_100,
        )
    ]
    if s.score is not None:
        lines.append(words["score"].format(score=s.score, mark=s.pass_mark))
    if s.not_applicable:
        lines.append(words["not_applicable_count"].format(n=s.not_applicable))
    summary = "".join(f"<p>{_e(line)}</p>" for line in lines)
    return (
        f'<section class="verdict {result.verdict}" id="verdict" '
        f'data-verdict="{result.verdict}"><p class="label">{_e(words["verdict"])}: '
        f"{_e(VERDICT_LABELS[result.verdict].get(lang))}</p><ul>{reasons}</ul>{summary}"
        "</section>"
    )


def _cell(code: str, n: int, rule: RuleResult, lang: str) -> str:
    if code == "indicator":
        formula = f"<br><small>= {_e(rule.derived)}</small>" if rule.derived else ""
        return (
            f'<td class="name">{_e(rule.name.get(lang))} <code>{_e(rule.id)}</code>{formula}</td>'
        )
    if code == "status":
        return (
            f'<td class="status {rule.status}">{_SYMBOL[rule.status]} '
            f"{_e(STATUS_LABELS[rule.status].get(lang))}</td>"
        )
    if code == "source":
        where = f" ({_e(COLUMNS['row'].get(lang))} {rule.row})" if rule.row else ""
        return f"<td>{_e(rule.source) if rule.source else '—'}{where}</td>"
    text = {
        "n": str(n),
        "unit": rule.unit,
        "baseline": plain(rule.baseline),
        "actual": plain(rule.actual),
        "required": required(rule),
        "margin": signed_margin(rule),
        "completion": pct(rule.completion),
        "growth": pct(rule.growth),
        "score": plain(rule.score),
    }[code]
    return f'<td class="num">{_e(text)}</td>' if code in _NUMERIC else f"<td>{_e(text)}</td>"


def _table(rules: Iterable[tuple[int, RuleResult]], lang: str, scored: bool) -> str:
    columns = [c for c in _COLUMNS if scored or c != "score"]
    head = "".join(f"<th>{_e(COLUMNS[c].get(lang))}</th>" for c in columns)
    body = "".join(
        f'<tr class="{rule.status}" data-rule="{_e(rule.id)}">'
        + "".join(_cell(c, n, rule, lang) for c in columns)
        + "</tr>"
        for n, rule in rules
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _completion_chart(result: Result, lang: str) -> str:
    words = WORDS[lang]
    bars = [
        Bar(
            label=rule.name.get(lang),
            value=rule.completion,
            status=rule.status,
            text=pct(rule.completion)
            if rule.completion is not None
            else STATUS_LABELS[rule.status].get(lang),
            tip=f"{rule.name.get(lang)}: {getattr(rule.reason, lang)}",
        )
        for rule in result.rules
    ]
    most = max((r.completion for r in result.rules if r.completion is not None), default=None)
    high = Decimal(150) if most is None or most <= 150 else Decimal(200)
    return bar_chart(
        words["completion_chart"],
        bars,
        low=Decimal(0),
        high=high,
        marks=[(Decimal(100), f"100% {words['requirement_mark']}")],
    )


def _category_chart(result: Result, lang: str) -> str:
    stacks: dict[str, dict[str, int]] = {}
    for rule in result.rules:
        counts = stacks.setdefault(rule.category.get(lang), {})
        counts[rule.status] = counts.get(rule.status, 0) + 1
    legend = {status: label.get(lang) for status, label in STATUS_LABELS.items()}
    return stacked_chart(
        WORDS[lang]["category_chart"],
        [Stack(label, counts) for label, counts in stacks.items()],
        legend,
    )


def _growth_chart(result: Result, lang: str) -> str:
    grown = [r for r in result.rules if r.growth is not None]
    if not grown:
        return ""
    bars = [
        Bar(
            label=r.name.get(lang),
            value=r.growth,
            status=r.status,
            text=pct(r.growth),
            tip=f"{r.name.get(lang)}: {plain(r.baseline)} → {plain(r.actual)} {r.unit}",
        )
        for r in grown
    ]
    low = min(Decimal(0), max(Decimal(-100), min(r.growth for r in grown if r.growth is not None)))
    return bar_chart(
        WORDS[lang]["growth_profile"],
        bars,
        low=low,
        high=Decimal(300),
        marks=[(Decimal(50), "50%"), (Decimal(100), "100%")],
    )


def _blocks(blocks: list[Block]) -> str:
    """Planning blocks (engine/report/planning.py) as sections with tables."""
    parts = []
    for block in blocks:
        paragraphs = "".join(f"<p>{_e(p)}</p>" for p in block.paragraphs)
        table = ""
        if block.rows:
            head = "".join(f"<th>{_e(h)}</th>" for h in block.head)
            tones = block.tones or [""] * len(block.rows)
            body = "".join(
                f'<tr class="{tone}">'
                + "".join(
                    f'<td class="num">{_e(c)}</td>'
                    if i in block.numeric
                    else f'<td class="status {tone}">{_e(c)}</td>'
                    if i == block.status_column
                    else f"<td>{_e(c)}</td>"
                    for i, c in enumerate(row)
                )
                + "</tr>"
                for tone, row in zip(tones, block.rows, strict=True)
            )
            table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        code = f"<pre><code>{_e(block.code)}</code></pre>" if block.code else ""
        parts.append(
            f'<section id="{_e(block.id)}"><h2>{_e(block.heading)}</h2>'
            f"{paragraphs}{table}{code}</section>"
        )
    return "".join(parts)


def _list(items: Iterable[str]) -> str:
    return '<ul class="notes">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _provenance(result: Result, lang: str, ruleset: Ruleset | None) -> str:
    words = WORDS[lang]
    by_source: dict[str, list[str]] = {}
    for rule in result.rules:
        by_source.setdefault(rule.source or "", []).append(rule.id)
    data = [
        f"{_e(source) if source else _e(words['no_source'])}: {_e(words['data_rows'])} "
        + ", ".join(f"<code>{_e(i)}</code>" for i in ids)
        for source, ids in by_source.items()
    ]
    parts = [
        f'<section id="provenance"><h2>{_e(words["provenance"])}</h2>',
        f"<h3>{_e(words['data_sources'])}</h3>",
        _list(data),
    ]
    if ruleset is not None:
        sources = [
            _e(src.title)
            + "".join(f", {_e(extra)}" for extra in (src.issuer, src.reference, src.date) if extra)
            for src in ruleset.sources
        ]
        parts += [
            f"<h3>{_e(words['sources'])}</h3>",
            _list(sources),
            f"<h3>{_e(words['reconstruction'])}</h3>",
            f"<p>{_e(ruleset.reconstruction.strip())}</p>",
        ]
        if ruleset.assumptions:
            parts += [
                f"<h3>{_e(words['assumptions'])}</h3>",
                _list(_e(a) for a in ruleset.assumptions),
            ]
    return "".join(parts) + "</section>"


def render_html(
    result: Result,
    *,
    lang: str = "zh",
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    generator: str = "county-assess",
    command: str | None = None,
) -> str:
    """The whole report as one HTML document (a string to write as UTF-8)."""
    words = WORDS[lang]
    scored = result.summary.score is not None
    numbered = list(enumerate(result.rules, start=1))
    parts = [
        _header(result, lang, assessed_on),
        _verdict(result, lang),
        _blocks(result_blocks(result, lang, command)),
    ]
    shortfalls = [r for r in result.rules if r.status in ("not_met", "not_evaluated")]
    parts.append(
        f'<section id="shortfalls"><h2>{_e(words["shortfalls"])}</h2>'
        + (
            _list(
                f'<span class="status {r.status}">{_SYMBOL[r.status]}</span> '
                f"{_e(r.name.get(lang))} (<code>{_e(r.id)}</code>, "
                f"{_e(KIND_LABELS[r.kind].get(lang))}): {_e(getattr(r.reason, lang))}"
                for r in shortfalls
            )
            if shortfalls
            else f"<p>{_e(words['none'])}</p>"
        )
        + "</section>"
    )
    for kind in ("binding", "expected"):
        chosen = [(n, r) for n, r in numbered if r.kind == kind]
        if chosen:
            parts.append(
                f'<section id="{kind}"><h2>{_e(words[kind])}</h2>'
                f"{_table(chosen, lang, scored)}</section>"
            )
    s = result.summary
    growth_line = words["growth_line"].format(
        n=s.growth_evaluated, g50=s.growth_over_50, g100=s.growth_over_100
    )
    parts.append(
        '<section class="charts" id="charts">'
        f"<figure><figcaption>{_e(words['completion_chart'])}</figcaption>"
        f"{_completion_chart(result, lang)}</figure>"
        f"<figure><figcaption>{_e(words['category_chart'])}</figcaption>"
        f"{_category_chart(result, lang)}</figure></section>"
        f'<section id="growth"><h2>{_e(words["growth_profile"])}</h2>'
        f"<p>{_e(growth_line)}</p>"
        f"<figure>{_growth_chart(result, lang)}</figure></section>"
    )
    if result.warnings:
        parts.append(
            f'<section id="warnings"><h2>{_e(words["warnings"])}</h2>'
            + _list(_e(getattr(n, lang)) for n in result.warnings)
            + "</section>"
        )
    if result.text_items:
        parts.append(
            f'<section id="text-items"><h2>{_e(words["text_items"])}</h2>'
            + _list(f"{_e(i.name.get(lang))}: {_e(i.text or '—')}" for i in result.text_items)
            + "</section>"
        )
    parts.append(_provenance(result, lang, ruleset))
    parts.append(f"<footer>{_e(words['generated_by'])}: {_e(generator)}</footer>")
    return _document(words["title"].format(county=result.county), lang, parts)


def _document(title: str, lang: str, parts: list[str]) -> str:
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


def render_monitoring_html(
    view: Monitoring, *, lang: str = "zh", generator: str = "county-assess"
) -> str:
    """The monitoring view (assess --monitor) as one HTML document."""
    words = WORDS[lang]
    title = monitoring_title(view, lang)
    head = (
        f'<header><h1>{_e(title)}</h1><dl class="head"><dt>{_e(words["ruleset"])}</dt>'
        f"<dd><code>{_e(view.ruleset_id)}</code> {_e(view.ruleset_version)}</dd></dl>"
        "</header>"
    )
    return _document(
        title,
        lang,
        [
            head,
            _blocks(monitoring_blocks(view, lang)),
            f"<footer>{_e(words['generated_by'])}: {_e(generator)}</footer>",
        ],
    )
