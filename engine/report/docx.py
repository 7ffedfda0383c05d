"""The Word report (.docx): a Document (engine/report/document.py) laid out on A4 pages the way a
government office prints a report.

python-docx writes real Word documents (styles, sections of their own orientation, tables
whose header row repeats on every page, header and footer), with no Office installed and
nothing but lxml beneath it; the county edits the draft in Word or WPS, which a PDF would not
let it do.

Layout:

- the title and the head on a cover page of their own when the document asks for one
  (``Document.cover``), else at the top of the first page;
- a top-level section on another page (``Section.page``) starts a Word section on a new page,
  landscape when it holds a table wider than a portrait page takes (more than eight columns);
- A4, the margins of GB/T 9704; page numbers centred in the footer in the document's words
  (``Document.page_numbers``, else "— 1 —"), counted from the first page after the cover;
  ``Document.mark`` (a simulation's 模拟测算) in the header of every page, the cover's too;
- fonts as government documents use them, the East Asian font named in ``w:eastAsia`` (Word
  takes a Chinese character's font from there, not from ``w:ascii``): 黑体 headings (楷体 at the
  second level), 仿宋 body text, 宋体 tables and notes; Latin text in Times New Roman;
- a table: its header row repeated on every page (``w:tblHeader``) and never split; a group
  (binding, expected) a full-width row of its own; a column with a unit says it in its head
  ("完成率(%)") and its cells hold the bare numbers, exactly as the result has them;
- charts are left out (the tables say what they show); a `Blank` is grey italic, for the
  county to replace.

Text from data is text: every string goes through engine.safe_text.visible (control
characters shown escaped) and loses what XML cannot hold, and it is only ever the content of a
``w:t``, so nothing from data becomes a field; the only fields are ours, the page number's
(PAGE, NUMPAGES). The same document
gives the same bytes: the core properties and the zip entries carry the document's date (or a
fixed one), never the clock's.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as WordSection
from docx.shared import Cm, Length, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph

from engine.report.archive import DEFAULT_TIME, fixed_zip
from engine.report.document import (
    TONES,
    WARNING_TONE,
    Banner,
    Blank,
    Block,
    BulletList,
    Cell,
    Chart,
    Code,
    CodeBlock,
    Column,
    Document,
    Fact,
    Layout,
    Note,
    Number,
    Paragraph,
    Ref,
    Runs,
    Section,
    Status,
    Table,
    Text,
    Verdict,
    Warning,
    cell_text,
    visible,
)
from engine.safe_text import visible as shown

# Fonts: the East Asian face by its Chinese name (what Word and WPS look up), Latin beside it.
SONG, HEI, FANG, KAI = "宋体", "黑体", "仿宋", "楷体"
LATIN = "Times New Roman"
MONO = "Courier New"

# A4 and the margins of GB/T 9704 (党政机关公文格式); a landscape page of tables takes 2 cm.
_A4 = (Cm(21.0), Cm(29.7))
_PORTRAIT_MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
_LANDSCAPE_MARGINS = {"top": Cm(2.0), "bottom": Cm(2.0), "left": Cm(2.0), "right": Cm(2.0)}
#: A table of more columns than this is laid on a landscape page.
_PORTRAIT_COLUMNS = 8

# Relative column widths by column code; other columns by kind. Scaled to the page's width.
_WIDTHS = {
    "n": 1.2,
    "category": 1.9,
    "indicator": 5.2,
    "unit": 1.8,
    "kind": 1.6,
    "direction": 1.9,
    "done": 1.3,
    "department": 2.4,
    "evidence": 3.6,
    "reason": 6.0,
    "source": 3.2,
    "id": 2.6,
}
_NUMERIC_WIDTH, _TEXT_WIDTH = 1.6, 2.6
#: Columns whose texts are short words, centred like the numbers.
_CENTRED = frozenset(
    {"n", "category", "unit", "kind", "direction", "done", "status", "threshold_kind"}
)

_HEAD_FILL, _GROUP_FILL = "D9D9D9", "F2F2F2"
#: A row's least height: room to write in by hand what the data did not say.
_ROW_HEIGHT = Cm(0.7)
_GREY = RGBColor(0x59, 0x59, 0x59)
_BLANK_GREY = RGBColor(0x80, 0x80, 0x80)
_RED = RGBColor(0xC0, 0x00, 0x00)

#: The page number of a document that gives none: GB/T 9704's, centred.
PAGE_NUMBERS = "— {page} —"

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def clean(text: str) -> str:
    """Text from data as it may stand in the document: control characters shown escaped
    (engine.safe_text), what XML cannot hold (surrogates, U+FFFE, U+FFFF) dropped."""
    return _NOT_XML.sub("", shown(text))


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


# XML helpers -----------------------------------------------------------------------------------


def _insert(parent: Any, child: Any, successors: Iterable[str]) -> None:
    """``child`` into ``parent`` before the first of ``successors`` it holds (the schema's
    order: Word refuses a file whose elements are out of it), else last."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def set_fonts(rpr: Any, east_asia: str, latin: str = LATIN) -> None:
    """Name the fonts of a run properties element (``w:rPr``) explicitly: East Asian text in
    ``east_asia``, the rest in ``latin``; theme fonts, which would win over names, removed."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_FONTS:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attribute}"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


# Styles ----------------------------------------------------------------------------------------


def _style(
    doc: Any,
    name: str,
    *,
    east_asia: str,
    size: float,
    bold: bool = False,
    latin: str = LATIN,
    colour: RGBColor | None = None,
    base: str | None = None,
) -> Any:
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base or "Normal"]
        style.quick_style = True
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = colour or RGBColor(0, 0, 0)
    set_fonts(style.element.get_or_add_rPr(), east_asia, latin)
    return style


def _styles(doc: Any, lang: str) -> None:
    """The styles every paragraph of the document takes (none sets a font of its own but a
    code run)."""
    zh = lang == "zh"
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, SONG)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = _element("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), "zh-CN" if zh else "en-GB")
    language.set(qn("w:eastAsia"), "zh-CN")

    normal = _style(doc, "Normal", east_asia=SONG, size=12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15

    body = _style(doc, "Body Text", east_asia=FANG, size=16 if zh else 12)
    fmt = body.paragraph_format
    if zh:  # 仿宋三号, a fixed line of 28 pt, two characters' indent
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
        fmt.first_line_indent = Pt(32)
        fmt.space_after = Pt(0)
    else:
        fmt.line_spacing = 1.15
        fmt.space_after = Pt(6)
    fmt.space_before = Pt(0)

    for name, face, size, before in (
        ("Heading 1", HEI, 16, 12),
        ("Heading 2", KAI, 16, 6),
        ("Heading 3", FANG, 16, 6),
    ):
        heading = _style(doc, name, east_asia=face, size=size if zh else size - 2)
        heading.font.bold = name == "Heading 3" or not zh
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.line_spacing = 1.0

    # 二号 (22 pt), a third of the way down the cover (Word could centre the page, WPS and
    # LibreOffice do not).
    title = _style(doc, "Cover Title", east_asia=HEI, size=22)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(150)
    title.paragraph_format.space_after = Pt(36)
    title.paragraph_format.line_spacing = 1.3
    line = _style(doc, "Cover Line", east_asia=FANG, size=16 if zh else 13)
    line.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.space_after = Pt(10)

    cell = _style(doc, "Table Text", east_asia=SONG, size=9)
    cell.paragraph_format.line_spacing = 1.0
    cell.paragraph_format.space_after = Pt(0)
    head = _style(doc, "Table Head", east_asia=HEI, size=9, base="Table Text")
    head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = _style(doc, "Table Note", east_asia=SONG, size=10.5, colour=_GREY)
    note.paragraph_format.space_before = Pt(3)
    _style(doc, "Code Text", east_asia=SONG, size=9, latin=MONO)
    for name in ("Header", "Footer"):
        _style(doc, name, east_asia=SONG, size=9 if name == "Header" else 14)


# Pages -----------------------------------------------------------------------------------------


def _page(section: WordSection, *, landscape: bool) -> None:
    """A4, in its orientation and margins. A numbering restart a new section copied from the
    one before is dropped."""
    sectpr = section._sectPr
    for found in sectpr.findall(qn("w:pgNumType")):
        sectpr.remove(found)
    width, height = _A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    margins = _LANDSCAPE_MARGINS if landscape else _PORTRAIT_MARGINS
    section.top_margin, section.bottom_margin = margins["top"], margins["bottom"]
    section.left_margin, section.right_margin = margins["left"], margins["right"]
    section.header_distance = Cm(1.2 if landscape else 1.5)
    section.footer_distance = Cm(1.0 if landscape else 2.0)
    section.gutter = Cm(0)


def _restart_numbering(section: WordSection) -> None:
    _insert(
        section._sectPr,
        _element("w:pgNumType", start="1"),
        ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:docGrid"),
    )


def _field(paragraph: WordParagraph, code: str) -> None:
    """A field of ours (PAGE, NUMPAGES), shown as 1 until the reader's program updates it."""
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {code} "
            run._r.append(instr)
        elif kind == "result":
            run.text = "1"
        else:
            run._r.append(_element("w:fldChar", fldCharType=kind))


