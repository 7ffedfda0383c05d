"""Writes the bad-input corpus: python tests/bad_inputs/make_corpus.py

Each file is paired in expected.json with a fragment of the one message it must get. The files are
committed; this script documents how each was made (bytes that are hard to type by hand).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import struct
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
TIANMEN = HERE.parents[1] / "scenarios" / "tianmen-2022.csv"
H = "indicator,baseline,target,actual\n"
OK = "rd_intensity,1.32,1.60,1.68\n"

COUNTY: dict[str, tuple[bytes | str, str]] = {
    "empty.csv": (b"", "is empty"),
    "only-whitespace.csv": ("  \n\n \n", "is empty"),
    "header-only.csv": (H, "no indicator rows"),
    "pipe-delimited.csv": ("indicator|actual\nrd_intensity|1.68\n", "no header row"),
    "broken-quoting.csv": (H + 'rd_intensity,"1.32,1.60,1.68\n' + OK, "well-formed CSV"),
    "stray-quote-in-field.csv": (
        H + 'rd_intensity,1.32,1."60,1.68\n',
        "row 2: is not a well-formed CSV table: a double quote",
    ),
    "latin1-bytes.csv": (b"indicator,actual\n\xff\xfe\xfdrd,1\n", "neither UTF-8 nor GBK"),
    "bom-then-gbk.csv": (
        b"\xef\xbb\xbf" + "指标,实际值\n高新技术企业数,96\n".encode("gbk"),
        "BOM but is not UTF-8",
    ),
    "nul-bytes.csv": (b"indicator,actual\nrd_intensity,1\x00\n", "NUL bytes"),
    "misspelt-column.csv": (
        "indicator,actaul\nrd_intensity,1\n",
        "did you mean the column 'actaul'",
    ),
    "missing-actual-column.csv": ("indicator,target\nrd_intensity,1\n", "required column 'actual'"),
    "missing-indicator-column.csv": ("actual,target\n1,2\n", "required column 'indicator'"),
    "duplicate-header.csv": ("indicator,actual,实际值\nrd_intensity,1,2\n", "appears twice"),
    "column-without-header.csv": (
        "indicator,actual,\nrd_intensity,1,5\n",
        "has data but no header",
    ),
    "duplicate-indicator.csv": (H + OK + OK, "appears twice (rows 2 and 3)"),
    "duplicate-by-name.csv": (H + OK + "全社会R&D经费支出占GDP比重,1,2,3\n", "appears twice"),
    "unknown-indicator.csv": (H + OK + "rd_intensty,1,2,3\n", "unknown indicator 'rd_intensty'"),
    "empty-indicator-cell.csv": (H + ",1,2,3\n", "indicator cell is empty"),
    "text-in-number.csv": (H + "rd_intensity,1.32,1.60,约1.7\n", "is not a number"),
    "formula-text.csv": (H + "rd_intensity,1.32,1.60,=B2*1.2\n", "is not a number"),
    "nan.csv": (H + "rd_intensity,1.32,1.60,NaN\n", "is not a number"),
    "infinity.csv": (H + "rd_intensity,1.32,1.60,inf\n", "is not a number"),
    "two-decimal-points.csv": (H + "rd_intensity,1.32,1.60,1.6.8\n", "is not a number"),
    "bad-thousands.csv": (H + 'rd_expenditure,"1,23,4",2,3\n', "is not a number"),
    "percent-on-count.csv": (H + "high_tech_enterprises,41,90,96%\n", "carries a '%'"),
    "negative-count.csv": (H + "high_tech_enterprises,41,90,-96\n", "cannot be negative"),
    "absurd-magnitude.csv": (H + "rd_expenditure,1,2,5e15\n", "larger in magnitude"),
    "negative-count-baseline.csv": (H + "tech_smes,-1,240,271\n", "field 'baseline'"),
    "unit-contradicts.csv": (
        "indicator,unit,target,actual\nfiscal_st_expenditure,家,2,3\n",
        "does not convert to it",
    ),
    "several-counties-one-unnamed.csv": (
        "county,indicator,actual\n天门市,rd_intensity,1\n,tech_smes,2\n",
        "row 3, field 'county'",
    ),
    "several-years-bad-year.csv": (
        "county,year,indicator,actual\n天门市,2021,rd_intensity,1\n"
        "天门市,二〇二二,rd_intensity,2\n",
        "is not a year",
    ),
    "too-many-fields.csv": (H + "rd_intensity,1,2,3,4\n", "row 2: column 5 has data but no header"),
    "xls-extension.xls": (H + OK, "old binary Excel"),
    "text-named-xlsx.xlsx": (H + OK, "is not an .xlsx workbook"),
    "zip-named-xlsx.xlsx": (b"", "is not an .xlsx workbook"),  # written below
    # Numbers that are not numbers (issue 6).
    "exponent-million.csv": (
        H + "rd_intensity,1.32,1.60,1e1000000\n",
        "'1e1000000' is not a number",
    ),
    "million-digits.csv": (  # 1,000,000 digits: refused by length, before any conversion
        H + "rd_expenditure,52000,80000," + "9" * 1_000_000 + "\n",
        "'999999999999…' is too long to be a number",
    ),
    "arabic-indic-digits.csv": (H + "rd_intensity,1.32,1.60,١.٦٨\n", "'١.٦٨' is not a number"),
    "thai-digits.csv": (H + "high_tech_enterprises,41,90,๙๖\n", "'๙๖' is not a number"),
    "math-bold-digits.csv": (H + "high_tech_enterprises,41,90,𝟗𝟔\n", "'𝟗𝟔' is not a number"),
    "superscript-year.csv": (
        "county,year,indicator,actual\n天门市,2⁰22,rd_intensity,1.68\n",
        "row 2, field 'year': year '2⁰22' is not a year",
    ),
    # Encodings refused by name rather than read as mojibake.
    "big5.csv": (
        ("county,indicator,baseline,target,actual\n天門市,rd_intensity,1.32,1.60,1.68\n").encode(
            "big5"
        ),
        "is Big5 text",
    ),
    "utf32-bom.csv": ((H + OK).encode("utf-32"), "is UTF-32 text"),  # Python writes the BOM
}

RULESET_HEAD = """id: bad
version: "1"
title: {zh: 坏, en: bad}
sources: [{id: s, title: t}]
reconstruction: test
verdict_policy: {kind: binding_all_expected_share, expected_min_share: 80, basis: t}
indicators:
"""
IND = """  - id: {id}
    name: {{zh: {zh}, en: {en}}}
    category: {{zh: 类, en: c}}
    kind: binding
    unit: "%"
    precision: 2
    threshold: {threshold}
    provenance: t
