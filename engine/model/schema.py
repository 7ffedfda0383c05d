"""The JSON Schema of the ruleset file format, generated from the models.

Shipped as ``docs/schema/ruleset.schema.json`` (a test keeps it current) so that editors can
complete and validate ruleset files; ``assess --ruleset-schema`` prints it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from engine.model.ruleset import _OPERATOR_SPELLINGS, ExtendingRuleset, Ruleset


def _tidy(node: Any) -> Any:
    """Drop the bounds pydantic leaves as non-standard keys on decimal unions, and admit the
    operator spellings the loader accepts (≥, ≤)."""
    if isinstance(node, dict):
        tidy = {k: _tidy(v) for k, v in node.items() if k not in ("ge", "le")}
        if tidy.get("enum") == [">=", ">", "<=", "<"]:
            tidy["enum"] = [*tidy["enum"], *_OPERATOR_SPELLINGS]
        return tidy
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    return node


def ruleset_schema() -> dict[str, Any]:
    """A ruleset file is either standalone or extends another ruleset."""
    schema = TypeAdapter(Ruleset | ExtendingRuleset).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "county-assess ruleset",
        "description": "An innovative-county acceptance ruleset (YAML). Numbers are read as "
        "exact decimals from their text. See docs/rulesets.md.",
        **_tidy(schema),
    }


def ruleset_schema_json() -> str:
    return json.dumps(ruleset_schema(), ensure_ascii=False, indent=2) + "\n"
