"""What the planning tools add to a report (a what-if's changes, the plan, the monitoring view),
as format-neutral blocks: a heading, paragraphs and a table of plain text. The text, Markdown and
HTML reports each render the same blocks, so the three cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.explain.messages import (
    COLUMNS,
    FIELD_LABELS,
    KIND_LABELS,
    PROGRESS_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    WORDS,
)
from engine.model.plan import Monitoring, Plan, WhatIf, YearView
from engine.model.result import Result
from engine.report.cells import pct, plain, signed


@dataclass(frozen=True)
class Block:
    id: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()  # columns aligned right
    code: str | None = None  # a command line to show as code
    #: Per row, the rule status whose colour the row's status cell takes (HTML), if any.
    tones: list[str] = field(default_factory=list)
    status_column: int | None = None


def _heads(lang: str, *codes: str) -> list[str]:
    return [COLUMNS[c].get(lang) for c in codes]


def _name(result: Result, rule_id: str, lang: str) -> str:
    for rule in result.rules:
        if rule.id == rule_id:
            return f"{rule.name.get(lang)} ({rule_id})"
    return rule_id  # a raw input of a derived indicator


def what_if_blocks(result: Result, what_if: WhatIf, lang: str) -> list[Block]:
    words = WORDS[lang]
    before, after = (VERDICT_LABELS[v].get(lang) for v in (what_if.verdict_before, result.verdict))
    moved = words[
        "verdict_moved" if what_if.verdict_before != result.verdict else "verdict_kept"
    ].format(before=before, after=after)
    blocks = [
        Block(
            id="what-if",
            heading=words["what_if"],
            paragraphs=[moved],
            head=_heads(lang, "indicator", "field", "before", "after"),
            rows=[
                [
                    _name(result, c.id, lang),
                    FIELD_LABELS[c.field].get(lang),
                    plain(c.before),
                    plain(c.after),
                ]
                for c in what_if.changes
            ],
            numeric=frozenset({2, 3}),
        )
    ]
    if what_if.status_changes:
        blocks.append(
            Block(
                id="status-changes",
                heading=words["status_moved"],
                head=_heads(lang, "indicator", "before", "after"),
                rows=[
                    [
                        _name(result, c.id, lang),
                        STATUS_LABELS[c.before].get(lang),
                        STATUS_LABELS[c.after].get(lang),
                    ]
                    for c in what_if.status_changes
                ],
            )
        )
    return blocks


_PLAIN_REASONS = ("suggest_raise", "suggest_lower")


def plan_blocks(result: Result, plan: Plan, lang: str, command: str | None = None) -> list[Block]:
    """``command`` is the assess command line that gave the result; the plan's --set options
    are appended to it, so that the reader can check the plan."""
    words = WORDS[lang]
    paragraphs = [getattr(r, lang) for r in plan.reasons]
    if plan.verdict == "PASS":
        return [
            Block(
                id="plan",
                heading=words["plan"],
                paragraphs=paragraphs,
                head=_heads(
                    lang,
                    "indicator",
                    "kind",
                    "unit",
                    "actual",
                    "threshold",
                    "margin",
                    "relative_margin",
                ),
                rows=[
                    [
                        f"{c.name.get(lang)} ({c.id})",
                        KIND_LABELS[c.kind].get(lang),
                        c.unit,
                        plain(c.actual),
                        plain(c.threshold),
                        signed(c.margin),
                        pct(c.relative_margin),
                    ]
                    for c in plan.closest
                ],
                numeric=frozenset({3, 4, 5, 6}),
            )
        ]
    code = None
    if command is not None and plan.set_options:
        code = command + "".join(f" --set {option}" for option in plan.set_options)
    suggestions = [*plan.binding, *plan.expected]
    # Raise/lower is what the numbers already say; other reasons (supply a value, a threshold
    # waiting for data, a derived indicator) need their sentence.
    notes = [
        "" if s.reason.code in _PLAIN_REASONS else getattr(s.reason, lang) for s in suggestions
    ]
    noted = any(notes)
    return [
        Block(
            id="plan",
            heading=words["plan"],
            paragraphs=paragraphs,
            head=_heads(
                lang,
                "indicator",
                "kind",
                "unit",
                "actual",
                "required_value",
                "gap",
                "relative_gap",
                *(["reason"] if noted else []),
            ),
            rows=[
                [
                    f"{s.name.get(lang)} ({s.id})",
                    KIND_LABELS[s.kind].get(lang),
                    s.unit,
                    plain(s.actual),
                    plain(s.required),
                    plain(s.gap),
                    pct(s.relative_gap),
                    *([note] if noted else []),
                ]
                for s, note in zip(suggestions, notes, strict=True)
            ],
            numeric=frozenset({3, 4, 5, 6}),
            code=code,
        )
    ]


def result_blocks(result: Result, lang: str, command: str | None = None) -> list[Block]:
    """The planning blocks of a result: none for a plain assessment."""
    blocks = []
    if result.what_if is not None:
        blocks += what_if_blocks(result, result.what_if, lang)
    if result.plan is not None:
        blocks += plan_blocks(result, result.plan, lang, command)
    return blocks


#: Monitoring statuses in the colours of rule statuses: good, bad, unknown.
_TONE = {"ahead": "met", "on_track": "met", "behind": "not_met", "unknown": "not_evaluated"}


def _year_block(view: YearView, target_year: int, lang: str) -> Block:
    words = WORDS[lang]
    paragraphs = [words["progress_counts"].format(**view.counts)]
    if view.projected_verdict is None:
        paragraphs.append(words["no_trend"])
    else:
        verdict = VERDICT_LABELS[view.projected_verdict].get(lang)
        paragraphs += [
            words["projected"].format(target=target_year, verdict=verdict),
            *[getattr(r, lang) for r in view.projected_reasons],
        ]
    return Block(
        id=f"year-{view.year}",
        heading=words["monitor_year"].format(year=view.year, elapsed=pct(view.elapsed)),
        paragraphs=paragraphs,
        head=_heads(
            lang,
            "indicator",
            "kind",
            "baseline",
            "actual",
            "path",
            "threshold",
            "progress",
            "monitor_status",
            "projected",
        ),
        rows=[
            [
                f"{p.name.get(lang)} ({p.id})",
                KIND_LABELS[p.kind].get(lang),
                plain(p.baseline),
                plain(p.actual),
                plain(p.path),
                plain(p.threshold),
                pct(p.progress),
                PROGRESS_LABELS[p.status].get(lang),
                plain(p.projected),
            ]
            for p in view.indicators
        ],
        numeric=frozenset({2, 3, 4, 5, 6, 8}),
        tones=[_TONE[p.status] for p in view.indicators],
        status_column=7,
    )


def monitoring_title(view: Monitoring, lang: str) -> str:
    return WORDS[lang]["monitoring"].format(
        county=view.county, base=view.base_year, target=view.target_year
    )


def monitoring_blocks(view: Monitoring, lang: str) -> list[Block]:
    return [_year_block(y, view.target_year, lang) for y in view.years]
