"""The acceptance dossier's evidence (佐证材料): a cell's entries, which of them name files, and
whether a named file is in the evidence folder.

- **Entries.** A cell lists its evidence separated by ``；``, ``;`` or a line break (Alt+Enter
  in Excel). Commas and ``、`` stay inside an entry: titles (《关于…、…的通知》) and document
  numbers contain them. A blank entry, or one that is a missing-data marker (``无``, ``—`` …),
  is no evidence.
- **Files.** An entry names a file when it holds a path separator (``/`` or ``\\``) or ends in
  a file extension (a dot and 1–8 ASCII letters or digits, at least one a letter: ``.pdf``,
  ``.docx``, ``.jpg``, ``.7z``), and is not a web address (``https://…``). Anything else — a
  document number (天政办发〔2021〕23号), a title, a short text — is not a file and is never
  looked for.
- **The folder.** With an evidence folder every file entry is looked up inside it by name only:
  each step is an ``lstat`` (and a ``readlink`` for a symbolic link) of a name *inside* the
  folder, starting from the folder's real path, so nothing outside it is ever looked at and no
  file is opened or read. A name that leaves the folder — absolute (``/etc/passwd``,
  ``C:\\x.pdf``), through ``..`` above it, or through a symbolic link pointing out of it — is
  refused without being followed; a ``..`` that stays inside is fine.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from engine.errors import DataError
from engine.model.county import EVIDENCE_SEPARATORS, CountyData
from engine.model.ruleset import Indicator, Ruleset
from engine.safe_text import has_control

_EXTENSION = re.compile(r"[^./\\]\.([A-Za-z0-9]{1,8})$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:")
#: A control character as the table reader shows it (engine.safe_text.visible: ``\x01``,
#: ``\u202e``): a cell's NUL or ESC reaches here escaped, never raw.
_ESCAPED_CONTROL = re.compile(r"\\x(0[0-8b-f]|1[0-9a-f]|7f|[89][0-9a-f])|\\u(202[a-e]|206[6-9])")
#: Symbolic links followed in one name at most (the kernel's own limit is 40).
MAX_LINKS = 40

Found = Literal["found", "missing", "outside"]


def split_entries(text: str | None, markers: Collection[str] = ()) -> tuple[str, ...]:
    """The entries of an evidence cell, in order, without blanks and missing-data markers
    (``markers`` in their folded form, as :class:`engine.load.county.ReadOptions` has them)."""
    if not text:
        return ()
    entries = (e.strip() for e in EVIDENCE_SEPARATORS.split(text))
    return tuple(e for e in entries if e and unicodedata.normalize("NFKC", e) not in markers)


def is_file_entry(entry: str) -> bool:
    """The entry names a file (see the module's docstring); a document number or a text does
    not."""
    if _URL.match(entry):
        return False
    if "/" in entry or "\\" in entry:
        return True
    found = _EXTENSION.search(entry)
    return found is not None and any(c.isalpha() for c in found[1])


def is_absolute(entry: str) -> bool:
    return entry.startswith(("/", "\\")) or _DRIVE.match(entry) is not None


@dataclass(frozen=True)
class EvidenceFolder:
    """The folder a dossier's files are in (``--evidence-dir``), by its real path."""

    root: Path
    given: str  # as the user named it, for messages

    @classmethod
    def at(cls, path: str | Path) -> EvidenceFolder:
        """The folder, which must exist and be a directory (else a DataError naming it)."""
        try:
            root = Path(path).resolve(strict=True)
            is_dir = stat.S_ISDIR(os.stat(root).st_mode)
        except (OSError, RuntimeError, ValueError):  # missing, a link loop, a NUL in the name
            is_dir = False
        if not is_dir:
            raise DataError(
                code="evidence_dir_invalid", params={"path": str(path)}, field="--evidence-dir"
            )
        return cls(root, str(path))

    def find(self, entry: str) -> Found:
        """Whether the file ``entry`` names is in the folder: ``found`` (a regular file or a
        folder), ``missing`` (absent, or something else: a device, a socket, a name too long),
        or ``outside`` (the name leaves the folder; nothing outside was looked at)."""
        if is_absolute(entry):
            return "outside"
        current = self.root  # always a real directory inside the folder (no link in it)
        pending = re.split(r"[/\\]", entry)
        links = 0
        mode = os.stat(self.root).st_mode
        while pending:
            part = pending.pop(0)
            if part in ("", "."):
                continue
            if not stat.S_ISDIR(mode):  # a name below a file
                return "missing"
            if part == "..":
                if current == self.root:
                    return "outside"
                current = current.parent
                continue
            candidate = current / part
            try:
                info = os.lstat(candidate)  # a name inside the folder: current is inside
            except (OSError, ValueError):
                return "missing"
            if stat.S_ISLNK(info.st_mode):
                links += 1
                try:
                    target = os.readlink(candidate)
                except OSError:
                    return "missing"
                if links > MAX_LINKS:
                    return "missing"
                if os.path.isabs(target):
                    lexical = PurePosixPath(os.path.normpath(target))
                    if not lexical.is_relative_to(self.root):
                        return "outside"
                    current = self.root
                    mode = os.stat(self.root).st_mode
                    pending = [*lexical.relative_to(self.root).parts, *pending]
                else:
                    pending = [*target.split("/"), *pending]
                continue
            mode = info.st_mode
            if stat.S_ISDIR(mode):
                current = candidate
            elif not stat.S_ISREG(mode):
                return "missing"
        return "found" if stat.S_ISDIR(mode) or stat.S_ISREG(mode) else "missing"


@dataclass(frozen=True)
class Lookup:
    """One file entry's place: ``found``, ``missing``, ``outside`` the folder, or ``invalid``
    (a control character, raw or as the reader shows it escaped: no file is named so)."""

    entry: str
    found: Found | Literal["invalid"]


def look_up(folder: EvidenceFolder, entries: tuple[str, ...]) -> list[Lookup]:
    """Every file entry of a cell, looked up in the folder (the others are not files)."""
    found = []
    for entry in entries:
        if not is_file_entry(entry):
            continue
        invalid = has_control(entry) or _ESCAPED_CONTROL.search(entry) is not None
        found.append(Lookup(entry, "invalid" if invalid else folder.find(entry)))
    return found


def evidence_sources(ruleset: Ruleset, county: CountyData, indicator: Indicator) -> list[str]:
    """The rows an indicator's evidence is on: its own, or, for a derived indicator the data
    gives no row for, those of its inputs (the expenditure and the GDP behind an intensity)."""
    if indicator.id in county.values or indicator.derived is None:
        return [indicator.id]
    return [i for i in indicator.derived.parsed.inputs if i in county.values]


def evidence_of(
    ruleset: Ruleset, county: CountyData, indicator: Indicator
) -> tuple[str, ...] | None:
    """An indicator's evidence entries (see :func:`evidence_sources`), each once, in order;
    None when none of its rows has an evidence column."""
    found: list[str] | None = None
    for item in evidence_sources(ruleset, county, indicator):
        entries = county.values[item].evidence if item in county.values else None
        if entries is not None:
            found = [*(found or []), *(e for e in entries if e not in (found or []))]
    return None if found is None else tuple(found)


def has_evidence_column(county: CountyData) -> bool:
    """The county's data says what its evidence is (a file with an evidence column; data built
    in code with an ``evidence`` entry)."""
    return any(v.evidence is not None for v in county.values.values())
