"""Innovative-county (创新型县) acceptance pre-check: declarative rulesets, exact comparisons,
durable-rules inference, and an explanation for every rule.

    >>> import engine
    >>> result = engine.assess("scenarios/tianmen-2022.csv", "provincial-2021")
    >>> result.verdict, result.summary.growth_over_50
    ('PASS', 21)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.batch import Batch, assess_batch
    from engine.errors import (
        AssessError,
        DataError,
        InputError,
        RuleEngineError,
        RulesetError,
    )
    from engine.load.county import load_counties, load_county
    from engine.load.ruleset import bundled_rulesets, load_ruleset
    from engine.model.county import CountyData, DataFile, IndicatorValues
    from engine.model.plan import Change, Monitoring, Plan, WhatIf
    from engine.model.result import Reason, Result, RuleResult, Summary
    from engine.model.ruleset import Indicator, Ruleset
    from engine.pipeline import assess
    from engine.plan.gap import gap_to_pass
    from engine.plan.monitor import monitor
    from engine.plan.whatif import what_if

#: Where each public name lives. They are imported on first use, so that ``assess`` on one county
#: does not pay for the batch evaluator (and a library user pays only for what they touch).
_PUBLIC = {
    "assess": "engine.pipeline",
    "Batch": "engine.batch",
    "assess_batch": "engine.batch",
    "AssessError": "engine.errors",
    "DataError": "engine.errors",
    "InputError": "engine.errors",
    "RuleEngineError": "engine.errors",
    "RulesetError": "engine.errors",
    "load_counties": "engine.load.county",
    "load_county": "engine.load.county",
    "bundled_rulesets": "engine.load.ruleset",
    "load_ruleset": "engine.load.ruleset",
    "CountyData": "engine.model.county",
    "DataFile": "engine.model.county",
    "IndicatorValues": "engine.model.county",
    "Reason": "engine.model.result",
    "Result": "engine.model.result",
    "RuleResult": "engine.model.result",
    "Summary": "engine.model.result",
    "Indicator": "engine.model.ruleset",
    "Ruleset": "engine.model.ruleset",
    "Change": "engine.model.plan",
    "Monitoring": "engine.model.plan",
    "Plan": "engine.model.plan",
    "WhatIf": "engine.model.plan",
    "gap_to_pass": "engine.plan.gap",
    "monitor": "engine.plan.monitor",
    "what_if": "engine.plan.whatif",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "AssessError",
    "Batch",
    "Change",
    "CountyData",
    "DataError",
    "DataFile",
    "Indicator",
    "IndicatorValues",
    "InputError",
    "Monitoring",
    "Plan",
    "Reason",
    "Result",
    "RuleEngineError",
    "RuleResult",
    "Ruleset",
    "RulesetError",
    "Summary",
    "WhatIf",
    "__version__",
    "assess",
    "assess_batch",
    "bundled_rulesets",
    "gap_to_pass",
    "load_counties",
    "load_county",
    "load_ruleset",
    "monitor",
    "what_if",
]
