"""Turn a county's values into what the rules compare: exact, rounded, and as one fact.

Each indicator's actual and threshold are rounded half-up to the indicator's precision here, once;
the rule engine receives them as scaled integers and everything downstream (margins, reasons)
works from the same rounded Decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from engine.compile.rules import SEEN_FIELD, CompiledRuleset
from engine.decimals import round_half_up, to_scaled
from engine.errors import DataError
from engine.model.county import CountyData, IndicatorValues
from engine.model.ruleset import Indicator, IndicatorInputs, Ruleset

Missing = Literal["actual", "target", "baseline"]


@dataclass(frozen=True)
class ResolvedIndicator:
    """One indicator for one county, ready to compare."""

    indicator: Indicator
    values: IndicatorValues | None  # None: the indicator has no row in the data
    actual: Decimal | None
    threshold: Decimal | None
    baseline: Decimal | None
    missing: Missing | None  # why the rule cannot be evaluated, if it cannot


def _rounded(value: Decimal | None, precision: int) -> Decimal | None:
    return None if value is None else round_half_up(value, precision)


def resolve(ruleset: Ruleset, county: CountyData) -> list[ResolvedIndicator]:
    """Every indicator of the ruleset, in ruleset order, with its comparable values."""
    unknown = sorted(set(county.values) - set(ruleset.by_id))
    if unknown:
        raise DataError(f"indicator '{unknown[0]}' is not in ruleset '{ruleset.id}'")
    resolved = []
    for ind in ruleset.indicators:
        values = county.values.get(ind.id)
        raw = values or IndicatorValues()
        inputs = IndicatorInputs(actual=raw.actual, target=raw.target, baseline=raw.baseline)
        threshold = ind.threshold.resolve(inputs, precision=ind.precision, direction=ind.direction)
        missing: Missing | None = None
        if raw.actual is None:
            missing = "actual"
        elif threshold.value is None:
            missing = threshold.missing
        resolved.append(
            ResolvedIndicator(
                indicator=ind,
                values=values,
                actual=_rounded(raw.actual, ind.precision),
                threshold=_rounded(threshold.value, ind.precision),
                baseline=_rounded(raw.baseline, ind.precision),
                missing=missing,
            )
        )
    return resolved


def county_fact(compiled: CompiledRuleset, resolved: list[ResolvedIndicator]) -> dict[str, int]:
    """The one fact asserted per county: scaled integers only.

    An indicator's fields are posted together or not at all. durable-rules can fire *both* rules
    of ``a >= $m.t`` / ``a < $m.t`` when ``t`` is absent from a fact that holds other fields
    (found by the property tests; see docs/architecture.md), so a comparison never meets a
    missing field.
    """
    fact: dict[str, int] = {SEEN_FIELD: 1}
    for r in resolved:
        ind = r.indicator
        if r.actual is None or r.threshold is None:
            continue  # not evaluated: nothing to compare
        fields = compiled.fields[ind.id]
        try:
            fact[fields.actual] = to_scaled(r.actual, ind.precision)
            if fields.threshold is not None:
                fact[fields.threshold] = to_scaled(r.threshold, ind.precision)
        except OverflowError as exc:
            row = r.values.row if r.values else None
            raise DataError(str(exc), row=row, indicator=ind.id) from exc
    return fact
