"""durable-rules under load: 3,000 counties through the rete path in one process.

What this guards (../shared/research/durable_rules.md; docs/architecture.md, "durable-rules
guards"):

* **the 1,024-session limit**: durable-rules keeps at most 1,024 live sessions per ruleset and the
  next one raises ``MemoryError``. Each county opens one session in the indicator ruleset and one in
  the verdict ruleset, so 3,000 counties would hit the limit at county 1,025 if sessions leaked.
  The adapter's counters must show exactly two sessions per county, never more than one alive.
* **firings lost to timer threads**: the stock ``Host`` runs consequents on timer threads, so a
  firing could land after ``assert_fact`` returns, or never. Every county's statuses, verdict and
  verdict rules are checked against the plain-Decimal reference (``tests/reference.py``, no
  durable-rules), and the adapter's count of firings must equal the number the reference predicts,
  firing for firing. No thread may be started.
* **memory**: a live session costs about 0.45 MiB and ``delete_state`` keeps its memory for reuse.
  The resident set, read after ``gc.collect()``, must stay flat after a warm-up.

The checker cannot pass vacuously: the last tests drop one firing (as a stolen consequent would),
flip one status, and leak sessions, and show that each is reported.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.batch import Batch, assess_counties
from engine.compile.rules import VERDICT_FAIL_RULES, VERDICT_PASS
from engine.errors import RuleEngineError
from engine.infer import run
from engine.infer.durable_adapter import DurableRules, SessionStats, durable_rules
from engine.load.county import load_counties
from engine.model.county import CountyData
from engine.model.ruleset import ExpectedSharePolicy, Ruleset
from tests import reference
from tests.helpers import rss
from tests.national.make import write_national

#: Well past 1,024: a session leaked per county in either ruleset would raise at county 1,025.
COUNTIES = 3000
#: Rulesets registered, catalogues and allocator pools filled: RSS is read from here on.
WARM_UP = 500
#: Counties per batch; each batch's results are checked and dropped, so only a leak can grow RSS.
CHUNK = 250
#: Allowed RSS growth over the 2,500 counties after the warm-up. Measured: under 1 MiB (single
#: samples move by up to 4 MiB). A county's leaked session pair costs about 0.9 MiB (35 MiB for
#: 40 counties in test_the_memory_check_sees_leaked_sessions), so leaking in 19 of the 2,500
#: counties fails, as does keeping more than ~6.5 KiB per county.
RSS_BOUND = 16 * 2**20
#: Counties the checker's own tests draw from (they use the first 300 at most).
SAMPLE = 300

#: How the result records each verdict rule that fired (engine.explain.result.verdict_reasons).
REASON_OF_VERDICT_RULE = {
    VERDICT_PASS: "pass",
    "binding_not_met": "binding_not_met",
    "binding_not_evaluated": "binding_not_evaluated",
    "requirement_not_met": "expected_share_below",
}


@dataclass(frozen=True)
class Expected:
    """What must happen for one county, worked out by the reference evaluator alone."""

    statuses: dict[str, str]  # indicator id → met / not_met / not_evaluated
    verdict: str
    verdict_rules: tuple[str, ...]  # in the order of VERDICT_FAIL_RULES, or ("pass",)

    @property
    def firings(self) -> int:
        """One met__/not_met__ rule per comparable indicator and the ``seen`` rule (indicator
        fact), then the ``seen`` rule and every verdict rule that holds (summary fact)."""
        comparable = sum(s in ("met", "not_met") for s in self.statuses.values())
        return comparable + 1 + 1 + len(self.verdict_rules)


class Checker:
    """Holds a batch of counties assessed by durable-rules to the reference evaluator."""

    def __init__(self, ruleset: Ruleset) -> None:
        policy = ruleset.verdict_policy
        assert isinstance(policy, ExpectedSharePolicy)  # the verdict rules below assume it
        self.min_share = policy.expected_min_share
        self.specs = [ind.model_dump(mode="python") for ind in ruleset.indicators]

    def expect(self, county: CountyData) -> Expected:
        values = {k: v.model_dump() for k, v in county.values.items()}
        statuses = {s["id"]: reference.status(s, values.get(s["id"], {})) for s in self.specs}
        binding = [statuses[s["id"]] for s in self.specs if s["kind"] == "binding"]
        expected = [statuses[s["id"]] for s in self.specs if s["kind"] == "expected"]
        met = expected.count("met")
        holds = {
            "binding_not_met": "not_met" in binding,
            "binding_not_evaluated": "not_evaluated" in binding,
            "requirement_not_met": met * 100 < self.min_share * len(expected),
        }
        fails = tuple(rule for rule in VERDICT_FAIL_RULES if holds[rule])
        verdict = reference.verdict(self.specs, statuses, self.min_share)
        assert (verdict == "FAIL") == bool(fails)
        return Expected(statuses, verdict, fails or (VERDICT_PASS,))

    def problems(
        self,
        counties: Sequence[CountyData],
        batch: Batch,
        before: SessionStats,
        after: SessionStats,
    ) -> list[str]:
        """Everything in which ``batch`` and the adapter's counters (read before and after the
        batch) differ from the reference; empty when every expected firing happened."""
        found: list[str] = []
        expected = [self.expect(c) for c in counties]
        rows = batch.rules.select("county_index", "id", "status").rows()
        got = {(i, rule): status for i, rule, status in rows}
        if len(rows) != len(got) or len(rows) != len(counties) * len(self.specs):
            found.append(
                f"{len(rows)} rule rows ({len(got)} distinct) for {len(counties)} "
                f"counties × {len(self.specs)} indicators"
            )
        summary = batch.summary.sort("county_index")
        if summary.height != len(counties):
            found.append(f"{summary.height} summary rows for {len(counties)} counties")
        for i, (county, exp, row) in enumerate(
            zip(counties, expected, summary.iter_rows(named=True), strict=False)
        ):
            name = county.county
            for rule, status in exp.statuses.items():
                if got.get((i, rule)) != status:
                    found.append(f"{name} {rule}: {got.get((i, rule))}, reference {status}")
            if row["county"] != name or row["verdict"] != exp.verdict:
                found.append(
                    f"{name}: verdict {row['county']} {row['verdict']}, reference {exp.verdict}"
                )
            reasons = [REASON_OF_VERDICT_RULE[r] for r in exp.verdict_rules]
            if row["reason_codes"] != reasons:
                found.append(f"{name}: verdict rules {row['reason_codes']}, reference {reasons}")
        opened = after.sessions_opened - before.sessions_opened
        if opened != 2 * len(counties):
            found.append(f"sessions opened: {opened}, expected {2 * len(counties)}")
        fired = after.rules_fired - before.rules_fired
        want = sum(e.firings for e in expected)
        if fired != want:
            found.append(f"rules fired: {fired}, expected {want}")
        if after.live_sessions != 0 or after.peak_live_sessions != 1:
            found.append(
                f"sessions alive: {after.live_sessions} now, {after.peak_live_sessions} at most"
            )
        return found


def _national(tmp_path_factory: pytest.TempPathFactory, n: int) -> tuple[Ruleset, list[CountyData]]:
    ruleset = engine.load_ruleset("provincial-2021")
    path = write_national(tmp_path_factory.mktemp("load") / "national.csv", n)
    counties = load_counties(path, ruleset)
    assert len(counties) == n
    return ruleset, counties


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ruleset, list[CountyData]]:
    """The first 300 counties of the dataset (the same 300 the 3,000 begin with: it is seeded and
    written county by county), enough for the checks of the checker below."""
    return _national(tmp_path_factory, SAMPLE)


@pytest.fixture(scope="module")
def national_load(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ruleset, list[CountyData]]:
    return _national(tmp_path_factory, COUNTIES)


@pytest.mark.slow  # 3,000 counties through durable-rules: about 13 s
def test_thousands_of_counties_fire_every_rule_in_flat_memory(
    national_load: tuple[Ruleset, list[CountyData]],
) -> None:
    ruleset, counties = national_load
    checker = Checker(ruleset)
    adapter = durable_rules()
    threads = threading.active_count()
    start = adapter.stats()
    baseline: int | None = None
    samples: list[int] = []
    began = time.perf_counter()
    for lo in range(0, len(counties), CHUNK):
        chunk = counties[lo : lo + CHUNK]
        before = adapter.stats()
        batch = assess_counties(chunk, ruleset, engine="rete")
        found = checker.problems(chunk, batch, before, adapter.stats())
        assert not found, f"counties {lo + 1}–{lo + len(chunk)}: {found[:10]}"
        del batch
        done = lo + len(chunk)
        if done % WARM_UP == 0 and (current := rss()) is not None:  # every 500 counties
            if done == WARM_UP:
                baseline = current
            else:
                samples.append(current)
    seconds = time.perf_counter() - began
    end = adapter.stats()

    assert end.sessions_opened - start.sessions_opened == 2 * COUNTIES
    assert end.live_sessions == 0 and end.peak_live_sessions == 1
    assert threading.active_count() == threads  # no timer thread was started
    print(
        f"{COUNTIES} counties in {seconds:.1f} s; "
        f"{end.rules_fired - start.rules_fired} firings; RSS (MiB) after the warm-up "
        f"{(baseline or 0) / 2**20:.1f}, then {[round(s / 2**20, 1) for s in samples]}"
    )
    if baseline is not None:
        growth = max(samples) - baseline
        assert growth < RSS_BOUND, (
            f"RSS grew by {growth / 2**20:.1f} MiB over {COUNTIES - WARM_UP} counties"
        )


class _Lossy(DurableRules):
    """An adapter that drops the ``nth`` firing of rule ``rule``: what a consequent taken over
    by the stock Host's timer threads looks like to the caller."""

    def __init__(self, rule: str, nth: int) -> None:
        super().__init__()
        self._rule, self._nth, self._count = rule, nth, 0

    def _action_for(self, rule_name: str) -> Callable[[Any], None]:
        record = super()._action_for(rule_name)
        if rule_name != self._rule:
            return record

        def lossy(c: Any) -> None:
            self._count += 1
            if self._count != self._nth:
                record(c)

        return lossy


