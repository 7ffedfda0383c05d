"""Message catalogue: every sentence a result carries, keyed by a stable reason code.

The evaluator decides codes and parameters; only this module holds wording, in both languages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from engine.catalogue import REPORT as CATALOGUE
from engine.model.result import Notice, Reason
from engine.model.ruleset import LocalizedText
from engine.model.thresholds import OPERATOR_SYMBOLS as OPERATOR_SYMBOLS
from engine.model.thresholds import THRESHOLD_CLASSES, VALUE_WORDS
from engine.units import with_unit as with_unit

Param = str | int | Decimal | LocalizedText | None

# Words of the reports (headings, column heads, header lines), shared by every format.
WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "创新型县(市、区)建设验收指标预检:{county}",
        "county": "县(市、区)",
        "ruleset": "规则集",
        "extends": "继承自",
        "data": "数据文件",
        "reference": "参考值文件",
        "assessed_on": "评估日期",
        "verdict": "结论",
        "summary": "约束性指标 {bm}/{bt} 项完成;预期性指标 {em}/{et} 项完成({share});"
        "较基期增长超50%的指标 {g50} 项,超100%的 {g100} 项。",
        "score": "综合得分 {score}(合格线 {mark})。",
        "binding": "约束性指标",
        "expected": "预期性指标",
        "shortfalls": "未完成或未评价的指标",
        "warnings": "提示(不影响结论)",
        "text_items": "文字说明(不计分)",
        "basis": "规则集的依据与假设",
        "sources": "依据文件",
        "assumptions": "假设",
        "reconstruction": "规则集说明",
        "data_sources": "数据来源",
        "growth_profile": "增长情况",
        "completion_chart": "各指标完成率(100% 为达到要求)",
        "category_chart": "分类汇总",
        "category": "类别",
        "none": "无",
        "growth_line": "有增长率的指标 {n} 项:增长超50%的 {g50} 项,超100%的 {g100} 项。",
        "summary_sheet": "结论",
        "rules_sheet": "指标",
        "plan_sheet": "假设与达标路径",
        "not_applicable_count": "不适用的指标 {n} 项,不计入验收。",
        "provenance": "数据与规则来源",
        "requirement_mark": "要求",
        "generated_by": "生成工具",
        "data_rows": "涉及指标",
        "no_source": "数据未注明来源",
        "parents": "继承链",
        "what_if": "模拟测算:假设分析(数据已按下列修改,原文件未改动)",
        "evidence_missing": "缺佐证材料",
        "verdict_moved": "结论由{before}变为{after}。",
        "verdict_kept": "结论仍为{after}。",
        "status_moved": "状态变化",
        "plan": "达标路径",
        "monitoring": "中期监测:{county}({base}年基期 → {target}年目标)",
        "monitor_year": "{year}年(时间进度{elapsed})",
        "projected": "若保持当前趋势,{target}年预计结论:{verdict}",
        "no_trend": "基期年尚无趋势,不作预计。",
        "progress_counts": "提前{ahead}项,按期{on_track}项,滞后{behind}项,无法判断{unknown}项。",
        "version": "版本",
        "simulation": "模拟测算",
        "title_simulated": "模拟测算:创新型县(市、区)建设验收指标预检:{county}",
        "title_planned": "创新型县(市、区)建设验收指标预检:{county}(含模拟测算)",
        "mark_simulated": "模拟测算 · 数据已按假设修改,不是验收结果",
        "mark_planned": "含模拟测算 · 达标路径按假设修改数据测算;结论为所报数据的结论",
        "verdict_simulated": "模拟测算结论",
        "verdict_as_filed": "所报数据(未修改)的结论:{verdict}。",
        "plan_simulated": "达标路径(模拟测算)",
        "plan_changes": "需要的改变",
        "plan_raise": "{name}:由{actual}提高到{required}(差{gap})。",
        "plan_lower": "{name}:由{actual}降低到{required}(超出{gap})。",
        "plan_other": "{name}:{reason}",
        "plan_command": "按上述数值修改后复核的命令见技术信息。",
        "derived": "计算值(公式见技术信息)",
        "page_numbers": "第{page}页,共{pages}页",
        "technical": "技术信息",
        "technical_note": "供核对与复现:文件校验值(SHA-256)、规则集与指标编号、命令行。"
        "不影响结论。",
        "technical_files": "规则集与数据文件",
        "technical_ids": "指标编号",
        "technical_commands": "命令行",
        "command_plan": "按达标路径修改数据后复核(模拟测算):",
        "command_report": "复现本报告的评估:",
        "text_item": "文字说明",
        "inherited_sources": "其余内容继承自规则集“{title}”,其依据文件见该规则集的说明。",
    },
    "en": {
        "title": "Innovative county acceptance pre-check: {county}",
        "county": "County",
        "ruleset": "Ruleset",
        "extends": "extends",
        "data": "Data file",
        "reference": "Reference file",
        "assessed_on": "Date of assessment",
        "verdict": "Verdict",
        "summary": "Binding {bm}/{bt} met; expected {em}/{et} met ({share}); {g50} indicators "
        "grew by more than 50 % over the baseline, {g100} by more than 100 %.",
        "score": "Weighted score {score} (pass mark {mark}).",
        "binding": "Binding indicators",
        "expected": "Expected indicators",
        "shortfalls": "Indicators not met or not evaluated",
        "warnings": "Warnings (they do not change the verdict)",
        "text_items": "Text items (not scored)",
        "basis": "The ruleset's basis and assumptions",
        "sources": "Sources",
        "assumptions": "Assumptions",
        "reconstruction": "About this ruleset",
        "data_sources": "Data sources",
        "growth_profile": "Growth profile",
        "completion_chart": "Completion per indicator (100 % = requirement met)",
        "category_chart": "Summary by category",
        "category": "Category",
        "none": "none",
        "growth_line": "{n} indicators have a growth figure: {g50} grew by more than 50 %, "
        "{g100} by more than 100 %.",
        "summary_sheet": "Summary",
        "rules_sheet": "Rules",
        "plan_sheet": "What-if and plan",
        "not_applicable_count": "{n} indicators do not apply to this county; not counted.",
        "provenance": "Where the numbers and rules come from",
        "requirement_mark": "required",
        "generated_by": "Generated by",
        "data_rows": "indicators",
        "no_source": "The data names no source",
        "parents": "Extends",
        "evidence_missing": "no evidence",
        "what_if": "What-if, a simulation (the data was changed as below; the file itself is "
        "untouched)",
        "verdict_moved": "The verdict moved from {before} to {after}.",
        "verdict_kept": "The verdict stays {after}.",
        "status_moved": "Status changes",
        "plan": "The way to PASS",
        "monitoring": "Mid-term monitoring: {county} (base year {base} → target year {target})",
        "monitor_year": "{year} ({elapsed} of the time elapsed)",
        "projected": "If the trends hold, the verdict in {target}: {verdict}",
        "no_trend": "The base year has no trend yet: no projection.",
        "progress_counts": "{ahead} ahead, {on_track} on track, {behind} behind, {unknown} "
        "unknown.",
        "version": "version",
        "simulation": "Simulation",
        "title_simulated": "Simulation: innovative county acceptance pre-check: {county}",
        "title_planned": "Innovative county acceptance pre-check: {county} (with a simulation)",
        "mark_simulated": "Simulation · the data was changed as assumed; not an assessment result",
        "mark_planned": "With a simulation · the way to PASS assesses changed data; the verdict "
        "is that of the data as filed",
        "verdict_simulated": "Simulated verdict",
        "verdict_as_filed": "The data as filed (unchanged): {verdict}.",
        "plan_simulated": "The way to PASS (simulation)",
        "plan_changes": "What would have to change",
        "plan_raise": "{name}: raise from {actual} to {required} (short by {gap}).",
        "plan_lower": "{name}: lower from {actual} to {required} (over by {gap}).",
        "plan_other": "{name}: {reason}",
        "plan_command": "The command that checks these values is in the technical information.",
        "derived": "computed (formula in the technical information)",
        "page_numbers": "Page {page} of {pages}",
        "technical": "Technical information",
        "technical_note": "For checking and reproducing the report: file fingerprints (SHA-256), "
        "ruleset and indicator ids, command lines. They do not change the verdict.",
        "technical_files": "Ruleset and data files",
        "technical_ids": "Indicator ids",
        "technical_commands": "Command lines",
        "command_plan": "To check the way to PASS on the changed data (a simulation):",
        "command_report": "To reproduce this assessment:",
        "text_item": "text item",
        "inherited_sources": "Everything else is inherited from the ruleset “{title}”; its "
        "sources are listed in its own documentation.",
    },
}

# Column heads of the rule tables, by column code; each format picks the columns it shows.
COLUMNS: dict[str, LocalizedText] = {
    "n": LocalizedText(zh="序号", en="#"),
    "id": LocalizedText(zh="编号", en="Id"),
    "indicator": LocalizedText(zh="指标", en="Indicator"),
    "kind": LocalizedText(zh="类型", en="Kind"),
    "category": LocalizedText(zh="类别", en="Category"),
    "unit": LocalizedText(zh="单位", en="Unit"),
    "baseline": LocalizedText(zh="基期值", en="Baseline"),
    "actual": LocalizedText(zh="实际值", en="Actual"),
    "required": LocalizedText(zh="要求", en="Required"),
    "threshold_kind": LocalizedText(zh="要求类型", en="Requirement"),
    "threshold": LocalizedText(zh="要求值", en="Threshold"),
    "threshold_upper": LocalizedText(zh="要求上限", en="Upper bound"),
    "status": LocalizedText(zh="状态", en="Status"),
    "margin": LocalizedText(zh="差额", en="Margin"),
    "completion": LocalizedText(zh="完成率", en="Completion"),
    "growth": LocalizedText(zh="增长率", en="Growth"),
    "score": LocalizedText(zh="得分", en="Score"),
    "weight": LocalizedText(zh="权重", en="Weight"),
    "reason": LocalizedText(zh="说明", en="Reason"),
    "source": LocalizedText(zh="数据来源", en="Source"),
    "department": LocalizedText(zh="责任单位", en="Department"),
    "evidence": LocalizedText(zh="佐证材料", en="Evidence"),
    "row": LocalizedText(zh="数据行", en="Row"),
    "field": LocalizedText(zh="栏目", en="Field"),
    "before": LocalizedText(zh="原值", en="Before"),
    "after": LocalizedText(zh="新值", en="After"),
    "required_value": LocalizedText(zh="需达到", en="Must reach"),
    "gap": LocalizedText(zh="差距", en="Gap"),
    "relative_gap": LocalizedText(zh="相对差距", en="Relative gap"),
    "relative_margin": LocalizedText(zh="相对余量", en="Relative margin"),
    "path": LocalizedText(zh="进度值", en="Path"),
    "progress": LocalizedText(zh="进度", en="Progress"),
    "projected": LocalizedText(zh="预计目标年值", en="Projected"),
    "monitor_status": LocalizedText(zh="进度状态", en="Status"),
    "item": LocalizedText(zh="项目", en="Item"),
    "file": LocalizedText(zh="编号或文件名", en="Id or file name"),
    "version": LocalizedText(zh="版本或格式", en="Version or format"),
    "sha256": LocalizedText(zh="SHA-256校验值", en="SHA-256"),
}


class _ThresholdLabels(Mapping[str, LocalizedText]):
    """Each threshold kind's name in the reports, from the kind itself (a live view)."""

    def __getitem__(self, kind: str) -> LocalizedText:
        return THRESHOLD_CLASSES[kind].label_words

    def __iter__(self) -> Iterator[str]:
        return iter(THRESHOLD_CLASSES)

    def __len__(self) -> int:
        return len(THRESHOLD_CLASSES)


