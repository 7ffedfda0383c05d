"""The acceptance dossier for the expert panel: its documents, built from one county's result as
format-neutral Documents (engine/report/document.py), laid out by the renderers.

- **The indicator completion table** (指标完成情况表): a row per indicator, binding ones
  first, then expected ones, in the columns a county files (序号 | 类别 | 指标 | 单位 | 属性 |
  基期值 | 目标值 | 完成值 | 完成率 | 增长率 | 是否完成 | 责任单位 | 佐证材料). It is a
  document of its own, not a sheet of the xlsx report: the county files it as it is and fills
  in what the data did not say (责任单位, 佐证材料), so it carries none of the pre-check's
  diagnostics (``--format completion-xlsx``). The self-evaluation draft holds the same table
  as its attachment.
- **The self-evaluation report draft** (自评价报告, ``--format docx``): a cover, the six parts
  the national guidance for self-evaluation reports asks for (国科创函〔2017〕3号), the
  indicator part written from the result (the summary in the words officials quote, the
  verdict's reasons, the shortfalls and, with --plan, the plan to close them), every other part
  left blank for the county to write, and the completion table as the attachment.

Every number is the result's own Decimal, shown as the result's JSON writes it ("2.77", a
completion of "104.8"): nothing is recomputed or rounded here. A what-if result says 模拟测算
in its title and on every page.

The dossier is dated only when a date was asked for: the result's (``assess --date``) or
SOURCE_DATE_EPOCH's. Otherwise the date is a blank to fill, so that the same data gives the
same document on any day (the command passes today's date to every renderer; a dossier does not
print it).

The words below are the dossier's own; they belong in engine.explain.messages beside WORDS and
are kept here, in one place, until they move (as build.py keeps the batch report's).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from engine.model.result import Result, RuleResult
from engine.report.build import footer
from engine.report.document import (
    Blank,
    Block,
    BulletList,
    Cell,
    Column,
    Document,
    Fact,
    Group,
    Item,
    Note,
    Number,
    Paragraph,
    Row,
    Section,
    Status,
    Table,
    Text,
    Warning,
    exact,
)
from engine.report.planning import what_if_sections

if TYPE_CHECKING:
    from engine.model.plan import Plan
    from engine.model.ruleset import Ruleset

#: The completion table's columns, in the order a county files them.
TABLE_COLUMNS = (
    "n",
    "category",
    "indicator",
    "unit",
    "kind",
    "direction",
    "baseline",
    "target",
    "actual",
    "completion",
    "growth",
    "done",
    "department",
    "evidence",
)
_NUMERIC = frozenset({"n", "baseline", "target", "actual", "completion", "growth"})
_PERCENT = frozenset({"completion", "growth"})

#: Page numbers as government documents print them (GB/T 9704), in either language.
PAGE_NUMBERS = "— {page} —"

#: The six parts of a self-evaluation report (国科创函〔2017〕3号), in order.
PARTS = ("overall", "indicators", "tasks", "safeguards", "practices", "problems")

WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "{county}创新型县（市、区）建设自评价报告",
        "table_title": "{county}创新型县（市、区）建设指标完成情况表",
        "simulated": "（模拟测算）",
        "mark": "模拟测算：数据经假设修改，不是实际完成情况",
        "county": "县（市、区）",
        "basis": "验收依据",
        "date": "日期",
        "blank_date": "　　　　年　　月　　日",
        "draft": "本稿为自评价报告草稿：指标部分由指标预检结果生成，标有【由县（市、区）填写】"
        "之处由县（市、区）填写。",
        "to_fill": "【由县（市、区）填写】",
        "parts": {
            "overall": "一、总体情况和整体评价",
            "indicators": "二、目标和指标完成情况",
            "tasks": "三、重点任务实施情况",
            "safeguards": "四、组织保障措施落实情况",
            "practices": "五、经验做法",
            "problems": "六、存在的问题和意见建议",
        },
        "binding_rate": "约束性指标完成率{rate}%",
        "binding_count": "（{bt}项中完成{bm}项）",
        "growth": "{total}项指标中{g50}项指标增长率超50%，其中{g100}项指标增长率超100%",
        "expected": "预期性指标{et}项，完成{em}项，完成比例{share}%",
        "required_share": "（要求不低于{share}%）",
        "score": "综合得分{score}分（合格线{mark}分）",
        "not_applicable": "另有{n}项指标不适用，不计入。",
        "verdict": "对照《{basis}》逐项预检，{reason}",
        "see_table": "各项指标完成情况见附件《指标完成情况表》。",
        "simulated_note": "本报告为模拟测算：数据已按下列假设修改（原数据文件未改动），"
        "所述完成情况不是实际完成情况。",
        "warnings": "数据提示（请核实）：",
        "shortfalls": "（一）未完成的指标",
        "no_shortfalls": "各项指标均已完成。",
        "shortfall": "{name}（{kind}指标）：完成值{actual}，目标值{target}，完成率{completion}，"
        "未完成。",
        "unevaluated": "{name}（{kind}指标）：{reason}",
        "plan": "（二）补齐差距的计划",
        "closest": "（二）余量最小的指标",
        "suggestion": "{name}（{kind}指标）：现为{actual}，需达到{required}，差{gap}。",
        "margin": "{name}（{kind}指标）：完成值{actual}，目标值{target}，余量{margin}。",
        "suggestions": "（{n}）意见建议",
        "numerals": "一二三四五六七八九",
        "attachment": "附件：指标完成情况表",
        "filing": "填报单位（盖章）：{county}　　　　　　填报日期：{date}",
        "kinds": {"binding": "约束性", "expected": "预期性"},
        "groups": {"binding": "一、约束性指标（{n}项）", "expected": "二、预期性指标（{n}项）"},
        "done": {
            "met": "是",
            "not_met": "否",
            "not_evaluated": "未评价",
            "not_applicable": "不适用",
        },
        # A column of its own, so that the table read back as an annex (engine/load/annex.py)
        # keeps each indicator's direction; the words are the annex reader's.
        "directions": {"higher": "越高越好", "lower": "越低越好"},
        "notes": (
            "注：1. 完成率＝完成值÷目标值×100%，增长率＝（完成值－基期值）÷基期值×100%；逆向指标"
            "（越低越好）的完成率＝目标值÷完成值×100%，增长率为下降幅度。",
            "2. 数值按验收指标规定的精度取整，与指标预检结果一致。",
            "3. 责任单位、佐证材料取自填报数据；空白处由县（市、区）补填。",
        ),
        "left_out": "另有{n}项指标不适用于本县（市、区），未列入本表。",
        "heads": {
            "n": "序号",
            "category": "类别",
            "indicator": "指标",
            "unit": "单位",
            "kind": "属性",
            "direction": "方向",
            "baseline": "基期值",
            "target": "目标值",
            "actual": "完成值",
            "completion": "完成率",
            "growth": "增长率",
            "done": "是否完成",
            "department": "责任单位",
            "evidence": "佐证材料",
        },
        "about_sheet": "说明",
        "table_sheet": "指标完成情况表",
        "attachment_page": "附件",
    },
    "en": {
        "title": "Self-evaluation report on building an innovative county: {county}",
        "table_title": "Indicator completion table of the innovative county: {county}",
        "simulated": " (what-if simulation, 模拟测算)",
        "mark": "What-if simulation (模拟测算): the data were changed, these are not the "
        "actual figures",
        "county": "County",
        "basis": "Basis of the acceptance",
        "date": "Date",
        "blank_date": "____-__-__",
        "draft": "This is a draft of the self-evaluation report: the indicator parts are written "
        "from the pre-check's result; the county writes the parts marked [To be written by the "
        "county].",
        "to_fill": "[To be written by the county]",
        "parts": {
            "overall": "1. Overall situation and overall evaluation",
            "indicators": "2. Targets and indicators",
            "tasks": "3. Implementation of the key tasks",
            "safeguards": "4. Organisational safeguards",
            "practices": "5. Experience and practices",
            "problems": "6. Problems, opinions and suggestions",
        },
        "binding_rate": "Binding indicators {rate}% complete",
        "binding_count": " ({bm} of {bt})",
        "growth": "of {total} indicators, {g50} grew by more than 50 %, {g100} of them by more "
        "than 100 %",
        "expected": "{em} of {et} expected indicators met: {share}%",
        "required_share": " (at least {share}% required)",
        "score": "weighted score {score} (pass mark {mark})",
        "not_applicable": "{n} more indicators do not apply and are not counted.",
        "verdict": "Checked indicator by indicator against {basis}: {reason}",
        "see_table": "The attachment (indicator completion table) gives every indicator.",
        "simulated_note": "This report is a what-if simulation: the data were changed as below "
        "(the data file is untouched); the completion it states is not the actual one.",
        "warnings": "About the data (please check):",
        "shortfalls": "6.1 Indicators not completed",
        "no_shortfalls": "Every indicator is completed.",
        "shortfall": "{name} ({kind}): achieved {actual} against a target of {target}, "
        "completion {completion}; not completed.",
        "unevaluated": "{name} ({kind}): {reason}",
        "plan": "6.2 The plan to close the gaps",
        "closest": "6.2 The smallest margins",
        "suggestion": "{name} ({kind}): now {actual}, must reach {required}, short by {gap}.",
        "margin": "{name} ({kind}): achieved {actual} against a target of {target}, margin "
        "{margin}.",
        "suggestions": "6.{n} Opinions and suggestions",
        "numerals": "123456789",
        "attachment": "Attachment: indicator completion table",
        "filing": "Filed by (seal): {county}            Date: {date}",
        "kinds": {"binding": "binding", "expected": "expected"},
        "groups": {
            "binding": "1. Binding indicators ({n})",
            "expected": "2. Expected indicators ({n})",
        },
        "done": {
            "met": "yes",
            "not_met": "no",
            "not_evaluated": "not evaluated",
            "not_applicable": "not applicable",
        },
        "directions": {"higher": "higher is better", "lower": "lower is better"},
        "notes": (
            "Notes: 1. Completion = achieved ÷ target × 100 %; growth = (achieved − baseline) ÷ "
            "baseline × 100 %; for a lower-is-better indicator completion = target ÷ achieved × "
            "100 % and growth is the decrease.",
            "2. Figures are rounded to the precision the indicators prescribe, as in the "
            "pre-check's result.",
            "3. Responsible units and evidence come from the data filed; the county fills in "
            "the blanks.",
        ),
        "left_out": "{n} more indicators do not apply to this county and are not listed.",
        "heads": {
            "n": "No.",
            "category": "Category",
            "indicator": "Indicator",
            "unit": "Unit",
            "kind": "Type",
            "direction": "Direction",
            "baseline": "Baseline",
            "target": "Target",
            "actual": "Achieved",
            "completion": "Completion",
            "growth": "Growth",
            "done": "Completed",
            "department": "Responsible unit",
            "evidence": "Evidence",
        },
        "about_sheet": "About",
        "table_sheet": "Completion table",
        "attachment_page": "Attachment",
    },
}


# The date --------------------------------------------------------------------------------------


def dossier_date(result: Result) -> date | None:
    """The date a dossier prints: the result's (assess --date), else SOURCE_DATE_EPOCH's (the
    reproducible-builds convention; the command has already refused a value that is no date),
    else none: a blank to fill."""
    if result.assessed_on is not None:
        return result.assessed_on
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit():
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            return None
    return None


def _date_text(on: date | None, lang: str) -> str:
    if on is None:
        str_value: str = WORDS[lang]["blank_date"]
        return str_value
    return f"{on.year}年{on.month}月{on.day}日" if lang == "zh" else on.isoformat()


# Numbers in words ------------------------------------------------------------------------------


def _with_unit(value: Decimal | None, unit: str, lang: str) -> str:
    """``9个``, ``2.62%`` (Chinese text takes no space before a unit), ``9 个`` in English."""
    if value is None:
        return "—"
    if not unit or unit in ("%", "‰") or lang == "zh":
        return f"{value}{unit}"
    return f"{value} {unit}"


def _difference(value: Decimal | None, unit: str, lang: str) -> str:
    """A margin or a gap: of a percentage, in percentage points (0.36个百分点)."""
    if value is not None and unit == "%":
        return f"{value}个百分点" if lang == "zh" else f"{value} percentage points"
    return _with_unit(value, unit, lang)


def _rate(met: int, total: int) -> str:
    """met ÷ total as a percentage: ``100``, ``87.5`` (one decimal, half up, as completion)."""
    rate = (Decimal(met * 100) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(rate.to_integral_value()) if rate == rate.to_integral_value() else str(rate)


def _title(result: Result, key: str, lang: str) -> str:
    words = WORDS[lang]
    title: str = words[key].format(county=result.county)
    return title + words["simulated"] if result.what_if is not None else title


def summary_sentences(result: Result, lang: str) -> tuple[str, ...]:
    """The indicator summary in the words officials quote: 约束性指标完成率100%，28项指标中21项
    指标增长率超50%，其中12项指标增长率超100%。 then the expected indicators (and the score)."""
    words = WORDS[lang]
    s = result.summary
    stop = "。" if lang == "zh" else "."
    comma = "，" if lang == "zh" else "; "
    first = []
    if s.binding_total:
        rate = words["binding_rate"].format(rate=_rate(s.binding_met, s.binding_total))
        if s.binding_met < s.binding_total:
            rate += words["binding_count"].format(bm=s.binding_met, bt=s.binding_total)
        first.append(rate)
    first.append(
        words["growth"].format(
            total=s.binding_total + s.expected_total, g50=s.growth_over_50, g100=s.growth_over_100
        )
    )
    sentences = [comma.join(first) + stop]
    if s.expected_total:
        expected = words["expected"].format(
            em=s.expected_met,
            et=s.expected_total,
            share="—" if s.expected_share is None else s.expected_share,
        )
        if s.expected_required_share is not None:
            expected += words["required_share"].format(share=s.expected_required_share)
        sentences.append(expected + stop)
    if s.score is not None:
        score = words["score"].format(score=s.score, mark=s.pass_mark)
        sentences.append(score[0].upper() + score[1:] + stop if lang == "en" else score + stop)
    if s.not_applicable:
        sentences.append(words["not_applicable"].format(n=s.not_applicable))
    if lang == "en":
        sentences[0] = sentences[0][0].upper() + sentences[0][1:]
    return tuple(sentences)


# The completion table --------------------------------------------------------------------------


def listed_rules(result: Result) -> list[RuleResult]:
    """The completion table's indicators: binding, then expected, each in the ruleset's order;
    those that do not apply to the county are left out (they are not counted)."""
    applicable = [r for r in result.rules if r.status != "not_applicable"]
    return [r for kind in ("binding", "expected") for r in applicable if r.kind == kind]


def _target(rule: RuleResult) -> Cell:
    if rule.operator == "between":
        low = "—" if rule.threshold is None else str(rule.threshold)
        high = "—" if rule.threshold_upper is None else str(rule.threshold_upper)
        return Text(f"{low}–{high}")
    return exact(rule.threshold)


def _cells(n: int, rule: RuleResult, lang: str) -> dict[str, Cell]:
    words = WORDS[lang]
    return {
        "n": Number(Decimal(n)),
        "category": Text(rule.category.get(lang)),
        "indicator": Text(rule.name.get(lang)),
        "unit": Text(rule.unit),
        "kind": Text(words["kinds"][rule.kind]),
        "direction": Text(words["directions"][rule.direction]),
        "baseline": exact(rule.baseline),
        "target": _target(rule),
        "actual": exact(rule.actual),
        "completion": exact(rule.completion, unit="%"),
        "growth": exact(rule.growth, unit="%"),
        "done": Status(rule.status, words["done"][rule.status]),
        "department": Text(rule.department or ""),
        "evidence": Text("\n".join(rule.evidence or ())),
    }


def completion_table(result: Result, lang: str) -> Table:
    """The 指标完成情况表: a row per indicator, grouped binding / expected, numbered through."""
    words = WORDS[lang]
    rules = listed_rules(result)
    columns = tuple(
        Column(
            code,
            words["heads"][code],
            numeric=code in _NUMERIC,
            unit="%" if code in _PERCENT else None,
        )
        for code in TABLE_COLUMNS
    )
    rows = tuple(
        Row(
            tuple(_cells(n, rule, lang)[c] for c in TABLE_COLUMNS),
            tone=rule.status,
            rule=rule.id,
            group=rule.kind,
        )
        for n, rule in enumerate(rules, start=1)
    )
    counts = {kind: sum(1 for r in rules if r.kind == kind) for kind in ("binding", "expected")}
    groups = tuple(
        Group(kind, words["groups"][kind].format(n=counts[kind]))
        for kind in ("binding", "expected")
    )
    return Table(id="completion", columns=columns, rows=rows, groups=groups)


def _table_notes(result: Result, lang: str) -> tuple[Note, ...]:
    words = WORDS[lang]
    notes = [Note((line,)) for line in words["notes"]]
    if result.summary.not_applicable:
        notes.append(Note((words["left_out"].format(n=result.summary.not_applicable),)))
    return tuple(notes)


def _meta(result: Result, lang: str, on: date | None) -> tuple[Fact, ...]:
    words = WORDS[lang]
    rs = result.ruleset
    return (
        Fact(words["county"], (result.county,)),
        Fact(words["basis"], (rs.title.get(lang),), note=f"{rs.id} {rs.version}"),
        Fact(words["date"], on if on is not None else (words["blank_date"],)),
    )


def _simulated(result: Result, lang: str) -> list[Block]:
    """What a what-if result says before its figures: that they are simulated, and how."""
    if result.what_if is None:
        return []
    page = WORDS[lang]["attachment_page"]
    return [
        Warning(((WORDS[lang]["simulated_note"],),)),
        *what_if_sections(result, result.what_if, lang, page),
    ]


def completion_document(
    result: Result, *, lang: str, on: date | None = None, generator: str | None = None
) -> Document:
    """The completion table as a document of its own: a first page saying what it is (county,
    basis, date, the summary, the notes), and the table on a page of its own (the xlsx sheet
    the county files, its header row printed on every page)."""
    words = WORDS[lang]
    about: list[Block] = [*_simulated(result, lang)]
    about += [Paragraph((s,)) for s in summary_sentences(result, lang)]
    about += _table_notes(result, lang)
    return Document(
        title=_title(result, "table_title", lang),
        meta=_meta(result, lang, on),
        sections=(
            Section("completion-about", None, tuple(about)),
            Section(
                "completion", None, (completion_table(result, lang),), page=words["table_sheet"]
            ),
        ),
        footer=footer(lang, generator),
        date=on,
        page=words["about_sheet"],
        mark=words["mark"] if result.what_if is not None else None,
        page_numbers=PAGE_NUMBERS,
    )


# The self-evaluation report draft --------------------------------------------------------------


def _to_fill(lang: str) -> Blank:
    return Blank((WORDS[lang]["to_fill"],))


def _shortfall(rule: RuleResult, lang: str) -> Item:
    words = WORDS[lang]
    kind = words["kinds"][rule.kind]
    name = rule.name.get(lang)
    if rule.status == "not_evaluated" or rule.actual is None:
        return Item(
            (words["unevaluated"].format(name=name, kind=kind, reason=getattr(rule.reason, lang)),)
        )
    if rule.operator == "between":
        target = f"{rule.threshold}–{_with_unit(rule.threshold_upper, rule.unit, lang)}"
    else:
        target = _with_unit(rule.threshold, rule.unit, lang)
    return Item(
        (
            words["shortfall"].format(
                name=name,
                kind=kind,
                actual=_with_unit(rule.actual, rule.unit, lang),
                target=target,
                completion="—" if rule.completion is None else f"{rule.completion}%",
            ),
        )
    )


def _plan_section(plan: Plan, lang: str) -> Section:
    """The plan (--plan): how far each indicator not met must move, checked by the engine (a
    FAIL), or the smallest margins to keep (a PASS)."""
    words = WORDS[lang]
    blocks: list[Block] = [Paragraph((getattr(r, lang),)) for r in plan.reasons]
    if plan.verdict == "PASS":
        items = tuple(
            Item(
                (
                    words["margin"].format(
                        name=c.name.get(lang),
                        kind=words["kinds"][c.kind],
                        actual=_with_unit(c.actual, c.unit, lang),
                        target=_with_unit(c.threshold, c.unit, lang),
                        margin=_difference(c.margin, c.unit, lang),
                    ),
                )
            )
            for c in plan.closest
        )
        heading = words["closest"]
    else:
        items = tuple(
            Item(
                (
                    words["suggestion"].format(
                        name=s.name.get(lang),
                        kind=words["kinds"][s.kind],
                        actual=_with_unit(s.actual, s.unit, lang),
                        required=_with_unit(s.required, s.unit, lang),
                        gap=_difference(s.gap, s.unit, lang),
                    ),
                )
            )
            for s in (*plan.binding, *plan.expected)
        )
        heading = words["plan"]
    if items:
        blocks.append(BulletList(items))
    return Section("plan", heading, tuple(blocks))


def _indicators_part(result: Result, lang: str) -> tuple[Block, ...]:
    words = WORDS[lang]
    blocks: list[Block] = [*_simulated(result, lang)]
    blocks += [Paragraph((s,)) for s in summary_sentences(result, lang)]
    for reason in result.verdict_reasons:
        blocks.append(
            Paragraph(
                (
                    words["verdict"].format(
                        basis=result.ruleset.title.get(lang), reason=getattr(reason, lang)
                    ),
                )
            )
        )
    blocks.append(Paragraph((words["see_table"],)))
    if result.warnings:
        blocks.append(
            Warning(((words["warnings"],), *((getattr(n, lang),) for n in result.warnings)))
        )
    blocks.append(_to_fill(lang))
    return tuple(blocks)


def _problems_part(result: Result, lang: str) -> tuple[Block, ...]:
    words = WORDS[lang]
    short = tuple(
        _shortfall(r, lang)
        for r in listed_rules(result)
        if r.status in ("not_met", "not_evaluated")
    )
    parts: list[Block] = [
        Section(
            "shortfalls",
            words["shortfalls"],
            (BulletList(short),) if short else (Paragraph((words["no_shortfalls"],)),),
        )
    ]
    if result.plan is not None:
        parts.append(_plan_section(result.plan, lang))
    parts.append(
        Section(
            "suggestions",
            words["suggestions"].format(n=words["numerals"][len(parts)]),
            (_to_fill(lang),),
        )
    )
    return tuple(parts)


def _practices_part(result: Result, lang: str) -> tuple[Block, ...]:
    """The county's free-text items (never scored) as it wrote them, then the blank."""
    texts: list[Block] = [
        Paragraph((f"{i.name.get(lang)}{'：' if lang == 'zh' else ': '}{i.text}",))
        for i in result.text_items
        if i.text
    ]
    return (*texts, _to_fill(lang))


