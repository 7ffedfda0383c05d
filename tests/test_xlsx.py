"""The spreadsheet report, written to a real file and read back with openpyxl (and as zip XML)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import engine
from engine.model.result import Result
from engine.model.ruleset import prose
from engine.report.xlsx import render_xlsx

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"
SCORED = ROOT / "tests/rulesets/st-monitoring/pass/county-d.csv"

GREEN, RED, AMBER, GREY = "C6EFCE", "FFC7CE", "FFEB9C", "D9D9D9"


def load(tmp_path: Path, data: bytes, name: str = "report.xlsx") -> Any:
    path = tmp_path / name
    path.write_bytes(data)
    return openpyxl.load_workbook(path)


def columns(ws: Any) -> dict[str, int]:
    """Header text → column number of the rules sheet."""
    return {cell.value: cell.column for cell in ws[1]}


def labelled(ws: Any, label: str) -> list[Any]:
    """The value cells (column B) of a summary-sheet label and the unlabelled rows after it."""
    cells, inside = [], False
    for a, b in ws.iter_rows(min_col=1, max_col=2):
        if a.value is not None or b.value is None:
            inside = a.value == label
        if inside and b.value is not None:
            cells.append(b)
    return cells


def technical(ws: Any, item: str) -> list[Any]:
    """The technical information's line for ``item`` (a ruleset, a file): the cells after it."""
    for row in ws.iter_rows(min_col=2, max_col=5, values_only=True):
        if row[0] == item:
            return list(row[1:])
    return []


def texts(ws: Any) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.fixture(scope="module")
def tianmen() -> Result:
    return engine.assess(TIANMEN, "provincial-2021")


@pytest.mark.parametrize(
    ("lang", "names"), [("zh", ["结论", "指标"]), ("en", ["Summary", "Rules"])]
)
def test_two_sheets_named_in_the_language_with_the_summary_active(
    tmp_path: Path, tianmen: Result, lang: str, names: list[str]
) -> None:
    wb = load(tmp_path, render_xlsx(tianmen, lang=lang))
    assert wb.sheetnames == names
    assert wb.active.title == names[0]


def test_summary_names_verdict_reasons_provenance_and_shortfalls(
    tmp_path: Path, tianmen: Result
) -> None:
    plan = engine.load_ruleset("provincial-2021")
    wb = load(tmp_path, render_xlsx(tianmen, lang="zh", ruleset=plan, assessed_on=date(2023, 5, 6)))
    ws = wb["结论"]
    assert ws["A1"].value == "创新型县(市、区)建设验收指标预检:天门市"
    assert [c.value for c in labelled(ws, "县(市、区)")] == ["天门市"]
    # The head names the ruleset by its title; ids, files and fingerprints are in the
    # technical information at the sheet's end.
    assert [c.value for c in labelled(ws, "规则集")] == [f"{tianmen.ruleset.title.zh} (版本 1.0.0)"]
    assert tianmen.data_file is not None
    assert technical(ws, "规则集") == ["provincial-2021", "1.0.0", tianmen.ruleset.content_hash]
    assert technical(ws, "数据文件") == ["tianmen-2022.csv", "csv", tianmen.data_file.sha256]
    (day,) = labelled(ws, "评估日期")
    assert day.is_date and day.value == datetime(2023, 5, 6)
    assert day.number_format == "yyyy-mm-dd"

    verdict, *reasons = labelled(ws, "结论")
    assert verdict.value == "通过" and verdict.font.b and verdict.font.sz >= 14
    assert verdict.fill.fgColor.rgb.endswith(GREEN)
    assert [c.value for c in reasons] == [tianmen.verdict_reasons[0].zh]
    assert (
        "约束性指标 8/8 项完成;预期性指标 18/20 项完成(90.00%);"
        "较基期增长超50%的指标 21 项,超100%的 12 项。"
    ) in texts(ws)
    assert not any(t.startswith("综合得分") for t in texts(ws))  # not a scored ruleset

    shortfalls = [c.value for c in labelled(ws, "未完成或未评价的指标")]
    assert len(shortfalls) == 2
    assert shortfalls[0].startswith("孵化器、众创空间、星创天地数 (预期性): 未完成")
    assert shortfalls[1].startswith("高技能人才数 (预期性)")
    assert labelled(ws, "规则集说明")[0].value == (prose(plan.reconstruction, "zh") or "").strip()
    assert [c.value for c in labelled(ws, "假设")] == [prose(a, "zh") for a in plan.assumptions]
    assert "天门市创新型县(市)建设实施方案 (天政办发〔2021〕23号)" in [
        c.value for c in labelled(ws, "依据文件")
    ]


