"""``between``: inclusive bounds written in the ruleset, met when ``min ≤ actual ≤ max``."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import model_validator

from engine.decimals import decimals_of
from engine.model.parts import Direction, ExactDecimal, LocalizedText
from engine.model.thresholds.base import VALUE_WORDS, Columns, ThresholdKind, X


class BetweenThreshold(ThresholdKind):
    """Inclusive bounds written in the ruleset: met when ``min ≤ actual ≤ max``."""

    kind: Literal["between"]
    min: ExactDecimal
    max: ExactDecimal
    label_words: ClassVar[LocalizedText] = LocalizedText(zh="区间", en="range")
    two_sided: ClassVar[bool] = True

    @model_validator(mode="after")
    def _bounds(self) -> BetweenThreshold:
        if self.operator is not None:
            raise ValueError("a between threshold takes no operator (both bounds are inclusive)")
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    def bounds(self, columns: Columns[X]) -> tuple[X, X | None]:
        return columns.constant(self.min), columns.constant(self.max)

    def problems(self, *, precision: int, direction: Direction) -> list[str]:
        if decimals_of(self.min) > precision or decimals_of(self.max) > precision:
            return [
                f"between bounds {self.min}..{self.max} are finer than the indicator's "
                f"precision of {precision} decimals"
            ]
        return []

    def constants(self) -> dict[str, Decimal]:
        return {"threshold.min": self.min, "threshold.max": self.max}

    def describe(self, lang: str, *, precision: int, direction: Direction) -> str:
        return f"{self.min} ≤ {VALUE_WORDS['actual'].get(lang)} ≤ {self.max}"
