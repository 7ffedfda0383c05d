"""Read a county file (CSV or .xlsx) into a polars frame of cell texts, with file row numbers.

Every cell stays text here: numbers are parsed later from that text, so nothing passes through a
binary float. CSV may be UTF-8 (with or without BOM) or GBK/GB18030 (what a Chinese Excel writes);
the encoding used is recorded. A title row above the header (one filled cell) is skipped.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from engine.errors import DataError
from engine.load.files import decode_text, document_kind, read_bounded
from engine.model.county import DataFile
from engine.safe_text import visible, without_invisible

MAX_DATA_BYTES = 20_000_000
#: Lines of a CSV the general reader takes: a county's table has dozens, a batch of 3,000
#: counties × 28 indicators about 84,000 (a larger plain batch goes to engine/load/fast.py).
MAX_LINES = 200_000
#: Columns of a table (as for workbooks, engine/load/xlsx.py).
MAX_COLUMNS = 200
_ZIP = b"PK\x03\x04"  # every .xlsx is a zip archive
_OLE = b"\xd0\xcf\x11\xe0"  # old .xls, and password-protected workbooks


@dataclass(frozen=True)
class RawTable:
    header: list[str]
    frame: pl.DataFrame  # one String column per header cell, in file order
    rows: list[int]  # the file row number of each frame row (header is the row before)
    data_file: DataFile
    #: Workbook cells that are not plain numbers or text, by (frame row, column): a date, a
    #: boolean, an error value, or a percent-formatted number (whose text ends in %).
    kinds: dict[tuple[int, int], str] = field(default_factory=dict)


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the most equal, widest rows, counted by a
    real CSV reader (a `;` inside a quoted or free-text cell does not make a table
    semicolon-separated); a title line above the header may hold none."""
    import csv
    from collections import Counter

    head = "\n".join(text.split("\n", 30)[:30])

    def score(separator: str) -> tuple[int, int]:
        try:
            widths = [
                len(r)
                for r in csv.reader(io.StringIO(head, newline=""), delimiter=separator)
                if any(c.strip() for c in r)
            ]
        except csv.Error:
            return (0, 0)
        if not widths:
            return (0, 0)
        width, count = Counter(widths).most_common(1)[0]
        return (count if width > 1 else 0, width)

    return max((",", "\t", ";"), key=score)


def _check_size(text: str, path: Path) -> None:
    """Lines and columns bounded before parsing: a few kilobytes of newlines or commas must not
    cost seconds and gigabytes (a national batch in the plain form goes to the fast loader)."""
    lines = text.count("\n")
    if lines > MAX_LINES:
        raise DataError(
            code="csv_too_long",
            params={"lines": f"{lines:,}", "limit": f"{MAX_LINES:,}"},
            file=path,
        )
    head = text.split("\n", 30)[:30]
    if any(max(line.count(s) for s in (",", "\t", ";")) >= MAX_COLUMNS for line in head):
        raise DataError(code="csv_too_wide", params={"limit": MAX_COLUMNS}, file=path)


def _read_csv(path: Path, raw: bytes) -> tuple[list[list[str | None]], str]:
    text, encoding = decode_text(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # CRLF and old Mac CR-only lines
    if "\x00" in text:
        raise DataError(code="csv_nul", file=path)
    if not text.strip():
        raise DataError(code="file_empty", file=path)
    _check_size(text, path)
    separator = _sniff_delimiter(text)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            separator=separator,
            quote_char='"',
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        ragged = _ragged_records(text, separator)
        if ragged is None:
            raise _csv_problem(text, separator, path, exc) from None
        return ragged, encoding
    return [list(r) for r in frame.iter_rows()], encoding


def _ragged_records(text: str, separator: str) -> list[list[str | None]] | None:
    """Rows of different lengths (a title line without separators, a note row typed by hand):
    well-formed CSV that polars refuses. None when the quoting itself is broken."""
    import csv

    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True))
    except csv.Error:
        return None
    if len({len(r) for r in records if r}) <= 1:
        return None  # same widths: polars refused the quoting, which _csv_problem finds
    return [[cell if cell != "" else None for cell in record] for record in records]


def _csv_problem(text: str, separator: str, path: Path, exc: Exception) -> DataError:
    """polars does not say where a malformed table goes wrong; find the row for the user."""
    import csv

    try:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
        width = None
        for record in records:
            if width is None:
                width = len(record)
            elif record and len(record) != width:
                return DataError(
                    code="csv_fields",
                    params={"fields": len(record), "width": width, "separator": separator},
                    file=path,
                    row=records.line_num,
                )
    except csv.Error as csv_exc:
        return DataError(
            code="csv_malformed", params={"reason": str(csv_exc)}, file=path, row=records.line_num
        )
    # Field counts agree, so the quoting is what polars refused: point at the first odd quote.
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count('"') % 2 or any(
            '"' in cell and not cell.startswith('"') for cell in line.split(separator)
        ):
            return DataError(code="csv_quote", file=path, row=number)
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataError(code="csv_malformed", params={"reason": first}, file=path)


