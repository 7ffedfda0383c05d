"""Compile a ruleset into durable-rules JSON rule definitions (pure data, no engine calls).

Per indicator there is a *met* and a *not-met* rule, so the rule that fired is the explanation;
when neither can fire (a value is missing from the fact) the indicator is not evaluated. A
``seen`` rule matches every county fact so that no session is ever left unhandled (durable-rules
segfaults when deleting such a session). The verdict rules decide PASS or FAIL over a per-county
summary fact.

Values travel as scaled integers: ``actual 2.77`` at precision 2 is posted as ``277``. A threshold
that is a constant of the ruleset is written into the rule; one that depends on the county (its
target, its baseline) is a second field of the fact that the rule compares against.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from engine.errors import RulesetError
from engine.model.ruleset import MAX_RULE_FIELDS, Ruleset

#: durable-rules refuses a fact with more than 255 properties (``sid`` and ``id`` included), and
#: hangs on more than 512 rules (two per indicator plus ``seen``). The one limit a ruleset meets
#: is the number of fields its rules compare, checked when it is loaded (see
#: engine.model.ruleset.MAX_RULE_FIELDS); it also keeps the rules below 512.
MAX_FACT_FIELDS = MAX_RULE_FIELDS

SEEN_FIELD = "county"
SEEN_RULE = "seen"


def met_rule(indicator_id: str) -> str:
    return f"met__{indicator_id}"


def not_met_rule(indicator_id: str) -> str:
    return f"not_met__{indicator_id}"


@dataclass(frozen=True)
class IndicatorFields:
    actual: str
    threshold: str | None  # None: the threshold is a constant inside the rule


@dataclass(frozen=True)
class CompiledRuleset:
    indicator_ruleset: str
    verdict_ruleset: str
    indicator_rules: dict[str, Any]
    verdict_rules: dict[str, Any]
    fields: dict[str, IndicatorFields]


# The verdict rules, over the summary fact (see engine.infer.run). The policy's requirement is a
# pair of integers: expected_met × 10000 against the required share in basis points ×
# expected_total, or the total score against the pass mark, both in hundredths.
VERDICT_PASS = "pass"
REQUIREMENT_NOT_MET = "requirement_not_met"
VERDICT_FAIL_RULES = ("binding_not_met", "binding_not_evaluated", REQUIREMENT_NOT_MET)
_VERDICT_RULES: dict[str, Any] = {
    VERDICT_PASS: {
        "all": [
            {
                "m": {
                    "$and": [
                        {"binding_not_met": 0},
                        {"binding_not_evaluated": 0},
                        {"$gte": {"achieved_x": {"$m": "required_x"}}},
                    ]
                }
            }
        ],
        "run": VERDICT_PASS,
    },
    "binding_not_met": {
        "all": [{"m": {"$gt": {"binding_not_met": 0}}}],
        "run": "binding_not_met",
    },
    "binding_not_evaluated": {
        "all": [{"m": {"$gt": {"binding_not_evaluated": 0}}}],
        "run": "binding_not_evaluated",
    },
    REQUIREMENT_NOT_MET: {
        "all": [{"m": {"$lt": {"achieved_x": {"$m": "required_x"}}}}],
        "run": REQUIREMENT_NOT_MET,
    },
    SEEN_RULE: {"all": [{"m": {"$ex": {SEEN_FIELD: 1}}}], "run": SEEN_RULE},
}
_VERDICT_NAME = (
    "verdict_"
    + hashlib.sha256(json.dumps(_VERDICT_RULES, sort_keys=True).encode()).hexdigest()[:16]
)


def check_rule_fields(ruleset: Ruleset) -> None:
    """Refuse a ruleset whose rules compare more fields than durable-rules takes in one fact.

    The model refuses such a ruleset when it is validated; this guards one built without
    validation (``model_construct``), naming its file."""
    if ruleset.rule_fields > MAX_FACT_FIELDS:
        raise RulesetError(
            code="ruleset_rule_fields",
            params={
                "fields": ruleset.rule_fields,
                "limit": MAX_FACT_FIELDS,
                "with_target": (MAX_FACT_FIELDS - 1) // 2,
                "constant": MAX_FACT_FIELDS - 1,
            },
            file=ruleset.source_path or ruleset.id,
        )


def _compile(ruleset: Ruleset) -> CompiledRuleset:
    check_rule_fields(ruleset)
    fields: dict[str, IndicatorFields] = {}
    rules: dict[str, Any] = {}
    for index, indicator in enumerate(ruleset.indicators):
        threshold_field = None if indicator.threshold.constant else f"t{index}"
        f = IndicatorFields(actual=f"a{index}", threshold=threshold_field)
        fields[indicator.id] = f
        met, not_met = indicator.threshold.durable_conditions(
            f.actual, f.threshold, precision=indicator.precision, direction=indicator.direction
        )
        rules[met_rule(indicator.id)] = {"all": [met], "run": met_rule(indicator.id)}
        rules[not_met_rule(indicator.id)] = {"all": [not_met], "run": not_met_rule(indicator.id)}
    rules[SEEN_RULE] = {"all": [{"m": {"$ex": {SEEN_FIELD: 1}}}], "run": SEEN_RULE}
    return CompiledRuleset(
        indicator_ruleset=f"ind_{ruleset.content_hash[:16]}",
        verdict_ruleset=_VERDICT_NAME,
        indicator_rules=rules,
        verdict_rules=_VERDICT_RULES,
        fields=fields,
    )


_COMPILED: dict[str, CompiledRuleset] = {}


def compile_ruleset(ruleset: Ruleset) -> CompiledRuleset:
    """Compile once per ruleset content; the names carry the content hash, so two different
    rulesets never share a durable-rules name and an edited ruleset gets a new one."""
    compiled = _COMPILED.get(ruleset.content_hash)
    if compiled is None:
        compiled = _COMPILED[ruleset.content_hash] = _compile(ruleset)
    return compiled
