"""The intake reads spreadsheets as county science bureaus fill them in.

Every test writes a real file to tmp_path (CSV in UTF-8, GBK, UTF-16 with BOM; .xlsx made with
openpyxl) and reads it with ``engine.load_county`` or assesses it with ``engine.assess``:
missing-data markers, footer and section rows, kept columns, year-bearing headers, units in
brackets, exact name matching with "did you mean", every problem in one pass, digits of other
scripts, encodings, Excel's percent cells, and a whole bureau workbook end to end.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

import engine
from engine.batch import assess_counties, assess_file
from engine.errors import DataError
from engine.load.county import DEFAULT_MISSING_MARKERS, ReadOptions, column_of
from engine.model.county import CountyData
from engine.model.result import Result
from engine.units import name_key

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"
RULESET = engine.load_ruleset("provincial-2021")
with TIANMEN.open(encoding="utf-8", newline="") as _handle:
    TIANMEN_ROWS = list(csv.DictReader(_handle))
BINDING = [i.id for i in RULESET.indicators if i.kind == "binding"]

Cell = str | Decimal | float | int | None


def write_csv(
    path: Path, rows: Sequence[Sequence[Cell]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    """``rows`` as a CSV file (None and "" are blank cells); 'utf-16' writes a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else str(c) for c in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Cell]],
    *,
    title: str = "Sheet1",
    formats: dict[str, str] | None = None,
    extra_sheets: dict[str, list[list[Cell]]] | None = None,
) -> Path:
    """``rows`` as a workbook: Decimals become numbers, texts stay texts, None is no cell."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append([float(c) if isinstance(c, Decimal) else c for c in row])
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    for name, content in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in content:
            other.append(row)
    book.save(path)
    return path


def notes(county: CountyData, code: str) -> list[dict[str, object]]:
    return [n.model_dump() for n in county.notes if n.code == code]


def warning_codes(result: Result) -> list[str]:
    return [w.code for w in result.warnings]


def rejected(path: Path, options: ReadOptions | None = None) -> DataError:
    with pytest.raises(DataError) as caught:
        engine.load_county(path, RULESET, options=options)
    return caught.value


def tianmen_values(**changes: str) -> list[list[str]]:
    """tianmen-2022.csv as rows [id, unit, baseline, target, actual], actuals changed by id."""
    return [
        [
            r["indicator"],
            r["unit"],
            r["baseline"],
            r["target"],
            changes.get(r["indicator"], r["actual"]),
        ]
        for r in TIANMEN_ROWS
    ]


# -- 1. missing markers -------------------------------------------------------------------------

MARKERS = ("—", "——", "-", "/", "无", "N/A", "暂无", "－", "／")
HEADER_ZH = ["指标名称", "单位", "2020年基期值", "2022年目标值", "完成值(2022年)"]


@pytest.mark.parametrize("column", [2, 3, 4], ids=["baseline", "target", "actual"])
@pytest.mark.parametrize("marker", MARKERS)
def test_a_marker_is_a_missing_value_reported_with_row_and_column(
    tmp_path: Path, marker: str, column: int
) -> None:
    row = ["高新技术企业数", "家", "41", "90", "96"]
    row[column] = marker
    path = write_csv(
        tmp_path / "c.csv", [HEADER_ZH, ["科技型中小企业入库数", "家", "102", "240", "271"], row]
    )
    county = engine.load_county(path, RULESET)
    values = county.values["high_tech_enterprises"]
    got = [values.baseline, values.target, values.actual]
    expected: list[Decimal | None] = [Decimal(41), Decimal(90), Decimal(96)]
    expected[column - 2] = None
    assert got == expected
    assert notes(county, "marker_missing") == [
        {
            "code": "marker_missing",
            "row": 3,
            "field": HEADER_ZH[column],
            "indicator": "high_tech_enterprises",
            "params": {"text": marker},
        }
    ]
    result = engine.assess(path, RULESET)
    (warning,) = [w for w in result.warnings if w.code == "marker_missing"]
    assert warning.indicator == "high_tech_enterprises"
    assert "Row 3" in warning.en and HEADER_ZH[column] in warning.en and marker in warning.en
    assert "第3行" in warning.zh


@pytest.mark.parametrize("zero", ["0", "0.0", "0.00", "０"])
def test_zero_is_a_value_not_a_missing_marker(tmp_path: Path, zero: str) -> None:
    path = write_csv(tmp_path / "c.csv", [HEADER_ZH, ["高新技术企业数", "家", "41", "90", zero]])
    county = engine.load_county(path, RULESET)
    assert county.values["high_tech_enterprises"].actual == 0
    assert county.values["high_tech_enterprises"].actual is not None
    assert notes(county, "marker_missing") == []
    result = engine.assess(path, RULESET)
    (rule,) = [r for r in result.rules if r.id == "high_tech_enterprises"]
    assert rule.status == "not_met"  # evaluated: 0 is data


def test_read_options_markers_replace_the_defaults(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            HEADER_ZH,
            ["高新技术企业数", "家", "41", "90", "缺报"],
            ["科技型中小企业入库数", "家", "102", "240", "—"],
        ],
    )
    options = ReadOptions(missing_markers=("缺报",))
    error = rejected(path, options)  # "—" is no longer a marker: a non-number, named
    assert (error.code, error.row, error.field, error.indicator) == (
        "number_invalid",
        3,
        "完成值(2022年)",
        "tech_smes",
    )
    path = write_csv(tmp_path / "c.csv", [HEADER_ZH, ["高新技术企业数", "家", "41", "90", "缺报"]])
    county = engine.load_county(path, RULESET, options=options)
    assert county.values["high_tech_enterprises"].actual is None
    assert [n["params"] for n in notes(county, "marker_missing")] == [{"text": "缺报"}]
    assert options.missing_markers != DEFAULT_MISSING_MARKERS
    assert rejected(path).code == "number_invalid"  # and "缺报" is not a default marker


@pytest.mark.parametrize("markers", [("0",), ("0.0",), ("—", "0"), ("０",), ("0%",), ("12",)])
def test_a_number_is_refused_as_a_missing_marker(markers: tuple[str, ...]) -> None:
    with pytest.raises(DataError) as caught:
        ReadOptions(missing_markers=markers)
    assert caught.value.code == "marker_is_number"


# -- 2. titles, footers and section rows -------------------------------------------------------

FOOTERS = [
    "填报单位：天门市科学技术局",
    "填报单位:天门市科学技术局",
    "填表人：张三",
    "填表人:",
    "审核人",
    "审核人：李四",
    "注：本表数据为快报数",
    "注1：单位为万元",
    "说明：按统计年报填写",
    "日期：2023年1月10日",
    "填表日期：2023-01-10",
]


@pytest.mark.parametrize("footer", FOOTERS)
def test_footer_rows_below_the_table_are_skipped_and_reported(tmp_path: Path, footer: str) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["天门市创新型县建设指标完成情况表"],
            ["填报单位：天门市科学技术局", None, None, "填报日期：2023年1月10日"],
            ["指标名称", "单位", "目标值", "实际值"],  # row 3
            ["高新技术企业数", "家", "90", "96"],
            ["科技型中小企业入库数", "家", "240", "271"],
            [None, None, None, None],
            [footer, None, None, None],  # row 7
            ["二〇二三年一月", None, None, None],  # a signature line after the footer
        ],
    )
    county = engine.load_county(path, RULESET)
    assert sorted(county.values) == ["high_tech_enterprises", "tech_smes"]
    assert county.values["tech_smes"].actual == 271
    (note,) = notes(county, "footer_rows_skipped")
    assert note["params"] == {"rows": "7, 8"}
    assert "footer_rows_skipped" in warning_codes(engine.assess(path, RULESET))


def test_footer_row_with_cells_across_the_table_is_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["指标名称", "单位", "2022年目标值", "完成值(2022年)"],
            ["高新技术企业数", "家", "90", "96"],
            ["填表人：张三", None, "审核人：李四", "日期：2023.1.10"],
        ],
    )
    county = engine.load_county(path, RULESET)
    assert list(county.values) == ["high_tech_enterprises"]
    assert notes(county, "footer_rows_skipped")[0]["params"] == {"rows": "3"}


def test_footer_in_the_sequence_column_is_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["序号", "指标名称", "单位", "目标值", "实际值"],
            ["1", "高新技术企业数", "家", "90", "96"],
            ["注：本表数据为快报数", None, None, None, None],  # row 3
        ],
    )
    county = engine.load_county(path, RULESET)
    assert list(county.values) == ["high_tech_enterprises"]
    assert [n["params"] for n in notes(county, "footer_rows_skipped")] == [{"rows": "3"}]


@pytest.mark.parametrize(
    "section",
    ["一、创新投入", "（二）企业创新", "(三)创新环境", "四.创新绩效", "二、预期性指标（20项）"],
)
def test_section_rows_are_skipped_and_reported(tmp_path: Path, section: str) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["序号", "指标名称", "单位", "目标值", "实际值"],
            [None, section, None, None, None],  # row 2
            ["1", "高新技术企业数", "家", "90", "96"],
            [None, section, None, None, None],  # row 4
            ["2", "科技型中小企业入库数", "家", "240", "271"],
        ],
    )
    county = engine.load_county(path, RULESET)
    assert sorted(county.values) == ["high_tech_enterprises", "tech_smes"]
    assert [n["params"] for n in notes(county, "section_rows_skipped")] == [{"rows": "2, 4"}]


def test_arabic_numbered_section_row_is_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["指标名称", "目标值", "实际值"],
            ["1. 约束性指标", None, None],
            ["高新技术企业数", "90", "96"],
        ],
    )
    county = engine.load_county(path, RULESET)
    assert [n["params"] for n in notes(county, "section_rows_skipped")] == [{"rows": "2"}]


# -- 3. unknown columns are kept ----------------------------------------------------------------


def test_unknown_columns_are_kept_with_each_row_and_listed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["类别", "指标名称", "责任单位", "目标值", "实际值", "联系人", "anything"],
            ["企业创新", "高新技术企业数", "市科技局", "90", "96", "张三", "x"],
            ["企业创新", "科技型中小企业入库数", None, "240", "271", None, None],
        ],
    )
    county = engine.load_county(path, RULESET)
    assert county.values["high_tech_enterprises"].extra == {
        "类别": "企业创新",
        "责任单位": "市科技局",
        "联系人": "张三",
        "anything": "x",
    }
    assert county.values["tech_smes"].extra == {"类别": "企业创新"}
    assert county.values["tech_smes"].actual == 271
    # 责任单位 is kept with the row and is also the rules' department: it is not listed as unused.
    assert county.values["high_tech_enterprises"].department == "市科技局"
    # Nor is 类别, a column of the fill-in workbook's own: known, kept, never "unused".
    assert [n["params"] for n in notes(county, "columns_kept")] == [{"columns": "联系人、anything"}]
    (warning,) = [w for w in engine.assess(path, RULESET).warnings if w.code == "columns_kept"]
    assert "联系人" in warning.en and "联系人" in warning.zh and "责任单位" not in warning.zh


# -- 4. headers with a year ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("2020年基期值", "baseline"),
        ("2022年目标值", "target"),
        ("完成值(2022年)", "actual"),
        ("基期值（2020）", "baseline"),
        ("2022年度实际值", "actual"),
        ("目标值（2022年）", "target"),
        ("2020年度基期值", "baseline"),
        ("实际值(2022)", "actual"),
        ("基期值", "baseline"),
    ],
)
def test_year_bearing_headers_map_to_their_column(tmp_path: Path, header: str, column: str) -> None:
    assert column_of(header) == column
    others = [c for c in ("baseline", "target", "actual") if c != column]
    path = write_csv(
        tmp_path / "c.csv", [["指标名称", header, *others], ["高新技术企业数", "7", "8", "9"]]
    )
    values = engine.load_county(path, RULESET).values["high_tech_enterprises"]
    assert getattr(values, column) == 7
    assert [getattr(values, c) for c in others] == [8, 9]


# -- 5. a unit after the name -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "unit_cell", "item", "row", "expected", "converted"),
    [
        (
            "全社会R&D经费支出占GDP比重(%)",
            "%",
            "rd_intensity",
            ("1.32", "1.60", "1.68"),
            ("1.32", "1.60", "1.68"),
            None,
        ),
        (
            "全社会R&D经费支出占GDP比重（%）",
            None,
            "rd_intensity",
            ("1.32", "1.60", "1.68"),
            ("1.32", "1.60", "1.68"),
            None,
        ),
        (
            "全社会R&D经费支出占GDP比重（％）",
            None,
            "rd_intensity",
            ("1.32", "1.60", "1.68"),
            ("1.32", "1.60", "1.68"),
            None,
        ),
        (
            "高新技术企业数(家)",
            None,
            "high_tech_enterprises",
            ("41", "90", "96"),
            ("41", "90", "96"),
            None,
        ),
        (
            "高新技术企业数（家）",
            "家",
            "high_tech_enterprises",
            ("41", "90", "96"),
            ("41", "90", "96"),
            None,
        ),
        (
            "地方财政科技支出(万元)",
            None,
            "fiscal_st_expenditure",
            ("17100", "25000", "27700"),
            ("1.71", "2.5", "2.77"),
            "万元",
        ),
        (
            "地方财政科技支出（万元）",
            "万元",
            "fiscal_st_expenditure",
            ("17100", "25000", "27701"),
            ("1.71", "2.5", "2.7701"),
            "万元",
        ),
        (
            "全社会R&D经费支出（亿元）",
            None,
            "rd_expenditure",
            ("5.2", "8", "10.8"),
            ("52000", "80000", "108000"),
            "亿元",
        ),
    ],
)
def test_unit_in_brackets_after_the_name(
    tmp_path: Path,
    name: str,
    unit_cell: str | None,
    item: str,
    row: tuple[str, ...],
    expected: tuple[str, ...],
    converted: str | None,
) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [["指标名称", "单位", "基期值", "目标值", "实际值"], [name, unit_cell, *row]],
    )
    values = engine.load_county(path, RULESET).values[item]
    assert (values.baseline, values.target, values.actual) == tuple(Decimal(e) for e in expected)
    assert values.converted_from == converted
    codes = warning_codes(engine.assess(path, RULESET))
    assert ("unit_converted" in codes) == (converted is not None)


@pytest.mark.parametrize(
    ("name", "unit_cell", "code", "field"),
    [
        ("高新技术企业数(个)", None, "unit_differs", "指标名称"),
        ("全社会R&D经费支出占GDP比重(万元)", None, "unit_differs", "指标名称"),
        ("高新技术企业数", "个", "unit_differs", "单位"),
        ("全社会R&D经费支出占GDP比重(%)", "万元", "unit_name_and_cell", "单位"),
    ],
)
def test_a_contradicting_unit_is_an_error_naming_the_row(
    tmp_path: Path, name: str, unit_cell: str | None, code: str, field: str
) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["指标名称", "单位", "基期值", "目标值", "实际值"],
            ["科技型中小企业入库数", "家", "102", "240", "271"],
            [name, unit_cell, "1", "2", "3"],
        ],
    )
    error = rejected(path)
    assert (error.code, error.row, error.field) == (code, 3, field)
    assert "row 3" in str(error)


# -- 6. names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("high_tech_enterprises", "high_tech_enterprises"),
        ("高新技术企业数", "high_tech_enterprises"),
        ("高新技术 企业数", "high_tech_enterprises"),
        ("高新技术\u3000企业数", "high_tech_enterprises"),
        ("Certified high-tech enterprises", "high_tech_enterprises"),
        ("全社会Ｒ＆Ｄ经费支出占ＧＤＰ比重", "rd_intensity"),
        ("Invention patents in force per 10k people", "invention_patents_per_10k"),
        ("CERTIFIED HIGH-TECH ENTERPRISES", None),
        ("certified high-tech enterprises", None),
        ("INVENTION PATENTS IN FORCE PER 10K PEOPLE", None),
        ("HIGH_TECH_ENTERPRISES", None),
    ],
)
def test_names_match_exactly_after_normalisation(
    tmp_path: Path, name: str, item: str | None
) -> None:
    path = write_csv(tmp_path / "c.csv", [["indicator", "actual"], [name, "1"]])
    if item is None:
        error = rejected(path)
        assert error.code in ("indicator_unknown", "indicator_unknown_like")
        assert (error.row, error.field) == (2, "indicator")
    else:
        assert list(engine.load_county(path, RULESET).values) == [item]


def test_name_key_keeps_case() -> None:
    assert name_key("Patents") != name_key("PATENTS")
    assert name_key(" Ｐａｔｅｎｔｓ\u3000") == "Patents"


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("全社会R&D经费支出占GDP的比重", "rd_intensity"),
        ("全社会研发经费支出占GDP比重", "rd_intensity"),
        ("高新技术企业数量", "high_tech_enterprises"),
        ("科技型中小企业数", "tech_smes"),
    ],
)
def test_a_near_name_gets_did_you_mean(tmp_path: Path, name: str, item: str) -> None:
    path = write_csv(tmp_path / "c.csv", [["指标名称", "实际值"], [name, "1"]])
    error = rejected(path)
    assert error.code == "indicator_unknown_like"
    assert (error.row, error.field) == (2, "指标名称")
    assert f"did you mean {RULESET.data_items[item].name.zh}({item})" in error.describe("en")
    assert item in error.describe("zh") and "是否是" in error.describe("zh")


# -- 7. every problem in one pass ---------------------------------------------------------------


def test_three_bad_rows_are_one_error_listing_all(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["indicator", "baseline", "target", "actual"],
            ["rd_intensity", "1.32", "1.60", "1.68"],
            ["no_such_indicator", "1", "2", "3"],
            ["tech_smes", "102", "240", "abc"],
            ["high_tech_enterprises", "41", "90", "-5"],
        ],
    )
    error = rejected(path)
    assert [(p.row, p.indicator, p.field, p.code) for p in error.problems] == [
        (3, None, "indicator", "indicator_unknown"),
        (4, "tech_smes", "actual", "number_invalid"),
        (5, "high_tech_enterprises", "actual", "count_negative"),
    ]
    assert all(p.file == str(path) for p in error.problems)
    lines = error.describe("en").splitlines()
    assert lines[0] == f"{path}: 3 problems:"
    assert [line[:7] for line in lines[1:]] == ["  row 3", "  row 4", "  row 5"]


# -- 8. digits ----------------------------------------------------------------------------------


def test_full_width_digits_are_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["indicator", "target", "actual"],
            ["rd_intensity", "１．６０", "１．６８"],
            ["tech_smes", "２４０", "２７１"],
        ],
    )
    county = engine.load_county(path, RULESET)
    assert county.values["rd_intensity"].actual == Decimal("1.68")
    assert county.values["tech_smes"].target == 240


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("١.٦٨", "number_invalid"),  # Arabic-Indic
        ("۱.۶۸", "number_invalid"),  # extended Arabic-Indic
        ("๑", "number_invalid"),  # Thai
        ("𝟗𝟔", "number_invalid"),  # mathematical bold
        ("²", "number_invalid"),
        ("2⁰22", "number_invalid"),
        ("1e1000000", "number_invalid"),
        ("1e13", "number_too_large"),
        ("1" * 1_000_000, "number_too_long"),
    ],
)
def test_other_digits_and_absurd_numbers_are_errors(tmp_path: Path, text: str, code: str) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [["indicator", "target", "actual"], ["high_tech_enterprises", "90", text]],
    )
    started = time.perf_counter()
    error = rejected(path)
    assert time.perf_counter() - started < 2
    assert (error.code, error.row, error.field, error.indicator) == (
        code,
        2,
        "actual",
        "high_tech_enterprises",
    )
    assert len(str(error)) < 400


@pytest.mark.parametrize("year", ["2⁰22", "２⁰２２", "२०२२"])
def test_a_year_in_other_digits_is_an_error(tmp_path: Path, year: str) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["county", "year", "indicator", "actual"],
            ["天门市", year, "high_tech_enterprises", "96"],
        ],
    )
    error = rejected(path)
    assert (error.code, error.row, error.field) == ("year_invalid", 2, "year")


# -- 9. encodings -------------------------------------------------------------------------------

ZH_TABLE = [
    ["县(市、区)", "指标名称", "单位", "基期值", "目标值", "实际值", "责任单位"],
    ["天门市", "全社会R&D经费支出占GDP比重", "%", "1.32", "1.60", "1.68", "市统计局"],
    ["天门市", "高新技术企业数", "家", "41", "90", "—", "市科技局"],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "recorded"),
    [
        ("utf-8", ",", "utf-8"),
        ("utf-8-sig", ",", "utf-8-sig"),
        ("utf-16", "\t", "utf-16"),  # Excel's "Unicode text": UTF-16 LE with BOM, tab-separated
        ("utf-16", ",", "utf-16"),
        ("gbk", ",", "gb18030"),
        ("gb18030", ",", "gb18030"),
    ],
)
def test_encodings_bureaus_produce_are_read(
    tmp_path: Path, encoding: str, delimiter: str, recorded: str
) -> None:
    path = write_csv(tmp_path / "天门.csv", ZH_TABLE, encoding=encoding, delimiter=delimiter)
    county = engine.load_county(path, RULESET)
    assert county.county == "天门市"
    assert county.values["rd_intensity"].actual == Decimal("1.68")
    assert county.values["rd_intensity"].extra == {"责任单位": "市统计局"}
    assert county.values["high_tech_enterprises"].actual is None
    assert county.data_file.encoding == recorded


def test_utf16_big_endian_with_bom_is_read(tmp_path: Path) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(ZH_TABLE)
    path = tmp_path / "be.txt"
    path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-16-be"))
    assert engine.load_county(path, RULESET).values["rd_intensity"].target == Decimal("1.60")


def _english_tianmen(county: str) -> list[list[str]]:
    return [
        ["county", "indicator", "baseline", "target", "actual"],
        *[[county, r[0], r[2], r[3], r[4]] for r in tianmen_values()],
    ]


@pytest.mark.parametrize(
    ("encoding", "bom", "name"),
    [
        ("utf-32", "", "UTF-32"),  # Python writes the BOM
        ("utf-32-be", "\ufeff", "UTF-32"),
        ("utf-32-le", "\ufeff", "UTF-32"),
        ("big5", "", "Big5"),
    ],
)
def test_foreign_encodings_are_refused_by_name(
    tmp_path: Path, encoding: str, bom: str, name: str
) -> None:
    rows = _english_tianmen("天門市") if encoding == "big5" else ZH_TABLE
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "c.csv"
    path.write_bytes((bom + buffer.getvalue()).encode(encoding))
    error = rejected(path)
    assert error.code == "encoding_refused"
    assert f"is {name} text" in str(error)


def test_big5_tianmen_is_never_a_pass_with_mojibake(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", _english_tianmen("天門市"), encoding="big5")
    with pytest.raises(DataError, match="is Big5 text"):
        engine.assess(path, RULESET)


def test_big5_zaoyang_is_never_a_pass_with_mojibake(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", _english_tianmen("棗陽市"), encoding="big5")
    try:
        result = engine.assess(path, RULESET)
    except DataError as exc:
        assert "Big5" in str(exc)
    else:
        assert result.county == "棗陽市"


# -- 11. the county's name ---------------------------------------------------------------------


def test_county_name_defaults_to_the_file_stem_and_county_names_it(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "天门市-2022.csv", [["indicator", "actual"], ["high_tech_enterprises", "96"]]
    )
    assert engine.load_county(path, RULESET).county == "天门市-2022"
    assert engine.load_county(path, RULESET, county="天门市").county == "天门市"
    options = ReadOptions(county="天门市")
    assert engine.load_counties(path, RULESET, options=options)[0].county == "天门市"


def test_county_option_is_refused_for_a_file_of_several_counties(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["county", "indicator", "actual"],
            ["天门市", "high_tech_enterprises", "96"],
            ["仙桃市", "high_tech_enterprises", "80"],
        ],
    )
    with pytest.raises(DataError) as caught:
        engine.load_counties(path, RULESET, options=ReadOptions(county="天门市"))
    assert caught.value.code == "county_option_for_batch"
    assert [c.county for c in engine.load_counties(path, RULESET)] == ["天门市", "仙桃市"]


# -- 12. control characters are kept escaped ----------------------------------------------------


def test_control_characters_in_cells_are_stored_escaped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["county", "indicator", "actual", "note", "联系人\x1b[31m"],
            ["X\x1b]0;pwned\x07Y", "high_tech_enterprises", "96", "bell\x07 esc\x1b[2J", "a\x1bb"],
        ],
    )
    county = engine.load_county(path, RULESET)
    values = county.values["high_tech_enterprises"]
    texts = [
        county.county,
        values.note or "",
        *(values.extra or {}),
        *(values.extra or {}).values(),
    ]
    assert not any(c in text for text in texts for c in "\x1b\x07")
    assert county.county == "X\\x1b]0;pwned\\x07Y"
    assert values.note == "bell\\x07 esc\\x1b[2J"


# -- 13. a bureau's workbook, end to end -------------------------------------------------------


def bureau_workbook(
    path: Path, changes: dict[str, Cell] | None = None, formats: dict[str, str] | None = None
) -> Path:
    """tianmen-2022.csv's values as a bureau returns them: a title, a 填报单位 line, a header
    with years, a section row per category (in the name column), Chinese names, a 责任单位
    column, a footer, and a 填表说明 sheet beside the data sheet. ``changes`` replaces actual
    cells by indicator id; ``formats`` is keyed by indicator id too (the actual cell's)."""
    rows: list[list[Cell]] = [
        ["天门市创新型县（市）建设验收指标完成情况表"],
        ["填报单位（盖章）：天门市科学技术局", None, None, None, None, "填报日期：2023年1月10日"],
        ["序号", "指标名称", "单位", "2020年基期值", "2022年目标值", "完成值(2022年)", "责任单位"],
    ]
    refs: dict[str, str] = {}
    category = None
    sections = iter("一二三四五六")
    for number, (item_id, unit, baseline, target, actual) in enumerate(tianmen_values(), 1):
        item = RULESET.data_items[item_id]
        if item.category.zh != category:
            category = item.category.zh
            rows.append([None, f"{next(sections)}、{category}"])
        value: Cell = Decimal(actual)
        if changes and item_id in changes:
            value = changes[item_id]
        refs[item_id] = f"F{len(rows) + 1}"
        rows.append(
            [
                number,
                item.name.zh,
                unit,
                Decimal(baseline),
                Decimal(target),
                value,
                "市统计局" if unit == "%" else "市科技局",
            ]
        )
    rows += [[], ["填表人：张三", None, None, "审核人：李四", None, "联系电话：0728-1234567"]]
    instructions: list[list[Cell]] = [
        ["填表说明"],
        ["1. 数据以统计年报为准。"],
        ["2. 无数据的指标填“—”。"],
    ]
    return write_xlsx(
        path,
        rows,
        title="附表1",
        formats={refs[k]: v for k, v in (formats or {}).items()},
        extra_sheets={"填表说明": instructions},
    )


@pytest.fixture(scope="module")
def reference() -> Result:
    return engine.assess(TIANMEN, RULESET)


def test_bureau_workbook_gives_the_csv_verdict_rule_by_rule(
    tmp_path: Path, reference: Result
) -> None:
    path = bureau_workbook(tmp_path / "天门市.xlsx")
    county = engine.load_county(path, RULESET)
    assert (county.county, county.data_file.format, county.data_file.sheet) == (
        "天门市",
        "xlsx",
        "附表1",
    )
    assert len(county.values) == 28
    result = engine.assess(path, RULESET)
    assert result.verdict == reference.verdict == "PASS"
    assert [(r.id, r.status, r.actual, r.threshold) for r in result.rules] == [
        (r.id, r.status, r.actual, r.threshold) for r in reference.rules
    ]
    assert result.summary == reference.summary
    codes = warning_codes(result)
    assert {"footer_rows_skipped", "section_rows_skipped"} <= set(codes)
    assert "columns_kept" not in codes  # its one extra column, 责任单位, is the department
    assert {r.department for r in result.rules} >= {"市科技局", "市统计局"}
    (sections,) = notes(county, "section_rows_skipped")
    assert sections["params"] == {"rows": "4, 11, 18, 28"}


# -- 14. Excel's percent cells -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "read", "status", "verdict"),
    [
        (0.0155, "1.55", "not_met", "FAIL"),
        (0.0168, "1.68", "met", "PASS"),
        (0.016, "1.6", "met", "PASS"),
    ],
)
def test_a_percent_formatted_cell_is_read_as_percent(
    tmp_path: Path, stored: float, read: str, status: str, verdict: str
) -> None:
    path = bureau_workbook(
        tmp_path / "天门市.xlsx", {"rd_intensity": stored}, {"rd_intensity": "0.00%"}
    )
    county = engine.load_county(path, RULESET)
    assert county.values["rd_intensity"].actual == Decimal(read)
    assert notes(county, "percent_looks_fraction") == []
    result = engine.assess(path, RULESET)
    (rule,) = [r for r in result.rules if r.id == "rd_intensity"]
    assert (rule.status, result.verdict) == (status, verdict)


