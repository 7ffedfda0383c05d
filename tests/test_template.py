"""``assess template``: the fill-in workbook (填报模板) — its layout, cells, protection, validation
and print setup; and the round trip: a template written by the command, filled in by a script
with openpyxl, is read by the library with nothing changed by hand, for every bundled ruleset,
a plan annex and a ruleset of every threshold kind."""

from __future__ import annotations

import json
import zipfile
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook

import engine
from engine.cli import assess_command
from engine.decimals import round_half_up
from engine.load.ruleset import bundled_rulesets, load_ruleset
from engine.model.ruleset import (
    AbsoluteThreshold,
    BetweenThreshold,
    GrowthThreshold,
    Indicator,
    ReferenceThreshold,
    Ruleset,
    TargetThreshold,
    prose,
)
from tests.helpers import TEMPLATE_HEADER_ROW, fill_form, form_header, form_rows

ROOT = Path(__file__).resolve().parent.parent
KINDS = ROOT / "docs" / "examples" / "kinds.yaml"
HEAD_ZH = [
    "序号",
    "类别",
    "指标名称",
    "单位",
    "指标属性",
    "统计口径",
    "责任单位",
    "数据来源",
    "基期值",
    "目标值",
    "完成值",
    "佐证材料",
]
HEADER_ROW = TEMPLATE_HEADER_ROW

#: A ruleset of the new indicator fields in both languages, with departments (one of
#: them computed from inputs, one without a department) and a text item.
DOSSIER_YAML = (ROOT / "tests" / "dossier" / "county-forms.yaml").read_text(encoding="utf-8")


def run(*args: str | Path, lang: str = "zh_CN.UTF-8") -> Result:
    return CliRunner().invoke(assess_command, [str(a) for a in args], env={"LANG": lang})


# -- the values a round trip types, and what they must give ---------------------------------------


def _step(ind: Indicator) -> Decimal:
    return Decimal(1).scaleb(-ind.precision)


def _floor(value: Decimal, ind: Indicator) -> Decimal:
    return value.quantize(_step(ind), rounding=ROUND_FLOOR)


def _meets(ind: Indicator, actual: Decimal, low: Decimal, high: Decimal | None = None) -> bool:
    a, t = round_half_up(actual, ind.precision), round_half_up(low, ind.precision)
    if high is not None:
        return t <= a <= round_half_up(high, ind.precision)
    return {">=": a >= t, ">": a > t, "<=": a <= t, "<": a < t}[ind.operator]


def _threshold(ind: Indicator, row: dict[str, Decimal]) -> tuple[Decimal, Decimal | None]:
    t = ind.threshold
    lower = ind.direction == "lower"
    if isinstance(t, TargetThreshold):
        return row["目标值"], None
    if isinstance(t, AbsoluteThreshold):
        return t.value, None
    if isinstance(t, BetweenThreshold):
        return t.min, t.max
    if isinstance(t, GrowthThreshold):
        base = row["基期值"]
        if t.min_growth is not None:
            factor = 1 - t.min_growth / 100 if lower else 1 + t.min_growth / 100
            return base * factor, None
        assert t.min_increase is not None
        return base - t.min_increase if lower else base + t.min_increase, None
    assert isinstance(t, ReferenceThreshold)
    ref = row["参考值"]
    if t.margin_percent is not None:
        return ref * (1 - t.margin_percent / 100 if lower else 1 + t.margin_percent / 100), None
    margin = t.margin or 0
    return ref - margin if lower else ref + margin, None


def _candidates(ind: Indicator, low: Decimal, high: Decimal | None, met: bool) -> list[Decimal]:
    """Values to try, the clearest first: a not-met value well short, so that a scored ruleset
    fails too (half the threshold scores 50)."""
    step = _step(ind)
    if high is not None:
        return [_floor((low + high) / 2, ind)] if met else [high + 1, low - 1]
    above = [low * 2 + 1, low + 1, low + step, low]
    below = [_floor(low / 2, ind), low - step, low, Decimal(0)]
    if ind.direction == "lower":
        above, below = below, above
    return above if met else below


