"""Fire the compiled rules for one county and let durable-rules decide the verdict.

The per-indicator status is the rule that fired: ``met__<id>`` or ``not_met__<id>``; neither means
not evaluated. The invariants are checked, not assumed: an indicator with both values present must
have fired exactly one rule, one with a value missing must have fired none.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.compile.facts import ResolvedIndicator, county_fact
from engine.compile.rules import (
    SEEN_FIELD,
    SEEN_RULE,
    VERDICT_FAIL_RULES,
    VERDICT_PASS,
    CompiledRuleset,
    met_rule,
    not_met_rule,
)
from engine.errors import RuleEngineError
from engine.infer.durable_adapter import durable_rules
from engine.infer.scoring import rule_score, total_score
from engine.model.result import Status, VerdictValue
from engine.model.ruleset import ExpectedSharePolicy, Ruleset


@dataclass(frozen=True)
class Outcome:
    resolved: ResolvedIndicator
    status: Status
    fired: str | None
    score: Decimal | None = None  # weighted_score policies only


@dataclass(frozen=True)
class Tally:
    binding_total: int
    binding_met: int
    binding_not_met: int
    binding_not_evaluated: int
    expected_total: int
    expected_met: int
    expected_not_evaluated: int
    not_applicable: int
    expected_required_share: Decimal | None  # binding_all_expected_share policies
    score: Decimal | None  # weighted_score policies
    pass_mark: Decimal | None


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


def tally(ruleset: Ruleset, outcomes: list[Outcome]) -> Tally:
    def count(kind: str, status: Status) -> int:
        return sum(o.status == status and o.resolved.indicator.kind == kind for o in outcomes)

    def total(kind: str) -> int:
        return sum(
            o.resolved.indicator.kind == kind and o.status != "not_applicable" for o in outcomes
        )

    policy = ruleset.verdict_policy
    share = score = pass_mark = None
    if isinstance(policy, ExpectedSharePolicy):
        share = policy.expected_min_share
    else:
        score = total_score([(o.resolved, o.score) for o in outcomes])
        pass_mark = policy.pass_mark
    return Tally(
        binding_total=total("binding"),
        binding_met=count("binding", "met"),
        binding_not_met=count("binding", "not_met"),
        binding_not_evaluated=count("binding", "not_evaluated"),
        expected_total=total("expected"),
        expected_met=count("expected", "met"),
        expected_not_evaluated=count("expected", "not_evaluated"),
        not_applicable=sum(o.status == "not_applicable" for o in outcomes),
        expected_required_share=share,
        score=score,
        pass_mark=pass_mark,
    )


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


def infer(
    ruleset: Ruleset, compiled: CompiledRuleset, resolved: list[ResolvedIndicator]
) -> Inference:
    engine = durable_rules()
    fired = set(
        engine.fire(
            compiled.indicator_ruleset, compiled.indicator_rules, county_fact(compiled, resolved)
        )
    )
    if SEEN_RULE not in fired:
        raise RuleEngineError("the county fact was not seen by the indicator rules")
    outcomes = []
    for r in resolved:
        status, rule = _status(r, fired)
        outcomes.append(Outcome(r, status, rule, rule_score(r, status) if ruleset.scored else None))
    t = tally(ruleset, outcomes)

    decided = set(engine.fire(compiled.verdict_ruleset, compiled.verdict_rules, verdict_fact(t)))
    failures = [name for name in VERDICT_FAIL_RULES if name in decided]
    passed = VERDICT_PASS in decided
    if passed == bool(failures):
        raise RuleEngineError(f"verdict rules fired inconsistently: {sorted(decided)}")
    return Inference(
        outcomes=outcomes,
        tally=t,
        verdict="PASS" if passed else "FAIL",
        verdict_rules=[VERDICT_PASS] if passed else failures,
    )
