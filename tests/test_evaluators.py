"""The evaluator interface (engine/infer/evaluator.py): both evaluators, asked by name, return the
same outcomes integer for integer; durable-rules decides every verdict, once per county, and a
verdict that fires inconsistently is refused; engine.pipeline.assess_path makes every choice of
evaluator and loader."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import engine
from engine import pipeline
from engine.batch import Batch, assess_batch, assess_counties
from engine.compile.rules import VERDICT_FAIL_RULES, VERDICT_PASS, compile_ruleset
from engine.errors import DataError, RuleEngineError
from engine.infer import run
from engine.infer.durable_adapter import durable_rules
from engine.infer.evaluator import (
    ENGINES,
    OUTCOME_SCHEMA,
    EvaluatorUnsupported,
    Outcomes,
    Tally,
    evaluator,
)
from engine.load.county import load_counties, load_county, load_references, with_references
from engine.model.county import CountyData
from engine.model.result import Result
from engine.pipeline import assess_path
from tests.helpers import assert_same, county_values, ruleset_of, rulesets
from tests.national.make import NATIONAL_COUNTIES, write_national

ROOT = Path(__file__).resolve().parent.parent
FOUR = ROOT / "scenarios" / "hubei-four-counties.csv"
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"


def outcomes_of(name: str, ruleset: engine.Ruleset, counties: Sequence[CountyData]) -> Outcomes:
    chosen = evaluator(name)  # type: ignore[arg-type]
    assert chosen.name == name
    return chosen.evaluate(ruleset, counties)


def assert_same_outcomes(rete: Outcomes, vector: Outcomes) -> None:
    """The same counties, indicators, reasons' inputs and every outcome column, row for row."""
    assert (rete.engine, vector.engine) == ("rete", "vector")
    assert rete.counties == vector.counties
    assert [i.indicator.id for i in rete.indicators] == [i.indicator.id for i in vector.indicators]
    for left, right in zip(rete.indicators, vector.indicators, strict=True):
        assert left.absent_inputs == right.absent_inputs, left.indicator.id
    for ind, left, right in zip(
        rete.ruleset.indicators, rete.collect(), vector.collect(), strict=True
    ):
        assert left.schema == pl.Schema(OUTCOME_SCHEMA), ind.id
        try:
            assert_frame_equal(left, right)
        except AssertionError as exc:
            raise AssertionError(f"{ind.id}: {exc}") from None


def both(ruleset: engine.Ruleset, counties: Sequence[CountyData]) -> None:
    assert_same_outcomes(
        outcomes_of("rete", ruleset, counties), outcomes_of("vector", ruleset, counties)
    )


# -- the registry ------------------------------------------------------------------------------


def test_the_evaluators_are_registered_by_name() -> None:
    assert ENGINES == ("rete", "vector")
    assert [evaluator(name).name for name in ENGINES] == ["rete", "vector"]
    with pytest.raises(ValueError, match="unknown evaluator 'zen'"):
        evaluator("zen")  # type: ignore[arg-type]


# -- the same outcomes -------------------------------------------------------------------------


def test_both_evaluators_give_the_same_outcomes_on_part_of_the_national_dataset(
    tmp_path: Path,
) -> None:
    ruleset = engine.load_ruleset("provincial-2021")
    path = write_national(tmp_path / "national.csv", counties=150)  # its first 150 counties
    both(ruleset, load_counties(path, ruleset))


@pytest.mark.slow  # 2,844 counties read and assessed by both evaluators: about 20 s
def test_both_evaluators_give_the_same_outcomes_on_the_national_dataset(tmp_path: Path) -> None:
    ruleset = engine.load_ruleset("provincial-2021")
    counties = load_counties(write_national(tmp_path / "national.csv"), ruleset)
    assert len(counties) == NATIONAL_COUNTIES
    rete, vector = outcomes_of("rete", ruleset, counties), outcomes_of("vector", ruleset, counties)
    assert_same_outcomes(rete, vector)
    statuses = set(pl.concat(f.select("status") for f in vector.collect())["status"])
    assert statuses == {"met", "not_met", "not_evaluated"}


