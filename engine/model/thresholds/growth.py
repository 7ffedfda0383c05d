"""``growth``: a minimum improvement over the base year, in percent or in the indicator's unit."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from engine.model.parts import Direction, ExactDecimal, LocalizedText
from engine.model.thresholds.base import (
    VALUE_WORDS,
    Columns,
    CountyValue,
    ThresholdKind,
    X,
    sign_of,
    step_text,
)


class GrowthThreshold(ThresholdKind):
    """A minimum improvement over the base year, in the indicator's good direction: either a
    growth in percent or an increase in the indicator's unit (one of the two).

    The required value is ``baseline × (1 + min_growth/100)`` or ``baseline + min_increase``
    (``× (1 − min_growth/100)`` and ``− min_increase`` for a lower-is-better indicator), rounded
    half-up to the indicator's precision like any threshold.
    """

    kind: Literal["growth"]
    min_growth: ExactDecimal | None = Field(
        default=None, description="Minimum growth over the baseline, in percent."
    )
    min_increase: ExactDecimal | None = Field(
        default=None, description="Minimum increase over the baseline, in the indicator's unit."
    )
    label_words: ClassVar[LocalizedText] = LocalizedText(zh="增长要求值", en="growth requirement")
    needs: ClassVar[CountyValue | None] = "baseline"

    @model_validator(mode="after")
    def _one_of(self) -> GrowthThreshold:
        if (self.min_growth is None) == (self.min_increase is None):
            raise ValueError(
                "give exactly one of min_growth (percent) or min_increase (in the indicator's unit)"
            )
        return self

    def bounds(self, columns: Columns[X]) -> tuple[X, X | None]:
        return columns.beyond("baseline", self.min_increase, self.min_growth), None

    @property
    def multiplies(self) -> bool:
        return self.min_growth is not None

    def right_side(self, lang: str, *, precision: int, direction: Direction) -> str:
        step = step_text(self.min_increase, self.min_growth)
        return f"{VALUE_WORDS['baseline'].get(lang)} {sign_of(direction)} {step}"
