"""Read one worksheet of a county's .xlsx (or .xlsm) workbook, safely and as its author saw it.

The workbook is a zip of XML parts; they are read here directly rather than through openpyxl,
whose read-only mode pads every row to the sheet's stated dimension (a lone space in XFD1048576
took minutes) and which has no bounds on what it unpacks. Here:

* The zip's central directory is checked before any part is parsed (zipfile refuses to inflate
  a member past its declared size, so declared sizes are true bounds): at most ``MAX_PARTS``
  members, ``MAX_TOTAL_BYTES`` unpacked in all, ``MAX_SHARED_STRINGS_BYTES`` for the shared
  strings, ``MAX_SHEET_BYTES`` per worksheet and ``MAX_PART_BYTES`` for the workbook, its
  relationships and its styles.
* Each part is parsed as a stream with expat; a part that declares a DTD is refused, so no
  entity is ever expanded or fetched. Only the cells present are visited and parsing stops as
  soon as a limit is passed: a non-blank cell right of column ``MAX_COLUMNS`` (GR) or below row
  ``MAX_ROWS``, more than ``MAX_CELLS`` non-blank cells in the sheets read, more than
  ``MAX_SHARED_STRINGS`` shared strings.
* A cell's text is what Excel shows, not the double behind it: a ``0.00%`` cell holding 0.0155 is
  ``"1.55%"``; dates, booleans and error values come back as text (``2022-01-05``, ``TRUE``,
  ``#N/A``) with their kind recorded, so that the loader can say what the cell holds. Numbers
  keep 15 significant digits (what Excel displays), in plain notation.
* Chart sheets and sheets without a non-blank cell are not tables. Without ``sheet``, the one
  table is chosen: visible sheets before hidden ones (what the person filling it in saw), and a
  sheet of text only (填表说明) is passed over when another sheet holds numbers.

Macros of an .xlsm are never run: nothing but cell values is read.
"""

from __future__ import annotations

import functools
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal
from xml.parsers import expat

from engine.errors import DataError

#: Columns a table may use (A–GR); a non-blank cell further right is an error.
MAX_COLUMNS = 200
#: Rows a table may use; a non-blank cell further down is an error.
MAX_ROWS = 100_000
#: Non-blank cells read, over all the sheets read.
MAX_CELLS = 500_000
#: Rows × columns of the table built from a sheet (its used area, blank cells included).
MAX_AREA = 2_000_000
#: Members of the zip.
MAX_PARTS = 2_000
#: Declared unpacked size of all members together.
MAX_TOTAL_BYTES = 100_000_000
#: Declared unpacked size of the shared strings part (xl/sharedStrings.xml).
MAX_SHARED_STRINGS_BYTES = 20_000_000
#: Declared unpacked size of one worksheet part.
MAX_SHEET_BYTES = 50_000_000
#: Declared unpacked size of the workbook, relationship and styles parts.
MAX_PART_BYTES = 20_000_000
#: Entries of the shared strings part.
MAX_SHARED_STRINGS = 500_000

CellKind = Literal["date", "bool", "error", "percent"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # compound file: .xls, or an encrypted .xlsx
_CHUNK = 1 << 20
_MAX_FORMULA_SHOWN = 80
# Plain notation for numbers from 1e-30 to 1e30; beyond that an exponent is clearer.
_PLAIN_EXPONENT = 30
_MAX_EXCEL_COLUMN = 16_384
_MAX_EXCEL_ROW = 1_048_576

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict Open XML
)
_REL_TYPE = re.compile(r"/(officeDocument|worksheet|sharedStrings|styles)$")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # OOXML's escape of characters XML cannot hold
_ELAPSED = re.compile(r"[hHmMsS]+")

# Built-in number formats (no code stored in the file) that show a percent or a date. 27–36 and
# 50–58 are the East Asian date formats (yyyy"年"m"月"d"日" …) that Chinese Excel and WPS write.
_BUILTIN_PERCENT = frozenset({9, 10})
#: Built-in formats with fixed decimals: 0.00, #,##0.00, 0.00%, and the accounting ones.
_BUILTIN_DECIMALS = {2: 2, 4: 2, 8: 2, 10: 2, 40: 2, 43: 2, 44: 2}
_BUILTIN_DATE = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])


