"""County file intake: encodings, Excel, number formats, and errors that name file, row, field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

import engine
from engine.decimals import NumberFormatError, parse_number, round_half_up, to_scaled

RULESET = engine.load_ruleset("provincial-2021")
HEADER = "indicator,baseline,target,actual\n"


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("text", "percent", "value"),
    [
        ("2.5", False, "2.5"),
        (" -3 ", False, "-3"),
        ("1,234.5", False, "1234.5"),
        ("12,345,678", False, "12345678"),
        ("１２３．４", False, "123.4"),
        ("2.50%", True, "2.50"),
        ("1.2e3", False, "1.2E+3"),
        ("", False, None),
        ("   ", False, None),
    ],
)
def test_parse_number_accepts(text: str, percent: bool, value: str | None) -> None:
    parsed = parse_number(text, percent_allowed=percent)
    assert parsed == (None if value is None else Decimal(value))


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "约2.5",
        "1,23",
        "12,34,567",
        "NaN",
        "inf",
        "—",
        "1.2.3",
        "%",
        "2.5%",
        "1e13",
        "=A1",
        "2 5",
    ],
)
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_rounding_is_half_up_away_from_zero() -> None:
    assert round_half_up(Decimal("1.995"), 2) == Decimal("2.00")
    assert round_half_up(Decimal("-1.995"), 2) == Decimal("-2.00")
    assert round_half_up(Decimal("2.5"), 0) == Decimal("3")
    assert round_half_up(Decimal("1.9949999"), 2) == Decimal("1.99")
    assert to_scaled(Decimal("2.77"), 2) == 277
    with pytest.raises(OverflowError):
        to_scaled(Decimal("99999999999"), 6)


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    body = HEADER + "rd_intensity,1.32,1.60,1.68\n"
    plain = engine.load_county(write(tmp_path, body, name="a.csv"), RULESET)
    bom = engine.load_county(write(tmp_path, "\ufeff" + body, name="b.csv"), RULESET)
    assert (
        plain.values["rd_intensity"].actual == bom.values["rd_intensity"].actual == Decimal("1.68")
    )
    assert (plain.data_file.encoding, bom.data_file.encoding) == ("utf-8", "utf-8-sig")


def test_gbk_with_chinese_headers_and_names(tmp_path: Path) -> None:
    text = (
        "县(市、区),指标,单位,基期值,目标值,实际值,数据来源\n"
        "某县,全社会R&D经费支出占GDP比重,%,1.32%,1.60%,1.68%,统计局\n"
        "某县,高新技术企业数,家,41,90,９６,科技局\n"
        '某县,全社会R&D经费支出,万元,"52,000","80,000","108,000",统计局\n'
    )
    county = engine.load_county(write(tmp_path, text, "gbk"), RULESET)
    assert county.county == "某县"
    assert county.data_file.encoding == "gb18030"
    assert county.values["rd_intensity"].actual == Decimal("1.68")
    assert county.values["high_tech_enterprises"].actual == 96
    assert county.values["rd_expenditure"].target == 80000
    assert county.values["rd_intensity"].source == "统计局"


def test_tab_separated(tmp_path: Path) -> None:
    county = engine.load_county(
        write(tmp_path, "indicator\tactual\ttarget\nrd_intensity\t1.7\t1.6\n"), RULESET
    )
    assert county.values["rd_intensity"].target == Decimal("1.6")


def test_xlsx_with_title_row_numeric_and_text_cells(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["某县创新型县指标完成情况"])
    ws.append(["指标", "基期值", "目标值", "实际值"])
    ws.append(["rd_intensity", 1.32, 1.6, 1.995])
    ws.append([None, None, None, None])
    ws.append(["high_tech_enterprises", 41, "90", "96"])
    path = tmp_path / "c.xlsx"
    wb.save(path)
    county = engine.load_county(path, RULESET)
    assert county.values["rd_intensity"].actual == Decimal("1.995")  # not 1.99499999…
    assert county.values["rd_intensity"].row == 3
    assert county.values["high_tech_enterprises"].row == 5  # blank row 4 keeps the numbering
    assert county.data_file.format == "xlsx"
    result = engine.assess(county, RULESET)
    assert next(r for r in result.rules if r.id == "rd_intensity").threshold == Decimal("1.60")


def test_indicators_absent_from_the_file_are_missing(tmp_path: Path) -> None:
    county = engine.load_county(write(tmp_path, HEADER + "rd_intensity,1,2,3\n"), RULESET)
    result = engine.assess(county, RULESET)
    assert sum(r.status == "not_evaluated" for r in result.rules) == 27
    assert result.verdict == "FAIL"


@pytest.mark.parametrize(
    ("text", "row", "field", "words"),
    [
        (HEADER + "rd_intensity,1,2,3\nno_such_thing,1,2,3\n", 3, "indicator", "unknown indicator"),
        (HEADER + "rd_intensity,1,2,3\n\nrd_intensity,1,2,4\n", 4, "indicator", "rows 2 and 4"),
        (HEADER + "rd_intensity,1,2,约3\n", 2, "actual", "is not a number"),
        (HEADER + "high_tech_enterprises,1,2,3%\n", 2, "actual", "unit is not %"),
        ("indicator,actaul\nrd_intensity,1\n", 1, None, "did you mean the column 'actaul'"),
        ("indicator,target\nrd_intensity,1\n", 1, None, "required column 'actual'"),
        ("indicator,unit,actual\nrd_intensity,家,1\n", 2, "unit", "does not convert to it"),
        (
            "county,indicator,actual\nA,rd_intensity,1\nB,tech_smes,2\n",
            None,
            "county",
            "several counties",
        ),
        (HEADER + "rd_intensity,1,2,3,4\n", 2, None, "column 5 has data but no header"),
        (HEADER + ",1,2,3\n", 2, "indicator", "indicator cell is empty"),
    ],
)
def test_bad_county_files_name_file_row_and_field(
    tmp_path: Path, text: str, row: int | None, field: str | None, words: str
) -> None:
    with pytest.raises(engine.DataError) as info:
        engine.load_county(write(tmp_path, text), RULESET)
    err = info.value
    assert err.file is not None and err.file.endswith("c.csv")
    assert (err.row, err.field) == (row, field)
    assert words in err.message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"indicator,actual\n", "no indicator rows"),
        (b"\xff\xfe\x00\x00i\x00\x00\x00", "is UTF-32 text"),
        (b"\xff\xfei", "UTF-16 BOM but is not UTF-16"),
        (b"indicator,actual\n\x81\x30rd,1\n", "neither UTF-8 nor GBK"),
        (b"\xef\xbb\xbfindicator,actual\n\xd6\xd0,1\n", "BOM but is not UTF-8"),
    ],
)
def test_undecodable_or_empty_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(content)
    with pytest.raises(engine.DataError, match=words):
        engine.load_county(path, RULESET)


def test_a_file_named_xlsx_that_is_not_one(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, name="c.xlsx")
    with pytest.raises(engine.DataError, match=r"is not an \.xlsx workbook"):
        engine.load_county(path, RULESET)


def _word(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("附件：创新型县建设指标表")
    document.add_table(rows=2, cols=3)
    document.save(str(path))
    return path


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # the container of .doc and .xls

#: A document where a table belongs: named for what it is, under any name.
DOCUMENTS = [
    ("annex.docx", _word, "Word document", "是Word文档"),
    ("annex.xlsx", _word, "Word document", "是Word文档"),  # renamed by hand
    ("annex.doc", lambda p: (p.write_bytes(_OLE), p)[1], "Word document", "是Word文档"),
    (
        "report.pdf",
        lambda p: (p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\n"), p)[1],
        "PDF file",
        "是PDF文件",
    ),
]


@pytest.mark.parametrize(("name", "make", "en", "zh"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_a_document_given_as_data_or_as_ruleset_is_named_for_what_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, make: Any, en: str, zh: str
) -> None:
    path = make(tmp_path / name)
    with pytest.raises(engine.DataError) as info:
        engine.load_county(path, RULESET)
    said = info.value.describe("en")
    assert f"is a {en}, not a data table" in said and "assess template" in said
    assert zh in info.value.describe("zh")
    if name.endswith(".xlsx"):
        return  # a table's suffix: --ruleset reads it as an annex, a table (the message above)
    monkeypatch.chdir(tmp_path)  # the bare name: a file, not an unknown bundled ruleset
    with pytest.raises(engine.RulesetError) as refused:
        engine.load_ruleset(name)
    assert f"is a {en} and cannot be read as a ruleset" in refused.value.describe("en")
    assert zh in refused.value.describe("zh") and "--ruleset" in refused.value.describe("zh")


def test_full_width_forms_in_headers_names_and_units(tmp_path: Path) -> None:
    text = (
        "指标,单位,目标值,实际值\n"
        "全社会Ｒ＆Ｄ经费支出占ＧＤＰ比重,％,1.60,1.68\n"
        "万人发明专利拥有量,件／万人,1.50,1.62\n"
        "RD_INTENSITY_X,%,1,1\n"
    )
    with pytest.raises(engine.DataError, match="unknown indicator 'RD_INTENSITY_X'"):
        engine.load_county(write(tmp_path, text), RULESET)
    county = engine.load_county(write(tmp_path, text.rsplit("RD_", 1)[0]), RULESET)
    assert county.values["rd_intensity"].actual == Decimal("1.68")
    assert county.values["invention_patents_per_10k"].unit == "件／万人"


def test_cells_right_of_a_short_xlsx_header_are_never_dropped(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["indicator", "actual"])
    wb.active.append(["rd_intensity", 1.7, 1.6])  # a value under no header
    path = tmp_path / "c.xlsx"
    wb.save(path)
    with pytest.raises(engine.DataError, match="column C has data but no header"):
        engine.load_county(path, RULESET)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path: Path, newline: str) -> None:
    text = newline.join(["indicator,target,actual", "rd_intensity,1.6,1.7", "tech_smes,1,2", ""])
    county = engine.load_county(write(tmp_path, text), RULESET)
    assert county.values["tech_smes"].row == 3
