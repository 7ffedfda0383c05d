"""What the planning tools add to a report (a what-if's changes, the plan, the monitoring
view), as document sections (engine/report/document.py). Every format renders these sections,
so what they say is written here once.

A county's what-if and plan name indicators by name and say what to change in words; the
command that applies a plan is in the report's technical information (build.py), not here."""

from __future__ import annotations

from engine.explain.messages import (
    COLUMNS,
    FIELD_LABELS,
    KIND_LABELS,
    PROGRESS_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    WORDS,
    with_unit,
)
from engine.model.plan import Monitoring, Plan, Progress, Suggestion, WhatIf, YearView
from engine.model.result import Result
from engine.model.ruleset import Ruleset
from engine.report.document import (
    BulletList,
    Column,
    Item,
    Note,
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


def _name(result: Result, rule_id: str, lang: str, ruleset: Ruleset | None = None) -> str:
    """An indicator's (or a raw input's) name; the id only when nothing names it."""
    for rule in result.rules:
        if rule.id == rule_id:
            return rule.name.get(lang)
    item = None if ruleset is None else ruleset.data_items.get(rule_id)
    return rule_id if item is None else item.name.get(lang)  # a raw input of a derived indicator


def without_ids(text: str, result: Result, lang: str) -> str:
    """A sentence of the result with the id after each indicator's name left out: the
    catalogue's reasons say "高新技术企业数(high_tech_enterprises)", the body of a report says
    the name (the ids are in the technical information)."""
    for rule in result.rules:
        name = rule.name.get(lang)
        if rule.id not in text:
            continue
        for spelled in (
            f"{name}({rule.id})",
            f"{name} ({rule.id})",
            f"{name}\uff08{rule.id}\uff09",
        ):
            text = text.replace(spelled, name)
    return text


def _status(status: StatusValue, lang: str) -> Status:
    return Status(status, STATUS_LABELS[status].get(lang))


def what_if_sections(
    result: Result, what_if: WhatIf, lang: str, page: str, ruleset: Ruleset | None = None
) -> list[Section]:
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
                    Text(_name(result, c.id, lang, ruleset)),
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
                        Text(_name(result, c.id, lang, ruleset)),
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


def _change(s: Suggestion, lang: str) -> Item:
    """What one suggestion changes, in words: raise or lower from the actual to the value
    required (units said), or the suggestion's own sentence (supply a value, reach it through
    the inputs …)."""
    words = WORDS[lang]
    name = s.name.get(lang)
    if s.reason.code in _PLAIN_REASONS and s.actual is not None and s.required is not None:
        key = "plan_raise" if s.reason.code == "suggest_raise" else "plan_lower"
        text = words[key].format(
            name=name,
            actual=with_unit(s.actual, s.unit),
            required=with_unit(s.required, s.unit),
            gap=with_unit(s.gap, s.unit),
        )
    else:
        text = words["plan_other"].format(name=name, reason=getattr(s.reason, lang))
    return Item((text,), status=s.status)


def plan_section(
    result: Result, plan: Plan, lang: str, page: str, command: str | None = None
) -> Section:
    """The plan: its reasons, what to change in words, the table of figures. ``command`` (the
    assess command line that gave the result) only says whether the technical information
    holds the command that applies the plan. A failing county's plan is a simulation."""
    words = WORDS[lang]
    paragraphs = tuple(
        Paragraph((without_ids(getattr(r, lang), result, lang),)) for r in plan.reasons
    )
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
                        Text(c.name.get(lang)),
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
                    Text(s.name.get(lang)),
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
    changes = Section(
        "plan-changes",
        words["plan_changes"],
        (BulletList(tuple(_change(s, lang) for s in suggestions)),),
    )
    blocks: list[Paragraph | Table | Section | Note] = [*paragraphs, changes, table]
    if command is not None and plan.set_options:
        blocks.append(Note((words["plan_command"],)))
    return Section("plan", words["plan_simulated"], tuple(blocks), page=page)


def planning_sections(
    result: Result,
    lang: str,
    command: str | None = None,
    page: str | None = None,
    *,
    ruleset: Ruleset | None = None,
) -> list[Section]:
    """The planning sections of a result: none for a plain assessment."""
    page = page or WORDS[lang]["plan_sheet"]
    sections = []
    if result.what_if is not None:
        sections += what_if_sections(result, result.what_if, lang, page, ruleset)
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
