"""A threshold kind owns its behaviour: adding one is adding one class.

The toy kind below ("at least double the base year") is defined here, in the test, and nowhere in
the engine. Registered with ``add_threshold_kind``, it is validated in rulesets, compiled into
durable-rules conditions, evaluated by both evaluators (which agree), explained in both
languages, shown by ``assess ruleset show`` and planned for by ``--plan`` — with no other change.
The expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import ClassVar, Literal

import pytest
from click.testing import CliRunner

import engine
from engine.batch import assess_counties
from engine.cli import assess_command
from engine.errors import RulesetError
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData
from engine.model.ruleset import (
    Direction,
    LocalizedText,
    Ruleset,
    add_threshold_kind,
    remove_threshold_kind,
)
from engine.model.thresholds import VALUE_WORDS, Columns, CountyValue, ThresholdKind
from engine.model.thresholds.base import X
from tests.helpers import assert_same

ROOT = Path(__file__).resolve().parent.parent


class DoubledThreshold(ThresholdKind):
    """At least twice the base-year value (a toy kind, for this test only)."""

    kind: Literal["doubled"]
    label_words: ClassVar[LocalizedText] = LocalizedText(zh="两倍基期值", en="twice the baseline")
    needs: ClassVar[CountyValue | None] = "baseline"

    def bounds(self, columns: Columns[X]) -> tuple[X, X | None]:
        return columns.beyond("baseline", None, Decimal(100)), None

    @property
    def multiplies(self) -> bool:
        return True

    def right_side(self, lang: str, *, precision: int, direction: Direction) -> str:
        return f"2 × {VALUE_WORDS['baseline'].get(lang)}"


RULESET = """\
id: toy-doubled
version: "1"
title: {zh: 玩具规则集, en: Toy ruleset}
sources: [{id: none, title: a test}]
reconstruction: a test of a threshold kind defined in the test
verdict_policy: {kind: binding_all_expected_share, expected_min_share: "50", basis: a test}
indicators:
  - id: patents
    name: {zh: 专利数, en: Patents}
    category: {zh: 测试, en: Test}
    kind: binding
    unit: 件
    precision: 1
    threshold: {kind: doubled}
    provenance: test
  - id: firms
    name: {zh: 企业数, en: Firms}
    category: {zh: 测试, en: Test}
    kind: expected
    unit: 家
    precision: 0
    threshold: {kind: target}
    provenance: test
"""


@pytest.fixture
def doubled(tmp_path: Path) -> Iterator[Path]:
    add_threshold_kind(DoubledThreshold)
    try:
        path = tmp_path / "toy.yaml"
        path.write_text(RULESET, encoding="utf-8")
        yield path
    finally:
        remove_threshold_kind("doubled")


def county(name: str, baseline: str | None, actual: str | None) -> CountyData:
    return CountyData.from_mapping(
        name,
        {
            "patents": {"baseline": baseline, "actual": actual},
            "firms": {"actual": "5", "target": "5"},
        },
    )


# baseline → threshold 2 × baseline at precision 1; actual rounded half-up to precision 1.
CASES = [
    ("exactly double", "2.5", "5.0", "met", "5.0", "0.0"),  # 2 × 2.5 = 5.0
    ("short by a tenth", "2.5", "4.9", "not_met", "5.0", "-0.1"),
    ("rounds up to meet", "2.5", "4.96", "met", "5.0", "0.0"),  # 4.96 → 5.0
    ("baseline rounds once", "1.26", "2.5", "met", "2.5", "0.0"),  # 2.52 → 2.5, not 2 × 1.3
    ("no baseline", None, "9", "not_evaluated", None, None),
]


@pytest.mark.parametrize(("label", "baseline", "actual", "status", "threshold", "margin"), CASES)
def test_the_toy_kind_is_decided_by_durable_rules(
    doubled: Path,
    label: str,
    baseline: str | None,
    actual: str | None,
    status: str,
    threshold: str | None,
    margin: str | None,
) -> None:
    result = engine.assess(county(label, baseline, actual), doubled)
    rule = result.rules[0]
    assert rule.threshold_kind == "doubled"
    assert rule.status == status
    assert rule.fired == {"met": "met__patents", "not_met": "not_met__patents"}.get(status)
    assert rule.threshold == (None if threshold is None else Decimal(threshold))
    assert rule.margin == (None if margin is None else Decimal(margin))
    # A binding rule: the verdict follows it (the expected one is met: 5 ≥ 5).
    assert result.verdict == ("PASS" if status == "met" else "FAIL")
    if status == "not_evaluated":
        assert rule.reason.code == "baseline_missing"
    else:
        assert "两倍基期值" in rule.reason.zh and "twice the baseline" in rule.reason.en


def test_both_evaluators_agree_on_the_toy_kind(doubled: Path) -> None:
    ruleset = load_ruleset(doubled)
    counties = [county(*case[:3]) for case in CASES]
    vector = assess_counties(counties, ruleset, engine="vector")
    rete = assess_counties(counties, ruleset, engine="rete")
    assert_same(vector, rete)
    statuses = vector.rules.filter(vector.rules["id"] == "patents")["status"].to_list()
    assert statuses == [case[3] for case in CASES]


def test_the_toy_kind_is_shown_and_planned_for(doubled: Path) -> None:
    shown = CliRunner().invoke(assess_command, ["ruleset", "show", str(doubled), "--lang", "zh"])
    assert shown.exit_code == 0, shown.output
    assert "≥ 2 × 基期值" in shown.output
    # 2.5 → needs 5.0; the plan asks for exactly that (4.9 + 0.1).
    planned = engine.gap_to_pass(county("plan", "2.5", "4.9"), doubled)
    assert planned.plan is not None
    (suggestion,) = planned.plan.binding
    assert (suggestion.id, suggestion.required, suggestion.gap) == (
        "patents",
        Decimal("5.0"),
        Decimal("0.1"),
    )
    assert planned.plan.verdict_after == "PASS"


def test_without_registration_the_kind_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "toy.yaml"
    path.write_text(RULESET, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert "doubled" in caught.value.describe("en")


def test_no_module_outside_the_kinds_names_a_kind() -> None:
    """The kinds' classes are used only by engine/model (where the language is declared): no
    stage branches on a kind."""
    kinds = {"TargetThreshold", "AbsoluteThreshold", "GrowthThreshold", "ReferenceThreshold"}
    kinds |= {"BetweenThreshold"}
    found = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if (ROOT / "engine" / "model") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name | ast.alias) and (
                (node.id if isinstance(node, ast.Name) else node.name) in kinds
            ):
                found.append(str(path.relative_to(ROOT)))
    assert found == []


def _schema_kinds() -> set[str]:
    threshold = Ruleset.model_json_schema()["$defs"]["Indicator"]["properties"]["threshold"]
    return set(threshold["discriminator"]["mapping"])


def test_the_schema_lists_a_registered_kind_and_forgets_a_removed_one() -> None:
    bundled = {"target", "absolute", "growth", "reference", "between"}
    assert _schema_kinds() == bundled
    add_threshold_kind(DoubledThreshold)
    try:
        assert _schema_kinds() == bundled | {"doubled"}
    finally:
        remove_threshold_kind("doubled")
    assert _schema_kinds() == bundled
