"""Fire the compiled rules for a county, and let durable-rules decide the verdict.

The per-indicator status is the rule that fired: ``met__<id>`` or ``not_met__<id>``; neither means
not evaluated. The invariants are checked, not assumed: an indicator with both values present must
have fired exactly one rule, one with a value missing must have fired none.

:func:`decide_verdict` is the one place a verdict is decided, for one county (:func:`infer`) and
for every county of a batch, by either evaluator. :class:`ReteEvaluator` is the durable-rules
evaluator of a batch: this path county by county, its figures (margin, completion, growth) in
Decimal, as the single-county result has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Final

import polars as pl

from engine.compile.facts import ResolvedIndicator, county_fact, resolve
from engine.compile.rules import (
    SEEN_FIELD,
    SEEN_RULE,
    VERDICT_FAIL_RULES,
    VERDICT_PASS,
    CompiledRuleset,
    compile_ruleset,
    met_rule,
    not_met_rule,
)
from engine.decimals import divide, round_half_up
from engine.errors import DataError, RuleEngineError
from engine.infer.durable_adapter import durable_rules
from engine.infer.evaluator import (
    OUTCOME_SCHEMA,
    TALLY_COUNTS,
    Advance,
    Engine,
    IndicatorOutcomes,
    Outcomes,
    Tally,
    in_county,
    make_tally,
)
from engine.infer.scoring import rule_score, total_score
from engine.model.county import CountyData
from engine.model.result import Status, VerdictValue
from engine.model.ruleset import Indicator, Ruleset

PERCENT_PLACES = 1  # completion and growth, as officials quote them
_EXACT = Context(prec=80)  # enough digits for any figure scaled to an integer (no rounding)


@dataclass(frozen=True)
class Outcome:
    resolved: ResolvedIndicator
    status: Status
    fired: str | None
    score: Decimal | None = None  # weighted_score policies only


@dataclass(frozen=True)
class Verdict:
    value: VerdictValue
    rules: list[str]  # the verdict rules that fired: [pass], or the failing ones in order


@dataclass(frozen=True)
class Inference:
    outcomes: list[Outcome]
    tally: Tally
    verdict: VerdictValue
    verdict_rules: list[str]  # the verdict rules that fired, in the order of VERDICT_FAIL_RULES


def _status(r: ResolvedIndicator, fired: set[str]) -> tuple[Status, str | None]:
    met, not_met = met_rule(r.indicator.id), not_met_rule(r.indicator.id)
    hits = [name for name in (met, not_met) if name in fired]
    expected_to_fire = r.comparable
    if len(hits) > 1 or (len(hits) == 1) != expected_to_fire:
        raise RuleEngineError(
            f"indicator {r.indicator.id}: rules fired {hits} but values "
            f"{'present' if expected_to_fire else 'missing or not applicable'}"
        )
    if not r.applicable:
        return "not_applicable", None
    if not hits:
        return "not_evaluated", None
    return ("met" if hits[0] == met else "not_met"), hits[0]


def fire(
    ruleset: Ruleset, compiled: CompiledRuleset, resolved: list[ResolvedIndicator]
) -> list[Outcome]:
    """durable-rules fires the indicator rules on the county's fact; the statuses are what
    fired, checked against what could."""
    fired = set(
        durable_rules().fire(
            compiled.indicator_ruleset, compiled.indicator_rules, county_fact(compiled, resolved)
        )
    )
    if SEEN_RULE not in fired:
        raise RuleEngineError("the county fact was not seen by the indicator rules")
    outcomes = []
    for r in resolved:
        status, rule = _status(r, fired)
        outcomes.append(Outcome(r, status, rule, rule_score(r, status) if ruleset.scored else None))
    return outcomes


def tally(ruleset: Ruleset, outcomes: list[Outcome]) -> Tally:
    counts = {
        name: sum(
            o.status in statuses and kind in (None, o.resolved.indicator.kind) for o in outcomes
        )
        for name, (kind, statuses) in TALLY_COUNTS.items()
    }
    score = None if not ruleset.scored else total_score([(o.resolved, o.score) for o in outcomes])
    return make_tally(ruleset, counts, score)


def verdict_fact(t: Tally) -> dict[str, int]:
    """The summary fact the verdict rules decide on: integers only, shares cross-multiplied,
    scores in hundredths (both have at most 2 decimals, so the conversion is exact)."""
    if t.expected_required_share is not None:
        achieved = t.expected_met * 10_000
        required = int(t.expected_required_share * 100) * t.expected_total
    else:
        assert t.score is not None and t.pass_mark is not None
        achieved, required = int(t.score * 100), int(t.pass_mark * 100)
    return {
        SEEN_FIELD: 1,
        "binding_not_met": t.binding_not_met,
        "binding_not_evaluated": t.binding_not_evaluated,
        "achieved_x": achieved,
        "required_x": required,
    }


def decide_verdict(compiled: CompiledRuleset, t: Tally) -> Verdict:
    """durable-rules' verdict on a county's tally (one session); exactly one side must fire,
    the pass rule or at least one fail rule, else :class:`RuleEngineError`."""
    decided = set(
        durable_rules().fire(compiled.verdict_ruleset, compiled.verdict_rules, verdict_fact(t))
    )
    failures = [name for name in VERDICT_FAIL_RULES if name in decided]
    passed = VERDICT_PASS in decided
    if passed == bool(failures):
        raise RuleEngineError(f"verdict rules fired inconsistently: {sorted(decided)}")
    return Verdict("PASS", [VERDICT_PASS]) if passed else Verdict("FAIL", failures)


def infer(
    ruleset: Ruleset, compiled: CompiledRuleset, resolved: list[ResolvedIndicator]
) -> Inference:
    """One county: its rules fired, tallied, and its verdict decided."""
    outcomes = fire(ruleset, compiled, resolved)
    t = tally(ruleset, outcomes)
    verdict = decide_verdict(compiled, t)
    return Inference(outcomes=outcomes, tally=t, verdict=verdict.value, verdict_rules=verdict.rules)


# -- a rule's figures, in Decimal ---------------------------------------------------------------


def _good(ind: Indicator, delta: Decimal) -> Decimal:
    """A difference oriented so that positive is better."""
    return delta if ind.direction == "higher" else -delta


def margin(o: Outcome) -> Decimal | None:
    """How far on the right side of the threshold (negative: short by that much); for a between
    rule, the distance to the nearer bound."""
    r = o.resolved
    if not r.comparable:
        return None
    assert r.actual is not None and r.threshold is not None
    if r.upper is not None:
        return min(r.actual - r.threshold, r.upper - r.actual)
    return _good(r.indicator, r.actual - r.threshold)


def completion(o: Outcome) -> Decimal | None:
    ratio = o.resolved.ratio()
    return None if ratio is None else round_half_up(ratio * 100, PERCENT_PLACES)


def growth(o: Outcome) -> Decimal | None:
    r = o.resolved
    if r.actual is None or r.baseline is None or r.baseline <= 0:
        return None
    return divide(_good(r.indicator, r.actual - r.baseline) * 100, r.baseline, PERCENT_PLACES)


def grew_more_than(o: Outcome, percent: int) -> bool:
    """Exact: (actual − baseline) × 100 > percent × baseline, in the good direction; never for
    a rule not applicable to the county (it counts in no total, docs/semantics.md)."""
    r = o.resolved
    if o.status == "not_applicable" or r.actual is None or r.baseline is None or r.baseline <= 0:
        return False
    return _good(r.indicator, r.actual - r.baseline) * 100 > percent * r.baseline


# -- the durable-rules evaluator of a batch -----------------------------------------------------


def _scaled(value: Decimal | None, places: int) -> int | None:
    """An exact Decimal with at most ``places`` decimals as an integer in units of 10**-places
    (no bound: the outcome frame holds Int128)."""
    return None if value is None else int(value.scaleb(places, context=_EXACT))


class _Rows:
    """One indicator's outcome columns, filled county by county."""

    def __init__(self) -> None:
        self.columns: dict[str, list[object]] = {name: [] for name in OUTCOME_SCHEMA}
        self.absent_inputs: list[tuple[str, ...]] = []

    def add(self, county_index: int, o: Outcome) -> None:
        r, p = o.resolved, o.resolved.indicator.precision
        row = {
            "county_index": county_index,
            "applicable": r.applicable,
            "missing": r.missing,
            "status": o.status,
            "actual_scaled": _scaled(r.actual, p),
            "threshold_scaled": _scaled(r.threshold, p),
            "upper_scaled": _scaled(r.upper, p),
            "baseline_scaled": _scaled(r.baseline, p),
            "reference_scaled": _scaled(r.reference, p),
            "margin_scaled": _scaled(margin(o), p),
            "completion_tenths": _scaled(completion(o), PERCENT_PLACES),
            "growth_tenths": _scaled(growth(o), PERCENT_PLACES),
            "score_hundredths": _scaled(o.score, 2),
            "over_50": grew_more_than(o, 50),
            "over_100": grew_more_than(o, 100),
        }
        for name, value in row.items():
            self.columns[name].append(value)
        self.absent_inputs.append(r.missing_inputs)

    def outcomes(self, ind: Indicator) -> IndicatorOutcomes:
        frame = pl.DataFrame(self.columns, schema=OUTCOME_SCHEMA).lazy()
        absent = self.absent_inputs if any(self.absent_inputs) else None
        return IndicatorOutcomes(ind, frame, absent)


class ReteEvaluator:
    """durable-rules fires every rule, county by county: one short session per county (its
    verdict is a second one, :func:`decide_verdict`)."""

    name: Final[Engine] = "rete"

    def evaluate(
        self,
        ruleset: Ruleset,
        counties: Sequence[CountyData],
        *,
        advance: Advance | None = None,
    ) -> Outcomes:
        compiled = compile_ruleset(ruleset)
        rows = [_Rows() for _ in ruleset.indicators]
        for i, county in enumerate(counties):
            try:
                outcomes = fire(ruleset, compiled, resolve(ruleset, county))
            except DataError as exc:
                raise in_county(exc, county) from None
            for column, o in zip(rows, outcomes, strict=True):
                column.add(i, o)
            if advance is not None:
                advance(1)
        return Outcomes(
            ruleset=ruleset,
            engine=self.name,
            counties=[(c.county, c.year) for c in counties],
            indicators=[c.outcomes(ind) for c, ind in zip(rows, ruleset.indicators, strict=True)],
            columnar=False,
        )


RETE = ReteEvaluator()
