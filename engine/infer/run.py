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
from engine.model.result import Status, VerdictValue
from engine.model.ruleset import Ruleset


@dataclass(frozen=True)
class Outcome:
    resolved: ResolvedIndicator
    status: Status
    fired: str | None


@dataclass(frozen=True)
class Tally:
    binding_total: int
    binding_met: int
    binding_not_met: int
    binding_not_evaluated: int
    expected_total: int
    expected_met: int
    expected_not_evaluated: int
    expected_required_share: Decimal


@dataclass(frozen=True)
class Inference:
    outcomes: list[Outcome]
    tally: Tally
    verdict: VerdictValue
    verdict_rules: list[str]  # the verdict rules that fired, in the order of VERDICT_FAIL_RULES


def _status(r: ResolvedIndicator, fired: set[str]) -> tuple[Status, str | None]:
    met, not_met = met_rule(r.indicator.id), not_met_rule(r.indicator.id)
    hits = [name for name in (met, not_met) if name in fired]
    expected_to_fire = r.missing is None
    if len(hits) > 1 or (len(hits) == 1) != expected_to_fire:
        raise RuleEngineError(
            f"indicator {r.indicator.id}: rules fired {hits} but values "
            f"{'present' if expected_to_fire else 'missing'}"
        )
    if not hits:
        return "not_evaluated", None
    return ("met" if hits[0] == met else "not_met"), hits[0]


def tally(ruleset: Ruleset, outcomes: list[Outcome]) -> Tally:
    def count(kind: str, status: Status) -> int:
        return sum(o.status == status and o.resolved.indicator.kind == kind for o in outcomes)

    return Tally(
        binding_total=sum(o.resolved.indicator.kind == "binding" for o in outcomes),
        binding_met=count("binding", "met"),
        binding_not_met=count("binding", "not_met"),
        binding_not_evaluated=count("binding", "not_evaluated"),
        expected_total=sum(o.resolved.indicator.kind == "expected" for o in outcomes),
        expected_met=count("expected", "met"),
        expected_not_evaluated=count("expected", "not_evaluated"),
        expected_required_share=ruleset.verdict_policy.expected_min_share,
    )


def verdict_fact(t: Tally) -> dict[str, int]:
    """The summary fact the verdict rules decide on (integers only; shares cross-multiplied)."""
    required_bp = int(t.expected_required_share * 100)  # at most 2 decimals: exact
    return {
        SEEN_FIELD: 1,
        "binding_not_met": t.binding_not_met,
        "binding_not_evaluated": t.binding_not_evaluated,
        "expected_met_x": t.expected_met * 10_000,
        "expected_required_x": required_bp * t.expected_total,
    }


def infer(
    ruleset: Ruleset, compiled: CompiledRuleset, resolved: list[ResolvedIndicator]
) -> Inference:
    engine = durable_rules()
    fired = set(engine.fire(compiled.indicator_ruleset, compiled.indicator_rules,
                            county_fact(compiled, resolved)))
    if SEEN_RULE not in fired:
        raise RuleEngineError("the county fact was not seen by the indicator rules")
    outcomes = [Outcome(r, *_status(r, fired)) for r in resolved]
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
