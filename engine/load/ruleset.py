"""Load rulesets: by bundled name (``provincial-2021``) or by path, strictly validated.

The YAML reader keeps every number's text (floats become Decimals, never binary floats), refuses
duplicate keys and aliases (a ruleset needs neither, and aliases can blow up memory), and remembers
where each indicator starts so that an error names its line, indicator and field.

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

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from engine.errors import Problems, RulesetError
from engine.load.files import FILE_KINDS, kind_of, read_bounded
from engine.model import ruleset as _model
from engine.model.ruleset import POLICY_KINDS, THRESHOLD_KINDS, ExtendingRuleset, Ruleset

MAX_RULESET_BYTES = 1_000_000
#: A ruleset is at most five levels deep; a much deeper document is an attack or an accident
#: (and would exhaust the parser's recursion).
MAX_NESTING = 20
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
_DECIMAL = re.compile(r"[+-]?(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?")


class _RulesetLoader(yaml.SafeLoader):
    """SafeLoader that keeps decimal text, and refuses aliases, duplicate keys and deep nesting."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not allowed in a ruleset",
                problem_mark=mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_NESTING} levels deep",
                    problem_mark=mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    # Named only when it is a key of the format: a file that is not a ruleset
                    # may hold anything, and no message quotes it.
                    problem=f"duplicate key '{key}'" if key in _FORMAT_KEYS else "duplicate key",
                    problem_mark=key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node))
    if not _DECIMAL.fullmatch(text):
        raise yaml.MarkedYAMLError(
            problem=f"'{text}' is not a finite decimal number", problem_mark=node.start_mark
        )
    return Decimal(text.replace("_", ""))


_RulesetLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)

if getattr(yaml, "__with_libyaml__", False):
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.cyaml import CParser  # type: ignore[attr-defined]
    from yaml.resolver import Resolver

    class _FastRulesetLoader(CParser, _RulesetLoader):
        """The same loader reading events from libyaml (about 3× faster on a bundled ruleset).

        libyaml only scans and parses; composing stays in Python so that the checks above (no
        aliases, no deep nesting, no duplicate keys) and the line marks are the same.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

        # CParser composes in C, which would bypass compose_node; use Python's composer.
        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document
        check_node = Composer.check_node
        get_node = Composer.get_node

        def dispose(self) -> None:
            pass

    _LOADER: type[_RulesetLoader] = _FastRulesetLoader
else:  # pragma: no cover  (PyYAML wheels carry libyaml)
    _LOADER = _RulesetLoader


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
    """A name with a YAML suffix or a path separator is a path; a bare name may be bundled."""
    return Path(text).suffix in (".yaml", ".yml") or "/" in text or "\\" in text


def _unknown(name: str, *, file: Path | None = None) -> RulesetError:
    names = ", ".join(sorted(bundled_rulesets())) or "none"
    return RulesetError(
        code="ruleset_unknown",
        params={"name": name, "bundled": names},
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


def _indicator_lines(root: Any) -> list[int | None]:
    """Line (1-based) where each item of the top-level ``indicators`` list starts."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "indicators" and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


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


#: Every key the ruleset format has, at any level (a duplicate of one is named in its message).
_FORMAT_KEYS = frozenset(
    name
    for model in vars(_model).values()
    if isinstance(model, type) and issubclass(model, BaseModel)
    for name in model.model_fields
)
#: Every key a ruleset file may have at its top.
_RULESET_KEYS = frozenset(Ruleset.model_fields) | frozenset(ExtendingRuleset.model_fields)


def _yaml_problem(exc: yaml.MarkedYAMLError) -> dict[str, str]:
    """PyYAML's problem in both languages, without anything quoted from the file (a tag, a
    token, a key that is not the format's): the file may not be a ruleset at all."""
    problem = exc.problem or exc.context or "not valid YAML"
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        return {"zh": "此处不允许使用YAML标签（!…）", "en": "a YAML tag (!…) is not allowed here"}
    if problem.startswith(("duplicate key", "YAML aliases", "nested more than")):
        zh = {
            "duplicate key": "键重复",
            "YAML aliases": "规则集中不允许使用YAML别名（*）",
            "nested more than": f"嵌套超过{MAX_NESTING}层",
        }
        head = next(k for k in zh if problem.startswith(k))
        quoted = problem[len(head) :].strip()
        return {
            "zh": zh[head] + (f"：{quoted}" if head == "duplicate key" and quoted else ""),
            "en": problem,
        }
    # Punctuation PyYAML expected (',' or ']') is kept; anything longer may be the file's text.
    shown = re.sub(r"'[^']{4,}'|\"[^\"]{4,}\"", "'…'", problem)
    return {"zh": f"YAML格式错误：{shown}", "en": shown}


def _read_yaml(text: str, *, file: str | Path) -> tuple[dict[str, Any], Any]:
    """The YAML mapping of a ruleset file, and its node tree (for line numbers).

    A YAML error names the line and the problem only: PyYAML's own message quotes the lines
    around the problem, which for a file that is not a ruleset may be anything (a password
    file); so does a list of the unknown keys of a mapping that is not a ruleset at all.
    """
    try:
        loader = _LOADER(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else text.count("\n") + 1
        raise RulesetError(
            code="ruleset_yaml", params={"line": line, "problem": _yaml_problem(exc)}, file=file
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        character = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "?"
        raise RulesetError(
            code="ruleset_yaml_character", params={"line": line, "character": character}, file=file
        ) from None
    except yaml.YAMLError:
        raise RulesetError(code="ruleset_yaml_invalid", file=file) from None
    if not isinstance(data, dict):
        raise RulesetError(code="ruleset_not_mapping", file=file)
    if not any(isinstance(key, str) and key in _RULESET_KEYS for key in data):
        raise RulesetError(code="ruleset_not_ruleset", file=file)
    return data, root


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
    data, root = _read_yaml(text, file=file)
    if "extends" in data:
        raise RulesetError(code="ruleset_extends_text", file=file)
    ruleset: Ruleset = _validate(Ruleset, data, _indicator_lines(root), file)
    return ruleset


def _read_file(path: Path) -> str:
    """The text of a ruleset file: a regular file (refused by name otherwise, before it is
    opened) of at most MAX_RULESET_BYTES, counted on the bytes read."""
    raw = read_bounded(path, MAX_RULESET_BYTES, RulesetError, prefix="ruleset")
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


def _load(path: Path, chain: list[Path]) -> tuple[Ruleset, dict[str, Any]]:
    """The ruleset at ``path`` with its ``extends`` chain resolved, and its merged raw content.
    ``chain`` holds the (resolved) files that extend it, the one the user gave first."""
    resolved = path.resolve()
    data, root = _read_yaml(_read_file(path), file=path)
    lines = _indicator_lines(root)
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
        parent, parent_data = _load(parent_path, descendants)
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
    ruleset, _ = _load(path, [])
    return ruleset


def ruleset_from_data(data: dict[str, Any], *, file: Path) -> Ruleset:
    """A standalone ruleset from the data of a YAML file (built by code, e.g. from an annex),
    validated like a file's."""
    ruleset: Ruleset = _validate(Ruleset, data, [], file)
    ruleset._source_path = file
    return ruleset
