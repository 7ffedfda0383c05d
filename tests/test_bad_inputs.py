"""The bad-input corpus (tests/bad_inputs): every file gets exit code 2, one message naming the
file and what is wrong, no traceback, and no verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import assess_command

HERE = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED: dict[str, dict[str, str]] = json.loads((HERE / "expected.json").read_text("utf-8"))
TIANMEN = Path(__file__).resolve().parents[1] / "scenarios" / "tianmen-2022.csv"
VERDICT_WORDS = ("PASS", "FAIL", "通过", "不通过", "Verdict", "结论")


def check(args: list[str], name: str, fragment: str) -> None:
    run = CliRunner().invoke(assess_command, args)
    assert run.exit_code == 2, (run.exit_code, run.output)
    assert run.output.startswith("error: "), run.output
    assert run.output.count("error: ") == 1
    assert name in run.output, run.output
    assert fragment in run.output, run.output
    assert "Traceback" not in run.output
    assert not any(word in run.output for word in VERDICT_WORDS), run.output


def test_corpus_is_complete() -> None:
    assert sum(len(v) for v in EXPECTED.values()) >= 50
    for kind, files in EXPECTED.items():
        assert sorted(p.name for p in (HERE / kind).iterdir()) == sorted(files)


@pytest.mark.parametrize(("name", "fragment"), sorted(EXPECTED["county"].items()))
def test_bad_county_file(name: str, fragment: str) -> None:
    path = HERE / "county" / name
    before = path.read_bytes()
    check([str(path), "--ruleset", "provincial-2021"], name, fragment)
    assert path.read_bytes() == before


@pytest.mark.parametrize(("name", "fragment"), sorted(EXPECTED["ruleset"].items()))
def test_bad_ruleset_file(name: str, fragment: str) -> None:
    check([str(TIANMEN), "--ruleset", str(HERE / "ruleset" / name)], name, fragment)