def test_the_check_sees_a_lost_firing(
    national: tuple[Ruleset, list[CountyData]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A county that fails both on a binding indicator and on the expected share fires two fail
    rules; losing one leaves the verdict FAIL and the engine sees nothing wrong. The checker
    does, twice: the county's verdict rules and the count of firings."""
    ruleset, counties = national
    checker = Checker(ruleset)
    expected = [checker.expect(c) for c in counties[:300]]
    binding = [i for i, e in enumerate(expected) if "binding_not_met" in e.verdict_rules]
    target = next(i for i in binding if len(expected[i].verdict_rules) > 1)
    lossy = _Lossy("binding_not_met", nth=binding.index(target) + 1)
    monkeypatch.setattr(run, "durable_rules", lambda: lossy)
    sample = counties[: target + 1]

    before = lossy.stats()
    batch = assess_counties(sample, ruleset, engine="rete")
    found = checker.problems(sample, batch, before, lossy.stats())

    name = counties[target].county
    left = [REASON_OF_VERDICT_RULE[r] for r in expected[target].verdict_rules[1:]]
    assert len(found) == 2, found
    assert found[0].startswith(f"{name}: verdict rules {left}, reference"), found
    assert found[1] == (
        f"rules fired: {sum(e.firings for e in expected[: target + 1]) - 1}, "
        f"expected {sum(e.firings for e in expected[: target + 1])}"
    )


def test_a_lost_indicator_firing_is_caught_by_the_engine_itself(
    national: tuple[Ruleset, list[CountyData]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ruleset, counties = national
    lossy = _Lossy(f"met__{ruleset.indicators[0].id}", nth=1)
    monkeypatch.setattr(run, "durable_rules", lambda: lossy)
    with pytest.raises(RuleEngineError, match="rules fired"):
        assess_counties(counties[:20], ruleset, engine="rete")


def test_the_check_sees_a_wrong_status(national: tuple[Ruleset, list[CountyData]]) -> None:
    ruleset, counties = national
    checker = Checker(ruleset)
    sample = counties[:20]
    adapter = durable_rules()
    before = adapter.stats()
    batch = assess_counties(sample, ruleset, engine="rete")
    after = adapter.stats()
    assert checker.problems(sample, batch, before, after) == []

    rules = batch.rules
    first_met = rules["status"].to_list().index("met")
    flipped = rules.with_columns(rules["status"].scatter(first_met, "not_met"))
    wrong = Batch(batch.ruleset, batch.engine, batch.summary, flipped)
    county, rule = rules["county"][first_met], rules["id"][first_met]
    assert checker.problems(sample, wrong, before, after) == [
        f"{county} {rule}: not_met, reference met"
    ]


_LEAK_DRIVER = """
import sys, tempfile
from pathlib import Path
import engine
from tests.national.make import write_national
from tests.helpers import leaked_growth
ruleset = engine.load_ruleset("provincial-2021")
path = write_national(Path(tempfile.mkdtemp()) / "national.csv", 45)
print(*leaked_growth(engine.load_counties(path, ruleset), ruleset))
"""


@pytest.mark.slow  # checks the bound of the slow load test above, in a fresh process
def test_the_memory_check_sees_leaked_sessions() -> None:
    """Sessions kept alive (``delete_state`` skipped) in 40 counties already grow the resident
    set past the bound the load test allows for 2,500. Run in a fresh process: in this one, the
    memory earlier tests freed would absorb the leak and hide it."""
    if rss() is None:
        pytest.skip("reads /proc/self/status (Linux)")
    proc = subprocess.run(
        [sys.executable, "-c", _LEAK_DRIVER],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    growth, kept = map(int, proc.stdout.split())
    assert kept == 80
    assert growth > RSS_BOUND, f"40 leaked counties: {growth / 2**20:.1f} MiB"
