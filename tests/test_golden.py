"""Every scenario against its hand-checked result (tests/golden/README.md), through the library
and through the command, byte for byte."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import assess_command

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
# The single-county provincial-2021 scenarios; the batch and planning scenarios have their own
# hand-checked tests (tests/test_batch.py and others).
SCENARIOS = sorted(
    p for pattern in ("tianmen-2022.*", "example-*") for p in (ROOT / "scenarios").glob(pattern)
)


def test_every_scenario_has_a_golden_result() -> None:
    assert len(SCENARIOS) >= 5
    for path in SCENARIOS:
        assert (GOLDEN / f"{path.name}.json").is_file(), path.name


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_library_matches_golden(scenario: Path) -> None:
    expected = (GOLDEN / f"{scenario.name}.json").read_text(encoding="utf-8")
    assert engine.assess(scenario, "provincial-2021").to_json() == expected


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_command_matches_golden(scenario: Path) -> None:
    expected = (GOLDEN / f"{scenario.name}.json").read_text(encoding="utf-8")
    run = CliRunner().invoke(
        assess_command, [str(scenario), "--ruleset", "provincial-2021", "--format", "json"]
    )
    assert run.output == expected
    assert run.exit_code == (0 if json.loads(expected)["verdict"] == "PASS" else 1)


def test_tianmen_published_figures() -> None:
    """Seed 000: binding 100 % complete; 21 of 28 indicators grew > 50 %, 12 of them > 100 %."""
    result = engine.assess(ROOT / "scenarios" / "tianmen-2022.csv", "provincial-2021")
    s = result.summary
    assert result.verdict == "PASS"
    assert (s.binding_met, s.binding_total) == (8, 8)
    assert len(result.rules) == 28
    assert (s.growth_over_50, s.growth_over_100) == (21, 12)


def test_xlsx_and_csv_give_the_same_assessment() -> None:
    csv = engine.assess(ROOT / "scenarios" / "tianmen-2022.csv", "provincial-2021")
    xlsx = engine.assess(ROOT / "scenarios" / "tianmen-2022.xlsx", "provincial-2021")
    assert xlsx.model_dump(exclude={"data_file"}, mode="json") == csv.model_dump(
        exclude={"data_file"}, mode="json"
    ) | {"rules": [r | {"row": r["row"] + 1} for r in csv.model_dump(mode="json")["rules"]]}


def test_the_published_result_schema_describes_the_json() -> None:
    """docs/schema/result.schema.json (kept current by test_ruleset_language) names every key the
    JSON carries, in order, and types decimals as strings."""
    schema = json.loads((ROOT / "docs/schema/result.schema.json").read_text(encoding="utf-8"))
    result = json.loads((GOLDEN / "tianmen-2022.csv.json").read_text(encoding="utf-8"))
    # The optional keys: a date when one was asked for, a what-if's changes, a plan.
    optional = ("assessed_on", "what_if", "plan")
    assert list(result) == [key for key in schema["properties"] if key not in optional]
    dated = engine.gap_to_pass(
        ROOT / "scenarios" / "tianmen-2022.csv", "provincial-2021", changes=["pilot_bases=3"]
    )
    dated = dated.model_copy(update={"assessed_on": date(2026, 11, 25)})
    assert list(json.loads(dated.to_json())) == list(schema["properties"])
    assert not set(optional) & set(schema["required"])
    assert set(schema["required"]) <= set(result)
    defs = schema["$defs"]
    assert list(result["summary"]) == list(defs["Summary"]["properties"])
    # The dossier's keys (measure, department, evidence) appear only when known.
    dossier = ("measure", "department", "evidence")
    rule_keys = list(defs["RuleResult"]["properties"])
    assert not set(dossier) & set(defs["RuleResult"]["required"])
    for rule in result["rules"]:
        assert list(rule) == [k for k in rule_keys if k in rule]
        assert set(rule_keys) - set(rule) <= set(dossier)
    assert {"type": "string"} in defs["RuleResult"]["properties"]["actual"]["anyOf"]
