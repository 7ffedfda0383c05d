"""What a threshold kind is: the one class that says everything the engine needs of it.

A kind declares its bounds once, in :meth:`ThresholdKind.bounds`, against an abstract
:class:`Columns` — the values of one county in Decimals (:meth:`resolve`, the durable-rules
path), or every county's values as polars expressions (engine.infer.vector). The durable-rules
conditions follow from the bounds (:meth:`durable_conditions`), and so do the plan's nearest
passing value (:meth:`nearest_met`), the words of the ruleset pages (:meth:`describe`) and the
reports (:meth:`explained_label`). Adding a kind is adding one subclass and registering it
(engine.model.thresholds.register); nothing else branches on the kind.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Literal, Protocol, TypeVar

from pydantic import Field

from engine.decimals import multiply, round_half_up, to_scaled
from engine.model.parts import (
    Direction,
    LocalizedText,
    Operator,
    OperatorField,
    RulesetPart,
    Strict,
)

#: A value a county supplies that a threshold may be built from.
CountyValue = Literal["target", "baseline", "reference"]

OPERATOR_SYMBOLS: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}

#: How the ruleset pages and reports name the values a rule compares.
VALUE_WORDS: dict[str, LocalizedText] = {
    "actual": LocalizedText(zh="实际值", en="actual"),
    "target": LocalizedText(zh="目标值", en="target"),
    "baseline": LocalizedText(zh="基期值", en="baseline"),
    "reference": LocalizedText(zh="参考值", en="reference value"),
}

X = TypeVar("X")
X_co = TypeVar("X_co", covariant=True)


class Columns(Protocol[X_co]):
    """Arithmetic on one county's values (Decimals) or on every county's (expressions)."""

    def constant(self, value: Decimal) -> X_co:
        """A number written in the ruleset."""
        ...

    def county(self, name: CountyValue) -> X_co:
        """The county's own value of the indicator (its target, baseline or reference)."""
        ...

    def beyond(self, name: CountyValue, amount: Decimal | None, percent: Decimal | None) -> X_co:
        """The county's value moved in the good direction by an amount in the indicator's unit
        or by a percentage of itself, exactly, before rounding to the precision."""
        ...


class IndicatorInputs(Strict):
    """The values of one indicator for one county, as the threshold kinds see them."""

    actual: Decimal | None
    target: Decimal | None
    baseline: Decimal | None
    reference: Decimal | None = None


class Resolved(Strict):
    """A threshold for one county, or the reason there is none (then the rule is not evaluated).

    ``upper`` is the second bound of a two-sided (``between``) threshold.
    """

    value: Decimal | None
    upper: Decimal | None = None
    missing: CountyValue | None = None


class _Missing(Exception):
    def __init__(self, name: CountyValue) -> None:
        self.name = name


class DecimalColumns:
    """:class:`Columns` for one county, exactly (unrounded; the caller rounds once)."""

    def __init__(self, inputs: IndicatorInputs, direction: Direction) -> None:
        self.inputs, self.sign = inputs, 1 if direction == "higher" else -1

    def constant(self, value: Decimal) -> Decimal:
        return value

    def county(self, name: CountyValue) -> Decimal:
        value: Decimal | None = getattr(self.inputs, name)
        if value is None:
            raise _Missing(name)
        return value

    def beyond(self, name: CountyValue, amount: Decimal | None, percent: Decimal | None) -> Decimal:
        base = self.county(name)
        if percent is not None:
            return multiply(base, 1 + self.sign * percent / 100)
        return base + self.sign * (amount or 0)


class ScaledConstants:
    """:class:`Columns` for a threshold that is a constant of the ruleset, as the scaled integer
    durable-rules compares (value × 10^precision)."""

    def __init__(self, precision: int) -> None:
        self.precision = precision

    def constant(self, value: Decimal) -> int:
        return to_scaled(value, self.precision)

    def county(self, name: CountyValue) -> int:
        raise TypeError("a constant threshold uses no county value")

    def beyond(self, name: CountyValue, amount: Decimal | None, percent: Decimal | None) -> int:
        raise TypeError("a constant threshold uses no county value")


# met / not-met condition operator of durable-rules for each comparison.
_DURABLE_OPS: dict[Operator, tuple[str, str]] = {
    ">=": ("$gte", "$lt"),
    ">": ("$gt", "$lte"),
    "<=": ("$lte", "$gt"),
    "<": ("$lt", "$gte"),
}


