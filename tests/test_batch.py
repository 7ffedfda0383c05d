"""A file of several counties through the command: summary, per-rule results, exit codes.

scenarios/hubei-four-counties.csv is the four hand-checked scenario tables in one file (their
golden results are in tests/golden/): 天门市 PASS; 示例县甲 FAIL (binding rd_intensity 1.74 <
1.80); 示例县乙 FAIL (binding tech_contract_turnover blank); 示例县丙 FAIL (expected 15/20 = 75 %
< 80 %)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import assess_command

ROOT = Path(__file__).resolve().parent.parent
FOUR = ROOT / "scenarios" / "hubei-four-counties.csv"
HAND_CHECKED = {  # county: (verdict, binding met/total, expected met/total, first reason code)
    "天门市": ("PASS", "8/8", "18/20", "pass"),
    "示例县甲": ("FAIL", "7/8", "20/20", "binding_not_met"),
    "示例县乙": ("FAIL", "7/8", "20/20", "binding_not_evaluated"),
    "示例县丙": ("FAIL", "8/8", "15/20", "expected_share_below"),
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(assess_command, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.mark.parametrize("engine", ["vector", "rete"])
def test_the_four_counties_get_their_hand_checked_verdicts(engine: str) -> None:
    code, out = run(FOUR, "-r", "provincial-2021", "--format", "json", "--engine", engine)
    assert code == 1  # at least one county fails
    doc = json.loads(out)
    assert (doc["engine"], doc["counties"], doc["passed"], doc["failed"]) == (engine, 4, 1, 3)
    got = {
        row["county"]: (
            row["verdict"],
            f"{row['binding_met']}/{row['binding_total']}",
            f"{row['expected_met']}/{row['expected_total']}",
            row["reason_codes"][0],
        )
        for row in doc["summary"]
    }
    assert got == HAND_CHECKED
    assert [row["verdict"] for row in doc["summary"]] == ["FAIL"] * 3 + ["PASS"]
    assert len(doc["rules"]) == 4 * 28
    rd = next(r for r in doc["rules"] if r["county"] == "示例县甲" and r["id"] == "rd_intensity")
    assert (rd["status"], rd["actual"], rd["threshold"], rd["margin"]) == (
        "not_met",
        "1.74",
        "1.80",
        "-0.06",
    )
    blank = next(
        r for r in doc["rules"] if r["county"] == "示例县乙" and r["id"] == "tech_contract_turnover"
    )
    assert (blank["status"], blank["reason_code"]) == ("not_evaluated", "actual_missing")


def test_both_engines_write_the_same_json_and_the_same_json_twice() -> None:
    outputs = [
        run(FOUR, "-r", "provincial-2021", "--format", "json", "--engine", e)[1]
        for e in ("vector", "rete", "vector")
    ]
    assert outputs[0] == outputs[2]
    assert outputs[0].replace('"engine": "vector"', '"engine": "rete"') == outputs[1]


def test_csv_summary_and_per_rule_table(tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    code, _ = run(FOUR, "-r", "provincial-2021", "--format", "csv", "--output", out)
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["county"] for r in rows][-1] == "天门市"
    assert {r["county"]: r["verdict"] for r in rows} == {k: v[0] for k, v in HAND_CHECKED.items()}
    rules = list(
        csv.DictReader(
            io.StringIO((tmp_path / "summary.rules.csv").read_text(encoding="utf-8-sig"))
        )
    )
    assert len(rules) == 112 and {r["county"] for r in rules} == set(HAND_CHECKED)


def test_all_passing_exits_0_and_the_text_names_every_county(tmp_path: Path) -> None:
    tianmen = (ROOT / "scenarios" / "tianmen-2022.csv").read_text(encoding="utf-8")
    head, *rows = tianmen.splitlines()
    twin = [row.replace("天门市", "天门市二号", 1) for row in rows]
    data = tmp_path / "two.csv"
    data.write_text("\n".join([head, *rows, *twin]) + "\n", encoding="utf-8")
    code, out = run(data, "-r", "provincial-2021", "--lang", "en")
    assert code == 0, out
    assert "2 counties, 2 pass, 0 fail" in out and "天门市二号" in out


def test_per_county_formats_are_refused_for_a_batch() -> None:
    code, out = run(FOUR, "-r", "provincial-2021", "--format", "html")
    assert code == 2 and "text, json, csv, ndjson or parquet" in out


def test_a_single_county_by_the_vector_engine_is_a_batch_of_one() -> None:
    code, out = run(
        ROOT / "scenarios" / "tianmen-2022.csv",
        "-r",
        "provincial-2021",
        "--engine",
        "vector",
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert code == 0 and doc["counties"] == 1 and doc["summary"][0]["verdict"] == "PASS"


@pytest.mark.parametrize("engine", ["vector", "rete"])
def test_progress_is_reported_for_every_county(engine: str) -> None:
    import engine as library
    from engine.batch import assess_counties
    from engine.load.county import load_counties

    ruleset = library.load_ruleset("provincial-2021")
    counties = load_counties(FOUR, ruleset)
    steps: list[int] = []
    assess_counties(counties, ruleset, engine=engine, progress=steps.append)  # type: ignore[arg-type]
    assert sum(steps) == 4 and (engine == "vector" or steps == [1, 1, 1, 1])


def test_one_county_over_several_years_is_a_batch_of_county_years() -> None:
    code, out = run(
        ROOT / "scenarios" / "tianmen-2020-2022.csv", "-r", "provincial-2021", "--lang", "en"
    )
    assert code == 1  # 2020 and 2021 fail; 2022 is the published PASS
    assert "3 county-years, 1 pass, 2 fail" in out
    rows = [line for line in out.splitlines() if line.startswith("│天门市")]
    assert [row.split("│")[2].strip() for row in rows] == ["2020", "2021", "2022"]
