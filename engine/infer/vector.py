"""The vectorised evaluator: every rule of a ruleset for every county at once, in polars.

It gives the same per-rule results as the durable-rules path (status, margin, completion,
growth, score and the reason in both languages, character for character); durable-rules still
decides every verdict, from one summary fact per county. The differential tests hold the two
paths and a plain Decimal reference to each other.

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

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from string import Formatter
from typing import TYPE_CHECKING

import polars as pl

from engine.catalogue import REPORT as CATALOGUE
from engine.compile.facts import _applicable, _derive
from engine.decimals import MAX_SCALED, decimals_of, to_scaled
from engine.errors import DataError
from engine.explain.messages import OPERATOR_SYMBOLS, THRESHOLD_LABELS, reason
from engine.explain.result import names, reference_label, scope
from engine.load.fast import FastTable
from engine.model.county import CountyData, IndicatorValues
from engine.model.result import Reason
from engine.model.ruleset import (
    AbsoluteThreshold,
    BetweenThreshold,
    GrowthThreshold,
    Indicator,
    ReferenceThreshold,
    Ruleset,
)

if TYPE_CHECKING:
    from polars import Expr

SCALE = 12  # decimals carried exactly; 10**12 × the loader's largest magnitude fits Int128
#: Stands for the reference value while a reason is split around it (a private-use character:
#: rulesets may hold no control character, and no ruleset text holds this one).
_SLOT = "\ue000"
INT = pl.Int128
LANGS = ("zh", "en")


class VectorUnsupported(Exception):
    """The data holds a number the vectorised path cannot carry exactly (more than SCALE
    decimals); the caller falls back to the durable-rules path."""


# -- exact integer arithmetic on columns -------------------------------------------------------


def _lit(value: int) -> Expr:
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


def _text(x: Expr, precision: int) -> Expr:
    """An integer scaled by 10**precision as the Decimal path prints it: ``2.50``, ``-0.06``."""
    digits = x.abs().cast(pl.String)
    sign = pl.when(x < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    if precision == 0:
        return pl.concat_str([sign, digits])
    padded = digits.str.zfill(precision + 1)
    return pl.concat_str(
        [sign, padded.str.head(-precision), pl.lit("."), padded.str.tail(precision)]
    )


def _with_unit(text: Expr, unit: str) -> Expr:
    return pl.concat_str([text, pl.lit(unit if unit in ("%", "‰") else f" {unit}")])


def _fill(code: str, lang: str, params: dict[str, Expr | str]) -> Expr:
    """A catalogue sentence with column parameters: the same wording as messages.render."""
    parts: list[Expr] = []
    for literal, field, _spec, _conv in Formatter().parse(CATALOGUE[code][lang]):
        if literal:
            parts.append(pl.lit(literal))
        if field is not None:
            value = params[field]
            parts.append(pl.lit(value) if isinstance(value, str) else value)
    return pl.concat_str(parts)


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
    """Per county: the raw numbers (scaled), applicability, and for derived indicators why the
    actual is missing."""

    actual: list[int | None] | pl.Series
    baseline: list[int | None] | pl.Series
    target: list[int | None] | pl.Series
    reference: list[int | None] | pl.Series
    applicable: list[bool]
    missing_actual: list[str]  # "actual", "input" or "undefined"
    absent_inputs: list[tuple[str, ...]]
    rows: list[int | None]  # the data row, for messages


def in_county(exc: DataError, county: CountyData) -> DataError:
    """A data error of one county of a batch, saying which."""
    year = (
        {"zh": f"({county.year}年)", "en": f" ({county.year})"}
        if county.year
        else {"zh": "", "en": ""}
    )
    return DataError(
        code="in_county",
        params={
            "county": county.county,
            "year": year,
            "problem": {"zh": exc.text("zh"), "en": exc.text("en")},
        },
        file=exc.file or (county.data_file.name if county.data_file else None),
        row=exc.row,
        indicator=exc.indicator,
        field=exc.field,
    )


_Gathered = tuple[
    int | None, int | None, int | None, int | None, bool, str, tuple[str, ...], int | None
]


def _gather(ruleset: Ruleset, ind: Indicator, counties: list[CountyData]) -> _Column:
    t = ind.threshold
    percent = isinstance(t, GrowthThreshold | ReferenceThreshold) and (
        getattr(t, "min_growth", None) is not None or getattr(t, "margin_percent", None) is not None
    )
    gathered: list[_Gathered] = []
    for county in counties:
        try:
            gathered.append(_gather_one(ruleset, ind, county, percent))
        except DataError as exc:
            raise in_county(exc, county) from None
    if not gathered:
        return _Column([], [], [], [], [], [], [], [])
    a, b, tg, r, applicable, missing, absent, rows = (list(c) for c in zip(*gathered, strict=True))
    return _Column(a, b, tg, r, applicable, missing, absent, rows)


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
    return (
        _scaled(numbers["actual"]),
        _scaled(numbers["baseline"], multiplied=percent),
        _scaled(numbers["target"]),
        _scaled(raw.reference, multiplied=percent),
        ind.applies_to is None or _applicable(ruleset, county, ind),
        missing,
        absent,
        raw.row,
    )


# -- one indicator's rules, for every county ---------------------------------------------------


def _beyond(base: Expr, amount: Decimal | None, percent: Decimal | None, ind: Indicator) -> Expr:
    """base (scaled by 10**SCALE) moved in the good direction, rounded to precision once."""
    sign = 1 if ind.direction == "higher" else -1
    if percent is not None:
        places = decimals_of(percent)
        factor = int((100 + sign * percent).scaleb(places))  # scaled by 10**(places + 2)
        return _rescale(base * _lit(factor), SCALE + places + 2, ind.precision)
    return _rescale(
        base + _lit(sign * int((amount or Decimal(0)).scaleb(SCALE))), SCALE, ind.precision
    )


def _threshold(ind: Indicator) -> tuple[Expr, Expr | None, str | None]:
    """The threshold at precision, the upper bound (between), and what is missing without it."""
    t, p = ind.threshold, ind.precision
    if isinstance(t, AbsoluteThreshold):
        return _lit(to_scaled(t.value, p)), None, None
    if isinstance(t, BetweenThreshold):
        return _lit(to_scaled(t.min, p)), _lit(to_scaled(t.max, p)), None
    if isinstance(t, GrowthThreshold):
        return _beyond(pl.col("b_raw"), t.min_increase, t.min_growth, ind), None, "baseline"
    if isinstance(t, ReferenceThreshold):
        return _beyond(pl.col("r_raw"), t.margin, t.margin_percent, ind), None, "reference"
    return _rescale(pl.col("t_raw"), SCALE, p), None, "target"


def _good(ind: Indicator, delta: Expr) -> Expr:
    return delta if ind.direction == "higher" else _neg(delta)


def _indicator_frame(
    ruleset: Ruleset, ind: Indicator, col: _Column, n: int
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """The compared values (county_index, A, T, applicable, missing) and the explained rows."""
    p = ind.precision
    frame = pl.DataFrame(
        {
            "county_index": pl.Series(range(n), dtype=pl.UInt32),
            "a_raw": pl.Series(col.actual, dtype=INT),
            "b_raw": pl.Series(col.baseline, dtype=INT),
            "t_raw": pl.Series(col.target, dtype=INT),
            "r_raw": pl.Series(col.reference, dtype=INT),
            "applicable": pl.Series(col.applicable, dtype=pl.Boolean),
            "missing_actual": pl.Series(col.missing_actual, dtype=pl.String),
            **_input_reasons(ruleset, ind, col),
        }
    ).lazy()
    threshold, upper, needs = _threshold(ind)
    a, t = pl.col("A"), pl.col("T")
    frame = frame.with_columns(
        A=_rescale(pl.col("a_raw"), SCALE, p),
        B=_rescale(pl.col("b_raw"), SCALE, p),
        REF=_rescale(pl.col("r_raw"), SCALE, p),
        T=threshold,
        U=upper if upper is not None else pl.lit(None, dtype=INT),
    )
    missing = (
        pl.when(pl.col("A").is_null())
        .then(pl.col("missing_actual"))
        .when(pl.col("T").is_null())
        .then(pl.lit(needs))
    )
    frame = frame.with_columns(missing=missing.otherwise(pl.lit(None, dtype=pl.String)))
    comparable = pl.col("applicable") & pl.col("missing").is_null()
    op = ind.operator
    met = {">=": a >= t, ">": a > t, "<=": a <= t, "<": a < t}.get(
        op, (a >= t) & (a <= pl.col("U"))
    )
    margin = pl.min_horizontal(a - t, pl.col("U") - a) if op == "between" else _good(ind, a - t)
    num, den = (a, t) if ind.direction == "higher" else (t, a)
    frame = frame.with_columns(
        status=pl.when(~pl.col("applicable"))
        .then(pl.lit("not_applicable"))
        .when(pl.col("missing").is_not_null())
        .then(pl.lit("not_evaluated"))
        .when(met)
        .then(pl.lit("met"))
        .otherwise(pl.lit("not_met")),
        M=pl.when(comparable).then(margin),
        C10=pl.when(comparable & (den != 0)).then(_div_half_up(num * _lit(1000), den))
        if op != "between"
        else pl.lit(None, dtype=INT),
        G10=pl.when(pl.col("B") > 0).then(
            _div_half_up(_good(ind, a - pl.col("B")) * _lit(1000), pl.col("B"))
        ),
        over_50=(
            (pl.col("B") > 0) & (_good(ind, a - pl.col("B")) * 100 > pl.col("B") * 50)
        ).fill_null(False),
        over_100=(
            (pl.col("B") > 0) & (_good(ind, a - pl.col("B")) * 100 > pl.col("B") * 100)
        ).fill_null(False),
    )
    if ruleset.scored:
        frame = frame.with_columns(S100=_score(ind))
    values = frame.select("county_index", "A", "T", "applicable", "missing")
    return values, _explained(ruleset, ind, frame, col)


def _score(ind: Indicator) -> Expr:
    """Hundredths of a score, as engine.infer.scoring.rule_score computes it."""
    a, t = pl.col("A"), pl.col("T")
    num, den = (a, t) if ind.direction == "higher" else (t, a)
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


def _input_reasons(ruleset: Ruleset, ind: Indicator, col: _Column) -> dict[str, pl.Series]:
    """A derived indicator's reason when inputs are missing: it names them, county by county."""
    if ind.derived is None or not any(col.absent_inputs):
        return {}
    found = [
        reason("input_missing", inputs=names([ruleset.data_items[i] for i in absent]))
        if absent
        else None
        for absent in col.absent_inputs
    ]
    return {
        f"input_{lang}": pl.Series(
            [getattr(r, lang) if r else None for r in found], dtype=pl.String
        )
        for lang in LANGS
    }