def _page_number(paragraph: WordParagraph, words: str) -> None:
    """The page number in the document's words: ``{page}`` the PAGE field, ``{pages}``
    NUMPAGES, the rest as written ("— {page} —", "第{page}页,共{pages}页")."""
    for part in re.split(r"(\{page\}|\{pages\})", words):
        if part == "{page}":
            _field(paragraph, "PAGE")
        elif part == "{pages}":
            _field(paragraph, "NUMPAGES")
        elif part:
            paragraph.add_run(clean(part))


def _usable_width(section: WordSection) -> Length:
    page, left, right = section.page_width, section.left_margin, section.right_margin
    assert page is not None and left is not None and right is not None  # set by _page
    return Length(page - left - right)


def _is_wide(block: Block) -> bool:
    if isinstance(block, Table):
        return len(block.columns) > _PORTRAIT_COLUMNS
    if isinstance(block, Section):
        return any(_is_wide(b) for b in block.blocks)
    return False


# The writer ------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, doc: Any, lang: str) -> None:
        self.doc = doc
        self.lang = lang
        self.zh = lang == "zh"
        #: The style of running text: 仿宋 body text; on a page of tables, plain 宋体.
        self.body = "Body Text"
        #: Style ids by name, looked up once (python-docx looks a name up among every style on
        #: each assignment).
        self.ids: dict[str, str] = {}

    def style(self, paragraph: WordParagraph, name: str) -> None:
        if name not in self.ids:
            self.ids[name] = self.doc.styles[name].style_id
        paragraph._p.style = self.ids[name]

    # Text

    def paragraph(self, style: str | None = None, text: str | None = None) -> WordParagraph:
        paragraph: WordParagraph = self.doc.add_paragraph()
        self.style(paragraph, style or self.body)
        if text:
            paragraph.add_run(clean(text))
        return paragraph

    def runs(self, paragraph: WordParagraph, runs: Runs) -> None:
        for run in runs:
            if isinstance(run, Code):
                word = paragraph.add_run(clean(run.text))
                set_fonts(word._r.get_or_add_rPr(), SONG, MONO)
            elif isinstance(run, Ref):
                paragraph.add_run(clean(f"（{run.text}）" if self.zh else f" ({run.text})"))
            else:
                paragraph.add_run(clean(run))

    def fact_text(self, fact: Fact) -> str:
        if isinstance(fact.value, date):
            value = (
                f"{fact.value.year}年{fact.value.month}月{fact.value.day}日"
                if self.zh
                else fact.value.isoformat()
            )
        else:
            value = "".join(
                r.text if isinstance(r, Code) else (f" ({r.text})" if isinstance(r, Ref) else r)
                for r in fact.value
            )
        note = ""
        if fact.note:
            note = f"（{fact.note}）" if self.zh else f" ({fact.note})"
        colon = "：" if self.zh else ": "
        return f"{fact.label}{colon}{value}{note}"

    def fact(self, fact: Fact, style: str) -> None:
        self.paragraph(style, self.fact_text(fact))
        if fact.sha256:
            self.paragraph("Table Note", f"sha256 {fact.sha256}")

    # Blocks

    def block(self, block: Block, level: int, width: Length) -> None:
        if isinstance(block, Paragraph):
            self.runs(self.paragraph(), block.runs)
        elif isinstance(block, Blank):
            paragraph = self.paragraph()
            self.runs(paragraph, block.runs)
            for run in paragraph.runs:
                run.italic = True
                run.font.color.rgb = _BLANK_GREY
        elif isinstance(block, BulletList):
            for n, item in enumerate(block.items, start=1):
                paragraph = self.paragraph()
                paragraph.add_run(f"（{n}）" if self.zh else f"({n}) ")
                self.runs(paragraph, item.runs)
                if item.details:
                    paragraph.add_run(clean(("，" if self.zh else ", ") + ", ".join(item.details)))
                if item.status is not None and item.status != "met":
                    for run in paragraph.runs:
                        run.font.color.rgb = _rgb(TONES[item.status].colour)
        elif isinstance(block, Warning):
            for runs in block.items:
                paragraph = self.paragraph()
                self.runs(paragraph, runs)
                for run in paragraph.runs:
                    run.font.color.rgb = _rgb(TONES[WARNING_TONE].colour)
        elif isinstance(block, Note):
            self.runs(self.paragraph("Table Note"), block.runs)
        elif isinstance(block, CodeBlock):
            paragraph = self.paragraph("Code Text", block.text)
            for run in paragraph.runs:
                set_fonts(run._r.get_or_add_rPr(), SONG, MONO)
        elif isinstance(block, Banner):
            self.banner(block)
        elif isinstance(block, Table):
            self.table(block, width)
        elif isinstance(block, Section):
            self.section(block, level + 1, width)
        elif isinstance(block, Chart):
            return  # the tables hold what a chart shows

    def banner(self, banner: Banner) -> None:
        colon = "：" if self.zh else ": "
        paragraph = self.paragraph("Heading 2")
        paragraph.add_run(clean(f"{banner.label}{colon}"))
        verdict = paragraph.add_run(clean(banner.verdict.label))
        verdict.font.color.rgb = _rgb(banner.verdict.tone.colour)
        for text in (*banner.reasons, *banner.lines):
            self.paragraph(text=text)

    def section(self, section: Section, level: int, width: Length) -> None:
        if not visible(section, charts=False):
            return
        if section.heading:
            self.paragraph(f"Heading {min(level, 3)}", section.heading)
        for block in section.blocks:
            self.block(block, level, width)

    # Tables

    def head(self, column: Column) -> str:
        if column.unit is None:
            return column.head
        return f"{column.head}（{column.unit}）" if self.zh else f"{column.head} ({column.unit})"

    def table(self, table: Table, width: Length) -> None:
        columns = table.columns
        word = self.doc.add_table(rows=0, cols=len(columns))
        word.style = self.doc.styles["Table Grid"]
        word.alignment = WD_TABLE_ALIGNMENT.CENTER
        word.autofit = False  # a fixed layout: the widths below, not the content's
        widths = _column_widths(columns, width)
        for column, size in zip(word.columns, widths, strict=True):
            column.width = size

        head = word.add_row()
        _repeat_and_keep(head._tr, header=True)
        for cell, column in zip(head.cells, columns, strict=True):
            self.style(cell.paragraphs[0], "Table Head")
            cell.paragraphs[0].add_run(clean(self.head(column)))
            _shade(cell, _HEAD_FILL)
        for group, rows in table.grouped():
            if group is not None:
                row = word.add_row()
                _repeat_and_keep(row._tr, header=False)
                merged = row.cells[0].merge(row.cells[-1])
                paragraph = merged.paragraphs[0]
                self.style(paragraph, "Table Head")
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                paragraph.add_run(clean(group.heading))
                _shade(merged, _GROUP_FILL)
            for data in rows:
                row = word.add_row()
                _repeat_and_keep(row._tr, header=False)
                row.height, row.height_rule = _ROW_HEIGHT, WD_ROW_HEIGHT_RULE.AT_LEAST
                for cell, value, column in zip(row.cells, data.cells, columns, strict=True):
                    self.cell(cell, value, column)
        for row in word.rows:
            for cell, size in zip(row.cells, widths, strict=False):
                cell.width = size
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        # Space after a table before what follows.
        self.paragraph("Table Text")

    def cell(self, cell: _Cell, value: Cell, column: Column) -> None:
        paragraph = cell.paragraphs[0]
        self.style(paragraph, "Table Text")
        centred = column.numeric or column.code in _CENTRED
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
        run = paragraph.add_run(clean(_cell_text(value, column)))
        if isinstance(value, Status | Verdict):
            run.font.color.rgb = _rgb(value.tone.colour)
        if isinstance(value, Text) and value.code:
            paragraph.add_run(clean(f"（{value.code}）" if self.zh else f" ({value.code})"))
        if isinstance(value, Text) and value.detail:
            detail = cell.add_paragraph()
            self.style(detail, "Table Text")
            detail.alignment = paragraph.alignment
            small = detail.add_run(clean(f"（{value.detail}）" if self.zh else f"({value.detail})"))
            small.font.size = Pt(7.5)
            small.font.color.rgb = _GREY