BUNDLED = [  # derived indicators, scores, applicability, reference values
    ("hunan", "tests/rulesets/hunan", None),
    ("st-monitoring", "tests/rulesets/st-monitoring", None),
    ("tianmen-plan-2021", "tests/rulesets/tianmen-plan-2021", None),
    ("docs/examples/kinds.yaml", "docs/examples", "docs/examples/provincial-averages.csv"),
]


@pytest.mark.parametrize(("name", "folder", "refs"), BUNDLED, ids=[b[1] for b in BUNDLED])
def test_both_evaluators_give_the_same_outcomes_on_the_bundled_rulesets(
    name: str, folder: str, refs: str | None
) -> None:
    ruleset = engine.load_ruleset(ROOT / name if "/" in name else name)
    counties = []
    for f in sorted((ROOT / folder).rglob("*.csv")):
        if f.name == "provincial-averages.csv":
            continue
        county = load_county(f, ruleset)
        if refs is not None:
            county = with_references(county, *load_references(ROOT / refs, ruleset))
        counties.append(county)
    assert len(counties) >= 2
    both(ruleset, counties)


@st.composite
def cases(draw: st.DrawFn) -> tuple[engine.Ruleset, list[CountyData]]:
    ruleset, specs = draw(rulesets(max_indicators=5))
    n = draw(st.integers(1, 4))
    counties = [
        CountyData.from_mapping(f"C{i}", {s["id"]: draw(county_values(s)) for s in specs})
        for i in range(n)
    ]
    return ruleset, counties


def _refused(ruleset: engine.Ruleset, counties: list[CountyData], name: str) -> str | None:
    try:
        outcomes_of(name, ruleset, counties).collect()
    except DataError as exc:
        return exc.describe()
    return None


def _same_or_refused_alike(case: tuple[engine.Ruleset, list[CountyData]]) -> None:
    ruleset, counties = case
    try:
        vector = outcomes_of("vector", ruleset, counties)
    except EvaluatorUnsupported:
        return  # a value with more than 12 decimals: the batch runs durable-rules instead
    refused = _refused(ruleset, counties, "rete")
    if refused is not None:  # too large to compare exactly: both refuse it, alike
        assert _refused(ruleset, counties, "vector") == refused
        return
    assert_same_outcomes(outcomes_of("rete", ruleset, counties), vector)


@settings(max_examples=25)
@given(cases())
def test_both_evaluators_give_the_same_outcomes_on_generated_cases(
    case: tuple[engine.Ruleset, list[CountyData]],
) -> None:
    _same_or_refused_alike(case)


@pytest.mark.slow  # the profile's examples (120, or 600 in CI): about 10 s
@given(cases())
def test_both_evaluators_give_the_same_outcomes_on_many_generated_cases(
    case: tuple[engine.Ruleset, list[CountyData]],
) -> None:
    _same_or_refused_alike(case)


# -- indicators alike decided in one plan ------------------------------------------------------

_ALIKE = {
    "unit": "%",
    "precision": 2,
    "direction": "higher",
    "threshold": {"kind": "growth", "min_growth": Decimal("10")},  # ≥, as the direction says
}
#: One field each that the vectorised rules read: an indicator that differs from the others in
#: it alone must be decided in a plan of its own, or it would take their rounding, comparison
#: or threshold.
_APART = [
    ("precision", {"precision": 3}),
    ("direction", {"direction": "lower"}),  # the same threshold, ≤ and growth downwards
    ("operator", {"threshold": {**_ALIKE["threshold"], "operator": ">"}}),
    ("growth", {"threshold": {**_ALIKE["threshold"], "min_growth": Decimal("10.5")}}),
    ("kind", {"threshold": {"kind": "growth", "min_increase": Decimal("1")}}),
]