"""


EXTENDS = """id: {id}
version: "1"
extends: {parent}
"""
INPUTS = """inputs:
  - {id: rd, name: {zh: 研发, en: R&D}, unit: 万元}
  - {id: gdp, name: {zh: 生产总值, en: GDP}, unit: 亿元}
indicators:"""


def ind(
    id: str = "rd_intensity", threshold: str = "{kind: target}", zh: str = "甲", en: str = "A"
) -> str:
    return IND.format(id=id, threshold=threshold, zh=zh, en=en)


RULESET: dict[str, tuple[str | bytes, str]] = {
    "unknown-key.yaml": (RULESET_HEAD + ind() + "    colour: red\n", "unknown key"),
    "unknown-top-key.yaml": ("extends_from: x\n" + RULESET_HEAD + ind(), "unknown key"),
    "wrong-type.yaml": (
        RULESET_HEAD + ind().replace("precision: 2", "precision: two"),
        "field 'precision'",
    ),
    "negative-precision.yaml": (
        RULESET_HEAD + ind().replace("precision: 2", "precision: -1"),
        "field 'precision'",
    ),
    "duplicate-id.yaml": (RULESET_HEAD + ind() + ind(zh="乙", en="B"), "duplicate indicator id"),
    "duplicate-name.yaml": (RULESET_HEAD + ind() + ind(id="other"), "duplicate indicator name"),
    "invalid-operator.yaml": (
        RULESET_HEAD + ind(threshold="{kind: target, operator: '=='}"),
        "field 'threshold.operator'",
    ),
    "operator-against-direction.yaml": (
        RULESET_HEAD + ind(threshold="{kind: target, operator: '<'}"),
        "contradicts direction",
    ),
    "threshold-finer-than-precision.yaml": (
        RULESET_HEAD + ind(threshold="{kind: absolute, value: 2.555}"),
        "finer than",
    ),
    "unknown-threshold-kind.yaml": (
        RULESET_HEAD + ind(threshold="{kind: nearest}"),
        "does not match any of the expected tags",
    ),
    "absolute-without-value.yaml": (
        RULESET_HEAD + ind(threshold="{kind: absolute}"),
        "field 'threshold.value'",
    ),
    "share-above-100.yaml": (
        RULESET_HEAD.replace("expected_min_share: 80", "expected_min_share: 120") + ind(),
        "field 'verdict_policy.expected_min_share'",
    ),
    "infinite-share.yaml": (
        RULESET_HEAD.replace("expected_min_share: 80", "expected_min_share: .inf") + ind(),
        "not a finite decimal",
    ),
    "alias-bomb.yaml": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a]\n'
        "c: &c [*b,*b,*b,*b,*b]\n",
        "aliases",
    ),
    "duplicate-yaml-key.yaml": (
        RULESET_HEAD.replace('version: "1"', 'version: "1"\nversion: "2"') + ind(),
        "duplicate key 'version'",
    ),
    "deep-nesting.yaml": ("a: " + "[" * 500 + "]" * 500 + "\n", "nested more than"),
    "not-a-mapping.yaml": ("- id: x\n- id: y\n", "a ruleset is a YAML mapping"),
    "empty.yaml": ("", "a ruleset is a YAML mapping"),
    "syntax-error.yaml": ("id: [unclosed\nversion: 1\n", "line"),
    "no-indicators.yaml": (RULESET_HEAD + "  []\n", "field 'indicators'"),
    "not-utf8.yaml": ("id: 坏\n".encode("gbk"), "not UTF-8"),
    "missing-title.yaml": (
        RULESET_HEAD.replace("title: {zh: 坏, en: bad}\n", "") + ind(),
        "field 'title'",
    ),
    "float-bool-threshold.yaml": (
        RULESET_HEAD + ind(threshold="{kind: absolute, value: yes}"),
        "field 'threshold.value'",
    ),
    # Rule kinds, formulas and extends (issue 4).
    "extends-cycle-a.yaml": (
        EXTENDS.format(id="cycle-a", parent="extends-cycle-b.yaml"),
        "extends cycle: extends-cycle-a.yaml → extends-cycle-b.yaml",
    ),
    "extends-cycle-b.yaml": (
        EXTENDS.format(id="cycle-b", parent="extends-cycle-a.yaml"),
        "extends cycle: extends-cycle-b.yaml → extends-cycle-a.yaml",
    ),
    "extends-unknown-parent.yaml": (
        EXTENDS.format(id="orphan", parent="hubei-2099"),
        "unknown ruleset 'hubei-2099'",
    ),
    "override-unknown-indicator.yaml": (
        EXTENDS.format(id="o", parent="provincial-2021") + "overrides:\n  rd_intensty: "
        "{precision: 1}\n",
        "overrides of indicator 'rd_intensty'",
    ),
    "formula-attribute.yaml": (
        RULESET_HEAD.replace("indicators:", INPUTS)
        + ind()
        + "    derived: {formula: 'gdp.__class__'}\n",
        "field 'derived.formula': 'gdp.__class__' is not allowed in a formula",
    ),
    "formula-unknown-input.yaml": (
        RULESET_HEAD.replace("indicators:", INPUTS)
        + ind()
        + "    derived: {formula: 'rd / population'}\n",
        "unknown input 'population'",
    ),
    "between-inverted.yaml": (
        RULESET_HEAD + ind(threshold="{kind: between, min: 5, max: 1}"),
        "min 5 is above max 1",
    ),
    "weight-without-score.yaml": (
        RULESET_HEAD + ind() + "    weight: 2\n",
        "weights are only used by a weighted_score",
    ),
    "unknown-theme.yaml": (
        RULESET_HEAD + ind() + "    applies_to: {themes: [tourism]}\n",
        "unknown theme 'tourism'",
    ),
    "pass-mark-above-100.yaml": (
        RULESET_HEAD.replace(
            "{kind: binding_all_expected_share, expected_min_share: 80, basis: t}",
            "{kind: weighted_score, pass_mark: 150, basis: t}",
        )
        + ind(),
        "field 'verdict_policy.pass_mark'",
    ),
    # Numbers, formulas, parents, names and size (issue 6).
    "precision-true.yaml": (
        RULESET_HEAD + ind().replace("precision: 2", "precision: true"),
        "field 'precision': Input should be a valid integer",
    ),
    "formula-without-input.yaml": (
        RULESET_HEAD.replace("indicators:", INPUTS) + ind() + "    derived: {formula: '100'}\n",
        "formula '100' uses none of the declared inputs",
    ),
    "formula-huge-literal.yaml": (
        RULESET_HEAD.replace("indicators:", INPUTS)
        + ind()
        + "    derived: {formula: 'rd / gdp * 1e999999'}\n",
        "the number 1e999999 is too large",
    ),
    "formula-tiny-divisor.yaml": (
        RULESET_HEAD.replace("indicators:", INPUTS)
        + ind()
        + "    derived: {formula: 'rd / 1e-9999999'}\n",
        "the number 1e-9999999 is too small",
    ),
    "absolute-too-large-at-precision.yaml": (
        RULESET_HEAD
        + ind(threshold="{kind: absolute, value: 999999999999}").replace(
            "precision: 2", "precision: 6"
        ),
        "field 'threshold.value': 999999999999 is too large to compare exactly at 6 decimals",
    ),
    "extends-etc-shadow.yaml": (  # the test also checks that no line of /etc/shadow is shown
        EXTENDS.format(id="shadow", parent="/etc/shadow"),
        "'/etc/shadow' is outside this ruleset's folder",
    ),
    "extends-parent-folder.yaml": (
        EXTENDS.format(id="outside", parent="../outside.yaml"),
        "'../outside.yaml' is outside this ruleset's folder",
    ),
    "names-fold-full-width.yaml": (
        RULESET_HEAD + ind(zh="R&D经费", en="A") + ind(id="other", zh="Ｒ＆Ｄ经费", en="B"),
        "indicator 'other' name.zh 'Ｒ＆Ｄ经费' is the same name as indicator 'rd_intensity' "
        "name.zh 'R&D经费'",
    ),
    "names-fold-spaces.yaml": (
        RULESET_HEAD + ind(zh="研发强度", en="A") + ind(id="other", zh="研发 强度", en="B"),
        "indicator 'other' name.zh '研发 强度' is the same name as indicator 'rd_intensity' "
        "name.zh '研发强度'",
    ),
    "name-with-escape.yaml": (  # YAML's \\e: the name holds a real ESC character
        RULESET_HEAD + ind(zh='"研发\\e[31m强度"'),
        "field 'name.zh': contains a control character (\\x1b)",
    ),
    "name-with-raw-escape.yaml": (  # the ESC byte itself, which YAML does not allow
        RULESET_HEAD + ind(zh="研发\x1b[31m强度"),
        "line 9: holds a character YAML does not allow (#x001b)",
    ),
    "too-many-rule-fields.yaml": (  # 1 + 2 × 130 = 261 fields > 250
        RULESET_HEAD + "".join(ind(id=f"i{n:03d}", zh=f"甲{n}", en=f"A{n}") for n in range(130)),
        "has 130 indicators; the rule engine (durable-rules) compares at most 63",
    ),
}


# -- zips written the same way every time ----------------------------------------------------

#: Every member's date, and the workbook's created/modified stamps: the script writes the same
#: bytes on every run (given the same openpyxl and zlib), so a rerun shows no spurious change.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _write_zip(path: Path, members: Sequence[tuple[str, bytes | str]]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


def _members(wb: Workbook) -> list[tuple[str, bytes | str]]:
    """The parts openpyxl writes for ``wb``, its time stamps fixed."""
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        members: list[tuple[str, bytes | str]] = [
            (i.filename, z.read(i.filename)) for i in z.infolist()
        ]
    return [
        (n, _STAMP.sub(rb"\g<1>2023-01-01T00:00:00Z\g<3>", d) if isinstance(d, bytes) else d)
        for n, d in members
    ]


def save(wb: Workbook, path: Path) -> None:
    _write_zip(path, _members(wb))


def write_xlsx() -> dict[str, str]:
    made: dict[str, str] = {}
    wb = Workbook()  # two sheets with numbers (a text-only 说明 sheet would be ignored)
    wb.active.title = "2021年"
    wb.active.append(["indicator", "actual"])
    wb.active.append(["rd_intensity", 1.5])
    second = wb.create_sheet("2022年")
    second.append(["indicator", "actual"])
    second.append(["rd_intensity", 1.68])
    save(wb, HERE / "county" / "several-sheets.xlsx")
    made["several-sheets.xlsx"] = "choose one with --sheet"

    wb = Workbook()
    ws = wb.active
    ws.append(["指标", "数值", None, None])
    ws.append([None, "基期值", "目标值", "实际值"])
    ws.append(["rd_intensity", 1.32, 1.6, 1.68])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:D1")
    save(wb, HERE / "county" / "two-row-header.xlsx")
    made["two-row-header.xlsx"] = "the header spans two rows"

    # One data row whose actual cell is not a number, four ways.
    for name, actual, message in (
        ("text-in-number.xlsx", "约1.7", "is not a number"),
        ("formula-without-value.xlsx", "=B2*1.1", "no computed value"),
        ("error-value.xlsx", "#DIV/0!", "the cell holds the Excel error #DIV/0!"),
        (
            "date-in-number.xlsx",
            datetime.date(2022, 12, 31),
            "the cell holds a date (2022-12-31), not a number",
        ),
    ):
        wb = Workbook()
        wb.active.append(["indicator", "target", "actual"])
        wb.active.append(["rd_intensity", 1.6, actual])
        save(wb, HERE / "county" / name)
        made[name] = message

    save(Workbook(), HERE / "county" / "empty.xlsx")
    made["empty.xlsx"] = "is empty"

    _write_zip(HERE / "county" / "zip-named-xlsx.xlsx", [("readme.txt", "not a workbook")])
    return made


# -- workbooks written as raw parts (what openpyxl cannot or will not write) ------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{extra}</Types>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "{extra}</Relationships>"
)
#: A lone space in the last cell Excel has, with the used area stated up to it: openpyxl's
#: read-only mode padded every row to 16,384 columns for it.
_SPACE_IN_LAST_CELL = (
    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t xml:space="preserve"> </t></is>'
    "</c></row>"
)


def _cell_xml(ref: str, value: str) -> str:
    """A number cell for a plain decimal, else an inline string."""
    try:
        Decimal(value)
        is_number = value.strip() == value and value != "" and value[0] not in "+"
    except ArithmeticError:
        is_number = False
    if is_number:
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def _sheet_xml(rows: list[list[str]], dimension: str, tail: str = "") -> str:
    body = []
    for r, cells in enumerate(rows, start=1):
        xml = "".join(_cell_xml(f"{chr(65 + c)}{r}", v) for c, v in enumerate(cells) if v)
        body.append(f'<row r="{r}">{xml}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{"".join(body)}{tail}</sheetData></worksheet>'
    )


def _raw_workbook(
    path: Path,
    sheet: str,
    *,
    types: str = "",
    rels: str = "",
    parts: tuple[tuple[str, str], ...] = (),
) -> None:
    _write_zip(
        path,
        [
            ("[Content_Types].xml", _CONTENT_TYPES.format(extra=types)),
            ("_rels/.rels", _PACKAGE_RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(extra=rels)),
            ("xl/worksheets/sheet1.xml", sheet),
            *parts,
        ],
    )


def _declare_size(path: Path, member: str, size: int) -> None:
    """Patch the unpacked size the zip declares for ``member`` (in its local header and in the
    central directory): a bomb's declaration without a bomb's bytes, so that this script stays
    fast and small. Nothing is inflated to find out: the declaration alone must be refused."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),  # local file header
        (b"PK\x01\x02", 24, 28, 46),  # central directory entry
    ):
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", data, at + name_length_at)[0]
            if data[at + name_at : at + name_at + length] == name:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def write_hostile_workbooks() -> dict[str, str]:
    made: dict[str, str] = {}
    county = HERE / "county"

    wb = Workbook()  # a chart sheet and nothing else: no worksheet, no cell
    chart_sheet = wb.create_chartsheet("图表")
    chart_sheet.add_chart(BarChart())
    wb.remove(wb.worksheets[0])
    save(wb, county / "chart-sheet-only.xlsx")
    made["chart-sheet-only.xlsx"] = "is empty"

    # Nothing but a space in XFD1048576, the used area stated as the whole sheet: read at once
    # (only cells present are visited) and found empty. tricky/ has it beside a real table.
    _raw_workbook(
        county / "space-in-xfd1048576.xlsx",
        _sheet_xml([], "A1:XFD1048576", _SPACE_IN_LAST_CELL),
    )
    made["space-in-xfd1048576.xlsx"] = "is empty"

    # The shared strings declare 1,000,000,000 unpacked bytes; the file is 2 KB.
    strings = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" '
        'uniqueCount="2"><si><t>indicator</t></si><si><t>actual</t></si></sst>'
    )
    bomb = county / "shared-strings-bomb.xlsx"
    _raw_workbook(
        bomb,
        _sheet_xml([], "A1:B1").replace(
            "<sheetData>",
            '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
        ),
        types='<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
        rels=f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>',
        parts=(("xl/sharedStrings.xml", strings),),
    )
    _declare_size(bomb, "xl/sharedStrings.xml", 1_000_000_000)
    made["shared-strings-bomb.xlsx"] = "unpacks to about 1,001 MB, more than the 100 MB allowed"

    wb = Workbook()
    wb.active.append(["indicator", "target", "actual"])
    wb.active.append(["rd_intensity", 1.6, 1.68])
    wb.active["XFD2"] = "x"  # a stray value in the last column
    save(wb, county / "stray-value-in-xfd.xlsx")
    made["stray-value-in-xfd.xlsx"] = "cell XFD2 of sheet 'Sheet' holds data outside"

    wb = Workbook()
    wb.active.append(["indicator", "target", "actual"])
    wb.active.append(["rd_intensity", 1.6, 1.68])
    save(wb, county / "zip-named-csv.csv")
    made["zip-named-csv.csv"] = "is an Excel workbook with a .csv name"

    wb = Workbook()
    wb.active.append(["indicator", "baseline", "target", "actual"])
    wb.active.append(["high_tech_enterprises", 41, 90, 0.96])
    wb.active["D2"].number_format = "0%"  # shows 96%: a count is no percentage
    save(wb, county / "percent-format-on-count.xlsx")
    made["percent-format-on-count.xlsx"] = (
        "field 'actual': the cell is formatted as a percentage (it shows 96%) but the "
        "indicator's unit is '家'"
    )
    return made