def _cell_text(value: Cell, column: Column) -> str:
    """What a cell shows: under a head that says the unit, a number bare, as the result has it
    (``104.8``); otherwise the cell's own words."""
    if isinstance(value, Number) and column.unit is not None and value.value is not None:
        text = str(value.value)
        return f"+{text}" if value.signed and value.value > 0 else text
    return cell_text(value)


def _column_widths(columns: tuple[Column, ...], width: Length) -> list[Length]:
    weights = [_WIDTHS.get(c.code, _NUMERIC_WIDTH if c.numeric else _TEXT_WIDTH) for c in columns]
    total = sum(weights)
    return [Length(int(width * w / total)) for w in weights]


def _repeat_and_keep(tr: Any, *, header: bool) -> None:
    """A row never split across pages; the header row repeated on each page (``w:tblHeader``)."""
    trpr = tr.get_or_add_trPr()
    _insert(
        trpr,
        _element("w:cantSplit"),
        ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"),
    )
    if header:
        _insert(trpr, _element("w:tblHeader"), ("w:tblCellSpacing", "w:jc", "w:hidden"))


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    _insert(
        tcpr,
        _element("w:shd", val="clear", color="auto", fill=fill),
        ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"),
    )


# The document ----------------------------------------------------------------------------------


def _pages(document: Document) -> Iterator[list[Section]]:
    """The top-level sections in runs on the same page (``Section.page``; None: the main one)."""
    run: list[Section] = []
    for section in document.sections:
        if run and section.page != run[-1].page:
            yield run
            run = []
        run.append(section)
    if run:
        yield run


