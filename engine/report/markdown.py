"""The Markdown report, for people who paste results into their acceptance documents.

Every text that comes from the data or a ruleset is escaped: a county name or a source note
holding ``|``, ``*`` or ``<script>`` cannot break a table or inject markup.
"""

from __future__ import annotations

import re
from datetime import date

from engine.explain.messages import COLUMNS, KIND_LABELS, STATUS_LABELS, VERDICT_LABELS, WORDS
from engine.model.result import Result, RuleResult
from engine.model.ruleset import Ruleset
from engine.report.cells import pct, plain, required, signed_margin
from engine.report.planning import Block, result_blocks

# What could format, link, or open markup. Not "_" (inside words, as in rd_intensity, it never
# emphasises) and "&" only where it would start an entity, so that R&D stays readable when pasted.
_SPECIAL = set("\\`*[]<>|#~")
_ENTITY = re.compile(r"&(?=#?\w+;)")

_COLUMNS = (
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
)


def escape(text: object) -> str:
    """Markdown-inert text: punctuation that could format is backslash-escaped, lines joined."""
    flat = " ".join(str(text).splitlines())
    return _ENTITY.sub(r"\\&", "".join(f"\\{ch}" if ch in _SPECIAL else ch for ch in flat))


def _rule_rows(rules: list[tuple[int, RuleResult]], lang: str, scored: bool) -> list[str]:
    head = [COLUMNS[c].get(lang) for c in _COLUMNS if scored or c != "score"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n, rule in rules:
        cells = [
            str(n),
            f"{escape(rule.name.get(lang))} `{rule.id}`",
            escape(rule.unit),
            plain(rule.actual),
            escape(required(rule)),
            STATUS_LABELS[rule.status].get(lang),
            signed_margin(rule),
            pct(rule.completion),
            pct(rule.growth),
        ]
        if scored:
            cells.append(plain(rule.score))
        cells.append(escape(rule.source) if rule.source else "—")
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def blocks_markdown(blocks: list[Block], level: int = 2) -> list[str]:
    """Planning blocks (engine/report/planning.py) as sections with pipe tables."""
    lines: list[str] = []
    for block in blocks:
        lines += ["", f"{'#' * level} {escape(block.heading)}", ""]
        lines += [f"- {escape(p)}" for p in block.paragraphs]
        if block.rows:
            align = ["---:" if i in block.numeric else "---" for i in range(len(block.head))]
            lines += [
                "",
                "| " + " | ".join(escape(h) for h in block.head) + " |",
                "|" + "|".join(align) + "|",
            ]
            lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in block.rows]
        if block.code:
            fence = "```"
            while fence in block.code:
                fence += "`"
            lines += ["", fence, block.code, fence]
    return lines


def render_markdown(
    result: Result,
    *,
    lang: str = "zh",
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    command: str | None = None,
) -> str:
    words = WORDS[lang]
    rs = result.ruleset
    lines = [f"# {escape(words['title'].format(county=result.county))}", ""]
    lines.append(
        f"- {words['ruleset']}: `{rs.id}` {escape(rs.version)} "
        f"({escape(rs.title.get(lang))}), sha256 `{rs.content_hash}`"
    )
    for parent in rs.extends:
        lines.append(
            f"  - {words['extends']} `{parent.id}` {escape(parent.version)}, "
            f"sha256 `{parent.content_hash}`"
        )
    for label, df in (
        (words["data"], result.data_file),
        (words["reference"], result.reference_file),
    ):
        if df is not None:
            lines.append(f"- {label}: {escape(df.name)} ({df.format}), sha256 `{df.sha256}`")
    if assessed_on is not None:
        lines.append(f"- {words['assessed_on']}: {assessed_on.isoformat()}")
    verdict = VERDICT_LABELS[result.verdict].get(lang)
    lines += ["", f"## {words['verdict']}: **{verdict}**", ""]
    lines += [f"- {escape(getattr(reason, lang))}" for reason in result.verdict_reasons]
    s = result.summary
    lines += [
        "",
        escape(
            words["summary"].format(
                bm=s.binding_met,
                bt=s.binding_total,
                em=s.expected_met,
                et=s.expected_total,
                share=pct(s.expected_share),
                g50=s.growth_over_50,
                g100=s.growth_over_100,
            )
        ),
    ]
    scored = s.score is not None
    if scored:
        lines += ["", escape(words["score"].format(score=s.score, mark=s.pass_mark))]
    lines += blocks_markdown(result_blocks(result, lang, command))
    numbered = list(enumerate(result.rules, start=1))
    for kind in ("binding", "expected"):
        chosen = [(n, r) for n, r in numbered if r.kind == kind]
        if chosen:
            lines += ["", f"## {words[kind]}", "", *_rule_rows(chosen, lang, scored)]
    shortfalls = [r for r in result.rules if r.status in ("not_met", "not_evaluated")]
    if shortfalls:
        lines += ["", f"## {words['shortfalls']}", ""]
        lines += [
            f"- {escape(r.name.get(lang))} (`{r.id}`, {KIND_LABELS[r.kind].get(lang)}): "
            f"{escape(getattr(r.reason, lang))}"
            for r in shortfalls
        ]
    if result.warnings:
        lines += ["", f"## {words['warnings']}", ""]
        lines += [f"- {escape(getattr(note, lang))}" for note in result.warnings]
    if result.text_items:
        lines += ["", f"## {words['text_items']}", ""]
        lines += [
            f"- {escape(item.name.get(lang))}: {escape(item.text or '—')}"
            for item in result.text_items
        ]
    if ruleset is not None:
        lines += ["", f"## {words['basis']}", "", escape(ruleset.reconstruction.strip()), ""]
        lines += [f"- {escape(a)}" for a in ruleset.assumptions]
        lines += [
            f"- {escape(src.title)}" + (f" ({escape(src.reference)})" if src.reference else "")
            for src in ruleset.sources
        ]
    return "\n".join(lines) + "\n"
