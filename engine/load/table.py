"""Read a county file (CSV or .xlsx) into a polars frame of cell texts, with file row numbers.

Every cell stays text here: numbers are parsed later from that text, so nothing passes through a
binary float. CSV may be UTF-8 (with or without BOM) or GBK/GB18030 (what a Chinese Excel writes);
the encoding used is recorded. A title row above the header (one filled cell) is skipped.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import polars as pl

from engine.errors import DataError
from engine.model.county import DataFile

MAX_DATA_BYTES = 20_000_000
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RawTable:
    header: list[str]
    frame: pl.DataFrame  # one String column per header cell, in file order
    rows: list[int]  # the file row number of each frame row (header is the row before)
    data_file: DataFile


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(_BOM):
        try:
            return raw[len(_BOM):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DataError(f"starts with a UTF-8 BOM but is not UTF-8 ({exc.reason} "
                            f"at byte {exc.start + len(_BOM)})", file=path) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("is UTF-16 text; save it as CSV UTF-8 or as .xlsx", file=path)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise DataError(
            f"is neither UTF-8 nor GBK/GB18030 text (undecodable byte at {exc.start})", file=path
        ) from None


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max((",", "\t", ";"), key=first.count)


def _read_csv(path: Path, raw: bytes) -> tuple[list[list[str | None]], str]:
    text, encoding = _decode(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # CRLF and old Mac CR-only lines
    if "\x00" in text:
        raise DataError("contains NUL bytes: not a text CSV file", file=path)
    if not text.strip():
        raise DataError("is empty", file=path)
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
        raise _csv_problem(text, separator, path, exc) from None
    return [list(r) for r in frame.iter_rows()], encoding


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
                    f"has {len(record)} fields where the first row has {width} (a value that "
                    f"contains '{separator}' must be in double quotes)",
                    file=path, row=records.line_num,
                )
    except csv.Error as csv_exc:
        return DataError(f"is not a well-formed CSV table: {csv_exc}", file=path,
                         row=records.line_num)
    # Field counts agree, so the quoting is what polars refused: point at the first odd quote.
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count('"') % 2 or any(
            '"' in cell and not cell.startswith('"') for cell in line.split(separator)
        ):
            return DataError("is not a well-formed CSV table: a double quote is out of place "
                             "(quote whole values: \"1,234\")", file=path, row=number)
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataError(f"is not a well-formed CSV table: {first}", file=path)


def _cell_text(value: object) -> str | None:
    """An Excel cell's value as text. Numbers are doubles in .xlsx; 15 significant digits is what
    Excel itself shows, so a value typed as 1.995 is read as 1.995, not 1.99499999…"""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path) -> tuple[list[list[str | None]], str]:
    from openpyxl import load_workbook

    sheets = {}
    for data_only in (True, False):  # cached values, then the formulas behind them
        try:
            workbook = load_workbook(path, read_only=True, data_only=data_only)
        except Exception as exc:  # openpyxl raises many kinds on a file that is not xlsx
            raise DataError(f"is not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
                            file=path) from None
        try:
            sheets[data_only] = {ws.title: _sheet_rows(ws) for ws in workbook.worksheets}
        except Exception as exc:  # a damaged sheet fails while its cells are read
            raise DataError(f"is a damaged .xlsx workbook ({type(exc).__name__}: {exc})",
                            file=path) from None
        finally:
            workbook.close()
    filled = [name for name, rows in sheets[True].items() if any(any(r) for r in rows)]
    if len(filled) > 1:
        listed = ", ".join(f"'{n}'" for n in filled)
        raise DataError(f"has {len(filled)} sheets with data ({listed}); a county file holds one "
                        f"indicator table: delete the other sheets or save the table on its own",
                        file=path)
    title = filled[0] if filled else next(iter(sheets[True]), "")
    rows = sheets[True].get(title, [])
    for r, (values, formulas) in enumerate(zip(rows, sheets[False][title], strict=False), 1):
        for c, (value, formula) in enumerate(zip(values, formulas, strict=False), 1):
            if value is None and formula is not None and formula.startswith("="):
                raise DataError(f"cell has the formula '{formula}' but no computed value (open "
                                f"and save the workbook in Excel or WPS, or type the value)",
                                file=path, row=r, field=f"column {c}")
    return rows, title


def _sheet_rows(sheet: Any) -> list[list[str | None]]:
    # Read-only mode trusts the sheet's stored dimensions, which some tools write wrongly
    # (columns would silently go missing); make it scan the cells instead.
    sheet.reset_dimensions()
    return [[_cell_text(v) for v in row] for row in sheet.iter_rows(min_row=1, values_only=True)]


def _header_index(rows: list[list[str | None]], path: Path) -> int:
    """The first row with two or more filled cells; rows above it may hold a title."""
    for i, row in enumerate(rows):
        filled = sum(1 for c in row if c is not None and c.strip())
        if filled >= 2:
            return i
        if filled == 1 and i >= 3:
            break
    raise DataError("has no header row with two or more columns (indicator, actual, …); "
                    "separate columns with commas, tabs or semicolons", file=path)


def _check_single_header_row(
    rows: list[list[str | None]], h: int, is_column_name: Callable[[str], bool], path: Path
) -> None:
    """A merged two-row header (数值 over 基期值/目标值/实际值) reads as one row of a few names with
    the real names below it; say so instead of blaming a column."""
    below = rows[h + 1] if h + 1 < len(rows) else []
    if sum(is_column_name(c) for c in below if c) >= 2:
        raise DataError(f"the header spans two rows (row {h + 2} holds column names too): keep a "
                        f"single header row with one name per column", file=path, row=h + 1)


def read_table(path: Path, is_column_name: Callable[[str], bool] | None = None) -> RawTable:
    """``is_column_name`` recognises header texts, so that a two-row header gets its own
    message."""
    try:
        size = path.stat().st_size
        if size > MAX_DATA_BYTES:
            raise DataError(f"is larger than {MAX_DATA_BYTES:,} bytes", file=path)
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", file=path) from None
    suffix = path.suffix.lower()
    encoding: str | None = None
    sheet: str | None = None
    if suffix == ".xlsx":
        rows, sheet = _read_xlsx(path)
        fmt = "xlsx"
    elif suffix in (".xls", ".et"):
        raise DataError("old binary Excel files are not read; save the sheet as .xlsx", file=path)
    else:
        rows, encoding = _read_csv(path, raw)
        fmt = "csv"
    if not rows:
        raise DataError("is empty", file=path)
    h = _header_index(rows, path)
    # Rows may differ in length (an .xlsx row ends at its last filled cell): the table is as wide
    # as its longest row, so no cell right of a short header row is ever dropped.
    width = max(len(r) for r in rows[h:])
    header_cells = rows[h] + [None] * (width - len(rows[h]))
    # Drop trailing columns with neither a header nor data (Excel's stray formatting).
    while width and not (header_cells[width - 1] or "").strip() and all(
        len(r) < width or not (r[width - 1] or "").strip() for r in rows[h + 1:]
    ):
        width -= 1
    header = [(c or "").strip() for c in header_cells[:width]]
    if is_column_name is not None and not all(is_column_name(name) for name in header):
        _check_single_header_row(rows, h, is_column_name, path)
    for col, name in enumerate(header, start=1):
        if not name:
            raise DataError(f"column {col} has data but no header", file=path, row=h + 1)
    body = [(r + [None] * width)[:width] for r in rows[h + 1:]]
    frame = pl.DataFrame(
        {f"c{j}": [r[j] for r in body] for j in range(width)},
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
            sheet=sheet,
        ),
    )