@dataclass(frozen=True)
class Sheet:
    """The table of one worksheet: texts as displayed, and which cells are not plain values."""

    name: str
    #: Dense: row 0 is Excel row 1, every row as wide as the last column with a non-blank cell;
    #: ``None`` for a blank cell (empty or only whitespace).
    rows: list[list[str | None]]
    #: (row index, column index), 0-based, of the cells that hold a date, a boolean, an error
    #: value or a percent-formatted number; other cells are absent.
    kinds: dict[tuple[int, int], CellKind]


def column_letter(index: int) -> str:
    """The Excel letters of a 0-based column index: 0 → "A", 16383 → "XFD"."""
    if index < 0:
        raise ValueError(f"column index {index} is negative")
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_workbook(path: Path, *, sheet: str | None = None) -> Sheet:
    """The one table of the workbook at ``path``, or the sheet named ``sheet``.

    Raises DataError (with ``file=path``) for a file that is not a usable workbook, a limit passed,
    no table, several candidate tables, an unknown sheet name and a formula without a value.
    """
    _check_container(path)
    try:
        archive = zipfile.ZipFile(path)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:  # it starts like a zip: a truncated or damaged one
        raise _damaged(path, f"the zip directory is unreadable: {exc}") from None
    except OSError as exc:
        raise DataError(
            code="xlsx_unreadable", params={"reason": exc.strerror or str(exc)}, file=path
        ) from None
    with archive:
        book = _Book(archive, path)
        if sheet is not None:
            return book.named(sheet)
        return book.chosen()


# -- the container ---------------------------------------------------------------------------


def _check_container(path: Path) -> None:
    """Refuse what is not a zip, and a zip of too many members before zipfile lists them all."""
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
            size = stream.seek(0, 2)
            stream.seek(max(0, size - 65_557))  # end record (22 bytes) and its longest comment
            tail = stream.read()
    except OSError as exc:
        raise DataError(
            code="xlsx_unreadable", params={"reason": exc.strerror or str(exc)}, file=path
        ) from None
    if head.startswith(_OLE_MAGIC):
        raise DataError(code="xlsx_old_binary", file=path)
    if not head.startswith(b"PK"):
        raise DataError(code="xlsx_not_zip", file=path)
    end = tail.rfind(b"PK\x05\x06")
    if end >= 0 and end + 12 <= len(tail):
        members = int.from_bytes(tail[end + 10 : end + 12], "little")
        if members != 0xFFFF and members > MAX_PARTS:  # 0xFFFF: the count is in a zip64 record
            _too_many_parts(path, members)


def _too_many_parts(path: Path, count: int) -> None:
    raise DataError(
        code="xlsx_too_many_parts",
        params={"count": _count(count), "limit": _count(MAX_PARTS)},
        file=path,
    )


def _count(n: int) -> dict[str, str]:
    return {"zh": str(n), "en": f"{n:,}"}


def _megabytes(n: int) -> str:
    return f"{-(-n // 1_000_000):,}"


def _names(names: list[str]) -> dict[str, str]:
    return {"zh": "、".join(f"“{n}”" for n in names), "en": ", ".join(f"'{n}'" for n in names)}


def _damaged(
    path: Path, detail: str, *, row: int | None = None, cell: str | None = None
) -> DataError:
    return DataError(
        code="xlsx_damaged",
        params={"detail": detail},
        file=path,
        row=row,
        field=f"cell {cell}" if cell else None,
    )


class _Doctype(Exception):
    """A part declared a DTD; a workbook never does, and entities are a known attack."""


def _refuse_doctype(*_: object) -> None:
    raise _Doctype


