"""The bad-input corpus (tests/bad_inputs): every file gets exit code 2, one message naming the
file and what is wrong, no traceback, and no verdict. Beside it, valid files that look wrong
(tests/bad_inputs/tricky) get their verdict, and reports never go where they must not."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import assess_command

HERE = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED: dict[str, dict[str, str]] = json.loads((HERE / "expected.json").read_text("utf-8"))
TRICKY = HERE / "tricky"
EXPECTED_TRICKY: dict[str, dict[str, object]] = json.loads(
    (TRICKY / "expected_tricky.json").read_text("utf-8")
)
ROOT = Path(__file__).resolve().parents[1]
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"
VERDICT_WORDS = ("PASS", "FAIL", "通过", "不通过", "Verdict", "结论")
#: No corpus file is large: a bomb declares its size, it does not have it.
MAX_CORPUS_FILE = 1_100_000


def check(args: list[str], name: str, fragment: str) -> str:
    run = CliRunner().invoke(assess_command, args)
    assert run.exit_code == 2, (run.exit_code, run.output)
    assert run.output.startswith("error: "), run.output
    assert run.output.count("error: ") == 1
    assert name in run.output, run.output
    assert fragment in run.output, run.output
    assert "Traceback" not in run.output
    assert "\x1b" not in run.output  # a control character of an input is shown escaped
    assert not any(word in run.output for word in VERDICT_WORDS), run.output
    return run.output


def test_corpus_is_complete() -> None:
    assert sum(len(v) for v in EXPECTED.values()) >= 100
    for kind, files in EXPECTED.items():
        assert sorted(p.name for p in (HERE / kind).iterdir()) == sorted(files)


def test_corpus_files_are_small() -> None:
    for kind in EXPECTED:
        for path in (HERE / kind).iterdir():
            assert path.stat().st_size <= MAX_CORPUS_FILE, path
    for path in TRICKY.iterdir():
        assert path.stat().st_size <= 100_000, path


@pytest.mark.parametrize(("name", "fragment"), sorted(EXPECTED["county"].items()))
def test_bad_county_file(name: str, fragment: str) -> None:
    path = HERE / "county" / name
    before = path.read_bytes()
    check([str(path), "--ruleset", "provincial-2021"], name, fragment)
    assert path.read_bytes() == before


@pytest.mark.parametrize(("name", "fragment"), sorted(EXPECTED["ruleset"].items()))
def test_bad_ruleset_file(name: str, fragment: str) -> None:
    path = HERE / "ruleset" / name
    before = path.read_bytes()
    check([str(TIANMEN), "--ruleset", str(path)], name, fragment)
    assert path.read_bytes() == before


# -- what some of the bad files are, checked so that the corpus stays what it claims -----------


def test_shared_strings_bomb_declares_a_gigabyte() -> None:
    path = HERE / "county" / "shared-strings-bomb.xlsx"
    assert path.stat().st_size < 10_000
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/sharedStrings.xml").file_size == 1_000_000_000


def test_chart_sheet_only_has_no_worksheet() -> None:
    with zipfile.ZipFile(HERE / "county" / "chart-sheet-only.xlsx") as z:
        names = z.namelist()
    assert any(n.startswith("xl/chartsheets/") for n in names), names
    assert not any(n.startswith("xl/worksheets/") for n in names), names


def test_million_digits_is_one_long_number() -> None:
    path = HERE / "county" / "million-digits.csv"
    assert path.read_bytes().count(b"9") >= 1_000_000


@pytest.mark.parametrize(
    "path",
    [HERE / "county" / "space-in-xfd1048576.xlsx", TRICKY / "space-in-xfd1048576.xlsx"],
    ids=["alone", "beside-a-table"],
)
def test_space_in_the_last_cell_is_read_fast(path: Path) -> None:
    """openpyxl's read-only mode padded every row to XFD for it and took minutes."""
    start = time.perf_counter()
    run = CliRunner().invoke(assess_command, [str(path), "--ruleset", "provincial-2021"])
    assert time.perf_counter() - start < 5, "a blank far cell must not make the table wide"
    assert run.exit_code in (0, 2), run.output


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_extends_etc_shadow_shows_nothing_of_it(lang: str, fmt: str) -> None:
    """The parent is refused by its path, before it is opened: not a line of it is shown."""
    path = HERE / "ruleset" / "extends-etc-shadow.yaml"
    run = CliRunner().invoke(
        assess_command, [str(TIANMEN), "-r", str(path), "--lang", lang, "--format", fmt]
    )
    assert run.exit_code == 2, run.output
    assert "/etc/shadow" in run.output
    try:
        lines = Path("/etc/shadow").read_text("utf-8", errors="replace").splitlines()
    except OSError:  # absent, or not readable by this user: nothing of it could be shown
        lines = []
    for line in lines:
        if line.strip():
            assert line.strip() not in run.output