@pytest.mark.parametrize("number_format", ["0%", "0.0%", "0.000%"])
def test_a_percent_cell_keeps_its_full_value_whatever_the_decimals_shown(
    tmp_path: Path, number_format: str
) -> None:
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [["indicator", "target", "actual"], ["rd_intensity", 1.6, 0.0155]],
        formats={"C2": number_format},
    )
    assert engine.load_county(path, RULESET).values["rd_intensity"].actual == Decimal("1.55")


@pytest.mark.parametrize("column", ["D", "E", "F"])
def test_a_percent_cell_for_a_non_percent_indicator_is_an_error(
    tmp_path: Path, column: str
) -> None:
    rows: list[list[Cell]] = [
        ["序号", "指标名称", "单位", "基期值", "目标值", "实际值"],
        [1, "全社会R&D经费支出占GDP比重", "%", 1.32, 1.6, 1.68],
        [2, "高新技术企业数", "家", 0.41, 0.9, 0.96],
    ]
    path = write_xlsx(tmp_path / "c.xlsx", rows, formats={f"{column}3": "0%"})
    error = rejected(path)
    header = rows[0][ord(column) - ord("A")]
    assert (error.code, error.row, error.field, error.indicator) == (
        "cell_percent_format",
        3,
        header,
        "high_tech_enterprises",
    )


