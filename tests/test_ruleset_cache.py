"""The cache of bundled rulesets (engine/load/ruleset_cache.py): what it serves equals what the
YAML gives, an edited file or parent is never served stale, a damaged entry is ignored, a
user's own file is never cached, and no failure of the cache reaches the user.

Every test caches into a folder of its own (tests/conftest.py already keeps the whole run out of
the user's ~/.cache)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.load import ruleset as loader
from engine.load import ruleset_cache
from engine.model.ruleset import Ruleset
from engine.model.thresholds import THRESHOLD_CLASSES

ROOT = Path(__file__).resolve().parents[1]
PARENT, CHILD = "provincial-2021", "tianmen-plan-2021"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "county-assess"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the YAML loader parsed, in order (a load served by the cache adds none)."""
    calls: list[Path] = []
    real = loader._load

    def spy(path: Path, chain: list[Path], digests: list[tuple[Path, str]] | None = None) -> object:
        if not chain:
            calls.append(path)
        return real(path, chain, digests)

    monkeypatch.setattr(loader, "_load", spy)
    return calls


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of bundled rulesets that a test may edit: copies of provincial-2021 and of
    tianmen-plan-2021, which extends it."""
    folder = tmp_path / "rulesets"
    folder.mkdir()
    for name in (PARENT, CHILD):
        shutil.copy(ROOT / "rulesets" / f"{name}.yaml", folder)
    monkeypatch.setattr(loader, "BUNDLED_DIRS", (folder,))
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json")) if cache.is_dir() else []


def same(a: Ruleset, b: Ruleset) -> None:
    """Equal content, hash, file and chain of parents."""
    assert a == b
    assert a.model_dump() == b.model_dump() and a.content_hash == b.content_hash
    assert a.source_path == b.source_path
    assert [(p.source_path, p.content_hash) for p in a.ancestors] == [
        (p.source_path, p.content_hash) for p in b.ancestors
    ]
    assert all(p.ancestors == tuple(a.ancestors[i + 1 :]) for i, p in enumerate(a.ancestors))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_bundled_ruleset_from_the_cache_equals_the_parsed_one(
    cache: Path, parsed: list[Path]
) -> None:
    names = sorted(loader.bundled_rulesets())
    first = {name: loader.load_ruleset(name) for name in names}
    assert len(parsed) == len(names) and len(entries(cache)) == len(names)
    for name in names:
        again = loader.load_ruleset(name)
        same(again, first[name])
        assert again is not first[name]
    assert len(parsed) == len(names)  # every second load came from the cache
    assert not list(cache.glob(".*"))  # no temporary file left
    chained = loader.load_ruleset(CHILD)
    assert [p.id for p in chained.ancestors] == [PARENT]


def test_an_edited_ruleset_is_never_served_stale(
    cache: Path, parsed: list[Path], bundled: Path
) -> None:
    original = loader.load_ruleset(PARENT)
    assert loader.load_ruleset(PARENT) == original and len(parsed) == 1
    # The file itself changes: a different threshold.
    replace_in(bundled / f"{PARENT}.yaml", "share: 80", "share: 75")
    edited = loader.load_ruleset(PARENT)
    assert len(parsed) == 2 and edited.content_hash != original.content_hash
    assert loader.load_ruleset(PARENT) == edited and len(parsed) == 2
    # A parent changes under a ruleset that extends it: the child's entry is not used.
    child = loader.load_ruleset(CHILD)
    assert loader.load_ruleset(CHILD) == child and len(parsed) == 3
    replace_in(bundled / f"{PARENT}.yaml", 'version: "1.0.0"', 'version: "1.0.1"')
    rebuilt = loader.load_ruleset(CHILD)
    assert len(parsed) == 4
    assert rebuilt.ancestors[0].version == "1.0.1" and child.ancestors[0].version == "1.0.0"
    # Back to the first bytes: exactly the first ruleset again.
    replace_in(bundled / f"{PARENT}.yaml", "share: 75", "share: 80")
    replace_in(bundled / f"{PARENT}.yaml", 'version: "1.0.1"', 'version: "1.0.0"')
    same(loader.load_ruleset(PARENT), original)


def _truncated(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[:-100])


def _garbage(entry: Path) -> None:
    entry.write_bytes(b"\x00\xff not a cache entry")


def _empty(entry: Path) -> None:
    entry.write_bytes(b"")


def _tampered(entry: Path) -> None:
    """A threshold changed in the body, the header left as it was."""
    content = entry.read_bytes()
    assert b'"expected_min_share":"80"' in content
    entry.write_bytes(content.replace(b'"expected_min_share":"80"', b'"expected_min_share":"10"'))


def _invalid(entry: Path) -> None:
    """A body that is not a valid ruleset, with a header that matches it."""
    head, _, body = entry.read_bytes().partition(b"\n")
    body = body.replace(b'"id":"provincial-2021"', b'"id":"NOT A VALID ID"', 1)
    header = json.loads(head)
    header["body"] = hashlib.sha256(body).hexdigest()
    entry.write_bytes(json.dumps(header).encode() + b"\n" + body)


def _writable_by_others(entry: Path) -> None:
    """Another user of the machine could have written it."""
    entry.chmod(0o666)


def _directory(entry: Path) -> None:
    entry.unlink()
    entry.mkdir()


def _fifo(entry: Path) -> None:
    entry.unlink()
    os.mkfifo(entry)  # reading it would block for ever


DAMAGES = [
    _truncated,
    _garbage,
    _empty,
    _tampered,
    _invalid,
    _writable_by_others,
    _directory,
    _fifo,
]


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__.strip("_") for d in DAMAGES])
def test_a_damaged_cache_entry_is_ignored(
    damage: Callable[[Path], None], cache: Path, parsed: list[Path]
) -> None:
    if damage in (_fifo, _writable_by_others) and os.name != "posix":
        pytest.skip("POSIX only")
    original = loader.load_ruleset(PARENT)
    (entry,) = entries(cache)
    damage(entry)
    again = loader.load_ruleset(PARENT)
    same(again, original)
    assert again.verdict_policy == original.verdict_policy
    assert len(parsed) == 2  # parsed again
    if entry.is_file():  # and cached again
        same(loader.load_ruleset(PARENT), original)
        assert len(parsed) == 2


@pytest.mark.parametrize("where", ["a file", "a relative path"])
def test_a_cache_that_cannot_be_written_is_no_error(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[Path]
) -> None:
    if where == "a file":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("x")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    else:  # ignored, as the XDG spec says: ~/.cache, here a home that cannot be written
        home = tmp_path / "home"
        home.mkdir()
        (home / ".cache").write_text("x")
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
        monkeypatch.setenv("HOME", str(home))
        assert ruleset_cache.cache_dir() == home / ".cache" / "county-assess"
    first = loader.load_ruleset(PARENT)
    same(loader.load_ruleset(PARENT), first)
    assert len(parsed) == 2


def test_a_ruleset_that_is_not_bundled_is_never_cached(
    tmp_path: Path, cache: Path, parsed: list[Path]
) -> None:
    mine = tmp_path / "mine.yaml"
    shutil.copy(ROOT / "rulesets" / f"{PARENT}.yaml", mine)
    first = loader.load_ruleset(mine)
    assert loader.load_ruleset(mine) == first
    assert len(parsed) == 2 and entries(cache) == []
    # Nor is one that extends a bundled ruleset from outside the bundled folder.
    child = tmp_path / "child.yaml"
    child.write_text("id: child\nversion: '1'\nextends: provincial-2021\n", encoding="utf-8")
    loader.load_ruleset(child)
    assert entries(cache) == []


def test_the_key_covers_the_code_and_the_threshold_kinds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "engine"
    shutil.copytree(ROOT / "engine" / "model", package / "model")
    for name in ruleset_cache._CODE:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "engine" / name, package / name)
    monkeypatch.setattr(ruleset_cache, "_PACKAGE", package)
    monkeypatch.setattr(ruleset_cache, "_code_digest", None)
    before = ruleset_cache.code_fingerprint()
    with (package / "model" / "thresholds" / "absolute.py").open("a") as source:
        source.write("\n# a change\n")
    monkeypatch.setattr(ruleset_cache, "_code_digest", None)
    changed = ruleset_cache.code_fingerprint()
    assert changed != before
    monkeypatch.setitem(THRESHOLD_CLASSES, "toy", THRESHOLD_CLASSES["absolute"])
    assert ruleset_cache.code_fingerprint() not in (before, changed)
    monkeypatch.delitem(THRESHOLD_CLASSES, "toy")
    assert ruleset_cache.code_fingerprint() == changed


def test_old_entries_are_pruned(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for version in range(ruleset_cache.KEEP + 3):
        monkeypatch.setattr(ruleset_cache, "_code_digest", f"code {version}".encode())
        loader.load_ruleset(PARENT)
    kept = entries(cache)
    assert len(kept) == ruleset_cache.KEEP
    latest = ruleset_cache._entry(loader.bundled_rulesets()[PARENT], _digest(PARENT))
    assert latest in kept


def _digest(name: str) -> str:
    return hashlib.sha256(loader.bundled_rulesets()[name].read_bytes()).hexdigest()
