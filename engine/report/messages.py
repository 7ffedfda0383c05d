"""Message catalogue: every sentence a result carries, keyed by a stable reason code.

The evaluator decides codes and parameters; only this module holds wording, in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from engine.model.result import Notice, Reason
from engine.model.ruleset import LocalizedText

Param = str | int | Decimal | LocalizedText | None

CATALOGUE: dict[str, dict[str, str]] = {
    # Per-rule outcomes.
    "met": {
        "zh": "已完成:实际值{actual},{threshold_label}{op}{threshold},余量{margin}。",
        "en": "Met: actual {actual} against {threshold_label} {op} {threshold}, {margin} to spare.",
    },
    "not_met": {
        "zh": "未完成:实际值{actual},{threshold_label}{op}{threshold},差{margin}。",
        "en": "Not met: actual {actual} against {threshold_label} {op} {threshold}, "
        "short by {margin}.",
    },
    "not_met_equal": {
        "zh": "未完成:实际值{actual}等于{threshold_label}{threshold},而要求{op}{threshold}。",
        "en": "Not met: actual {actual} equals {threshold_label} {threshold}, and the rule "
        "requires {op} {threshold}.",
    },
    "actual_missing": {
        "zh": "未评价:缺少实际值。",
        "en": "Not evaluated: the actual value is missing.",
    },
    "target_missing": {
        "zh": "未评价:缺少目标值。",
        "en": "Not evaluated: the county's target is missing.",
    },
    "baseline_missing": {
        "zh": "未评价:缺少基期值,无法确定增长要求。",
        "en": "Not evaluated: the baseline is missing, so the growth requirement cannot be set.",
    },
    "reference_missing": {
        "zh": "未评价:缺少{label}(参考值列或参考值文件)。",
        "en": "Not evaluated: the {label} is missing (a reference column or a reference file).",
    },
    "input_missing": {
        "zh": "未评价:计算所需的基础数据缺失:{inputs}。",
        "en": "Not evaluated: inputs of its formula are missing: {inputs}.",
    },
    "undefined_missing": {
        "zh": "未评价:按公式{formula}无法计算(除数为零)。",
        "en": "Not evaluated: its formula {formula} has no value (division by zero).",
    },
    "between_met": {
        "zh": "已完成:实际值{actual},在{low}至{high}范围内。",
        "en": "Met: actual {actual} lies within {low} to {high}.",
    },
    "between_not_met": {
        "zh": "未完成:实际值{actual},不在{low}至{high}范围内,相差{margin}。",
        "en": "Not met: actual {actual} lies outside {low} to {high}, by {margin}.",
    },
    "not_applicable": {
        "zh": "不适用:该指标仅适用于{scope},不计入验收。",
        "en": "Not applicable: this indicator applies only to {scope}; it is not counted.",
    },
    # Verdict.
    "pass": {
        "zh": "通过:约束性指标{binding_met}/{binding_total}项全部完成;预期性指标完成"
        "{expected_met}/{expected_total}项({share}),不低于要求的{required}。",
        "en": "PASS: all {binding_total} binding indicators met; {expected_met} of "
        "{expected_total} expected indicators met ({share}), at least the required {required}.",
    },
    "binding_not_met": {
        "zh": "约束性指标未完成:{indicators}。",
        "en": "Binding indicators not met: {indicators}.",
    },
    "binding_not_evaluated": {
        "zh": "约束性指标缺少数据,无法评价(视为未完成):{indicators}。",
        "en": "Binding indicators without data, not evaluated (they fail the verdict): "
        "{indicators}.",
    },
    "pass_score": {
        "zh": "通过:综合得分{score},不低于合格线{pass_mark};约束性指标{binding_met}/"
        "{binding_total}项完成。",
        "en": "PASS: weighted score {score}, at least the pass mark of {pass_mark}; "
        "{binding_met} of {binding_total} binding indicators met.",
    },
    "score_below": {
        "zh": "综合得分{score},低于合格线{pass_mark}。",
        "en": "Weighted score {score}, below the pass mark of {pass_mark}.",
    },
    "expected_share_below": {
        "zh": "预期性指标仅完成{expected_met}/{expected_total}项({share}),低于要求的{required}。",
        "en": "Only {expected_met} of {expected_total} expected indicators met ({share}), "
        "below the required {required}.",
    },
    # Planning (assess --plan, --set, --monitor): per suggestion.
    "suggest_raise": {
        "zh": "提高到{required}(现为{actual},差{gap})。",
        "en": "Raise to {required} (now {actual}, short by {gap}).",
    },
    "suggest_lower": {
        "zh": "降低到{required}(现为{actual},超出{gap})。",
        "en": "Lower to {required} (now {actual}, over by {gap}).",
    },
    "suggest_within": {
        "zh": "调整到{required}(现为{actual},在{low}至{high}范围外)。",
        "en": "Bring to {required} (now {actual}, outside {low} to {high}).",
    },
    "suggest_supply": {
        "zh": "补充实际值:至少需达到{required}。",
        "en": "Supply the actual value: it must reach {required}.",
    },
    "suggest_threshold_data": {
        "zh": "先补充{missing}:要求值取决于它,无法给出需达到的数值。",
        "en": "Supply the {missing} first: the threshold depends on it, so no value can be "
        "given yet.",
    },
    "suggest_derived": {
        "zh": "{base}该指标由公式{formula}计算,请通过其基础数据达到。",
        "en": "{base} It is computed by {formula}: reach it through its inputs.",
    },
    # Planning: the plan as a whole.
    "plan_binding": {
        "zh": "须完成全部未完成的约束性指标({count}项):{indicators}。",
        "en": "Every binding indicator not met must be fixed ({count}): {indicators}.",
    },
    "plan_expected": {
        "zh": "另需再完成{count}项预期性指标(按差距从小到大),使完成数达到{needed}/{total}"
        "(要求{required}):{indicators}。",
        "en": "Then {count} more expected indicator(s), smallest gaps first, to reach {needed} of "
        "{total} (required {required}): {indicators}.",
    },
    "plan_score": {
        "zh": "另需完成{count}项预期性指标(按得分提升从大到小),使综合得分由{score}提高到不低于"
        "合格线{pass_mark}:{indicators}。",
        "en": "Then {count} expected indicator(s), largest score gains first, to lift the score "
        "from {score} to at least the pass mark {pass_mark}: {indicators}.",
    },
    "plan_too_few": {
        "zh": "即使完成全部可补救的预期性指标,也无法满足判定规则。",
        "en": "Even fixing every expected indicator that can be fixed does not satisfy the "
        "verdict policy.",
    },
    "plan_blocked": {
        "zh": "以下指标缺少确定要求值所需的数据,只改实际值无法通过:{indicators}。",
        "en": "These indicators lack the data their threshold needs, so changing actual values "
        "alone cannot pass: {indicators}.",
    },
    "plan_checked": {
        "zh": "已按上述数值修改数据并重新评估:结论为{verdict}。",
        "en": "With these values applied, the engine's verdict is {verdict}.",
    },
    "plan_through_inputs": {
        "zh": "{indicators}由公式计算,须通过其基础数据达到,未能自动验证。",
        "en": "{indicators} are computed by formulas and must be reached through their inputs; "
        "the plan could not be checked automatically.",
    },
    "plan_pass_spare": {
        "zh": "已通过:预期性指标完成{met}项,要求{needed}项,还可有{spare}项未完成而不影响结论。"
        "以下是余量最小的指标。",
        "en": "PASS: {met} expected indicators met where {needed} are required, so {spare} more "
        "may fall short before the verdict turns. The smallest margins are below.",
    },
    "plan_pass_score": {
        "zh": "已通过:综合得分{score},高出合格线{pass_mark}{spare}分。以下是余量最小的指标。",
        "en": "PASS: a score of {score}, {spare} above the pass mark {pass_mark}. The smallest "
        "margins are below.",
    },
    # Planning: monitoring.
    "progress_ahead": {
        "zh": "提前:实际值{actual}已达到目标年要求{threshold}。",
        "en": "Ahead: actual {actual} already meets the target-year requirement {threshold}.",
    },
    "progress_on_track": {
        "zh": "按期:实际值{actual}不低于按线性进度应达到的{path}(目标年要求{threshold})。",
        "en": "On track: actual {actual} is at or beyond {path}, the straight-line value for this "
        "year (target-year requirement {threshold}).",
    },
    "progress_behind": {
        "zh": "滞后:实际值{actual}未达到按线性进度应达到的{path}(目标年要求{threshold})。",
        "en": "Behind: actual {actual} falls short of {path}, the straight-line value for this "
        "year (target-year requirement {threshold}).",
    },
    "progress_unknown": {
        "zh": "无法判断进度:缺少{missing}。",
        "en": "Progress unknown: the {missing} is missing.",
    },
    "progress_not_applicable": {
        "zh": "不适用,不计入验收。",
        "en": "Not applicable; not counted.",
    },
    # Notices: never change the verdict.
    "unit_converted": {
        "zh": "{name}:数据单位为{given},已按{factor}换算为{unit}。",
        "en": "{name}: the data is in {given}; values were converted to {unit} (× {factor}).",
    },
    "share_over_100": {
        "zh": "{name}:实际值{actual}超过100%,比重指标不应超过100%,请核对。",
        "en": "{name}: actual {actual} is above 100 %, implausible for a share; please check.",
    },
    "growth_over_1000": {
        "zh": "{name}:较基期增长{growth},超过1000%,请核对基期值和实际值。",
        "en": "{name}: growth of {growth} over the baseline is above 1,000 %; please check the "
        "baseline and the actual.",
    },
    "target_below_baseline": {
        "zh": "{name}:目标值{target}劣于基期值{baseline},请核对。",
        "en": "{name}: the target {target} is worse than the baseline {baseline}; please check.",
    },
    "actual_equals_target_everywhere": {
        "zh": "所有{count}项指标的实际值都与目标值完全相同,请确认实际值不是从目标值复制的。",
        "en": "The actual equals the target for all {count} indicators; please make sure the "
        "actual values were not copied from the targets.",
    },
}

# Words of the reports (headings, column heads, header lines), shared by every format.
WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "创新型县(市、区)建设验收指标预检:{county}", "county": "县(市、区)",
        "ruleset": "规则集", "extends": "继承自", "data": "数据文件", "reference": "参考值文件",
        "assessed_on": "评估日期", "verdict": "结论",
        "summary": "约束性指标 {bm}/{bt} 项完成;预期性指标 {em}/{et} 项完成({share});"
                   "较基期增长超50%的指标 {g50} 项,超100%的 {g100} 项。",
        "score": "综合得分 {score}(合格线 {mark})。",
        "binding": "约束性指标", "expected": "预期性指标", "shortfalls": "未完成或未评价的指标",
        "warnings": "提示(不影响结论)", "text_items": "文字说明(不计分)",
        "basis": "规则集的依据与假设", "sources": "依据文件", "assumptions": "假设",
        "reconstruction": "规则集说明", "data_sources": "数据来源",
        "growth_profile": "增长情况", "completion_chart": "各指标完成率(100% 为达到要求)",
        "category_chart": "分类汇总", "category": "类别", "none": "无",
        "growth_line": "有增长率的指标 {n} 项:增长超50%的 {g50} 项,超100%的 {g100} 项。",
        "summary_sheet": "结论", "rules_sheet": "指标", "plan_sheet": "假设与达标路径",
        "not_applicable_count": "不适用的指标 {n} 项,不计入验收。",
        "provenance": "数据与规则来源", "requirement_mark": "要求", "generated_by": "生成工具",
        "data_rows": "涉及指标", "no_source": "数据未注明来源", "parents": "继承链",
        "what_if": "假设分析(数据已按下列修改,原文件未改动)",
        "verdict_moved": "结论由{before}变为{after}。",
        "verdict_kept": "结论仍为{after}。", "status_moved": "状态变化", "plan": "达标路径",
        "monitoring": "中期监测:{county}({base}年基期 → {target}年目标)",
        "monitor_year": "{year}年(时间进度{elapsed})",
        "projected": "若保持当前趋势,{target}年预计结论:{verdict}",
        "no_trend": "基期年尚无趋势,不作预计。",
        "progress_counts": "提前{ahead}项,按期{on_track}项,滞后{behind}项,无法判断{unknown}项。",
    },
    "en": {
        "title": "Innovative county acceptance pre-check: {county}", "county": "County",
        "ruleset": "Ruleset", "extends": "extends", "data": "Data file",
        "reference": "Reference file", "assessed_on": "Date of assessment", "verdict": "Verdict",
        "summary": "Binding {bm}/{bt} met; expected {em}/{et} met ({share}); {g50} indicators "
                   "grew by more than 50 % over the baseline, {g100} by more than 100 %.",
        "score": "Weighted score {score} (pass mark {mark}).",
        "binding": "Binding indicators", "expected": "Expected indicators",
        "shortfalls": "Indicators not met or not evaluated",
        "warnings": "Warnings (they do not change the verdict)",
        "text_items": "Text items (not scored)", "basis": "The ruleset's basis and assumptions",
        "sources": "Sources", "assumptions": "Assumptions", "reconstruction": "About this ruleset",
        "data_sources": "Data sources", "growth_profile": "Growth profile",
        "completion_chart": "Completion per indicator (100 % = requirement met)",
        "category_chart": "Summary by category", "category": "Category", "none": "none",
        "growth_line": "{n} indicators have a growth figure: {g50} grew by more than 50 %, "
                       "{g100} by more than 100 %.",
        "summary_sheet": "Summary", "rules_sheet": "Rules", "plan_sheet": "What-if and plan",
        "not_applicable_count": "{n} indicators do not apply to this county; not counted.",
        "provenance": "Where the numbers and rules come from", "requirement_mark": "required",
        "generated_by": "Generated by", "data_rows": "indicators",
        "no_source": "The data names no source", "parents": "Extends",
        "what_if": "What-if (the data was changed as below; the file itself is untouched)",
        "verdict_moved": "The verdict moved from {before} to {after}.",
        "verdict_kept": "The verdict stays {after}.", "status_moved": "Status changes",
        "plan": "The way to PASS",
        "monitoring": "Mid-term monitoring: {county} (base year {base} → target year {target})",
        "monitor_year": "{year} ({elapsed} of the time elapsed)",
        "projected": "If the trends hold, the verdict in {target}: {verdict}",
        "no_trend": "The base year has no trend yet: no projection.",
        "progress_counts": "{ahead} ahead, {on_track} on track, {behind} behind, {unknown} "
                           "unknown.",
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
}


THRESHOLD_LABELS: dict[str, LocalizedText] = {
    "target": LocalizedText(zh="目标值", en="target"),
    "absolute": LocalizedText(zh="标准值", en="standard"),
    "growth": LocalizedText(zh="增长要求值", en="growth requirement"),
    "reference": LocalizedText(zh="参考值", en="reference value"),
    "between": LocalizedText(zh="区间", en="range"),
}

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
    "actual": LocalizedText(zh="实际值", en="actual"),
    "target": LocalizedText(zh="目标值", en="target"),
    "baseline": LocalizedText(zh="基期值", en="baseline"),
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
    return Notice(code=code, indicator=indicator, zh=render(code, "zh", params),
                  en=render(code, "en", params))


OPERATOR_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def with_unit(value: Decimal | None, unit: str) -> str:
    """``2.50%``, ``2.77 亿元``: percent-like units attach, others take a space."""
    if value is None:
        return "—"
    return f"{value}{unit}" if unit in ("%", "‰") else f"{value} {unit}"
