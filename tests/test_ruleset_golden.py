"""Golden cases per shipped ruleset (tests/rulesets/README.md): exit code and hand-computed
figures through the command."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import assess_command

HERE = Path(__file__).resolve().parent / "rulesets"
EXPECTED: dict[str, dict] = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))


def test_every_shipped_ruleset_has_pass_fail_and_not_evaluated_cases() -> None:
    for ruleset in engine.bundled_rulesets():
        if ruleset == "provincial-2021":  # its golden cases are the scenarios (tests/golden)
            continue
        for folder in ("pass", "fail", "not_evaluated"):
            assert list((HERE / ruleset / folder).glob("*.csv")), (ruleset, folder)
    assert sorted(EXPECTED) == sorted(str(p.relative_to(HERE)) for p in HERE.glob("*/*/*.csv"))


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_golden_case(case: str) -> None:
    want = EXPECTED[case]
    ruleset, folder, _ = case.split("/")
    run = CliRunner().invoke(
        assess_command, [str(HERE / case), "--ruleset", ruleset, "--format", "json"]
    )
    assert run.exit_code == (0 if want["verdict"] == "PASS" else 1), run.output
    result = json.loads(run.output)
    assert result["verdict"] == want["verdict"]
    if folder != "not_evaluated":
        assert result["verdict"] == folder.upper()
    counts = Counter(rule["status"] for rule in result["rules"])
    for status in ("met", "not_met", "not_evaluated"):
        assert counts[status] == want[status], status
    for key in ("expected_share", "score"):
        if key in want:
            assert result["summary"][key] == want[key]
    rules = {rule["id"]: rule for rule in result["rules"]}
    for rule_id, (actual, threshold) in want.get("values", {}).items():
        assert (rules[rule_id]["actual"], rules[rule_id]["threshold"]) == (actual, threshold)