def test_a_percent_typed_as_a_fraction_is_warned(tmp_path: Path) -> None:
    path = bureau_workbook(tmp_path / "天门市.xlsx", {"rd_intensity": 0.0168})
    county = engine.load_county(path, RULESET)
    assert county.values["rd_intensity"].actual == Decimal("0.0168")
    (note,) = notes(county, "percent_looks_fraction")
    assert (note["indicator"], note["field"]) == ("rd_intensity", "完成值(2022年)")
    result = engine.assess(path, RULESET)
    assert "percent_looks_fraction" in warning_codes(result)
    assert result.verdict == "FAIL"


# -- 15. a missing binding actual never passes -------------------------------------------------

ALL_MARKERS = sorted({*DEFAULT_MISSING_MARKERS, *MARKERS, "Ｎ/Ａ", "－－", "NA"})
EXTRA_COLUMNS = ["责任单位", "联系人", "类别", "数据口径", "牵头部门"]
HEADER_STYLES = {
    "en": ["indicator", "unit", "baseline", "target", "actual"],
    "zh": ["指标名称", "单位", "基期值", "目标值", "实际值"],
    "zh-year": ["指标名称", "单位", "2020年基期值", "2022年目标值", "完成值(2022年)"],
    "zh-year2": ["指标", "单位", "基期值（2020）", "目标值（2022年）", "2022年度实际值"],
}
FORMATS = ["utf-8", "utf-8-sig", "gbk", "utf-16", "xlsx"]


