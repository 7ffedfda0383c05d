"""What the planning tools add to a result: a what-if's changes, the gap to PASS, monitoring.

Numbers are Decimals at the indicator's precision and serialise as strings, like the result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field

from engine.model.base import Frozen, Reason, Status, VerdictValue
from engine.model.ruleset import IndicatorKind, LocalizedText

ChangeField = Literal["actual", "target", "baseline", "reference"]
Progress = Literal["ahead", "on_track", "behind", "unknown"]


class Change(Frozen):
    """One value of the county's data replaced in a what-if (``--set id[.field]=value``)."""

    model_config = ConfigDict(defer_build=True)  # not needed to assess one county

    id: str
    field: ChangeField = "actual"
    value: Decimal


class AppliedChange(Frozen):
    id: str
    field: ChangeField
    before: Decimal | None
    after: Decimal


class StatusChange(Frozen):
    id: str
    before: Status
    after: Status


class WhatIf(Frozen):
    """A result computed on a modified copy of the data: what was changed and what moved."""

    changes: list[AppliedChange]
    verdict_before: VerdictValue
    status_changes: list[StatusChange] = Field(
        description="Rules whose status differs from the assessment of the unmodified data."
    )


class _Rule(Frozen):
    """Which rule a planning row is about."""

    id: str
    name: LocalizedText
    kind: IndicatorKind
    unit: str


class Suggestion(_Rule):
    """A rule to fix: the value its actual must reach (at the indicator's precision)."""

    status: Status
    actual: Decimal | None
    threshold: Decimal | None = Field(description="The threshold in force (a range's lower bound).")
    required: Decimal | None = Field(
        description="The nearest value that meets the rule; none when the rule cannot be met by "
        "changing its actual (its threshold needs a target, baseline or reference first)."
    )
    gap: Decimal | None = Field(description="required − actual in the good direction.")
    relative_gap: Decimal | None = Field(description="gap ÷ |threshold| × 100, percent.")
    settable: bool = Field(
        description="Whether ``--set id=required`` applies it (a derived "
        "indicator is reached through its inputs)."
    )
    reason: Reason


class Closest(_Rule):
    """A met rule near its threshold (for a PASS: what to watch)."""

    actual: Decimal
    threshold: Decimal
    margin: Decimal
    relative_margin: Decimal | None = Field(description="margin ÷ |threshold| × 100, percent.")


class Plan(Frozen):
    """The gap to PASS (for a FAIL) or the margins to watch (for a PASS)."""

    verdict: VerdictValue
    binding: list[Suggestion] = Field(description="Every binding rule not met: each must be fixed.")
    expected: list[Suggestion] = Field(
        description="The fewest expected rules to fix for the policy, smallest gaps first."
    )
    reachable: bool = Field(
        description="Whether changing actual values alone can reach PASS (false when a "
        "threshold lacks its target, baseline or reference, or too few rules can be fixed)."
    )
    verdict_after: VerdictValue | None = Field(
        description="The engine's verdict with every settable suggestion applied."
    )
    set_options: list[str] = Field(
        description="The changes as assess --set options, from the data file as it is (a "
        "what-if's own changes included, unless a suggestion replaces them)."
    )
    closest: list[Closest] = Field(description="For a PASS: met rules with the smallest margins.")
    spare: int | None = Field(
        description="For a PASS under an expected-share policy: how many more expected rules "
        "may fall short before the verdict turns."
    )
    reasons: list[Reason]


class IndicatorProgress(_Rule):
    model_config = ConfigDict(defer_build=True)  # not needed to assess one county

    baseline: Decimal | None
    threshold: Decimal | None = Field(description="The target-year threshold.")
    actual: Decimal | None
    path: Decimal | None = Field(
        description="The straight line from baseline (base year) to threshold (target year), "
        "at this year."
    )
    status: Progress
    progress: Decimal | None = Field(
        description="(actual − baseline) ÷ (threshold − baseline) × 100, percent."
    )
    projected: Decimal | None = Field(
        description="The target-year value if the trend from the base year holds."
    )
    reason: Reason


class YearView(Frozen):
    model_config = ConfigDict(defer_build=True)  # not needed to assess one county

    year: int
    elapsed: Decimal = Field(description="(year − base year) ÷ (target year − base year) × 100.")
    indicators: list[IndicatorProgress]
    counts: dict[str, int] = Field(description="Indicators per status.")
    verdict: VerdictValue = Field(description="The verdict of this year's data as it stands.")
    projected_verdict: VerdictValue | None = Field(
        description="The verdict if every trend holds until the target year; none in the base "
        "year, which has no trend."
    )
    projected_reasons: list[Reason]


class Monitoring(Frozen):
    model_config = ConfigDict(defer_build=True)  # not needed to assess one county

    county: str
    ruleset_id: str
    ruleset_version: str
    base_year: int
    target_year: int
    years: list[YearView]

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent) + "\n"
