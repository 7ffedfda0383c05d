"""The `assess` command: exit codes, formats, languages, safe output, clean failures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from engine.cli import assess_command

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(assess_command, list(args), env=env)


def test_tianmen_text_report_in_both_languages() -> None:
    zh = run(str(TIANMEN), "--ruleset", "provincial-2021", "--lang", "zh")
    en = run(str(TIANMEN), "--ruleset", "provincial-2021", "--lang", "en")
    assert (zh.exit_code, en.exit_code) == (0, 0)
    assert "结论: 通过" in zh.output and "超50%的指标 21 项,超100%的 12 项" in zh.output
    assert "Verdict: PASS" in en.output and "21 indicators grew by more than 50 %" in en.output
    # every rule appears, passing ones too
    for rule_id in ("fiscal_st_share", "energy_per_gdp", "incubators", "pilot_bases"):
        assert rule_id in en.output


def test_language_follows_lang_by_default() -> None:
    zh = run(str(TIANMEN), "-r", "provincial-2021", env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    en = run(str(TIANMEN), "-r", "provincial-2021", env={"LANG": "en_US.UTF-8", "LC_ALL": ""})
    assert "结论" in zh.output and "Verdict" in en.output


def test_json_output() -> None:
    result = run(str(TIANMEN), "--ruleset", "provincial-2021", "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert data["verdict"] == "PASS"
    assert len(data["rules"]) == 28
    assert data["summary"]["binding_met"] == 8
    assert (data["summary"]["growth_over_50"], data["summary"]["growth_over_100"]) == (21, 12)
    assert {r["status"] for r in data["rules"]} == {"met", "not_met"}


def test_fail_exits_1_with_reasons() -> None:
    result = run(
        str(ROOT / "scenarios" / "example-fail-binding.csv"),
        "-r",
        "provincial-2021",
        "--lang",
        "en",
    )
    assert result.exit_code == 1
    assert "Verdict: FAIL" in result.output
    assert "Binding indicators not met" in result.output and "rd_intensity" in result.output


def test_list_rulesets_needs_no_file() -> None:
    result = run("ruleset", "list")
    assert result.exit_code == 0
    lines = {line.split("\t")[0]: line for line in result.output.splitlines()}
    from engine.load.ruleset import bundled_rulesets

    assert sorted(lines) == sorted(bundled_rulesets())
    assert {"hunan", "provincial-2021", "st-monitoring", "tianmen-plan-2021"} <= set(lines)
    assert lines["provincial-2021"].startswith("provincial-2021\t1.0.0\t28 indicators")


def test_bad_input_exits_2_with_one_message_and_no_verdict(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,actual\nrd_intensity,约2.5\n", encoding="utf-8")
    result = run(str(bad), "-r", "provincial-2021")
    assert result.exit_code == 2
    assert result.output.count("error:") == 1
    assert "bad.csv, row 2, indicator 'rd_intensity', field 'actual'" in result.output
    assert "Traceback" not in result.output
    assert "PASS" not in result.output and "FAIL" not in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run(str(TIANMEN)).exit_code == 2  # no --ruleset
    assert run(str(tmp_path / "missing.csv"), "-r", "provincial-2021").exit_code == 2
    unknown = run(str(TIANMEN), "-r", "no-such-ruleset")
    assert unknown.exit_code == 2 and "provincial-2021, st-monitoring" in unknown.output


def test_output_file_is_written_and_equals_stdout(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    result = run(str(TIANMEN), "-r", "provincial-2021", "-f", "json", "-o", str(out))
    assert result.exit_code == 0 and result.output == ""
    stdout = run(str(TIANMEN), "-r", "provincial-2021", "-f", "json").output
    assert out.read_text(encoding="utf-8") == stdout
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temporary file left


def test_refuses_to_write_over_the_input(tmp_path: Path) -> None:
    data = tmp_path / "county.csv"
    data.write_bytes(TIANMEN.read_bytes())
    before = data.read_bytes()
    result = run(str(data), "-r", "provincial-2021", "-o", str(data))
    assert result.exit_code == 2
    assert "refusing to write the report over an input file" in result.output
    assert data.read_bytes() == before


def test_help_explains_exit_codes() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for text in ("Exit codes", "0  PASS", "1  FAIL", "2  invalid input", "--list-rulesets"):
        assert text in result.output


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes("指标,实际值\n不存在的指标,1\n".encode("gbk"))
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from engine.cli import main; main()",
            str(bad),
            "-r",
            "provincial-2021",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: ") and "row 2" in proc.stderr
    assert "不存在的指标" in proc.stderr and "Traceback" not in proc.stderr


def test_one_county_does_not_import_the_batch_evaluator() -> None:
    """Start-up time is a feature (docs/performance.md): one county needs neither the vectorised
    evaluator nor the batch reports, so ``import engine`` and the command must not load them."""
    driver = (
        "import sys\nfrom engine.cli import main\ntry:\n    main()\nexcept SystemExit:\n"
        "    pass\nprint(sorted(m for m in sys.modules if m.startswith('engine')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", driver, str(TIANMEN), "-r", "provincial-2021", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(proc.stdout.splitlines()[-1].replace("'", '"'))
    assert "engine.pipeline" in loaded  # the driver really assessed
    for heavy in (
        "engine.batch",
        "engine.infer.vector",
        "engine.load.fast",
        "engine.report.batch",
        "engine.report.html",
        "engine.report.xlsx",
    ):
        assert heavy not in loaded


def test_a_theme_for_a_ruleset_without_themes_is_refused() -> None:
    """An option that would change nothing is a mistake worth saying (exit 2), not ignoring."""
    for option, value in (("--theme", "ecology"), ("--county-type", "city")):
        result = run(str(TIANMEN), "-r", "provincial-2021", option, value)
        assert result.exit_code == 2 and "would change nothing" in result.output
