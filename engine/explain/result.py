"""Build the result: every rule's numbers and reason, the summary and the verdict's reasons.

All arithmetic is on the Decimals the rules compared (already rounded to precision); a rule's
figures (margin, completion, growth) are the decision's (engine.infer.run), rounded half-up
for display, while the growth profile compares exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from engine.compile.rules import REQUIREMENT_NOT_MET
from engine.decimals import divide
from engine.explain.messages import OPERATOR_SYMBOLS, notice, reason, with_unit
from engine.infer.evaluator import Tally
from engine.infer.run import PERCENT_PLACES as PERCENT_PLACES
from engine.infer.run import Inference, Outcome, completion, grew_more_than, growth, margin
from engine.infer.scoring import weight
from engine.model.county import CountyData
from engine.model.result import (
    Notice,
    Reason,
    Result,
    RuleResult,
    RulesetRef,
    Status,
    Summary,
    TextItemResult,
)
from engine.model.ruleset import (
    Indicator,
    LocalizedText,
    Ruleset,
)
from engine.units import conversion_factor

SHARE_PLACES = 2


def scope(ruleset: Ruleset, ind: Indicator) -> LocalizedText:
    """The counties an indicator applies to, by theme and type names."""
    assert ind.applies_to is not None
    names = {c.id: c.name for c in (*ruleset.themes, *ruleset.county_types)}
    chosen = [names[i] for i in (ind.applies_to.themes or []) + (ind.applies_to.county_types or [])]
    return LocalizedText(zh="、".join(n.zh for n in chosen), en=", ".join(n.en for n in chosen))


def rule_reason(
    ruleset: Ruleset,
    ind: Indicator,
    status: Status,
    *,
    missing: str | None,
    missing_inputs: Sequence[str],
    actual: Decimal | None,
    threshold: Decimal | None,
    upper: Decimal | None,
    built_from: Decimal | None,
    margin: Decimal | None,
) -> Reason:
    """Why a rule has its status, in both languages, from the values it compared (rounded to
    the indicator's precision), the county value the threshold was built from (see
    :func:`built_from`) and its margin; shared by the single-county result and the batch worded
    county by county (engine.explain.vector)."""
    if status == "not_applicable":
        return reason("not_applicable", scope=scope(ruleset, ind))
    if status == "not_evaluated":
        return reason(
            f"{missing}_missing",
            label=ind.threshold.missing_label,
            inputs=names([ruleset.data_items[i] for i in missing_inputs]),
            formula=ind.derived.formula if ind.derived else None,
        )
    assert margin is not None
    if upper is not None:
        return reason(
            f"between_{status}",
            actual=with_unit(actual, ind.unit),
            low=with_unit(threshold, ind.unit),
            high=with_unit(upper, ind.unit),
            margin=with_unit(abs(margin), ind.unit),
        )
    label = ind.threshold.explained_label(with_unit(built_from, ind.unit), ind.unit, ind.direction)
    operator = ind.operator
    assert operator != "between"
    # Equal to the threshold and not met: a strict operator (> or <); "short by 0" would puzzle.
    code = "not_met_equal" if status == "not_met" and margin == 0 else status
    return reason(
        code,
        actual=with_unit(actual, ind.unit),
        threshold=with_unit(threshold, ind.unit),
        threshold_label=label,
        op=OPERATOR_SYMBOLS[operator],
        margin=with_unit(abs(margin), ind.unit),
    )


def _rule_reason(ruleset: Ruleset, o: Outcome, m: Decimal | None) -> Reason:
    r = o.resolved
    return rule_reason(
        ruleset,
        r.indicator,
        o.status,
        missing=r.missing,
        missing_inputs=r.missing_inputs,
        actual=r.actual,
        threshold=r.threshold,
        upper=r.upper,
        built_from=built_from(
            r.indicator, threshold=r.threshold, baseline=r.baseline, reference=r.reference
        ),
        margin=m,
    )


def built_from(
    ind: Indicator,
    *,
    threshold: Decimal | None,
    baseline: Decimal | None,
    reference: Decimal | None,
) -> Decimal | None:
    """The county value the indicator's threshold is built from (the threshold itself when it
    is written in the ruleset or is the county's target)."""
    return {"baseline": baseline, "reference": reference}.get(ind.threshold.needs or "", threshold)


