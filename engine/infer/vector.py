"""The vectorised evaluator: every rule of a ruleset for every county at once, in polars.

It decides what the durable-rules path decides (status, margin, completion, growth and score,
integer for integer); the texts are added by :mod:`engine.explain.vector` and the verdicts are
durable-rules', from one summary fact per county. The differential tests hold the two paths and
a plain Decimal reference to each other.

Exactness: no float is involved. Values enter as integers scaled by 10**SCALE (Int128, exact for
every number the loader accepts), are rounded half-up to the indicator's precision in integer
arithmetic, and every quotient (completion, growth, score) is an integer division rounded half
up. Growth and reference thresholds are formed from the unrounded value and rounded once, as the
Decimal path does.

What stays in Python, per county: applicability (a lookup of the county's theme and type) and
derived indicators (their formulas divide, which needs exact rationals); both reuse the Decimal
path's own functions, so they cannot disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Final

import polars as pl

from engine.compile.facts import _applicable, _derive
from engine.decimals import MAX_SCALED, decimals_of, to_scaled
from engine.errors import DataError
from engine.infer.evaluator import (
    OUTCOME_SCHEMA,
    Advance,
    Block,
    Engine,
    EvaluatorUnsupported,
    IndicatorOutcomes,
    Outcomes,
    in_county,
)
from engine.load.fast import SCALE, FastTable
from engine.model.county import CountyData, IndicatorValues
from engine.model.ruleset import Indicator, Ruleset
from engine.model.thresholds import CountyValue, ThresholdKind

if TYPE_CHECKING:
    from polars import Expr

INT = pl.Int128


class VectorUnsupported(EvaluatorUnsupported):
    """The data holds a number the vectorised path cannot carry exactly (more than SCALE
    decimals, or read by the fast loader and too large to compare); the caller falls back to
    the durable-rules path, or to the general loader."""


# -- exact integer arithmetic on columns -------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _lit(value: int) -> Expr:
    # Cached: an Int128 literal costs polars a one-value series (~20 µs), and the same few
    # constants recur in every indicator's expressions (an expression is never changed).
    return pl.lit(value, dtype=INT)


def _neg(x: Expr) -> Expr:
    return _lit(0) - x  # polars has no unary minus for Int128


def _div_half_up(num: Expr, den: Expr) -> Expr:
    """num ÷ den rounded half away from zero (den ≠ 0), as ROUND_HALF_UP does."""
    q = (num.abs() * 2 + den.abs()) // (den.abs() * 2)
    return pl.when((num < 0) != (den < 0)).then(_neg(q)).otherwise(q)


def _rescale(x: Expr, scale: int, precision: int) -> Expr:
    """A value scaled by 10**scale, rounded half-up to ``precision`` decimals."""
    if scale <= precision:
        return x * _lit(10 ** (precision - scale))
    return _div_half_up(x, _lit(10 ** (scale - precision)))


# -- the values of one indicator for every county ----------------------------------------------


def _scaled(value: Decimal | None, *, multiplied: bool = False) -> int | None:
    """The value scaled by 10**SCALE. A longer value (a derived quotient) is truncated there:
    rounding half-up to at most 6 decimals only looks at whether the rest reaches half a unit,
    which truncation at 12 decimals never changes; but a value that is first multiplied (a
    growth or reference base with a percentage) must be exact, else the caller falls back."""
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # the loader admits finite numbers only
    if exponent < -SCALE and decimals_of(value) > SCALE:
        if multiplied:
            raise VectorUnsupported(f"{value} has more than {SCALE} decimals")
        value = value.quantize(Decimal(1).scaleb(-SCALE), rounding=ROUND_DOWN)
    return int(value.scaleb(SCALE))


@dataclass
class _Column:
    """Per county: the raw numbers (scaled by 10**SCALE), applicability, and for derived
    indicators why the actual is missing."""

    actual: list[int | None] | pl.Series
    baseline: list[int | None] | pl.Series
    target: list[int | None] | pl.Series
    reference: list[int | None] | pl.Series
    applicable: list[bool] | pl.Series
    missing_actual: list[str] | pl.Series  # "actual", "input" or "undefined"
    absent_inputs: list[tuple[str, ...]]
    rows: list[int | None]  # the data row, for messages


@dataclass(frozen=True)
class _Gathered:
    """One county's numbers for one indicator, as :class:`_Column` holds them."""

    actual: int | None
    baseline: int | None
    target: int | None
    reference: int | None
    applicable: bool
    missing_actual: str
    absent_inputs: tuple[str, ...]
    row: int | None