# -- valid but tricky files: tricky/ and tricky/expected_tricky.json -------------------------


def _tianmen() -> list[list[str]]:
    with TIANMEN.open(encoding="utf-8", newline="") as stream:
        return [row for row in csv.reader(stream) if row]


def _csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


def _changed(rows: list[list[str]], indicator: str, column: str, value: str) -> list[list[str]]:
    """A copy of the table with one cell replaced."""
    at = rows[0].index(column)
    copy = [list(r) for r in rows]
    (row,) = [r for r in copy if r[1] == indicator]
    row[at] = value
    return copy


def _cell_value(text: str) -> object:
    """What a bureau types into a workbook: numbers as numbers, the rest as text."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    return int(number) if number == number.to_integral_value() and "." not in text else float(text)


def _tianmen_sheet(ws: Worksheet, rows: list[list[str]]) -> None:
    for row in rows:
        ws.append([_cell_value(v) if i else v for i, v in enumerate(row)])


# A hunan table (tests/rulesets/hunan/pass/county-a.csv, which passes with 13 of 15 met) with
# the general budget, the divisor of fiscal_st_share, left blank, and one more indicator short
# (science popularisation 210 < 220): 11 of 15 met, FAIL. Were the derived indicator counted as
# met, 12 of 15 (80 %) would PASS.
_HUNAN_DERIVED_BLANK = """indicator,unit,baseline,target,actual,note
fiscal_st_expenditure,万元,8000,12000,13500,
general_budget_expenditure,万元,400000,420000,,
rd_personnel_per_10k,人/万人,20.5,28.0,29.1,
rd_expenditure,万元,30000,45000,47210,
industrial_rd_share,%,1.10,1.50,1.42,
high_tech_enterprises,家,35,60,66,
tech_smes,家,80,150,162,
innovation_clusters,个,1,2,2,
innovation_service_institutions,个,12,20,21,
rd_deduction_tax_relief,万元,3000,5000,5600,
st_commissioners,人,120,200,215,
science_popularization_funds,万元,150,220,210,
new_product_sales_share,%,12.00,18.00,17.20,
invention_patents,件,150,260,300,
resident_population,人,605000,610000,612000,
energy_per_gdp,吨标准煤/万元,0.520,0.480,0.466,
new_registered_enterprises,个,2500,3000,3150,
"""

_PATENTS_RULESET = """id: patents-case
version: "1"
title: {zh: 专利（名称只差大小写）, en: patents (names differing in case only)}
sources: [{id: s, title: test}]
reconstruction: test ruleset of the tricky corpus
verdict_policy: {kind: binding_all_expected_share, expected_min_share: 80, basis: test}
indicators:
  - id: invention_patents
    name: {zh: 发明专利数, en: Patents}
    category: {zh: 创新产出, en: Output}
    kind: binding
    unit: 件
    precision: 0
    threshold: {kind: target}
    provenance: test
  - id: all_patents
    name: {zh: 专利总数, en: PATENTS}
    category: {zh: 创新产出, en: Output}
    kind: expected
    unit: 件
    precision: 0
    threshold: {kind: target}
    provenance: test
