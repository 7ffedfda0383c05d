"""Bundled rulesets kept validated in the user's cache, so that loading one parses no YAML.

Loading a bundled ruleset from its YAML means importing PyYAML (about 15 ms after the other
imports, 50 ms on its own) and parsing and validating the file (about 12 ms for provincial-2021);
from this cache it takes about 4 ms, and PyYAML is never imported (docs/performance.md). The
first load of a bundled ruleset writes its validated model as JSON (``Ruleset.model_dump_json``,
with each ruleset it extends) to ``$XDG_CACHE_HOME/county-assess/`` (``~/.cache/county-assess/``
when that is not set); later loads validate that JSON (``Ruleset.model_validate_json``: every
validator runs again, so a cached ruleset is exactly as checked as a parsed one) and restore the
file it came from and the rulesets it extends.

An entry is never stale: its name is the sha256 of the code that reads and validates rulesets
(the source of ``engine/model/`` and of the loader's modules, the threshold kinds registered,
the versions of Python and pydantic), the file's path and the sha256 of the file's bytes; it
records every file of the ``extends`` chain with the sha256 of its bytes, each read again and
compared before the entry is used; and it holds the sha256 of its own content. An entry (or its
folder) that another user owns or may write is not read. Any difference, and any failure to
read, parse or write an entry, falls back to parsing the YAML, silently.
Only bundled rulesets are cached (the caller checks): a user's own file is always parsed.
Entries are written atomically (a temporary file renamed); the last few written of each bundled
ruleset are kept, so that the folder stays small.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.model.ruleset import Ruleset

#: Bumped when the layout of an entry changes.
FORMAT = "county-assess ruleset cache 1"
#: How many entries of one bundled ruleset are kept (the latest written).
KEEP = 4
#: An entry larger than this is not read (a bundled ruleset's is about 25 KB).
MAX_ENTRY_BYTES = 16_000_000
_PACKAGE = Path(__file__).resolve().parent.parent
#: The code whose change may change what a ruleset file validates to, besides engine/model/.
_CODE = (
    "load/ruleset.py",
    "load/yaml_file.py",
    "load/ruleset_cache.py",
    "load/files.py",
    "decimals.py",
    "formula.py",
    "safe_text.py",
    "units.py",
)
_ENTRY_NAME = re.compile(r"(?P<stem>.+)\.[0-9a-f]{64}\.json")

_code_digest: bytes | None = None


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/county-assess`` (an absolute XDG_CACHE_HOME only, as the XDG spec
    says), else ``~/.cache/county-assess``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "county-assess"


def code_fingerprint() -> str:
    """The sha256 of everything that decides what a ruleset file validates to: the source of
    the code (read once per process), the versions of Python and pydantic, and the threshold
    kinds registered now (:func:`engine.model.ruleset.add_threshold_kind` may add one)."""
    from engine.model.thresholds import THRESHOLD_CLASSES

    kinds = sorted(f"{k}={c.__module__}.{c.__qualname__}" for k, c in THRESHOLD_CLASSES.items())
    return hashlib.sha256(_source_digest() + "\0".join(kinds).encode()).hexdigest()


def _source_digest() -> bytes:
    global _code_digest
    if _code_digest is None:
        import pydantic
        import pydantic_core

        digest = hashlib.sha256()
        for line in (FORMAT, sys.version, pydantic.VERSION, pydantic_core.__version__):
            digest.update(line.encode() + b"\0")
        package = str(_PACKAGE)
        model = [
            os.path.relpath(os.path.join(top, name), package)
            for top, _, names in os.walk(os.path.join(package, "model"))
            for name in names
            if name.endswith(".py")
        ]
        for name in sorted({*model, *_CODE}):
            with open(os.path.join(package, name), "rb") as source:
                digest.update(f"{name}\0".encode() + hashlib.sha256(source.read()).digest())
        _code_digest = digest.digest()
    return _code_digest


def _entry(path: Path, digest: str) -> Path:
    key = hashlib.sha256(f"{code_fingerprint()}\0{path}\0{digest}".encode()).hexdigest()
    return cache_dir() / f"{path.stem}.{key}.json"


def lookup(
    path: Path,
    raw: bytes,
    *,
    read: Callable[[Path], bytes],
    allowed: Callable[[Path], bool],
) -> Ruleset | None:
    """The cached ruleset of the bundled file at ``path`` whose bytes are ``raw``, or None
    (no entry, a stale or damaged one, or any failure). ``read`` reads a file of the chain
    (bounded, regular files only); ``allowed`` says whether a file may be cached."""
    try:
        return _lookup(path, hashlib.sha256(raw).hexdigest(), read, allowed)
    except Exception:  # a cache never fails a command: parse the YAML instead
        return None


def _lookup(
    path: Path, digest: str, read: Callable[[Path], bytes], allowed: Callable[[Path], bool]
) -> Ruleset | None:
    entry = _entry(path, digest)
    if not _private(os.stat(entry.parent)):
        return None
    # Not blocking on a FIFO put in the entry's place; only a regular file is read.
    descriptor = os.open(entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as handle:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode) or not _private(found):
            return None
        content = handle.read(MAX_ENTRY_BYTES + 1)
    if len(content) > MAX_ENTRY_BYTES:
        return None
    head, _, body = content.partition(b"\n")
    header = json.loads(head)
    if header.get("format") != FORMAT or header.get("body") != hashlib.sha256(body).hexdigest():
        return None
    chain = [(str(p), str(d)) for p, d in header["chain"]]
    lines = body.split(b"\n")
    if not chain or len(lines) != len(chain) or chain[0] != (str(path), digest):
        return None
    for file, file_digest in chain[1:]:
        parent = Path(file)
        if not allowed(parent) or hashlib.sha256(read(parent)).hexdigest() != file_digest:
            return None
    from engine.model.ruleset import Ruleset

    rulesets = [Ruleset.model_validate_json(line) for line in lines]
    for i, (ruleset, (file, _)) in enumerate(zip(rulesets, chain, strict=True)):
        ruleset._source_path = path if i == 0 else Path(file)
        ruleset._ancestors = tuple(rulesets[i + 1 :])
    return rulesets[0]


def _private(found: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (on POSIX): another user of the machine
    must not be able to change what a ruleset says, and so a verdict."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or (found.st_uid == getuid() and not found.st_mode & 0o022)


def store(path: Path, digests: Sequence[tuple[Path, str]], ruleset: Ruleset) -> None:
    """Cache ``ruleset``, parsed from ``path`` and its chain (``digests``: each file read, the
    one given first, with the sha256 of the bytes parsed). Fails silently."""
    with contextlib.suppress(Exception):  # a read-only home, a full disk: parsed next time
        _store(path, digests, ruleset)


def _store(path: Path, digests: Sequence[tuple[Path, str]], ruleset: Ruleset) -> None:
    chain = [ruleset, *ruleset.ancestors]
    if len(chain) != len(digests) or [r.source_path for r in chain] != [p for p, _ in digests]:
        return  # not what was read (cannot happen): nothing is cached
    body = b"\n".join(r.model_dump_json().encode("utf-8") for r in chain)
    header = {
        "format": FORMAT,
        "chain": [[str(p), d] for p, d in digests],
        "body": hashlib.sha256(body).hexdigest(),
    }
    entry = _entry(path, digests[0][1])
    folder = entry.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(json.dumps(header).encode("utf-8") + b"\n" + body)
        os.replace(temporary, entry)
    except BaseException:
        os.unlink(temporary)
        raise
    _prune(folder, path.stem)


def _prune(folder: Path, stem: str) -> None:
    """Keep the KEEP entries of ruleset ``stem`` written last (another version of the tool, or
    another checkout, has entries of its own: they must not push each other out)."""
    entries = []
    for other in folder.iterdir():
        found = _ENTRY_NAME.fullmatch(other.name)
        if found is not None and found["stem"] == stem:
            entries.append((other.stat().st_mtime_ns, other))
        elif (
            other.name.startswith(".")
            and other.name.endswith(".tmp")
            and other.stat().st_mtime < time.time() - 3600  # left by a process killed writing
        ):
            other.unlink(missing_ok=True)
    for _, old in sorted(entries, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)
