"""The durable-rules adapter and its guards, on the real engine."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import engine
from engine.errors import RuleEngineError
from engine.infer.durable_adapter import DurableRules, durable_rules, fnv1a_32

RULES = {
    "big": {"all": [{"m": {"$gte": {"v": 10}}}], "run": "big"},
    "small": {"all": [{"m": {"$lt": {"v": 10}}}], "run": "small"},
    "seen": {"all": [{"m": {"$ex": {"county": 1}}}], "run": "seen"},
}


def test_fnv1a_known_vectors() -> None:
    assert fnv1a_32("") == 0x811C9DC5
    assert fnv1a_32("a") == 0xE40C292C
    assert fnv1a_32("foobar") == 0xBF9CF968


def test_fire_returns_the_rules_that_fired_and_starts_no_thread() -> None:
    before = threading.active_count()
    adapter = DurableRules()
    assert sorted(adapter.fire("adapter_t1", RULES, {"county": 1, "v": 12})) == ["big", "seen"]
    assert sorted(adapter.fire("adapter_t1", RULES, {"county": 1, "v": 3})) == ["seen", "small"]
    assert threading.active_count() == before


@pytest.mark.parametrize("value", [2.5, True, "12", None, 2**53, -(2**53), float("nan")])
def test_only_safe_integers_reach_the_engine(value: object) -> None:
    with pytest.raises(RuleEngineError, match="not a safe integer"):
        DurableRules().fire("adapter_t2", RULES, {"county": 1, "v": value})  # type: ignore[dict-item]


def test_an_unhandled_fact_is_an_error_not_a_crash() -> None:
    """A fact no rule matches: durable-rules would segfault on deleting its session."""
    adapter = DurableRules()
    rules = {"big": {"all": [{"m": {"$gte": {"v": 10}}}], "run": "big"}}
    with pytest.raises(RuleEngineError, match="no rule handled"):
        adapter.fire("adapter_t3", rules, {"v": 1})
    assert adapter.fire("adapter_t3", rules, {"v": 11}) == ["big"]  # still usable


def test_a_failing_action_surfaces_instead_of_being_swallowed() -> None:
    adapter = DurableRules()
    rules = {"boom": {"all": [{"m": {"$gte": {"v": 0}}}], "run": "boom"}}
    original = adapter._action_for

    def failing(name: str):  # type: ignore[no-untyped-def]
        def act(c: object) -> None:
            raise ValueError("action failed")

        return act if name == "boom" else original(name)

    adapter._action_for = failing  # type: ignore[method-assign]
    with pytest.raises(RuleEngineError, match="action failed"):
        adapter.fire("adapter_t4", rules, {"v": 1})


def test_colliding_field_hashes_are_refused() -> None:
    # 'ind_80359' and 'ind_623280' share an FNV-1a-32 hash (durable_rules.md, appendix G).
    assert fnv1a_32("ind_80359") == fnv1a_32("ind_623280")
    rules = {
        "a": {"all": [{"m": {"$gte": {"ind_80359": 1}}}], "run": "a"},
        "b": {"all": [{"m": {"$gte": {"ind_623280": 1}}}], "run": "b"},
    }
    with pytest.raises(RuleEngineError, match="collide"):
        DurableRules().fire("adapter_t5", rules, {"ind_80359": 1})


def test_thousands_of_counties_in_one_process() -> None:
    """Far past the 1,024-live-session limit: every session is deleted, every firing happens on
    the caller's thread before fire() returns."""
    adapter = durable_rules()
    for n in range(3000):
        fired = adapter.fire("adapter_load", RULES, {"county": 1, "v": n % 20})
        assert sorted(fired) == (["big", "seen"] if n % 20 >= 10 else ["seen", "small"]), n


@pytest.mark.slow  # 1,500 single-county assessments: about 3 s
def test_thousands_of_assessments_keep_every_rule(tmp_path: Path) -> None:
    ruleset = engine.load_ruleset("provincial-2021")
    county = engine.load_county(
        Path(__file__).resolve().parents[1] / "scenarios" / "tianmen-2022.csv", ruleset
    )
    first = engine.assess(county, ruleset)
    for _ in range(1500):
        again = engine.assess(county, ruleset)
        assert [r.fired for r in again.rules] == [r.fired for r in first.rules]
        assert again.verdict == "PASS"