_equal_not_met = (pl.col("status") == "not_met") & (pl.col("M") == 0)


def _explained(ruleset: Ruleset, ind: Indicator, frame: pl.LazyFrame, col: _Column) -> pl.LazyFrame:
    """Texts: the numbers as the Decimal path prints them and the reason in both languages."""
    p, unit = ind.precision, ind.unit
    text = {name: _text(pl.col(name), p) for name in ("A", "T", "U", "B", "REF")}
    margin_abs = _with_unit(_text(pl.col("M").abs(), p), unit)
    actual, threshold = _with_unit(text["A"], unit), _with_unit(text["T"], unit)
    reasons: dict[str, Expr] = {}
    fixed = _fixed_reasons(ruleset, ind)
    for lang in LANGS:
        if ind.operator == "between":
            judged = {
                status: _fill(
                    f"between_{status}",
                    lang,
                    {
                        "actual": actual,
                        "low": threshold,
                        "high": _with_unit(text["U"], unit),
                        "margin": margin_abs,
                    },
                )
                for status in ("met", "not_met")
            }
        else:
            if isinstance(ind.threshold, ReferenceThreshold):
                before, after = getattr(reference_label(ind, _SLOT), lang).split(_SLOT)
                label: Expr | str = pl.concat_str(
                    [pl.lit(before), _with_unit(text["REF"], unit), pl.lit(after)]
                )
            else:
                label = THRESHOLD_LABELS[ind.threshold.kind].get(lang)
            symbol = OPERATOR_SYMBOLS[ind.operator]
            judged = {
                code: _fill(
                    code,
                    lang,
                    {
                        "actual": actual,
                        "threshold": threshold,
                        "threshold_label": label,
                        "op": symbol,
                        "margin": margin_abs,
                    },
                )
                for code in ("met", "not_met", "not_met_equal")
            }
        branches = [
            (pl.col("status") == "not_applicable", pl.lit(getattr(fixed["not_applicable"], lang)))
        ]
        if "not_met_equal" in judged:  # equal and not met: a strict operator (see explain.py)
            branches.append((_equal_not_met, judged.pop("not_met_equal")))
        branches += [(pl.col("status") == status, sentence) for status, sentence in judged.items()]
        branches += [
            (pl.col("missing") == code, pl.lit(getattr(fixed[f"{code}_missing"], lang)))
            for code in ("actual", "target", "baseline", "reference", "undefined")
        ]
        expr = pl.when(branches[0][0]).then(branches[0][1])
        for condition, value in branches[1:]:
            expr = expr.when(condition).then(value)  # type: ignore[assignment]
        reasons[lang] = expr.otherwise(pl.lit(None, dtype=pl.String))
    frame = frame.with_columns(
        reason_code=pl.when(pl.col("status") == "not_applicable")
        .then(pl.lit("not_applicable"))
        .when(pl.col("status") == "not_evaluated")
        .then(pl.concat_str([pl.col("missing"), pl.lit("_missing")]))
        .when(_equal_not_met if ind.operator != "between" else pl.lit(False))
        .then(pl.lit("not_met_equal"))
        .otherwise(
            pl.concat_str(
                [pl.lit("between_" if ind.operator == "between" else ""), pl.col("status")]
            )
        ),
        reason_zh=reasons["zh"],
        reason_en=reasons["en"],
    )
    if ind.derived is not None and any(col.absent_inputs):
        is_input = (pl.col("status") == "not_evaluated") & (pl.col("missing") == "input")
        frame = frame.with_columns(
            pl.when(is_input)
            .then(pl.col(f"input_{lang}"))
            .otherwise(pl.col(f"reason_{lang}"))
            .alias(f"reason_{lang}")
            for lang in LANGS
        )
    none = pl.lit(None, dtype=pl.String)
    return frame.select(
        "county_index",
        id=pl.lit(ind.id),
        kind=pl.lit(ind.kind),
        status="status",
        actual=text["A"],
        threshold=text["T"],
        threshold_upper=text["U"] if ind.operator == "between" else none,
        margin=_text(pl.col("M"), p),
        completion=_text(pl.col("C10"), 1),
        baseline=text["B"],
        reference=text["REF"] if isinstance(ind.threshold, ReferenceThreshold) else none,
        growth=_text(pl.col("G10"), 1),
        score=_text(pl.col("S100"), 2) if ruleset.scored else none,
        reason_code="reason_code",
        reason_zh="reason_zh",
        reason_en="reason_en",
        over_50="over_50",
        over_100="over_100",
    )


