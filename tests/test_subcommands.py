"""The command tree, tried as a new user would: each command's help, a real run and a wrong
option; the default command unchanged; the old spellings working and pointing to their new
ones; options that cannot apply refused (exit 2, one clear line), never ignored."""

from __future__ import annotations

import csv
import json
import os
import pty
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from engine.cli import assess_command

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
TIANMEN = SCENARIOS / "tianmen-2022.csv"
YEARS = SCENARIOS / "tianmen-2020-2022.csv"
FOUR = SCENARIOS / "hubei-four-counties.csv"
KINDS = ROOT / "docs" / "examples" / "kinds.yaml"

_BESIDE = Path(sys.executable).parent / "assess"
ASSESS = str(_BESIDE) if _BESIDE.exists() else shutil.which("assess")
TIMEOUT = 60


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(assess_command, [str(a) for a in args], env=env)


def _env(lang_env: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "LANG": lang_env})
    return env


def real(*args: str | Path, lang_env: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    """The installed console script in a process of its own."""
    assert ASSESS is not None, "the assess console script is not installed"
    return subprocess.run(
        [ASSESS, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        env=_env(lang_env),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def on_terminal(*args: str | Path, stream: str) -> tuple[int, str, str]:
    """The console script with ``stream`` (stdout or stderr) on a pseudo-terminal: the exit
    code, what reached the terminal, what went to the other stream (a pipe)."""
    assert ASSESS is not None
    master, slave = pty.openpty()
    other = "stderr" if stream == "stdout" else "stdout"
    streams: dict[str, Any] = {stream: slave, other: subprocess.PIPE}
    proc = subprocess.Popen(
        [ASSESS, *map(str, args)],
        env=_env("C.UTF-8"),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        **streams,
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out, err = proc.communicate(timeout=TIMEOUT)
    piped: bytes = err if stream == "stdout" else out
    return proc.returncode, seen.decode("utf-8").replace("\r\n", "\n"), piped.decode("utf-8")


def _without_column(
    source: Path, column: str, target: Path, keep: tuple[str, str] | None = None
) -> Path:
    """``source`` without ``column`` (only the rows where ``keep``'s column has its value)."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if keep is not None:
        rows = [r for r in rows if r[keep[0]] == keep[1]]
    names = [n for n in rows[0] if n != column]
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return target


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Usage:" not in proc.stderr and "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("error: ")
    return line


# -- the tree and its help ----------------------------------------------------------------------


def test_the_top_help_shows_the_default_command_the_commands_and_the_old_spellings() -> None:
    result = run("--help")
    assert result.exit_code == 0
    text = result.output
    assert "Usage: assess [OPTIONS] FILE --ruleset NAME|PATH" in text
    assert "assess COMMAND [ARGS]..." in text
    for option in ("-r, --ruleset", "--format", "--set", "--plan", "--date", "--engine"):
        assert option in text  # the default command's own options
    for command in ("check", "monitor", "ruleset"):
        assert f"\n  {command} " in text
    for old, new in (
        ("--list-rulesets", "assess ruleset list"),
        ("--check-ruleset NAME", "assess ruleset check NAME"),
        ("--ruleset-schema", "assess ruleset schema"),
        ("--monitor", "assess monitor FILE"),
    ):
        line = next(line for line in text.splitlines() if old in line and "now:" in line)
        assert new in line
    assert text.count("--help") == 1  # one help option, not the default command's as well


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (["check"], "Check a county's indicator table against a ruleset"),
        (["monitor"], "Mid-term monitoring of one county"),
        (["ruleset"], "list the bundled ones, show a ruleset's indicators"),
        (["ruleset", "list"], "The bundled rulesets, one a line"),
        (["ruleset", "show"], "A ruleset's indicators as a table"),
        (["ruleset", "check"], "Check a ruleset without data"),
        (["ruleset", "schema"], "JSON Schema of ruleset files"),
    ],
)
def test_every_command_explains_itself(words: list[str], says: str) -> None:
    for flag in ("--help", "-h"):
        result = run(*words, flag)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"Usage: assess {' '.join(words)} ")
        assert says in " ".join(result.output.split())


def test_the_old_spellings_stay_out_of_the_default_command_help() -> None:
    text = run("check", "--help").output
    for old in ("--list-rulesets", "--check-ruleset", "--ruleset-schema", "--monitor", "--year"):
        assert old not in text
    assert "Exit codes" in text and "0  PASS" in text


def test_the_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("assess, version ")


# -- the default command ------------------------------------------------------------------------


def test_the_default_command_is_check() -> None:
    plain = run(TIANMEN, "--ruleset", "provincial-2021", "--format", "json")
    named = run("check", TIANMEN, "--ruleset", "provincial-2021", "--format", "json")
    assert (plain.exit_code, named.exit_code) == (0, 0)
    assert plain.output == named.output
    assert json.loads(plain.output)["verdict"] == "PASS"


def test_options_may_come_before_the_file() -> None:
    result = run("-r", "provincial-2021", "--lang", "en", TIANMEN)
    assert result.exit_code == 0 and "Verdict: PASS" in result.output


def test_the_mission_command_runs_as_installed() -> None:
    proc = real(
        "scenarios/tianmen-2022.csv", "--ruleset", "provincial-2021", lang_env="zh_CN.UTF-8"
    )
    assert proc.returncode == 0, proc.stderr
    assert "结论: 通过" in proc.stdout and proc.stderr == ""
    fail = real("scenarios/example-fail-binding.csv", "-r", "provincial-2021", "--lang", "en")
    assert fail.returncode == 1 and "Verdict: FAIL" in fail.stdout


def test_set_and_plan_modify_the_default_result() -> None:
    result = run(
        SCENARIOS / "example-fail-expected.csv", "-r", "provincial-2021", "--plan", "--lang", "en"
    )
    assert result.exit_code == 1 and "The way to PASS" in result.output
    command = next(line for line in result.output.splitlines() if line.startswith("assess "))
    assert command.split()[1:4] == ["example-fail-expected.csv", "-r", "provincial-2021"]
    args = command.split()[1:]
    args[0] = str(SCENARIOS / args[0])  # the report names the file, not where it sits
    fixed = run(*args, "--lang", "en")
    assert fixed.exit_code == 4 and "The verdict moved from FAIL to PASS." in fixed.output


def test_the_pasted_plan_command_reads_the_file_the_same_way(tmp_path: Path) -> None:
    """--county, --sheet and --missing-marker are part of reading the file: the command a plan
    prints carries them, or pasting it would read another table."""
    data = _without_column(TIANMEN, "county", tmp_path / "return.csv")
    result = run(data, "-r", "provincial-2021", "--plan", "--county", "天门市", "--lang", "en")
    assert result.exit_code == 0, result.output
    result = run(
        data,
        "-r",
        "provincial-2021",
        "--set",
        "rd_intensity=1.0",
        "--plan",
        "--county",
        "天门市",
        "--missing-marker",
        "缺报",
        "--lang",
        "en",
    )
    command = next(line for line in result.output.splitlines() if line.startswith("assess "))
    words = shlex.split(command)
    assert words[words.index("--county") + 1] == "天门市"
    assert words[words.index("--missing-marker") + 1] == "缺报"
    assert words[1] == data.name  # the file by name: pasted in its folder
    pasted = run(str(data), *words[2:], "--lang", "en")
    assert pasted.exit_code == 4 and "Simulated verdict: PASS" in pasted.output


def test_no_arguments_is_one_line_pointing_to_the_help() -> None:
    line = one_error_line(real())
    assert "give a county FILE and --ruleset" in line and "(see 'assess --help')" in line


def test_a_wrong_option_of_the_default_command_is_one_line() -> None:
    line = one_error_line(real(TIANMEN, "-r", "provincial-2021", "--colour"))
    assert "No such option '--colour'" in line and "(see 'assess --help')" in line
    named = one_error_line(real("check", TIANMEN, "-r", "provincial-2021", "--colour"))
    assert "(see 'assess check --help')" in named


# -- assess monitor -----------------------------------------------------------------------------


def test_monitor_reports_each_year() -> None:
    result = run("monitor", YEARS, "-r", "provincial-2021", "--lang", "en")
    assert result.exit_code == 0, result.output  # 2022, the latest year, passes
    assert "Mid-term monitoring: 天门市" in result.output
    for year in ("2020", "2021", "2022"):
        assert year in result.output
    view = json.loads(run("monitor", YEARS, "-r", "provincial-2021", "-f", "json").output)
    assert [y["year"] for y in view["years"]] == [2020, 2021, 2022]


def test_monitor_with_year_for_a_file_of_one_year(tmp_path: Path) -> None:
    data = _without_column(YEARS, "year", tmp_path / "county-2021.csv", keep=("year", "2021"))
    result = run("monitor", data, "-r", "provincial-2021", "--year", "2021", "-f", "md")
    assert result.exit_code == 1, result.output  # the 2021 trends project a FAIL
    assert "2021" in result.output
    missing = run("monitor", data, "-r", "provincial-2021")
    assert missing.exit_code == 2 and "--year" in missing.output


def test_monitor_runs_as_installed_and_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "monitor.html"
    proc = real("monitor", YEARS, "-r", "provincial-2021", "-f", "html", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.slow  # starts the real command many times (.ci/run runs it)
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--set", "rd_intensity=2"], "No such option '--set'"),
        (["--plan"], "No such option '--plan'"),
        (["--date", "2026-01-01"], "No such option '--date'"),
        (["--engine", "vector"], "No such option '--engine'"),
        (["-f", "xlsx"], "'xlsx' is not one of 'text', 'json', 'md', 'html'"),
    ],
)
def test_monitor_refuses_what_it_does_not_do(args: list[str], says: str) -> None:
    line = one_error_line(real("monitor", YEARS, "-r", "provincial-2021", *args))
    assert says in line and "(see 'assess monitor --help')" in line


def test_monitor_needs_its_file_and_ruleset() -> None:
    assert "Missing argument 'FILE'" in one_error_line(real("monitor"))
    assert "Missing option '-r' / '--ruleset'" in one_error_line(real("monitor", YEARS))


def test_monitor_errors_are_said_as_before(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,actual\nrd_intensity,2021,abc\n", encoding="utf-8")
    proc = real("monitor", bad, "-r", "provincial-2021", "-f", "json")
    assert "row 2" in one_error_line(proc)
    assert json.loads(proc.stdout)["errors"][0]["code"] == "number_invalid"
    zh = real("monitor", bad, "-r", "provincial-2021", lang_env="zh_CN.UTF-8")
    assert "第2行" in one_error_line(zh)


# -- assess ruleset -----------------------------------------------------------------------------


def test_ruleset_list() -> None:
    result = run("ruleset", "list")
    assert result.exit_code == 0
    from engine.load.ruleset import bundled_rulesets

    names = [line.split("\t")[0] for line in result.output.splitlines()]
    assert names == list(bundled_rulesets())
    assert run("--list-rulesets").stdout == result.stdout


def test_ruleset_show_in_chinese() -> None:
    result = run("ruleset", "show", "provincial-2021", "--lang", "zh")
    assert result.exit_code == 0, result.output
    text = result.output
    for head in ("指标代码", "中文名称", "英文名称", "单位", "类型", "要求"):
        assert head in text
    row = next(line for line in text.splitlines() if " rd_intensity " in line)
    for cell in ("全社会R&D经费支出", "R&D intensity", "%", "约束性", "≥ 目标值"):
        assert cell in row
    assert "共28项指标:约束性8项,预期性20项。" in text
    assert "预期性指标完成不低于80%" in text


def test_ruleset_show_follows_the_locale_and_words_every_threshold_kind() -> None:
    zh = run("ruleset", "show", "suizhou-2025", env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert "≥ 基期值 + 10%" in zh.output and "> 400" in zh.output
    en = run("ruleset", "show", KINDS, env={"LANG": "en_US.UTF-8", "LC_ALL": ""})
    assert en.exit_code == 0, en.output
    for text in (
        "threshold",
        "binding",
        "expected",
        "≤ 0.500",
        "30 ≤ actual ≤ 100",
        "≤ baseline − 5",
    ):
        assert text in en.output
    scored = run("ruleset", "show", "st-monitoring", "--lang", "en").output
    assert "≥ 2.50" in scored and "weight" in scored and "weighted score of at least 60" in scored


def test_ruleset_show_refuses_what_is_not_a_ruleset() -> None:
    line = one_error_line(real("ruleset", "show", "no-such-ruleset"))
    assert "unknown ruleset 'no-such-ruleset'" in line and "provincial-2021" in line
    assert "Missing argument 'NAME|PATH'" in one_error_line(real("ruleset", "show"))
    line = one_error_line(real("ruleset", "show", "provincial-2021", "--format", "md"))
    assert "No such option '--format'" in line and "(see 'assess ruleset show --help')" in line


def test_ruleset_check(tmp_path: Path) -> None:
    good = run("ruleset", "check", "provincial-2021")
    assert good.exit_code == 0 and good.output.startswith(
        "ok: provincial-2021 1.0.0: 28 indicators"
    )
    assert run("--check-ruleset", "provincial-2021").stdout == good.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(KINDS.read_text(encoding="utf-8").replace("precision: 2", "precision: -1", 1))
    proc = real("ruleset", "check", bad)
    assert "field 'precision'" in one_error_line(proc) and proc.stdout == ""
    zh = real("ruleset", "check", tmp_path / "missing.yaml", "--lang", "zh")
    assert "规则集文件不存在" in one_error_line(zh)


def test_ruleset_schema() -> None:
    result = run("ruleset", "schema")
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "county-assess ruleset"
    assert run("--ruleset-schema").stdout == result.stdout


def test_ruleset_alone_or_wrong_is_one_line() -> None:
    line = one_error_line(real("ruleset"))
    assert "give a ruleset command: list, show NAME, check NAME|PATH or schema" in line
    assert "(see 'assess ruleset --help')" in line
    assert "No such command 'lst'" in one_error_line(real("ruleset", "lst"))
    # Asked for in Chinese (though 'ruleset list' takes no --lang): said in Chinese.
    assert "没有“--lang”这个选项" in one_error_line(real("ruleset", "list", "--lang", "zh"))


# -- the old spellings --------------------------------------------------------------------------

OLD = [
    (
        ["--list-rulesets"],
        ["ruleset", "list"],
        "note: --list-rulesets is now 'assess ruleset list'",
    ),
    (
        ["--check-ruleset", "hunan"],
        ["ruleset", "check", "hunan"],
        "note: --check-ruleset is now 'assess ruleset check NAME|PATH'",
    ),
    (
        ["--ruleset-schema"],
        ["ruleset", "schema"],
        "note: --ruleset-schema is now 'assess ruleset schema'",
    ),
    (
        [str(YEARS), "-r", "provincial-2021", "--monitor", "-f", "json"],
        ["monitor", str(YEARS), "-r", "provincial-2021", "-f", "json"],
        "note: --monitor is now 'assess monitor FILE'",
    ),
]


@pytest.mark.parametrize(("old", "new", "note"), OLD, ids=[o[0][0] for o in OLD])
def test_an_old_spelling_does_the_new_commands_work_and_points_to_it(
    old: list[str], new: list[str], note: str
) -> None:
    before, after = run(*old), run(*new)
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout
    assert before.stderr == note + "\n"
    assert after.stderr == ""


def test_the_pointer_reaches_a_terminal_and_a_script_leaves_standard_output_alone() -> None:
    code, terminal, stdout = on_terminal("--list-rulesets", stream="stderr")
    assert code == 0
    assert terminal == "note: --list-rulesets is now 'assess ruleset list'\n"
    assert stdout == real("ruleset", "list").stdout
    piped = real("--list-rulesets")
    assert piped.returncode == 0
    assert piped.stderr == "note: --list-rulesets is now 'assess ruleset list'\n"
    assert piped.stdout == real("ruleset", "list").stdout


def test_old_monitor_keeps_its_year_and_its_refusals() -> None:
    result = run(YEARS, "-r", "provincial-2021", "--monitor", "--plan")
    assert result.exit_code == 2 and "--monitor is a report of its own" in result.output
    result = run(YEARS, "-r", "provincial-2021", "--monitor", "--engine", "vector")
    assert result.exit_code == 2 and "durable-rules" in result.output
    result = run(YEARS, "-r", "provincial-2021", "--monitor", "--year", "2021")
    assert result.exit_code == 2 and "--year is for a file of one year" in result.output


@pytest.mark.slow  # starts the real command many times (.ci/run runs it)
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--list-rulesets", str(TIANMEN)], "--list-rulesets takes no FILE"),
        # Asked for in Chinese: refused in Chinese, though --list-rulesets takes no --lang.
        (["--list-rulesets", "--lang", "zh"], "--list-rulesets 不接受 --lang"),
        (["--ruleset-schema", "-o", "schema.json"], "--ruleset-schema takes no --output"),
        (["--check-ruleset", "hunan", "-r", "hunan"], "--check-ruleset takes no --ruleset"),
        (["--check-ruleset", "hunan", "-f", "html"], "reports as text or json"),
        (["--monitor", "--list-rulesets"], "takes no --"),
    ],
)
def test_an_old_spelling_refuses_what_it_never_used(args: list[str], says: str) -> None:
    line = one_error_line(real(*args))
    assert says in line


# -- options that cannot apply ------------------------------------------------------------------


@pytest.mark.slow  # starts the real command many times (.ci/run runs it)
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            [FOUR, "-f", "json", "--date", "2026-01-01"],
            "--date would change nothing: a batch (a file of several counties or years",
        ),
        (
            [TIANMEN, "--engine", "vector", "-f", "json", "--date", "2026-01-01"],
            "--date would change nothing: a batch",
        ),
        (
            [YEARS, "--monitor", "--date", "2026-01-01"],
            "--date would change nothing: the monitoring view prints no date",
        ),
        (
            [TIANMEN, "--year", "2021"],
            "--year is for --monitor (now 'assess monitor FILE --year YEAR')",
        ),
        (
            [FOUR, "--set", "rd_intensity=2"],
            "--set and --plan are for one county; this file holds 4",
        ),
        ([YEARS, "--plan"], "this file holds 3 counties or years"),
        ([TIANMEN, "--plan", "-f", "csv"], "the csv report is a batch's summary table"),
        ([TIANMEN, "--set", "rd_intensity=2", "--engine", "vector"], "durable-rules"),
        (
            [FOUR, "-f", "md"],
            "is reported as text, json, csv, ndjson or parquet, not md (the md report is for one "
            "county)",
        ),
        ([TIANMEN, "--engine", "vector", "-f", "xlsx", "-o", "x.xlsx"], "not xlsx"),
        (
            [YEARS, "--monitor", "-f", "csv"],
            "the monitoring view is reported as text, json, md or html, not csv",
        ),
        ([TIANMEN, "--theme", "ecology"], "would change nothing"),
    ],
)
def test_an_option_that_cannot_apply_is_refused(args: list[Any], says: str) -> None:
    line = one_error_line(real(args[0], "-r", "provincial-2021", *args[1:]))
    assert says in line


def test_the_text_report_prints_the_date_given() -> None:
    """The text report prints the date of the assessment (today unless --date says otherwise)."""
    run_ = run(TIANMEN, "-r", "provincial-2021", "--lang", "en", "--date", "2026-01-01")
    assert run_.exit_code == 0, run_.output
    assert "Date of assessment: 2026-01-01" in run_.stdout


def test_date_is_taken_where_it_is_printed(tmp_path: Path) -> None:
    doc = run(TIANMEN, "-r", "provincial-2021", "-f", "json", "--date", "2026-11-25")
    assert doc.exit_code == 0 and json.loads(doc.output)["assessed_on"] == "2026-11-25"
    md = run(TIANMEN, "-r", "provincial-2021", "-f", "md", "--date", "2026-11-25")
    assert md.exit_code == 0 and "2026-11-25" in md.output


def test_xlsx_to_a_terminal_is_refused_before_anything_is_assessed() -> None:
    code, terminal, stderr = on_terminal(
        TIANMEN, "-r", "provincial-2021", "-f", "xlsx", stream="stdout"
    )
    assert code == 2 and terminal == ""
    assert (
        stderr == "error: the xlsx report is a binary file: give --output FILE.xlsx "
        "(see 'assess --help')\n"
    )


def test_a_refused_option_reads_nothing(tmp_path: Path) -> None:
    """Options are validated before any file is opened: a missing file is not even looked at."""
    line = one_error_line(real(tmp_path / "missing.csv", "-r", "no-such", "--plan", "-f", "csv"))
    assert "the csv report is a batch's summary table" in line