class _Handler:
    """Receives the parse events of one part; element names are "namespace local"."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        pass

    def chars(self, data: str) -> None:
        pass


def _names_in(*local: str) -> frozenset[str]:
    """The expat names of elements of the spreadsheet namespace (or of none)."""
    return frozenset([*(f"{ns} {n}" for ns in _MAIN_NS for n in local), *local])


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _rel_id(attrs: Mapping[str, str]) -> str | None:
    for key, value in attrs.items():
        ns, _, local = key.rpartition(" ")
        if local == "id" and ns.endswith("relationships"):
            return value
    return None


def _unescape(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)

    return _ESCAPE.sub(char, text) if "_x" in text else text


# -- the workbook ----------------------------------------------------------------------------


@dataclass
class _SheetEntry:
    name: str
    part: str
    visible: bool


@dataclass
class _Relations:
    by_id: dict[str, tuple[str, str]] = field(default_factory=dict)  # rId → (kind, part)
    by_kind: dict[str, str] = field(default_factory=dict)  # kind → its first part


@dataclass
class _Read:
    """A worksheet as parsed: its cells, and what the choice of table needs to know."""

    entry: _SheetEntry
    cells: dict[int, dict[int, str]] = field(default_factory=dict)  # 0-based row → col → text
    kinds: dict[tuple[int, int], CellKind] = field(default_factory=dict)
    filled: bool = False
    has_number: bool = False
    missing: DataError | None = None  # the first formula without a cached value

    def sheet(self, path: Path) -> Sheet:
        if self.missing is not None:
            raise self.missing
        height = max(self.cells, default=-1) + 1
        width = max((max(row) for row in self.cells.values()), default=-1) + 1
        if height * width > MAX_AREA:  # one cell in GR on each of 100,000 rows: 160 MB of None
            raise DataError(
                code="xlsx_area_too_large",
                params={"limit": f"{MAX_AREA:,}", "rows": f"{height:,}", "columns": width},
                file=path,
            )
        rows: list[list[str | None]] = [[None] * width for _ in range(height)]
        for r, row in self.cells.items():
            for c, text in row.items():
                rows[r][c] = text
        return Sheet(name=self.entry.name, rows=rows, kinds=self.kinds)


class _Book:
    """The parts of one open workbook, checked against the limits before any is parsed."""

    def __init__(self, archive: zipfile.ZipFile, path: Path) -> None:
        self.archive = archive
        self.path = path
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            _too_many_parts(path, len(infos))
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            raise DataError(
                code="xlsx_too_large",
                params={"size": _megabytes(total), "limit": _megabytes(MAX_TOTAL_BYTES)},
                file=path,
            )
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.folded: dict[str, zipfile.ZipInfo] = {}  # some writers disagree on case
        for info in infos:
            self._check_size(info, self._limit_by_name(info.filename))
            self.members[info.filename] = info
            self.folded.setdefault(info.filename.lower(), info)
        self.cells_read = 0

        workbook = self._relations("").by_kind.get("officeDocument", "xl/workbook.xml")
        if self._member(workbook) is None:
            raise DataError(code="xlsx_not_zip", file=path)
        relations = self._relations(workbook)
        listing = _WorkbookReader()
        self._parse(workbook, listing, MAX_PART_BYTES)
        self.date1904 = listing.date1904
        self.sheets: list[_SheetEntry] = []
        for name, visible, rel in listing.sheets:
            kind, part = relations.by_id.get(rel or "", ("", ""))
            if kind == "worksheet":  # chart, dialog and macro sheets hold no table
                self.sheets.append(_SheetEntry(name, part, visible))
        for entry in self.sheets:
            sheet_info = self._member(entry.part)
            if sheet_info is None:
                raise _damaged(path, f"the part {entry.part} of sheet '{entry.name}' is missing")
            self._check_size(sheet_info, MAX_SHEET_BYTES)
        strings_part = relations.by_kind.get("sharedStrings")
        self.strings: list[str] = []
        if strings_part is not None and self._member(strings_part) is not None:
            reader = _StringsReader(path)
            self._parse(strings_part, reader, MAX_SHARED_STRINGS_BYTES)
            self.strings = reader.strings
        styles_part = relations.by_kind.get("styles")
        self.styles = _StylesReader()
        if styles_part is not None and self._member(styles_part) is not None:
            self._parse(styles_part, self.styles, MAX_PART_BYTES)

    # parts

    def _limit_by_name(self, name: str) -> int:
        lowered = name.lower()
        if lowered.startswith("xl/worksheets/"):
            return MAX_SHEET_BYTES
        if lowered.endswith("sharedstrings.xml"):
            return MAX_SHARED_STRINGS_BYTES
        return MAX_TOTAL_BYTES

    def _check_size(self, info: zipfile.ZipInfo, limit: int) -> None:
        if info.file_size > limit:
            raise DataError(
                code="xlsx_part_too_large",
                params={
                    "part": info.filename,
                    "size": _megabytes(info.file_size),
                    "limit": _megabytes(limit),
                },
                file=self.path,
            )

    def _member(self, part: str) -> zipfile.ZipInfo | None:
        return self.members.get(part) or self.folded.get(part.lower())

    def _relations(self, source: str) -> _Relations:
        """The relationships of ``source`` ("" for the package), targets as part names."""
        folder, _, base = source.rpartition("/")
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        reader = _RelationsReader()
        if self._member(rels) is not None:
            self._parse(rels, reader, MAX_PART_BYTES)
        found = _Relations()
        for rel_id, kind, target in reader.relations:
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = posixpath.normpath(posixpath.join(folder, target))
            found.by_id.setdefault(rel_id, (kind, part))
            found.by_kind.setdefault(kind, part)
        return found

    def _parse(self, part: str, handler: _Handler, limit: int) -> None:
        info = self._member(part)
        if info is None:
            raise _damaged(self.path, f"the part {part} is missing")
        self._check_size(info, limit)
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.chars
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _damaged(self.path, f"{info.filename}: {exc}") from None
        except _Doctype:
            raise _damaged(self.path, f"{info.filename} declares a DTD") from None
        except (
            zipfile.BadZipFile,
            OSError,
            RuntimeError,
            NotImplementedError,
            EOFError,
            zlib.error,
        ) as exc:  # bad CRC, a size that lied, encryption, odd compression
            raise _damaged(self.path, f"{info.filename}: {exc}") from None

    # sheets

    def _read(self, entry: _SheetEntry) -> _Read:
        result = _Read(entry)
        self._parse(entry.part, _SheetReader(self, result), MAX_SHEET_BYTES)
        return result

    def named(self, name: str) -> Sheet:
        entry = next((e for e in self.sheets if e.name == name), None)
        if entry is None:
            raise DataError(
                code="xlsx_no_sheet",
                params={"sheet": name, "sheets": _names([e.name for e in self.sheets])},
                file=self.path,
            )
        result = self._read(entry)
        if not result.filled:
            raise DataError(code="xlsx_sheet_empty", params={"sheet": name}, file=self.path)
        return result.sheet(self.path)

    def chosen(self) -> Sheet:
        filled = [r for r in map(self._read, self.sheets) if r.filled]
        pool = [r for r in filled if r.entry.visible] or filled
        pool = [r for r in pool if r.has_number] or pool
        if not pool:
            raise DataError(code="xlsx_empty", file=self.path)
        if len(pool) > 1:
            raise DataError(
                code="xlsx_several_sheets",
                params={"count": len(pool), "sheets": _names([r.entry.name for r in pool])},
                file=self.path,
            )
        return pool[0].sheet(self.path)


# -- the small parts -------------------------------------------------------------------------


class _RelationsReader(_Handler):
    def __init__(self) -> None:
        self.relations: list[tuple[str, str, str]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if _local(name) != "Relationship" or attrs.get("TargetMode") == "External":
            return
        match = _REL_TYPE.search(attrs.get("Type", ""))
        if match and "Id" in attrs and "Target" in attrs:
            self.relations.append((attrs["Id"], match.group(1), attrs["Target"]))


class _WorkbookReader(_Handler):
    _SHEET = _names_in("sheet")
    _PROPERTIES = _names_in("workbookPr")

    def __init__(self) -> None:
        self.sheets: list[tuple[str, bool, str | None]] = []  # name, visible, relationship id
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in self._SHEET:
            visible = attrs.get("state", "visible") == "visible"
            self.sheets.append((attrs.get("name", ""), visible, _rel_id(attrs)))
        elif name in self._PROPERTIES:
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _StringsReader(_Handler):
    """The shared strings: each entry's text runs, without its phonetic guide (rPh)."""

    _ITEM = _names_in("si")
    _TEXT = _names_in("t")
    _PHONETIC = _names_in("rPh")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.strings: list[str] = []
        self.parts: list[str] | None = None
        self.text = False
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in self._ITEM:
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise DataError(
                    code="xlsx_too_many_strings",
                    params={"limit": _count(MAX_SHARED_STRINGS)},
                    file=self.path,
                )
            self.parts = []
        elif name in self._PHONETIC:
            self.phonetic += 1
        elif name in self._TEXT:
            self.text = True

    def end(self, name: str) -> None:
        if name in self._ITEM and self.parts is not None:
            self.strings.append(_unescape("".join(self.parts)))
            self.parts = None
        elif name in self._PHONETIC:
            self.phonetic -= 1
        elif name in self._TEXT:
            self.text = False

    def chars(self, data: str) -> None:
        if self.text and not self.phonetic and self.parts is not None:
            self.parts.append(data)