def _fixed_reasons(ruleset: Ruleset, ind: Indicator) -> dict[str, Reason]:
    """Reasons that do not depend on the county's numbers."""
    label = ind.threshold.label if isinstance(ind.threshold, ReferenceThreshold) else None
    formula = ind.derived.formula if ind.derived else None
    found = {
        f"{code}_missing": reason(f"{code}_missing", label=label, formula=formula)
        for code in ("actual", "target", "baseline", "reference", "undefined")
    }
    found["not_applicable"] = reason(
        "not_applicable", scope=scope(ruleset, ind) if ind.applies_to is not None else None
    )
    return found


def _too_large(
    ruleset: Ruleset,
    counties: list[CountyData] | None,
    checked: list[tuple[Indicator, _Column, pl.DataFrame]],
) -> None:
    """The durable-rules path takes integers up to 2**53 only and refuses a comparable value
    beyond that; this path must refuse the same value with the same message (the first county,
    then the first indicator, actual before threshold)."""
    found: list[tuple[int, int, int, DataError]] = []
    for rule_index, (ind, col, frame) in enumerate(checked):
        hits = frame.filter(
            pl.col("applicable")
            & pl.col("missing").is_null()
            & ((pl.col("A").abs() > MAX_SCALED) | (pl.col("T").abs() > MAX_SCALED))
        )
        if hits.is_empty():
            continue
        if counties is None:  # read by the fast loader: let the general one name the row
            raise VectorUnsupported("a value too large to compare exactly")
        i, a, t = hits.row(0)[:3]
        value = a if abs(a) > MAX_SCALED else t
        try:
            to_scaled(Decimal(value).scaleb(-ind.precision), ind.precision)
        except OverflowError as exc:
            error = DataError(str(exc), row=col.rows[i], indicator=ind.id)
            found.append((i, rule_index, 0, in_county(error, counties[i])))
    if found:
        raise min(found, key=lambda hit: hit[:3])[3]


