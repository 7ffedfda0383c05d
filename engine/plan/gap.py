"""The gap to PASS: the smallest set of changes that turns a FAIL into a PASS, or, for a PASS,
the rules closest to failing.

For a FAIL, under the ruleset's own policy:

- every binding rule not met must be met, each at the nearest value that meets it (the
  threshold itself for ≥ and ≤, one step of the indicator's precision beyond it for > and <, the
  nearer bound of a range); no smaller set exists, since the policy needs every binding rule;
- then the fewest expected rules: for an expected-share policy, the missing count, smallest
  relative gaps first (rules without an actual value last); for a weighted score, the largest
  score gains first until the pass mark is reached.

The plan is then checked by the engine itself: the changes are applied to a copy of the data and
assessed; ``verdict_after`` is what durable-rules decided, not what this module expects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from engine.decimals import divide
from engine.explain.messages import FIELD_LABELS, VERDICT_LABELS, reason, with_unit
from engine.explain.result import names
from engine.infer.scoring import FULL, weighted_mean
from engine.model.county import CountyData
from engine.model.plan import Change, Closest, Plan, Suggestion
from engine.model.result import Reason, Result, RuleResult
from engine.model.ruleset import ExpectedSharePolicy, LocalizedText, Ruleset
from engine.model.thresholds import THRESHOLD_CLASSES
from engine.pipeline import assess, prepare
from engine.plan.whatif import apply_changes, assess_changed

RELATIVE_PLACES = 1
#: How many met rules a PASS plan lists as closest to failing.
CLOSEST = 5
_FIXABLE = ("not_met", "not_evaluated")


def required_value(rule: RuleResult) -> Decimal | None:
    """The nearest value at the rule's precision that meets it; None without a threshold."""
    if rule.threshold is None:
        return None
    return THRESHOLD_CLASSES[rule.threshold_kind].nearest_met(
        threshold=rule.threshold,
        upper=rule.threshold_upper,
        actual=rule.actual,
        precision=rule.precision,
        operator=rule.operator,
    )


def _gap(rule: RuleResult, required: Decimal | None) -> Decimal | None:
    if required is None or rule.actual is None:
        return None
    delta = required - rule.actual
    if rule.operator == "between":
        return abs(delta)
    return delta if rule.direction == "higher" else -delta


def _relative(amount: Decimal | None, base: Decimal | None) -> Decimal | None:
    if amount is None or base is None or base == 0:
        return None
    return divide(amount * 100, abs(base), RELATIVE_PLACES)


def _missing_field(rule: RuleResult) -> str:
    return rule.reason.code.removesuffix("_missing")


def suggestion(rule: RuleResult) -> Suggestion:
    required = required_value(rule)
    gap = _gap(rule, required)
    unit = rule.unit
    if required is None:
        missing = FIELD_LABELS.get(_missing_field(rule), FIELD_LABELS["input"])
        why = reason("suggest_threshold_data", missing=missing)
    elif rule.actual is None:
        why = reason("suggest_supply", required=with_unit(required, unit))
    elif rule.operator == "between":
        why = reason(
            "suggest_within",
            required=with_unit(required, unit),
            actual=with_unit(rule.actual, unit),
            low=with_unit(rule.threshold, unit),
            high=with_unit(rule.threshold_upper, unit),
        )
    else:
        code = "suggest_raise" if rule.direction == "higher" else "suggest_lower"
        why = reason(
            code,
            required=with_unit(required, unit),
            actual=with_unit(rule.actual, unit),
            gap=with_unit(gap, unit),
        )
    if rule.derived is not None and required is not None:
        why = reason(
            "suggest_derived", base=LocalizedText(zh=why.zh, en=why.en), formula=rule.derived
        )
    return Suggestion(
        id=rule.id,
        name=rule.name,
        kind=rule.kind,
        unit=unit,
        status=rule.status,
        actual=rule.actual,
        threshold=rule.threshold,
        required=required,
        gap=gap,
        relative_gap=_relative(gap, rule.threshold),
        settable=required is not None and rule.derived is None,
        reason=why,
    )


