"""The assessment result: a verdict, and an explanation for every rule, passing ones too.

Numbers are Decimals and serialise to JSON as strings ("2.77"), so no reader meets a binary
float. Key order is the field order below and stable.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from engine.model.base import Frozen, Reason, Status, VerdictValue
from engine.model.county import DataFile
from engine.model.plan import Plan, WhatIf
from engine.model.ruleset import Direction, IndicatorKind, LocalizedText, Measure, Operator


def _absent(value: object) -> bool:
    return value is None


class Notice(Frozen):
    """Something the reader should know that does not change the verdict."""

    code: str
    indicator: str | None
    zh: str
    en: str


class RuleResult(Frozen):
    id: str
    name: LocalizedText
    kind: IndicatorKind
    category: LocalizedText
    status: Status
    actual: Decimal | None = Field(description="Actual value, rounded half-up to precision.")
    threshold: Decimal | None = Field(
        description="Threshold in force, rounded to precision (the lower bound of a between rule)."
    )
    threshold_upper: Decimal | None = Field(
        default=None, description="The upper bound of a between rule."
    )
    threshold_kind: str
    operator: Operator | Literal["between"]
    direction: Direction
    unit: str
    precision: int
    margin: Decimal | None = Field(
        description="actual − threshold in the good direction: ≥ 0 is on the right side."
    )
    completion: Decimal | None = Field(
        description="actual ÷ threshold × 100 (threshold ÷ actual for lower-is-better), percent."
    )
    baseline: Decimal | None
    reference: Decimal | None = Field(
        default=None, description="The reference value a reference threshold was built from."
    )
    growth: Decimal | None = Field(
        description="(actual − baseline) ÷ baseline × 100 in the good direction, percent."
    )
    fired: str | None = Field(description="The durable-rules rule that fired, if any.")
    score: Decimal | None = Field(
        default=None, description="Score 0–100 under a weighted_score policy."
    )
    weight: Decimal | None = Field(
        default=None, description="Weight under a weighted_score policy."
    )
    derived: str | None = Field(default=None, description="The formula, for a derived indicator.")
    reason: Reason
    converted_from: str | None = Field(
        default=None, description="The data's unit, when its values were converted."
    )
    source: str | None = None
    row: int | None = None
    # Parts of the acceptance dossier, in the JSON only when known (so older results and files
    # without these columns give the same JSON as before).
    measure: Measure | None = Field(
        default=None,
        exclude_if=_absent,
        description="What the value counts: stock, annual (one year's flow) or cumulative.",
    )
    department: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="The department responsible (责任单位): the data's, else the ruleset's.",
    )
    evidence: list[str] | None = Field(
        default=None,
        exclude_if=_absent,
        description="The supporting evidence (佐证材料) the data names for this indicator: file "
        "names, document numbers or short texts. Absent when the data has no evidence column.",
    )


class Summary(Frozen):
    binding_met: int
    binding_total: int
    binding_not_evaluated: int
    expected_met: int
    expected_total: int
    expected_not_evaluated: int
    expected_share: Decimal | None = Field(description="Expected indicators met, percent.")
    expected_required_share: Decimal | None = Field(
        description="The share the policy requires (binding_all_expected_share policies)."
    )
    not_applicable: int = Field(
        default=0, description="Indicators that do not apply to this county (not counted)."
    )
    score: Decimal | None = Field(default=None, description="Weighted total score, 0–100.")
    pass_mark: Decimal | None = Field(default=None, description="Score required to pass.")
    growth_over_50: int = Field(description="Indicators improved by more than 50 % over baseline.")
    growth_over_100: int = Field(description="Indicators improved by more than 100 %.")
    growth_evaluated: int = Field(description="Indicators with a growth figure (baseline > 0).")


class RulesetRef(Frozen):
    id: str
    version: str
    title: LocalizedText
    content_hash: str
    file: str | None = None
    extends: list[RulesetRef] = Field(
        default_factory=list,
        description="The chain of rulesets this one extends, nearest first (each with its own "
        "hash, of its merged content).",
    )


class TextItemResult(Frozen):
    """A free-text item, carried as the county wrote it; never scored."""

    id: str
    name: LocalizedText
    text: str | None


class Result(Frozen):
    verdict: VerdictValue
    verdict_reasons: list[Reason]
    county: str
    ruleset: RulesetRef
    data_file: DataFile | None
    reference_file: DataFile | None = None
    summary: Summary
    warnings: list[Notice] = Field(
        description="Unit conversions and implausible values: read them, they do not change "
        "the verdict."
    )
    rules: list[RuleResult]
    text_items: list[TextItemResult] = Field(default_factory=list)
    assessed_on: date | None = Field(
        default=None,
        description="The date of the assessment, only when asked for (assess "
        "--date); absent otherwise, so identical input gives identical JSON.",
    )
    what_if: WhatIf | None = Field(
        default=None,
        description="Present when the result is of modified data (assess --set): "
        "what was changed and how the verdict moved.",
    )
    plan: Plan | None = Field(
        default=None,
        description="Present when asked for (assess --plan): the gap to PASS, or "
        "the margins to watch.",
    )

    def to_json(self, *, indent: int | None = 2) -> str:
        """Stable JSON: identical input gives byte-identical output (no timestamps unless a
        date was asked for). Optional parts are left out when absent."""
        exclude = {name for name in _OPTIONAL if getattr(self, name) is None}
        return self.model_dump_json(indent=indent, exclude=exclude or None) + "\n"


_OPTIONAL = ("assessed_on", "what_if", "plan")
__all__ = [
    "Frozen",
    "Notice",
    "Reason",
    "Result",
    "RuleResult",
    "RulesetRef",
    "Status",
    "Summary",
    "TextItemResult",
    "VerdictValue",
]
