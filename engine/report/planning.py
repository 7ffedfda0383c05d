"""What the planning tools add to a report (a what-if's changes, the plan, the monitoring
view), as document sections (engine/report/document.py). Every format renders these sections,
so what they say is written here once."""

from __future__ import annotations

from engine.explain.messages import (
    COLUMNS,
    FIELD_LABELS,
    KIND_LABELS,
    PROGRESS_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    WORDS,
)
from engine.model.plan import Monitoring, Plan, Progress, WhatIf, YearView
from engine.model.result import Result
from engine.report.document import (
    CodeBlock,
    Column,
    Paragraph,
    Row,
    Section,
    Status,
    StatusValue,
    Table,
    Text,
    exact,
)


def _columns(lang: str, *codes: str, numeric: tuple[str, ...] = ()) -> tuple[Column, ...]:
    return tuple(Column(c, COLUMNS[c].get(lang), numeric=c in numeric) for c in codes)


def _name(result: Result, rule_id: str, lang: str) -> str:
    for rule in result.rules:
        if rule.id == rule_id:
            return f"{rule.name.get(lang)} ({rule_id})"
    return rule_id  # a raw input of a derived indicator


def _status(status: StatusValue, lang: str) -> Status:
    return Status(status, STATUS_LABELS[status].get(lang))


def what_if_sections(result: Result, what_if: WhatIf, lang: str, page: str) -> list[Section]:
    words = WORDS[lang]
    before, after = (VERDICT_LABELS[v].get(lang) for v in (what_if.verdict_before, result.verdict))
    moved = words[
        "verdict_moved" if what_if.verdict_before != result.verdict else "verdict_kept"
    ].format(before=before, after=after)
    changes = Table(
        id="what-if",
        columns=_columns(
            lang, "indicator", "field", "before", "after", numeric=("before", "after")
        ),
        rows=tuple(
            Row(
                (
                    Text(_name(result, c.id, lang)),
                    Text(FIELD_LABELS[c.field].get(lang)),
                    exact(c.before),
                    exact(c.after),
                )
            )
            for c in what_if.changes
        ),
    )
    sections = [
        Section("what-if", words["what_if"], (Paragraph((moved,)), changes), page=page),
    ]
    if what_if.status_changes:
        table = Table(
            id="status-changes",
            columns=_columns(lang, "indicator", "before", "after"),
            rows=tuple(
                Row(
                    (
                        Text(_name(result, c.id, lang)),
                        _status(c.before, lang),
                        _status(c.after, lang),
                    )
                )
                for c in what_if.status_changes
            ),
        )
        sections.append(Section("status-changes", words["status_moved"], (table,), page=page))
    return sections


_PLAIN_REASONS = ("suggest_raise", "suggest_lower")
_NUMBERS = ("actual", "threshold", "margin", "relative_margin", "required_value", "gap")


def plan_section(
    result: Result, plan: Plan, lang: str, page: str, command: str | None = None
) -> Section:
    """``command`` is the assess command line that gave the result; the plan's --set options
    are appended to it, so that the reader can check the plan."""
    words = WORDS[lang]
    paragraphs = tuple(Paragraph((getattr(r, lang),)) for r in plan.reasons)
    if plan.verdict == "PASS":
        table = Table(
            id="plan",
            columns=_columns(
                lang,
                "indicator",
                "kind",
                "unit",
                "actual",
                "threshold",
                "margin",
                "relative_margin",
                numeric=_NUMBERS,
            ),
            rows=tuple(
                Row(
                    (
                        Text(f"{c.name.get(lang)} ({c.id})"),
                        Text(KIND_LABELS[c.kind].get(lang)),
                        Text(c.unit),
                        exact(c.actual),
                        exact(c.threshold),
                        exact(c.margin, signed=True),
                        exact(c.relative_margin, unit="%"),
                    )
                )
                for c in plan.closest
            ),
        )
        return Section("plan", words["plan"], (*paragraphs, table), page=page)
    suggestions = [*plan.binding, *plan.expected]
    # Raise/lower is what the numbers already say; other reasons (supply a value, a threshold
    # waiting for data, a derived indicator) need their sentence.
    notes = [
        "" if s.reason.code in _PLAIN_REASONS else getattr(s.reason, lang) for s in suggestions
    ]
    noted = any(notes)
    table = Table(
        id="plan",
        columns=_columns(
            lang,
            "indicator",
            "kind",
            "unit",
            "actual",
            "required_value",
            "gap",
            "relative_gap",
            *(["reason"] if noted else []),
            numeric=(*_NUMBERS, "relative_gap"),
        ),
        rows=tuple(
            Row(
                (
                    Text(f"{s.name.get(lang)} ({s.id})"),
                    Text(KIND_LABELS[s.kind].get(lang)),
                    Text(s.unit),
                    exact(s.actual),
                    exact(s.required),
                    exact(s.gap),
                    exact(s.relative_gap, unit="%"),
                    *([Text(note)] if noted else []),
                )
            )
            for s, note in zip(suggestions, notes, strict=True)
        ),
    )
    blocks: list[Paragraph | Table | CodeBlock] = [*paragraphs, table]
    if command is not None and plan.set_options:
        blocks.append(CodeBlock(command + "".join(f" --set {o}" for o in plan.set_options)))
    return Section("plan", words["plan"], tuple(blocks), page=page)


def planning_sections(
    result: Result, lang: str, command: str | None = None, page: str | None = None
) -> list[Section]:
    """The planning sections of a result: none for a plain assessment."""
    page = page or WORDS[lang]["plan_sheet"]
    sections = []
    if result.what_if is not None:
        sections += what_if_sections(result, result.what_if, lang, page)
    if result.plan is not None:
        sections.append(plan_section(result, result.plan, lang, page, command))
    return sections


#: Monitoring statuses in the colours of rule statuses: good, bad, unknown.
PROGRESS_TONES: dict[Progress, StatusValue] = {
    "ahead": "met",
    "on_track": "met",
    "behind": "not_met",
    "unknown": "not_evaluated",
}


def year_section(view: YearView, target_year: int, lang: str) -> Section:
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
    table = Table(
        id=f"year-{view.year}",
        columns=_columns(
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
            numeric=("baseline", "actual", "path", "threshold", "progress", "projected"),
        ),
        rows=tuple(
            Row(
                (
                    Text(f"{p.name.get(lang)} ({p.id})"),
                    Text(KIND_LABELS[p.kind].get(lang)),
                    exact(p.baseline),
                    exact(p.actual),
                    exact(p.path),
                    exact(p.threshold),
                    exact(p.progress, unit="%"),
                    Status(PROGRESS_TONES[p.status], PROGRESS_LABELS[p.status].get(lang)),
                    exact(p.projected),
                ),
                tone=PROGRESS_TONES[p.status],
            )
            for p in view.indicators
        ),
    )
    return Section(
        f"year-{view.year}",
        words["monitor_year"].format(year=view.year, elapsed=f"{view.elapsed}%"),
        (*(Paragraph((p,)) for p in paragraphs), table),
    )


def monitoring_title(view: Monitoring, lang: str) -> str:
    return WORDS[lang]["monitoring"].format(
        county=view.county, base=view.base_year, target=view.target_year
    )


def monitoring_sections(view: Monitoring, lang: str) -> list[Section]:
    return [year_section(y, view.target_year, lang) for y in view.years]