def _header_index(
    rows: list[list[str | None]], path: Path, is_column_name: Callable[[str], bool] | None = None
) -> int:
    """The header row: among the first rows, the first naming two or more known columns (above
    it a title, 填报单位 or 单位 line); else the first with two or more filled cells."""
    if is_column_name is not None:
        for i, row in enumerate(rows[:10]):
            if sum(1 for c in row if c is not None and is_column_name(c.strip())) >= 2:
                above = rows[i - 1] if i else []
                if sum(1 for c in above if c and c.strip()) >= 2 and any(
                    c and is_column_name(c.strip()) for c in above
                ):
                    raise DataError(code="header_two_rows", params={"row": i + 1}, file=path, row=i)
                return i
    for i, row in enumerate(rows):
        filled = sum(1 for c in row if c is not None and c.strip())
        if filled >= 2:
            return i
        if filled == 1 and i >= 3:
            break
    raise DataError(code="no_header", file=path)


def _check_single_header_row(
    rows: list[list[str | None]], h: int, is_column_name: Callable[[str], bool], path: Path
) -> None:
    """A merged two-row header (数值 over 基期值/目标值/实际值) reads as one row of a few names with
    the real names below it; say so instead of blaming a column."""
    below = rows[h + 1] if h + 1 < len(rows) else []
    if sum(is_column_name(c) for c in below if c) >= 2:
        raise DataError(code="header_two_rows", params={"row": h + 2}, file=path, row=h + 1)


def _shown(cell: str | None) -> str | None:
    return None if cell is None else visible(cell)


def _column_name(index: int, fmt: str) -> dict[str, str]:
    """How the user finds a column: its letter in a workbook, its number in a CSV."""
    if fmt == "xlsx":
        from engine.load.xlsx import column_letter

        letter = column_letter(index)
        return {"zh": f"{letter}列", "en": f"column {letter}"}
    return {"zh": f"第{index + 1}列", "en": f"column {index + 1}"}


def read_table(
    path: Path,
    is_column_name: Callable[[str], bool] | None = None,
    *,
    sheet: str | None = None,
) -> RawTable:
    """``is_column_name`` recognises header texts, so that a two-row header gets its own
    message; ``sheet`` chooses a workbook's sheet."""
    raw = read_bounded(path, MAX_DATA_BYTES, DataError)
    suffix = path.suffix.lower()
    encoding: str | None = None
    sheet_name: str | None = None
    kinds: dict[tuple[int, int], str] = {}
    document = document_kind(raw, suffix)
    if document is not None:
        raise DataError(code=f"{document}_as_data", file=path)
    if suffix in (".xls", ".et") or raw.startswith(_OLE):
        if suffix in (".xlsx", ".xlsm"):
            from engine.load.xlsx import read_workbook

            read_workbook(path, sheet=sheet)  # says what it is (password-protected or .xls)
        raise DataError(code="old_excel", file=path)
    if suffix in (".xlsx", ".xlsm") or raw.startswith(_ZIP):
        if suffix not in (".xlsx", ".xlsm"):
            raise DataError(
                code="workbook_named_csv", params={"suffix": suffix or "(无)"}, file=path
            )
        from engine.load.xlsx import read_workbook

        book = read_workbook(path, sheet=sheet)
        rows, sheet_name, kinds, fmt = book.rows, book.name, dict(book.kinds), "xlsx"
    else:
        if sheet is not None:
            raise DataError(code="sheet_of_csv", file=path)
        rows, encoding = _read_csv(path, raw)
        fmt = "csv"
    if not any(any(c is not None and c.strip() for c in r) for r in rows):
        raise DataError(code="file_empty", file=path)
    h = _header_index(rows, path, is_column_name)
    # Rows may differ in length (an .xlsx row ends at its last filled cell): the table is as wide
    # as its longest row, so no cell right of a short header row is ever dropped.
    width = max(len(r) for r in rows[h:])
    header_cells = rows[h] + [None] * (width - len(rows[h]))
    # Drop trailing columns with neither a header nor data (Excel's stray formatting).
    while (
        width
        and not (header_cells[width - 1] or "").strip()
        and all(len(r) < width or not (r[width - 1] or "").strip() for r in rows[h + 1 :])
    ):
        width -= 1
    header = [visible(without_invisible(c or "").strip()) for c in header_cells[:width]]
    if is_column_name is not None and not all(is_column_name(name) for name in header):
        _check_single_header_row(rows, h, is_column_name, path)
    for col, name in enumerate(header):
        if not name:
            # The first row with data in the column; a blank column between named ones has
            # none, and the header row is where to look.
            filled = (
                i
                for i, r in enumerate(rows[h + 1 :], start=h + 2)
                if col < len(r) and (r[col] or "").strip()
            )
            first = next(filled, h + 1)
            raise DataError(
                code="column_without_header",
                params={"column": _column_name(col, fmt)},
                file=path,
                row=first,
            )
    body = [(r + [None] * width)[:width] for r in rows[h + 1 :]]
    frame = pl.DataFrame(
        {f"c{j}": [_shown(r[j]) for r in body] for j in range(width)},
        schema={f"c{j}": pl.String for j in range(width)},
    )
    return RawTable(
        header=header,
        frame=frame,
        rows=list(range(h + 2, h + 2 + len(body))),
        data_file=DataFile(
            name=path.name,
            sha256=hashlib.sha256(raw).hexdigest(),
            format=fmt,
            encoding=encoding,
            sheet=sheet_name,
        ),
        kinds={(r - h - 1, c): kind for (r, c), kind in kinds.items() if r > h and c < width},
    )
