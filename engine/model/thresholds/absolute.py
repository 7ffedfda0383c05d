"""``absolute``: a fixed value written in the ruleset (e.g. a national standard)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from engine.decimals import decimals_of
from engine.model.parts import Direction, ExactDecimal, LocalizedText
from engine.model.thresholds.base import Columns, ThresholdKind, X, at_precision


class AbsoluteThreshold(ThresholdKind):
    """A fixed value written in the ruleset (e.g. a national standard)."""

    kind: Literal["absolute"]
    value: ExactDecimal
    label_words: ClassVar[LocalizedText] = LocalizedText(zh="标准值", en="standard")

    def bounds(self, columns: Columns[X]) -> tuple[X, X | None]:
        return columns.constant(self.value), None

    def problems(self, *, precision: int, direction: Direction) -> list[str]:
        problems = super().problems(precision=precision, direction=direction)
        if decimals_of(self.value) > precision:
            problems.append(
                f"threshold value {self.value} is finer than the indicator's precision of "
                f"{precision} decimals"
            )
        return problems

    def constants(self) -> dict[str, Decimal]:
        return {"threshold.value": self.value}

    def right_side(self, lang: str, *, precision: int, direction: Direction) -> str:
        return str(at_precision(self.value, precision))
