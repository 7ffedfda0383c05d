"""The spreadsheet report (.xlsx): a summary sheet and one row per rule, ready to print.

openpyxl is already how we read .xlsx data, and it writes real workbooks with numeric cells,
number formats and print settings (landscape A4, one page wide, repeated header row), which a
CSV export cannot carry.

Every text from the data or a ruleset is written as a string cell, never a formula: openpyxl
would otherwise turn a county name or a source starting with "=" into one. Characters that XML
cannot hold are dropped instead of failing the report. The same result and date give the same
bytes: the document properties and the zip entries carry a fixed time, not the clock's.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from engine.explain.messages import (
    COLUMNS,
    KIND_LABELS,
    STATUS_LABELS,
    THRESHOLD_LABELS,
    VERDICT_LABELS,
    WORDS,
)
from engine.explain.result import PERCENT_PLACES
from engine.infer.scoring import SCORE_PLACES
from engine.model.result import Result, RuleResult
from engine.model.ruleset import Ruleset
from engine.report.cells import pct, required
from engine.report.planning import Block, result_blocks

# Rules-sheet columns, in order; score and weight only under a weighted-score policy. "required"
# (≥ 2.50) is kept beside the numeric threshold: the number alone does not say ≥ or ≤.
_COLUMNS = (
    "n",
    "id",
    "indicator",
    "kind",
    "category",
    "unit",
    "baseline",
    "actual",
    "threshold_kind",
    "required",
    "threshold",
    "threshold_upper",
    "status",
    "margin",
    "completion",
    "growth",
    "score",
    "weight",
    "reason",
    "source",
    "row",
)
_SCORED_ONLY = ("score", "weight")
_PERCENT = ("completion", "growth")
_AT_PRECISION = ("baseline", "actual", "threshold", "threshold_upper", "margin")
# Columns fit their content up to a cap, and cells wrap beyond it: the sheet is printed one page
# wide, so every extra column unit shrinks the print. The long texts get wider caps.
_WIDTH_CAP = {"indicator": 28, "reason": 48, "source": 32}
_MAX_WIDTH = 16
_PERCENT_SUFFIX = {"zh": "(%)", "en": " (%)"}

# Fills after Excel's Good / Bad / Neutral cell styles; each status keeps its text as well.
_STATUS_STYLE = {
    "met": ("C6EFCE", "006100"),
    "not_met": ("FFC7CE", "9C0006"),
    "not_evaluated": ("FFEB9C", "9C5700"),
    "not_applicable": ("D9D9D9", "404040"),
}
_VERDICT_STATUS = {"PASS": "met", "FAIL": "not_met"}
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_BOLD = Font(bold=True)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)

# ILLEGAL_CHARACTERS_RE covers the control characters; XML 1.0 also forbids surrogates and
# U+FFFE/U+FFFF, which a decoded file can still hold.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_EXCEL_TEXT_LIMIT = 32767
_DEFAULT_TIME = datetime(2000, 1, 1)
_ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest time a zip entry can carry


def _clean(text: str) -> str:
    return _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))[:_EXCEL_TEXT_LIMIT]


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
        cell.value = _clean(value)
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


def _fill(status: str) -> tuple[PatternFill, Font]:
    background, foreground = _STATUS_STYLE[status]
    return PatternFill("solid", fgColor=background), Font(color=foreground)


def _print_setup(ws: Any) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    # One page wide, as many pages tall as the rows need.
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&P / &N"


def _summary_sheet(
    ws: Any, result: Result, lang: str, ruleset: Ruleset | None, assessed_on: date | None
) -> None:
    words = WORDS[lang]
    rs = result.ruleset
    row = 1

    def line(label: str | None, value: object, **style: Any) -> Any:
        """A label in column A (bold), its value in column B; returns the value's cell."""
        nonlocal row
        if label is not None:
            _put(ws, row, 1, label, alignment=_WRAP).font = _BOLD
        cell = _put(ws, row, 2, value, alignment=_WRAP, **style)
        row += 1
        return cell

    def section(label: str, items: list[str]) -> None:
        nonlocal row
        if items:
            row += 1
            for i, item in enumerate(items):
                line(label if i == 0 else None, item)

    title = _put(ws, row, 1, words["title"].format(county=result.county))
    title.font = Font(bold=True, size=14)
    row += 2
    line(words["county"], result.county)
    line(words["ruleset"], f"{rs.id} {rs.version} ({rs.title.get(lang)})")
    line(None, f"sha256 {rs.content_hash}")
    for parent in rs.extends:
        line(words["extends"], f"{parent.id} {parent.version} ({parent.title.get(lang)})")
        line(None, f"sha256 {parent.content_hash}")
    for label, df in (
        (words["data"], result.data_file),
        (words["reference"], result.reference_file),
    ):
        if df is not None:
            line(label, f"{df.name} ({df.format})")
            line(None, f"sha256 {df.sha256}")
    if assessed_on is not None:
        # A real date, so that it sorts and filters as one.
        line(words["assessed_on"], assessed_on, number_format="yyyy-mm-dd")

    row += 1
    background, foreground = _STATUS_STYLE[_VERDICT_STATUS[result.verdict]]
    verdict = line(words["verdict"], VERDICT_LABELS[result.verdict].get(lang))
    verdict.font = Font(bold=True, size=16, color=foreground)
    verdict.fill = PatternFill("solid", fgColor=background)
    for reason in result.verdict_reasons:
        line(None, getattr(reason, lang))

    s = result.summary
    row += 1
    line(
        None,
        words["summary"].format(
            bm=s.binding_met,
            bt=s.binding_total,
            em=s.expected_met,
            et=s.expected_total,
            share=pct(s.expected_share),
            g50=s.growth_over_50,
            g100=s.growth_over_100,
        ),
    )
    if s.not_applicable:
        line(None, words["not_applicable_count"].format(n=s.not_applicable))
    if s.score is not None:
        line(None, words["score"].format(score=s.score, mark=s.pass_mark))

    section(
        words["shortfalls"],
        [
            f"{r.name.get(lang)} ({r.id}, {KIND_LABELS[r.kind].get(lang)}): "
            f"{getattr(r.reason, lang)}"
            for r in result.rules
            if r.status in ("not_met", "not_evaluated")
        ],
    )
    section(words["warnings"], [getattr(note, lang) for note in result.warnings])
    section(
        words["text_items"],
        [f"{item.name.get(lang)}: {item.text or '—'}" for item in result.text_items],
    )
    if ruleset is not None:
        section(words["reconstruction"], [ruleset.reconstruction.strip()])
        section(words["assumptions"], list(ruleset.assumptions))
        section(
            words["sources"],
            [
                src.title + (f" ({src.reference})" if src.reference else "")
                for src in ruleset.sources
            ],
        )

    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    _print_setup(ws)


