"""Reading an input file safely: regular files only, size bounded while reading, text decoded
only from the encodings a Chinese office produces.

A FIFO would block for ever, a device such as ``/dev/zero`` would be read until memory runs out,
and a directory is not a table: each is refused by name before it is opened (``os.stat`` follows
symlinks, so a link to ``/dev/zero`` is a device). The size limit is enforced on the bytes read,
not only on what ``stat`` says.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.errors import DataError, InputError

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Encodings named when a text is none of ours, in this order, each with the lead bytes of its
#: frequent characters (Big5 level 1; Shift-JIS level-1 kanji; EUC-KR hangul).
_FOREIGN = (
    ("big5", "Big5", 0xA4, 0xC6),
    ("shift_jis", "Shift-JIS", 0x88, 0x9F),
    ("euc_kr", "EUC-KR", 0xB0, 0xC8),
)


def document_kind(raw: bytes, suffix: str) -> str | None:
    """ "word" or "pdf" when the bytes are a Word document or a PDF (what a bureau may attach
    in place of its table), else None. A .docx is a zip archive like an .xlsx: told apart by
    its main part's name in the archive's directory, read from the bytes already in memory; an
    old binary .doc (or WPS's .wps) shares its container with .xls, and is told by its name."""
    if raw.startswith(b"%PDF-"):
        return "pdf"
    if raw.startswith(b"\xd0\xcf\x11\xe0") and suffix.lower() in (".doc", ".wps"):
        return "word"
    if not raw.startswith(b"PK\x03\x04"):
        return None
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    return "word" if "word/document.xml" in names and "xl/workbook.xml" not in names else None


def kind_of(mode: int) -> str | None:
    """None for a regular file, else what it is (a key of FILE_KINDS)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "socket" if stat.S_ISSOCK(mode) else "special"


#: What a path that is not a regular file is, in both languages.
FILE_KINDS = {
    "directory": {"zh": "文件夹", "en": "a directory"},
    "fifo": {"zh": "命名管道", "en": "a FIFO, a named pipe"},
    "device": {"zh": "设备文件", "en": "a device"},
    "socket": {"zh": "套接字", "en": "a socket"},
    "special": {"zh": "特殊文件", "en": "a special file"},
}


def read_bounded(path: Path, limit: int, error: type[InputError], prefix: str = "file") -> bytes:
    """The file's bytes; refused unless it is a regular file of at most ``limit`` bytes.

    Messages are the catalogue's ``{prefix}_missing``, ``_not_regular``, ``_unreadable`` and
    ``_too_large`` (``file_…`` for data files, ``ruleset_…`` for rulesets)."""

    def unreadable(exc: OSError) -> InputError:
        return error(
            code=f"{prefix}_unreadable", params={"reason": exc.strerror or str(exc)}, file=path
        )

    def not_regular(kind: str) -> InputError:
        return error(code=f"{prefix}_not_regular", params={"kind": FILE_KINDS[kind]}, file=path)

    try:
        kind = kind_of(os.stat(path).st_mode)
        if kind is not None:
            raise not_regular(kind)
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, open returns at
        # once instead of waiting for a writer; fstat then sees what was really opened.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise error(code=f"{prefix}_missing", file=path) from None
    except OSError as exc:
        raise unreadable(exc) from None
    with os.fdopen(fd, "rb") as handle:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise not_regular(kind)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise unreadable(exc) from None
    if len(data) > limit:
        raise error(code=f"{prefix}_too_large", params={"limit": f"{limit:,}"}, file=path)
    return data


def _common_share(text: str, codec: str, low: int, high: int, odd: range = range(0)) -> float:
    """Share of the non-ASCII characters whose lead byte in ``codec`` lies in the encoding's
    block of frequent hanzi (``low``–``high``); rows in ``odd`` (kana, Greek …) count against."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 1.0
    common = 0
    for char in wide:
        try:
            lead = char.encode(codec)[0]
        except UnicodeEncodeError:
            continue
        common += low <= lead <= high and lead not in odd
    return common / len(wide)


def _looks_big5(raw: bytes, gbk_text: str) -> str | None:
    """The foreign encoding a GBK-decodable text was really written in, if the bytes say so.

    Both are two-byte encodings over the same byte ranges, so Big5 bytes often decode as GBK:
    棗陽市 reads as 辞锭カ. Real GBK text keeps its hanzi in GB2312's level-1 block (lead bytes
    B0–D7) and holds no kana or Greek; Big5 text as GBK scatters into those. When the Big5 reading
    has more of Big5's own frequent block (lead A4–C6), the file is Big5.
    """
    gbk = _common_share(gbk_text, "gb18030", 0xB0, 0xD7)
    if gbk == 1.0:
        return None
    for codec, name, low, high in _FOREIGN:
        try:
            foreign = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if _common_share(foreign, codec, low, high) > gbk:
            return name
    return None


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 (with or without BOM), UTF-16 with a BOM
    (Excel's "Unicode text"), or GBK/GB18030. UTF-32, Big5 and other encodings are refused by
    name rather than read as mojibake."""
    if raw.startswith(_UTF8_BOM):
        try:
            return raw[len(_UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DataError(
                code="bom_not_utf8", params={"at": exc.start + len(_UTF8_BOM)}, file=path
            ) from None
    if raw.startswith(_UTF32_BOMS):
        raise DataError(code="encoding_refused", params={"encoding": "UTF-32"}, file=path)
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataError(code="bom_not_utf16", params={"at": exc.start}, file=path) from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(code="encoding_unknown", params={"at": exc.start}, file=path) from None
    foreign = _looks_big5(raw, text)
    if foreign is not None:
        raise DataError(code="encoding_refused", params={"encoding": foreign}, file=path)
    return text, "gb18030"
