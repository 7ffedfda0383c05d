"""The one message catalogue: every sentence the tool says, keyed by a stable code, in both
languages — reasons and notices of a result (rendered by engine/report/messages.py) and the
errors of bad input (rendered by engine/errors.py).

It imports nothing of the engine, so every stage may use it.
"""

from __future__ import annotations

REPORT: dict[str, dict[str, str]] = {
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

# Where an input error is: the words around file, row, indicator and field.
LOCATION: dict[str, dict[str, str]] = {
    "row": {"zh": "第{row}行", "en": "row {row}"},
    "indicator": {"zh": "指标“{indicator}”", "en": "indicator '{indicator}'"},
    "field": {"zh": "列“{field}”", "en": "field '{field}'"},
    "problems": {"zh": "共{count}处问题:", "en": "{count} problems:"},
    "more": {"zh": "……另有{count}处问题未列出(最多列出{limit}处)", "en": "… and {count} more "
             "(at most {limit} are listed)"},
}

# Errors of bad input: one entry per code; parameters in braces. A message says what is wrong
# and how to fix it; the location (file, row, indicator, field) is added by engine/errors.py.
ERRORS: dict[str, dict[str, str]] = {
    # -- reading files (engine/load/table.py, engine/load/files.py) --
    # -- county data (engine/load/county.py, engine/compile/facts.py) --
    # -- workbooks (engine/load/xlsx.py) --
    # -- rulesets (engine/load/ruleset.py, engine/model/ruleset.py, engine/formula.py) --
    # -- output (engine/report/output.py) --
    # -- command line (engine/cli.py) --
}