def plan(ruleset: Ruleset, wanted: str) -> tuple[dict[str, dict[str, object]], dict[str, Any]]:
    """The cells to type (by item name and column) so that each indicator comes out as
    ``wanted`` says — "met", "not_met", or "mixed" (met, not met and missing by turns) — and
    the expected status and actual of each rule."""
    cells: dict[str, dict[str, object]] = {}
    expected: dict[str, Any] = {}
    inputs = {i.id: i for i in ruleset.inputs}
    for n, ind in enumerate(ruleset.indicators):
        status = wanted if wanted != "mixed" else ("met", "not_met", "not_evaluated")[n % 3]
        row: dict[str, Decimal] = {"基期值": Decimal(100), "目标值": Decimal(100)}
        if isinstance(ind.threshold, ReferenceThreshold):
            row["参考值"] = Decimal(2)
        if ind.direction == "lower" and isinstance(ind.threshold, TargetThreshold):
            row["目标值"] = Decimal(80)
        low, high = _threshold(ind, row)
        if ind.derived is None:
            choices = _candidates(ind, low, high, status == "met")
            actual = next(
                (c for c in choices if c >= 0 and _meets(ind, c, low, high) == (status == "met")),
                None,
            )
            assert actual is not None, ind.id
            given = {**row}
            if status != "not_evaluated":
                given["完成值"] = actual
            cells[ind.name.zh] = {k: float(v) if v % 1 else int(v) for k, v in given.items()}
        else:
            formula = ind.derived.parsed
            names = formula.inputs
            values = dict.fromkeys(names, Decimal(10))
            actual = None
            for exponent in range(-4, 10):
                values[names[0]] = Decimal(10) ** exponent
                value = formula.evaluate(values)
                if isinstance(ind.threshold, TargetThreshold):
                    row["目标值"] = _floor(value / 2 if status == "met" else value * 2 + 1, ind)
                    if ind.direction == "lower":
                        row["目标值"] = _floor(value * 2 + 1 if status == "met" else value / 2, ind)
                    low, high = row["目标值"], None
                if _meets(ind, value, low, high) == (status == "met"):
                    actual = value
                    break
            assert actual is not None, ind.id
            own = {k: float(v) if v % 1 else int(v) for k, v in row.items() if k != "基期值"}
            cells[ind.name.zh] = own
            for name in names:
                if status != "not_evaluated":
                    cells[inputs[name].name.zh] = {"完成值": float(values[name])}
        expected[ind.id] = (
            status,
            None if status == "not_evaluated" else round_half_up(actual, ind.precision),
        )
    for item in ruleset.text_items:
        cells[item.name.zh] = {"完成值": "特色做法:科技特派员全覆盖"}
    return cells, expected


# -- layout -------------------------------------------------------------------------------------


def test_one_row_per_indicator_with_the_columns_of_the_form(tmp_path: Path) -> None:
    out = tmp_path / "填报模板.xlsx"
    result = run("template", "-r", "provincial-2021", "-o", out)
    assert result.exit_code == 0, result.output
    assert "填报模板.xlsx" in result.output  # said on stderr: what was written
    wb = load_workbook(out)
    assert wb.sheetnames == ["指标填报", "填表说明"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[HEADER_ROW]] == HEAD_ZH
    ruleset = load_ruleset("provincial-2021")
    rows = list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == len(ruleset.indicators)
    for n, (row, ind) in enumerate(zip(rows, ruleset.indicators, strict=True), start=1):
        assert row[:5] == (
            n,
            ind.category.zh,
            ind.name.zh,
            ind.unit,
            {"binding": "约束性", "expected": "预期性"}[ind.kind],
        )
        measure = {"stock": "存量", "annual": "年度", "cumulative": "累计", None: None}
        assert row[5] == measure[ind.measure]  # 统计口径: blank where the ruleset says nothing
        assert row[6:8] == (prose(ind.department, "zh"), prose(ind.data_source, "zh"))
        assert row[8:] == (None, None, None, None)  # nothing filled in
    assert "规则集:provincial-2021" in ws.cell(row=2, column=9).value
    assert ws.cell(row=2, column=1).value == "填报单位:"