def test_without_a_date_or_ruleset_those_lines_are_absent(tmp_path: Path, tianmen: Result) -> None:
    ws = load(tmp_path, render_xlsx(tianmen, lang="en"))["Summary"]
    labels = {c.value for c in ws["A"]}
    assert "Ruleset" in labels and "Verdict" in labels
    assert technical(ws, "Data file")[0] == "tianmen-2022.csv"
    assert technical(ws, "Reference file") == []
    assert not labels & {
        "Date of assessment",
        "Assumptions",
        "Sources",
        "About this ruleset",
        "Reference file",
        "Warnings (they do not change the verdict)",
    }


def test_the_chain_of_extended_rulesets_is_listed(tmp_path: Path) -> None:
    plan = engine.load_ruleset("tianmen-plan-2021")
    chained = engine.assess(
        ROOT / "tests/rulesets/tianmen-plan-2021/pass/tianmen-2022-plan.csv", plan
    )
    ws = load(tmp_path, render_xlsx(chained, lang="en", ruleset=plan))["Summary"]
    parent = plan.ancestors[0]
    assert [c.value for c in labelled(ws, "extends")] == [f"{parent.title.en} (version 1.0.0)"]
    assert technical(ws, "extends") == ["provincial-2021", "1.0.0", parent.content_hash]
    # Only the ruleset's own sources: the parent's are the parent's to list.
    (own,) = [s for s in plan.sources if s.id not in {p.id for p in parent.sources}]
    listed = [c.value for c in labelled(ws, "Sources")]
    assert f"{prose(own.title, 'en')} ({own.reference})" in listed
    titles = [f"{prose(p.title, 'en')} (" for p in parent.sources]
    assert not any(item.startswith(t) for item in listed for t in titles)


def test_every_rule_is_a_row_with_numbers_at_its_precision(tmp_path: Path, tianmen: Result) -> None:
    ws = load(tmp_path, render_xlsx(tianmen, lang="zh"))["指标"]
    col = columns(ws)
    assert "完成率(%)" in col and "增长率(%)" in col
    assert "得分" not in col and "权重" not in col  # not scored
    assert ws.max_row == len(tianmen.rules) + 1 == 29
    statuses = []
    for row, rule in enumerate(tianmen.rules, start=2):
        assert ws.cell(row, col["序号"]).value == row - 1
        assert ws.cell(row, col["编号"]).value == rule.id
        assert ws.cell(row, col["指标"]).value == rule.name.zh
        statuses.append(ws.cell(row, col["状态"]).value)
        places = "0" if rule.precision == 0 else "0." + "0" * rule.precision
        for head, value in (
            ("实际值", rule.actual),
            ("基期值", rule.baseline),
            ("要求值", rule.threshold),
        ):
            cell = ws.cell(row, col[head])
            assert cell.data_type == "n" and cell.number_format == places
            assert value is not None
            assert Decimal(str(cell.value)).quantize(value) == value
        margin = ws.cell(row, col["差额"])
        assert margin.number_format == f"+{places};-{places};{places}"
        assert (
            rule.margin is not None
            and Decimal(str(margin.value)).quantize(rule.margin) == rule.margin
        )
        for head, value in (("完成率(%)", rule.completion), ("增长率(%)", rule.growth)):
            cell = ws.cell(row, col[head])
            assert cell.number_format == "0.0"
            assert value is not None and Decimal(str(cell.value)).quantize(value) == value
        assert ws.cell(row, col["要求上限"]).value is None
        assert ws.cell(row, col["数据行"]).value == rule.row
    assert statuses.count("完成") == 26 and statuses.count("未完成") == 2
    energy = tianmen.rules.index(next(r for r in tianmen.rules if r.id == "energy_per_gdp"))
    assert ws.cell(energy + 2, col["要求"]).value.startswith("≤ ")


