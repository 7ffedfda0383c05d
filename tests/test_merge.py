"""``assess merge``: the departments' filled templates combined into one county table — values
kept, the same value twice accepted, a conflict refused naming both files, rows and values
(nothing written), what is still empty listed with the department that owes it; and hostile
input (a non-workbook, another ruleset's workbook, a missing file) one message, exit 2.

Real workbooks throughout: templates written by ``assess template``, filled with openpyxl, merged
by the real command."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

import engine
from engine.cli import assess_command
from engine.load.merge import merge_returns, template_rows
from engine.load.ruleset import load_ruleset
from tests.helpers import TEMPLATE_HEADER_ROW, fill_form, form_header, form_rows

ROOT = Path(__file__).resolve().parent.parent
HEADER_ROW = TEMPLATE_HEADER_ROW
#: A small ruleset with departments: 县统计局 (two rows), 县科技局 (two), 县财政局 (a computed
#: indicator and its two inputs), 县科技局/县商务局, and one row and a text item without one.
RULESET_YAML = (ROOT / "tests" / "dossier" / "county-forms.yaml").read_text(encoding="utf-8")
RD = "全社会R&D经费支出占GDP比重"
RD_SPENDING = "全社会R&D经费支出"
HIGH_TECH = "高新技术企业数"
SMES = "科技型中小企业入库数"


def run(*args: str | Path, lang: str = "zh_CN.UTF-8") -> Result:
    return CliRunner().invoke(assess_command, [str(a) for a in args], env={"LANG": lang})


@pytest.fixture
def forms(tmp_path: Path) -> dict[str, Path]:
    """The departments' templates of RULESET_YAML (by department), blank."""
    ruleset = tmp_path / "county-forms.yaml"
    ruleset.write_text(RULESET_YAML, encoding="utf-8")
    result = run("template", "-r", ruleset, "-o", tmp_path / "模板.xlsx", "--by-department")
    assert result.exit_code == 0, result.output
    return {
        "ruleset": ruleset,
        "stats": tmp_path / "模板-县统计局.xlsx",
        "st": tmp_path / "模板-县科技局.xlsx",
        "rest": tmp_path / "模板-未指定责任单位.xlsx",
    }


def test_returns_are_combined_and_what_is_empty_is_listed(
    forms: dict[str, Path], tmp_path: Path
) -> None:
    fill_form(
        forms["stats"],
        {RD: {"基期值": 1.32, "目标值": 1.6, "完成值": 1.68, "佐证材料": "统计公报"}},
    )
    fill_form(forms["st"], {HIGH_TECH: {"目标值": 90, "完成值": 96}, SMES: {"目标值": 240}})
    out = tmp_path / "天门市.xlsx"
    result = run("merge", forms["stats"], forms["st"], "-o", out, "-r", forms["ruleset"])
    assert result.exit_code == 0, result.output
    # on stderr: the rows still empty with the department that owes them, and the file
    assert f"{RD_SPENDING}:目标值、完成值(责任单位:县统计局)" in result.output
    assert f"{SMES}:完成值(责任单位:县科技局)" in result.output
    assert "(责任单位:未指定责任单位)" in result.output
    assert "已合并2个文件" in result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["指标填报", "未填报", "填表说明"]
    owed = {(r[1], r[3]) for r in wb["未填报"].iter_rows(min_row=2, values_only=True)}
    assert (RD_SPENDING, "县统计局") in owed and (SMES, "县科技局") in owed
    assert (HIGH_TECH, "县科技局") not in owed
    ruleset = load_ruleset(forms["ruleset"])
    rules = {r.id: r for r in engine.assess(out, ruleset).rules}
    assert (rules["rd_intensity"].status, rules["rd_intensity"].actual) == ("met", Decimal("1.68"))
    assert rules["rd_intensity"].baseline == Decimal("1.32")
    assert (rules["high_tech_enterprises"].status, rules["tech_smes"].status) == (
        "met",
        "not_evaluated",
    )
    ws = wb.worksheets[0]
    rd_row = form_rows(ws)[RD]
    assert ws.cell(row=rd_row, column=form_header(ws)["佐证材料"]).value == "统计公报"
    assert ws.cell(row=rd_row, column=form_header(ws)["责任单位"]).value == "县统计局"