"""


def write_tricky() -> dict[str, dict[str, object]]:
    """Valid files that look wrong, each with its verdict and the status of named rules, reasoned
    from tianmen-2022.csv (binding 8/8, expected 18/20: PASS). A file without a comment is that
    table written another way, so it passes with rd_intensity met (1.68 against 1.60)."""
    folder = HERE / "tricky"
    folder.mkdir(exist_ok=True)
    rows = _tianmen()
    head, body = rows[0], rows[1:]
    expected: dict[str, dict[str, object]] = {}

    def put(
        name: str, data: str | bytes, verdict: str, rules: dict[str, str], **more: object
    ) -> None:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expected[name] = {"verdict": verdict, "rules": rules, **more}

    # "—" in a binding indicator: not evaluated, and missing data is never a pass.
    put(
        "dash-for-missing.csv",
        _csv_text(_changed(rows, "tech_contract_turnover", "actual", "—")),
        "FAIL",
        {"tech_contract_turnover": "not_evaluated"},
        warnings=["marker_missing"],
    )
    # "/" in an expected indicator: not evaluated; 17 of 20 expected met (85 %) still passes.
    put(
        "slash-for-missing.csv",
        _csv_text(_changed(rows, "science_popularization_funds", "actual", "/")),
        "PASS",
        {"science_popularization_funds": "not_evaluated", "rd_intensity": "met"},
        warnings=["marker_missing"],
    )
    footer = [
        ["填报单位：天门市科学技术局", "", "", "", "", "", ""],
        ["注：2022年数据为统计快报数，以统计年鉴为准。", "", "", "", "", "", ""],
        ["填表人：张三", "", "", "", "联系电话：0728-5221234", "", ""],
        ["填表日期：2023年1月10日", "", "", "", "", "", ""],
    ]
    put(
        "footer-rows.csv",
        _csv_text(rows + footer),
        "PASS",
        {"rd_intensity": "met"},
        warnings=["footer_rows_skipped"],
    )
    put(
        "extra-columns.csv",
        _csv_text(
            [[*head, "责任单位", "联系人"]]
            + [[*r, "市科技局" if i % 2 else "市统计局", "张三"] for i, r in enumerate(body)]
        ),
        "PASS",
        {"rd_intensity": "met"},
        warnings=["columns_kept"],
    )
    year_head = [
        "县(市、区)",
        "指标",
        "单位",
        "2020年基期值",
        "2022年目标值",
        "完成值(2022年)",
        "数据来源",
    ]
    put("year-headers.csv", _csv_text([year_head, *body]), "PASS", {"rd_intensity": "met"})
    put(
        "unit-in-name.csv",
        _csv_text(_changed(rows, "rd_intensity", "indicator", "全社会R&D经费支出占GDP比重(%)")),
        "PASS",
        {"rd_intensity": "met"},
    )
    put(  # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF
        "utf16-bom-tab.txt",
        _csv_text(rows, delimiter="\t", newline="\r\n").encode("utf-16"),
        "PASS",
        {"rd_intensity": "met"},
        data_file={"encoding": "utf-16", "format": "csv"},
    )

    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    for line in (
        ["填表说明"],
        ["1. 请按指标代码逐项填写基期值、目标值和完成值。"],
        ["2. 百分比指标填写百分数（如1.68），不带%号。"],
    ):
        notes.append(line)
    _tianmen_sheet(wb.create_sheet("指标数据"), rows)
    save(wb, folder / "instructions-sheet.xlsx")
    expected["instructions-sheet.xlsx"] = {
        "verdict": "PASS",
        "rules": {"rd_intensity": "met"},
        "data_file": {"format": "xlsx", "sheet": "指标数据"},
    }

    # 0.0155 shown as 1.55% by a 0.00% format: read as 1.55 (%), short of the 1.60 target.
    wb = Workbook()
    _tianmen_sheet(wb.active, _changed(rows, "rd_intensity", "actual", "0.0155"))
    (row,) = [r for r in wb.active.iter_rows(min_row=2) if r[1].value == "rd_intensity"]
    row[head.index("actual")].number_format = "0.00%"
    save(wb, folder / "excel-percent.xlsx")
    expected["excel-percent.xlsx"] = {"verdict": "FAIL", "rules": {"rd_intensity": "not_met"}}

    # An .xlsm as Excel writes it: the macro-enabled content type and a VBA part, never run.
    wb = Workbook()
    _tianmen_sheet(wb.active, rows)
    members = []
    for name, data in _members(wb):
        assert isinstance(data, bytes)
        if name == "[Content_Types].xml":
            data = data.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            ).replace(
                b"<Default ",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                b"<Default ",
                1,
            )
        elif name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
            )
        members.append((name, data))
    # A compound-file header, as a vbaProject.bin starts: inside the zip, not a .xls.
    members.append(("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)))
    _write_zip(folder / "macro-enabled.xlsm", members)
    expected["macro-enabled.xlsm"] = {
        "verdict": "PASS",
        "rules": {"rd_intensity": "met"},
        "data_file": {"format": "xlsx"},
    }

    # The Tianmen table with a lone space in XFD1048576 and the used area stated up to it.
    _raw_workbook(
        folder / "space-in-xfd1048576.xlsx",
        _sheet_xml(rows, "A1:XFD1048576", _SPACE_IN_LAST_CELL),
    )
    expected["space-in-xfd1048576.xlsx"] = {"verdict": "PASS", "rules": {"rd_intensity": "met"}}

    # Names that differ in case only are different indicators (engine.units.name_key).
    (folder / "patents-case.yaml").write_text(_PATENTS_RULESET, "utf-8")
    put(
        "patents-case.csv",
        "indicator,target,actual\nPatents,10,12\nPATENTS,50,40\n",
        "FAIL",  # binding Patents met; the one expected indicator, PATENTS, not: 0 % < 80 %
        {"invention_patents": "met", "all_patents": "not_met"},
        ruleset="patents-case.yaml",
    )
    put(
        "derived-input-blank.csv",
        _HUNAN_DERIVED_BLANK,
        "FAIL",
        {"fiscal_st_share": "not_evaluated", "invention_patents_per_10k": "met"},
        ruleset="hunan",
    )
    return expected


def main() -> None:
    expected: dict[str, dict[str, str]] = {"county": {}, "ruleset": {}}
    for kind, corpus in (("county", COUNTY), ("ruleset", RULESET)):
        folder = HERE / kind
        folder.mkdir(exist_ok=True)
        for name, (content, message) in corpus.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
            expected[kind][name] = message
    expected["county"].update(write_xlsx())
    expected["county"].update(write_hostile_workbooks())
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    tricky = write_tricky()
    (HERE / "tricky" / "expected_tricky.json").write_text(
        json.dumps(tricky, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    print(f"{sum(len(v) for v in expected.values())} bad files, {len(tricky)} tricky files")


if __name__ == "__main__":
    main()
