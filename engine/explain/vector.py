"""The explanation of a batch: every rule's numbers as text and its reason in both languages;
for the vectorised evaluator's outcomes every county at once, in polars, in the one collect that
computes them.

Whichever evaluator decided (:mod:`engine.infer.evaluator`), its outcomes are frames of exact
integers. A columnar evaluator's are lazy plans: :func:`explain` adds to each the texts the
single-county result prints (``2.50``, ``-0.06``; the reasons from the same catalogue templates,
filled with column parameters) and computes them all, decisions and texts, in one
``pl.collect_all`` (polars runs the independent plans in parallel). A county-by-county
evaluator's (durable-rules) are worded county by county with the single-county result's own
functions (engine.explain.result), as cheap as the evaluation itself and without polars' plan
and allocator overhead for each batch. ``tests/test_differential.py`` holds the two to each
other, text for text.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal
from string import Formatter
from typing import TYPE_CHECKING

import polars as pl

from engine.catalogue import REPORT as CATALOGUE
from engine.explain.messages import OPERATOR_SYMBOLS, reason
from engine.explain.result import built_from, names, rule_reason, scope
from engine.infer.evaluator import IndicatorOutcomes, Outcomes
from engine.model.result import Reason, Status
from engine.model.ruleset import Indicator, Ruleset

if TYPE_CHECKING:
    from polars import Expr

#: Stands for the reference value while a reason is split around it (a private-use character:
#: rulesets may hold no control character, and no ruleset text holds this one).
_SLOT = "\ue000"
LANGS = ("zh", "en")
#: The columns of :func:`explain`'s table, after ``county_index``; the numbers are texts
#: exactly as the single-county JSON prints them. ``over_50`` and ``over_100`` (booleans) are
#: the decision's, kept for the summary, as is ``score_hundredths`` (Int128) after them for a
#: scored ruleset.
EXPLAINED_COLUMNS = (
    "id",
    "kind",
    "status",
    "actual",
    "threshold",
    "threshold_upper",
    "margin",
    "completion",
    "baseline",
    "reference",
    "growth",
    "score",
    "reason_code",
    "reason_zh",
    "reason_en",
    "over_50",
    "over_100",
)


# -- numbers and sentences as columns ----------------------------------------------------------


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


# -- a group of indicators' texts, for every county --------------------------------------------


def _input_reasons(
    ruleset: Ruleset, members: Sequence[tuple[int, IndicatorOutcomes]]
) -> pl.LazyFrame:
    """A derived indicator's reason when inputs are missing: it names them, for each county
    and rule that lacks one."""
    found = [
        (i, k, reason("input_missing", inputs=names([ruleset.data_items[x] for x in absent])))
        for k, o in members
        if o.absent_inputs is not None
        for i, absent in enumerate(o.absent_inputs)
        if absent
    ]
    return pl.LazyFrame(
        {
            "county_index": pl.Series([i for i, _, _ in found], dtype=pl.UInt32),
            "rule_index": pl.Series([k for _, k, _ in found], dtype=pl.UInt32),
            **{
                f"input_{lang}": pl.Series([getattr(r, lang) for _, _, r in found], dtype=pl.String)
                for lang in LANGS
            },
        }
    )


def _fixed_reasons(ruleset: Ruleset, ind: Indicator) -> dict[str, Reason]:
    """Reasons that do not depend on the county's numbers."""
    label = ind.threshold.missing_label
    formula = ind.derived.formula if ind.derived else None
    found = {
        f"{code}_missing": reason(f"{code}_missing", label=label, formula=formula)
        for code in ("actual", "target", "baseline", "reference", "undefined")
    }
    found["not_applicable"] = reason(
        "not_applicable", scope=scope(ruleset, ind) if ind.applies_to is not None else None
    )
    return found