class ThresholdKind(RulesetPart):
    """A threshold of the ruleset language. Subclasses set ``kind`` (a Literal), ``label`` and
    :meth:`bounds`; the rest follows unless a kind says otherwise."""

    kind: str
    operator: OperatorField = Field(
        default=None, description="Comparison of actual with threshold; default from direction."
    )

    #: What the reports call the threshold in force (目标值, 标准值 …).
    label_words: ClassVar[LocalizedText]
    #: The county value the threshold is built from; None when it is written in the ruleset.
    needs: ClassVar[CountyValue | None] = None
    #: A two-sided (inclusive range) threshold: met when lower ≤ actual ≤ upper.
    two_sided: ClassVar[bool] = False

    @classmethod
    def kind_name(cls) -> str:
        """The ``kind:`` a ruleset writes, from the subclass's Literal."""
        annotation = cls.model_fields["kind"].annotation
        (name,) = annotation.__args__  # type: ignore[union-attr]
        return str(name)

    # -- the one definition -------------------------------------------------------------------

    def bounds(self, columns: Columns[X]) -> tuple[X, X | None]:
        """The threshold (and the upper bound of a two-sided one), from ``columns``."""
        raise NotImplementedError

    @property
    def constant(self) -> bool:
        """The threshold is a constant of the ruleset (compiled into the rule itself)."""
        return self.needs is None

    @property
    def multiplies(self) -> bool:
        """The county value is multiplied by a percentage (so it must be carried exactly)."""
        return False

    # -- what follows from it -----------------------------------------------------------------

    def operator_for(self, direction: Direction) -> Operator | Literal["between"]:
        """The comparison in force: the declared one, or ≥ / ≤ from the direction."""
        if self.two_sided:
            return "between"
        if self.operator is not None:
            return self.operator
        return ">=" if direction == "higher" else "<="

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        """The threshold for one county (unrounded), or which value it lacks."""
        try:
            value, upper = self.bounds(DecimalColumns(inputs, direction))
        except _Missing as missing:
            return Resolved(value=None, missing=missing.name)
        return Resolved(value=value, upper=upper)

    def durable_conditions(
        self, actual: str, threshold: str | None, *, precision: int, direction: Direction
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The met and not-met conditions of durable-rules over the fact's fields: ``actual``,
        and ``threshold`` holding the county's threshold (None for a constant one)."""
        if self.two_sided:
            low, high = self.bounds(ScaledConstants(precision))
            return (
                {"m": {"$and": [{"$gte": {actual: low}}, {"$lte": {actual: high}}]}},
                {"m": {"$or": [{"$lt": {actual: low}}, {"$gt": {actual: high}}]}},
            )
        operator = self.operator_for(direction)
        assert operator != "between"
        met_op, not_met_op = _DURABLE_OPS[operator]
        right: int | dict[str, str]
        if threshold is None:
            right, _ = self.bounds(ScaledConstants(precision))
        else:
            right = {"$m": threshold}
        return {"m": {met_op: {actual: right}}}, {"m": {not_met_op: {actual: right}}}

    @classmethod
    def nearest_met(
        cls,
        *,
        threshold: Decimal,
        upper: Decimal | None,
        actual: Decimal | None,
        precision: int,
        operator: Operator | Literal["between"],
    ) -> Decimal:
        """The value nearest to the threshold, at the indicator's precision, that meets the rule
        (what a plan asks for): the threshold itself for ≥ and ≤, one step beyond it for > and <,
        the nearer bound of a range."""
        if operator == "between":
            assert upper is not None
            return upper if actual is not None and actual > upper else threshold
        step = Decimal(1).scaleb(-precision)
        moved = {">=": threshold, ">": threshold + step, "<=": threshold, "<": threshold - step}
        return round_half_up(moved[operator], precision)

    def problems(self, *, precision: int, direction: Direction) -> list[str]:
        """What contradicts the indicator this threshold belongs to."""
        problems = []
        op = self.operator
        if op is not None and (op in (">=", ">")) != (direction == "higher"):
            problems.append(
                f"operator '{op}' contradicts direction '{direction}' "
                f"(higher is better takes >= or >, lower is better takes <= or <)"
            )
        return problems

    def constants(self) -> dict[str, Decimal]:
        """The numbers written in the ruleset, by field (each must fit the rule engine)."""
        return {}

    def right_side(self, lang: str, *, precision: int, direction: Direction) -> str:
        """What the actual is compared with, in words: ``目标值``, ``2.50``, ``基期值 + 10%``."""
        raise NotImplementedError

    def describe(self, lang: str, *, precision: int, direction: Direction) -> str:
        """The rule in symbols and words, for the ruleset pages and ``assess ruleset show``."""
        operator = self.operator_for(direction)
        assert operator != "between"
        side = self.right_side(lang, precision=precision, direction=direction)
        return f"{OPERATOR_SYMBOLS[operator]} {side}"

    def explained_label(self, county_value: str, unit: str, direction: Direction) -> LocalizedText:
        """What a report's reason calls the threshold; ``county_value`` is the text of the
        county value it was built from (with its unit)."""
        return self.label_words

    @property
    def missing_label(self) -> LocalizedText | None:
        """How a reason names the county value when it is missing (None: the generic words)."""
        return None


def at_precision(value: Decimal, places: int) -> Decimal:
    """``2.5`` at 2 decimals is ``2.50``: the value as it is compared; more decimals are kept."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < places:
        return value.quantize(Decimal(1).scaleb(-places))
    return value


def step_text(amount: Decimal | None, percent: Decimal | None) -> str:
    """``9`` or ``10%``: the step beyond a county value."""
    return f"{percent}%" if percent is not None else f"{amount}"


def sign_of(direction: Direction) -> str:
    return "+" if direction == "higher" else "−"
