"""``reference``: a value supplied as data (e.g. the provincial average), plus a margin."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from engine.model.parts import Direction, ExactDecimal, LocalizedText, Text
from engine.model.thresholds.base import (
    Columns,
    CountyValue,
    ThresholdKind,
    X,
    sign_of,
    step_text,
)
from engine.units import with_unit


class ReferenceThreshold(ThresholdKind):
    """A reference value supplied as data (e.g. the provincial average of the same indicator),
    optionally with a margin in the good direction: in the indicator's unit or in percent."""

    kind: Literal["reference"]
    label: Text = Field(
        default=LocalizedText(zh="参考值", en="reference value"),
        description="What the reference is, e.g. 全省平均水平 / the provincial average.",
    )
    margin: ExactDecimal | None = Field(
        default=None, description="Required margin beyond the reference, in the indicator's unit."
    )
    margin_percent: ExactDecimal | None = Field(
        default=None, description="Required margin beyond the reference, in percent of it."
    )
    label_words: ClassVar[LocalizedText] = LocalizedText(zh="参考值", en="reference value")
    needs: ClassVar[CountyValue | None] = "reference"

    @model_validator(mode="after")
    def _one_margin(self) -> ReferenceThreshold:
        if self.margin is not None and self.margin_percent is not None:
            raise ValueError("give margin or margin_percent, not both")
        return self

    def bounds(self, columns: Columns[X]) -> tuple[X, X | None]:
        return columns.beyond("reference", self.margin, self.margin_percent), None

    @property
    def multiplies(self) -> bool:
        return self.margin_percent is not None

    def _margin_text(self, direction: Direction, unit: str | None) -> str:
        if not self.margin and not self.margin_percent:
            return ""
        step = step_text(self.margin, self.margin_percent)
        if self.margin and unit is not None:
            step = with_unit(self.margin, unit)
        return f" {sign_of(direction)} {step}"

    def right_side(self, lang: str, *, precision: int, direction: Direction) -> str:
        return f"{self.label.get(lang)}{self._margin_text(direction, None)}"

    def explained_label(self, county_value: str, unit: str, direction: Direction) -> LocalizedText:
        """``全省平均水平2.35% + 0.2%,即``: the reference, its value and the margin added."""
        extra = self._margin_text(direction, unit)
        return LocalizedText(
            zh=f"{self.label.zh}{county_value}{extra},即",
            en=f"{self.label.en} {county_value}{extra}, i.e.",
        )

    @property
    def missing_label(self) -> LocalizedText | None:
        return self.label
