"""A ruleset file's YAML: the strict reader, imported only when a YAML file is actually parsed.

PyYAML costs about 50 ms to import, more than a cached bundled ruleset takes to load
(engine/load/ruleset_cache.py); so :mod:`engine.load.ruleset` imports this module only when it
reads a file.

The reader keeps every number's text (floats become Decimals, never binary floats), refuses
duplicate keys and aliases (a ruleset needs neither, and aliases can blow up memory), and
remembers where each indicator starts so that an error names its line, indicator and field. A
YAML error names the line and the problem only, never the offending lines (see
:mod:`engine.load.ruleset`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from engine.errors import RulesetError
from engine.model import ruleset as _model
from engine.model.ruleset import ExtendingRuleset, Ruleset

#: A ruleset is at most five levels deep; a much deeper document is an attack or an accident
#: (and would exhaust the parser's recursion).
MAX_NESTING = 20
_DECIMAL = re.compile(r"[+-]?(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?")

#: Every key the ruleset format has, at any level (a duplicate of one is named in its message).
_FORMAT_KEYS = frozenset(
    name
    for model in vars(_model).values()
    if isinstance(model, type) and issubclass(model, BaseModel)
    for name in model.model_fields
)
#: Every key a ruleset file may have at its top.
_RULESET_KEYS = frozenset(Ruleset.model_fields) | frozenset(ExtendingRuleset.model_fields)


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


def indicator_lines(root: Any) -> list[int | None]:
    """Line (1-based) where each item of the top-level ``indicators`` list starts."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "indicators" and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


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


def read_yaml(text: str, *, file: str | Path) -> tuple[dict[str, Any], Any]:
    """The YAML mapping of a ruleset file, and its node tree (for :func:`indicator_lines`).

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
