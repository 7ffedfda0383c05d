"""``target``: the county's own declared target for the target year (its plan annex's value)."""

from __future__ import annotations

from typing import ClassVar, Literal

from engine.model.parts import Direction, LocalizedText
from engine.model.thresholds.base import VALUE_WORDS, Columns, CountyValue, ThresholdKind, X


class TargetThreshold(ThresholdKind):
    """The county's own declared target for the target year (the plan's annex value)."""

    kind: Literal["target"]
    label_words: ClassVar[LocalizedText] = LocalizedText(zh="目标值", en="target")
    needs: ClassVar[CountyValue | None] = "target"

    def bounds(self, columns: Columns[X]) -> tuple[X, X | None]:
        return columns.county("target"), None

    def right_side(self, lang: str, *, precision: int, direction: Direction) -> str:
        return VALUE_WORDS["target"].get(lang)