_SectionKind = Literal["date", "percent"] | None


@dataclass(frozen=True)
class _Section:
    """What one ``;``-section of a number format shows: a date, a percent or a plain number,
    and how many decimals it always shows (``0.00`` → 2; ``#,##0.0#`` → 1: only the ``0``
    placeholders are always shown; a scientific section none of its own)."""

    kind: _SectionKind
    decimals: int = 0


def _format_sections(code: str) -> tuple[_Section, ...]:
    """The sections of a number format code.

    Quoted text, escaped characters (``\\%``), fill and padding characters and [brackets]
    (colours, locales, conditions) are literal, except the elapsed times [h] [m] [s]."""
    found: list[_Section] = []
    percent = is_date = after_point = scientific = False
    decimals = 0

    def section() -> _Section:
        kind: _SectionKind = "date" if is_date else "percent" if percent else None
        return _Section(kind, 0 if scientific else decimals)

    i = 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            close = code.find('"', i + 1)
            i = len(code) if close < 0 else close + 1
            continue
        if ch in "\\_*":
            i += 2
            continue
        if ch == "[":
            close = code.find("]", i + 1)
            if close < 0:
                break
            is_date = is_date or bool(_ELAPSED.fullmatch(code[i + 1 : close]))
            i = close + 1
            continue
        if ch == ";":
            found.append(section())
            percent = is_date = after_point = scientific = False
            decimals = 0
        elif ch == "%":
            percent = True
        elif ch == ".":
            after_point = True
        elif after_point and ch == "0":
            decimals += 1  # # and ? are optional digits: shown only when there is one
        elif after_point and ch not in "#?":
            after_point = False
        if ch in "eE":
            scientific = True
        elif ch in "yYmMdDhHsS":
            is_date = True
        i += 1
    found.append(section())
    return tuple(found)


