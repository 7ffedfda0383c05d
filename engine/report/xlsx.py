"""The spreadsheet report (.xlsx): a Document (engine/report/document.py) as a workbook, ready to
print.

openpyxl is already how we read .xlsx data, and it writes real workbooks with numeric cells,
number formats and print settings (landscape A4, one page wide, repeated header row), which a
CSV export cannot carry.

Layout: the document's first page is a sheet of labelled lines (a heading in column A, what it
heads in column B); every other page (``Section.page``) is a sheet of its own: a page that is
one table is a data sheet (header row frozen and filtered, a column per field), any other page
flows its sections down column A with their tables beside.

Every text is written as a string cell, never a formula: openpyxl would otherwise turn a county
name or a source starting with "=" into one. Characters that XML cannot hold are dropped instead
of failing the report. The same document gives the same bytes: the document properties and the
zip entries carry the document's date (or a fixed one), not the clock's.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from engine.report.archive import DEFAULT_TIME, fixed_zip
from engine.report.document import (
    TONES,
    WARNING_TONE,
    Banner,
    Block,
    BulletList,
    Cell,
    Chart,
    CodeBlock,
    Column,
    Document,
    Fact,
    Layout,
    Note,
    Number,
    Paragraph,
    Section,
    Status,
    StatusValue,
    Table,
    Verdict,
    Warning,
    cell_text,
    plain,
    visible,
)

if TYPE_CHECKING:
    from engine.model.result import Result
    from engine.model.ruleset import Ruleset

# Columns fit their content up to a cap, and cells wrap beyond it: the sheet is printed one page
# wide, so every extra column unit shrinks the print. The long texts get wider caps.
_WIDTH_CAP = {"indicator": 28, "reason": 48, "source": 32}
_MAX_WIDTH = 16

_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_BOLD = Font(bold=True)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_DETAIL = Alignment(vertical="top", wrap_text=True, indent=1)

# ILLEGAL_CHARACTERS_RE covers the control characters; XML 1.0 also forbids surrogates and
# U+FFFE/U+FFFF, which a decoded file can still hold.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_EXCEL_TEXT_LIMIT = 32767
_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def clean(text: str) -> str:
    """Text a workbook cell can hold: no XML-illegal character, within Excel's limit."""
    return _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))[:_EXCEL_TEXT_LIMIT]


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _put(
    ws: Any,
    row: int,
    col: int,
    value: object,
    *,
    places: int | None = None,
    number_format: str | None = None,
    alignment: Alignment = _TOP,
) -> Any:
    """Write one cell: text always as a string cell, Decimals as numbers at ``places``."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = clean(value)
        # openpyxl makes "=…" a formula and "#N/A" an error; data text must stay text.
        cell.data_type = "s"
    elif value is not None:
        cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    elif places is not None:
        cell.number_format = _places_format(places)
    cell.alignment = alignment
    return cell


def _places_format(places: int) -> str:
    return "0" if places <= 0 else "0." + "0" * places


def _display_width(text: str) -> int:
    """Columns a text takes on screen: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _tone(cell: Any, status: StatusValue, *, bold: bool = False, size: int | None = None) -> None:
    tone = TONES[status]
    cell.fill = PatternFill("solid", fgColor=_hex(tone.tint))
    cell.font = Font(color=_hex(tone.colour), bold=bold, size=size)


def _write(
    ws: Any, row: int, col: int, cell: Cell, column: Column, alignment: Alignment = _WRAP
) -> str:
    """One table cell; returns the text it shows (for the column's width)."""
    if isinstance(cell, Number):
        if cell.value is None:
            _put(ws, row, col, None, alignment=alignment)
            return ""
        value, places = cell.value, cell.places
        fmt = None
        if places is not None:
            fmt = _places_format(places)
            if cell.signed:  # + on the good side, like the other formats
                fmt = f"+{fmt};-{fmt};{fmt}"
        if cell.unit == "%" and column.unit != "%":  # a percentage the head does not say
            value = value / 100
            fmt = (fmt or "0") + "%"
        _put(ws, row, col, value, number_format=fmt, alignment=alignment)
        return cell.text if places is None else f"{cell.value:.{places}f}"
    written = _put(ws, row, col, cell_text(cell), alignment=alignment)
    if isinstance(cell, Status):
        _tone(written, cell.value)
    elif isinstance(cell, Verdict):
        _tone(written, cell.status, bold=True)
    return cell_text(cell)


def _head(column: Column, lang: str) -> str:
    """A column's head, with the unit its bare numbers are in: 完成率(%), Completion (%)."""
    if column.unit is None:
        return column.head
    return f"{column.head}({column.unit})" if lang == "zh" else f"{column.head} ({column.unit})"


