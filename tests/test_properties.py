"""Property tests of the threshold logic: the engine (real durable-rules) against the plain-Decimal
reference in tests/reference.py, plus invariants that need no reference."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

import engine
from tests import reference
from tests.helpers import scenarios


def assess(ruleset: engine.Ruleset, values: dict[str, dict]) -> engine.Result:
    return engine.assess(engine.CountyData.from_mapping("C", values), ruleset)


@given(scenarios())
def test_engine_agrees_with_the_decimal_reference(sc: tuple) -> None:
    ruleset, specs, values = sc
    result = assess(ruleset, values)
    expected = {s["id"]: reference.status(s, values[s["id"]]) for s in specs}
    assert {r.id: r.status for r in result.rules} == expected
    policy = ruleset.verdict_policy
    if policy.kind == "weighted_score":
        scores = {s["id"]: reference.score(s, values[s["id"]], expected[s["id"]]) for s in specs}
        assert {r.id: r.score for r in result.rules} == scores
        total = reference.total_score(specs, scores)
        assert result.summary.score == total
        assert 0 <= total <= 100
        assert result.verdict == reference.verdict(
            specs, expected, None, total=total, pass_mark=policy.pass_mark
        )
    else:
        assert result.verdict == reference.verdict(specs, expected, policy.expected_min_share)
    assert result.summary.growth_over_50 == sum(
        reference.grew_more_than(s, values[s["id"]], 50) for s in specs
    )
    assert result.summary.growth_over_100 == sum(
        reference.grew_more_than(s, values[s["id"]], 100) for s in specs
    )


@given(
    st.integers(0, 4),
    st.sampled_from([">=", ">", "<=", "<"]),
    st.integers(-(10**6), 10**6),
    st.sampled_from(["target", "absolute"]),
)
def test_equal_to_the_threshold_is_met_only_for_inclusive_operators(
    precision: int, op: str, n: int, kind: str
) -> None:
    value = Decimal(n).scaleb(-precision)
    direction = "higher" if op in (">=", ">") else "lower"
    threshold: dict[str, Any] = {"kind": kind, "operator": op}
    if kind == "absolute":
        threshold["value"] = value
    ruleset = engine.Ruleset.model_validate(
        {
            "id": "boundary",
            "version": "1",
            "title": {"zh": "边界", "en": "boundary"},
            "sources": [{"id": "g", "title": "t"}],
            "reconstruction": "t",
            "verdict_policy": {
                "kind": "binding_all_expected_share",
                "expected_min_share": 80,
                "basis": "t",
            },
            "indicators": [
                {
                    "id": "x",
                    "name": {"zh": "x", "en": "x"},
                    "category": {"zh": "c", "en": "c"},
                    "kind": "binding",
                    "unit": "个",
                    "precision": precision,
                    "direction": direction,
                    "threshold": threshold,
                    "provenance": "t",
                }
            ],
        }
    )
    result = assess(ruleset, {"x": {"actual": value, "target": value}})
    inclusive = op in (">=", "<=")
    assert result.rules[0].status == ("met" if inclusive else "not_met")
    assert result.verdict == ("PASS" if inclusive else "FAIL")
    assert result.rules[0].margin == 0


@given(st.integers(1, 10**6))
def test_values_that_round_half_up_to_the_target_are_met(n: int) -> None:
    ruleset = engine.load_ruleset("provincial-2021")
    ind = ruleset.indicators[0]  # fiscal_st_share, precision 2, ≥ target
    target = Decimal(n).scaleb(-ind.precision)
    half = Decimal(5).scaleb(-ind.precision - 1)
    hair = Decimal(1).scaleb(-ind.precision - 4)

    def status(actual: Decimal) -> str:
        return assess(ruleset, {ind.id: {"actual": actual, "target": target}}).rules[0].status

    assert status(target - half) == "met"  # 1.995 → 2.00
    assert status(target - half + hair) == "met"
    assert status(target - half - hair) == "not_met"  # 1.99499 → 1.99


@given(scenarios(), st.data())
def test_improving_an_actual_never_hurts(sc: tuple, data: st.DataObject) -> None:
    ruleset, specs, values = sc
    # A two-sided (between) rule has no better direction: moving out of the band fails it.
    present = [
        s
        for s in specs
        if values[s["id"]]["actual"] is not None and s["threshold"]["kind"] != "between"
    ]
    assume(present)
    spec = data.draw(st.sampled_from(present))
    step = Decimal(data.draw(st.integers(1, 10**6))).scaleb(-spec["precision"] - 2)
    better = dict(values)
    old = values[spec["id"]]["actual"]
    better[spec["id"]] = values[spec["id"]] | {
        "actual": old + step if spec["direction"] == "higher" else old - step
    }
    before, after = assess(ruleset, values), assess(ruleset, better)
    for b, a in zip(before.rules, after.rules, strict=True):
        assert not (b.status == "met" and a.status == "not_met"), b.id
        if b.score is not None:
            assert a.score is not None and a.score >= b.score, b.id
    assert not (before.verdict == "PASS" and after.verdict == "FAIL")


@given(scenarios(), st.data())
def test_a_missing_binding_actual_never_passes(sc: tuple, data: st.DataObject) -> None:
    ruleset, specs, values = sc
    binding = [s for s in specs if s["kind"] == "binding"]
    assume(binding)
    spec = data.draw(st.sampled_from(binding))
    values = dict(values)
    values[spec["id"]] = values[spec["id"]] | {"actual": None}
    result = assess(ruleset, values)
    assert result.verdict == "FAIL"
    rule = next(r for r in result.rules if r.id == spec["id"])
    assert (rule.status, rule.reason.code) == ("not_evaluated", "actual_missing")


@given(scenarios())
def test_margin_sign_agrees_with_status(sc: tuple) -> None:
    ruleset, _specs, values = sc
    for rule in assess(ruleset, values).rules:
        if rule.status == "not_evaluated":
            assert rule.margin is None
        elif rule.operator in (">=", "<=", "between"):  # inclusive
            assert (rule.margin >= 0) == (rule.status == "met"), rule
        else:
            assert (rule.margin > 0) == (rule.status == "met"), rule


@given(scenarios(), st.randoms())
def test_verdict_does_not_depend_on_indicator_order(sc: tuple, rnd: Any) -> None:
    ruleset, specs, values = sc
    shuffled = list(specs)
    rnd.shuffle(shuffled)
    other = engine.Ruleset.model_validate(
        ruleset.model_dump(mode="python") | {"indicators": shuffled}
    )
    a, b = assess(ruleset, values), assess(other, values)
    assert a.verdict == b.verdict
    assert {r.id: r.status for r in a.rules} == {r.id: r.status for r in b.rules}