THRESHOLD_LABELS: Mapping[str, LocalizedText] = _ThresholdLabels()

STATUS_LABELS: dict[str, LocalizedText] = {
    "met": LocalizedText(zh="完成", en="met"),
    "not_met": LocalizedText(zh="未完成", en="not met"),
    "not_evaluated": LocalizedText(zh="未评价", en="not evaluated"),
    "not_applicable": LocalizedText(zh="不适用", en="not applicable"),
}

KIND_LABELS: dict[str, LocalizedText] = {
    "binding": LocalizedText(zh="约束性", en="binding"),
    "expected": LocalizedText(zh="预期性", en="expected"),
}

PROGRESS_LABELS: dict[str, LocalizedText] = {
    "ahead": LocalizedText(zh="提前", en="ahead"),
    "on_track": LocalizedText(zh="按期", en="on track"),
    "behind": LocalizedText(zh="滞后", en="behind"),
    "unknown": LocalizedText(zh="无法判断", en="unknown"),
}

FIELD_LABELS: dict[str, LocalizedText] = {
    "actual": VALUE_WORDS["actual"],
    "target": VALUE_WORDS["target"],
    "baseline": VALUE_WORDS["baseline"],
    "reference": LocalizedText(zh="参考值", en="reference"),
    "input": LocalizedText(zh="基础数据", en="inputs"),
}

VERDICT_LABELS: dict[str, LocalizedText] = {
    "PASS": LocalizedText(zh="通过", en="PASS"),
    "FAIL": LocalizedText(zh="不通过", en="FAIL"),
}


def _text(value: Param, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, LocalizedText):
        return value.get(lang)
    return str(value)


def render(code: str, lang: str, params: Mapping[str, Param]) -> str:
    return CATALOGUE[code][lang].format(**{k: _text(v, lang) for k, v in params.items()})


def reason(code: str, **params: Param) -> Reason:
    """A reason with its sentence in both languages."""
    return Reason(code=code, zh=render(code, "zh", params), en=render(code, "en", params))


def notice(code: str, indicator: str | None = None, **params: Param) -> Notice:
    return Notice(
        code=code, indicator=indicator, zh=render(code, "zh", params), en=render(code, "en", params)
    )
