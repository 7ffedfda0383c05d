"""The one message catalogue: every sentence the tool says, keyed by a stable code, in both
languages — reasons and notices of a result (rendered by engine/explain/messages.py) and the
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
        "zh": "未评价:按公式{formula}无法计算(除数为零,或结果超出可比较的范围)。",
        "en": "Not evaluated: its formula {formula} has no value (a division by zero, or a "
        "result beyond what can be compared).",
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
    # Notices of reading the file (engine/load/county.py).
    "columns_kept": {
        "zh": "以下列未用于评估,已随各行保留:{columns}。",
        "en": "Columns not used by the assessment, kept with each row: {columns}.",
    },
    "footer_rows_skipped": {
        "zh": "已跳过表格下方的说明、签字行(第{rows}行)。",
        "en": "Skipped the notes and signature rows below the table (rows {rows}).",
    },
    "section_rows_skipped": {
        "zh": "已跳过分类标题行(第{rows}行)。",
        "en": "Skipped the section heading rows (rows {rows}).",
    },
    "marker_missing": {
        "zh": "第{row}行“{field}”填写“{text}”,按缺失数据处理。",
        "en": "Row {row}, {field}: '{text}' read as missing data.",
    },
    "percent_looks_fraction": {
        "zh": "第{row}行“{field}”为{value},像是小数形式的比例;若指{percent}%,请填写{percent}。",
        "en": "Row {row}, {field}: {value} looks like a fraction; if it means {percent} %, "
        "write {percent}.",
    },
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
    # -- the acceptance dossier (engine/load/county.py, engine/load/evidence.py,
    # engine/pipeline.py): the one reason, then notices --
    "evidence_missing": {
        "zh": "未评价:数值已达到要求,但缺少佐证材料(或所列文件不在佐证材料目录中);"
        "按 --require-evidence 视为未评价。",
        "en": "Not evaluated: the value meets the requirement, but no evidence (佐证材料) is "
        "listed, or a file it lists is not in the evidence folder; --require-evidence counts "
        "it as not evaluated.",
    },
    "met_without_evidence": {
        "zh": "{name}:已完成,但未列佐证材料(缺佐证材料)。",
        "en": "{name}: met, but no evidence (佐证材料) is listed for it.",
    },
    "evidence_file_missing": {
        "zh": "第{row}行“{field}”所列佐证材料“{entry}”不在佐证材料目录{folder}中。",
        "en": "Row {row}, {field}: the evidence file '{entry}' is not in the evidence folder "
        "{folder}.",
    },
    "kind_differs_binding": {
        "zh": "第{row}行“{field}”为“{text}”,而规则集{ruleset}中该指标({id})为约束性指标;"
        "按规则集的约束性评估。",
        "en": "Row {row}, {field}: the table says '{text}', but ruleset {ruleset} makes this "
        "indicator ({id}) binding; it is assessed as binding.",
    },
    "kind_differs_expected": {
        "zh": "第{row}行“{field}”为“{text}”,而规则集{ruleset}中该指标({id})为预期性指标;"
        "按规则集的预期性评估。",
        "en": "Row {row}, {field}: the table says '{text}', but ruleset {ruleset} makes this "
        "indicator ({id}) expected; it is assessed as expected.",
    },
    "kind_unreadable": {
        "zh": "第{row}行“{field}”为“{text}”,不是约束性或预期性;已忽略,按规则集{ruleset}中该指标"
        "({id})的属性评估。",
        "en": "Row {row}, {field}: '{text}' is neither 约束性 (binding) nor 预期性 (expected); "
        "ignored, the indicator ({id}) is assessed as ruleset {ruleset} has it.",
    },
    # -- assess template and assess merge (engine/cli/template.py, engine/cli/merge.py) --
    "template_written": {
        "zh": "已写入{file}({rows}行)。",
        "en": "Wrote {file} ({rows} rows).",
    },
    "template_written_department": {
        "zh": "已写入{file}:{department},{rows}行。",
        "en": "Wrote {file}: {department}, {rows} rows.",
    },
    "merge_other_version": {
        "zh": "{file}是按规则集的另一版本(sha256:{made})制作的,已按现行版本(sha256:{now})读取。",
        "en": "{file} was made for another version of the ruleset (sha256:{made}); it was read "
        "with the current one (sha256:{now}).",
    },
    "merge_missing_head": {
        "zh": "尚有{count}行未填报:",
        "en": "{count} rows are still empty:",
    },
    "merge_missing": {
        "zh": "  {seq}{name}:{fields}(责任单位:{department})",
        "en": "  {seq}{name}: {fields} (owed by {department})",
    },
    "merge_complete": {
        "zh": "所有指标均已填报。",
        "en": "Every indicator is filled in.",
    },
    "merge_written": {
        "zh": "已合并{count}个文件,写入{file}。",
        "en": "Merged {count} files into {file}.",
    },
    # -- assess ruleset check (engine/cli/ruleset.py): the line of a ruleset without problems --
    "ruleset_checked": {
        "zh": "检查通过:{ruleset} {version}:{indicators}项指标(约束性{binding}项,预期性{expected}"
        "项),基础数据{inputs}项,文字项{text_items}项,判定方式为{policy}{extends};哈希值 {hash}",
        "en": "ok: {ruleset} {version}: {indicators} indicators ({binding} binding, {expected} "
        "expected), {inputs} inputs, {text_items} text items, policy {policy}{extends}; "
        "hash {hash}",
    },
    "ruleset_checked_extends": {
        "zh": ",继承{ruleset} {version}({hash})",
        "en": ", extends {ruleset} {version} ({hash})",
    },
}

# Where an input error is: the words around file, row, indicator and field.
LOCATION: dict[str, dict[str, str]] = {
    "row": {"zh": "第{row}行", "en": "row {row}"},
    "indicator": {"zh": "指标“{indicator}”", "en": "indicator '{indicator}'"},
    "field": {"zh": "列“{field}”", "en": "field '{field}'"},
    "cell": {"zh": "单元格{ref}", "en": "cell {ref}"},
    "column": {"zh": "{ref}列", "en": "column {ref}"},
    # In a ruleset file: a line of YAML and a key of the format.
    "line": {"zh": "第{row}行", "en": "line {row}"},
    "key": {"zh": "字段“{field}”", "en": "field '{field}'"},
    "problems": {"zh": "共{count}处问题：", "en": "{count} problems:"},
    "stopped": {
        "zh": "……已列出{limit}处问题，其余部分未再检查",
        "en": "… checking stopped after {limit} problems; the rest of the file was not read",
    },
    "more": {
        "zh": "……另有{count}处问题未列出(最多列出{limit}处)",
        "en": "… and {count} more (at most {limit} are listed)",
    },
}

# Errors of bad input: one entry per code; parameters in braces. A message says what is wrong
# and how to fix it; the location (file, row, indicator, field) is added by engine/errors.py.
ERRORS: dict[str, dict[str, str]] = {
    # -- reading files (engine/load/table.py, engine/load/files.py) --
    "csv_too_long": {
        "zh": "有{lines}行，超过上限{limit}行；一个县的指标表只有几十行，请检查文件。",
        "en": "has {lines} lines, more than the {limit} read; a county's table has dozens: check "
        "the file",
    },
    "csv_too_wide": {
        "zh": "有{limit}列以上，不像是一张指标表；请检查分隔符和文件。",
        "en": "has {limit} or more columns: not an indicator table; check the separator and the "
        "file",
    },
    "csv_fields": {
        "zh": "有{fields}个字段，而第一行有{width}个（含有“{separator}”的值须加英文双引号）。",
        "en": "has {fields} fields where the first row has {width} (a value that contains "
        "'{separator}' must be in double quotes)",
    },
    "csv_malformed": {
        "zh": "不是格式正确的CSV表格（{reason}）；请在Excel中重新另存为CSV。",
        "en": "is not a well-formed CSV table: {reason}",
    },
    "csv_quote": {
        "zh": '不是格式正确的CSV表格：双引号位置不对（请给整个值加引号，如"1,234"）。',
        "en": "is not a well-formed CSV table: a double quote is out of place (quote whole "
        'values: "1,234")',
    },
    "no_header": {
        "zh": "找不到含两列以上的表头行（指标、实际值……）；列之间请用逗号、制表符或分号分隔。",
        "en": "has no header row with two or more columns (indicator, actual, …); separate "
        "columns with commas, tabs or semicolons",
    },
    "header_two_rows": {
        "zh": "表头占了两行（第{row}行也是列名）；请只保留一行表头，每列一个名称。",
        "en": "the header spans two rows (row {row} holds column names too): keep a single "
        "header row with one name per column",
    },
    "sheet_of_csv": {
        "zh": "是CSV文件，没有工作表；--sheet只用于.xlsx工作簿。",
        "en": "is a CSV file and has no sheets; --sheet is for .xlsx workbooks",
    },
    "column_without_header": {
        "zh": "{column}有数据但没有列名；请填写列名或删除该列的内容。",
        "en": "{column} has data but no header; name the column or clear its cells",
    },
    "file_missing": {
        "zh": "文件不存在，请检查文件名和路径。",
        "en": "no such file; check the name and the folder",
    },
    "file_unreadable": {"zh": "无法读取：{reason}。", "en": "cannot be read: {reason}"},
    "file_not_regular": {
        "zh": "是{kind}，不是普通文件；请给出表格文件（.xlsx或.csv）。",
        "en": "is {kind}, not a regular file; give a table file (.xlsx or .csv)",
    },
    "file_too_large": {
        "zh": "超过{limit}字节的大小上限；一个县的指标表远小于此，请检查是否选错了文件。",
        "en": "is larger than {limit} bytes; a county's table is far smaller, check the file",
    },
    "file_empty": {"zh": "是空文件。", "en": "is empty"},
    "bom_not_utf8": {
        "zh": "以UTF-8标记开头，但第{at}字节起不是UTF-8文本；请在Excel中另存为“CSV UTF-8”。",
        "en": "starts with a UTF-8 BOM but is not UTF-8 (undecodable byte at {at}); save it "
        "as CSV UTF-8",
    },
    "bom_not_utf16": {
        "zh": "以UTF-16标记开头，但第{at}字节起不是UTF-16文本；请另存为“CSV UTF-8”或.xlsx。",
        "en": "starts with a UTF-16 BOM but is not UTF-16 (undecodable byte at {at}); save it "
        "as CSV UTF-8 or as .xlsx",
    },
    "encoding_refused": {
        "zh": "是{encoding}编码的文本，本工具只读UTF-8、UTF-16（带BOM）和GBK/GB18030；请在Excel中"
        "另存为“CSV UTF-8”或.xlsx。",
        "en": "is {encoding} text; only UTF-8, UTF-16 (with BOM) and GBK/GB18030 are read: save "
        "it as CSV UTF-8 or as .xlsx",
    },
    "encoding_unknown": {
        "zh": "既不是UTF-8也不是GBK/GB18030文本（第{at}字节无法解码）；"
        "请另存为“CSV UTF-8”或.xlsx。",
        "en": "is neither UTF-8 nor GBK/GB18030 text (undecodable byte at {at}); save it as CSV "
        "UTF-8 or as .xlsx",
    },
    "csv_nul": {
        "zh": "含有NUL字节，不是文本CSV文件。",
        "en": "contains NUL bytes: not a text CSV file",
    },
    "word_as_data": {
        "zh": "是Word文档，不是数据表；请将指标数据填入Excel填报表（可用 assess template 生成）"
        "或CSV文件后再评估。",
        "en": "is a Word document, not a data table: enter the indicators in a fill-in workbook "
        "(assess template makes one) or a CSV file",
    },
    "pdf_as_data": {
        "zh": "是PDF文件，不是数据表；请将指标数据填入Excel填报表（可用 assess template 生成）"
        "或CSV文件后再评估。",
        "en": "is a PDF file, not a data table: enter the indicators in a fill-in workbook "
        "(assess template makes one) or a CSV file",
    },
    "workbook_named_csv": {
        "zh": "实际是Excel工作簿，只是扩展名为{suffix}；请将扩展名改为.xlsx。",
        "en": "is an Excel workbook with a {suffix} name; rename it to .xlsx",
    },
    "old_excel": {
        "zh": "是旧版二进制Excel文件（.xls/.et），不能读取；请另存为.xlsx。",
        "en": "old binary Excel files are not read; save the sheet as .xlsx",
    },
    # -- county data (engine/load/county.py, engine/compile/facts.py) --
    "year_outside": {
        "zh": "{year}年不在规则集的{base}—{target}年（基期至目标年）之内。",
        "en": "year {year} is outside the ruleset's {base}–{target} (base year to target year)",
    },
    "in_county": {"zh": "“{county}”{year}:{problem}", "en": "county '{county}'{year}: {problem}"},
    "marker_is_number": {
        "zh": "“{marker}”是数字，不能作为缺失标记（0是数据，不是“无数据”）。",
        "en": "'{marker}' is a number and cannot mark missing data (0 is data, not 'no data')",
    },
    "column_twice": {
        "zh": "列“{column}”出现了两次（“{first}”和“{second}”）；请保留一列。",
        "en": "column '{column}' appears twice ('{first}' and '{second}'); keep one",
    },
    "column_missing": {
        "zh": "缺少必需的列“{column}”（也可写作：{aliases}）。",
        "en": "required column '{column}' is missing (or one of {aliases})",
    },
    "column_missing_like": {
        "zh": "缺少必需的列“{column}”（也可写作：{aliases}）；列“{like}”是否就是它？请改正列名。",
        "en": "required column '{column}' is missing (or one of {aliases}); did you mean the "
        "column '{like}'? Rename it",
    },
    "indicator_empty": {
        "zh": "指标名称为空；请填写指标名称或代码，或删除该行。",
        "en": "the indicator cell is empty; name the indicator or delete the row",
    },
    "indicator_unknown": {
        "zh": "规则集“{ruleset}”中没有指标“{name}”；请使用规则集中的指标名称或代码"
        "（assess ruleset show {show} 可列出全部指标）。",
        "en": "unknown indicator '{name}' (not in ruleset '{ruleset}'); use the ruleset's "
        "names or ids (assess ruleset show {show} lists them)",
    },
    "indicator_unknown_like": {
        "zh": "规则集“{ruleset}”中没有指标“{name}”；是否是“{like}”？",
        "en": "unknown indicator '{name}' (not in ruleset '{ruleset}'); did you mean {like}?",
    },
    "indicator_twice": {
        "zh": "指标“{id}”出现了两次（第{first}行和第{second}行）；请保留一行。",
        "en": "indicator '{id}' appears twice (rows {first} and {second}); keep one",
    },
    "no_indicator_rows": {
        "zh": "只有表头，没有指标行。",
        "en": "has a header but no indicator rows",
    },
    "county_empty": {
        "zh": "文件包含多个县或年份，但此行县（市、区）为空；请填写。",
        "en": "the county cell is empty in a file of several counties or years",
    },
    "year_invalid": {
        "zh": "“{text}”不是年份（请写作2022）。",
        "en": "year '{text}' is not a year (write it as 2022)",
    },
    "attribute_differs": {
        "zh": "各行填写的值不一致（{values}）；一个县只能有一个值。",
        "en": "gives different values ({values}); one county has one value",
    },
    "several_counties": {
        "zh": "包含多个县或年份（{listed}）；请按批量评估（assess命令会自动处理），"
        "或用load_counties读取。",
        "en": "holds several counties or years ({listed}); assess it as a batch (the assess "
        "command does) or read it with load_counties",
    },
    "county_option_for_batch": {
        "zh": "包含多个县，--county只能用于单个县的文件。",
        "en": "holds several counties; --county names the county of a one-county file",
    },
    "reference_per_county": {
        "zh": "参考值文件每个指标只给一个值，不分县或年份。",
        "en": "a reference file gives one value per indicator, not one per county or year",
    },
    "reference_not_indicator": {
        "zh": "“{id}”不是指标；参考值文件只给指标的参考值。",
        "en": "'{id}' is not an indicator; a reference file gives reference values of indicators",
    },
    "reference_disagrees": {
        "zh": "数据中的参考值为{data}，而参考值文件为{file_value}；请只保留一处。",
        "en": "the data gives reference {data} but the reference file gives {file_value}; keep one",
    },
    "unit_name_and_cell": {
        "zh": "单位列为“{cell}”，指标名称后括号中却写“{name}”；请统一。",
        "en": "the unit column says '{cell}' but the name says '({name})'; make them agree",
    },
    "unit_differs": {
        "zh": "单位“{unit}”与规则集对指标“{id}”规定的单位“{declared}”不同，且无法换算。",
        "en": "unit '{unit}' differs from the ruleset's unit '{declared}' for indicator '{id}' "
        "and does not convert to it",
    },
    "cell_date": {
        "zh": "单元格是日期（{text}），不是数字；请将单元格格式设为“常规”或“数值”后重新输入。",
        "en": "the cell holds a date ({text}), not a number; format it as General or Number "
        "and type the value again",
    },
    "cell_bool": {
        "zh": "单元格是逻辑值（{text}），不是数字。",
        "en": "the cell holds a boolean ({text}), not a number",
    },
    "cell_error_value": {
        "zh": "单元格是Excel错误值{text}；请改正公式或直接输入数值。",
        "en": "the cell holds the Excel error {text}; fix the formula or type the value",
    },
    "cell_percent_format": {
        "zh": "单元格设为百分比格式（显示为{text}），而该指标的单位是“{unit}”；请改为“常规”或“数值”"
        "格式。",
        "en": "the cell is formatted as a percentage (it shows {text}) but the indicator's unit "
        "is '{unit}'; format it as General or Number",
    },
    "number_invalid": {
        "zh": "“{text}”不是数字；请填写数字，未知时留空或填“—”。",
        "en": "'{text}' is not a number; write a number, or leave the cell blank if unknown",
    },
    "number_percent": {
        "zh": "“{text}”带有“%”，但该指标的单位不是%。",
        "en": "'{text}' carries a '%' but the indicator's unit is not %",
    },
    "number_too_long": {
        "zh": "“{text}”太长，不是数字。",
        "en": "'{text}' is too long to be a number",
    },
    "number_too_large": {
        "zh": "“{text}”的绝对值超过{limit}。",
        "en": "'{text}' is larger in magnitude than {limit}",
    },
    "count_negative": {
        "zh": "{value}{unit}：个数不能为负。",
        "en": "{value} {unit}: a count cannot be negative",
    },
    "text_item_number": {
        "zh": "“{id}”是文字项：请把文字写在备注或实际值列，数字列留空。",
        "en": "'{id}' is a text item: write its text in the note or actual column and leave the "
        "number columns blank",
    },
    "text_item_twice": {
        "zh": "文字项“{id}”在备注和实际值两列都有文字；请保留一处。",
        "en": "text item '{id}' has text in both note and actual; keep one",
    },
    # -- what the county's data must give its ruleset (engine/compile/facts.py) --
    "theme_unknown": {
        "zh": "规则集“{ruleset}”中没有建设主题“{value}”（可选：{known}）。",
        "en": "unknown theme '{value}' for ruleset '{ruleset}' (known: {known})",
    },
    "county_type_unknown": {
        "zh": "规则集“{ruleset}”中没有县域类型“{value}”（可选：{known}）。",
        "en": "unknown county type '{value}' for ruleset '{ruleset}' (known: {known})",
    },
    "theme_needed": {
        "zh": "指标“{id}”只适用于部分建设主题；请给出本县的建设主题（“建设主题”列，或--theme）。",
        "en": "indicator '{id}' applies only to some themes; give the county's theme (a 'theme' "
        "column, or --theme)",
    },
    "county_type_needed": {
        "zh": "指标“{id}”只适用于部分县域类型；请给出本县的县域类型（“县域类型”列，"
        "或--county-type）。",
        "en": "indicator '{id}' applies only to some county types; give the county's county type "
        "(a 'county_type' column, or --county-type)",
    },
    "derived_differs": {
        "zh": "{column}{given}与由基础数据按公式“{formula}”算得的{computed}不一致；"
        "请改正其中之一。",
        "en": "{column} {given} differs from {computed} computed from its inputs ({formula}); "
        "correct one of them",
    },
    "indicator_not_in_ruleset": {
        "zh": "规则集“{ruleset}”中没有指标“{id}”。",
        "en": "indicator '{id}' is not in ruleset '{ruleset}'",
    },
    "value_too_large": {
        "zh": "{value}太大，按{precision}位小数无法精确比较（最大为{limit}）；请核对数值和单位。",
        "en": "{value} is too large to compare exactly at {precision} decimals (at most {limit})",
    },
    # -- the acceptance dossier (engine/load/county.py, engine/load/evidence.py,
    # engine/load/annex.py, engine/pipeline.py) --
    "evidence_dir_invalid": {
        "zh": "佐证材料目录“{path}”不存在或不是目录；请给出存放佐证材料的目录。",
        "en": "the evidence folder '{path}' does not exist or is not a folder; give the folder "
        "that holds the evidence files",
    },
    "evidence_column_absent": {
        "zh": "{option}需要佐证材料列（表头：{aliases}），但文件中没有该列；"
        "请添加该列或去掉此选项。",
        "en": "{option} needs an evidence column (headed {aliases}), and the file has none; add "
        "the column or leave the option out",
    },
    "evidence_for_batch": {
        "zh": "{option}用于核对一个县的验收材料，此文件包含{count}个县或年份；请逐县核对。",
        "en": "{option} checks one county's dossier, and this file holds {count} counties or "
        "years; check them one county at a time",
    },
    "evidence_name_outside": {
        "zh": "佐证材料“{entry}”指向佐证材料目录{folder}之外（绝对路径、越出目录的“..”或"
        "指向目录外的符号链接），未予核对；请填写目录内的相对文件名。",
        "en": "the evidence '{entry}' points outside the evidence folder {folder} (an absolute "
        "path, a '..' above it, or a symbolic link out of it) and was not checked; give a file "
        "name relative to the folder",
    },
    "evidence_name_invalid": {
        "zh": "佐证材料“{entry}”含有控制字符，不是有效的文件名；请删除这些字符。",
        "en": "the evidence '{entry}' holds control characters and is no valid file name; "
        "remove them",
    },
    "expected_share_invalid": {
        "zh": "--expected-share的值“{text}”无效：应为0至100之间、最多两位小数的百分数"
        "（如75或66.67）。",
        "en": "--expected-share '{text}' is not valid: give a percentage from 0 to 100 with at "
        "most 2 decimals (such as 75 or 66.67)",
    },
    "expected_share_scored": {
        "zh": "规则集“{ruleset}”按加权得分判定（合格线{pass_mark}分），不按预期性指标完成比例，"
        "--expected-share不适用。",
        "en": "ruleset '{ruleset}' decides by a weighted score (pass mark {pass_mark}), not by a "
        "share of expected indicators, so --expected-share does not apply",
    },
    # -- what-if and monitoring (engine/plan/whatif.py: --set; engine/plan/monitor.py) --
    "set_syntax": {
        "zh": "请写作“指标=数值”或“指标.列=数值”，列为actual（实际值）、target（目标值）、"
        "baseline（基期值）或reference（参考值）。",
        "en": "give INDICATOR=VALUE or INDICATOR.FIELD=VALUE (FIELD: actual, target, baseline, "
        "reference)",
    },
    "set_value_empty": {
        "zh": "没有给出数值；请写作“指标=数值”或“指标.列=数值”，列为actual（实际值）、"
        "target（目标值）、baseline（基期值）或reference（参考值）。",
        "en": "the value is empty; give INDICATOR=VALUE or INDICATOR.FIELD=VALUE (FIELD: actual, "
        "target, baseline, reference)",
    },
    "set_unknown": {
        "zh": "规则集“{ruleset}”中没有指标或基础数据“{name}”；请使用规则集中的指标名称或代码"
        "（assess ruleset show {show} 可列出全部指标）。",
        "en": "'{name}' is not an indicator or input of ruleset '{ruleset}'; use the ruleset's "
        "names or ids (assess ruleset show {show} lists them)",
    },
    "set_unknown_like": {
        "zh": "规则集“{ruleset}”中没有指标或基础数据“{name}”；是否是“{like}”？",
        "en": "'{name}' is not an indicator or input of ruleset '{ruleset}'; did you mean {like}?",
    },
    "set_text_item": {
        "zh": "“{id}”是文字项，没有可修改的数值。",
        "en": "'{id}' is a text item; it holds no number",
    },
    "set_derived": {
        "zh": "“{id}”由公式“{formula}”计算，不能直接修改；请修改其基础数据（{inputs}）。",
        "en": "'{id}' is computed by its formula ({formula}); set its inputs instead ({inputs})",
    },
    "set_input_reference": {
        "zh": "“{id}”是基础数据，没有参考值。",
        "en": "'{id}' is a raw input; it takes no reference value",
    },
    "set_twice": {
        "zh": "给出了两次；每一项请只修改一次。",
        "en": "is given twice; give each change once",
    },
    "monitor_needs_years": {
        "zh": "规则集“{ruleset}”没有规定基期年和目标年（base_year、target_year，目标年须晚于"
        "基期年），无法进行中期监测。",
        "en": "ruleset '{ruleset}' needs base_year and target_year (target after base) for "
        "monitoring",
    },
    "monitor_one_county": {
        "zh": "中期监测只用于一个县，而数据中有{count}个县（{names}）。",
        "en": "monitoring is for one county; the data holds {count} ({names})",
    },
    "monitor_year_several": {
        "zh": "--year只用于一年的数据文件；此文件的“年份”列含有多个年份。",
        "en": "--year is for a file of one year; this one has a 'year' column with several years",
    },
    "monitor_year_missing": {
        "zh": "中期监测需要数据的年份：请添加“年份”列，或用--year给出。",
        "en": "monitoring needs the data's year: a 'year' column, or --year",
    },
    "monitor_year_contradicts": {
        "zh": "--year {year}与数据中的年份{data_year}不符。",
        "en": "--year {year} contradicts the data's year {data_year}",
    },
    # -- workbooks (engine/load/xlsx.py) --
    "xlsx_area_too_large": {
        "zh": "工作表的使用区域为{rows}行×{columns}列，超过{limit}个单元格，不像是一张指标表；"
        "请删除表格以外远处单元格中的内容。",
        "en": "the sheet's used area is {rows} rows × {columns} columns, more than {limit} cells: "
        "not an indicator table; clear the cells far outside the table",
    },
    "xlsx_unreadable": {
        "zh": "无法读取该文件（{reason}），请检查文件是否存在、是否已被其他程序占用。",
        "en": "cannot be read ({reason}); check that the file exists and is not locked by "
        "another program",
    },
    "xlsx_not_zip": {
        "zh": "不是.xlsx工作簿，请用Excel或WPS打开后另存为.xlsx格式。",
        "en": "is not an .xlsx workbook; open it in Excel or WPS and save it as .xlsx",
    },
    "xlsx_old_binary": {
        "zh": "是旧版的.xls工作簿或设置了打开密码的工作簿，请取消密码后另存为.xlsx格式。",
        "en": "is an old binary .xls workbook or a password-protected one: save it as .xlsx",
    },
    "xlsx_too_many_parts": {
        "zh": "工作簿内部由{count}个部件组成，超过{limit}个的上限，不像是一张指标表；"
        "请将指标表复制到新建的工作簿中保存后再提交。",
        "en": "is made of {count} parts, more than the {limit} allowed for an indicator table; "
        "copy the table into a new workbook and save that",
    },
    "xlsx_too_large": {
        "zh": "工作簿解压后约{size} MB，超过{limit} MB的上限；"
        "请将指标表复制到新建的工作簿中保存后再提交。",
        "en": "unpacks to about {size} MB, more than the {limit} MB allowed; copy the table into "
        "a new workbook and save that",
    },
    "xlsx_part_too_large": {
        "zh": "工作簿中的{part}解压后约{size} MB，超过{limit} MB的上限，文件可能已损坏；"
        "请将指标表复制到新建的工作簿中保存后再提交。",
        "en": "its part {part} unpacks to about {size} MB, more than the {limit} MB allowed (the "
        "file may be damaged); copy the table into a new workbook and save that",
    },
    "xlsx_too_many_strings": {
        "zh": "工作簿中的文字内容超过{limit}条，不像是一张指标表；"
        "请删除指标表以外的内容，或将指标表复制到新建的工作簿中保存后再提交。",
        "en": "holds more than {limit} distinct texts, far more than an indicator table; delete "
        "what is not part of the table, or copy the table into a new workbook and save that",
    },
    "xlsx_too_many_cells": {
        "zh": "工作簿中填有内容的单元格超过{limit}个，不像是一张指标表；"
        "请删除指标表以外的内容，或将指标表复制到新建的工作簿中保存后再提交。",
        "en": "has more than {limit} filled cells, far more than an indicator table; delete what "
        "is not part of the table, or copy the table into a new workbook and save that",
    },
    "xlsx_outside_columns": {
        "zh": "工作表“{sheet}”的单元格{cell}在表格可用的列（A至{last}列）以外，却填有内容；"
        "请删除该单元格的内容。",
        "en": "cell {cell} of sheet '{sheet}' holds data outside the table's columns "
        "(A–{last}); delete it",
    },
    "xlsx_outside_rows": {
        "zh": "工作表“{sheet}”的单元格{cell}在第{limit}行以下，超出表格可用的行数，却填有内容；"
        "请删除该单元格的内容。",
        "en": "cell {cell} of sheet '{sheet}' holds data below row {limit}, the last row a table "
        "may use; delete it",
    },
    "xlsx_formula_no_value": {
        "zh": "单元格中是公式“{formula}”，但没有保存计算结果；"
        "请用Excel或WPS打开工作簿并保存，或直接填写数值。",
        "en": "cell has the formula '{formula}' but no computed value (open and save the "
        "workbook in Excel or WPS, or type the value)",
    },
    "xlsx_formula_no_value_shared": {
        "zh": "单元格中是公式（由单元格{origin}的公式填充而来），但没有保存计算结果；"
        "请用Excel或WPS打开工作簿并保存，或直接填写数值。",
        "en": "cell has a formula (filled in from cell {origin}) but no computed value (open and "
        "save the workbook in Excel or WPS, or type the value)",
    },
    "xlsx_damaged": {
        "zh": "工作簿已损坏（{detail}），请用Excel或WPS打开后重新保存。",
        "en": "is a damaged .xlsx workbook ({detail}); open it in Excel or WPS and save it again",
    },
    "xlsx_no_sheet": {
        "zh": "工作簿中没有名为“{sheet}”的工作表，现有的工作表是：{sheets}。"
        "请核对--sheet后的名称。",
        "en": "has no sheet named '{sheet}'; its sheets are {sheets}: check the name after --sheet",
    },
    "xlsx_several_sheets": {
        "zh": "工作簿中有{count}个工作表填有数据（{sheets}），"
        "请用“--sheet 工作表名称”指定其中一个。",
        "en": "has {count} sheets with data ({sheets}); choose one with --sheet NAME",
    },
    "xlsx_empty": {
        "zh": "工作簿是空的，没有任何工作表填有数据。",
        "en": "is empty",
    },
    "xlsx_sheet_empty": {
        "zh": "工作表“{sheet}”是空的，没有填写任何数据。",
        "en": "sheet '{sheet}' is empty",
    },
    # -- rulesets (engine/load/ruleset.py, engine/model/ruleset.py, engine/formula.py) --
    "annex_column_missing": {
        "zh": "指标表缺少“{column}”列（也可写作：{aliases}）。",
        "en": "the annex table has no '{column}' column (or one of {aliases})",
    },
    "annex_empty": {
        "zh": "指标表中没有指标行（每行需有指标名称、指标属性和目标值）。",
        "en": "the annex table has no indicator rows (each needs a name, a kind and a target)",
    },
    "annex_cell_empty": {
        "zh": "“{column}”为空；指标表的每个指标都需填写。",
        "en": "'{column}' is empty; every indicator of an annex needs it",
    },
    "annex_kind": {
        "zh": "指标属性“{text}”应为“约束性”或“预期性”。",
        "en": "the kind '{text}' must be 约束性 (binding) or 预期性 (expected)",
    },
    "annex_direction": {
        "zh": "方向“{text}”应为“越高越好”或“越低越好”。",
        "en": "the direction '{text}' must be 越高越好 (higher is better) or 越低越好 (lower)",
    },
    "annex_precision": {
        "zh": "精度“{text}”应为0至6的整数（比较时保留的小数位数）。",
        "en": "the precision '{text}' must be a whole number from 0 to 6 (decimals compared)",
    },
    "ruleset_invalid": {"zh": "{problem}", "en": "{problem}"},
    "ruleset_unknown": {
        "zh": "没有名为“{name}”的规则集（内置规则集：{bundled}；也可给出规则集文件的路径）。",
        "en": "unknown ruleset '{name}' (bundled: {bundled}; or give a path)",
    },
    "ruleset_unknown_like": {
        "zh": "没有名为“{name}”的规则集；是否是“{like}”？内置规则集：{bundled}；"
        "也可给出规则集文件的路径。",
        "en": "unknown ruleset '{name}'; did you mean {like}? (bundled: {bundled}; or give a path)",
    },
    "ruleset_missing": {
        "zh": "规则集文件不存在，请检查文件名和路径。",
        "en": "no such ruleset file",
    },
    "ruleset_not_regular": {
        "zh": "不是普通文件（是{kind}），请给出规则集YAML文件。",
        "en": "is not a regular file ({kind}); give a ruleset YAML file",
    },
    "ruleset_unreadable": {
        "zh": "无法读取：{reason}。",
        "en": "cannot be read: {reason}",
    },
    "ruleset_too_large": {
        "zh": "超过{limit}字节的大小上限；规则集文件远小于此，请检查是否选错了文件。",
        "en": "is larger than {limit} bytes; a ruleset is far smaller, check the file",
    },
    "word_as_ruleset": {
        "zh": "是Word文档，不能作为指标体系读取；如是本县的指标附件，请把其中的指标表复制到Excel，"
        "另存为.xlsx后再用 --ruleset 指定。",
        "en": "is a Word document and cannot be read as a ruleset; if it is the county's indicator "
        "annex, copy its table into Excel, save that as .xlsx and give it to --ruleset",
    },
    "pdf_as_ruleset": {
        "zh": "是PDF文件，不能作为指标体系读取；如是本县的指标附件，请把其中的指标表录入Excel，"
        "另存为.xlsx后再用 --ruleset 指定。",
        "en": "is a PDF file and cannot be read as a ruleset; if it is the county's indicator "
        "annex, enter its table in Excel, save that as .xlsx and give it to --ruleset",
    },
    "ruleset_not_utf8": {
        "zh": "不是UTF-8文本，请以UTF-8编码保存。",
        "en": "is not UTF-8 text; save it as UTF-8",
    },
    "ruleset_yaml": {"zh": "第{line}行：{problem}。", "en": "line {line}: {problem}"},
    "ruleset_yaml_character": {
        "zh": "第{line}行：含有YAML不允许的字符（{character}）。",
        "en": "line {line}: holds a character YAML does not allow ({character})",
    },
    "ruleset_yaml_invalid": {
        "zh": "不是有效的YAML文本。",
        "en": "is not valid YAML",
    },
    "ruleset_not_mapping": {
        "zh": "规则集应为YAML映射（含id、version、indicators等键）。",
        "en": "a ruleset is a YAML mapping (id, version, indicators, …)",
    },
    "ruleset_not_ruleset": {
        "zh": "不是规则集文件：其中没有规则集的任何键（id、version、indicators等）。",
        "en": "is not a ruleset: it has none of the keys a ruleset has (id, version, "
        "indicators, …)",
    },
    "ruleset_extends_text": {
        "zh": "继承了其他规则集（extends），请用load_ruleset从文件读取。",
        "en": "extends a ruleset: load it from a file with load_ruleset",
    },
    "ruleset_extends_outside": {
        "zh": "“{parent}”在本规则集所在文件夹以外；"
        "上级规则集应为内置规则集名称，或本文件旁的文件。",
        "en": "'{parent}' is outside this ruleset's folder; a parent is a bundled ruleset name "
        "or a file beside this one",
    },
    "ruleset_parent_missing": {
        "zh": "上级规则集文件“{parent}”不存在（路径相对于本文件所在文件夹）。",
        "en": "no such ruleset file '{parent}' (a path is relative to this file's folder)",
    },
    "ruleset_parent_not_regular": {
        "zh": "上级规则集“{parent}”不是普通文件（是{kind}）。",
        "en": "the parent '{parent}' is not a regular file ({kind})",
    },
    "ruleset_extends_cycle": {
        "zh": "继承关系形成循环：{cycle}。",
        "en": "extends cycle: {cycle}",
    },
    "ruleset_extends_too_deep": {
        "zh": "继承链超过{limit}个规则集，请减少继承层级。",
        "en": "extends chain is longer than {limit} rulesets",
    },
    "ruleset_in_parent": {
        "zh": "上级规则集{parent}有误：{problem}",
        "en": "in the parent ruleset {parent}: {problem}",
    },
    "ruleset_override_unknown": {
        "zh": "overrides中的指标“{id}”：上级规则集“{parent}”没有该指标（现有指标：{known}）。",
        "en": "overrides of indicator '{id}': '{parent}' has no such indicator (it has: {known})",
    },
    "ruleset_rule_fields": {
        "zh": "本规则集需要{fields}个规则字段，而durable-rules在一个事实中最多比较{limit}个："
        "需要县级目标值的指标最多{with_target}项，阈值为常数的指标最多{constant}项。",
        "en": "this ruleset needs {fields} rule fields; durable-rules can compare at most {limit} "
        "in one fact — at most {with_target} indicators with a county target, or {constant} "
        "with constant thresholds",
    },
    # -- output (engine/report/output.py) --
    "output_over_input": {
        "zh": "是输入文件（{input}），不能用报告覆盖；请另选输出文件。",
        "en": "refusing to write the report over an input file ({input}); choose another "
        "output file",
    },
    "output_named_twice": {
        "zh": "被指定为本次运行的两个输出；请为每个输出另选文件。",
        "en": "is named for two outputs of one run; give each output a file of its own",
    },
    "output_folder_missing": {
        "zh": "所在文件夹不存在；请先创建该文件夹或另选位置。",
        "en": "the output folder does not exist; create it first or choose another folder",
    },
    "output_is_folder": {
        "zh": "是文件夹；请给出报告的文件名。",
        "en": "is a folder; give a file name for the report",
    },
    "output_device_refused": {
        "zh": "是{kind}；报告只写入普通文件、终端、管道或/dev/null，请另选输出文件。",
        "en": "is {kind}; a report is written only to a file, a terminal, a pipe or /dev/null: "
        "choose another output",
    },
    "output_fifo_no_reader": {
        "zh": "是命名管道，但没有程序在读取；请先启动读取端，或改为写入普通文件。",
        "en": "is a named pipe with no reader; start the reading program first or write to a file",
    },
    "output_no_space": {
        "zh": "无法写入：设备空间不足；请清理空间或另选位置。",
        "en": "cannot be written: no space left on device; free some space or choose another place",
    },
    "output_not_writable": {
        "zh": "无法写入：{reason}；请改选有写入权限的位置。",
        "en": "cannot be written: {reason}; choose a folder you can write to",
    },
    "output_write_failed": {
        "zh": "无法写入：{reason}。",
        "en": "cannot be written: {reason}",
    },
    # -- command line (engine/cli.py) --
    "source_date_epoch": {
        "zh": "环境变量SOURCE_DATE_EPOCH的值{value}不是可用的时间（应为1970年以来的秒数）。",
        "en": "the environment variable's value {value} is not a usable time (seconds since 1970)",
    },
    "csv_needs_file": {
        "zh": "CSV报告由两个文件组成（汇总表和.rules.csv逐项表），请给出文件名，而不是设备或管道。",
        "en": "the csv report is two files (the summary and X.rules.csv): give a file name, "
        "not a device or a pipe",
    },
    "stdout_unwritable": {
        "zh": "无法写入标准输出：{reason}。",
        "en": "cannot write the report: {reason}",
    },
    # -- the web page and its API (engine/serve) --
    "serve_too_large": {
        "zh": "上传的内容超过{limit}字节的上限，未读取；请上传较小的文件。",
        "en": "the upload is larger than the limit of {limit} bytes and was not read; upload a "
        "smaller file",
    },
    "serve_file_missing": {
        "zh": "没有上传文件；请选择{what}。",
        "en": "no file was uploaded; choose {what}",
    },
    "serve_file_type": {
        "zh": "不是可读取的文件类型（{suffix}）；请上传{accepted}文件。",
        "en": "is not a file type that can be read ({suffix}); upload a {accepted} file",
    },
    "serve_ruleset_missing": {
        "zh": "没有选择规则集；请选择内置规则集，或上传规则集（YAML）或规划指标附表。",
        "en": "no ruleset was chosen; choose a bundled ruleset or upload a ruleset (YAML) or a "
        "plan annex",
    },
    "serve_ruleset_twice": {
        "zh": "既选择了内置规则集又上传了规则集文件；请只用其中一个。",
        "en": "both a bundled ruleset and a ruleset file were given; use one of them",
    },
    "serve_ruleset_unknown": {
        "zh": "没有名为{name}的内置规则集；可选：{choices}。",
        "en": "there is no bundled ruleset named {name}; the bundled ones are {choices}",
    },
    "serve_one_county": {
        "zh": "模拟测算和差距计算只用于一个县的数据；此文件含{count}个县或年份"
        "（多年数据请用中期监测）。",
        "en": "the what-if and the gap to PASS are for one county; this file holds {count} "
        "counties or years (use Monitor for several years)",
    },
    "serve_field_invalid": {
        "zh": "表单内容无效：{reason}。",
        "en": "the form is not valid: {reason}",
    },
    "serve_county_not_found": {
        "zh": "数据表中没有{county}的数据。",
        "en": "the table holds no data for {county}",
    },
    "serve_timeout": {
        "zh": "处理超过{seconds}秒，已停止，未作结论；文件可能过大或过于复杂。",
        "en": "processing took longer than {seconds} seconds and was stopped, no verdict was "
        "made; the file may be too large or too complex",
    },
    "serve_slow_upload": {
        "zh": "上传在{seconds}秒内未完成，已停止。",
        "en": "the upload did not finish within {seconds} seconds and was stopped",
    },
    "serve_bad_request": {
        "zh": "请求无法解析：{reason}。",
        "en": "the request cannot be read: {reason}",
    },
    "serve_token": {
        "zh": "需要访问口令：请打开服务启动时显示的带 token 的网址，"
        "或在请求头中提供 Authorization: Bearer 口令。",
        "en": "an access token is required: open the address with ?token=… that the server "
        "printed when it started, or send Authorization: Bearer TOKEN",
    },
    "serve_cross_site": {
        "zh": "拒绝来自其他网站或页面的提交；请在本服务的页面上操作。",
        "en": "a submission from another site or page is refused; use this server's own page",
    },
    "serve_host": {
        "zh": "拒绝：{host}不是本服务的地址。",
        "en": "refused: {host} is not this server's address",
    },
    "serve_not_found": {
        "zh": "没有这个地址：{path}。",
        "en": "there is no such address: {path}",
    },
    "serve_method": {
        "zh": "此地址不接受{method}请求。",
        "en": "this address does not take {method} requests",
    },
    "serve_internal": {
        "zh": "内部错误，未作结论；请把文件和操作告诉维护人员。",
        "en": "an internal error, no verdict was made; please report the file and what you did",
    },
    # -- assess template and assess merge (engine/cli/template.py, engine/load/merge.py) --
    "template_output_not_xlsx": {
        "zh": "不是.xlsx文件名；填报表是.xlsx工作簿，请给出以.xlsx结尾的文件名。",
        "en": "is not an .xlsx file name; the form is an .xlsx workbook: give a name ending in "
        ".xlsx",
    },
    "template_output_folder": {
        "zh": "既不是已有的文件夹，也不是.xlsx文件名；--by-department需要一个文件夹或“名称.xlsx”"
        "（各部门的文件为“名称-部门.xlsx”）。",
        "en": "is neither an existing folder nor an .xlsx file name; --by-department takes a "
        "folder or NAME.xlsx (each department's workbook is NAME-department.xlsx)",
    },
    "merge_conflict": {
        "zh": "“{name}”的{column}有两个不同的值：{first}第{first_row}行为{first_value}，"
        "{second}第{second_row}行为{second_value}；请核实后只保留正确的一个，再合并。",
        "en": "'{name}' has two different {column} values: {first_value} in {first} row "
        "{first_row}, {second_value} in {second} row {second_row}; keep the right one and "
        "merge again",
    },
    "merge_other_ruleset": {
        "zh": "是规则集“{found}”的填报表，不是“{expected}”的；请只合并同一规则集的填报表。",
        "en": "is a form of ruleset '{found}', not of '{expected}'; merge the forms of one "
        "ruleset only",
    },
    "merge_rulesets_differ": {
        "zh": "是规则集“{second}”的填报表，而{other}是“{first}”的；请只合并同一规则集的填报表。",
        "en": "is a form of ruleset '{second}', while {other} is one of '{first}'; merge the "
        "forms of one ruleset only",
    },
    "merge_ruleset_unknown": {
        "zh": "没有标明规则集（表头上方的“规则集：”一行）；请用--ruleset指定规则集。",
        "en": "does not name its ruleset (the 'Ruleset:' line above the header); give it with "
        "--ruleset",
    },
    "merge_ruleset_not_bundled": {
        "zh": "是规则集“{id}”的填报表，该规则集不是内置规则集；请用--ruleset给出它的文件。",
        "en": "is a form of ruleset '{id}', which is not bundled; give its file with --ruleset",
    },
    "merge_counties_differ": {
        "zh": "县（市、区）为“{second}”，而{other}为“{first}”；请只合并同一个县的填报表。",
        "en": "names the county '{second}', while {other} names '{first}'; merge one county's "
        "forms only",
    },
}


#: The command line's usage errors: an option that does not fit, or is missing or wrong
#: (engine/cli/usage.py; exit code 2). Click's own are worded in Chinese from the entries named
#: ``click_…``; in English they are click's own message, as the ``en`` entries show.
USAGE: dict[str, dict[str, str]] = {
    # -- click's own (engine/cli/usage.py words them from click's exception) --
    "click_no_such_option": {
        "zh": "没有“{option}”这个选项。{suggestion}",
        "en": "No such option '{option}'. {suggestion}",
    },
    "click_no_such_command": {
        "zh": "没有“{command}”这个命令。{suggestion}",
        "en": "No such command '{command}'. {suggestion}",
    },
    "click_did_you_mean": {
        "zh": "是否要用{possibilities}？",
        "en": "Did you mean {possibilities}?",
    },
    "click_needs_value": {
        "zh": "选项“{option}”后面需要给出一个值。",
        "en": "Option '{option}' requires an argument.",
    },
    "click_missing_argument": {"zh": "缺少参数{hint}。", "en": "Missing argument {hint}."},
    "click_missing_option": {"zh": "缺少选项{hint}。", "en": "Missing option {hint}."},
    "click_not_a_choice": {
        "zh": "{hint} 的值“{value}”无效，可选值为：{choices}。",
        "en": "Invalid value for {hint}: '{value}' is not one of {choices}.",
    },
    "click_not_a_date": {
        "zh": "{hint} 的值“{value}”不是日期，应写作 {formats}（如 2026-12-01）。",
        "en": "Invalid value for {hint}: '{value}' does not match the format {formats}.",
    },
    "click_not_an_integer": {
        "zh": "{hint} 的值“{value}”不是整数。",
        "en": "Invalid value for {hint}: '{value}' is not a valid integer.",
    },
    "click_bad_value": {
        "zh": "{hint} 的值无效：{message}",
        "en": "Invalid value for {hint}: {message}",
    },
    "click_extra_arguments": {
        "zh": "多余的参数：{arguments}。",
        "en": "Got unexpected extra argument(s) ({arguments})",
    },
    "usage_see_help": {"zh": "（参见 '{command} --help'）", "en": " (see '{command} --help')"},
    # -- ours: what does not fit together (engine/cli/*.py) --
    "usage_plan_rete": {
        "zh": "--set 与 --plan 用 durable-rules 评估一个县（--engine rete）",
        "en": "--set and --plan assess one county with durable-rules (--engine rete)",
    },
    "usage_plan_csv": {
        "zh": "--set 与 --plan 用于一个县；csv 报告是批量评估的汇总表",
        "en": "--set and --plan are for one county; the csv report is a batch's summary table",
    },
    "usage_plan_batch": {
        "zh": "--set 与 --plan 用于一个县；此文件含 {n} 个县或年份（跟踪一个县历年的情况请用 "
        "'assess monitor'）",
        "en": "--set and --plan are for one county; this file holds {n} counties or years "
        "('assess monitor' follows one county over its years)",
    },
    "usage_evidence_batch": {
        "zh": "{subject}一个县的验收材料；批量评估（--format csv、--engine vector）不报告佐证材料",
        "en": "{subject} one county's dossier; a batch (--format csv, --engine vector) "
        "reports no evidence",
    },
    "usage_evidence_plan": {
        "zh": "--require-evidence 决定一次评估的结论；--set 与 --plan 评估的是修改后的副本，不含"
        "此项（可用 --evidence-dir 查看佐证材料的核对情况）",
        "en": "--require-evidence decides one assessment's verdict; --set and --plan assess "
        "modified copies without it (use --evidence-dir to see the evidence checked)",
    },
    "usage_legacy_option": {
        "zh": "{old} 不接受 {option}（现为 '{new}'）",
        "en": "{old} takes no {option} (now '{new}')",
    },
    "usage_legacy_format": {
        "zh": "{old} 只以 text 或 json 报告（其发现的错误），不支持 {fmt}",
        "en": "{old} reports as text or json (its errors), not {fmt}",
    },
    "usage_monitor_alone": {
        "zh": "--monitor 自成一种报告；使用 --set 或 --plan 时请不要同时给出它",
        "en": "--monitor is a report of its own; use --set or --plan without it",
    },
    "usage_monitor_rete": {
        "zh": "--monitor 用 durable-rules 评估一个县（--engine rete）",
        "en": "--monitor assesses one county with durable-rules (--engine rete)",
    },
    "usage_monitor_needs": {
        "zh": "请给出县的数据文件 FILE 和 --ruleset：assess monitor FILE -r NAME",
        "en": "give a county FILE and --ruleset: assess monitor FILE -r NAME",
    },
    "usage_check_needs": {
        "zh": "请给出县的数据文件 FILE 和 --ruleset NAME|PATH，或一个命令",
        "en": "give a county FILE and --ruleset NAME|PATH, or a command",
    },
    "usage_ruleset_needed": {
        "zh": "请用 --ruleset 给出评估 {file} 的规则集：内置规则集的名称（见 'assess ruleset "
        "list'），或规则集文件、县级建设方案指标表的路径",
        "en": "give the ruleset to assess {file} against with --ruleset: a bundled ruleset's name "
        "(see 'assess ruleset list') or a ruleset or plan annex file",
    },
    "usage_year_monitor": {
        "zh": "--year 用于 --monitor（现为 'assess monitor FILE --year YEAR'）",
        "en": "--year is for --monitor (now 'assess monitor FILE --year YEAR')",
    },
    "usage_expected_share": {
        "zh": "--expected-share 的值“{text}”无效：应为 0 到 100 之间、至多两位小数的百分数（如 75 "
        "或 66.67）",
        "en": "Invalid value for --expected-share: '{text}' is not a percentage from 0 to 100 "
        "with at most 2 decimals (such as 75 or 66.67)",
    },
    "usage_format_kind": {
        "zh": "{what}的格式为 {formats}，不支持 {fmt}{hint}",
        "en": "{what} is reported as {formats}, not {fmt}{hint}",
    },
    "usage_date_unused": {
        "zh": "--date 不起作用：{what}不打印日期（日期只印在一个县的 {formats} 报告中）",
        "en": "--date would change nothing: {what} prints no date (it is printed in one "
        "county's {formats} reports)",
    },
    "usage_suffix_mismatch": {
        "zh": "-o {output} 是 {suffix} 文件，而报告格式为 {fmt}，写出的文件将无法打开；"
        "请改用 -f {formats}，或另取文件名",
        "en": "-o {output} is a {suffix} file but the report is {fmt}: it would not open; give "
        "-f {formats}, or another file name",
    },
    "usage_binary_terminal": {
        "zh": "{fmt} 报告是二进制文件：请用 --output 文件名.{suffix} 写入文件",
        "en": "the {fmt} report is a binary file: give --output FILE.{suffix}",
    },
    "usage_undeclared_theme": {
        "zh": "--theme：规则集 '{ruleset}' 未规定建设主题，此选项不起作用",
        "en": "--theme: ruleset '{ruleset}' declares no themes, so it would change nothing",
    },
    "usage_undeclared_county_type": {
        "zh": "--county-type：规则集 '{ruleset}' 未规定县域类型，此选项不起作用",
        "en": "--county-type: ruleset '{ruleset}' declares no county types, so it would change "
        "nothing",
    },
    "usage_merge_needs": {
        "zh": "请给出要合并的各部门填报工作簿",
        "en": "give the departments' workbooks to merge",
    },
    "usage_ruleset_needs": {
        "zh": "请给出 ruleset 的命令：list、show NAME、check NAME|PATH 或 schema",
        "en": "give a ruleset command: list, show NAME, check NAME|PATH or schema",
    },
    "usage_annex_share": {
        "zh": "--expected-share 的值“{text}”不是数字",
        "en": "Invalid value for --expected-share: '{text}' is not a number",
    },
    "usage_county_name": {
        "zh": "--county：请给出县（市、区）的名称",
        "en": "--county: give the county's name",
    },
    "usage_token_short": {
        "zh": "--token：至少需要 16 个字符（或不给出）",
        "en": "--token: give at least 16 characters (or leave it out)",
    },
    "serve_needs_packages": {
        "zh": "assess serve 需要网页组件（{package}）：pip install 'county-assess[serve]'",
        "en": "assess serve needs the web packages ({package}): pip install 'county-assess[serve]'",
    },
    "serve_cannot_listen": {
        "zh": "无法在 {host}:{port} 上监听：{reason}",
        "en": "cannot listen on {host}:{port}: {reason}",
    },
}


def errors_table() -> str:
    """Every error code with its English and Chinese sentence, as a Markdown table for
    docs/errors.md (``python -m engine.catalogue docs/errors.md`` rewrites that section)."""
    rows = ["| code | message | 说明 |", "|---|---|---|"]
    for code, entry in sorted({**ERRORS, **USAGE}.items()):
        cells = [entry["en"], entry["zh"]]
        rows.append(f"| `{code}` | " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


_START, _END = (
    "<!-- error codes: generated by python -m engine.catalogue docs/errors.md -->",
    ("<!-- end of error codes -->"),
)


def with_errors_table(document: str) -> str:
    """``document`` with its generated section replaced by the current table."""
    head, rest = document.split(_START, 1)
    _, tail = rest.split(_END, 1)
    return f"{head}{_START}\n\n{errors_table()}\n{_END}{tail}"


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    import sys
    from pathlib import Path

    target = Path(sys.argv[1])
    target.write_text(with_errors_table(target.read_text(encoding="utf-8")), encoding="utf-8")
