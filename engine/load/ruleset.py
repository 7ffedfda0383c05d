"""Load rulesets: by bundled name (``provincial-2021``) or by path, strictly validated.

The YAML reader keeps every number's text (floats become Decimals, never binary floats), refuses
duplicate keys and aliases (a ruleset needs neither, and aliases can blow up memory), and remembers
where each indicator starts so that an error names its line, indicator and field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from engine.errors import RulesetError
from engine.model.ruleset import POLICY_KINDS, THRESHOLD_KINDS, ExtendingRuleset, Ruleset

MAX_RULESET_BYTES = 1_000_000
#: A ruleset is at most five levels deep; a much deeper document is an attack or an accident
#: (and would exhaust the parser's recursion).
MAX_NESTING = 20
#: How many rulesets an ``extends`` chain may hold above the one loaded.
MAX_EXTENDS_DEPTH = 8
#: Lists a ruleset that extends another adds to its parent's.
_INHERITED_LISTS = ("sources", "assumptions", "themes", "county_types", "inputs", "indicators",
                    "text_items")
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
                problem=f"YAML aliases (*{event.anchor}) are not allowed in a ruleset",
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
                    problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark
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


def resolve_ruleset_path(name_or_path: str | Path, *, relative_to: Path | None = None) -> Path:
    """A ruleset file: a path (relative to ``relative_to``'s folder, if given) or a bundled name.

    A name with a YAML suffix or a path separator is a path; a bare name is a file of that name
    if one exists, else a bundled ruleset (a folder called ``hunan`` does not hide ``hunan``).
    """
    text = str(name_or_path)
    candidate = Path(name_or_path)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to.parent / candidate
    if candidate.is_file():
        return candidate
    is_path = candidate.suffix in (".yaml", ".yml") or "/" in text or "\\" in text
    bundled = bundled_rulesets()
    if not is_path and text in bundled:
        return bundled[text]
    if is_path or candidate.exists():
        raise RulesetError("no such ruleset file", file=candidate)
    names = ", ".join(sorted(bundled)) or "none"
    raise RulesetError(f"unknown ruleset '{name_or_path}' (bundled: {names}; or give a path)")


def _indicator_lines(root: Any) -> list[int | None]:
    """Line (1-based) where each item of the top-level ``indicators`` list starts."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "indicators" and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


#: Lists whose items have ids: an error inside one names the item.
_NAMED_LISTS = {"indicators": "indicator", "inputs": "input", "text_items": "text item",
                "themes": "theme", "county_types": "county type", "sources": "source"}


def _describe(error: dict[str, Any], data: Any, lines: list[int | None]) -> str:
    loc = list(error["loc"])
    where = []
    if len(loc) >= 2 and loc[0] == "overrides" and isinstance(loc[1], str):
        where.append(f"overrides of indicator '{loc[1]}'")
        loc = loc[2:]
    if len(loc) >= 2 and loc[0] in _NAMED_LISTS and isinstance(loc[1], int):
        index = loc[1]
        line = lines[index] if loc[0] == "indicators" and index < len(lines) else None
        if line is not None:
            where.append(f"line {line}")
        items = data.get(loc[0]) if isinstance(data, dict) else None
        item = items[index] if isinstance(items, list) and index < len(items) else None
        item_id = item.get("id") if isinstance(item, dict) else None
        what = _NAMED_LISTS[loc[0]]
        where.append(f"{what} '{item_id}'" if item_id else f"{what} #{index + 1}")
        loc = loc[2:]
    # Discriminated unions add the kind to the location (threshold.target.value); drop it.
    field = ".".join(
        str(p) for i, p in enumerate(loc)
        if not (i > 0 and loc[i - 1] in ("threshold", "verdict_policy") and isinstance(p, str)
                and p in _union_tags(loc[i - 1]))
    )
    if field:
        where.append(f"field '{field}'")
    message = "unknown key (not part of the ruleset format)" if error["type"] == "extra_forbidden" \
        else str(error["msg"]).removeprefix("Value error, ")
    return f"{', '.join(where)}: {message}" if where else message


def _union_tags(parent: object) -> set[str]:
    return set(THRESHOLD_KINDS) if parent == "threshold" else set(POLICY_KINDS)


def _read_yaml(text: str, *, file: str | Path) -> tuple[dict[str, Any], Any]:
    """The YAML mapping of a ruleset file, and its node tree (for line numbers)."""
    try:
        loader = _LOADER(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise RulesetError(f"{line}{exc.problem}", file=file) from None
    except yaml.YAMLError as exc:
        raise RulesetError(f"not valid YAML: {exc}", file=file) from None
    if not isinstance(data, dict):
        raise RulesetError("a ruleset is a YAML mapping (id, version, indicators, …)", file=file)
    return data, root


def _validate(model: type[Any], data: dict[str, Any], lines: list[int | None],
              file: str | Path) -> Any:
    """Validate ``data``; every problem found is listed in one RulesetError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(dict(e), data, lines) for e in exc.errors()]
        if len(problems) == 1:
            raise RulesetError(problems[0], file=file) from None
        listing = "\n  ".join(problems)
        raise RulesetError(f"{len(problems)} problems:\n  {listing}", file=file) from None


def parse_ruleset(text: str, *, file: str | Path) -> Ruleset:
    """Parse and validate a standalone ruleset's YAML (one without ``extends``)."""
    data, root = _read_yaml(text, file=file)
    if "extends" in data:
        raise RulesetError("extends a ruleset: load it from a file with load_ruleset", file=file)
    ruleset: Ruleset = _validate(Ruleset, data, _indicator_lines(root), file)
    return ruleset


def _read_file(path: Path) -> str:
    if path.stat().st_size > MAX_RULESET_BYTES:
        raise RulesetError(f"is larger than {MAX_RULESET_BYTES:,} bytes", file=path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RulesetError("is not UTF-8 text", file=path) from None


def _merge(parent: dict[str, Any], child: dict[str, Any], path: Path) -> dict[str, Any]:
    """The parent's content with the child's changes applied (see ExtendingRuleset)."""
    merged = {k: v for k, v in parent.items() if k != "extends"}
    inherited = {ind["id"]: i for i, ind in enumerate(parent["indicators"])}
    indicators = [dict(ind) for ind in parent["indicators"]]
    for ind_id, changes in child.get("overrides", {}).items():
        if ind_id not in inherited:
            known = ", ".join(inherited)
            raise RulesetError(f"overrides of indicator '{ind_id}': '{child['extends']}' has no "
                               f"such indicator (it has: {known})", file=path)
        indicators[inherited[ind_id]].update(changes)
    merged["indicators"] = indicators
    for key, value in child.items():
        if key in _INHERITED_LISTS:
            merged[key] = list(merged.get(key, [])) + list(value)
        elif key != "overrides":
            merged[key] = value
    return merged


def _load(path: Path, chain: list[Path]) -> tuple[Ruleset, dict[str, Any]]:
    """The ruleset at ``path`` with its ``extends`` chain resolved, and its merged raw content."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " → ".join(p.name for p in [*chain[chain.index(resolved):], resolved])
        raise RulesetError(f"extends cycle: {cycle}", file=chain[-1])
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise RulesetError(f"extends chain is longer than {MAX_EXTENDS_DEPTH} rulesets",
                           file=chain[0])
    data, root = _read_yaml(_read_file(path), file=path)
    lines = _indicator_lines(root)
    if "extends" not in data:
        ruleset: Ruleset = _validate(Ruleset, data, lines, path)
        ruleset._source_path = path
        return ruleset, data
    own: ExtendingRuleset = _validate(ExtendingRuleset, data, lines, path)
    try:
        parent_path = resolve_ruleset_path(own.extends, relative_to=path)
    except RulesetError as exc:
        raise RulesetError(f"field 'extends': {exc.describe()}", file=path) from None
    parent, parent_data = _load(parent_path, [*chain, resolved])
    merged = _merge(parent_data, data, path)
    offset = len(merged["indicators"]) - len(data.get("indicators", []))
    inherited_lines: list[int | None] = [None] * offset
    ruleset = _validate(Ruleset, merged, inherited_lines + lines, path)
    ruleset._source_path = path
    ruleset._ancestors = (parent, *parent.ancestors)
    return ruleset, merged


def load_ruleset(name_or_path: str | Path) -> Ruleset:
    """A bundled ruleset by name, or a ruleset file by path, with its ``extends`` chain."""
    ruleset, _ = _load(resolve_ruleset_path(name_or_path), [])
    return ruleset