@st.composite
def bureau_files(draw: st.DrawFn) -> tuple[str, str, str, list[list[Cell]]]:
    """(format, binding id left without an actual, its marker, rows)."""
    missing = draw(st.sampled_from(BINDING))
    marker = draw(st.sampled_from(["", " ", *ALL_MARKERS]))
    padded = draw(st.sampled_from(["{}", " {}", "{} ", "\u3000{}"])).format(marker)
    header = list(HEADER_STYLES[draw(st.sampled_from(sorted(HEADER_STYLES)))])
    by_name = draw(st.booleans())
    extras = draw(st.lists(st.sampled_from(EXTRA_COLUMNS), unique=True, max_size=3))
    order = draw(st.permutations(range(len(header) + len(extras))))
    extra_cell = st.sampled_from(["", "市科技局", "张三 13800000000", "约束性", "—", "2022"])
    rows: list[list[Cell]] = []
    if draw(st.booleans()):
        rows.append(["天门市创新型县建设指标完成情况表"])
    if draw(st.booleans()):
        rows.append(["填报单位：天门市科学技术局"])
    rows.append([[*header, *extras][i] for i in order])
    for item_id, unit, baseline, target, actual in tianmen_values(**{missing: padded}):
        name = RULESET.data_items[item_id].name.zh if by_name else item_id
        cells = [name, unit, baseline, target, actual, *(draw(extra_cell) for _ in extras)]
        rows.append([cells[i] for i in order])
    if draw(st.booleans()):
        rows.append([])
    rows += [[f] for f in draw(st.lists(st.sampled_from(FOOTERS), max_size=3))]
    return draw(st.sampled_from(FORMATS)), missing, marker, rows