def test_cells_are_protected_validated_and_never_percent(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert run("template", "-r", "provincial-2021", "-o", out).exit_code == 0
    ws = load_workbook(out).worksheets[0]
    cols = form_header(ws)
    assert ws.protection.sheet and not ws.protection.password
    numbers = [cols[c] for c in ("基期值", "目标值", "完成值")]
    validated: set[str] = set()
    for rule in ws.data_validations.dataValidation:
        assert rule.type == "decimal" and rule.showErrorMessage and rule.errorStyle == "stop"
        validated |= {c for r in rule.sqref.ranges for c in _cells(r.coord)}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            cell = ws.cell(row=r, column=c)
            assert "%" not in cell.number_format
            fill_in = c in numbers or c == cols["佐证材料"]
            # 责任单位 and 数据来源 are open where the ruleset leaves them empty
            if c in (cols["责任单位"], cols["数据来源"]):
                fill_in = cell.value is None
            assert cell.protection.locked is not fill_in, cell.coordinate
            if c in numbers:
                assert cell.number_format == "General" and cell.coordinate in validated
    percent_rows = [
        r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, cols["单位"]).value == "%"
    ]
    shares = [n for n, i in enumerate(load_ruleset("provincial-2021").indicators) if i.unit == "%"]
    assert percent_rows == [HEADER_ROW + 1 + n for n in shares] and shares  # the unit says %
    bounds = {(v.formula1, v.formula2) for v in ws.data_validations.dataValidation}
    assert ("0", "1000000000000") in bounds  # counts (家, 个, 人 …) take no negative number


def _cells(coord: str) -> list[str]:
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import range_boundaries

    c1, r1, c2, r2 = range_boundaries(coord)
    return [f"{get_column_letter(c)}{r}" for c in range(c1, c2 + 1) for r in range(r1, r2 + 1)]