def _gather(ruleset: Ruleset, ind: Indicator, counties: Sequence[CountyData]) -> _Column:
    percent = ind.threshold.multiplies
    gathered: list[_Gathered] = []
    for county in counties:
        try:
            gathered.append(_gather_one(ruleset, ind, county, percent))
        except DataError as exc:
            raise in_county(exc, county) from None
    return _Column(
        actual=[g.actual for g in gathered],
        baseline=[g.baseline for g in gathered],
        target=[g.target for g in gathered],
        reference=[g.reference for g in gathered],
        applicable=[g.applicable for g in gathered],
        missing_actual=[g.missing_actual for g in gathered],
        absent_inputs=[g.absent_inputs for g in gathered],
        rows=[g.row for g in gathered],
    )


def _gather_one(ruleset: Ruleset, ind: Indicator, county: CountyData, percent: bool) -> _Gathered:
    raw = county.values.get(ind.id) or IndicatorValues()
    numbers = {"actual": raw.actual, "baseline": raw.baseline, "target": raw.target}
    missing, absent = "actual", tuple[str, ...]()
    if ind.derived is not None:
        derivation = _derive(ind, county)
        numbers = dict(derivation.numbers)
        if derivation.undefined:
            missing = "undefined"
        elif derivation.absent_inputs:
            missing, absent = "input", derivation.absent_inputs
    return _Gathered(
        actual=_scaled(numbers["actual"]),
        baseline=_scaled(numbers["baseline"], multiplied=percent),
        target=_scaled(numbers["target"]),
        reference=_scaled(raw.reference, multiplied=percent),
        applicable=ind.applies_to is None or _applicable(ruleset, county, ind),
        missing_actual=missing,
        absent_inputs=absent,
        row=raw.row,
    )