@pytest.mark.parametrize(("field", "change"), _APART, ids=[a[0] for a in _APART])
def test_indicators_alike_share_a_plan_and_one_field_apart_gets_its_own(
    field: str, change: dict[str, Any]
) -> None:
    specs = [
        {
            **_ALIKE,
            "id": f"i{k}",
            "name": {"zh": f"指标{k}", "en": f"Indicator {k}"},
            "category": {"zh": "类", "en": "category"},
            "kind": "binding",
            "provenance": "test",
            **(change if k == 1 else {}),
        }
        for k in range(3)
    ]
    policy = {"kind": "binding_all_expected_share", "expected_min_share": 80, "basis": "test"}
    ruleset = ruleset_of(specs, policy, "alike")
    # Values where the precision, the direction, the strictness and the growth all matter:
    # 110 % of the baseline exactly, and just either side of it at three places.
    values = ["1.1", "1.1005", "1.0995", "1.104", "0.9", "2.1", None]
    counties = [
        CountyData.from_mapping(
            f"C{n}",
            {
                s["id"]: {"baseline": Decimal("1"), "actual": None if a is None else Decimal(a)}
                for s in specs
            },
        )
        for n, a in enumerate(values)
    ]
    vector = outcomes_of("vector", ruleset, counties)
    blocks = [o.block.rule_indices if o.block else None for o in vector.indicators]
    assert blocks == [(0, 2), (1,), (0, 2)]
    assert_same_outcomes(outcomes_of("rete", ruleset, counties), vector)
    assert_same(
        assess_counties(counties, ruleset, engine="vector"),
        assess_counties(counties, ruleset, engine="rete"),
    )


def test_outcomes_without_blocks_are_worded_alike(tmp_path: Path) -> None:
    """A columnar evaluator need not decide in blocks (the interface's ``block`` is optional):
    its outcomes indicator by indicator give the explanation the blocks give."""
    import dataclasses

    from engine.explain.vector import explain

    ruleset = engine.load_ruleset("provincial-2021")
    counties = load_counties(write_national(tmp_path / "national.csv", counties=30), ruleset)
    blocked = outcomes_of("vector", ruleset, counties)
    assert all(o.block is not None for o in blocked.indicators)
    loose = dataclasses.replace(
        blocked, indicators=[dataclasses.replace(o, block=None) for o in blocked.indicators]
    )
    assert_frame_equal(explain(loose), explain(blocked))
    assert [f.height for f in loose.collect()] == [30] * len(ruleset.indicators)


# -- the verdict: durable-rules', once per county, consistent ----------------------------------


class _Counting:
    """The process's adapter, counting sessions by ruleset name; ``verdict_fired`` replaces
    what the verdict rules fired (a defect to be caught)."""

    def __init__(self, verdict_fired: list[str] | None = None) -> None:
        self.real = durable_rules()  # the process's own, whatever run.durable_rules says
        self.sessions: dict[str, int] = {}
        self.verdict_fired = verdict_fired
        self.verdict_fired_total = 0  # verdict sessions in which exactly one side fired

    def fire(self, name: str, rules: Mapping[str, Any], fact: Mapping[str, int]) -> list[str]:
        self.sessions[name] = self.sessions.get(name, 0) + 1
        fired = self.real.fire(name, rules, fact)
        if name.startswith("verdict_"):
            failed = any(rule in VERDICT_FAIL_RULES for rule in fired)
            self.verdict_fired_total += (VERDICT_PASS in fired) != failed
        if self.verdict_fired is not None and name.startswith("verdict_"):
            return list(self.verdict_fired)
        return fired


