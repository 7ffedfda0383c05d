"""Innovative-county (创新型县) acceptance pre-check: declarative rulesets, exact comparisons,
durable-rules inference, and an explanation for every rule.

    >>> import engine
    >>> result = engine.assess("scenarios/tianmen-2022.csv", "provincial-2021")
    >>> result.verdict, result.summary.growth_over_50
    ('PASS', 21)
"""

from engine.assess import assess
from engine.batch import Batch, assess_batch
from engine.errors import AssessError, DataError, InputError, RuleEngineError, RulesetError
from engine.load.county import load_counties, load_county
from engine.load.ruleset import bundled_rulesets, load_ruleset
from engine.model.county import CountyData, DataFile, IndicatorValues
from engine.model.result import Reason, Result, RuleResult, Summary
from engine.model.ruleset import Indicator, Ruleset

__version__ = "0.1.0"

__all__ = [
    "AssessError",
    "Batch",
    "CountyData",
    "DataError",
    "DataFile",
    "Indicator",
    "IndicatorValues",
    "InputError",
    "Reason",
    "Result",
    "RuleEngineError",
    "RuleResult",
    "Ruleset",
    "RulesetError",
    "Summary",
    "__version__",
    "assess",
    "assess_batch",
    "bundled_rulesets",
    "load_counties",
    "load_county",
    "load_ruleset",
]