def _rule_cells(n: int, rule: RuleResult, lang: str) -> dict[str, object]:
    return {
        "n": n,
        "id": rule.id,
        "indicator": rule.name.get(lang),
        "kind": KIND_LABELS[rule.kind].get(lang),
        "category": rule.category.get(lang),
        "unit": rule.unit,
        "baseline": rule.baseline,
        "actual": rule.actual,
        "threshold_kind": THRESHOLD_LABELS[rule.threshold_kind].get(lang),
        "required": required(rule),
        "threshold": rule.threshold,
        "threshold_upper": rule.threshold_upper,
        "status": STATUS_LABELS[rule.status].get(lang),
        "margin": rule.margin,
        "completion": rule.completion,
        "growth": rule.growth,
        "score": rule.score,
        "weight": rule.weight,
        "reason": getattr(rule.reason, lang),
        "source": rule.source,
        "row": rule.row,
    }


def _places(code: str, rule: RuleResult, value: object) -> int | None:
    """Decimals shown for a number: the rule's precision, or the fixed places of a figure."""
    if code in _AT_PRECISION:
        return rule.precision
    if code in _PERCENT:
        return PERCENT_PLACES
    if code == "score":
        return SCORE_PLACES
    if code == "weight" and isinstance(value, Decimal):
        # A weight is written in the ruleset with as many places as its author gave it.
        exponent = value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return None


