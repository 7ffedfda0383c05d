"""engine/load/xlsx.py: a county workbook read as its author saw it (percent cells as percents,
dates and booleans marked), and hostile workbooks refused quickly, each with its catalogue code.

Workbooks are written with openpyxl, or as raw zips where openpyxl cannot write the case (shared
strings, sparse far-away cells, DTDs, lying sizes). Every hostile file here is small."""

from __future__ import annotations

import shutil
import struct
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.chart import BarChart
from openpyxl.utils import get_column_letter

from engine.errors import DataError
from engine.load import xlsx
from engine.load.xlsx import Sheet, column_letter, read_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


# -- writing workbooks -----------------------------------------------------------------------


def book(
    path: Path,
    *sheets: tuple[str, list[list[Any]]],
    formats: dict[str, str] | None = None,
    hidden: tuple[str, ...] = (),
) -> Path:
    """An openpyxl workbook: sheets of rows; ``formats`` maps "Sheet!B2" to a number format."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    for where, code in (formats or {}).items():
        name, ref = where.split("!")
        wb[name][ref].number_format = code
    wb.save(path)
    return path


def raw_book(
    path: Path,
    sheets: dict[str, str],
    *,
    strings: list[str] | None = None,
    styles: str | None = None,
    workbook_pr: str = "",
    head: str = "",
    parts: dict[str, bytes] | None = None,
) -> Path:
    """A minimal workbook written part by part: ``sheets`` maps a name to its sheetData XML,
    ``strings`` are <si> elements, ``styles`` the inside of <styleSheet>."""
    rels = [
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    ]
    listed = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1)
    )
    members = {
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"/>',
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            f"</Relationships>"
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">{workbook_pr}'
            f"<sheets>{listed}</sheets></workbook>"
        ).encode(),
    }
    for i, data in enumerate(sheets.values(), 1):
        members[f"xl/worksheets/sheet{i}.xml"] = (
            f'<worksheet xmlns="{MAIN}">{head}<sheetData>{data}</sheetData></worksheet>'.encode()
        )
    if strings is not None:
        rels.append(
            f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        members["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{"".join(strings)}</sst>'.encode()
    if styles is not None:
        rels.append(f'<Relationship Id="rIdT" Type="{REL}/styles" Target="styles.xml"/>')
        members["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'.encode()
    members["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PKG}">{"".join(rels)}</Relationships>'.encode()
    )
    members.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def one_sheet(path: Path, data: str, **kwargs: Any) -> Path:
    return raw_book(path, {"表": data}, **kwargs)


def declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite the unpacked size the central directory declares for ``member``."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length, extra, comment = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46 : at + 46 + name_length].decode() == member:
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 46 + name_length + extra + comment)
    raise AssertionError(f"no member {member}")


def refused(path: Path, code: str, *, sheet: str | None = None) -> DataError:
    with pytest.raises(DataError) as caught:
        read_workbook(path, sheet=sheet)
    error = caught.value
    assert error.code == code, error
    assert error.file == str(path)
    for lang in ("zh", "en"):  # every parameter filled in, in both languages
        assert "{" not in error.describe(lang)
    return error


def cell(sheet: Sheet, ref: str) -> tuple[str | None, str | None]:
    """The text and kind of one cell, by its Excel reference."""
    col = next(i for i in range(len(ref)) if ref[i].isdigit())
    r, c = int(ref[col:]) - 1, openpyxl.utils.column_index_from_string(ref[:col]) - 1
    text = sheet.rows[r][c] if r < len(sheet.rows) and c < len(sheet.rows[r]) else None
    return text, sheet.kinds.get((r, c))


# -- what a cell shows -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code", "text"),
    [
        (0.0155, "0.00%", "1.55%"),
        (0.2, "0%", "20%"),
        (1, "0%", "100%"),
        (0.123456, "0.00%", "12.3456%"),
        (0.5, "#,##0.0%", "50.0%"),  # the decimals shown, padded, never rounded
        (-0.031, "0.0%;[Red]-0.0%", "-3.1%"),
        (0.07, "[Red]0.00%", "7.00%"),
    ],
)
def test_a_percent_cell_reads_as_the_percentage_shown(
    tmp_path: Path, value: float, code: str, text: str
) -> None:
    sheet = read_workbook(
        book(tmp_path / "p.xlsx", ("表", [["比重", value]]), formats={"表!B1": code})
    )
    assert cell(sheet, "B1") == (text, "percent")


@pytest.mark.parametrize(
    ("value", "code", "text"),
    [
        (0.5, '0.0"%"', "0.5"),  # a quoted % is a literal: the number is not scaled
        (0.5, "0.0\\%", "0.5"),
        (1234.5, "#,##0.00", "1234.50"),
        (0.0155, "@", "0.0155"),
    ],
)
def test_a_literal_percent_sign_is_not_a_percent_format(
    tmp_path: Path, value: float, code: str, text: str
) -> None:
    sheet = read_workbook(
        book(tmp_path / "p.xlsx", ("表", [["值", value]]), formats={"表!B1": code})
    )
    assert cell(sheet, "B1") == (text, None)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12, "12"),
        (1e-05, "0.00001"),
        (1.995, "1.995"),
        (0.1 + 0.2, "0.3"),
        (1e20, "100000000000000000000"),
        (-0.0, "0"),
        (2.5e-7, "0.00000025"),
        (123456789.123456789, "123456789.123457"),
    ],
)
def test_numbers_keep_fifteen_digits_in_plain_notation(
    tmp_path: Path, value: float, text: str
) -> None:
    sheet = read_workbook(book(tmp_path / "n.xlsx", ("表", [["值", value]])))
    assert cell(sheet, "B1") == (text, None)


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        ("12345678901234567890", "12345678901234600000"),  # what Excel shows of the double
        ("1.0000000000000001E-5", "0.00001"),
        ("+7", "7"),
        ("44566.0", "44566"),
    ],
)
def test_number_texts_as_other_writers_store_them(tmp_path: Path, stored: str, text: str) -> None:
    sheet = read_workbook(
        one_sheet(tmp_path / "n.xlsx", f'<row r="1"><c r="A1"><v>{stored}</v></c></row>')
    )
    assert sheet.rows == [[text]]


def test_dates_booleans_and_errors_are_marked_by_kind(tmp_path: Path) -> None:
    path = book(
        tmp_path / "k.xlsx",
        (
            "表",
            [
                ["日期", date(2022, 1, 5)],
                ["时刻", datetime(2022, 1, 5, 10, 30)],
                ["是否", True],
                ["否", False],
                ["除零", "#DIV/0!"],
                ["无", "#N/A"],
                ["引用", "#REF!"],
                ["数", 3],
            ],
        ),
    )
    sheet = read_workbook(path)
    assert [cell(sheet, f"B{r}") for r in range(1, 9)] == [
        ("2022-01-05", "date"),
        ("2022-01-05T10:30:00", "date"),
        ("TRUE", "bool"),
        ("FALSE", "bool"),
        ("#DIV/0!", "error"),
        ("#N/A", "error"),
        ("#REF!", "error"),
        ("3", None),
    ]


def test_iso_date_cells_are_dates(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.iso_dates = True
    wb.active.append([date(2022, 1, 5), datetime(2022, 1, 5, 10, 30), 1])
    wb.save(tmp_path / "d.xlsx")
    sheet = read_workbook(tmp_path / "d.xlsx")
    assert sheet.rows == [["2022-01-05", "2022-01-05T10:30:00", "1"]]
    assert sheet.kinds == {(0, 0): "date", (0, 1): "date"}


@pytest.mark.parametrize(
    ("formats", "style", "value", "text"),
    [
        ("", 14, "44566", "2022-01-05"),  # built-in short date
        ("", 31, "44566", "2022-01-05"),  # built-in yyyy"年"m"月"d"日" of Chinese Excel
        ("", 57, "44566", "2022-01-05"),
        ("", 20, "0.4375", "10:30:00"),  # built-in h:mm, a time of day
        (
            '<numFmt numFmtId="164" '
            'formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>',
            164,
            "44566",
            "2022-01-05",
        ),
        (
            '<numFmt numFmtId="164" formatCode="[$-804]dddd"/>',
            164,
            "44566.5",
            "2022-01-05T12:00:00",
        ),
        ('<numFmt numFmtId="164" formatCode="[h]:mm"/>', 164, "1.5", "1900-01-01T12:00:00"),
        ('<numFmt numFmtId="14" formatCode="0.00%"/>', 14, "0.5", "50.00%"),  # a redefined built-in
    ],
)
def test_number_formats_of_the_styles_part(
    tmp_path: Path, formats: str, style: int, value: str, text: str
) -> None:
    styles = (
        f'<numFmts>{formats}</numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="{style}"/></cellXfs>'
    )
    sheet = read_workbook(
        one_sheet(
            tmp_path / "s.xlsx",
            f'<row r="1"><c r="A1" s="1"><v>{value}</v></c></row>',
            styles=styles,
        )
    )
    assert sheet.rows == [[text]]
    assert sheet.kinds == {(0, 0): "percent" if text.endswith("%") else "date"}


def test_a_1904_workbook_counts_dates_from_1904(tmp_path: Path) -> None:
    styles = '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    sheet = read_workbook(
        one_sheet(
            tmp_path / "d.xlsx",
            '<row r="1"><c r="A1" s="1"><v>43104</v></c></row>',
            styles=styles,
            workbook_pr='<workbookPr date1904="1"/>',
        )
    )
    assert sheet.rows == [["2022-01-05"]]


def test_shared_and_inline_strings_read_as_shown(tmp_path: Path) -> None:
    strings = [
        "<si><t>研发经费</t></si>",
        '<si><r><t>研发</t></r><r><rPr><b/></rPr><t xml:space="preserve">投入 </t></r>'
        '<rPh sb="0" eb="2"><t>ケンキュウ</t></rPh></si>',  # the phonetic guide is not text
        "<si><t>a_x000D_b_x005F_x0041_</t></si>",  # OOXML escapes
        "<si><t>  \u3000</t></si>",  # only whitespace: blank
    ]
    data = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c>'
        '<c r="E1" t="inlineStr"><is><r><t>内联</t></r><rPh><t>x</t></rPh></is></c></row>'
    )
    sheet = read_workbook(one_sheet(tmp_path / "s.xlsx", data, strings=strings))
    assert sheet.rows == [["研发经费", "研发投入 ", "a\rb_x0041_", None, "内联"]]


def test_cells_and_rows_without_references_follow_on(tmp_path: Path) -> None:
    data = (
        '<row><c><v>1</v></c><c><v>2</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row>'
    )
    assert read_workbook(one_sheet(tmp_path / "r.xlsx", data)).rows == [["1", "2"], ["x", None]]


def test_blank_cells_are_none_and_the_table_ends_at_its_last_value(tmp_path: Path) -> None:
    path = book(
        tmp_path / "b.xlsx",
        (
            "表",
            [
                ["指标", "实际值", "   ", None],
                [None, None, None, None],
                ["R&D", 2.5, "\u3000", "\xa0"],
                [None, None, " ", None],
            ],
        ),
    )
    assert read_workbook(path).rows == [["指标", "实际值"], [None, None], ["R&D", "2.5"]]


def test_an_xlsm_workbook_reads_like_an_xlsx(tmp_path: Path) -> None:
    path = book(tmp_path / "m.xlsx", ("表", [["指标", 1]]))
    shutil.copy(path, tmp_path / "m.xlsm")
    assert read_workbook(tmp_path / "m.xlsm").rows == [["指标", "1"]]


# -- formulas --------------------------------------------------------------------------------


def test_a_formula_without_a_computed_value_names_its_cell(tmp_path: Path) -> None:
    path = book(tmp_path / "f.xlsx", ("表", [["指标", "实际值", "两倍"], ["R&D", 2, "=B2*2"]]))
    error = refused(path, "xlsx_formula_no_value")
    assert (error.row, error.field) == (2, "cell C2")
    assert error.text("en") == (
        "cell has the formula '=B2*2' but no computed value (open and "
        "save the workbook in Excel or WPS, or type the value)"
    )


def test_cached_formula_values_are_used(tmp_path: Path) -> None:
    data = (
        '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*2</f><v>4</v></c>'
        '<c r="C1" t="str"><f>""</f><v></v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="E1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>'
    )
    sheet = read_workbook(one_sheet(tmp_path / "f.xlsx", data))
    assert sheet.rows == [["2", "4", None, "#DIV/0!", "ab"]]
    assert sheet.kinds == {(0, 3): "error"}


def test_a_filled_down_formula_without_a_value_names_where_it_came_from(tmp_path: Path) -> None:
    data = (
        '<row r="2"><c r="C2"><f t="shared" ref="C2:C3" si="0">B2*2</f><v>4</v></c></row>'
        '<row r="3"><c r="C3"><f t="shared" si="0"/></c></row>'
    )
    error = refused(one_sheet(tmp_path / "f.xlsx", data), "xlsx_formula_no_value_shared")
    assert (error.row, error.field, error.params["origin"]) == (3, "cell C3", "C2")


# -- limits ----------------------------------------------------------------------------------


def test_a_lone_space_in_the_last_cell_of_the_sheet_is_nothing(tmp_path: Path) -> None:
    far = (
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t xml:space="preserve"> </t>'
        "</is></c></row>"
    )
    head = '<dimension ref="A1:XFD1048576"/>'
    refused(one_sheet(tmp_path / "e.xlsx", far, head=head), "xlsx_empty")
    data = (
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
        '<row r="2"><c r="A2"><v>3</v></c></row>' + far
    )
    assert read_workbook(one_sheet(tmp_path / "t.xlsx", data, head=head)).rows == [
        ["1", "2"],
        ["3", None],
    ]


def test_a_stray_value_far_right_is_refused_by_its_cell(tmp_path: Path) -> None:
    path = book(tmp_path / "x.xlsx", ("表", [["指标", 1], [], [], [], ["R&D", 2]]))
    wb = openpyxl.load_workbook(path)
    wb["表"]["XFD5"] = "x"
    wb.save(path)
    error = refused(path, "xlsx_outside_columns")
    assert (error.row, error.field) == (5, "cell XFD5")
    assert error.text("en") == (
        "cell XFD5 of sheet '表' holds data outside the table's columns (A–GR); delete it"
    )


def test_the_last_allowed_column_is_read(tmp_path: Path) -> None:
    sheet = read_workbook(
        one_sheet(
            tmp_path / "w.xlsx", '<row r="1"><c r="A1"><v>1</v></c><c r="GR1"><v>2</v></c></row>'
        )
    )
    assert len(sheet.rows[0]) == xlsx.MAX_COLUMNS == 200
    assert sheet.rows[0][199] == "2"


def test_a_value_below_the_last_allowed_row_is_refused(tmp_path: Path) -> None:
    data = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="100001"><c r="B100001"><v>1</v></c></row>'
    )
    error = refused(one_sheet(tmp_path / "r.xlsx", data), "xlsx_outside_rows")
    assert (error.row, error.field) == (100_001, "cell B100001")


def test_too_many_filled_cells_stop_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_CELLS", 5)
    data = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 8))
    error = refused(one_sheet(tmp_path / "c.xlsx", data), "xlsx_too_many_cells")
    assert error.field == "cell A6"


def test_too_many_shared_strings_stop_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 3)
    path = one_sheet(
        tmp_path / "s.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        strings=[f"<si><t>{i}</t></si>" for i in range(4)],
    )
    refused(path, "xlsx_too_many_strings")


def test_shared_strings_that_unpack_past_the_limit_are_refused(tmp_path: Path) -> None:
    """A real deflate bomb, small on disk: 21 MB of repeated entries."""
    path = one_sheet(tmp_path / "bomb.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member,
    ):
        member.write(f'<sst xmlns="{MAIN}">'.encode())
        chunk = b"<si><t>x</t></si>" * 65_536
        for _ in range(21_000_000 // len(chunk) + 1):
            member.write(chunk)
        member.write(b"</sst>")
    assert path.stat().st_size < 200_000
    error = refused(path, "xlsx_part_too_large")
    assert error.params["part"] == "xl/sharedStrings.xml"


@pytest.mark.parametrize(
    ("member", "size", "code"),
    [
        ("xl/sharedStrings.xml", 1_000_000_000, "xlsx_too_large"),  # a declared 1 GB
        ("xl/sharedStrings.xml", 30_000_000, "xlsx_part_too_large"),
        ("xl/worksheets/sheet1.xml", 60_000_000, "xlsx_part_too_large"),
        ("xl/styles.xml", 30_000_000, "xlsx_part_too_large"),
        ("xl/sharedStrings.xml", 10, "xlsx_damaged"),  # a size that lies is caught by the CRC
    ],
)
def test_declared_sizes_are_checked_before_parsing(
    tmp_path: Path, member: str, size: int, code: str
) -> None:
    path = one_sheet(
        tmp_path / "big.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        strings=["<si><t>研发经费投入强度</t></si>"],
        styles='<cellXfs><xf numFmtId="0"/></cellXfs>',
    )
    declare_size(path, member, size)
    refused(path, code)


def test_too_many_members_are_refused_before_they_are_listed(tmp_path: Path) -> None:
    path = one_sheet(tmp_path / "many.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    with zipfile.ZipFile(path, "a") as archive:
        for i in range(xlsx.MAX_PARTS):
            archive.writestr(f"x/{i}", b"")
    error = refused(path, "xlsx_too_many_parts")
    assert error.params["count"] == {"zh": "2005", "en": "2,005"}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "xlsx_not_zip"),
        (b"indicator,actual\nR&D,2.5\n", "xlsx_not_zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "xlsx_old_binary"),
        (b"PK\x03\x04 a truncated zip", "xlsx_damaged"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path: Path, data: bytes, code: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    refused(path, code)


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    refused(path, "xlsx_not_zip")


@pytest.mark.parametrize(
    "data",
    [
        '<row r="1"><c r="A1"><v>1</v></row>',  # not well-formed
        '<row r="1"><c r="ZZZZ1"><v>1</v></c></row>',  # no such cell
        '<row r="1"><c r="A1"><v>abc</v></c></row>',  # not a number
        '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',  # no such shared string
        '<row r="1"><c r="A1" t="b"><v>yes</v></c></row>',
    ],
)
def test_damaged_sheets(tmp_path: Path, data: str) -> None:
    refused(one_sheet(tmp_path / "d.xlsx", data, strings=[]), "xlsx_damaged")


LAUGHS = (
    '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)
OUTSIDE = '<!DOCTYPE sst [<!ENTITY c SYSTEM "file:///etc/hostname">]>'


@pytest.mark.parametrize("doctype", [LAUGHS, OUTSIDE], ids=["nested", "external"])
def test_entities_are_never_expanded(tmp_path: Path, doctype: str) -> None:
    strings = f'{doctype}<sst xmlns="{MAIN}"><si><t>&c;</t></si></sst>'.encode()
    path = one_sheet(
        tmp_path / "l.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        strings=[],
        parts={"xl/sharedStrings.xml": strings},
    )
    error = refused(path, "xlsx_damaged")
    assert "DTD" in error.text("en")


def test_a_missing_sheet_part_is_damage(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    with (
        zipfile.ZipFile(one_sheet(tmp_path / "full.xlsx", "")) as full,
        zipfile.ZipFile(path, "w") as archive,
    ):
        for info in full.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, full.read(info))
    refused(path, "xlsx_damaged")


# -- which sheet -----------------------------------------------------------------------------


DATA = [["指标", "实际值"], ["R&D经费投入强度", 0.025]]
NOTES = [["填表说明"], ["1. 请按统计年鉴口径填写。"], ["2. 比重指标填写百分数。"]]


def test_a_workbook_of_only_a_chart_sheet_is_empty(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.create_chartsheet("图表").add_chart(BarChart())
    wb.remove(wb.active)
    wb.save(tmp_path / "c.xlsx")
    refused(tmp_path / "c.xlsx", "xlsx_empty")


def test_chart_sheets_are_passed_over(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.create_chartsheet("图表", 0).add_chart(BarChart())
    for row in DATA:
        wb["Sheet"].append(row)
    wb.save(tmp_path / "c.xlsx")
    assert read_workbook(tmp_path / "c.xlsx").name == "Sheet"


@pytest.mark.parametrize("order", ["notes first", "data first"])
def test_an_instructions_sheet_of_text_is_passed_over(tmp_path: Path, order: str) -> None:
    sheets = [("填表说明", NOTES), ("指标", DATA)]
    path = book(tmp_path / "n.xlsx", *(sheets if order == "notes first" else sheets[::-1]))
    sheet = read_workbook(path)
    assert (sheet.name, sheet.rows) == ("指标", [["指标", "实际值"], ["R&D经费投入强度", "0.025"]])


def test_empty_sheets_and_hidden_sheets_are_passed_over(tmp_path: Path) -> None:
    path = book(
        tmp_path / "h.xlsx",
        ("空", []),
        ("下拉选项", [["年份"], [2021], [2022]]),
        ("指标", DATA),
        hidden=("下拉选项",),
    )
    assert read_workbook(path).name == "指标"


@pytest.mark.parametrize(
    ("sheets", "listed"),
    [
        ([("A", DATA), ("B", DATA)], "('A', 'B')"),
        ([("说明", NOTES), ("另一说明", NOTES)], "('说明', '另一说明')"),  # neither has numbers
    ],
)
def test_several_sheets_with_data_must_be_chosen_from(
    tmp_path: Path, sheets: list[tuple[str, list[list[Any]]]], listed: str
) -> None:
    error = refused(book(tmp_path / "two.xlsx", *sheets), "xlsx_several_sheets")
    assert error.text("en") == f"has 2 sheets with data {listed}; choose one with --sheet NAME"
    assert "--sheet" in error.text("zh")


def test_a_named_sheet_is_read_exactly(tmp_path: Path) -> None:
    path = book(
        tmp_path / "two.xlsx", ("A", [["a", 1]]), ("B", [["b", 2]]), ("说明", NOTES), ("空", [])
    )
    assert read_workbook(path, sheet="B").rows == [["b", "2"]]
    assert read_workbook(path, sheet="说明").rows[0] == ["填表说明"]
    error = refused(path, "xlsx_no_sheet", sheet="b")
    assert error.text("en") == (
        "has no sheet named 'b'; its sheets are 'A', 'B', '说明', '空': "
        "check the name after --sheet"
    )
    assert "“A”、“B”、“说明”、“空”" in error.text("zh")
    refused(path, "xlsx_sheet_empty", sheet="空")


def test_a_formula_on_a_sheet_not_read_does_not_matter(tmp_path: Path) -> None:
    path = book(tmp_path / "f.xlsx", ("指标", DATA), ("计算", [["x", "=A1*2"]]), hidden=("计算",))
    assert read_workbook(path).name == "指标"
    refused(path, "xlsx_formula_no_value", sheet="计算")


# -- column letters --------------------------------------------------------------------------


def test_column_letters_are_excel_s() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 199, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "GR",
        "ZZ",
        "AAA",
        "XFD",
    ]
    assert all(column_letter(i) == get_column_letter(i + 1) for i in range(16_384))


# -- every value under every format ----------------------------------------------------------

FORMATS = ["General", "0.00", "0.00%", "0%", "yyyy-mm-dd", "@"]
_NOT_TEXT = ("=", "#")  # openpyxl would write a formula or an error value
VALUES = st.one_of(
    st.floats(min_value=-1e307, max_value=1e307),  # Excel holds no larger number
    st.integers(min_value=-(10**15), max_value=10**15),
    st.booleans(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8).filter(
        lambda s: not s.startswith(_NOT_TEXT) and "_x" not in s
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(st.tuples(VALUES, st.sampled_from(FORMATS)), min_size=1, max_size=12))
def test_text_and_kind_follow_the_number_format(
    tmp_path: Path, cells: list[tuple[Any, str]]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, (value, code) in enumerate(cells, 1):
        ws.cell(r, 1, "值")
        ws.cell(r, 2, value).number_format = code
    wb.save(tmp_path / "h.xlsx")
    sheet = read_workbook(tmp_path / "h.xlsx")
    for r, (value, code) in enumerate(cells):
        text, kind = cell(sheet, f"B{r + 1}")
        if isinstance(value, float):
            value = float(format(value, ".16g"))  # the double openpyxl stores
        if isinstance(value, bool):
            assert (text, kind) == ("TRUE" if value else "FALSE", "bool")
        elif isinstance(value, str):
            assert (text, kind) == (value if value.strip() else None, None)
        elif "%" in code:
            assert kind == "percent" and text is not None and text.endswith("%")
            assert Decimal(text[:-1]) == Decimal(format(float(value), ".15g")) * 100
        elif code == "yyyy-mm-dd":
            assert kind == "date" and text is not None
            if 0 <= value < 2_958_465:  # a day, a moment, or (below 1) a time of day
                parse = time.fromisoformat if value < 1 and ":" in text else datetime.fromisoformat
                parse(text)
        else:
            assert kind is None and text is not None
            if value == 0 or 1e-30 <= abs(value) < 1e30:
                assert "e" not in text.lower()
            assert Decimal(text) == Decimal(
                format(value, ".15g") if isinstance(value, float) else str(value)
            )