class _Params:
    """What differs between the indicators explained in one plan: a literal where every one
    has the same value, else a column of a small table joined on the rule's index (so that
    the plan's size does not grow with the number of indicators)."""

    def __init__(self, rule_indices: list[int]) -> None:
        self.rule_indices = rule_indices
        self.varying: dict[str, pl.Series] = {}

    def __call__(self, name: str, values: Sequence[object], dtype: type[pl.DataType]) -> Expr:
        if all(v == values[0] for v in values):
            return pl.lit(values[0], dtype=dtype)
        self.varying[name] = pl.Series(name, values, dtype=dtype)
        return pl.col(name)

    def joined(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        if not self.varying:
            return frame
        table = pl.LazyFrame(
            [pl.Series("rule_index", self.rule_indices, dtype=pl.UInt32), *self.varying.values()]
        )
        return frame.join(table, on="rule_index", how="left", maintain_order="left")


_equal_not_met = (pl.col("status") == "not_met") & (pl.col("margin_scaled") == 0)
_TEXTS = ("actual", "threshold", "upper", "baseline", "reference")


def _label(
    params: _Params, inds: Sequence[Indicator], lang: str, text: dict[str, Expr], unit: Expr
) -> Expr:
    """The kind's words for the threshold, with the county value it is built from where they
    name it (its place in the words marked by _SLOT)."""
    parts = []
    for ind in inds:
        words = ind.threshold.explained_label(_SLOT, ind.unit, ind.direction).get(lang)
        before, slot, after = words.partition(_SLOT)
        needs = ind.threshold.needs
        parts.append((before, after, (needs if needs in text else "threshold") if slot else None))
    words_before = params(f"label_before_{lang}", [b for b, _, _ in parts], pl.String)
    sources = [s for _, _, s in parts]
    if set(sources) == {None}:
        return words_before
    words_after = params(f"label_after_{lang}", [a for _, a, _ in parts], pl.String)
    source = params("label_source", sources, pl.String)
    found = sorted({s for s in sources if s is not None})
    value: Expr = pl.when(source == found[0]).then(text[found[0]])
    for name in found[1:]:
        value = pl.when(source == name).then(text[name]).otherwise(value)
    with_value = pl.concat_str([words_before, value, unit, words_after])
    return pl.when(source.is_not_null()).then(with_value).otherwise(words_before)


def _frames(members: Sequence[tuple[int, IndicatorOutcomes]]) -> list[pl.LazyFrame]:
    """The members' outcomes with their ``rule_index``: the evaluator's blocks whole where
    they hold exactly these indicators (no filter, no plan per indicator), else each one's."""
    blocks = {id(o.block): o.block for _, o in members if o.block is not None}
    held = sorted(k for b in blocks.values() for k in b.rule_indices)
    if len(blocks) and held == sorted(k for k, _ in members):
        return [b.frame for b in blocks.values()]
    return [o.frame.with_columns(rule_index=pl.lit(k, dtype=pl.UInt32)) for k, o in members]


def _explained(ruleset: Ruleset, members: Sequence[tuple[int, IndicatorOutcomes]]) -> pl.LazyFrame:
    """Texts for indicators of one precision and one operator family (every county of each):
    the numbers as the Decimal path prints them and the reason in both languages."""
    inds = [o.indicator for _, o in members]
    p, between = inds[0].precision, inds[0].operator == "between"
    params = _Params([k for k, _ in members])
    frame = pl.concat(_frames(members))
    unit = params("unit", [u if (u := i.unit) in ("%", "‰") else f" {u}" for i in inds], pl.String)
    # The numbers as texts once, in their own columns: every sentence below refers to them
    # (polars does not share an expression between contexts, so inline they were recomputed
    # for each sentence and again for the table).
    text_columns = {f"{name}_text": _text(pl.col(f"{name}_scaled"), p) for name in _TEXTS}
    text_columns["margin_text"] = _text(pl.col("margin_scaled"), p)
    text_columns["margin_abs_text"] = pl.concat_str([_text(pl.col("margin_scaled").abs(), p), unit])
    text = {name: pl.col(f"{name}_text") for name in _TEXTS}
    margin_abs = pl.col("margin_abs_text")
    actual = pl.concat_str([text["actual"], unit])
    threshold = pl.concat_str([text["threshold"], unit])
    fixed = [_fixed_reasons(ruleset, ind) for ind in inds]
    reasons: dict[str, Expr] = {}
    for lang in LANGS:
        if between:
            judged = {
                status: _fill(
                    f"between_{status}",
                    lang,
                    {
                        "actual": actual,
                        "low": threshold,
                        "high": pl.concat_str([text["upper"], unit]),
                        "margin": margin_abs,
                    },
                )
                for status in ("met", "not_met")
            }
        else:
            symbol = params("op_symbol", [OPERATOR_SYMBOLS[i.operator] for i in inds], pl.String)
            judged = {
                code: _fill(
                    code,
                    lang,
                    {
                        "actual": actual,
                        "threshold": threshold,
                        "threshold_label": _label(params, inds, lang, text, unit),
                        "op": symbol,
                        "margin": margin_abs,
                    },
                )
                for code in ("met", "not_met", "not_met_equal")
            }

        def said(code: str, lang: str = lang) -> Expr:
            return params(f"{code}_{lang}", [getattr(f[code], lang) for f in fixed], pl.String)

        branches = [(pl.col("status") == "not_applicable", said("not_applicable"))]
        if "not_met_equal" in judged:  # equal and not met: a strict operator (see result.py)
            branches.append((_equal_not_met, judged.pop("not_met_equal")))
        branches += [(pl.col("status") == status, sentence) for status, sentence in judged.items()]
        branches += [
            (pl.col("missing") == code, said(f"{code}_missing"))
            for code in ("actual", "target", "baseline", "reference", "undefined")
        ]
        expr = pl.when(branches[0][0]).then(branches[0][1])
        for condition, value in branches[1:]:
            expr = expr.when(condition).then(value)  # type: ignore[assignment]
        reasons[lang] = expr.otherwise(pl.lit(None, dtype=pl.String))
    none = pl.lit(None, dtype=pl.String)
    shows_reference = params(
        "shows_reference", [i.threshold.needs == "reference" for i in inds], pl.Boolean
    )
    ids = params("id", [i.id for i in inds], pl.String)
    kinds = params("kind", [i.kind for i in inds], pl.String)
    frame = params.joined(frame).with_columns(**text_columns)
    frame = frame.with_columns(
        reason_code=pl.when(pl.col("status") == "not_applicable")
        .then(pl.lit("not_applicable"))
        .when(pl.col("status") == "not_evaluated")
        .then(pl.concat_str([pl.col("missing"), pl.lit("_missing")]))
        .when(_equal_not_met if not between else pl.lit(False))
        .then(pl.lit("not_met_equal"))
        .otherwise(pl.concat_str([pl.lit("between_" if between else ""), pl.col("status")])),
        reason_zh=reasons["zh"],
        reason_en=reasons["en"],
    )
    if any(o.absent_inputs is not None for _, o in members):
        frame = frame.join(
            _input_reasons(ruleset, members),
            on=["county_index", "rule_index"],
            how="left",
            maintain_order="left",
        )
        is_input = (pl.col("status") == "not_evaluated") & (pl.col("missing") == "input")
        frame = frame.with_columns(
            pl.when(is_input)
            .then(pl.col(f"input_{lang}"))
            .otherwise(pl.col(f"reason_{lang}"))
            .alias(f"reason_{lang}")
            for lang in LANGS
        )
    return frame.select(
        "county_index",
        id=ids,
        kind=kinds,
        status="status",
        actual=text["actual"],
        threshold=text["threshold"],
        threshold_upper=text["upper"] if between else none,
        margin="margin_text",
        completion=_text(pl.col("completion_tenths"), 1),
        baseline=text["baseline"],
        reference=pl.when(shows_reference).then(text["reference"]).otherwise(none),
        growth=_text(pl.col("growth_tenths"), 1),
        score=_text(pl.col("score_hundredths"), 2) if ruleset.scored else none,
        reason_code="reason_code",
        reason_zh="reason_zh",
        reason_en="reason_en",
        over_50="over_50",
        over_100="over_100",
        **({"score_hundredths": pl.col("score_hundredths")} if ruleset.scored else {}),
        rule_index="rule_index",
    )


def explain(outcomes: Outcomes) -> pl.DataFrame:
    """One row per county and rule (counties in order, rules in ruleset order): ``county_index``,
    :data:`EXPLAINED_COLUMNS` (and ``score_hundredths`` for a scored ruleset), ``rule_index``.
    Columnar outcomes and their texts are computed in one collect, and the evaluator's checks
    run on the way (it may refuse what it found); county-by-county outcomes are worded row by
    row."""
    if not outcomes.columnar:
        return _worded_by_rule(outcomes)
    ruleset = outcomes.ruleset
    # One plan per precision and operator family, not per indicator: polars' cost per plan
    # and per expression is paid whatever the number of counties (most of a small batch's
    # time), while the texts cost the same per row in one plan as in many.
    groups: dict[tuple[int, bool], list[tuple[int, IndicatorOutcomes]]] = {}
    for k, o in enumerate(outcomes.indicators):
        key = (o.indicator.precision, o.indicator.operator == "between")
        groups.setdefault(key, []).append((k, o))
    plans = [_explained(ruleset, members) for members in groups.values()]
    # One collect for all groups: polars runs the independent plans in parallel.
    done = pl.collect_all([*plans, *outcomes.checks])
    outcomes.verified(done[len(plans) :])
    return pl.concat(done[: len(plans)]).sort("county_index", "rule_index")


# -- county by county --------------------------------------------------------------------------

_EXACT = Context(prec=80)
_TEXT_COLUMNS = {  # text column: outcome column, places (None: the indicator's precision)
    "actual": ("actual_scaled", None),
    "threshold": ("threshold_scaled", None),
    "threshold_upper": ("upper_scaled", None),
    "margin": ("margin_scaled", None),
    "completion": ("completion_tenths", 1),
    "baseline": ("baseline_scaled", None),
    "reference": ("reference_scaled", None),
    "growth": ("growth_tenths", 1),
    "score": ("score_hundredths", 2),
}


def _decimal(scaled: int | None, places: int) -> Decimal | None:
    """The Decimal the single-county path holds: ``277`` at 2 places is ``2.77``."""
    return None if scaled is None else Decimal(scaled).scaleb(-places, context=_EXACT)


def _worded_by_rule(outcomes: Outcomes) -> pl.DataFrame:
    """The same table, worded rule by rule with the single-county result's functions."""
    ruleset = outcomes.ruleset
    collected = [frame.to_dict(as_series=False) for frame in outcomes.collect()]
    scored = ("score_hundredths",) if ruleset.scored else ()
    columns: dict[str, list[object]] = {
        name: [] for name in ("county_index", *EXPLAINED_COLUMNS, *scored, "rule_index")
    }
    for i in range(len(outcomes.counties)):
        for k, (ind, found, rows) in enumerate(
            zip(ruleset.indicators, outcomes.indicators, collected, strict=True)
        ):
            values = {
                text: _decimal(rows[column][i], ind.precision if places is None else places)
                for text, (column, places) in _TEXT_COLUMNS.items()
            }
            status: Status = rows["status"][i]
            said = rule_reason(
                ruleset,
                ind,
                status,
                missing=rows["missing"][i],
                missing_inputs=found.absent_inputs[i] if found.absent_inputs else (),
                actual=values["actual"],
                threshold=values["threshold"],
                upper=values["threshold_upper"],
                built_from=built_from(
                    ind,
                    threshold=values["threshold"],
                    baseline=values["baseline"],
                    reference=values["reference"],
                ),
                margin=values["margin"],
            )
            if ind.threshold.needs != "reference":
                values["reference"] = None
            row = {
                "county_index": i,
                "id": ind.id,
                "kind": ind.kind,
                "status": status,
                **{text: None if v is None else str(v) for text, v in values.items()},
                "reason_code": said.code,
                "reason_zh": said.zh,
                "reason_en": said.en,
                "over_50": rows["over_50"][i],
                "over_100": rows["over_100"][i],
                "score_hundredths": rows["score_hundredths"][i],
                "rule_index": k,
            }
            for name, column in columns.items():
                column.append(row[name])
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        name: pl.String for name in EXPLAINED_COLUMNS
    }
    schema |= {
        "county_index": pl.UInt32,
        "over_50": pl.Boolean,
        "over_100": pl.Boolean,
        "score_hundredths": pl.Int128,
        "rule_index": pl.UInt32,
    }
    return pl.DataFrame(columns, schema={name: schema[name] for name in columns})