class _StylesReader(_Handler):
    """Number formats by cell style index (the ``s`` of a cell)."""

    _FORMAT = _names_in("numFmt")
    _CELL_FORMATS = _names_in("cellXfs")
    _XF = _names_in("xf")

    def __init__(self) -> None:
        self.codes: dict[int, str] = {}
        self.style_formats: list[int] = []
        self.in_cell_formats = False
        self._cache: dict[int, tuple[_Section, ...]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in self._FORMAT:
            number = _small_int(attrs.get("numFmtId"))
            if number is not None:
                self.codes[number] = attrs.get("formatCode", "")
        elif name in self._CELL_FORMATS:
            self.in_cell_formats = True
        elif name in self._XF and self.in_cell_formats:
            self.style_formats.append(_small_int(attrs.get("numFmtId")) or 0)

    def end(self, name: str) -> None:
        if name in self._CELL_FORMATS:
            self.in_cell_formats = False

    def _sections(self, number: int) -> tuple[_Section, ...]:
        code = self.codes.get(number)
        if code is not None:
            sections = _format_sections(code)
        elif number in _BUILTIN_PERCENT:
            sections = (_Section("percent", _BUILTIN_DECIMALS.get(number, 0)),)
        elif number in _BUILTIN_DATE:
            sections = (_Section("date"),)
        else:
            sections = (_Section(None, _BUILTIN_DECIMALS.get(number, 0)),)
        self._cache[number] = sections
        return sections

    def section(self, style: int, value: float) -> _Section:
        """What the cell style shows for ``value``: the section of its format that applies."""
        if not 0 <= style < len(self.style_formats):
            return _Section(None)
        number = self.style_formats[style]
        sections = self._cache.get(number) or self._sections(number)
        if value < 0 and len(sections) >= 2:
            return sections[1]
        if value == 0 and len(sections) >= 3:
            return sections[2]
        return sections[0]


def _padded(text: str, decimals: int) -> str:
    """``2.5`` shown with 2 decimals is ``2.50``: trailing zeros added, never a digit rounded."""
    if decimals <= 0 or "e" in text.lower():
        return text
    suffix = "%" if text.endswith("%") else ""
    body = text.removesuffix("%")
    whole, _, fraction = body.partition(".")
    if len(fraction) >= decimals:
        return text
    return f"{whole}.{fraction.ljust(decimals, '0')}{suffix}"


def _small_int(text: str | None) -> int | None:
    if text is None or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


# -- cell values -----------------------------------------------------------------------------


def _plain(number: Decimal) -> str:
    """A decimal in plain notation (1E-5 → 0.00001), trailing zeros dropped, -0 → 0."""
    if number.is_zero():
        return "0"
    number = number.normalize()
    if -_PLAIN_EXPONENT <= number.adjusted() <= _PLAIN_EXPONENT:
        return format(number, "f")
    return str(number)


def _number_text(value: float) -> str:
    """15 significant digits, as Excel shows a number (an integer of up to 15 digits exactly)."""
    text = format(value, ".15g")
    if "e" not in text:  # already plain, without trailing zeros: the common case
        return "0" if text == "-0" else text
    return _plain(Decimal(text))


def _percent_text(value: float) -> str:
    """The percentage Excel displays: 0.0155 → "1.55%" (15 significant digits, times 100)."""
    return _plain(Decimal(format(value, ".15g")) * 100) + "%"


def _serial_date(serial: float, date1904: bool) -> str | None:
    """An Excel date serial as ISO text; None outside what Excel can show."""
    if not 0 <= serial < 2_958_466:
        return None
    seconds = round(serial * 86_400)
    days, seconds = divmod(seconds, 86_400)
    if date1904:
        epoch = date(1904, 1, 1)
    else:  # Excel's 1900 system counts a 29 February 1900 that never was (serial 60)
        epoch = date(1899, 12, 31) if serial < 61 else date(1899, 12, 30)
    day = epoch + timedelta(days=days)
    if not seconds:
        return day.isoformat()
    moment = datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds)
    return moment.time().isoformat() if days == 0 and serial < 1 else moment.isoformat()


