"""Load rulesets: by bundled name (``provincial-2021``) or by path, strictly validated.

The YAML reader (:mod:`engine.load.yaml_file`, imported only when a file is parsed) keeps every
number's text (floats become Decimals, never binary floats), refuses duplicate keys and aliases
(a ruleset needs neither, and aliases can blow up memory), and remembers where each indicator
starts so that an error names its line, indicator and field. A bundled ruleset is loaded from
its validated JSON in the user's cache when the files and the code are those it was made from
(:mod:`engine.load.ruleset_cache`), which skips PyYAML altogether.

What a file may be, and what an error may show of it:

* Only a regular file is read (``os.stat`` follows symlinks, so a link to ``/dev/zero`` is a
  device): a directory, FIFO or device is refused by name before it is opened, and the size limit
  holds on the bytes read (at most ``MAX_RULESET_BYTES + 1``), whatever ``stat`` said.
* A parent named by ``extends`` is a bundled ruleset's name or a file in the child's own folder
  (or below it), after following symlinks: anything else is refused before it is opened.
* No error quotes a file that is not a ruleset: a YAML error names the line and the problem only
  (never the offending lines), and a mapping with none of a ruleset's keys is called that, without
  listing its keys.
* An error in a parent names the file the user gave and the parent it is in.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.errors import Problems, RulesetError
from engine.load import ruleset_cache
from engine.load.files import FILE_KINDS, document_kind, kind_of, read_bounded
from engine.model.ruleset import POLICY_KINDS, THRESHOLD_KINDS, ExtendingRuleset, Ruleset

MAX_RULESET_BYTES = 1_000_000
#: How many rulesets an ``extends`` chain may hold above the one loaded.
MAX_EXTENDS_DEPTH = 8
#: Lists a ruleset that extends another adds to its parent's.
_INHERITED_LISTS = (
    "sources",
    "assumptions",
    "themes",
    "county_types",
    "inputs",
    "indicators",
    "text_items",
)
_PACKAGE = Path(__file__).resolve().parent.parent
# Installed wheels carry the rulesets inside the package; a source checkout has them at the top.
BUNDLED_DIRS = (_PACKAGE / "_rulesets", _PACKAGE.parent / "rulesets")


def bundled_rulesets() -> dict[str, Path]:
    """Name → file of every ruleset shipped with the tool."""
    found: dict[str, Path] = {}
    for folder in BUNDLED_DIRS:
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found.setdefault(path.stem, path)
    return found


def _unreadable(exc: OSError, path: Path) -> RulesetError:
    return RulesetError(
        code="ruleset_unreadable", params={"reason": exc.strerror or str(exc)}, file=path
    )


def _stat_kind(path: Path) -> str | None:
    """What is at ``path`` (after symlinks): "missing", None for a regular file, or its kind."""
    try:
        return kind_of(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as exc:
        raise _unreadable(exc, path) from None


def _is_path(text: str) -> bool:
    """A name with a ruleset file's suffix (YAML, or a plan annex's table) or a path separator
    is a path; a bare name may be bundled. (``-r 指标附表.xlsx`` mistyped is a missing file,
    not an unknown bundled name.)"""
    suffix = Path(text).suffix.lower()
    files = (".yaml", ".yml", *ANNEX_SUFFIXES, *DOCUMENT_SUFFIXES)
    return suffix in files or "/" in text or "\\" in text


#: Documents a county's annex may come as, which no ruleset can be read from: given to
#: --ruleset, they are files, refused with what to do instead.
DOCUMENT_SUFFIXES = (".docx", ".doc", ".wps", ".pdf")


def _unknown(name: str, *, file: Path | None = None) -> RulesetError:
    """No bundled ruleset of that name: the closest one is suggested when one is close (a
    misspelt ``provincal-2021``)."""
    from rapidfuzz import fuzz, process

    bundled = sorted(bundled_rulesets())
    names = ", ".join(bundled) or "none"
    close = process.extractOne(name, bundled, scorer=fuzz.ratio, score_cutoff=70)
    return RulesetError(
        code="ruleset_unknown_like" if close else "ruleset_unknown",
        params={"name": name, "bundled": names, "like": close[0] if close else ""},
        file=file,
        field="extends" if file is not None else None,
    )


def resolve_ruleset_path(name_or_path: str | Path, *, relative_to: Path | None = None) -> Path:
    """A ruleset file: a path (relative to ``relative_to``'s folder, if given) or a bundled name.

    A name with a YAML suffix or a path separator is a path; a bare name is a file of that name
    if one exists, else a bundled ruleset (a folder called ``hunan`` does not hide ``hunan``).
    Only a regular file is returned: a directory, FIFO or device is refused by name.
    """
    text = str(name_or_path)
    candidate = Path(name_or_path)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to.parent / candidate
    kind = _stat_kind(candidate)
    if kind is None:
        return candidate
    bundled = bundled_rulesets()
    if not _is_path(text) and text in bundled:
        return bundled[text]
    if kind != "missing":
        raise RulesetError(
            code="ruleset_not_regular", params={"kind": FILE_KINDS[kind]}, file=candidate
        )
    if _is_path(text):
        raise RulesetError(code="ruleset_missing", file=candidate)
    raise _unknown(text)


def _parent_path(extends: str, child: Path) -> Path:
    """The file of the parent that ``child`` extends: a bundled name, or a relative path that
    resolves (symlinks followed) inside the child's folder. Nothing is opened before that holds.
    """
    candidate = Path(extends)
    folder = child.parent.resolve()
    outside = RulesetError(
        code="ruleset_extends_outside", params={"parent": extends}, file=child, field="extends"
    )
    if candidate.is_absolute() or candidate.drive or candidate.root:
        raise outside
    beside = child.parent / candidate
    try:
        real = beside.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise outside from None
    if not real.is_relative_to(folder):
        raise outside
    try:
        kind = _stat_kind(beside)
    except RulesetError as exc:  # e.g. a name too long for the file system
        raise _in_parent(exc, child, beside) from None
    if kind is None:
        return beside
    bundled = bundled_rulesets()
    if not _is_path(extends) and extends in bundled:
        return bundled[extends]
    if kind != "missing":
        raise RulesetError(
            code="ruleset_parent_not_regular",
            params={"parent": extends, "kind": FILE_KINDS[kind]},
            file=child,
            field="extends",
        )
    if _is_path(extends):
        raise RulesetError(
            code="ruleset_parent_missing", params={"parent": extends}, file=child, field="extends"
        )
    raise _unknown(extends, file=child)


#: Lists whose items have ids: an error inside one names the item.
_NAMED_LISTS = {
    "indicators": "indicator",
    "inputs": "input",
    "text_items": "text item",
    "themes": "theme",
    "county_types": "county type",
    "sources": "source",
}


_FIELD_PREFIX = re.compile(r"field '([^']*)': (.*)", re.DOTALL)
_COUNT_LINE = re.compile(r"\d+ problems:")


#: pydantic's error types in Chinese (the English is pydantic's own message); a type not here,
#: and the sentences of our own validators, are shown in English in both languages.
_ZH_ERRORS = {
    "missing": "缺少此项。",
    "extra_forbidden": "未知的键，不属于规则集格式。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "int_from_float": "应为整数。",
    "string_type": "应为文本。",
    "string_too_short": "不能为空。",
    "string_pattern_mismatch": "格式不符（应匹配 {pattern}）。",
    "decimal_type": "应为数字。",
    "decimal_parsing": "应为数字。",
    "finite_number": "应为有限的数字。",
    "literal_error": "应为以下之一：{expected}。",
    "union_tag_invalid": "kind应为以下之一：{expected_tags}。",
    "union_tag_not_found": "缺少kind。",
    "greater_than_equal": "应不小于{ge}。",
    "less_than_equal": "应不大于{le}。",
    "too_short": "至少需要{min_length}项。",
    "list_type": "应为列表。",
    "dict_type": "应为映射（键: 值）。",
    "model_type": "应为映射（键: 值）。",
    "model_attributes_type": "应为映射（键: 值）。",
    "bool_type": "应为true或false。",
}


def _zh_message(error: dict[str, Any], en: str) -> str:
    template = _ZH_ERRORS.get(str(error["type"]))
    if template is None:
        return en
    try:
        return template.format(**{k: str(v) for k, v in (error.get("ctx") or {}).items()})
    except (KeyError, IndexError):
        return en


def _describe(
    error: dict[str, Any], data: Any, lines: list[int | None], file: str | Path
) -> list[RulesetError]:
    """The problems one pydantic error stands for (a model validator may report several, one per
    line), each with its place: line, item and field."""
    loc = list(error["loc"])
    where: dict[str, str] | None = None
    line: int | None = None
    indicator: str | None = None
    if len(loc) >= 2 and loc[0] == "overrides" and isinstance(loc[1], str):
        where = {"zh": f"指标“{loc[1]}”的overrides", "en": f"overrides of indicator '{loc[1]}'"}
        loc = loc[2:]
    if len(loc) >= 2 and loc[0] in _NAMED_LISTS and isinstance(loc[1], int):
        index = loc[1]
        line = lines[index] if loc[0] == "indicators" and index < len(lines) else None
        items = data.get(loc[0]) if isinstance(data, dict) else None
        item = items[index] if isinstance(items, list) and index < len(items) else None
        item_id = item.get("id") if isinstance(item, dict) else None
        what = _NAMED_LISTS[loc[0]]
        if what == "indicator" and isinstance(item_id, str):
            indicator = item_id
        else:
            name = f"'{item_id}'" if item_id else f"#{index + 1}"
            where = {"zh": f"{what} {name}", "en": f"{what} {name}"}
        loc = loc[2:]
    # Discriminated unions add the kind to the location (threshold.target.value); drop it.
    field = ".".join(
        str(p)
        for i, p in enumerate(loc)
        if not (
            i > 0
            and loc[i - 1] in ("threshold", "verdict_policy")
            and isinstance(p, str)
            and p in _union_tags(loc[i - 1])
        )
    )
    message = (
        "unknown key (not part of the ruleset format)"
        if error["type"] == "extra_forbidden"
        else str(error["msg"]).removeprefix("Value error, ")
    )
    found = []
    for part in message.split("\n"):
        text = part.strip()
        if not text or _COUNT_LINE.fullmatch(text):
            continue
        # "field 'threshold.value': …" from a model validator: the field joins the place.
        inner = _FIELD_PREFIX.fullmatch(text)
        full_field = field
        if inner is not None:
            full_field = f"{field}.{inner[1]}" if field else inner[1]
            text = inner[2]
        zh = _zh_message(error, text) if inner is None and "\n" not in message else text
        found.append(
            RulesetError(
                code="ruleset_invalid",
                params={"problem": {"zh": zh, "en": text}},
                file=file,
                row=line,
                indicator=indicator,
                item=where,
                field=full_field or None,
            )
        )
    return found


def _union_tags(parent: object) -> set[str]:
    return set(THRESHOLD_KINDS) if parent == "threshold" else set(POLICY_KINDS)


def _validate(
    model: type[Any], data: dict[str, Any], lines: list[int | None], file: str | Path
) -> Any:
    """Validate ``data``; every problem found is listed in one RulesetError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = Problems(file, RulesetError)
        for error in exc.errors():
            for problem in _describe(dict(error), data, lines, file):
                problems.add(problem)
        problems.check()
        raise AssertionError("a validation error without problems") from None


def parse_ruleset(text: str, *, file: str | Path) -> Ruleset:
    """Parse and validate a standalone ruleset's YAML (one without ``extends``)."""
    from engine.load.yaml_file import indicator_lines, read_yaml

    data, root = read_yaml(text, file=file)
    if "extends" in data:
        raise RulesetError(code="ruleset_extends_text", file=file)
    ruleset: Ruleset = _validate(Ruleset, data, indicator_lines(root), file)
    return ruleset


def _read_bytes(path: Path) -> bytes:
    """A ruleset file's bytes: a regular file (refused by name otherwise, before it is opened)
    of at most MAX_RULESET_BYTES, counted on the bytes read."""
    return read_bounded(path, MAX_RULESET_BYTES, RulesetError, prefix="ruleset")


def _read_file(path: Path, digests: list[tuple[Path, str]] | None = None) -> str:
    """The text of a ruleset file (see :func:`_read_bytes`); the sha256 of the bytes read is
    appended to ``digests``, if given (what a cached copy is keyed by)."""
    raw = _read_bytes(path)
    if digests is not None:
        digests.append((path, hashlib.sha256(raw).hexdigest()))
    document = document_kind(raw, path.suffix)
    if document is not None:
        raise RulesetError(code=f"{document}_as_ruleset", file=path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RulesetError(code="ruleset_not_utf8", file=path) from None


def _merge(parent: dict[str, Any], child: dict[str, Any], path: Path) -> dict[str, Any]:
    """The parent's content with the child's changes applied (see ExtendingRuleset)."""
    merged = {k: v for k, v in parent.items() if k != "extends"}
    inherited = {ind["id"]: i for i, ind in enumerate(parent["indicators"])}
    indicators = [dict(ind) for ind in parent["indicators"]]
    for ind_id, changes in child.get("overrides", {}).items():
        if ind_id not in inherited:
            raise RulesetError(
                code="ruleset_override_unknown",
                params={"id": ind_id, "parent": child["extends"], "known": ", ".join(inherited)},
                file=path,
            )
        indicators[inherited[ind_id]].update(changes)
    merged["indicators"] = indicators
    for key, value in child.items():
        if key in _INHERITED_LISTS:
            merged[key] = list(merged.get(key, [])) + list(value)
        elif key != "overrides":
            merged[key] = value
    return merged


def _in_parent(error: RulesetError, child: Path, parent: Path) -> RulesetError:
    """``error``, found in ``parent``, as an error of ``child`` that names both (an error of a
    grandparent names the chain: ``middle.yaml → base.yaml``)."""
    wrapped = []
    for problem in error.each():
        if problem.code == "ruleset_in_parent":
            params = {
                "parent": f"{parent} → {problem.params['parent']}",
                "problem": problem.params["problem"],
            }
        else:
            text = {}
            for lang in ("zh", "en"):
                sep, colon = ("，", "：") if lang == "zh" else (", ", ": ")
                where = problem.location(lang, with_file=False)
                text[lang] = (
                    f"{sep.join(where)}{colon}{problem.text(lang)}" if where else problem.text(lang)
                )
            params = {"parent": str(parent), "problem": text}
        wrapped.append(
            RulesetError(code="ruleset_in_parent", params=params, file=child, field="extends")
        )
    if len(wrapped) == 1 and not error.omitted:
        return wrapped[0]
    return RulesetError(file=child, problems=wrapped, omitted=error.omitted)


def _load(
    path: Path, chain: list[Path], digests: list[tuple[Path, str]] | None = None
) -> tuple[Ruleset, dict[str, Any]]:
    """The ruleset at ``path`` with its ``extends`` chain resolved, and its merged raw content.
    ``chain`` holds the (resolved) files that extend it, the one the user gave first; each file
    read is appended to ``digests`` with the sha256 of its bytes (the file, then its parents)."""
    from engine.load.yaml_file import indicator_lines, read_yaml

    resolved = path.resolve()
    data, root = read_yaml(_read_file(path, digests), file=path)
    lines = indicator_lines(root)
    if "extends" not in data:
        ruleset: Ruleset = _validate(Ruleset, data, lines, path)
        ruleset._source_path = path
        return ruleset, data
    own: ExtendingRuleset = _validate(ExtendingRuleset, data, lines, path)
    parent_path = _parent_path(own.extends, path)
    descendants = [*chain, resolved]
    if parent_path.resolve() in descendants:
        start = descendants.index(parent_path.resolve())
        cycle = " → ".join(p.name for p in [*descendants[start:], parent_path.resolve()])
        raise RulesetError(
            code="ruleset_extends_cycle", params={"cycle": cycle}, file=path, field="extends"
        )
    if len(descendants) > MAX_EXTENDS_DEPTH:
        raise RulesetError(
            code="ruleset_extends_too_deep",
            params={"limit": MAX_EXTENDS_DEPTH},
            file=path,
            field="extends",
        )
    try:
        parent, parent_data = _load(parent_path, descendants, digests)
    except RulesetError as exc:
        raise _in_parent(exc, path, parent_path) from None
    merged = _merge(parent_data, data, path)
    offset = len(merged["indicators"]) - len(data.get("indicators", []))
    inherited_lines: list[int | None] = [None] * offset
    ruleset = _validate(Ruleset, merged, inherited_lines + lines, path)
    ruleset._source_path = path
    ruleset._ancestors = (parent, *parent.ancestors)
    return ruleset, merged


#: Suffixes of tables a ruleset may be given as: a county's plan annex (engine/load/annex.py).
ANNEX_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


def load_ruleset(name_or_path: str | Path) -> Ruleset:
    """A bundled ruleset by name, a ruleset file by path (with its ``extends`` chain), or a
    county's plan annex or completion table (.xlsx or .csv) read as its ruleset."""
    path = resolve_ruleset_path(name_or_path)
    if path.suffix.lower() in ANNEX_SUFFIXES:
        from engine.load.annex import load_annex

        return load_annex(path)
    if not _is_bundled(path):
        ruleset, _ = _load(path, [])
        return ruleset
    # A bundled ruleset: its validated JSON from the user's cache when the file, every file of
    # its extends chain and the code are the same; parsed (and cached) otherwise.
    cached = ruleset_cache.lookup(path, _read_bytes(path), read=_read_bytes, allowed=_is_bundled)
    if cached is not None:
        return cached
    digests: list[tuple[Path, str]] = []
    ruleset, _ = _load(path, [], digests)
    if all(_is_bundled(file) for file, _ in digests):
        ruleset_cache.store(path, digests, ruleset)
    return ruleset


def shown_name(ruleset: Ruleset) -> str:
    """What names ``ruleset`` to the commands (``assess ruleset show …``): a bundled ruleset's
    name, else its file (an annex's id, ``annex-…``, names nothing a command can find)."""
    path = ruleset.source_path
    if path is None or (_is_bundled(path) and path.stem == ruleset.id):
        return ruleset.id
    return str(path)


def _is_bundled(path: Path) -> bool:
    """The file is a bundled ruleset (in the package's folder of rulesets, after symlinks):
    only those are cached."""
    try:
        folder = path.resolve().parent
        return any(folder == d.resolve() for d in BUNDLED_DIRS) and path.suffix == ".yaml"
    except (OSError, RuntimeError):
        return False


def ruleset_from_data(data: dict[str, Any], *, file: Path) -> Ruleset:
    """A standalone ruleset from the data of a YAML file (built by code, e.g. from an annex),
    validated like a file's."""
    ruleset: Ruleset = _validate(Ruleset, data, [], file)
    ruleset._source_path = file
    return ruleset