def test_the_ruleset_comes_from_the_returns_ruleset_line(tmp_path: Path) -> None:
    blank = tmp_path / "t.xlsx"
    assert run("template", "-r", "xianning-2021", "-o", blank, "--county", "咸安区").exit_code == 0
    rows = [r.name("zh") for r in template_rows(load_ruleset("xianning-2021"))]
    half = len(rows) // 2
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.write_bytes(blank.read_bytes())
    b.write_bytes(blank.read_bytes())
    fill_form(a, {name: {"目标值": 10, "完成值": 12} for name in rows[:half]})
    fill_form(b, {name: {"目标值": 10, "完成值": 12} for name in rows[half:]})
    out = tmp_path / "merged.xlsx"
    result = run("merge", a, b, "-o", out, lang="C.UTF-8")
    assert result.exit_code == 0, result.output
    assert "Every indicator is filled in." in result.output
    assessed = engine.assess(out, "xianning-2021")
    assert assessed.county == "咸安区" and assessed.verdict == "PASS"
    assert load_workbook(out).sheetnames == ["Indicators", "Not filled in", "Instructions"]


def test_the_same_value_twice_is_no_conflict(forms: dict[str, Path], tmp_path: Path) -> None:
    fill_form(forms["stats"], {RD: {"完成值": 1.5, "佐证材料": "统计公报"}})
    again = tmp_path / "统计局再报.xlsx"
    again.write_bytes(forms["stats"].read_bytes())
    fill_form(again, {RD: {"完成值": "1.50", "佐证材料": "统计公报\n年报"}})  # 1.50 typed as text
    out = tmp_path / "m.xlsx"
    result = run("merge", forms["stats"], again, forms["st"], "-o", out, "-r", forms["ruleset"])
    assert result.exit_code == 0, result.output
    rules = {r.id: r for r in engine.assess(out, load_ruleset(forms["ruleset"])).rules}
    assert rules["rd_intensity"].actual == Decimal("1.50")
    ws = load_workbook(out).worksheets[0]
    evidence = ws.cell(row=form_rows(ws)[RD], column=form_header(ws)["佐证材料"]).value
    assert evidence == "统计公报\n年报"  # every return's evidence, each entry once


