"""The ruleset language beyond target rules: reference, between, increase, derived formulas,
applicability, weighted scores, extends, and the tooling (check, schema, generated pages)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine.cli import assess_command
from engine.formula import FormulaError, FormulaUndefined, parse_formula
from engine.report.ruleset_docs import generated_files

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
KINDS = EXAMPLES / "kinds.yaml"


def run(*args: str) -> Any:
    return CliRunner().invoke(assess_command, list(args))


def statuses(result: engine.Result) -> dict[str, str]:
    return {r.id: r.status for r in result.rules}


# --- the documented examples (docs/rulesets.md) -------------------------------------------


def test_example_county_passes_every_kind() -> None:
    result = engine.assess(EXAMPLES / "county-pass.csv", KINDS)
    assert result.verdict == "PASS"
    assert set(statuses(result).values()) == {"met"}
    rules = {r.id: r for r in result.rules}
    # derived: 52000 万元 ÷ (200 亿元 × 10000) × 100 = 2.60 against 2.35 + 0.2, strictly above
    assert (rules["rd_intensity"].actual, rules["rd_intensity"].threshold) == (
        Decimal("2.60"),
        Decimal("2.55"),
    )
    assert rules["rd_intensity"].reference == Decimal("2.35")
    assert rules["firms_with_rd_share"].threshold_upper == Decimal("100.0")
    assert rules["patent_grant_days"].threshold == Decimal("55")  # 60 − 5, lower is better


def test_example_county_fails_every_kind_and_skips_what_does_not_apply() -> None:
    result = engine.assess(
        EXAMPLES / "county-fail.csv", KINDS, references=EXAMPLES / "provincial-averages.csv"
    )
    assert result.verdict == "FAIL"
    assert statuses(result) == {
        "rd_intensity": "not_met",
        "energy_per_gdp": "not_met",
        "firms_with_rd_share": "not_met",
        "patent_grant_days": "not_met",
        "eco_tech_demos": "not_applicable",
    }
    assert result.summary.expected_total == 3 and result.summary.not_applicable == 1
    assert result.reference_file is not None
    assert result.reference_file.name == "provincial-averages.csv"
    eco = next(r for r in result.rules if r.id == "eco_tech_demos")
    assert eco.reason.code == "not_applicable" and "生态文明" in eco.reason.zh


def test_a_missing_reference_is_not_evaluated_and_fails_a_binding_rule() -> None:
    result = engine.assess(EXAMPLES / "county-fail.csv", KINDS)
    rule = result.rules[0]
    assert (rule.id, rule.status, rule.reason.code) == (
        "rd_intensity",
        "not_evaluated",
        "reference_missing",
    )
    assert "provincial average" in rule.reason.en
    assert result.verdict == "FAIL"


def test_references_from_the_data_and_a_file_must_agree(tmp_path: Path) -> None:
    refs = tmp_path / "refs.csv"
    refs.write_text("indicator,reference\nrd_intensity,2.40\n", encoding="utf-8")
    conflict = r"reference 2\.35 but the reference file gives 2\.40"
    with pytest.raises(engine.DataError, match=conflict):
        engine.assess(EXAMPLES / "county-pass.csv", KINDS, references=refs)
    # the same value twice is fine, and a mapping works like a file
    same = engine.assess(EXAMPLES / "county-pass.csv", KINDS, references={"rd_intensity": "2.35"})
    assert same.verdict == "PASS"


def test_theme_is_required_when_an_indicator_depends_on_it(tmp_path: Path) -> None:
    data = tmp_path / "no-theme.csv"
    lines = (EXAMPLES / "county-pass.csv").read_text(encoding="utf-8").splitlines()
    data.write_text(
        "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 1) for line in lines)
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(engine.DataError, match="give the county's theme"):
        engine.assess(data, KINDS)
    assert engine.assess(data, KINDS, theme="ecology").verdict == "PASS"
    other = engine.assess(data, KINDS, theme="民生改善")
    assert statuses(other)["eco_tech_demos"] == "not_applicable"
    with pytest.raises(engine.DataError, match="unknown theme 'tourism'"):
        engine.assess(data, KINDS, theme="tourism")
    run_ = run(str(data), "-r", str(KINDS), "--theme", "生态文明", "-f", "json")
    assert run_.exit_code == 0, run_.output


# --- formulas ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('x')",
        "a.b",
        "a[0]",
        "'text'",
        "f(a)",
        "lambda: 1",
        "a if b else c",
        "a ** 2",
        "a // b",
        "a % b",
        "a < b",
        "[a]",
        "{a: 1}",
        "True",
        "1j",
        "(a := 1)",
        "a and b",
        "not a",
        "~a",
        "a @ b",
        "",
    ],
)
def test_formulas_reach_nothing_beyond_arithmetic(text: str) -> None:
    with pytest.raises(FormulaError):
        parse_formula(text, {"a", "b", "c", "f"})


def test_an_unknown_input_is_named() -> None:
    with pytest.raises(FormulaError, match=r"unknown input 'population' .*declared inputs: gdp"):
        parse_formula("population / gdp", {"gdp"})


@given(st.lists(st.integers(-(10**9), 10**9), min_size=3, max_size=3), st.integers(0, 6))
def test_formulas_are_exact_decimal_arithmetic(numbers: list[int], places: int) -> None:
    a, b, c = (Decimal(n).scaleb(-places) for n in numbers)
    formula = parse_formula("(a + b) * c - a / 4 + 0.1", {"a", "b", "c"})
    assert formula.inputs == ["a", "b", "c"]
    assert formula.evaluate({"a": a, "b": b, "c": c}) == (a + b) * c - a / 4 + Decimal("0.1")
    if b == 0:
        with pytest.raises(FormulaUndefined):
            parse_formula("a / b", {"a", "b"}).evaluate({"a": a, "b": b})


def _ruleset_with(tmp_path: Path, **changes: Any) -> Path:
    data = yaml.safe_load(KINDS.read_text(encoding="utf-8"))
    for key, value in changes.items():
        data[key] = value
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_formula_reaching_beyond_its_inputs_is_refused_with_its_place(tmp_path: Path) -> None:
    data = yaml.safe_load(KINDS.read_text(encoding="utf-8"))
    data["indicators"][0]["derived"]["formula"] = "rd_expenditure.__class__"
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("ruleset", "check", str(path))
    assert result.exit_code == 2
    assert "indicator 'rd_intensity', field 'derived.formula'" in result.output
    assert "is not allowed in a formula" in result.output
    data["indicators"][0]["derived"]["formula"] = "rd_expenditure / population"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("ruleset", "check", str(path))
    assert result.exit_code == 2 and "unknown input 'population'" in result.output


def test_derived_values_given_directly_must_agree_with_their_inputs(tmp_path: Path) -> None:
    data = tmp_path / "c.csv"
    data.write_text(
        "theme,indicator,actual,reference\necology,rd_expenditure,52000,\n"
        "ecology,gdp,200,\necology,rd_intensity,2.70,2.35\n",
        encoding="utf-8",
    )
    with pytest.raises(engine.DataError) as err:
        engine.assess(data, KINDS)
    assert "actual 2.70 differs from 2.60 computed from its inputs" in str(err.value)
    assert err.value.indicator == "rd_intensity"


def test_a_derived_indicator_without_inputs_or_with_a_zero_divisor(tmp_path: Path) -> None:
    data = tmp_path / "c.csv"
    data.write_text(
        "theme,indicator,actual,reference\necology,rd_expenditure,52000,\n"
        "ecology,rd_intensity,,2.35\n",
        encoding="utf-8",
    )
    rule = engine.assess(data, KINDS).rules[0]
    assert (rule.status, rule.reason.code) == ("not_evaluated", "input_missing")
    assert "gdp" in rule.reason.en
    data.write_text(
        "theme,indicator,actual,reference\necology,rd_expenditure,52000,\n"
        "ecology,gdp,0,\necology,rd_intensity,,2.35\n",
        encoding="utf-8",
    )
    rule = engine.assess(data, KINDS).rules[0]
    assert (rule.status, rule.reason.code) == ("not_evaluated", "undefined_missing")
    # given directly instead of through inputs: used as it is
    data.write_text(
        "theme,indicator,actual,reference\necology,rd_intensity,2.61,2.35\n", encoding="utf-8"
    )
    assert engine.assess(data, KINDS).rules[0].status == "met"


# --- model checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"threshold": {"kind": "between", "min": 5, "max": 1}}, "min 5 is above max 1"),
        (
            {"threshold": {"kind": "between", "min": 1, "max": 5, "operator": ">="}},
            "takes no operator",
        ),
        ({"threshold": {"kind": "growth"}}, "exactly one of min_growth"),
        ({"threshold": {"kind": "growth", "min_growth": 5, "min_increase": 1}}, "exactly one of"),
        ({"threshold": {"kind": "reference", "margin": 1, "margin_percent": 1}}, "not both"),
        ({"threshold": {"kind": "between", "min": "0.15", "max": 1}}, "finer than the indicator's"),
        ({"applies_to": {"themes": ["tourism"]}}, "unknown theme 'tourism'"),
        ({"weight": 2}, "weights are only used by a weighted_score"),
    ],
)
def test_inconsistent_rules_are_refused(tmp_path: Path, change: dict, message: str) -> None:
    data = yaml.safe_load(KINDS.read_text(encoding="utf-8"))
    data["indicators"][2].update(change)  # firms_with_rd_share, precision 1
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(engine.RulesetError, match=message):
        engine.load_ruleset(path)


def test_check_ruleset_lists_every_problem_at_once(tmp_path: Path) -> None:
    data = yaml.safe_load(KINDS.read_text(encoding="utf-8"))
    data["indicators"][1]["precision"] = -1
    data["indicators"][2]["threshold"] = {"kind": "between", "min": 5, "max": 1}
    data["indicators"][3]["unknown_key"] = 1
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("ruleset", "check", str(path))
    assert result.exit_code == 2
    assert "3 problems" in result.output
    for fragment in (
        "indicator 'energy_per_gdp', field 'precision'",
        "indicator 'firms_with_rd_share', field 'threshold'",
        "indicator 'patent_grant_days', field 'unknown_key'",
    ):
        assert fragment in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(engine.bundled_rulesets()))
def test_check_ruleset_describes_every_bundled_ruleset(name: str) -> None:
    result = run("ruleset", "check", name)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {name} ")
    assert engine.load_ruleset(name).content_hash in result.output


# --- weighted score -----------------------------------------------------------------------


def test_scores_are_reported_per_rule_and_in_total() -> None:
    ruleset = engine.load_ruleset("st-monitoring")
    data = engine.CountyData.from_mapping(
        "C",
        {
            "rd_intensity": {"actual": "1.25"},
            "fiscal_st_share": {"actual": "5.1"},
            "invention_patents_per_10k_employed": {"actual": "4"},
            "high_tech_value_added_share": {"actual": "30"},
            "new_product_sales_share": {"actual": "10"},
        },
    )
    result = engine.assess(data, ruleset)
    assert [r.score for r in result.rules] == [
        Decimal("50.00"),
        Decimal("100.00"),
        Decimal("50.00"),
        Decimal("100.00"),
        Decimal("25.00"),
    ]
    assert result.summary.score == Decimal("65.00")  # 325 ÷ 5
    assert result.summary.pass_mark == Decimal("60")
    assert result.verdict == "PASS"
    assert result.verdict_reasons[0].code == "pass_score"
    assert all(r.weight == 1 for r in result.rules)


# --- extends ----------------------------------------------------------------------------------


def test_the_result_records_the_extends_chain() -> None:
    result = engine.assess(
        ROOT / "tests/rulesets/tianmen-plan-2021/pass/tianmen-2022-plan.csv", "tianmen-plan-2021"
    )
    parent = engine.load_ruleset("provincial-2021")
    assert [(p.id, p.version, p.content_hash) for p in result.ruleset.extends] == [
        (parent.id, parent.version, parent.content_hash)
    ]
    assert result.ruleset.content_hash != parent.content_hash
    plan = engine.load_ruleset("tianmen-plan-2021")
    assert plan.extends == "provincial-2021"
    assert len(plan.indicators) == 29
    assert plan.by_id["innovation_platforms"].threshold.kind == "growth"
    assert plan.by_id["rd_intensity"] == parent.by_id["rd_intensity"]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


CHILD = """id: child
version: "1"
extends: {parent}
title: {{zh: 子, en: child}}
sources: [{{id: c, title: child}}]
reconstruction: test
"""


def test_extends_resolves_relative_paths_and_chains(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "middle.yaml",
        CHILD.format(parent="provincial-2021").replace("id: child", "id: middle")
        + "overrides:\n  rd_intensity:\n    precision: 1\n",
    )
    child = _write(tmp_path, "child.yaml", CHILD.format(parent="middle.yaml"))
    rs = engine.load_ruleset(child)
    assert [a.id for a in rs.ancestors] == ["middle", "provincial-2021"]
    assert rs.by_id["rd_intensity"].precision == 1
    assert rs.source_path == child


def test_extends_cycles_are_detected(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", CHILD.format(parent="b.yaml").replace("id: child", "id: a"))
    _write(tmp_path, "b.yaml", CHILD.format(parent="a.yaml").replace("id: child", "id: b"))
    result = run("ruleset", "check", str(tmp_path / "a.yaml"))
    assert result.exit_code == 2
    assert "extends cycle: a.yaml → b.yaml → a.yaml" in result.output
    _write(tmp_path, "self.yaml", CHILD.format(parent="self.yaml"))
    with pytest.raises(engine.RulesetError, match=r"extends cycle: self\.yaml → self\.yaml"):
        engine.load_ruleset(tmp_path / "self.yaml")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "overrides:\n  no_such_indicator: {precision: 1}\n",
            "overrides of indicator 'no_such_indicator': 'provincial-2021' has no such indicator",
        ),
        (
            "overrides:\n  rd_intensity: {precison: 1}\n",
            "overrides of indicator 'rd_intensity', field 'precison': unknown key",
        ),
        (
            "overrides:\n  rd_intensity: {threshold: {kind: absolute, value: '1.234'}}\n",
            "indicator 'rd_intensity': threshold value 1.234 is finer",
        ),
        (
            "indicators:\n  - {id: rd_intensity, name: {zh: x, en: x}, category: {zh: c, en: c}, "
            "kind: expected, unit: '%', precision: 2, threshold: {kind: target}, provenance: t}\n",
            "duplicate indicator id 'rd_intensity'",
        ),
    ],
)
def test_extending_mistakes_get_precise_messages(tmp_path: Path, extra: str, message: str) -> None:
    path = _write(tmp_path, "child.yaml", CHILD.format(parent="provincial-2021") + extra)
    with pytest.raises(engine.RulesetError, match=message) as err:
        engine.load_ruleset(path)
    assert err.value.file == str(path)


def test_an_unknown_parent_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "child.yaml", CHILD.format(parent="hubei-2099"))
    with pytest.raises(engine.RulesetError, match="unknown ruleset 'hubei-2099'"):
        engine.load_ruleset(path)


def test_a_folder_named_like_a_bundled_ruleset_does_not_hide_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hunan").mkdir()
    monkeypatch.chdir(tmp_path)
    assert engine.load_ruleset("hunan").id == "hunan"


# --- generated documentation ------------------------------------------------------------------


@pytest.mark.parametrize("relative", sorted(generated_files()))
def test_generated_docs_are_up_to_date(relative: str) -> None:
    current = ROOT / "docs" / relative
    assert current.is_file(), f"run: python -m engine.report.ruleset_docs docs ({relative})"
    assert current.read_text(encoding="utf-8") == generated_files()[relative], (
        f"docs/{relative} is out of date: run python -m engine.report.ruleset_docs docs"
    )


def test_the_schema_describes_both_file_forms() -> None:
    schema = json.loads((ROOT / "docs/schema/ruleset.schema.json").read_text(encoding="utf-8"))
    forms = {ref["$ref"].rsplit("/", 1)[-1] for ref in schema["anyOf"]}
    assert forms == {"Ruleset", "ExtendingRuleset"}
    kinds = {name for name in schema["$defs"] if name.endswith("Threshold")}
    assert kinds == {
        "TargetThreshold",
        "AbsoluteThreshold",
        "GrowthThreshold",
        "ReferenceThreshold",
        "BetweenThreshold",
    }
    assert schema["$defs"]["Ruleset"]["additionalProperties"] is False
    result = run("ruleset", "schema")
    assert result.exit_code == 0 and json.loads(result.output) == schema


def test_text_items_are_carried_into_every_report_unscored() -> None:
    county = ROOT / "tests/rulesets/hunan/pass/county-a.csv"
    result = engine.assess(county, "hunan")
    assert [(t.id, t.text) for t in result.text_items] == [
        ("feature", "发展富硒茶叶科技特色产业,建成县级农业科技园区(illustrative)")
    ]
    assert "feature" not in {r.id for r in result.rules}
    text = run(str(county), "-r", "hunan", "--lang", "zh").output
    assert "特色指标: 发展富硒茶叶科技特色产业" in text  # by name; its id is technical information


def test_the_text_report_shows_scores_and_the_chain() -> None:
    scored = run(
        str(ROOT / "tests/rulesets/st-monitoring/pass/county-d.csv"),
        "-r",
        "st-monitoring",
        "--lang",
        "en",
    ).output
    assert "Weighted score 83.00 (pass mark 60)." in scored
    assert "Score" in scored
    chained = run(
        str(ROOT / "tests/rulesets/tianmen-plan-2021/pass/tianmen-2022-plan.csv"),
        "-r",
        "tianmen-plan-2021",
        "--lang",
        "en",
    ).output
    parent = engine.load_ruleset("provincial-2021")
    assert f"  extends {parent.title.en} (version 1.0.0)" in chained  # the head: by title
    assert parent.content_hash in chained  # the technical information: id and fingerprint


def test_problems_in_inputs_name_the_input(tmp_path: Path) -> None:
    data = yaml.safe_load(KINDS.read_text(encoding="utf-8"))
    data["inputs"][1]["precision"] = 2
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(engine.RulesetError, match="input 'gdp', field 'precision': unknown key"):
        engine.load_ruleset(path)
