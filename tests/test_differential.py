"""The two evaluators and the plain-Decimal reference must agree: on generated rulesets and
counties (every threshold kind and operator, precisions 0–4, both directions, values on and
beside the thresholds, missing cells, large and tiny magnitudes), on the bundled rulesets' test
counties, and on the fixed synthetic national dataset."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine.batch import Batch, assess_counties
from engine.load.county import load_counties, load_county, load_references, with_references
from tests import reference
from tests.helpers import assert_same, county_values, rulesets
from tests.national.make import NATIONAL_COUNTIES, write_national

ROOT = Path(__file__).resolve().parent.parent


def both(counties: list[engine.CountyData], ruleset: engine.Ruleset) -> tuple[Batch, Batch]:
    return (
        assess_counties(counties, ruleset, engine="vector"),
        assess_counties(counties, ruleset, engine="rete"),
    )


@st.composite
def extreme(draw: st.DrawFn, spec: dict[str, Any]) -> dict[str, Decimal | None]:
    """County values with, now and then, a very large or a very finely written number."""
    values = draw(county_values(spec))
    for key in ("actual", "baseline", "reference"):
        pick = draw(st.integers(0, 14))
        if pick == 0:
            values[key] = Decimal(draw(st.integers(-(10**12), 10**12)))
        elif pick == 1:
            values[key] = Decimal(draw(st.integers(-(10**9), 10**9))).scaleb(-10)
    return values


@st.composite
def batches(draw: st.DrawFn) -> tuple[engine.Ruleset, list[dict], list[dict[str, dict]]]:
    ruleset, specs = draw(rulesets())
    units = [draw(st.sampled_from(["%", "‰", "亿元", "个"])) for _ in specs]
    specs = [spec | {"unit": unit} for spec, unit in zip(specs, units, strict=True)]
    ruleset = engine.Ruleset.model_validate(
        ruleset.model_dump(exclude={"source_path"}) | {"indicators": specs}
    )
    counties = draw(
        st.lists(
            st.fixed_dictionaries({s["id"]: extreme(s) for s in specs}), min_size=1, max_size=5
        )
    )
    return ruleset, specs, counties


def refusal(
    counties: list[engine.CountyData], ruleset: engine.Ruleset, evaluator: Any
) -> str | None:
    try:
        assess_counties(counties, ruleset, engine=evaluator)
    except engine.DataError as exc:
        return exc.describe()
    return None


@given(batches())
def test_both_evaluators_and_the_decimal_reference_agree(case: tuple) -> None:
    ruleset, specs, counties = case
    data = [engine.CountyData.from_mapping(f"C{i}", values) for i, values in enumerate(counties)]
    refused = refusal(data, ruleset, "rete")
    if refused is not None:  # a value too large to compare exactly: both refuse it, alike
        assert refusal(data, ruleset, "vector") == refused
        assert "too large to compare exactly" in refused
        return
    vector, rete = both(data, ruleset)
    assert_same(vector, rete)
    policy = ruleset.verdict_policy
    for i, values in enumerate(counties):
        expected = {s["id"]: reference.status(s, values[s["id"]]) for s in specs}
        got = vector.rules.filter(pl.col("county_index") == i)
        assert dict(zip(got["id"], got["status"], strict=True)) == expected
        if policy.kind == "weighted_score":
            scores = {
                s["id"]: reference.score(s, values[s["id"]], expected[s["id"]]) for s in specs
            }
            total = reference.total_score(specs, scores)
            verdict = reference.verdict(
                specs, expected, None, total=total, pass_mark=policy.pass_mark
            )
            assert vector.summary["score"][i] == str(total)
        else:
            verdict = reference.verdict(specs, expected, policy.expected_min_share)
        assert vector.summary["verdict"][i] == verdict


CASES = [  # bundled rulesets (derived indicators, scores, applicability, references)
    ("hunan", [f"tests/rulesets/hunan/{d}" for d in ("pass", "fail", "not_evaluated")], None),
    (
        "st-monitoring",
        [f"tests/rulesets/st-monitoring/{d}" for d in ("pass", "fail", "not_evaluated")],
        None,
    ),
    (
        "tianmen-plan-2021",
        [f"tests/rulesets/tianmen-plan-2021/{d}" for d in ("pass", "fail", "not_evaluated")],
        None,
    ),
    ("docs/examples/kinds.yaml", ["docs/examples"], "docs/examples/provincial-averages.csv"),
    ("provincial-2021", ["scenarios"], None),
]


# Scenario files that are not one provincial-2021 county: a batch, a multi-year file and the
# seed scenarios with their own rulesets (tests/test_seed_scenarios.py runs both evaluators on
# those).
NOT_SINGLE_PROVINCIAL = {
    "hubei-four-counties.csv",
    "tianmen-2020-2022.csv",
    "suizhou-2025.csv",
    "xianning-2021.csv",
}


@pytest.mark.parametrize(
    ("ruleset_name", "folders", "refs"), CASES, ids=[c[0].split("/")[-1] for c in CASES]
)
def test_the_bundled_rulesets_give_the_same_results_by_both_evaluators(
    ruleset_name: str, folders: list[str], refs: str | None
) -> None:
    ruleset = engine.load_ruleset(ROOT / ruleset_name if "/" in ruleset_name else ruleset_name)
    files = sorted(
        f
        for folder in folders
        for f in (ROOT / folder).iterdir()
        if f.suffix in (".csv", ".xlsx")
        and f.name != "provincial-averages.csv"
        and f.name not in NOT_SINGLE_PROVINCIAL
    )
    counties = []
    for f in files:
        county = load_county(f, ruleset)
        if refs is not None:
            county = with_references(county, *load_references(ROOT / refs, ruleset))
        counties.append(county)
    vector, rete = both(counties, ruleset)
    assert_same(vector, rete)
    # And the durable-rules batch is the single-county assessment, county by county.
    for i, county in enumerate(counties):
        single = engine.assess(county, ruleset)
        assert rete.summary["verdict"][i] == single.verdict
        rows = rete.rules.filter(pl.col("county_index") == i)
        assert list(rows["reason_en"]) == [r.reason.en for r in single.rules]


@pytest.mark.slow  # 2,844 counties by both evaluators: about 15 s
def test_the_national_dataset_gives_the_same_results_by_both_evaluators(
    tmp_path: Path,
) -> None:
    path = write_national(tmp_path / "national.csv")
    ruleset = engine.load_ruleset("provincial-2021")
    counties = load_counties(path, ruleset)
    assert len(counties) == NATIONAL_COUNTIES
    vector, rete = both(counties, ruleset)
    assert_same(vector, rete)
    verdicts = vector.summary["verdict"].value_counts()
    assert set(verdicts["verdict"]) == {"PASS", "FAIL"}  # the dataset exercises both
    statuses = set(vector.rules["status"])
    assert statuses == {"met", "not_met", "not_evaluated"}
    # Spot-check against the Decimal reference: every rule of a sample of counties.
    specs = [ind.model_dump(mode="python") for ind in ruleset.indicators]
    for i in range(0, NATIONAL_COUNTIES, 97):
        values = {k: v.model_dump() for k, v in counties[i].values.items()}
        expected = [reference.status(s, values.get(s["id"], {})) for s in specs]
        assert list(vector.rules.filter(pl.col("county_index") == i)["status"]) == expected


def test_a_value_too_large_to_compare_is_refused_alike_by_both() -> None:
    spec = {
        "id": "big",
        "name": {"zh": "大", "en": "big"},
        "category": {"zh": "类", "en": "c"},
        "kind": "binding",
        "unit": "%",
        "precision": 4,
        "direction": "higher",
        "threshold": {"kind": "absolute", "value": "1"},
        "provenance": "test",
    }
    ruleset = engine.Ruleset.model_validate(
        {
            "id": "big",
            "version": "1",
            "title": {"zh": "大", "en": "big"},
            "sources": [{"id": "t", "title": "test"}],
            "reconstruction": "test",
            "verdict_policy": {
                "kind": "binding_all_expected_share",
                "expected_min_share": "80",
                "basis": "test",
            },
            "indicators": [spec],
        }
    )
    fine = engine.CountyData.from_mapping("A", {"big": {"actual": "2"}})
    huge = engine.CountyData.from_mapping("B", {"big": {"actual": "999999999999"}})
    refused = refusal([fine, huge], ruleset, "rete")
    assert refused is not None and "county 'B'" in refused
    assert refusal([fine, huge], ruleset, "vector") == refused
