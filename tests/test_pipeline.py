"""Each pipeline stage on its own: compile (rules and facts), infer (statuses, verdict), report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import engine
from engine.compile.facts import county_fact, resolve
from engine.compile.rules import SEEN_RULE, compile_ruleset, met_rule, not_met_rule
from engine.infer.run import infer


def make_ruleset(
    indicators: list[dict[str, Any]], share: str = "80", rid: str = "unit"
) -> engine.Ruleset:
    full = []
    for i, ind in enumerate(indicators):
        full.append(
            {
                "name": {"zh": f"指标{i}", "en": f"Indicator {i}"},
                "category": {"zh": "类", "en": "cat"},
                "kind": "binding",
                "unit": "%",
                "precision": 2,
                "direction": "higher",
                "threshold": {"kind": "target"},
                "provenance": "test",
            }
            | ind
        )
    return engine.Ruleset.model_validate(
        {
            "id": rid,
            "version": "1",
            "title": {"zh": "测试", "en": "test"},
            "sources": [{"id": "s", "title": "synthetic"}],
            "reconstruction": "synthetic",
            "verdict_policy": {
                "kind": "binding_all_expected_share",
                "expected_min_share": Decimal(share),
                "basis": "test",
            },
            "indicators": full,
        }
    )


def test_compile_writes_a_met_and_a_not_met_rule_per_indicator() -> None:
    rs = make_ruleset(
        [
            {"id": "a"},
            {"id": "b", "threshold": {"kind": "absolute", "value": Decimal("2.50")}},
            {"id": "c", "direction": "lower", "threshold": {"kind": "target", "operator": "<"}},
        ]
    )
    compiled = compile_ruleset(rs)
    rules = compiled.indicator_rules
    assert set(rules) == {met_rule(i) for i in "abc"} | {not_met_rule(i) for i in "abc"} | {
        SEEN_RULE
    }
    # target: compared with a second field of the fact; absolute: the constant is in the rule.
    assert rules[met_rule("a")]["all"] == [{"m": {"$gte": {"a0": {"$m": "t0"}}}}]
    assert rules[not_met_rule("a")]["all"] == [{"m": {"$lt": {"a0": {"$m": "t0"}}}}]
    assert rules[met_rule("b")]["all"] == [{"m": {"$gte": {"a1": 250}}}]
    assert rules[met_rule("c")]["all"] == [{"m": {"$lt": {"a2": {"$m": "t2"}}}}]
    assert rules[not_met_rule("c")]["all"] == [{"m": {"$gte": {"a2": {"$m": "t2"}}}}]
    assert compiled.indicator_ruleset.endswith(rs.content_hash[:16])


def test_county_fact_holds_scaled_integers_and_leaves_out_missing_values() -> None:
    rs = make_ruleset([{"id": "a"}, {"id": "b"}, {"id": "c", "precision": 0}])
    county = engine.CountyData.from_mapping(
        "X",
        {
            "a": {"actual": "1.995", "target": "2"},
            "b": {"target": "3"},
            "c": {"actual": "12.5"},
        },
    )
    fact = county_fact(compile_ruleset(rs), resolve(rs, county))
    # b has no actual and c no target: neither posts any field (both or neither).
    assert fact == {"county": 1, "a0": 200, "t0": 200}
    assert all(type(v) is int for v in fact.values())


def test_growth_threshold_is_resolved_from_the_baseline() -> None:
    rs = make_ruleset(
        [
            {"id": "up", "threshold": {"kind": "growth", "min_growth": Decimal("10")}},
            {
                "id": "down",
                "direction": "lower",
                "precision": 3,
                "threshold": {"kind": "growth", "min_growth": "5"},
            },
        ]
    )
    county = engine.CountyData.from_mapping(
        "X",
        {
            "up": {"baseline": "1.50", "actual": "1.65"},
            "down": {"baseline": "0.500", "actual": "0.476"},
        },
    )
    resolved = {r.indicator.id: r for r in resolve(rs, county)}
    assert resolved["up"].threshold == Decimal("1.65")
    assert resolved["down"].threshold == Decimal("0.475")
    result = engine.assess(county, rs)
    assert [r.status for r in result.rules] == ["met", "not_met"]


def test_statuses_come_from_the_rule_that_fired() -> None:
    rs = make_ruleset([{"id": "a"}, {"id": "b"}, {"id": "c"}])
    county = engine.CountyData.from_mapping(
        "X",
        {
            "a": {"actual": "2.00", "target": "2.00"},
            "b": {"actual": "1.99", "target": "2.00"},
            "c": {"target": "2.00"},
        },
    )
    compiled = compile_ruleset(rs)
    inference = infer(rs, compiled, resolve(rs, county))
    assert [(o.status, o.fired) for o in inference.outcomes] == [
        ("met", met_rule("a")),
        ("not_met", not_met_rule("b")),
        ("not_evaluated", None),
    ]
    assert inference.verdict == "FAIL"
    assert inference.verdict_rules == ["binding_not_met", "binding_not_evaluated"]


@pytest.mark.parametrize(
    ("met", "share", "verdict"),
    [
        (16, "80", "PASS"),  # 16/20 = 80 % exactly
        (15, "80", "FAIL"),  # 75 %
        (20, "100", "PASS"),
        (19, "100", "FAIL"),
        (0, "0", "PASS"),
        (13, "66.67", "FAIL"),  # 65 % < 66.67 %
        (14, "66.67", "PASS"),  # 70 %
    ],
)
def test_expected_share_boundary(met: int, share: str, verdict: str) -> None:
    indicators = [{"id": "bind"}] + [{"id": f"e{i}", "kind": "expected"} for i in range(20)]
    rs = make_ruleset(indicators, share=share, rid=f"share-{share.replace('.', '-')}")
    values = {"bind": {"actual": "1", "target": "1"}}
    values |= {f"e{i}": {"actual": "1" if i < met else "0", "target": "1"} for i in range(20)}
    result = engine.assess(engine.CountyData.from_mapping("X", values), rs)
    assert (result.summary.expected_met, result.verdict) == (met, verdict)


def test_no_expected_indicators_needs_only_binding() -> None:
    rs = make_ruleset([{"id": "a"}])
    ok = engine.assess(
        engine.CountyData.from_mapping("X", {"a": {"actual": "3", "target": "2"}}), rs
    )
    assert ok.verdict == "PASS"
    assert ok.summary.expected_share is None


def test_county_with_no_values_at_all_is_fail_not_a_crash() -> None:
    """No indicator present: no met/not-met rule can fire; the 'seen' rule keeps the session
    handled (durable-rules segfaults deleting an unhandled one)."""
    rs = make_ruleset([{"id": "a"}, {"id": "b", "kind": "expected"}])
    result = engine.assess(engine.CountyData(county="X", values={}), rs)
    assert result.verdict == "FAIL"
    assert [r.status for r in result.rules] == ["not_evaluated", "not_evaluated"]
    assert [r.reason.code for r in result.rules] == ["actual_missing", "actual_missing"]


def test_not_evaluated_reasons_name_what_is_missing() -> None:
    rs = make_ruleset(
        [
            {"id": "t"},
            {"id": "g", "threshold": {"kind": "growth", "min_growth": "10"}},
            {"id": "x", "threshold": {"kind": "absolute", "value": "1"}},
        ]
    )
    county = engine.CountyData.from_mapping("X", {"t": {"actual": "1"}, "g": {"actual": "1"}})
    result = engine.assess(county, rs)
    assert [r.reason.code for r in result.rules] == [
        "target_missing",
        "baseline_missing",
        "actual_missing",
    ]
    assert all(r.reason.zh.startswith("未评价") for r in result.rules)


def test_margin_completion_and_growth_in_the_good_direction() -> None:
    rs = make_ruleset(
        [
            {"id": "up"},
            {"id": "down", "direction": "lower", "precision": 3},
        ]
    )
    county = engine.CountyData.from_mapping(
        "X",
        {
            "up": {"baseline": "1.00", "target": "2.00", "actual": "2.50"},
            "down": {"baseline": "0.600", "target": "0.500", "actual": "0.400"},
        },
    )
    up, down = engine.assess(county, rs).rules
    assert (up.margin, up.completion, up.growth) == (
        Decimal("0.50"),
        Decimal("125.0"),
        Decimal("150.0"),
    )
    assert (down.margin, down.completion, down.growth) == (
        Decimal("0.100"),
        Decimal("125.0"),
        Decimal("33.3"),
    )


def test_growth_profile_counts_strictly_more_than() -> None:
    rs = make_ruleset([{"id": f"i{k}", "kind": "expected", "precision": 0} for k in range(5)])
    county = engine.CountyData.from_mapping(
        "X",
        {
            "i0": {"baseline": "100", "target": "1", "actual": "150"},  # exactly 50 %: not counted
            "i1": {"baseline": "100", "target": "1", "actual": "151"},  # > 50
            "i2": {"baseline": "100", "target": "1", "actual": "200"},  # exactly 100 %: > 50 only
            "i3": {"baseline": "100", "target": "1", "actual": "201"},  # > 100
            "i4": {"baseline": "0", "target": "1", "actual": "5"},  # no growth figure
        },
    )
    s = engine.assess(county, rs).summary
    assert (s.growth_over_50, s.growth_over_100, s.growth_evaluated) == (3, 1, 4)


def test_unknown_indicator_in_county_data_is_an_input_error() -> None:
    rs = make_ruleset([{"id": "a"}])
    county = engine.CountyData.from_mapping("X", {"zzz": {"actual": "1"}})
    with pytest.raises(engine.DataError, match="zzz"):
        engine.assess(county, rs)


def test_value_too_large_for_exact_comparison_is_an_input_error() -> None:
    rs = make_ruleset([{"id": "a", "precision": 6}])
    county = engine.CountyData.from_mapping("X", {"a": {"actual": "999999999999", "target": "1"}})
    with pytest.raises(engine.DataError, match="too large to compare exactly") as info:
        engine.assess(county, rs)
    assert info.value.indicator == "a"


def test_json_is_byte_identical_across_runs() -> None:
    rs = make_ruleset([{"id": "a"}, {"id": "b", "kind": "expected"}])
    county = engine.CountyData.from_mapping("X", {"a": {"actual": "1", "target": "1"}})
    assert engine.assess(county, rs).to_json() == engine.assess(county, rs).to_json()


def test_from_mapping_refuses_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        engine.CountyData.from_mapping("X", {"a": {"actual": 2.5}})  # type: ignore[dict-item]


def test_missing_reference_field_never_fires_after_other_counties() -> None:
    """Regression: durable-rules fired both rules of ``a1 >= $m.t1`` / ``a1 < $m.t1`` for a fact
    without ``t1`` after a few other facts (tests/test_properties.py found it). The sequence below
    reproduced it within 30 facts before the fix."""
    import random

    rs = make_ruleset([{"id": "a"}, {"id": "b"}], rid="regression-missing-ref")
    rnd = random.Random(1)
    for _ in range(300):
        values: dict[str, dict[str, str | None]] = {}
        for ind in ("a", "b"):
            values[ind] = {
                k: (str(rnd.randint(-3, 3)) if rnd.random() < 0.7 else None)
                for k in ("actual", "target")
            }
        result = engine.assess(engine.CountyData.from_mapping("X", values), rs)
        for rule in result.rules:
            v = values[rule.id]
            if v["actual"] is None or v["target"] is None:
                assert rule.status == "not_evaluated"
            else:
                met = Decimal(v["actual"]) >= Decimal(v["target"])
                assert rule.status == ("met" if met else "not_met")
