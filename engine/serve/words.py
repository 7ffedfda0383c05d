"""The page's own words (headings, labels, buttons), in Chinese and English.

The sentences about the data (reasons, verdicts, notices) and every error come from the engine's
catalogue (engine/catalogue.py); these are only the labels of the page around them.
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

WORDS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "创新型县建设验收预检", "en": "Innovative-county acceptance pre-check"},
    "nav_check": {"zh": "检查一个县", "en": "Check a county"},
    "nav_prepare": {"zh": "准备填报", "en": "Prepare"},
    "nav_plan": {"zh": "差距与模拟测算", "en": "Plan"},
    "nav_monitor": {"zh": "中期监测", "en": "Monitor"},
    "nav_province": {"zh": "全省汇总", "en": "A province"},
    "other_lang": {"zh": "English", "en": "中文"},
    "offline": {
        "zh": "本页面只在本机运行:上传的文件只在处理时使用,处理完即删除,不保存、不外传。",
        "en": "This page runs on this computer: uploaded files are used while they are processed, "
        "then deleted; nothing is kept or sent anywhere.",
    },
    "ruleset": {"zh": "规则集", "en": "Ruleset"},
    "ruleset_bundled": {"zh": "内置规则集", "en": "A bundled ruleset"},
    "ruleset_own": {
        "zh": "或上传规则集(YAML)或规划指标附表(xlsx、CSV)",
        "en": "or upload a ruleset (YAML) or a plan annex table (xlsx, CSV)",
    },
    "ruleset_from_table": {
        "zh": "(不选:完成情况表按其自身的属性和目标值评价)",
        "en": "(none: a completion table is assessed against its own 属性 and 目标值)",
    },
    "county_file": {"zh": "县(市、区)指标数据表", "en": "The county's indicator table"},
    "batch_file": {
        "zh": "多个县的数据表(含“县市区”列)",
        "en": "A table of several counties (with a county column)",
    },
    "monitor_file": {
        "zh": "多年数据表(含“年份”列)",
        "en": "A table of several years (with a year column)",
    },
    "file_hint": {
        "zh": "xlsx 或 CSV;可把文件拖到这里,或点击选择。",
        "en": "xlsx or CSV; drop the file here or click to choose it.",
    },
    "check_button": {"zh": "检查", "en": "Check"},
    "plan_button": {"zh": "计算差距", "en": "Find the gap"},
    "monitor_button": {"zh": "查看进度", "en": "Show progress"},
    "province_button": {"zh": "汇总", "en": "Summarise"},
    "errors_title": {
        "zh": "文件有问题,未作结论。请修改后重新上传:",
        "en": "The input has problems; no verdict was made. Fix them and upload again:",
    },
    "where": {"zh": "位置", "en": "Where"},
    "problem": {"zh": "问题", "en": "Problem"},
    "verdict": {"zh": "结论", "en": "Verdict"},
    "PASS": {"zh": "通过", "en": "PASS"},
    "FAIL": {"zh": "未通过", "en": "FAIL"},
    "download": {"zh": "下载报告", "en": "Download the report"},
    "fmt_html": {"zh": "网页(HTML)", "en": "Web page (HTML)"},
    "fmt_xlsx": {"zh": "Excel(xlsx)", "en": "Excel (xlsx)"},
    "fmt_docx": {"zh": "Word自评报告(docx)", "en": "Word report (docx)"},
    "fmt_completion-xlsx": {
        "zh": "指标完成情况表(xlsx)",
        "en": "Completion table (xlsx)",
    },
    "fmt_md": {"zh": "Markdown", "en": "Markdown"},
    "fmt_json": {"zh": "JSON", "en": "JSON"},
    "fmt_csv": {"zh": "CSV", "en": "CSV"},
    "report_frame": {"zh": "评价报告", "en": "The report"},
    "to_plan": {
        "zh": "差距与模拟测算:怎样才能通过",
        "en": "Plan: what it takes to pass",
    },
    "plan_intro": {
        "zh": "差距:未通过时,达到通过所需的最少改动(经规则引擎复核);通过时,余量最小的指标。",
        "en": "The gap: for a FAIL, the fewest changes that pass (checked by the rule engine); "
        "for a PASS, the smallest margins.",
    },
    "whatif_title": {"zh": "模拟测算", "en": "What-if (模拟测算)"},
    "whatif_intro": {
        "zh": "修改下面的数值,看结论如何变化。这只是模拟测算:数据文件不会被修改。",
        "en": "Change values below and see how the verdict moves. This is a simulation only: "
        "the data file is never changed.",
    },
    "whatif_banner": {
        "zh": "模拟测算结果 — 基于修改后的数值,不是正式结论;数据文件未被修改。",
        "en": "What-if result (模拟测算) — from changed values, not an official verdict; the "
        "data file was not changed.",
    },
    "whatif_button": {"zh": "模拟测算", "en": "Simulate"},
    "whatif_live": {"zh": "即时测算结果", "en": "Simulated now"},
    "verdict_before": {"zh": "原结论", "en": "Verdict before"},
    "verdict_after": {"zh": "测算结论", "en": "Simulated verdict"},
    "changes": {"zh": "修改的数值", "en": "Values changed"},
    "no_changes": {"zh": "没有修改任何数值。", "en": "No value was changed."},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "unit": {"zh": "单位", "en": "Unit"},
    "actual": {"zh": "实际值", "en": "Actual"},
    "target": {"zh": "目标值", "en": "Target"},
    "status": {"zh": "状态", "en": "Status"},
    "before": {"zh": "原值", "en": "Before"},
    "after": {"zh": "新值", "en": "After"},
    "county": {"zh": "县(市、区)", "en": "County"},
    "year": {"zh": "年份", "en": "Year"},
    "binding": {"zh": "约束性完成", "en": "Binding met"},
    "expected": {"zh": "预期性完成", "en": "Expected met"},
    "share": {"zh": "预期性完成率", "en": "Expected share"},
    "score": {"zh": "得分", "en": "Score"},
    "closest": {"zh": "余量最小的指标", "en": "Smallest margin"},
    "margin": {"zh": "余量", "en": "Margin"},
    "open_report": {"zh": "查看报告", "en": "Open its report"},
    "filter": {"zh": "筛选", "en": "Filter"},
    "filter_hint": {"zh": "按县名或指标筛选", "en": "county or indicator"},
    "all_verdicts": {"zh": "全部结论", "en": "Every verdict"},
    "summary_counts": {
        "zh": "共{total}个,通过{passed}个,未通过{failed}个。",
        "en": "{total} in all: {passed} pass, {failed} fail.",
    },
    "download_summary": {"zh": "下载汇总表", "en": "Download the summary"},
    "sort_hint": {
        "zh": "点击列标题排序。",
        "en": "Click a column heading to sort.",
    },
    "back": {"zh": "返回", "en": "Back"},
    "template_title": {"zh": "下载填报表", "en": "Download the fill-in workbook"},
    "template_intro": {
        "zh": "按规则集生成填报工作簿:全部指标,或只含某一责任单位的指标。",
        "en": "A fill-in workbook for a ruleset: every indicator, or one department's.",
    },
    "department": {"zh": "责任单位", "en": "Department"},
    "all_departments": {"zh": "全部指标(整表)", "en": "Every indicator (the whole table)"},
    "template_button": {"zh": "下载填报表", "en": "Download the workbook"},
    "merge_title": {"zh": "合并各单位报表", "en": "Merge the departments' returns"},
    "merge_intro": {
        "zh": "上传各责任单位填好的报表(可多选),下载合并后的数据表。同一数值两处填得不同即为冲突:"
        "逐一列出(两个文件、行和数值),不生成合并表;仍未填写的行列出并注明责任单位。",
        "en": "Upload the departments' returns (several files) and download the merged table. "
        "A value given differently in two returns is a conflict: each is listed (both files, "
        "rows and values) and no table is made; rows still empty are listed with who owes them.",
    },
    "merged_title": {"zh": "合并结果", "en": "The merged table"},
    "merged_from": {"zh": "合并了:", "en": "Merged from:"},
    "missing_title": {"zh": "仍未填写", "en": "Still empty"},
    "missing_fields": {"zh": "缺少", "en": "Missing"},
    "merge_complete": {
        "zh": "所有需要的数值都已填写。",
        "en": "Every value needed is filled in.",
    },
    "other_version": {
        "zh": "此报表按规则集的另一版本生成",
        "en": "this return was made for another version of the ruleset",
    },
    "ruleset_from_returns": {
        "zh": "按报表中的“规则集”行",
        "en": "as the returns' 规则集 line says",
    },
    "show_departments": {"zh": "显示其责任单位", "en": "Show its departments"},
    "county_hint": {"zh": "可不填", "en": "optional"},
    "merge_files": {"zh": "各单位报表", "en": "The returns"},
    "merge_button": {"zh": "合并", "en": "Merge"},
    "download_merged": {"zh": "下载合并后的数据表", "en": "Download the merged table"},
    "check_merged": {"zh": "检查合并后的数据表", "en": "Check the merged table"},
    "monitor_intro": {
        "zh": "每个指标每年的进度(超前 / 正常 / 滞后),以及按趋势推算的结论。",
        "en": "Each indicator's progress year by year (ahead / on track / behind) and the "
        "verdict projected if the trends hold.",
    },
    "province_intro": {
        "zh": "上传全省(或一个市)的数据表,每个县一行汇总。",
        "en": "Upload a province's (or a city's) table: one summary row per county.",
    },
    "error_title": {"zh": "无法处理这个请求", "en": "This request cannot be handled"},
    "not_found": {"zh": "没有这个页面。", "en": "There is no such page."},
    "internal_error": {
        "zh": "内部错误,未作结论。请把出现问题的文件和操作告诉维护人员。",
        "en": "An internal error: no verdict was made. Please report the file and what you did.",
    },
    "start_over": {"zh": "重新开始", "en": "Start again"},
    "noscript": {
        "zh": "未启用脚本:页面仍可使用,只是不能拖放文件、排序和即时测算。",
        "en": "Scripts are off: the page still works, without drag and drop, sorting and "
        "instant what-if.",
    },
}


def pick_lang(value: object) -> str:
    """The page's language: zh unless ``en`` is asked for."""
    return value if isinstance(value, str) and value in LANGS else DEFAULT_LANG


def words(lang: str) -> dict[str, str]:
    """Every word of the page in ``lang``."""
    return {key: entry[lang] for key, entry in WORDS.items()}
