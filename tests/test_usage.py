"""Usage errors in the user's language (engine/cli/usage.py): one ``error:`` line, exit code 2,
in Chinese with ``--lang zh`` or a zh_* locale, naming the option and the value; click's own
sentence in English. Run through ``main()`` itself, as the installed command runs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from engine.catalogue import USAGE
from engine.cli import main
from tests.helpers import run_main

ROOT = Path(__file__).resolve().parents[1]
TIANMEN = str(ROOT / "scenarios" / "tianmen-2022.csv")
FOUR = str(ROOT / "scenarios" / "hubei-four-counties.csv")
ONE = [TIANMEN, "-r", "provincial-2021"]
CJK = re.compile(r"[\u4e00-\u9fff]")

# (arguments, what the Chinese line says, what the English line says); --lang goes after the
# first argument where the command has one.
NO_LANG = {"ruleset", "serve"}
CASES = [
    ([*ONE, "--formt", "json"], "没有“--formt”这个选项。是否要用“--format”？", "No such option"),
    ([*ONE, "-f", "pdf"], "-f / --format 的值“pdf”无效，可选值为：text、json", "'pdf' is not"),
    ([*ONE, "--date", "2026/12/01"], "--date 的值“2026/12/01”不是日期，应写作 YYYY-MM-DD", "does"),
    ([*ONE, "-o"], "选项“-o”后面需要给出一个值", "requires an argument"),
    ([TIANMEN, "extra", "-r", "provincial-2021"], "多余的参数：extra", "unexpected extra"),
    (["monitor"], "缺少参数 FILE", "Missing argument"),
    ([TIANMEN], "请用 --ruleset 给出评估 tianmen-2022.csv 的规则集", "give the ruleset to assess"),
    ([*ONE, "--expected-share", "101"], "--expected-share 的值“101”无效", "not a percentage"),
    ([*ONE, "--plan", "-f", "csv"], "--set 与 --plan 用于一个县", "are for one county"),
    ([*ONE, "--theme", "x"], "规则集 'provincial-2021' 未规定建设主题", "declares no themes"),
    ([*ONE, "--county-type", "x"], "未规定县域类型", "declares no county types"),
    ([FOUR, "-r", "provincial-2021", "--plan"], "此文件含 4 个县或年份", "holds 4 counties"),
    ([FOUR, "-r", "provincial-2021", "--date", "2026-01-01"], "批量评估", "a batch"),
    (["ruleset"], "请给出 ruleset 的命令", "give a ruleset command"),
    (["merge", "-o", "merged.xlsx"], "请给出要合并的各部门填报工作簿", "give the departments'"),
    (["ruleset", "from-annex", TIANMEN, "--expected-share", "x"], "“x”不是数字", "'x' is not"),
    (["serve", "--token", "short"], "--token：至少需要 16 个字符", "at least 16 characters"),
]


def _error_line(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    code, out, err = run_main(args, monkeypatch, capsys)
    assert code == 2, err
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    return err


@pytest.mark.parametrize(("args", "zh", "en"), CASES, ids=[" ".join(c[0][-3:]) for c in CASES])
def test_a_usage_error_is_said_in_the_users_language(
    args: list[str],
    zh: str,
    en: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    english = _error_line(args, monkeypatch, capsys)
    assert en in english and not CJK.search(english.split("(see")[0]), english
    # A zh_* locale asks for Chinese.
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setattr(sys, "argv", ["assess", *args])
    with pytest.raises(SystemExit):
        main()
    assert zh in capsys.readouterr().err
    if args[0] in NO_LANG:
        return
    # So does --lang zh, and --lang en wins over the locale.
    for lang, said in (("zh", zh), ("en", en)):
        with_lang = [args[0], "--lang", lang, *args[1:]]
        monkeypatch.setattr(sys, "argv", ["assess", *with_lang])
        with pytest.raises(SystemExit):
            main()
        assert said in capsys.readouterr().err, with_lang


def test_the_pointer_to_help_is_said_in_chinese_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _error_line([*ONE, "--formt", "json", "--lang=zh"], monkeypatch, capsys)
    assert line.rstrip().endswith("（参见 'assess --help'）")


def _codes_raised() -> set[str]:
    found = set()
    for path in (ROOT / "engine" / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\b(?:Usage|Failure)\(\s*"([a-z0-9_]+)"', text))
    return found


def test_every_usage_code_raised_is_in_the_catalogue() -> None:
    # One code is built at run time (usage_undeclared_{theme,county_type}): the two cases above.
    assert _codes_raised() and _codes_raised() <= set(USAGE)
    assert {"usage_undeclared_theme", "usage_undeclared_county_type"} <= set(USAGE)


@pytest.mark.parametrize(
    ("name", "magic"),
    [
        ("自评价报告.docx", b"PK"),  # the Word draft
        ("报告.xlsx", b"PK"),
        ("报告.html", b"<!DOCTYPE html>"),
        ("报告.md", b"# "),
        ("result.json", b"{"),
        ("报告.txt", "创新型县".encode()),
    ],
)
def test_without_format_the_output_files_suffix_names_it(
    name: str, magic: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o 自评价报告.docx`` without ``-f`` wrote plain text into a file Word could not open,
    and said nothing; the suffix names the format now."""
    out = tmp_path / name
    monkeypatch.setattr(sys, "argv", ["assess", *ONE, "-o", str(out), "--lang", "zh"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 0
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize(
    ("fmt", "name"), [("md", "报告.xlsx"), ("text", "报告.docx"), ("xlsx", "报告.csv")]
)
def test_a_report_into_a_file_it_would_not_open_as_is_refused(
    fmt: str,
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / name
    line = _error_line([*ONE, "-f", fmt, "-o", str(out), "--lang", "zh"], monkeypatch, capsys)
    assert f"-o {name} 是 {out.suffix} 文件，而报告格式为 {fmt}" in line
    assert not out.exists()