def test_statuses_and_a_fail_verdict_are_coloured(tmp_path: Path) -> None:
    failed = engine.assess(
        ROOT / "docs/examples/county-fail.csv",
        ROOT / "docs/examples/kinds.yaml",
        references=ROOT / "docs/examples/provincial-averages.csv",
    )
    wb = load(tmp_path, render_xlsx(failed, lang="en"))
    verdict = labelled(wb["Summary"], "Verdict")[0]
    assert verdict.value == "FAIL" and verdict.fill.fgColor.rgb.endswith(RED)
    assert technical(wb["Summary"], "Reference file")[:2] == ["provincial-averages.csv", "csv"]
    assert "1 indicators do not apply to this county; not counted." in texts(wb["Summary"])
    ws = wb["Rules"]
    col = columns(ws)
    fills = {
        ws.cell(row, col["Status"]).value: ws.cell(row, col["Status"]).fill.fgColor.rgb[-6:]
        for row in range(2, ws.max_row + 1)
    }
    assert fills == {"not met": RED, "not applicable": GREY}
    between = next(i for i, r in enumerate(failed.rules, start=2) if r.threshold_kind == "between")
    upper = ws.cell(between, col["Upper bound"])
    assert upper.value == 100 and upper.number_format == "0.0"
    assert ws.cell(between, col["Requirement"]).value == "range"

    incomplete = engine.assess(ROOT / "tests/rulesets/hunan/not_evaluated/county-c.csv", "hunan")
    wb = load(tmp_path, render_xlsx(incomplete, lang="zh"), "hunan.xlsx")
    ws = wb["指标"]
    col = columns(ws)
    missing = next(
        i for i, r in enumerate(incomplete.rules, start=2) if r.status == "not_evaluated"
    )
    status = ws.cell(missing, col["状态"])
    assert status.value == "未评价" and status.fill.fgColor.rgb.endswith(AMBER)
    assert ws.cell(missing, col["实际值"]).value is None
    shortfalls = [c.value for c in labelled(wb["结论"], "未完成或未评价的指标")]
    assert len(shortfalls) == 4  # two not met, two without data
    assert sum("未评价:" in text for text in shortfalls) == 2
    items = [c.value for c in labelled(wb["结论"], "文字说明(不计分)")]
    assert items == ["特色指标: 发展富硒茶叶科技特色产业,建成县级农业科技园区(illustrative)"]


def test_a_scored_ruleset_shows_score_and_weight(tmp_path: Path) -> None:
    scored = engine.assess(SCORED, "st-monitoring")
    wb = load(tmp_path, render_xlsx(scored, lang="en"))
    assert "Weighted score 83.00 (pass mark 60)." in texts(wb["Summary"])
    ws = wb["Rules"]
    col = columns(ws)
    assert col["Score"] < col["Weight"] < col["Reason"]
    for row, rule in enumerate(scored.rules, start=2):
        score, weight = ws.cell(row, col["Score"]), ws.cell(row, col["Weight"])
        assert rule.score is not None and rule.weight is not None
        assert score.number_format == "0.00"
        assert Decimal(str(score.value)).quantize(rule.score) == rule.score
        assert Decimal(str(weight.value)) == rule.weight
        assert (
            ws.cell(row, col["Status"]).value == {"met": "met", "not_met": "not met"}[rule.status]
        )