def evaluate(ruleset: Ruleset, counties: list[CountyData]) -> pl.DataFrame:
    """One row per county and indicator (counties in order, indicators in ruleset order): the
    per-rule results as texts, exactly as the Decimal path prints them."""
    columns = [_gather(ruleset, ind, counties) for ind in ruleset.indicators]
    return _evaluate(ruleset, columns, len(counties), counties)


def evaluate_table(ruleset: Ruleset, table: FastTable) -> pl.DataFrame:
    """The same for a table read by the fast loader (no derived or restricted indicators)."""
    n = len(table.counties)
    columns = [
        _Column(
            actual=v["actual"],
            baseline=v["baseline"],
            target=v["target"],
            reference=v["reference"],
            applicable=[True] * n,
            missing_actual=["actual"] * n,
            absent_inputs=[()] * n,
            rows=[None] * n,
        )
        for v in (table.values[ind.id] for ind in ruleset.indicators)
    ]
    return _evaluate(ruleset, columns, n, None)


def _evaluate(
    ruleset: Ruleset, columns: list[_Column], n: int, counties: list[CountyData] | None
) -> pl.DataFrame:
    plans = [
        _indicator_frame(ruleset, ind, col, n)
        for ind, col in zip(ruleset.indicators, columns, strict=True)
    ]
    # One collect for all indicators: polars runs the independent plans in parallel.
    done = pl.collect_all([plan for pair in plans for plan in pair])
    values, frames = done[0::2], done[1::2]
    _too_large(ruleset, counties, list(zip(ruleset.indicators, columns, values, strict=True)))
    order = {ind.id: i for i, ind in enumerate(ruleset.indicators)}
    return (
        pl.concat(frames)
        .with_columns(rule_index=pl.col("id").replace_strict(order, return_dtype=pl.UInt32))
        .sort("county_index", "rule_index")
    )
