"""Turn a county's values into what the rules compare: exact, rounded, and as one fact.

Each indicator's actual and threshold are rounded half-up to the indicator's precision here, once;
the rule engine receives them as scaled integers and everything downstream (margins, reasons)
works from the same rounded Decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Literal

from engine.compile.rules import SEEN_FIELD, CompiledRuleset
from engine.decimals import ScaleOverflow, round_half_up, to_scaled
from engine.errors import DataError
from engine.formula import FormulaUndefined
from engine.model.county import CountyData, IndicatorValues
from engine.model.ruleset import Indicator, IndicatorInputs, Ruleset
from engine.model.thresholds import VALUE_WORDS
from engine.units import match_key

#: Why a rule is not evaluated: a value missing, an input of a derived indicator missing, a
#: formula undefined, or (with --require-evidence, set by engine.pipeline) no evidence.
Missing = Literal["actual", "target", "baseline", "reference", "input", "undefined", "evidence"]
NUMBERS = ("baseline", "target", "actual")
_CONTEXT = Context(prec=60)


@dataclass(frozen=True)
class ResolvedIndicator:
    """One indicator for one county, ready to compare."""

    indicator: Indicator
    values: IndicatorValues | None  # None: the indicator has no row in the data
    actual: Decimal | None
    threshold: Decimal | None
    baseline: Decimal | None
    target: Decimal | None  # the county's declared target (for warnings; rounded)
    reference: Decimal | None  # the reference value supplied as data (rounded)
    missing: Missing | None  # why the rule cannot be evaluated, if it cannot
    upper: Decimal | None = None  # the upper bound of a between rule
    applicable: bool = True
    missing_inputs: tuple[str, ...] = ()  # derived indicators: the inputs without a value

    @property
    def comparable(self) -> bool:
        """Both sides present: the rules must fire exactly one outcome."""
        return self.applicable and self.missing is None

    def ratio(self) -> Decimal | None:
        """actual ÷ threshold (threshold ÷ actual for lower-is-better), exact; None when
        undefined (a value missing, a zero divisor, a two-sided rule)."""
        if not self.comparable or self.upper is not None:
            return None
        assert self.actual is not None and self.threshold is not None
        num, den = (
            (self.actual, self.threshold)
            if self.indicator.direction == "higher"
            else (self.threshold, self.actual)
        )
        return None if den == 0 else _CONTEXT.divide(num, den)


def _rounded(value: Decimal | None, precision: int) -> Decimal | None:
    return None if value is None else round_half_up(value, precision)


def _choice(ruleset: Ruleset, value: str | None, field: str) -> str | None:
    """The id of the theme or county type a county declares (given by id or by name)."""
    if value is None:
        return None
    choices = ruleset.themes if field == "theme" else ruleset.county_types
    for choice in choices:
        if match_key(value) in (
            match_key(choice.id),
            match_key(choice.name.zh),
            match_key(choice.name.en),
        ):
            return choice.id
    known = {
        "zh": "、".join(f"{c.id}（{c.name.zh}）" for c in choices) or "未规定",
        "en": ", ".join(f"{c.id} ({c.name.zh})" for c in choices) or "none declared",
    }
    raise DataError(
        code=f"{field}_unknown",
        params={"value": value, "ruleset": ruleset.id, "known": known},
        field=field,
    )


def _applicable(ruleset: Ruleset, county: CountyData, ind: Indicator) -> bool:
    scope = ind.applies_to
    if scope is None:
        return True
    for field, allowed in (("theme", scope.themes), ("county_type", scope.county_types)):
        if allowed is None:
            continue
        declared = _choice(ruleset, getattr(county, field), field)
        if declared is None:
            raise DataError(code=f"{field}_needed", params={"id": ind.id}, field=field)
        if declared not in allowed:
            return False
    return True


@dataclass(frozen=True)
class _Derivation:
    values: IndicatorValues | None  # the indicator's own row, if any
    numbers: dict[str, Decimal | None]
    absent_inputs: tuple[str, ...]  # inputs without an actual value
    undefined: bool  # the formula has no value (a division by zero)


def _derive(ind: Indicator, county: CountyData) -> _Derivation:
    """A derived indicator's baseline, target and actual computed from its inputs. A column the
    inputs do not fully give may come from the indicator's own row; where both give a value they
    must agree at the indicator's precision."""
    assert ind.derived is not None
    formula = ind.derived.parsed
    own = county.values.get(ind.id)
    numbers: dict[str, Decimal | None] = {}
    absent_inputs: tuple[str, ...] = ()
    undefined = False
    for column in NUMBERS:
        inputs = {
            name: getattr(county.values.get(name) or IndicatorValues(), column)
            for name in formula.inputs
        }
        given = getattr(own, column) if own is not None else None
        absent = tuple(name for name, value in inputs.items() if value is None)
        if column == "actual":
            absent_inputs = absent
        if absent:
            numbers[column] = given
            continue
        try:
            computed = formula.evaluate({k: v for k, v in inputs.items() if v is not None})
        except FormulaUndefined:
            numbers[column] = None
            undefined = undefined or column == "actual"
            continue
        if given is not None and (
            round_half_up(given, ind.precision) != round_half_up(computed, ind.precision)
        ):
            raise DataError(
                code="derived_differs",
                params={
                    "column": VALUE_WORDS[column],
                    "given": given,
                    "computed": round_half_up(computed, ind.precision),
                    "formula": ind.derived.formula,
                },
                row=own.row if own else None,
                indicator=ind.id,
                field=column,
            )
        numbers[column] = computed
    return _Derivation(own, numbers, absent_inputs, undefined)