def test_a4_landscape_one_page_wide_header_repeated(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert run("template", "-r", "hunan", "-o", out).exit_code == 0
    ws = load_workbook(out).worksheets[0]
    setup = ws.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,  # A4
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "D4"


def test_instructions_in_the_users_language(tmp_path: Path) -> None:
    zh, en = tmp_path / "zh.xlsx", tmp_path / "en.xlsx"
    assert run("template", "-r", "hunan", "-o", zh, "--lang", "zh").exit_code == 0
    assert run("template", "-r", "hunan", "-o", en, "--lang", "en").exit_code == 0
    zh_text = " ".join(str(c) for row in load_workbook(zh)["填表说明"].values for c in row if c)
    en_text = " ".join(str(c) for row in load_workbook(en)["Instructions"].values for c in row if c)
    for words in ("1.55%填1.55", "留空", "佐证材料", "基础数据", "assess 本文件.xlsx -r hunan"):
        assert words in zh_text
    for words in ("1.55 for 1.55 %", "Leave the cell blank", "Evidence", "input", "-r hunan"):
        assert words in en_text
    assert [c.value for c in load_workbook(en).worksheets[0][HEADER_ROW]][:4] == [
        "No.",
        "Category",
        "Indicator",
        "Unit",
    ]


def test_measure_department_and_source_from_the_ruleset(tmp_path: Path) -> None:
    ruleset = tmp_path / "dossier.yaml"
    ruleset.write_text(DOSSIER_YAML, encoding="utf-8")
    for lang, heads, words in (
        (
            "zh",
            ("指标属性", "统计口径", "责任单位", "数据来源"),
            ("约束性", "年度", "县统计局", "统计年鉴"),
        ),
        (
            "en",
            ("Kind", "Measure", "Department", "Source"),
            ("binding", "annual", "County statistics bureau", "Statistical yearbook"),
        ),
    ):
        out = tmp_path / f"{lang}.xlsx"
        assert run("template", "-r", ruleset, "-o", out, "--lang", lang).exit_code == 0
        ws = load_workbook(out).worksheets[0]
        cols = form_header(ws)
        row = HEADER_ROW + 1  # rd_intensity
        assert tuple(ws.cell(row=row, column=cols[h]).value for h in heads) == words
        assert ws.cell(row=row, column=cols[heads[2]]).protection.locked  # the ruleset's
        measures = [ws.cell(row=r, column=cols[heads[1]]).value for r in range(row, row + 4)]
        assert measures == list(
            {"zh": ["年度", None, "存量", "累计"], "en": ["annual", None, "stock", "cumulative"]}[
                lang
            ]
        )
        assert not ws.cell(row=row + 1, column=cols[heads[3]]).protection.locked  # none given
        assert engine.assess(out, load_ruleset(ruleset)).rules[0].status == "not_evaluated"


def test_the_same_ruleset_gives_the_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("template", "-r", "st-monitoring", "-o", a, "--county", "天门市").exit_code == 0
    assert run("template", "-r", "st-monitoring", "-o", b, "--county", "天门市").exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_derived_indicators_get_rows_for_their_inputs_and_text_items_a_text_cell(
    tmp_path: Path,
) -> None:
    out = tmp_path / "t.xlsx"
    assert run("template", "-r", "hunan", "-o", out).exit_code == 0
    ws = load_workbook(out).worksheets[0]
    cols = form_header(ws)
    names = [ws.cell(row=r, column=3).value for r in range(4, ws.max_row + 1)]
    hunan = load_ruleset("hunan")
    assert len(names) == len(hunan.indicators) + len(hunan.inputs) + len(hunan.text_items)
    first = names.index(hunan.by_id["fiscal_st_share"].name.zh)
    assert names[first + 1 : first + 3] == [
        hunan.data_items["fiscal_st_expenditure"].name.zh,
        hunan.data_items["general_budget_expenditure"].name.zh,
    ]
    assert ws.cell(row=4 + first + 1, column=cols["指标属性"]).value == "基础数据"
    assert "由基础数据计算" in ws.cell(row=4 + first, column=3).comment.text
    text_row = 4 + names.index("特色指标")
    assert ws.cell(row=text_row, column=cols["指标属性"]).value == "文字项"
    actual = ws.cell(row=text_row, column=cols["完成值"])
    assert actual.number_format == "@" and not actual.protection.locked
    assert ws.cell(row=text_row, column=cols["目标值"]).protection.locked


# -- the round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(bundled_rulesets()))
def test_a_filled_template_reads_back_for_every_bundled_ruleset(name: str, tmp_path: Path) -> None:
    ruleset = load_ruleset(name)
    blank = tmp_path / "blank.xlsx"
    assert run("template", "-r", name, "-o", blank, "--county", "某县").exit_code == 0
    for wanted, verdict in (("met", "PASS"), ("not_met", "FAIL"), ("mixed", None)):
        cells, expected = plan(ruleset, wanted)
        filled = fill_form(blank, cells, tmp_path / f"{wanted}.xlsx")
        result = engine.assess(filled, name)
        assert result.county == "某县"
        got = {r.id: (r.status, r.actual) for r in result.rules}
        assert got == expected, wanted
        if verdict is not None:
            assert result.verdict == verdict
        # Its own columns (类别, 统计口径, …) are known: none is reported as unused.
        assert "columns_kept" not in [w.code for w in result.warnings]
        for text in result.text_items:
            assert text.text == "特色做法:科技特派员全覆盖"


@pytest.mark.parametrize("name", ["tianmen-plan-2021", "hunan"])
def test_a_filled_template_without_ruleset_is_checked_against_the_ruleset_it_names(
    name: str, tmp_path: Path
) -> None:
    """A filled template has 指标属性 and 目标值 columns, like a completion table; without
    --ruleset it must still be checked against the ruleset on its 规则集 line, whose
    thresholds (a growth over the baseline, an absolute standard) a table of targets lacks."""
    ruleset = load_ruleset(name)
    blank = tmp_path / "blank.xlsx"
    assert run("template", "-r", name, "-o", blank, "--county", "某县").exit_code == 0
    cells, _ = plan(ruleset, "mixed")
    filled = fill_form(blank, cells, tmp_path / "filled.xlsx")
    named = run(filled, "-r", name, "--format", "json")
    alone = run(filled, "--format", "json")
    assert alone.exit_code == named.exit_code, alone.output
    assert json.loads(alone.stdout)["ruleset"]["id"] == name
    assert alone.stdout == named.stdout


def test_every_threshold_kind_with_a_reference_column_and_themes(tmp_path: Path) -> None:
    ruleset = load_ruleset(KINDS)
    blank = tmp_path / "kinds.xlsx"
    assert run("template", "-r", KINDS, "-o", blank).exit_code == 0
    ws = load_workbook(blank).worksheets[0]
    assert "参考值" in form_header(ws)  # a reference rule: the reference is data
    help_text = " ".join(
        str(c) for row in load_workbook(blank)["填表说明"].values for c in row if c
    )
    assert "--theme" in help_text
    for wanted in ("met", "not_met", "mixed"):
        cells, expected = plan(ruleset, wanted)
        filled = fill_form(blank, cells, tmp_path / f"{wanted}.xlsx")
        result = engine.assess(filled, ruleset, theme="ecology")
        assert {r.id: (r.status, r.actual) for r in result.rules} == expected


def test_a_plan_annex_as_the_ruleset(tmp_path: Path) -> None:
    annex = tmp_path / "指标附表.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "类别", "指标名称", "单位", "指标属性", "基期值", "目标值", "责任单位"])
    ws.append([1, "创新投入", "全社会R&D经费支出占GDP比重", "%", "约束性", 1.32, "1.60", "统计局"])
    ws.append([2, "创新主体", "高新技术企业数", "家", "约束性", 41, 90, "科技局"])
    ws.append([3, "创新环境", "=县级特色指标", "个", "预期性", 2, 5, None])
    for cell in ws["C"]:
        cell.data_type = "s"  # the name is text, though it starts like a formula
    wb.save(annex)
    before = annex.read_bytes()
    blank = tmp_path / "填报模板.xlsx"
    result = run("template", "-r", annex, "-o", blank)
    assert result.exit_code == 0, result.output
    ws = load_workbook(blank).worksheets[0]
    name = ws.cell(row=6, column=3)
    assert (name.value, name.data_type, name.quotePrefix) == ("=县级特色指标", "s", True)
    department = load_ruleset(annex).indicators[0].department  # the annex's 责任单位
    assert ws.cell(row=4, column=7).value == prose(department, "zh")
    filled = fill_form(
        blank,
        {
            "全社会R&D经费支出占GDP比重": {"完成值": 1.68},
            "高新技术企业数": {"完成值": 96, "目标值": 90},
            "=县级特色指标": {"完成值": 4, "目标值": 5},
        },
    )
    rules = {r.id: (r.status, r.actual) for r in engine.assess(filled, annex).rules}
    assert rules == {
        "rd_intensity": ("not_evaluated", Decimal("1.68")),  # the annex's own target, not typed
        "high_tech_enterprises": ("met", Decimal(96)),
        "item_03": ("not_met", Decimal(4)),
    }
    assert annex.read_bytes() == before
    with zipfile.ZipFile(blank) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_the_county_is_written_where_the_intake_reads_it(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert run("template", "-r", "xianning-2021", "-o", out, "--county", "+咸安区").exit_code == 0
    ws = load_workbook(out).worksheets[0]
    col = form_header(ws)["县(市、区)"]
    assert {ws.cell(row=r, column=col).value for r in range(4, ws.max_row + 1)} == {"+咸安区"}
    assert ws.cell(row=2, column=1).value == "填报单位:+咸安区"
    assert engine.assess(out, "xianning-2021").county == "+咸安区"
    run_result = run(out, "-r", "xianning-2021", "--format", "json")
    assert run_result.exit_code == 1 and '"county": "+咸安区"' in run_result.stdout


# -- one workbook per department ------------------------------------------------------------------


def test_one_workbook_per_department(tmp_path: Path) -> None:
    ruleset = tmp_path / "dossier.yaml"
    ruleset.write_text(DOSSIER_YAML, encoding="utf-8")
    result = run("template", "-r", ruleset, "-o", tmp_path / "模板.xlsx", "--by-department")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert files == [
        "模板-县科技局.xlsx",
        "模板-县科技局_县商务局.xlsx",  # 县科技局/县商务局: no / in a file name
        "模板-县统计局.xlsx",
        "模板-县财政局.xlsx",
        "模板-未指定责任单位.xlsx",
    ]
    names = {f: list(form_rows(load_workbook(tmp_path / f).worksheets[0])) for f in files}
    assert names["模板-县科技局.xlsx"] == ["高新技术企业数", "科技型中小企业入库数"]
    assert names["模板-县统计局.xlsx"] == ["全社会R&D经费支出占GDP比重", "全社会R&D经费支出"]
    # the inputs of a computed indicator go with it
    assert names["模板-县财政局.xlsx"] == [
        "本级财政科技支出占比",
        "本级财政科技支出",
        "一般公共预算支出",
    ]
    assert names["模板-未指定责任单位.xlsx"] == ["发明专利数", "特色指标"]
    ws = load_workbook(tmp_path / "模板-县统计局.xlsx").worksheets[0]
    assert ws.cell(row=2, column=1).value == "填报单位:    责任单位:县统计局"
    assert "模板-县统计局.xlsx:县统计局,2行" in result.output


def test_by_department_into_a_folder(tmp_path: Path) -> None:
    ruleset = tmp_path / "dossier.yaml"
    ruleset.write_text(DOSSIER_YAML, encoding="utf-8")
    folder = tmp_path / "forms"
    folder.mkdir()
    result = run("template", "-r", ruleset, "-o", folder, "--by-department", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "template-County_S&T_bureau.xlsx",
        "template-County_finance_bureau.xlsx",
        "template-County_statistics_bureau.xlsx",
        "template-S&T_commerce.xlsx",
        "template-no_department.xlsx",
    ]
    ws = load_workbook(folder / "template-County_finance_bureau.xlsx").worksheets[0]
    assert list(form_rows(ws)) == [
        "Fiscal S&T share",
        "Fiscal S&T expenditure",
        "General budget expenditure",
    ]


# -- hostile and mistaken input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("-r", "no-such-ruleset", "-o", "x.xlsx"), "no-such-ruleset"),
        (("-r", "provincial-2021", "-o", "x.csv"), "x.csv"),
        (("-r", "provincial-2021", "-o", "missing-folder/x.xlsx"), "missing-folder"),
        (("-r", "provincial-2021", "-o", "x", "--by-department"), "--by-department"),
    ],
)
def test_bad_input_is_one_message_exit_2(
    args: tuple[str, ...], words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("template", *args, lang="C.UTF-8")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("error: ") and words in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.xlsx"))


def test_never_over_the_ruleset(tmp_path: Path) -> None:
    annex = tmp_path / "附表.xlsx"
    wb = Workbook()
    wb.active.append(["指标名称", "单位", "指标属性", "目标值"])
    wb.active.append(["高新技术企业数", "家", "约束性", 90])
    wb.save(annex)
    before = annex.read_bytes()
    result = run("template", "-r", annex, "-o", annex)
    assert result.exit_code == 2 and "error:" in result.output
    assert annex.read_bytes() == before
    zh = run("template", "-r", annex, "-o", annex, lang="zh_CN.UTF-8")
    assert "输入文件" in zh.output


def test_department_names_are_made_safe_for_file_systems() -> None:
    from engine.cli.template import department_paths, safe_name

    assert safe_name("县科技局/县商务局") == "县科技局_县商务局"
    assert safe_name('a<b>c:d"e|f?g*h\\i') == "a_b_c_d_e_f_g_h_i"
    assert safe_name("CON") == "_CON" and safe_name("nul.txt") == "_nul.txt"
    assert safe_name(" ..\x1b[31m.. ") == "[31m"  # control characters and dots at the ends go
    assert safe_name("...") == "_"
    assert len(safe_name("很长的单位名称" * 30).encode("utf-8")) <= 120
    paths = department_paths(Path("out/模板.xlsx"), ["科技局", "科技局 ", "Ke", "KE", None], "zh")
    assert [p.name for p in paths] == [
        "模板-科技局.xlsx",
        "模板-科技局-2.xlsx",
        "模板-Ke.xlsx",
        "模板-KE-2.xlsx",  # the same name on Windows and macOS
        "模板-未指定责任单位.xlsx",
    ]