def self_evaluation_document(
    result: Result,
    *,
    lang: str,
    on: date | None = None,
    generator: str | None = None,
) -> Document:
    """The self-evaluation report draft: a cover (county, basis, date or a blank), the six
    parts of the guidance — the indicator parts written from the result, the others blank for
    the county — and the completion table as the attachment, on pages of its own."""
    words = WORDS[lang]
    headings = words["parts"]
    bodies: dict[str, tuple[Block, ...]] = {
        "overall": (_to_fill(lang),),
        "indicators": _indicators_part(result, lang),
        "tasks": (_to_fill(lang),),
        "safeguards": (_to_fill(lang),),
        "practices": _practices_part(result, lang),
        "problems": _problems_part(result, lang),
    }
    sections = [Section("draft", None, (Note((words["draft"],)),))]
    sections += [Section(part, headings[part], bodies[part]) for part in PARTS]
    filing = words["filing"].format(county=result.county, date=_date_text(on, lang))
    sections.append(
        Section(
            "attachment",
            words["attachment"],
            (Paragraph((filing,)), completion_table(result, lang), *_table_notes(result, lang)),
            page=words["attachment_page"],
        )
    )
    return Document(
        title=_title(result, "title", lang),
        meta=_meta(result, lang, on),
        sections=tuple(sections),
        footer=footer(lang, generator),
        date=on,
        cover=True,
        mark=words["mark"] if result.what_if is not None else None,
        page_numbers=PAGE_NUMBERS,
    )


# The registry's builders (engine/report/formats.py) ----------------------------------------------


def _result(subject: object) -> Result:
    if not isinstance(subject, Result):
        raise TypeError(f"a dossier is of one county's result, not a {type(subject).__name__}")
    return subject


def self_evaluation_for(
    subject: object,
    *,
    lang: str,
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    command: str | None = None,
    generator: str | None = None,
    limit: int | None = None,
) -> Document:
    """``--format docx``. ``assessed_on`` is not printed (the command passes today's date when
    none was asked for): the dossier's date is :func:`dossier_date`'s."""
    result = _result(subject)
    return self_evaluation_document(result, lang=lang, on=dossier_date(result), generator=generator)


def completion_for(
    subject: object,
    *,
    lang: str,
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    command: str | None = None,
    generator: str | None = None,
    limit: int | None = None,
) -> Document:
    """``--format completion-xlsx``; dated as :func:`self_evaluation_for`."""
    result = _result(subject)
    return completion_document(result, lang=lang, on=dossier_date(result), generator=generator)