def resolve(ruleset: Ruleset, county: CountyData) -> list[ResolvedIndicator]:
    """Every indicator of the ruleset, in ruleset order, with its comparable values."""
    unknown = sorted(set(county.values) - set(ruleset.data_items))
    if unknown:
        raise DataError(
            code="indicator_not_in_ruleset", params={"id": unknown[0], "ruleset": ruleset.id}
        )
    resolved = []
    for ind in ruleset.indicators:
        values = county.values.get(ind.id)
        raw = values or IndicatorValues()
        numbers = {column: getattr(raw, column) for column in NUMBERS}
        derivation = None
        if ind.derived is not None:
            derivation = _derive(ind, county)
            values, numbers = derivation.values, derivation.numbers
        inputs = IndicatorInputs(**numbers, reference=raw.reference)
        threshold = ind.threshold.resolve(inputs, precision=ind.precision, direction=ind.direction)
        missing: Missing | None = None
        if numbers["actual"] is None:
            missing = "actual"
            if derivation is not None and derivation.undefined:
                missing = "undefined"
            elif derivation is not None and derivation.absent_inputs:
                missing = "input"
        elif threshold.value is None:
            missing = threshold.missing
        resolved.append(
            ResolvedIndicator(
                indicator=ind,
                values=values,
                actual=_rounded(numbers["actual"], ind.precision),
                threshold=_rounded(threshold.value, ind.precision),
                upper=_rounded(threshold.upper, ind.precision),
                baseline=_rounded(numbers["baseline"], ind.precision),
                target=_rounded(numbers["target"], ind.precision),
                reference=_rounded(raw.reference, ind.precision),
                missing=missing,
                applicable=_applicable(ruleset, county, ind),
                missing_inputs=derivation.absent_inputs
                if missing == "input" and derivation
                else (),
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
        if not r.comparable:
            continue  # not evaluated or not applicable: nothing to compare
        assert r.actual is not None and r.threshold is not None
        fields = compiled.fields[ind.id]
        try:
            fact[fields.actual] = to_scaled(r.actual, ind.precision)
            if fields.threshold is not None:
                fact[fields.threshold] = to_scaled(r.threshold, ind.precision)
        except ScaleOverflow as exc:
            row = r.values.row if r.values else None
            raise DataError(
                code="value_too_large",
                params={"value": exc.value, "precision": exc.precision, "limit": exc.limit},
                row=row,
                indicator=ind.id,
            ) from exc
    return fact