def rule_result(ruleset: Ruleset, o: Outcome) -> RuleResult:
    r = o.resolved
    ind = r.indicator
    m = margin(o)
    return RuleResult(
        id=ind.id,
        name=ind.name,
        kind=ind.kind,
        category=ind.category,
        status=o.status,
        actual=r.actual,
        threshold=r.threshold,
        threshold_upper=r.upper,
        threshold_kind=ind.threshold.kind,
        operator=ind.operator,
        direction=ind.direction,
        unit=ind.unit,
        precision=ind.precision,
        margin=m,
        completion=completion(o),
        baseline=r.baseline,
        reference=r.reference if ind.threshold.needs == "reference" else None,
        growth=growth(o),
        fired=o.fired,
        score=o.score,
        weight=weight(r) if ruleset.scored else None,
        derived=ind.derived.formula if ind.derived else None,
        reason=_rule_reason(ruleset, o, m),
        converted_from=r.values.converted_from if r.values else None,
        source=r.values.source if r.values else None,
        row=r.values.row if r.values else None,
        # The dossier: the data row's department, else the ruleset's (its Chinese text, the
        # body's official name, whatever the report's language); the row's evidence.
        measure=ind.measure,
        department=(r.values.department if r.values else None)
        or (ind.department if isinstance(ind.department, str | None) else ind.department.zh),
        evidence=list(r.values.evidence) if r.values and r.values.evidence is not None else None,
    )


def _worse(ind: Indicator, a: Decimal, b: Decimal) -> bool:
    """``a`` is worse than ``b`` in the indicator's good direction."""
    return a < b if ind.direction == "higher" else a > b


def intake_notices(county: CountyData) -> list[Notice]:
    """What reading the file noticed (markers read as missing, rows skipped, columns kept)."""
    return [
        notice(
            n.code,
            n.indicator,
            **n.params,
            **({"row": str(n.row)} if n.row is not None else {}),
            **({"field": n.field} if n.field is not None else {}),
        )
        for n in county.notes
    ]


def warnings(outcomes: list[Outcome]) -> list[Notice]:
    """Conversions made and values that look wrong; none of them changes the verdict."""
    found: list[Notice] = []
    both_present = []
    for o in outcomes:
        r = o.resolved
        ind, values = r.indicator, r.values
        if values is not None and values.converted_from is not None:
            factor = conversion_factor(values.converted_from, ind.unit)
            found.append(
                notice(
                    "unit_converted",
                    ind.id,
                    name=ind.name,
                    given=values.converted_from,
                    unit=ind.unit,
                    factor=f"{factor:f}",
                )
            )
        if ind.unit == "%" and r.actual is not None and r.actual > 100:
            found.append(
                notice(
                    "share_over_100", ind.id, name=ind.name, actual=with_unit(r.actual, ind.unit)
                )
            )
        if grew_more_than(o, 1000):
            found.append(notice("growth_over_1000", ind.id, name=ind.name, growth=f"{growth(o)}%"))
        target = r.target
        if target is not None and r.baseline is not None and _worse(ind, target, r.baseline):
            found.append(
                notice(
                    "target_below_baseline",
                    ind.id,
                    name=ind.name,
                    target=with_unit(target, ind.unit),
                    baseline=with_unit(r.baseline, ind.unit),
                )
            )
        if target is not None and r.actual is not None:
            both_present.append(r.actual == target)
    if len(both_present) >= 2 and all(both_present):
        found.append(notice("actual_equals_target_everywhere", count=len(both_present)))
    return found