@pytest.mark.parametrize("name", ENGINES)
def test_durable_rules_decides_exactly_one_verdict_per_county(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset = engine.load_ruleset("provincial-2021")
    counties = load_counties(FOUR, ruleset)
    counting = _Counting()
    monkeypatch.setattr(run, "durable_rules", lambda: counting)
    batch = assess_counties(counties, ruleset, engine=name)  # type: ignore[arg-type]
    compiled = compile_ruleset(ruleset)
    # The four counties' summary facts all differ, so each is decided once either way.
    assert counting.sessions.get(compiled.verdict_ruleset) == len(counties)
    assert counting.sessions.get(compiled.indicator_ruleset, 0) == (
        len(counties) if name == "rete" else 0
    )
    assert batch.summary["verdict"].to_list() == ["PASS", "FAIL", "FAIL", "FAIL"]
    for codes in batch.summary["reason_codes"].to_list():  # one side: the pass, or the failures
        assert codes == ["pass"] or "pass" not in codes


def _verdict_facts(batch: Batch) -> list[tuple[int, ...]]:
    """Each county's summary fact, recomputed from the summary table (not by the engine's
    own function): what the verdict rules see."""
    s = batch.summary
    return list(
        zip(
            (s["binding_total"] - s["binding_met"] - s["binding_not_evaluated"]).to_list(),
            s["binding_not_evaluated"].to_list(),
            (s["expected_met"] * 10_000).to_list(),
            (s["expected_total"] * 8_000).to_list(),  # provincial-2021 requires 80.00 %
            strict=True,
        )
    )


@pytest.mark.parametrize("name", ENGINES)
def test_one_verdict_session_per_distinct_summary_fact_on_the_vector_path(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vector path decides each distinct summary fact once in durable-rules, and every
    county shares its fact's decision; rete still decides county by county. Both agree."""
    ruleset = engine.load_ruleset("provincial-2021")
    counties = load_counties(FOUR, ruleset) * 30  # 120 counties, 4 distinct facts
    counting = _Counting()
    monkeypatch.setattr(run, "durable_rules", lambda: counting)
    batch = assess_counties(counties, ruleset, engine=name)  # type: ignore[arg-type]
    facts = _verdict_facts(batch)
    sessions = counting.sessions.get(compile_ruleset(ruleset).verdict_ruleset)
    assert sessions == (len(set(facts)) if name == "vector" else len(counties))
    assert len(set(facts)) == 4
    assert batch.summary["verdict"].to_list() == ["PASS", "FAIL", "FAIL", "FAIL"] * 30
    assert counting.verdict_fired_total == sessions  # exactly one side fired in each


def _tally(binding_not_met: int = 0) -> Tally:
    return Tally(
        binding_total=8,
        binding_met=8 - binding_not_met,
        binding_not_met=binding_not_met,
        binding_not_evaluated=0,
        expected_total=20,
        expected_met=18,
        expected_not_evaluated=0,
        not_applicable=0,
        expected_required_share=Decimal(80),
        score=None,
        pass_mark=None,
    )


def test_the_verdict_is_decided_by_durable_rules() -> None:
    compiled = compile_ruleset(engine.load_ruleset("provincial-2021"))
    passed = run.decide_verdict(compiled, _tally())
    assert (passed.value, passed.rules) == ("PASS", [VERDICT_PASS])
    failed = run.decide_verdict(compiled, _tally(binding_not_met=1))
    assert (failed.value, failed.rules) == ("FAIL", ["binding_not_met"])


@pytest.mark.parametrize(
    "fired",
    [["seen"], ["seen", "pass", "binding_not_met"], ["pass", "requirement_not_met"], []],
    ids=["neither", "pass-and-binding", "pass-and-requirement", "nothing"],
)
def test_an_inconsistent_verdict_firing_is_refused(
    fired: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = compile_ruleset(engine.load_ruleset("provincial-2021"))
    wrong = _Counting(verdict_fired=fired)
    monkeypatch.setattr(run, "durable_rules", lambda: wrong)
    with pytest.raises(RuleEngineError, match="verdict rules fired inconsistently"):
        run.decide_verdict(compiled, _tally())


def test_every_path_decides_its_verdicts_by_the_one_checked_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch by either evaluator, and a single county, all refuse an inconsistent firing."""
    ruleset = engine.load_ruleset("provincial-2021")
    counties = load_counties(FOUR, ruleset)
    wrong = _Counting(verdict_fired=["seen", "pass", "binding_not_met"])
    monkeypatch.setattr(run, "durable_rules", lambda: wrong)
    for name in ENGINES:
        with pytest.raises(RuleEngineError, match="inconsistently"):
            assess_counties(counties, ruleset, engine=name)
    with pytest.raises(RuleEngineError, match="inconsistently"):
        engine.assess(TIANMEN, ruleset)


# -- assess_path: the library chooses ----------------------------------------------------------


def test_one_county_is_a_result_and_several_are_a_batch() -> None:
    one = assess_path(TIANMEN, "provincial-2021")
    assert isinstance(one, Result) and one.verdict == "PASS"
    assert one.to_json() == engine.assess(TIANMEN, "provincial-2021").to_json()
    four = assess_path(FOUR, "provincial-2021")
    assert isinstance(four, Batch) and four.engine == "vector"
    rete = assess_path(FOUR, "provincial-2021", engine="rete")
    assert isinstance(rete, Batch) and rete.engine == "rete"
    years = assess_path(ROOT / "scenarios" / "tianmen-2020-2022.csv", "provincial-2021")
    assert isinstance(years, Batch) and years.summary.height == 3


@pytest.mark.parametrize(
    ("options", "engine_name"),
    [
        ({"batch": True}, "vector"),
        ({"engine": "vector"}, "vector"),
        ({"batch": True, "engine": "rete"}, "rete"),
    ],
)
def test_one_county_is_a_batch_of_one_when_asked(options: dict[str, Any], engine_name: str) -> None:
    batch = assess_path(TIANMEN, "provincial-2021", **options)
    assert isinstance(batch, Batch) and batch.engine == engine_name
    assert batch.summary["verdict"].to_list() == ["PASS"]


def test_progress_is_started_once_with_the_count_and_the_evaluator() -> None:
    started: list[tuple[int, str]] = []
    steps: list[int] = []

    def start(total: int, chosen: str) -> Any:
        started.append((total, chosen))
        return steps.append

    for name in ENGINES:
        assess_path(FOUR, "provincial-2021", engine=name, progress=start)
    assert started == [(4, "rete"), (4, "vector")]
    assert steps == [1, 1, 1, 1, 4]
    started.clear()
    assess_path(TIANMEN, "provincial-2021", progress=start)  # one county: no batch, no progress
    assert started == []


def test_references_may_be_a_mapping_for_a_batch_as_for_one_county(tmp_path: Path) -> None:
    kinds = ROOT / "docs" / "examples" / "kinds.yaml"
    averages = ROOT / "docs" / "examples" / "provincial-averages.csv"
    refs, _ = load_references(averages, engine.load_ruleset(kinds))
    mapping = {k: v.reference for k, v in refs.items() if v.reference is not None}
    assert mapping
    data = ROOT / "docs" / "examples" / "county-fail.csv"
    by_file = assess_batch(data, kinds, references=averages)
    by_mapping = assess_batch(data, kinds, references=mapping)
    assert by_file.rules.equals(by_mapping.rules) and by_file.summary.equals(by_mapping.summary)
    single = engine.assess(data, kinds, references=mapping)
    assert list(by_mapping.rules["reason_en"]) == [r.reason.en for r in single.rules]
    counties = [load_county(data, engine.load_ruleset(kinds))]
    assert assess_batch(counties, kinds, references=mapping).rules.equals(by_mapping.rules)


def test_a_large_plain_file_takes_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_national(tmp_path / "national.csv", counties=300)
    assert path.stat().st_size > pipeline.FAST_PATH_FROM_BYTES
    ruleset = engine.load_ruleset("provincial-2021")
    general = assess_counties(load_counties(path, ruleset), ruleset, engine="vector")
    with monkeypatch.context() as patch:

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the general loader was used")

        patch.setattr(pipeline, "load_counties", refuse)
        found = assess_path(path, ruleset)
        assert isinstance(found, Batch) and found.engine == "vector"
        assert found.rules.equals(general.rules) and found.summary.equals(general.summary)
        with pytest.raises(AssertionError, match="general loader"):  # rete: county by county
            assess_path(path, ruleset, engine="rete")


def test_one_county_through_assess_path_loads_no_batch_module() -> None:
    """Start-up time: a single county's check must not import the batch evaluator."""
    driver = (
        "import sys\nfrom engine.pipeline import assess_path\n"
        f"assess_path({str(TIANMEN)!r}, 'provincial-2021')\n"
        "print(sorted(m for m in sys.modules if m.startswith('engine')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", driver], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = json.loads(proc.stdout.splitlines()[-1].replace("'", '"'))
    assert "engine.infer.run" in loaded
    heavy = ("engine.batch", "engine.infer.vector", "engine.explain.vector", "engine.load.fast")
    assert not set(heavy) & set(loaded)