def _iso_date(text: str) -> str:
    """A date cell's ISO 8601 value (t="d"), a midnight shown as the date alone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None and moment.time() == datetime.min.time():
        return moment.date().isoformat()
    return moment.isoformat()


class _SheetReader(_Handler):
    """One worksheet's cells into a :class:`_Read`, limits checked cell by cell."""

    _DATA = _names_in("sheetData")
    _ROW = _names_in("row")
    _CELL = _names_in("c")
    _VALUE = _names_in("v")
    _FORMULA = _names_in("f")
    _TEXT = _names_in("t")
    _PHONETIC = _names_in("rPh")

    def __init__(self, book: _Book, result: _Read) -> None:
        self.book = book
        self.path = book.path
        self.result = result
        self.in_data = False
        self.in_cell = False
        # Where the cell is. Most cells are blank, so a reference is parsed only when needed:
        # ``ref`` is the current cell's r, ``last`` the parsed position of the cell before (or
        # (row, 0) at a row's start), None while ``ref`` is not parsed yet.
        self.line = 0  # the current <row>
        self.ref: str | None = None
        self.last: tuple[int, int] | None = (0, 0)
        self.row = 0  # 1-based Excel row and column of a cell being read
        self.col = 0
        self.attrs: dict[str, str] = {}
        # Outside a cell, and after it, these are None again.
        self.value: list[str] | None = None
        self.inline: list[str] | None = None
        self.formula: list[str] | None = None
        self.shared: str | None = None  # si of a shared formula
        self.sink: list[str] | None = None
        self.phonetic = 0
        self.origins: dict[str, str] = {}  # shared formula si → the cell that holds its text

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in self._CELL:
            if self.in_data:
                self.in_cell = True
                self.attrs = attrs
                ref = attrs.get("r")
                if ref is not None:
                    self.ref, self.last = ref, None
                else:
                    row, col = self._position()
                    self.ref, self.last = None, (row, col + 1)
        elif self.in_cell:
            if name in self._VALUE:
                self.value = self.sink = []
            elif name in self._FORMULA:
                self.formula = self.sink = []
                if attrs.get("t") == "shared":
                    self.shared = attrs.get("si")
            elif name in self._PHONETIC:
                self.phonetic += 1
            elif name in self._TEXT and not self.phonetic:
                if self.inline is None:
                    self.inline = []
                self.sink = self.inline
        elif name in self._ROW:
            if self.in_data:
                number = attrs.get("r")
                if number is None:
                    self.line += 1
                elif number.isdigit() and 0 < int(number) <= _MAX_EXCEL_ROW:
                    self.line = int(number)
                else:
                    raise _damaged(
                        self.path,
                        f"sheet '{self.result.entry.name}' has a row numbered '{number[:20]}'",
                    )
                self.ref, self.last = None, (self.line, 0)
        elif name in self._DATA:
            self.in_data = True

    def _position(self) -> tuple[int, int]:
        """The 1-based row and column of the current cell."""
        if self.last is not None:
            return self.last
        ref = self.ref or ""
        match = _REF.fullmatch(ref)
        col = _column_number(match.group(1)) if match else 0
        row = int(match.group(2)) if match else 0
        if not (0 < col <= _MAX_EXCEL_COLUMN and 0 < row <= _MAX_EXCEL_ROW):
            raise _damaged(self.path, f"sheet '{self.result.entry.name}' has a cell '{ref[:20]}'")
        self.last = (row, col)
        return self.last

    def end(self, name: str) -> None:
        if self.in_cell:
            if name in self._CELL:
                self.in_cell = False
                if self.value is None and self.formula is None and self.inline is None:
                    return  # a blank cell (style only): the common case, kept fast
                try:
                    self.row, self.col = self._position()
                    self._cell()
                finally:
                    self.value = self.inline = self.formula = self.sink = None
                    self.shared = None
                    self.phonetic = 0
            elif name in self._PHONETIC:
                self.phonetic -= 1
            elif name in self._VALUE or name in self._FORMULA or name in self._TEXT:
                self.sink = None
        elif name in self._DATA:
            self.in_data = False

    def chars(self, data: str) -> None:
        if self.sink is not None:
            self.sink.append(data)

    # one cell

    def _ref(self) -> str:
        return f"{column_letter(self.col - 1)}{self.row}"

    def _cell(self) -> None:
        kind = self.attrs.get("t", "n")
        value = None if self.value is None else "".join(self.value)
        if self.formula is not None:
            text = "".join(self.formula).strip()
            if self.shared is not None and text:
                self.origins.setdefault(self.shared, self._ref())
            if value is None or (value == "" and kind != "str"):
                self._missing_value(text)
                return
        if kind == "inlineStr":
            self._put(_unescape("".join(self.inline or [])), None)
        elif not value:
            return
        elif kind == "s":
            index = _small_int(value.strip())
            if index is None or index >= len(self.book.strings):
                raise _damaged(
                    self.path,
                    f"the cell refers to shared string '{value[:20]}', which does not exist",
                    row=self.row,
                    cell=self._ref(),
                )
            self._put(self.book.strings[index], None)
        elif kind == "str":
            self._put(_unescape(value), None)
        elif kind == "b":
            flag = value.strip().lower()
            if flag not in ("0", "1", "true", "false"):
                raise _damaged(
                    self.path,
                    f"the cell holds '{value[:20]}' as a boolean",
                    row=self.row,
                    cell=self._ref(),
                )
            self._put("TRUE" if flag in ("1", "true") else "FALSE", "bool")
        elif kind == "e":
            self._put(value.strip(), "error")
        elif kind == "d":
            self._put(_iso_date(value.strip()), "date")
        else:
            self._number(value.strip())

    def _number(self, value: str) -> None:
        if not _NUMBER.fullmatch(value):
            raise _damaged(
                self.path,
                f"the cell holds '{value[:20]}' as a number",
                row=self.row,
                cell=self._ref(),
            )
        number = float(value)
        if not math.isfinite(number):
            raise _damaged(
                self.path,
                f"the cell holds '{value[:20]}' as a number",
                row=self.row,
                cell=self._ref(),
            )
        style = _small_int(self.attrs.get("s")) or 0
        section = self.book.styles.section(style, number)
        shown = section.kind
        if shown == "date":
            self._put(_serial_date(number, self.book.date1904) or _number_text(number), "date")
        else:
            # The decimals the cell shows (2.5 formatted 0.00 reads 2.50): what the person who
            # typed it saw, and how a plan annex's target tells its precision.
            decimals = section.decimals
            if shown == "percent":
                self._put(_padded(_percent_text(number), decimals), "percent", number=True)
            else:
                self._put(_padded(_number_text(number), decimals), None, number=True)

    def _missing_value(self, formula: str) -> None:
        """A formula Excel never computed: an error, if this sheet turns out to be the table."""
        self._place()
        self.result.filled = self.result.has_number = True
        if self.result.missing is not None:
            return
        if not formula and self.shared is not None and self.shared in self.origins:
            error = DataError(
                code="xlsx_formula_no_value_shared",
                params={"origin": self.origins[self.shared]},
                file=self.path,
                row=self.row,
                field=f"cell {self._ref()}",
            )
        else:
            if len(formula) > _MAX_FORMULA_SHOWN:
                formula = formula[:_MAX_FORMULA_SHOWN] + "…"
            error = DataError(
                code="xlsx_formula_no_value",
                params={"formula": f"={formula}"},
                file=self.path,
                row=self.row,
                field=f"cell {self._ref()}",
            )
        self.result.missing = error

    def _place(self) -> None:
        """Check a non-blank cell against the limits."""
        if self.col > MAX_COLUMNS:
            raise DataError(
                code="xlsx_outside_columns",
                params={
                    "cell": self._ref(),
                    "sheet": self.result.entry.name,
                    "last": column_letter(MAX_COLUMNS - 1),
                },
                file=self.path,
                row=self.row,
                field=f"cell {self._ref()}",
            )
        if self.row > MAX_ROWS:
            raise DataError(
                code="xlsx_outside_rows",
                params={
                    "cell": self._ref(),
                    "sheet": self.result.entry.name,
                    "limit": _count(MAX_ROWS),
                },
                file=self.path,
                row=self.row,
                field=f"cell {self._ref()}",
            )
        self.book.cells_read += 1
        if self.book.cells_read > MAX_CELLS:
            raise DataError(
                code="xlsx_too_many_cells",
                params={"limit": _count(MAX_CELLS)},
                file=self.path,
                row=self.row,
                field=f"cell {self._ref()}",
            )

    def _put(self, text: str, kind: CellKind | None, *, number: bool = False) -> None:
        if not text.strip():
            return  # blank: empty or only whitespace
        self._place()
        r, c = self.row - 1, self.col - 1
        self.result.cells.setdefault(r, {})[c] = text
        if kind is not None:
            self.result.kinds[(r, c)] = kind
        else:
            self.result.kinds.pop((r, c), None)
        self.result.filled = True
        self.result.has_number = self.result.has_number or number


@functools.lru_cache(maxsize=4096)
def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - ord("A") + 1
    return number