# -- one indicator's rules, for every county ---------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    """All of an indicator that its rules' plan (:func:`_decided`) reads: indicators alike in
    these are decided in one plan, their rows one after the other (engine.infer.evaluator.Block).
    """

    threshold: ThresholdKind
    operator: str
    direction: str
    precision: int
    scored: bool

    @classmethod
    def of(cls, ruleset: Ruleset, ind: Indicator) -> _Rules:
        return cls(ind.threshold, ind.operator, ind.direction, ind.precision, ruleset.scored)

    @property
    def key(self) -> tuple[object, ...]:
        return (
            self.threshold.model_dump_json(),
            self.operator,
            self.direction,
            self.precision,
            self.scored,
        )


class _PolarsColumns:
    """The threshold kinds' arithmetic (engine.model.thresholds.Columns) on every county's
    columns, scaled by 10**SCALE; each bound comes out rounded half-up to the precision, once."""

    def __init__(self, ind: _Rules) -> None:
        self.ind = ind

    def constant(self, value: Decimal) -> Expr:
        return _lit(to_scaled(value, self.ind.precision))

    def county(self, name: CountyValue) -> Expr:
        return _rescale(pl.col(f"{name}_raw"), SCALE, self.ind.precision)

    def beyond(self, name: CountyValue, amount: Decimal | None, percent: Decimal | None) -> Expr:
        base, ind = pl.col(f"{name}_raw"), self.ind
        sign = 1 if ind.direction == "higher" else -1
        if percent is not None:
            places = decimals_of(percent)
            factor = int((100 + sign * percent).scaleb(places))  # scaled by 10**(places + 2)
            return _rescale(base * _lit(factor), SCALE + places + 2, ind.precision)
        step = _lit(sign * int((amount or Decimal(0)).scaleb(SCALE)))
        return _rescale(base + step, SCALE, ind.precision)


def _good(ind: _Rules, delta: Expr) -> Expr:
    return delta if ind.direction == "higher" else _neg(delta)


def _inputs(col: _Column, index: pl.Series, rule_index: int) -> pl.DataFrame:
    """One indicator's raw inputs, a row per county; ``index`` is the county index column,
    0 … n − 1, shared by every indicator."""
    return pl.DataFrame(
        {
            "county_index": index,
            "rule_index": pl.repeat(rule_index, len(index), dtype=pl.UInt32, eager=True),
            "actual_raw": pl.Series(col.actual, dtype=INT),
            "baseline_raw": pl.Series(col.baseline, dtype=INT),
            "target_raw": pl.Series(col.target, dtype=INT),
            "reference_raw": pl.Series(col.reference, dtype=INT),
            "applicable": pl.Series(col.applicable, dtype=pl.Boolean),
            "missing_actual": pl.Series(col.missing_actual, dtype=pl.String),
        }
    )


def _decided(ind: _Rules, frame: pl.LazyFrame) -> pl.LazyFrame:
    """Every column of OUTCOME_SCHEMA (and the raw inputs) for the rows of ``frame`` (the
    inputs of indicators with these rules), lazily."""
    p = ind.precision
    threshold, upper = ind.threshold.bounds(_PolarsColumns(ind))
    needs = ind.threshold.needs
    actual, target = pl.col("actual_scaled"), pl.col("threshold_scaled")
    upper_bound, baseline = pl.col("upper_scaled"), pl.col("baseline_scaled")
    frame = frame.with_columns(
        actual_scaled=_rescale(pl.col("actual_raw"), SCALE, p),
        baseline_scaled=_rescale(pl.col("baseline_raw"), SCALE, p),
        reference_scaled=_rescale(pl.col("reference_raw"), SCALE, p),
        threshold_scaled=threshold,
        upper_scaled=upper if upper is not None else pl.lit(None, dtype=INT),
    )
    missing = (
        pl.when(actual.is_null())
        .then(pl.col("missing_actual"))
        .when(target.is_null())
        .then(pl.lit(needs))
    )
    frame = frame.with_columns(missing=missing.otherwise(pl.lit(None, dtype=pl.String)))
    comparable = pl.col("applicable") & pl.col("missing").is_null()
    op = ind.operator
    met = {
        ">=": actual >= target,
        ">": actual > target,
        "<=": actual <= target,
        "<": actual < target,
    }.get(op, (actual >= target) & (actual <= upper_bound))
    margin = (
        pl.min_horizontal(actual - target, upper_bound - actual)
        if op == "between"
        else _good(ind, actual - target)
    )
    num, den = (actual, target) if ind.direction == "higher" else (target, actual)
    gain = _good(ind, actual - baseline)
    frame = frame.with_columns(
        status=pl.when(~pl.col("applicable"))
        .then(pl.lit("not_applicable"))
        .when(pl.col("missing").is_not_null())
        .then(pl.lit("not_evaluated"))
        .when(met)
        .then(pl.lit("met"))
        .otherwise(pl.lit("not_met")),
        margin_scaled=pl.when(comparable).then(margin),
        completion_tenths=pl.when(comparable & (den != 0)).then(_div_half_up(num * _lit(1000), den))
        if op != "between"
        else pl.lit(None, dtype=INT),
        growth_tenths=pl.when(baseline > 0).then(_div_half_up(gain * _lit(1000), baseline)),
        # A rule not applicable to the county counts in no total (docs/semantics.md).
        **{
            f"over_{percent}": (
                pl.col("applicable") & (baseline > 0) & (gain * 100 > baseline * percent)
            ).fill_null(False)
            for percent in (50, 100)
        },
    )
    frame = frame.with_columns(
        score_hundredths=_score(ind) if ind.scored else pl.lit(None, dtype=INT)
    )
    return frame


def _score(ind: _Rules) -> Expr:
    """Hundredths of a score, as engine.infer.scoring.rule_score computes it."""
    actual, target = pl.col("actual_scaled"), pl.col("threshold_scaled")
    num, den = (actual, target) if ind.direction == "higher" else (target, actual)
    ratio = (
        _div_half_up(num * _lit(10_000), den).clip(0, 10_000)
        if ind.operator != "between"
        else _lit(0)
    )
    status = pl.col("status")
    return (
        pl.when(status == "not_applicable")
        .then(pl.lit(None, dtype=INT))
        .when(status == "met")
        .then(_lit(10_000))
        .when((status == "not_met") & (den > 0))
        .then(ratio)
        .otherwise(_lit(0))
    )


def _beyond_durable_rules(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The compared values durable-rules could not take (beyond 2**53 at precision)."""
    return frame.filter(
        pl.col("applicable")
        & pl.col("missing").is_null()
        & (
            (pl.col("actual_scaled").abs() > MAX_SCALED)
            | (pl.col("threshold_scaled").abs() > MAX_SCALED)
        )
    ).select("rule_index", "county_index", "actual_scaled", "threshold_scaled")


