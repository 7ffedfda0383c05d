"""The ruleset language: what a YAML ruleset may say, validated strictly.

A ruleset is data a provincial office can correct without touching code. Every model forbids
unknown keys, so a misspelt key is an error, not a silently ignored line.

Threshold kinds form a discriminated union on ``kind``. A kind only has to say how it resolves to
a threshold for one county (:meth:`resolve`) and whether that threshold is a constant of the
ruleset; the compiler and the evaluator ask nothing else of it, so new kinds slot in here.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from engine.decimals import MAX_MAGNITUDE, decimals_of, multiply, round_half_up

Operator = Literal[">=", ">", "<=", "<"]
Direction = Literal["higher", "lower"]
IndicatorKind = Literal["binding", "expected"]

_OPERATOR_SPELLINGS = {"≥": ">=", "≤": "<=", "=>": ">=", "=<": "<="}


def _exact(value: Any) -> Any:
    """Numbers in a ruleset must come from their text: a binary float has already lost it."""
    if isinstance(value, float):
        raise ValueError("give the number as YAML text or a string, not a binary float")
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    return value


def _operator(value: Any) -> Any:
    return _OPERATOR_SPELLINGS.get(value, value) if isinstance(value, str) else value


ExactDecimal = Annotated[
    Decimal,
    BeforeValidator(_exact),
    Field(allow_inf_nan=False, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE),
]
OperatorField = Annotated[Operator | None, BeforeValidator(_operator)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class IndicatorInputs(Strict):
    """The values of one indicator for one county, as the threshold kinds see them."""

    actual: Decimal | None
    target: Decimal | None
    baseline: Decimal | None


class Resolved(Strict):
    """A threshold for one county, or the reason there is none (then the rule is not evaluated)."""

    value: Decimal | None
    missing: Literal["target", "baseline"] | None = None


class _ThresholdBase(Strict):
    operator: OperatorField = Field(
        default=None, description="Comparison of actual with threshold; default from direction."
    )

    #: True when the threshold is a constant of the ruleset (compiled into the rule itself).
    constant: ClassVar[bool] = False

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        raise NotImplementedError


class TargetThreshold(_ThresholdBase):
    """The county's own declared target for the target year (the plan's annex value)."""

    kind: Literal["target"]

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        if inputs.target is None:
            return Resolved(value=None, missing="target")
        return Resolved(value=inputs.target)


class AbsoluteThreshold(_ThresholdBase):
    """A fixed value written in the ruleset (e.g. a national standard)."""

    kind: Literal["absolute"]
    value: ExactDecimal
    constant: ClassVar[bool] = True

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        return Resolved(value=self.value)


class GrowthThreshold(_ThresholdBase):
    """A minimum growth over the base year, in percent, in the indicator's good direction.

    The required value is ``baseline × (1 + min_growth/100)`` (``× (1 − min_growth/100)`` for a
    lower-is-better indicator), rounded half-up to the indicator's precision like any threshold.
    """

    kind: Literal["growth"]
    min_growth: ExactDecimal = Field(description="Minimum growth over the baseline, in percent.")

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        if inputs.baseline is None:
            return Resolved(value=None, missing="baseline")
        sign = 1 if direction == "higher" else -1
        factor = 1 + sign * self.min_growth / 100
        return Resolved(value=round_half_up(multiply(inputs.baseline, factor), precision))


Threshold = Annotated[
    TargetThreshold | AbsoluteThreshold | GrowthThreshold, Field(discriminator="kind")
]


class Indicator(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: LocalizedText
    category: LocalizedText
    kind: IndicatorKind
    unit: str = Field(min_length=1)
    precision: int = Field(ge=0, le=6, description="Decimals compared (values rounded half-up).")
    direction: Direction = "higher"
    threshold: Threshold
    provenance: str = Field(min_length=1, description="Where the indicator comes from.")
    definition: str | None = None

    @model_validator(mode="after")
    def _check_threshold(self) -> Indicator:
        op = self.threshold.operator
        if op is not None and (op in (">=", ">")) != (self.direction == "higher"):
            raise ValueError(
                f"operator '{op}' contradicts direction '{self.direction}' "
                f"(higher is better takes >= or >, lower is better takes <= or <)"
            )
        if (
            isinstance(self.threshold, AbsoluteThreshold)
            and decimals_of(self.threshold.value) > self.precision
        ):
            raise ValueError(
                f"threshold value {self.threshold.value} is finer than the indicator's "
                f"precision of {self.precision} decimals"
            )
        return self

    @property
    def operator(self) -> Operator:
        """The comparison in force: the declared one, or ≥ / ≤ from the direction."""
        if self.threshold.operator is not None:
            return self.threshold.operator
        return ">=" if self.direction == "higher" else "<="


class ExpectedSharePolicy(Strict):
    """PASS when every binding indicator is met and at least a share of the expected ones is."""

    kind: Literal["binding_all_expected_share"]
    expected_min_share: ExactDecimal = Field(
        ge=0, le=100, description="Minimum share of expected indicators met, in percent."
    )
    basis: str = Field(min_length=1, description="Where the rule comes from, assumptions named.")

    @model_validator(mode="after")
    def _check_share(self) -> ExpectedSharePolicy:
        if decimals_of(self.expected_min_share) > 2:
            raise ValueError("expected_min_share takes at most 2 decimals")
        return self


VerdictPolicy = Annotated[ExpectedSharePolicy, Field(discriminator="kind")]


class SourceDocument(Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    issuer: str | None = None
    date: str | None = None
    reference: str | None = None
    note: str | None = None


class Ruleset(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    title: LocalizedText
    base_year: int | None = None
    target_year: int | None = None
    sources: list[SourceDocument] = Field(min_length=1)
    reconstruction: str = Field(
        min_length=1, description="Plainly: what is reconstructed or assumed, and what is sourced."
    )
    assumptions: list[str] = Field(default_factory=list)
    verdict_policy: VerdictPolicy
    indicators: list[Indicator] = Field(min_length=1)

    _source_path: Path | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> Path | None:
        """The file the ruleset was loaded from (not part of its content or hash)."""
        return self._source_path

    @model_validator(mode="after")
    def _check_unique(self) -> Ruleset:
        for attr in ("id", "zh", "en"):
            seen: set[str] = set()
            for ind in self.indicators:
                key = ind.id if attr == "id" else ind.name.get(attr)
                if key in seen:
                    what = "id" if attr == "id" else f"name.{attr}"
                    raise ValueError(f"duplicate indicator {what} '{key}'")
                seen.add(key)
        return self

    @cached_property
    def by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    @cached_property
    def by_name(self) -> dict[str, Indicator]:
        """Indicators by their exact Chinese or English name, as a bureau's sheet may carry."""
        names = {ind.name.zh: ind for ind in self.indicators}
        names.update({ind.name.en: ind for ind in self.indicators})
        return names

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the ruleset's canonical JSON: formatting and comments do not change it."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