def _rules_sheet(ws: Any, result: Result, lang: str) -> None:
    scored = result.summary.score is not None
    codes = [c for c in _COLUMNS if scored or c not in _SCORED_ONLY]
    widths = {}
    for col, code in enumerate(codes, start=1):
        head = COLUMNS[code].get(lang) + (_PERCENT_SUFFIX[lang] if code in _PERCENT else "")
        cell = _put(ws, 1, col, head, alignment=Alignment(vertical="center", wrap_text=True))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        widths[code] = _display_width(head)

    for n, rule in enumerate(result.rules, start=1):
        values = _rule_cells(n, rule, lang)
        for col, code in enumerate(codes, start=1):
            value = values[code]
            places = _places(code, rule, value)
            fmt = None
            if code == "margin" and places is not None:
                # Signed like the other reports: + on the good side.
                plain_fmt = _places_format(places)
                fmt = f"+{plain_fmt};-{plain_fmt};{plain_fmt}"
            cell = _put(ws, n + 1, col, value, places=places, number_format=fmt, alignment=_WRAP)
            if code == "status":
                cell.fill, cell.font = _fill(rule.status)
            if isinstance(value, Decimal) and places is not None:
                shown = f"{value:.{places}f}"
            else:
                shown = "" if value is None else str(value)
            widths[code] = max(widths[code], _display_width(shown))

    for col, code in enumerate(codes, start=1):
        cap = _WIDTH_CAP.get(code, _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(col)].width = max(6, min(widths[code], cap) + 2)

    last = f"{get_column_letter(len(codes))}{len(result.rules) + 1}"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}"
    ws.print_title_rows = "1:1"
    _print_setup(ws)


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """The same archive with every entry dated ``when``: openpyxl dates them with the clock."""
    stamp = max(when, _ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # not the host's: the bytes must not depend on it
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info))
    return out.getvalue()


def _number(text: str) -> tuple[Decimal, int, bool] | None:
    """A planning cell's number (``0.480``, ``2.7%``): value, decimals, percent; else None."""
    percent = text.endswith("%")
    try:
        value = Decimal(text.removesuffix("%").lstrip("+"))
    except ArithmeticError:
        return None
    if not value.is_finite():
        return None
    places = max(0, -int(value.as_tuple().exponent))
    return (value / 100, places, True) if percent else (value, places, False)


def _blocks_sheet(ws: Any, blocks: list[Block]) -> None:
    """What-if and plan blocks (engine/report/planning.py): a heading, its sentences, its table
    (numbers as number cells at the decimals they were printed with), the command to check."""
    row = 1
    widths: dict[int, int] = {}
    for block in blocks:
        _put(ws, row, 1, block.heading).font = _BOLD
        row += 1
        for paragraph in block.paragraphs:
            _put(ws, row, 1, paragraph)
            row += 1
        for col, head in enumerate(block.head, start=1):
            cell = _put(ws, row, col, head)
            cell.font, cell.fill = _BOLD, _HEADER_FILL
        row += 1 if block.head else 0
        for cells in block.rows:
            for col, text in enumerate(cells, start=1):
                number = _number(text) if col - 1 in block.numeric else None
                if number is None:
                    _put(ws, row, col, text, alignment=_WRAP)
                else:
                    value, places, percent = number
                    _put(
                        ws,
                        row,
                        col,
                        value,
                        number_format=(_places_format(places) + "%") if percent else None,
                        places=None if percent else places,
                    )
                widths[col] = max(widths.get(col, 0), _display_width(text))
            row += 1
        if block.code:
            _put(ws, row, 1, block.code)
            row += 1
        row += 1
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(8, min(width, 40) + 2)
    _print_setup(ws)


def render_xlsx(
    result: Result,
    *,
    lang: str = "zh",
    ruleset: Ruleset | None = None,
    assessed_on: date | None = None,
    command: str | None = None,
) -> bytes:
    """The report as .xlsx bytes: the summary sheet (active), the rules sheet, and for a
    what-if or a plan a third sheet with them."""
    words = WORDS[lang]
    wb = Workbook()
    summary = wb.active
    summary.title = words["summary_sheet"]
    rules = wb.create_sheet(words["rules_sheet"])
    _summary_sheet(summary, result, lang, ruleset, assessed_on)
    _rules_sheet(rules, result, lang)
    blocks = result_blocks(result, lang, command)
    if blocks:
        _blocks_sheet(wb.create_sheet(words["plan_sheet"]), blocks)
    wb.active = 0

    when = (
        _DEFAULT_TIME if assessed_on is None else datetime.combine(assessed_on, datetime.min.time())
    )
    wb.properties.created = when
    wb.properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps "modified" with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return _fixed_zip(buffer.getvalue(), when)