def _refuse_too_large(
    ruleset: Ruleset,
    columns: list[_Column],
    counties: Sequence[CountyData] | None,
    hits: pl.DataFrame,
) -> None:
    """The durable-rules path takes integers up to 2**53 only and refuses a comparable value
    beyond that; this path must refuse the same value with the same message (the first county,
    then the first indicator, actual before threshold). ``hits``: every such value's rule
    index, county index, actual and threshold."""
    if hits.is_empty():
        return
    if counties is None:  # read by the fast loader: let the general one name the row
        raise VectorUnsupported("a value too large to compare exactly")
    found: list[tuple[int, int, int, DataError]] = []
    first = hits.sort("rule_index", "county_index").unique("rule_index", keep="first")
    for rule_index, i, a, t in first.iter_rows():
        ind, col = ruleset.indicators[rule_index], columns[rule_index]
        value = a if abs(a) > MAX_SCALED else t
        try:
            to_scaled(Decimal(value).scaleb(-ind.precision), ind.precision)
        except OverflowError as exc:
            error = DataError(str(exc), row=col.rows[i], indicator=ind.id)
            found.append((i, rule_index, 0, in_county(error, counties[i])))
    if found:
        raise min(found, key=lambda hit: hit[:3])[3]


def _outcomes(
    ruleset: Ruleset,
    columns: list[_Column],
    names: list[tuple[str, int | None]],
    counties: Sequence[CountyData] | None,
) -> Outcomes:
    index = pl.Series("county_index", range(len(names)), dtype=pl.UInt32)
    alike: dict[tuple[object, ...], list[int]] = {}
    for k, ind in enumerate(ruleset.indicators):
        alike.setdefault(_Rules.of(ruleset, ind).key, []).append(k)
    found: dict[int, IndicatorOutcomes] = {}
    checks = []
    for members in alike.values():
        rules = _Rules.of(ruleset, ruleset.indicators[members[0]])
        inputs = pl.concat([_inputs(columns[k], index, k) for k in members])
        # Cached: the outcomes and the check read one computation (in one collect_all).
        decided = _decided(rules, inputs.lazy()).cache()
        block = Block(decided.select(*OUTCOME_SCHEMA, "rule_index"), tuple(members))
        for k in members:
            ind, col = ruleset.indicators[k], columns[k]
            absent = col.absent_inputs if ind.derived and any(col.absent_inputs) else None
            frame = block.frame.filter(pl.col("rule_index") == k).drop("rule_index")
            found[k] = IndicatorOutcomes(ind, frame, absent, block)
        checks.append(_beyond_durable_rules(decided))
    indicators = [found[k] for k in range(len(ruleset.indicators))]

    def verify(hits: list[pl.DataFrame]) -> None:
        _refuse_too_large(ruleset, columns, counties, pl.concat(hits))

    return Outcomes(
        ruleset=ruleset,
        engine="vector",
        counties=names,
        indicators=indicators,
        checks=checks,
        verify=verify,
    )


def evaluate(ruleset: Ruleset, counties: Sequence[CountyData]) -> Outcomes:
    """Every indicator for every county (counties in order, indicators in ruleset order)."""
    columns = [_gather(ruleset, ind, counties) for ind in ruleset.indicators]
    return _outcomes(ruleset, columns, [(c.county, c.year) for c in counties], counties)


def evaluate_table(ruleset: Ruleset, table: FastTable) -> Outcomes:
    """The same for a table read by the fast loader (no derived or restricted indicators)."""
    n = len(table.counties)
    # The same for every indicator: made once (a series is never changed in place).
    applicable = pl.repeat(True, n, dtype=pl.Boolean, eager=True)
    missing_actual = pl.repeat("actual", n, dtype=pl.String, eager=True)
    absent: list[tuple[str, ...]] = [()] * n
    rows: list[int | None] = [None] * n
    columns = [
        _Column(
            actual=v["actual"],
            baseline=v["baseline"],
            target=v["target"],
            reference=v["reference"],
            applicable=applicable,
            missing_actual=missing_actual,
            absent_inputs=absent,
            rows=rows,
        )
        for v in (table.values[ind.id] for ind in ruleset.indicators)
    ]
    names = list(zip(table.counties, table.years, strict=True))
    return _outcomes(ruleset, columns, names, None)


class VectorEvaluator:
    """Every rule for every county at once, in polars (nothing is computed until the outcomes
    are collected, so ``advance`` is not told anything)."""

    name: Final[Engine] = "vector"

    def evaluate(
        self,
        ruleset: Ruleset,
        counties: Sequence[CountyData],
        *,
        advance: Advance | None = None,
    ) -> Outcomes:
        return evaluate(ruleset, counties)


VECTOR = VectorEvaluator()