def _print_setup(ws: Any) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    # One page wide, as many pages tall as the rows need.
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&P / &N"


# The first page: labelled lines --------------------------------------------------------------


class _Lines:
    """Column A the label (bold), column B what it labels, one line after another."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.row = 1

    def line(
        self, label: str | None, value: object, alignment: Alignment = _WRAP, **style: Any
    ) -> Any:
        if label is not None:
            _put(self.ws, self.row, 1, label, alignment=_WRAP).font = _BOLD
        cell = _put(self.ws, self.row, 2, value, alignment=alignment, **style)
        self.row += 1
        return cell

    def fact(self, fact: Fact) -> None:
        if isinstance(fact.value, date):  # a real date, so that it sorts and filters as one
            self.line(fact.label, fact.value, number_format="yyyy-mm-dd")
            return
        note = f" ({fact.note})" if fact.note else ""
        self.line(fact.label, plain(fact.value, refs=False) + note)
        if fact.sha256:
            self.line(None, f"sha256 {fact.sha256}")

    def banner(self, banner: Banner) -> None:
        verdict = self.line(banner.label, banner.verdict.label)
        _tone(verdict, banner.verdict.status, bold=True, size=16)
        for reason in banner.reasons:
            self.line(None, reason)
        self.row += 1
        for text in banner.lines:
            self.line(None, text)

    def table(self, label: str | None, table: Table, lang: str) -> None:
        for col, column in enumerate(table.columns, start=2):
            cell = _put(self.ws, self.row, col, _head(column, lang))
            cell.font, cell.fill = _BOLD, _HEADER_FILL
        if label is not None:
            _put(self.ws, self.row, 1, label).font = _BOLD
        self.row += 1
        for row in table.rows:
            for col, (cell, column) in enumerate(zip(row.cells, table.columns, strict=True), 2):
                _write(self.ws, self.row, col, cell, column)
            self.row += 1

    def block(self, label: str | None, block: Block, lang: str) -> str | None:
        """Writes a block under ``label``; returns the label still to be written (None)."""
        if isinstance(block, Banner):
            self.banner(block)
        elif isinstance(block, Paragraph):
            self.line(label, plain(block.runs, refs=False))
        elif isinstance(block, BulletList):
            for item in block.items:
                cell = self.line(label, plain(item.runs, refs=False))
                if item.status is not None:
                    cell.font = Font(color=_hex(TONES[item.status].colour))
                label = None
                if item.details:
                    self.line(None, ", ".join(item.details), alignment=_DETAIL)
        elif isinstance(block, Warning):
            for runs in block.items:
                cell = self.line(label, plain(runs, refs=False))
                cell.font = Font(color=_hex(TONES[WARNING_TONE].colour))
                label = None
        elif isinstance(block, Note):
            self.line(label, plain(block.runs, refs=False)).font = Font(italic=True, color="616161")
        elif isinstance(block, CodeBlock):
            self.line(label, block.text)
        elif isinstance(block, Table):
            self.table(label, block, lang)
        elif isinstance(block, Section):
            self.section(block, lang)
            return label
        elif isinstance(block, Chart):
            return label  # the rules sheet holds what the charts show
        return None

    def section(self, section: Section, lang: str) -> None:
        if not visible(section, charts=False):
            return
        self.row += 1
        label = section.heading
        first = next(b for b in section.blocks if visible(b, charts=False))
        if label is not None and isinstance(first, Section):
            _put(self.ws, self.row, 1, label, alignment=_WRAP).font = _BOLD
            self.row += 1
            label = None
        for block in section.blocks:
            label = self.block(label, block, lang)


def _first_sheet(ws: Any, document: Document, sections: list[Section], lang: str) -> None:
    lines = _Lines(ws)
    if document.title:
        _put(ws, 1, 1, document.title).font = Font(bold=True, size=14)
        lines.row = 3
    for fact in document.meta:
        lines.fact(fact)
    for section in sections:
        lines.section(section, lang)
    if document.footer is not None:
        lines.row += 1
        lines.fact(document.footer)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    _print_setup(ws)


# Other pages ---------------------------------------------------------------------------------


def _data_sheet(ws: Any, table: Table, lang: str) -> None:
    """One table: the header in row 1 (frozen, filtered, printed on every page), a row per row."""
    widths = {}
    for col, column in enumerate(table.columns, start=1):
        head = _head(column, lang)
        cell = _put(ws, 1, col, head, alignment=Alignment(vertical="center", wrap_text=True))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        widths[col] = _display_width(head)
    for r, row in enumerate(table.rows, start=2):
        for col, (cell, column) in enumerate(zip(row.cells, table.columns, strict=True), 1):
            shown = _write(ws, r, col, cell, column)
            widths[col] = max(widths[col], _display_width(shown))
    for col, column in enumerate(table.columns, start=1):
        cap = _WIDTH_CAP.get(column.code, _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(col)].width = max(6, min(widths[col], cap) + 2)
    last = f"{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}"
    ws.print_title_rows = "1:1"
    _print_setup(ws)


def _flow_sheet(ws: Any, sections: list[Section], lang: str) -> None:
    """Sections down column A: a heading, its sentences, its tables (numbers as number cells at
    the decimals they were printed with), the command to check."""
    row = 1
    widths: dict[int, int] = {}

    def flow(section: Section) -> None:
        nonlocal row
        if not visible(section, charts=False):
            return
        if section.heading:
            _put(ws, row, 1, section.heading).font = _BOLD
            row += 1
        for block in section.blocks:
            if isinstance(block, Paragraph | Note):
                _put(ws, row, 1, plain(block.runs, refs=False))
                row += 1
            elif isinstance(block, CodeBlock):
                _put(ws, row, 1, block.text)
                row += 1
            elif isinstance(block, BulletList):
                for item in block.items:
                    _put(ws, row, 1, ", ".join((plain(item.runs, refs=False), *item.details)))
                    row += 1
            elif isinstance(block, Warning):
                for runs in block.items:
                    _put(ws, row, 1, plain(runs, refs=False))
                    row += 1
            elif isinstance(block, Banner):
                _put(ws, row, 1, f"{block.label}: {block.verdict.label}")
                row += 1
                for text in (*block.reasons, *block.lines):
                    _put(ws, row, 1, text)
                    row += 1
            elif isinstance(block, Table):
                for col, column in enumerate(block.columns, start=1):
                    cell = _put(ws, row, col, _head(column, lang))
                    cell.font, cell.fill = _BOLD, _HEADER_FILL
                    widths[col] = max(widths.get(col, 0), _display_width(cell.value))
                row += 1
                for data in block.rows:
                    for col, (cell, column) in enumerate(
                        zip(data.cells, block.columns, strict=True), start=1
                    ):
                        alignment = _TOP if isinstance(cell, Number) else _WRAP
                        _write(ws, row, col, cell, column, alignment)
                        widths[col] = max(widths.get(col, 0), _display_width(cell_text(cell)))
                    row += 1
            elif isinstance(block, Section):
                flow(block)
                continue
        row += 1

    for section in sections:
        flow(section)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(8, min(width, 40) + 2)
    _print_setup(ws)


def _sheet_title(name: str) -> str:
    return _SHEET_TITLE.sub("", clean(name))[:31] or "Sheet"


def _lone_table(sections: list[Section]) -> Table | None:
    """The table a page consists of, if it is nothing else."""
    blocks = [b for s in sections for b in s.blocks if visible(b, charts=False)]
    if len(blocks) == 1 and isinstance(blocks[0], Table) and not any(s.heading for s in sections):
        return blocks[0]
    return None


def render(document: Document, *, lang: str, layout: Layout | None = None) -> bytes:
    """The document as .xlsx bytes: the first page's sheet (active), then a sheet per page."""
    pages: dict[str | None, list[Section]] = {None: []}
    for section in document.sections:
        pages.setdefault(section.page, []).append(section)
    wb = Workbook()
    first = wb.active
    first.title = _sheet_title(document.page or "Sheet1")
    _first_sheet(first, document, pages.pop(None), lang)
    for name, sections in pages.items():
        if not any(visible(s, charts=False) for s in sections):
            continue
        ws = wb.create_sheet(_sheet_title(name or ""))
        table = _lone_table(sections)
        if table is not None:
            _data_sheet(ws, table, lang)
        else:
            _flow_sheet(ws, sections, lang)
    wb.active = 0

    on = document.date
    when = DEFAULT_TIME if on is None else datetime.combine(on, datetime.min.time())
    wb.properties.created = when
    wb.properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps "modified" with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return fixed_zip(buffer.getvalue(), when)


# The function the command called before the registry (engine/report/formats.py); kept for the
# callers that still use it.


def render_xlsx(
    result: Result,
    *,
    lang: str = "zh",
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    command: str | None = None,
    generator: str | None = None,
) -> bytes:
    """The report as .xlsx bytes: the summary sheet (active), for a what-if or a plan a sheet
    with them, and the rules sheet."""
    from engine.report.build import county_document

    document = county_document(
        result,
        lang=lang,
        ruleset=ruleset,
        assessed_on=assessed_on,
        command=command,
        generator=generator,
    )
    return render(document, lang=lang)