def test_print_settings(tmp_path: Path, tianmen: Result) -> None:
    wb = load(tmp_path, render_xlsx(tianmen, lang="en"))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "&P / &N"
    rules = wb["Rules"]
    assert rules.print_title_rows == "$1:$1"
    assert rules.freeze_panes == "A2"
    col = columns(rules)
    last = openpyxl.utils.get_column_letter(len(col))
    assert rules.auto_filter.ref == f"A1:{last}{len(tianmen.rules) + 1}"
    width = {
        head: rules.column_dimensions[openpyxl.utils.get_column_letter(n)].width
        for head, n in col.items()
    }
    assert width["Indicator"] > width["#"] and width["Reason"] > width["Unit"]
    assert rules.cell(2, col["Reason"]).alignment.wrap_text
    assert rules.cell(2, col["Indicator"]).alignment.wrap_text
    # A Chinese character takes two columns: the category column fits its longest name so.
    zh = load(tmp_path, render_xlsx(tianmen, lang="zh"), "zh.xlsx")["指标"]
    category = openpyxl.utils.get_column_letter(columns(zh)["类别"])
    assert zh.column_dimensions[category].width >= 2 * max(
        len(r.category.zh) for r in tianmen.rules
    )


def test_text_from_the_data_stays_text_never_a_formula(tmp_path: Path) -> None:
    data = tmp_path / "evil.csv"
    data.write_text(
        "county,indicator,target,actual,source\n"
        '"=HYPERLINK(""http://x"",""y"")","rd_intensity",1.6,1.7,"=1+1"\n'
        '"=HYPERLINK(""http://x"",""y"")","fiscal_st_share",2.5,2.6,"#N/A"\n',
        encoding="utf-8",
    )
    result = engine.assess(data, "provincial-2021")
    report = render_xlsx(result, lang="en")
    wb = load(tmp_path, report)
    (county,) = labelled(wb["Summary"], "County")
    assert county.value == '=HYPERLINK("http://x","y")' and county.data_type == "s"
    ws = wb["Rules"]
    col = columns(ws)
    sources = {
        ws.cell(row, col["Id"]).value: ws.cell(row, col["Source"])
        for row in range(2, ws.max_row + 1)
    }
    assert sources["rd_intensity"].value == "=1+1"
    assert sources["fiscal_st_share"].value == "#N/A"
    assert {sources[i].data_type for i in ("rd_intensity", "fiscal_st_share")} == {"s"}
    with zipfile.ZipFile(tmp_path / "report.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == 2
        xml = "".join(archive.read(n).decode() for n in sheets)
    assert "<f>" not in xml and "<f " not in xml and 't="e"' not in xml
    assert "<t>=1+1</t>" in xml


def test_characters_xml_cannot_hold_are_dropped(tmp_path: Path) -> None:
    data = tmp_path / "bell.csv"
    data.write_text(
        "county,indicator,target,actual,source\n"
        "天门\x07市,rd_intensity,1.6,1.7,bell\x07here\x1b\uffff\n",
        encoding="utf-8",
    )
    result = engine.assess(data, "provincial-2021")
    # Control characters from data are shown escaped (engine/safe_text.py); U+FFFF is kept.
    assert result.rules[3].source == "bell\\x07here\\x1b\uffff"
    wb = load(tmp_path, render_xlsx(result, lang="en"))
    assert labelled(wb["Summary"], "County")[0].value == "天门\\x07市"
    ws = wb["Rules"]
    col = columns(ws)
    assert ws.cell(5, col["Id"]).value == "rd_intensity"
    assert ws.cell(5, col["Source"]).value == "bell\\x07here\\x1b"  # XML cannot hold U+FFFF


def test_identical_bytes_and_fixed_timestamps(tmp_path: Path, tianmen: Result) -> None:
    first = render_xlsx(tianmen, lang="zh")
    assert render_xlsx(tianmen, lang="zh") == first
    dated = render_xlsx(tianmen, lang="zh", assessed_on=date(2023, 5, 6))
    assert render_xlsx(tianmen, lang="zh", assessed_on=date(2023, 5, 6)) == dated != first
    for report, stamp in ((first, "2000-01-01T00:00:00Z"), (dated, "2023-05-06T00:00:00Z")):
        path = tmp_path / "r.xlsx"
        path.write_bytes(report)
        with zipfile.ZipFile(path) as archive:
            times = {info.date_time for info in archive.infolist()}
            core = archive.read("docProps/core.xml").decode()
        assert times == {(int(stamp[:4]), int(stamp[5:7]), int(stamp[8:10]), 0, 0, 0)}
        assert core.count(stamp) == 2  # created and modified