def test_a_conflict_names_both_files_rows_and_values_and_writes_nothing(
    forms: dict[str, Path], tmp_path: Path
) -> None:
    stats = fill_form(forms["stats"], {RD: {"完成值": 1.68}})
    other = tmp_path / "统计局第二版.xlsx"
    other.write_bytes(stats.read_bytes())
    fill_form(other, {RD: {"完成值": 1.7, "目标值": 1.6}})
    fill_form(stats, {RD: {"目标值": 1.55}})
    row = form_rows(load_workbook(stats).worksheets[0])[RD]
    out = tmp_path / "m.xlsx"
    out.write_bytes(b"an earlier merge")
    result = run("merge", stats, other, "-o", out, "-r", forms["ruleset"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[0] == "error: 共2处问题："
    text = result.output
    assert f"“{RD}”的完成值有两个不同的值" in text
    assert f"{stats}第{row}行为1.68，{other}第{row}行为1.7" in text
    assert f"的目标值有两个不同的值：{stats}第{row}行为1.55，{other}第{row}行为1.6" in text
    assert out.read_bytes() == b"an earlier merge"  # nothing written
    en = run("merge", stats, other, "-o", out, "-r", forms["ruleset"], lang="C.UTF-8")
    assert f"has two different actual values: 1.68 in {stats} row {row}, 1.7 in" in en.output


@pytest.mark.parametrize(
    ("make", "words_en"),
    [
        (lambda p: p.write_text("indicator,actual\nrd_intensity,1\n"), "is not an .xlsx workbook"),
        (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "xlsx"),
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "directory"),
    ],
    ids=["csv-named-xlsx", "broken-zip", "missing", "folder"],
)
def test_hostile_input_is_one_message_exit_2(
    make: Any, words_en: str, forms: dict[str, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "坏文件.xlsx"
    make(bad)
    out = tmp_path / "m.xlsx"
    result = run("merge", forms["stats"], bad, "-o", out, "-r", forms["ruleset"], lang="C.UTF-8")
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "坏文件.xlsx" in result.output
    assert words_en in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_workbook_of_another_ruleset_is_refused(forms: dict[str, Path], tmp_path: Path) -> None:
    hunan = tmp_path / "hunan.xlsx"
    assert run("template", "-r", "hunan", "-o", hunan).exit_code == 0
    provincial = tmp_path / "provincial.xlsx"
    assert run("template", "-r", "provincial-2021", "-o", provincial).exit_code == 0
    out = tmp_path / "m.xlsx"
    result = run("merge", provincial, hunan, "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert "hunan.xlsx" in result.output and "是规则集“hunan”的填报表" in result.output
    given = run("merge", forms["stats"], hunan, "-o", out, "-r", forms["ruleset"], lang="C.UTF-8")
    assert given.exit_code == 2 and not out.exists()
    assert "is a form of ruleset 'hunan', not of 'county-forms'" in given.output


def test_a_return_that_names_no_ruleset_needs_one(tmp_path: Path) -> None:
    table = ROOT / "scenarios" / "tianmen-2022.xlsx"
    out = tmp_path / "m.xlsx"
    result = run("merge", table, "-o", out, lang="C.UTF-8")
    assert result.exit_code == 2 and "give it with --ruleset" in result.output
    named = run("merge", table, "-o", out, "-r", "provincial-2021", "--county", "天门市")
    assert named.exit_code == 0, named.output
    assert (
        engine.assess(out, "provincial-2021").verdict
        == engine.assess(table, "provincial-2021").verdict
    )
    assert engine.assess(out, "provincial-2021").county == "天门市"


def test_a_ruleset_that_is_not_bundled_must_be_given(
    forms: dict[str, Path], tmp_path: Path
) -> None:
    result = run("merge", forms["stats"], "-o", tmp_path / "m.xlsx", lang="C.UTF-8")
    assert result.exit_code == 2
    assert "'county-forms', which is not bundled; give its file with --ruleset" in result.output


def test_counties_must_agree(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("template", "-r", "xianning-2021", "-o", a, "--county", "咸安区").exit_code == 0
    assert run("template", "-r", "xianning-2021", "-o", b, "--county", "通城县").exit_code == 0
    out = tmp_path / "m.xlsx"
    result = run("merge", a, b, "-o", out)
    assert result.exit_code == 2 and "通城县" in result.output and "咸安区" in result.output
    assert run("merge", a, b, "-o", out, "--county", "咸安区").exit_code == 2  # still two counties
    assert not out.exists()


def test_never_over_a_return_and_never_a_formula(forms: dict[str, Path], tmp_path: Path) -> None:
    fill_form(
        forms["stats"], {RD: {"完成值": 1.68, "佐证材料": '=HYPERLINK("http://x","统计公报")'}}
    )
    before = forms["stats"].read_bytes()
    result = run("merge", forms["stats"], "-o", forms["stats"], "-r", forms["ruleset"])
    assert result.exit_code == 2 and "输入文件" in result.output
    assert forms["stats"].read_bytes() == before
    out = tmp_path / "m.xlsx"
    assert run("merge", forms["stats"], "-o", out, "-r", forms["ruleset"]).exit_code == 0
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)
    ws = load_workbook(out).worksheets[0]
    cell = ws.cell(row=form_rows(ws)[RD], column=form_header(ws)["佐证材料"])
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == '=HYPERLINK("http://x","统计公报")'


def test_the_library_merge_is_pure(forms: dict[str, Path]) -> None:
    fill_form(forms["stats"], {RD: {"完成值": 1.68}})
    before = {p: p.read_bytes() for p in (forms["stats"], forms["st"])}
    merged = merge_returns([forms["stats"], forms["st"]], load_ruleset(forms["ruleset"]))
    assert merged.filled["rd_intensity"].actual == Decimal("1.68")
    assert {p: p.read_bytes() for p in before} == before
    assert {m.row.id for m in merged.missing} >= {"rd_expenditure", "tech_smes"}


def test_returns_in_either_language_merge(tmp_path: Path) -> None:
    zh, en = tmp_path / "zh.xlsx", tmp_path / "en.xlsx"
    assert run("template", "-r", "hunan", "-o", zh, "--lang", "zh").exit_code == 0
    assert run("template", "-r", "hunan", "-o", en, "--lang", "en").exit_code == 0
    hunan = load_ruleset("hunan")
    fill_form(zh, {hunan.by_id["tech_smes"].name.zh: {"目标值": 200, "完成值": 210}})
    high_tech = hunan.by_id["high_tech_enterprises"].name.en
    fill_form(
        en, {high_tech: {"Target": 50, "Actual": 55}, "Feature item": {"Actual": "Tea and S&T"}}
    )
    out = tmp_path / "m.xlsx"
    result = run("merge", zh, en, "-o", out, lang="C.UTF-8")
    assert result.exit_code == 0, result.output
    rules = {r.id: (r.status, r.actual) for r in engine.assess(out, "hunan").rules}
    assert rules["tech_smes"] == ("met", Decimal(210))
    assert rules["high_tech_enterprises"] == ("met", Decimal(55))
    assert engine.assess(out, "hunan").text_items[0].text == "Tea and S&T"


def test_a_return_of_another_version_of_the_ruleset_is_read_and_said(
    forms: dict[str, Path], tmp_path: Path
) -> None:
    fill_form(forms["stats"], {RD: {"目标值": 1.6, "完成值": 1.68}})
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        forms["ruleset"].read_text(encoding="utf-8").replace('version: "1"', 'version: "2"'),
        encoding="utf-8",
    )
    out = tmp_path / "m.xlsx"
    result = run("merge", forms["stats"], "-o", out, "-r", edited)
    assert result.exit_code == 0, result.output
    assert "是按规则集的另一版本" in result.output
    assert {r.id: r.status for r in engine.assess(out, edited).rules}["rd_intensity"] == "met"
