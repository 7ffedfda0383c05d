"""JSON Schemas generated from the models: the ruleset file format and the result.

Shipped as ``docs/schema/ruleset.schema.json`` (editors complete and validate ruleset files with
it; ``assess --ruleset-schema`` prints it) and ``docs/schema/result.schema.json`` (what
``--format json`` writes); a test keeps both current.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from engine.model.result import Result
from engine.model.ruleset import OPERATOR_SPELLINGS, ExtendingRuleset, Ruleset


def _tidy(node: Any) -> Any:
    """Drop the bounds pydantic leaves as non-standard keys on decimal unions, and admit the
    operator spellings the loader accepts (≥, ≤)."""
    if isinstance(node, dict):
        tidy = {k: _tidy(v) for k, v in node.items() if k not in ("ge", "le")}
        if tidy.get("enum") == [">=", ">", "<=", "<"]:
            tidy["enum"] = [*tidy["enum"], *OPERATOR_SPELLINGS]
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


def result_schema_json() -> str:
    """The result as ``--format json`` writes it (numbers are decimal strings)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "description": "An assessment result: the verdict and an explanation for every rule. "
        'Decimal numbers are JSON strings ("2.77"), never binary floats. See '
        "docs/semantics.md.",
        **Result.model_json_schema(mode="serialization"),
    }
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