class Named(Protocol):
    """Anything listed by name and id: indicators, inputs, text items, planning rows."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> LocalizedText: ...


def names(items: Sequence[Named]) -> LocalizedText:
    return LocalizedText(
        zh="、".join(f"{i.name.zh}({i.id})" for i in items) or "—",
        en="; ".join(f"{i.name.en} ({i.id})" for i in items) or "—",
    )


def verdict_reasons(
    ruleset: Ruleset,
    t: Tally,
    verdict_rules: Sequence[str],
    binding_by_status: Mapping[str, Sequence[Indicator]],
    share: Decimal | None,
) -> list[Reason]:
    """The verdict's reasons, one per verdict rule that fired (shared by both evaluators)."""
    params = {
        "binding_met": t.binding_met,
        "binding_total": t.binding_total,
        "expected_met": t.expected_met,
        "expected_total": t.expected_total,
        "share": None if share is None else f"{share}%",
        "required": None if t.expected_required_share is None else f"{t.expected_required_share}%",
        "score": t.score,
        "pass_mark": t.pass_mark,
    }
    scoring = ruleset.scored
    reasons = []
    for rule in verdict_rules:
        if rule in ("binding_not_met", "binding_not_evaluated"):
            status = rule.removeprefix("binding_")
            reasons.append(reason(rule, indicators=names(binding_by_status.get(status, []))))
        elif rule == REQUIREMENT_NOT_MET:
            reasons.append(reason("score_below" if scoring else "expected_share_below", **params))
        else:
            reasons.append(reason("pass_score" if scoring else "pass", **params))
    return reasons


def _verdict_reasons(ruleset: Ruleset, inference: Inference, share: Decimal | None) -> list[Reason]:
    by_status: dict[str, list[Indicator]] = {}
    for o in inference.outcomes:
        if o.resolved.indicator.kind == "binding":
            by_status.setdefault(o.status, []).append(o.resolved.indicator)
    return verdict_reasons(ruleset, inference.tally, inference.verdict_rules, by_status, share)


def share_of(met: int, total: int) -> Decimal | None:
    return None if total == 0 else divide(Decimal(met * 100), Decimal(total), SHARE_PLACES)


def ruleset_ref(ruleset: Ruleset) -> RulesetRef:
    """The ruleset's identity, and the chain of rulesets it extends."""
    return RulesetRef(
        id=ruleset.id,
        version=ruleset.version,
        title=ruleset.title,
        content_hash=ruleset.content_hash,
        file=ruleset.source_path.name if ruleset.source_path else None,
        extends=[
            ruleset_ref(parent).model_copy(update={"extends": []}) for parent in ruleset.ancestors
        ],
    )


def text_items(ruleset: Ruleset, county: CountyData) -> list[TextItemResult]:
    return [
        TextItemResult(id=item.id, name=item.name, text=values.note if values else None)
        for item in ruleset.text_items
        for values in [county.values.get(item.id)]
    ]


def build_result(ruleset: Ruleset, county: CountyData, inference: Inference) -> Result:
    t = inference.tally
    share = share_of(t.expected_met, t.expected_total)
    summary = Summary(
        binding_met=t.binding_met,
        binding_total=t.binding_total,
        binding_not_evaluated=t.binding_not_evaluated,
        expected_met=t.expected_met,
        expected_total=t.expected_total,
        expected_not_evaluated=t.expected_not_evaluated,
        expected_share=share,
        expected_required_share=t.expected_required_share,
        not_applicable=t.not_applicable,
        score=t.score,
        pass_mark=t.pass_mark,
        growth_over_50=sum(grew_more_than(o, 50) for o in inference.outcomes),
        growth_over_100=sum(grew_more_than(o, 100) for o in inference.outcomes),
        growth_evaluated=sum(
            growth(o) is not None and o.status != "not_applicable" for o in inference.outcomes
        ),
    )
    return Result(
        verdict=inference.verdict,
        verdict_reasons=_verdict_reasons(ruleset, inference, share),
        county=county.county,
        ruleset=ruleset_ref(ruleset),
        data_file=county.data_file,
        reference_file=county.reference_file,
        summary=summary,
        warnings=[*intake_notices(county), *warnings(inference.outcomes)],
        rules=[rule_result(ruleset, o) for o in inference.outcomes],
        text_items=text_items(ruleset, county),
    )