@given(bureau_files())
def test_a_binding_indicator_without_actual_never_passes(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, str, str, list[list[Cell]]]
) -> None:
    fmt, missing, marker, rows = case
    folder = tmp_path_factory.mktemp("bureau")
    if fmt == "xlsx":
        path = write_xlsx(
            folder / "天门市.xlsx", [[None if c == "" else c for c in r] for r in rows]
        )
    else:
        path = write_csv(
            folder / "天门市.csv", rows, encoding=fmt, delimiter="\t" if fmt == "utf-16" else ","
        )
    county = engine.load_county(path, RULESET)  # every such file is accepted
    assert county.values[missing].actual is None
    result = engine.assess(path, RULESET)
    assert result.verdict != "PASS"
    (rule,) = [r for r in result.rules if r.id == missing]
    assert rule.status == "not_evaluated"
    if marker.strip():
        assert any(w.code == "marker_missing" and w.indicator == missing for w in result.warnings)


@pytest.mark.parametrize(
    ("missing", "marker"), [("rd_intensity", "—"), ("tech_smes", ""), ("fiscal_st_share", "无")]
)
def test_the_batch_paths_agree_a_missing_binding_actual_fails(
    tmp_path: Path, missing: str, marker: str
) -> None:
    rows = [
        ["county", "indicator", "unit", "baseline", "target", "actual"],
        *[["天门市", *r] for r in tianmen_values(**{missing: marker})],
    ]
    path = write_csv(tmp_path / "c.csv", rows)
    counties = engine.load_counties(path, RULESET)
    assert not assess_counties(counties, RULESET, engine="vector").all_pass
    fast = assess_file(path, RULESET)
    assert fast is None or not fast.all_pass