# -- valid but tricky files ------------------------------------------------------------------


def _tricky_rulesets() -> set[str]:
    return {
        str(e["ruleset"])
        for e in EXPECTED_TRICKY.values()
        if str(e.get("ruleset", "")).endswith(".yaml")
    }


def test_tricky_corpus_is_complete() -> None:
    listed = {*EXPECTED_TRICKY, *_tricky_rulesets(), "expected_tricky.json"}
    assert sorted(p.name for p in TRICKY.iterdir()) == sorted(listed)
    assert len(EXPECTED_TRICKY) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED_TRICKY))
def test_tricky_file(name: str) -> None:
    expected = EXPECTED_TRICKY[name]
    path = TRICKY / name
    ruleset = str(expected.get("ruleset", "provincial-2021"))
    if ruleset.endswith(".yaml"):
        ruleset = str(TRICKY / ruleset)
    before = path.read_bytes()
    run = CliRunner().invoke(assess_command, [str(path), "-r", ruleset, "--format", "json"])
    assert "Traceback" not in run.output and "error:" not in run.output, run.output
    assert run.exit_code == {"PASS": 0, "FAIL": 1}[str(expected["verdict"])], run.output
    result = json.loads(run.stdout)
    assert result["verdict"] == expected["verdict"]
    statuses = {rule["id"]: rule["status"] for rule in result["rules"]}
    rules = expected["rules"]
    assert isinstance(rules, dict) and rules
    for rule_id, status in rules.items():
        assert statuses[rule_id] == status, (rule_id, statuses)
    warnings, data_file = expected.get("warnings", []), expected.get("data_file", {})
    assert isinstance(warnings, list) and isinstance(data_file, dict)
    codes = {w["code"] for w in result["warnings"]}
    for code in warnings:  # what the intake saw: footer rows, kept columns, missing markers
        assert code in codes, (code, result["warnings"])
    for key, value in data_file.items():
        assert result["data_file"][key] == value, result["data_file"]
    assert path.read_bytes() == before


# -- where a report must not go --------------------------------------------------------------


def _assess(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command in a process of its own: /dev/stdout is its real standard output."""
    return subprocess.run(
        [sys.executable, "-c", "from engine.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
        check=False,
    )


def _listing(folder: Path) -> list[tuple[str, bytes | None]]:
    """Every path below ``folder`` with its content (None for a folder)."""
    return sorted(
        (str(p.relative_to(folder)), None if p.is_dir() else p.read_bytes())
        for p in folder.rglob("*")
    )


def _is_char_device(path: str) -> bool:
    return stat.S_ISCHR(os.stat(path).st_mode)


OUTPUTS = {
    "directory": "is a folder",
    "proc-1": "/proc/1/x.txt: cannot be written",
    "over-input": "refusing to write the report over an input file",
    "csv-rules-over-input": "refusing to write the report over an input file",
    "dev-full": "/dev/full: cannot be written: no space left on device",
    "dev-null": None,
    "dev-stdout": None,
}


@pytest.mark.parametrize("case", sorted(OUTPUTS))
def test_report_goes_only_where_it_may(case: str, tmp_path: Path) -> None:
    source = tmp_path / "county.csv"
    source.write_bytes(TIANMEN.read_bytes())
    args = [str(source), "-r", "provincial-2021"]
    if case == "directory":
        (tmp_path / "reports").mkdir()
        args += ["-o", str(tmp_path / "reports")]
    elif case == "proc-1":
        args += ["-o", "/proc/1/x.txt"]  # /proc refuses new files, even to root
    elif case == "over-input":
        args += ["-o", str(source)]
    elif case == "csv-rules-over-input":
        source = source.rename(tmp_path / "X.rules.csv")  # the rules table would replace it
        args = [str(source), "-r", "provincial-2021", "--format", "csv"]
        args += ["-o", str(tmp_path / "X.csv")]
    elif case in ("dev-full", "dev-null"):
        args += ["-o", f"/dev/{case[4:]}"]
    else:
        args += ["--format", "json", "-o", "/dev/stdout"]
    before = _listing(tmp_path)
    run = _assess(*args)
    fragment = OUTPUTS[case]
    assert "Traceback" not in run.stderr
    if fragment is not None:
        assert run.returncode == 2, (run.returncode, run.stderr)
        assert run.stderr.startswith("error: ") and run.stderr.count("error: ") == 1, run.stderr
        assert fragment in run.stderr, run.stderr
        assert run.stdout == ""
        assert _listing(tmp_path) == before  # nothing written, nothing left behind
    elif case == "dev-null":
        assert run.returncode in (0, 1), run.stderr
        assert run.stderr == "" and run.stdout == ""
    else:
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["verdict"] == "PASS"
    assert _is_char_device("/dev/full") and _is_char_device("/dev/null")
    assert not os.path.exists("/proc/1/x.txt")
    assert source.read_bytes() == TIANMEN.read_bytes()