def _cover(writer: _Writer, document: Document) -> None:
    if document.title:
        writer.paragraph("Cover Title", document.title)
    for fact in document.meta:
        writer.paragraph("Cover Line", writer.fact_text(fact))
    if document.footer is not None:
        writer.paragraph(
            "Table Note", writer.fact_text(document.footer)
        ).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _head(writer: _Writer, document: Document) -> None:
    if document.title:
        writer.paragraph("Cover Title", document.title)
    for fact in document.meta:
        writer.fact(fact, "Normal")


def _core_properties(doc: Any, document: Document, lang: str, when: datetime) -> None:
    core = doc.core_properties
    core.title = clean(document.title or "")
    core.author = ""
    core.last_modified_by = ""
    core.comments = ""
    core.subject = ""
    core.keywords = ""
    core.category = ""
    core.language = "zh-CN" if lang == "zh" else "en"
    core.revision = 1
    core.created = when
    core.modified = when


def _drop_thumbnail(doc: Any) -> None:
    """python-docx's template carries a thumbnail of an empty page: not this document's."""
    rels = doc.part.package.rels
    for rid in [r for r, rel in rels.items() if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL]:
        rels.pop(rid)


def _headers_and_footers(doc: Any, document: Document) -> None:
    """The running head on every page (the first section's header; the others link to it), the
    page number on every page but the cover's (the first numbered section's footer, linked
    onwards). By index: a python-docx section object follows the last section as it moves on."""
    sections = list(doc.sections)
    if document.mark:
        header = sections[0].header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(clean(document.mark))
        run.bold = True
        run.font.color.rgb = _RED
    footer = sections[1 if document.cover else 0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(paragraph, document.page_numbers or PAGE_NUMBERS)


def render(document: Document, *, lang: str, layout: Layout | None = None) -> bytes:
    """The document as .docx bytes."""
    doc = docx.Document()
    _styles(doc, lang)
    writer = _Writer(doc, lang)
    # python-docx's last section is the one being written; a break leaves the page set up so
    # far to the section before it.
    _page(doc.sections[-1], landscape=False)
    if document.cover:
        _cover(writer, document)
        doc.add_section(WD_SECTION.NEW_PAGE)
    else:
        _head(writer, document)
    for i, sections in enumerate(_pages(document)):
        if i:  # another page: a Word section of its own, in the orientation its tables need
            doc.add_section(WD_SECTION.NEW_PAGE)
        current = doc.sections[-1]
        wide = any(_is_wide(s) for s in sections)
        _page(current, landscape=wide)
        writer.body = "Normal" if wide else "Body Text"
        if i == 0 and document.cover:  # numbered from the first page after the cover
            _restart_numbering(current)
        width = _usable_width(current)
        for section in sections:
            writer.section(section, 1, width)
    if not document.cover and document.footer is not None:
        writer.fact(document.footer, "Table Note")
    _headers_and_footers(doc, document)

    on = document.date
    when = DEFAULT_TIME if on is None else datetime.combine(on, datetime.min.time())
    _core_properties(doc, document, lang, when)
    _drop_thumbnail(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), when)
