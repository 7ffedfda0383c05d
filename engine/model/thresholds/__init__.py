"""The threshold kinds, one module each, and the registry the ruleset language is built from.

To add a kind: write a subclass of :class:`ThresholdKind` in a module of its own (its ``kind``
Literal, ``label_words``, ``needs``, :meth:`~ThresholdKind.bounds` and
:meth:`~ThresholdKind.right_side`) and pass it to :func:`engine.model.ruleset.add_threshold_kind`
(a bundled kind is listed in ``BUNDLED`` below). Both evaluators, the explanations, the ruleset
pages and the planner take it from there.
"""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Field

from engine.model.thresholds.absolute import AbsoluteThreshold
from engine.model.thresholds.base import (
    OPERATOR_SYMBOLS,
    VALUE_WORDS,
    Columns,
    CountyValue,
    DecimalColumns,
    IndicatorInputs,
    Resolved,
    ThresholdKind,
)
from engine.model.thresholds.between import BetweenThreshold
from engine.model.thresholds.growth import GrowthThreshold
from engine.model.thresholds.reference import ReferenceThreshold
from engine.model.thresholds.target import TargetThreshold

BUNDLED: tuple[type[ThresholdKind], ...] = (
    TargetThreshold,
    AbsoluteThreshold,
    GrowthThreshold,
    ReferenceThreshold,
    BetweenThreshold,
)

#: ``kind:`` → its class, in the order the schema lists them.
THRESHOLD_CLASSES: dict[str, type[ThresholdKind]] = {k.kind_name(): k for k in BUNDLED}


def threshold_union() -> Any:
    """The type of an indicator's ``threshold``: one of the registered kinds, by ``kind``."""
    classes = tuple(THRESHOLD_CLASSES.values())
    return Annotated[Union[classes], Field(discriminator="kind")]  # noqa: UP007 (a runtime tuple)


__all__ = [
    "BUNDLED",
    "OPERATOR_SYMBOLS",
    "THRESHOLD_CLASSES",
    "VALUE_WORDS",
    "AbsoluteThreshold",
    "BetweenThreshold",
    "Columns",
    "CountyValue",
    "DecimalColumns",
    "GrowthThreshold",
    "IndicatorInputs",
    "ReferenceThreshold",
    "Resolved",
    "TargetThreshold",
    "ThresholdKind",
]