def _by_relative(amount: Decimal | None, base: Decimal | None) -> tuple[bool, bool, Decimal]:
    """Sort key: smallest amount relative to |base| first (exact, not the rounded figure); then
    amounts without a usable base (none, or zero), by themselves; missing amounts last. Ties
    keep the ruleset's order."""
    if amount is None:
        return (True, True, Decimal(0))
    if base is None or base == 0:
        return (True, False, amount)
    return (False, False, amount / abs(base))


def _by_relative_gap(s: Suggestion) -> tuple[bool, bool, Decimal]:
    return _by_relative(s.gap, s.threshold)


def _expected_needed(policy: ExpectedSharePolicy, expected_total: int) -> int:
    """How many expected rules the policy needs: the verdict rules' own cross-multiplication
    (the share has at most 2 decimals, validated)."""
    return -(-int(policy.expected_min_share * 100) * expected_total // 10_000)


def _expected_for_share(
    result: Result, policy: ExpectedSharePolicy, candidates: list[Suggestion]
) -> tuple[list[Suggestion], Reason | None, bool]:
    s = result.summary
    needed = _expected_needed(policy, s.expected_total)
    missing = max(0, needed - s.expected_met)
    ranked = sorted(candidates, key=_by_relative_gap)
    chosen = ranked[:missing]
    if not missing:
        return [], None, True
    why = reason(
        "plan_expected",
        count=missing,
        needed=needed,
        total=s.expected_total,
        required=f"{policy.expected_min_share}%",
        indicators=names(chosen),
    )
    return chosen, why, len(chosen) == missing


def _expected_for_score(
    result: Result, binding: list[Suggestion], candidates: list[Suggestion], pass_mark: Decimal
) -> tuple[list[Suggestion], Reason | None, bool]:
    rules = [r for r in result.rules if r.status != "not_applicable"]
    scores = {
        r.id: (
            Decimal(1) if r.weight is None else r.weight,
            Decimal(0) if r.score is None else r.score,
        )
        for r in rules
    }
    for fix in binding:
        scores[fix.id] = (scores[fix.id][0], FULL)

    def total() -> Decimal:
        return weighted_mean(list(scores.values()))

    def gain(c: Suggestion) -> Decimal:
        w, score = scores[c.id]
        return w * (FULL - score)

    before = total()
    # A rule of weight 0 (or already at 100) adds nothing: fixing it is never part of a plan.
    gains = sorted(
        (c for c in candidates if gain(c) > 0), key=lambda c: (-gain(c), _by_relative_gap(c))
    )
    chosen: list[Suggestion] = []
    for c in gains:
        if total() >= pass_mark:
            break
        chosen.append(c)
        scores[c.id] = (scores[c.id][0], FULL)
    if not chosen:
        return [], None, total() >= pass_mark
    why = reason(
        "plan_score", count=len(chosen), score=before, pass_mark=pass_mark, indicators=names(chosen)
    )
    return chosen, why, total() >= pass_mark


def _closest(result: Result) -> list[Closest]:
    met = []
    for r in result.rules:
        if r.status != "met" or r.actual is None or r.threshold is None or r.margin is None:
            continue
        base = r.threshold if r.operator != "between" else None
        met.append(
            Closest(
                id=r.id,
                name=r.name,
                kind=r.kind,
                unit=r.unit,
                actual=r.actual,
                threshold=r.threshold,
                margin=r.margin,
                relative_margin=_relative(r.margin, base),
            )
        )
    # Ranges have no relative margin (relative_margin is None): they sort by their margin.
    met.sort(
        key=lambda c: _by_relative(c.margin, None if c.relative_margin is None else c.threshold)
    )
    return met[:CLOSEST]


def _pass_plan(result: Result, ruleset: Ruleset) -> Plan:
    s = result.summary
    policy = ruleset.verdict_policy
    spare: int | None = None
    if isinstance(policy, ExpectedSharePolicy):
        needed = _expected_needed(policy, s.expected_total)
        spare = s.expected_met - needed
        why = reason("plan_pass_spare", met=s.expected_met, needed=needed, spare=spare)
    else:
        assert s.score is not None and s.pass_mark is not None
        why = reason(
            "plan_pass_score", score=s.score, pass_mark=s.pass_mark, spare=s.score - s.pass_mark
        )
    return Plan(
        verdict="PASS",
        binding=[],
        expected=[],
        reachable=True,
        verdict_after="PASS",
        set_options=[],
        closest=_closest(result),
        spare=spare,
        reasons=[why],
    )


def make_plan(result: Result, ruleset: Ruleset, county: CountyData) -> Plan:
    """The plan for ``result`` (the assessment of ``county`` under ``ruleset``)."""
    if result.verdict == "PASS":
        return _pass_plan(result, ruleset)
    binding = [suggestion(r) for r in result.rules if r.kind == "binding" and r.status in _FIXABLE]
    candidates = [
        suggestion(r) for r in result.rules if r.kind == "expected" and r.status in _FIXABLE
    ]
    candidates = [c for c in candidates if c.required is not None]
    policy = ruleset.verdict_policy
    if isinstance(policy, ExpectedSharePolicy):
        expected, expected_why, enough = _expected_for_share(result, policy, candidates)
    else:
        expected, expected_why, enough = _expected_for_score(
            result, binding, candidates, policy.pass_mark
        )
    reasons: list[Reason] = []
    if binding:
        reasons.append(reason("plan_binding", count=len(binding), indicators=names(binding)))
    if expected_why is not None:
        reasons.append(expected_why)
    if not enough:
        reasons.append(reason("plan_too_few"))
    blocked = [b for b in binding if b.required is None]
    if blocked:
        reasons.append(reason("plan_blocked", indicators=names(blocked)))
    chosen = [*binding, *expected]
    through_inputs = [c for c in chosen if c.required is not None and not c.settable]
    settable = [c for c in chosen if c.settable]
    assert all(c.required is not None for c in settable)
    suggested = {c.id for c in settable}
    earlier = (
        []
        if result.what_if is None
        else [  # a what-if's own changes, still needed
            f"{c.id}{'' if c.field == 'actual' else '.' + c.field}={c.after}"
            for c in result.what_if.changes
            if not (c.field == "actual" and c.id in suggested)
        ]
    )
    set_options = [*earlier, *(f"{c.id}={c.required}" for c in settable)]
    verdict_after = None
    reachable = enough and not blocked
    if through_inputs:
        reasons.append(reason("plan_through_inputs", indicators=names(through_inputs)))
    elif reachable:
        changes = [Change(id=c.id, value=c.required) for c in settable if c.required is not None]
        modified, _ = apply_changes(county, ruleset, changes)
        verdict_after = assess(modified, ruleset).verdict
        reasons.append(reason("plan_checked", verdict=VERDICT_LABELS[verdict_after]))
    return Plan(
        verdict="FAIL",
        binding=binding,
        expected=expected,
        reachable=reachable,
        verdict_after=verdict_after,
        set_options=set_options,
        closest=[],
        spare=None,
        reasons=reasons,
    )


def gap_to_pass(
    data: CountyData | str | Path,
    ruleset: Ruleset | str | Path,
    *,
    changes: Sequence[Change | str] = (),
    references: str | Path | Mapping[str, str | int | Decimal] | None = None,
    theme: str | None = None,
    county_type: str | None = None,
) -> Result:
    """Assess ``data`` (with what-if ``changes`` applied, if any) and attach its :class:`Plan`:
    for a FAIL, the fewest changes to PASS, checked by the engine; for a PASS, the margins."""
    county, ruleset = prepare(
        data, ruleset, references=references, theme=theme, county_type=county_type
    )
    if changes:
        county, result = assess_changed(county, ruleset, changes)
    else:
        result = assess(county, ruleset)
    return result.model_copy(update={"plan": make_plan(result, ruleset, county)})
