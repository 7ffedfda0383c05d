"""What the ``assess`` command says about bad input, run as the real console script.

Every outcome of bad input is exit code 2 and one ``error:`` line on stderr (several problems of
one file one per indented line below it), in the user's language, or with ``--format json`` a
JSON document on stdout; never click's ``Usage:`` block, never a hang, never a raw control
character.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

import engine

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"
RULESET = engine.load_ruleset("provincial-2021")
with TIANMEN.open(encoding="utf-8", newline="") as _handle:
    TIANMEN_ROWS = list(csv.DictReader(_handle))

_BESIDE = Path(sys.executable).parent / "assess"
ASSESS = str(_BESIDE) if _BESIDE.exists() else shutil.which("assess")
#: Generous: the command starts in well under a second; a hang fails the test instead of
#: blocking the run.
TIMEOUT = 20
#: What "at once" means for a refused input, with room for a loaded machine.
PROMPT = 10


@dataclass
class Run:
    code: int
    stdout: bytes
    stderr: bytes
    seconds: float

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8")

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def assess(*args: str | Path, lang_env: str | None = "C.UTF-8", cwd: Path | None = None) -> Run:
    """Run the console script; ``lang_env`` is LANG (LC_ALL and LC_MESSAGES are cleared)."""
    assert ASSESS is not None, "the assess console script is not installed"
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    if lang_env is not None:
        env["LANG"] = lang_env
    started = time.perf_counter()
    done = subprocess.run(
        [ASSESS, *map(str, args)],
        capture_output=True,
        timeout=TIMEOUT,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


def one_error_line(run: Run) -> str:
    """The run's single ``error:`` line (and nothing else on stderr, no usage block)."""
    assert run.code == 2, run.err
    assert "Usage:" not in run.err and "Traceback" not in run.err
    assert len(run.err_lines) == 1, run.err
    (line,) = run.err_lines
    assert line.startswith("error: ")
    return line


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [["" if c is None else str(c) for c in row] for row in rows]
    )
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def tianmen(
    county: str | None = "天门市", *, with_unit: bool = True, **actuals: str
) -> list[list[str]]:
    """tianmen-2022.csv's rows (with or without its county and unit columns), actuals changed
    by id."""
    head = ["county"] if county is not None else []
    unit = ["unit"] if with_unit else []
    rows = [[*head, "indicator", *unit, "baseline", "target", "actual"]]
    for r in TIANMEN_ROWS:
        cells = [r["indicator"], *([r["unit"]] if with_unit else []), r["baseline"], r["target"]]
        rows.append(
            [
                *([county] if county is not None else []),
                *cells,
                actuals.get(r["indicator"], r["actual"]),
            ]
        )
    return rows


# -- missing markers (--missing-marker) ---------------------------------------------------------


def test_missing_marker_option_replaces_the_defaults(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", tianmen(rd_intensity="缺报"))
    run = assess(path, "-r", "provincial-2021", "--missing-marker", "缺报", "--format", "json")
    assert run.code == 1, run.err
    result = json.loads(run.out)
    assert result["verdict"] == "FAIL"
    (rule,) = [r for r in result["rules"] if r["id"] == "rd_intensity"]
    assert rule["status"] == "not_evaluated"
    (warning,) = [w for w in result["warnings"] if w["code"] == "marker_missing"]
    assert warning["indicator"] == "rd_intensity" and "缺报" in warning["en"]
    line = one_error_line(assess(path, "-r", "provincial-2021"))  # not a default marker
    assert "row 5" in line and "'缺报' is not a number" in line


@pytest.mark.parametrize("marker", ["0", "0.0"])
def test_a_number_given_as_missing_marker_is_refused(tmp_path: Path, marker: str) -> None:
    path = write_csv(tmp_path / "c.csv", tianmen())
    line = one_error_line(
        assess(path, "-r", "provincial-2021", "--missing-marker", "—", "--missing-marker", marker)
    )
    assert f"'{marker}' is a number" in line


# -- every problem in one pass ------------------------------------------------------------------

THREE_BAD_ROWS = [
    ["indicator", "baseline", "target", "actual"],
    ["rd_intensity", "1.32", "1.60", "1.68"],
    ["no_such_indicator", "1", "2", "3"],  # row 3
    ["tech_smes", "102", "240", "abc"],  # row 4
    ["high_tech_enterprises", "41", "90", "-5"],  # row 5
]


def test_three_problems_are_one_error_line_and_one_line_each(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", THREE_BAD_ROWS)
    run = assess(path, "-r", "provincial-2021")
    assert run.code == 2 and run.stdout == b""
    assert "Usage:" not in run.err and "Traceback" not in run.err
    head, *problems = run.err_lines
    assert head == f"error: {path}: 3 problems:"
    assert len(problems) == 3
    assert problems[0].startswith(
        "  row 3, field 'indicator': unknown indicator 'no_such_indicator'"
    )
    assert problems[1].startswith("  row 4, indicator 'tech_smes', field 'actual': 'abc'")
    assert problems[2].startswith("  row 5, indicator 'high_tech_enterprises', field 'actual': -5")


@pytest.mark.parametrize(
    ("flags", "lang_env"),
    [(["--lang", "zh"], "C.UTF-8"), ([], "zh_CN.UTF-8")],
    ids=["--lang zh", "LANG=zh_CN.UTF-8"],
)
def test_three_problems_in_chinese(tmp_path: Path, flags: list[str], lang_env: str) -> None:
    path = write_csv(tmp_path / "bad.csv", THREE_BAD_ROWS)
    run = assess(path, "-r", "provincial-2021", *flags, lang_env=lang_env)
    assert run.code == 2
    head, *problems = run.err_lines
    assert head.startswith(f"error: {path}") and "共3处问题" in head
    assert [p[:5] for p in problems] == ["  第3行", "  第4行", "  第5行"]
    assert "no_such_indicator" in problems[0] and "不是数字" in problems[1]
    assert "个数不能为负" in problems[2]


def test_three_problems_as_json_on_stdout(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", THREE_BAD_ROWS)
    run = assess(path, "-r", "provincial-2021", "--format", "json")
    assert run.code == 2
    document = json.loads(run.out)
    assert set(document) == {"errors", "count", "file"}
    assert (document["count"], document["file"]) == (3, str(path))
    assert [set(e) for e in document["errors"]] == [
        {"file", "row", "indicator", "field", "code", "message"}
    ] * 3
    assert [
        (e["file"], e["row"], e["indicator"], e["field"], e["code"]) for e in document["errors"]
    ] == [
        (str(path), 3, None, "indicator", "indicator_unknown"),
        (str(path), 4, "tech_smes", "actual", "number_invalid"),
        (str(path), 5, "high_tech_enterprises", "actual", "count_negative"),
    ]
    for error in document["errors"]:
        assert set(error["message"]) == {"zh", "en"}
    assert "第4行" in document["errors"][1]["message"]["zh"]
    assert "row 4" in document["errors"][1]["message"]["en"]


# -- digits and absurd numbers ------------------------------------------------------------------


@pytest.mark.slow  # starts the real command many times (.ci/run runs it)
@pytest.mark.parametrize(
    "text",
    ["1e1000000", "9" * 1_000_000, "١.٦٨"],
    ids=["exponent", "1MB of digits", "arabic-indic"],
)
def test_absurd_numbers_are_refused_at_once(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path / "c.csv", tianmen(rd_intensity=text))
    run = assess(path, "-r", "provincial-2021")
    line = one_error_line(run)
    assert run.seconds < PROMPT
    assert "row 5" in line and "rd_intensity" in line and len(line) < 400


# -- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "name"), [("big5", "Big5"), ("utf-32", "UTF-32")])
def test_foreign_encodings_are_refused_by_name(tmp_path: Path, encoding: str, name: str) -> None:
    path = write_csv(tmp_path / "c.csv", tianmen("天門市", with_unit=False), encoding=encoding)
    run = assess(path, "-r", "provincial-2021")
    assert f"is {name} text" in one_error_line(run)
    assert b"PASS" not in run.stdout


def test_utf16_unicode_text_from_excel_is_assessed(tmp_path: Path) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(tianmen())
    path = tmp_path / "天门市.txt"
    path.write_bytes(buffer.getvalue().encode("utf-16"))
    run = assess(path, "-r", "provincial-2021", "--format", "json")
    assert run.code == 0, run.err
    result = json.loads(run.out)
    assert (result["verdict"], result["county"]) == ("PASS", "天门市")
    assert result["data_file"]["encoding"] == "utf-16"


# -- only regular files -------------------------------------------------------------------------


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "folder.csv").mkdir()
    return tmp_path / "folder.csv"


def _fifo(tmp_path: Path, name: str = "pipe.csv") -> Path:
    os.mkfifo(tmp_path / name)
    return tmp_path / name


def _zero(tmp_path: Path) -> Path:
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    return tmp_path / "zero.csv"


@pytest.mark.slow  # starts the real command many times (.ci/run runs it)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_directory, "is a directory, not a regular file"),
        (_fifo, "is a FIFO, a named pipe, not a regular file"),
        (lambda p: _fifo(p, "pipe.xlsx"), "is a FIFO, a named pipe, not a regular file"),
        (_zero, "is a device, not a regular file"),
        (lambda p: p / "no-such-file.csv", "no such file"),
    ],
    ids=["directory", "fifo", "fifo.xlsx", "symlink to /dev/zero", "missing"],
)
def test_only_regular_files_are_read(
    tmp_path: Path, make: Callable[[Path], Path], said: str
) -> None:
    path = make(tmp_path)
    run = assess(path, "-r", "provincial-2021")
    line = one_error_line(run)
    assert run.seconds < PROMPT
    assert line.startswith(f"error: {path}: ")
    assert said in line
    assert run.stdout == b""


def test_a_refused_file_is_named_in_chinese_too(tmp_path: Path) -> None:
    line = one_error_line(assess(_directory(tmp_path), "-r", "provincial-2021", "--lang", "zh"))
    assert "文件夹" in line and "不是普通文件" in line


# -- --county -----------------------------------------------------------------------------------


def test_county_names_a_one_county_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "return-2022.csv", tianmen(None))
    default = assess(path, "-r", "provincial-2021", "--format", "json")
    named = assess(path, "-r", "provincial-2021", "--format", "json", "--county", "天门市")
    assert (default.code, named.code) == (0, 0)
    assert json.loads(default.out)["county"] == "return-2022"
    assert json.loads(named.out)["county"] == "天门市"


def test_county_is_refused_for_a_file_of_several_counties(tmp_path: Path) -> None:
    rows = tianmen("天门市") + tianmen("仙桃市")[1:]
    path = write_csv(tmp_path / "two.csv", rows)
    line = one_error_line(assess(path, "-r", "provincial-2021", "--county", "天门市"))
    assert "--county" in line and "several counties" in line


# -- control characters -------------------------------------------------------------------------

HOSTILE = "X\x1b]0;pwned\x07Y\x1b[31m"


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_control_characters_never_reach_the_report_raw(tmp_path: Path, fmt: str) -> None:
    rows = tianmen(HOSTILE)
    rows[0].append("note")
    rows[0].append("source")
    for row in rows[1:]:
        row += ["bell\x07 esc\x1b[2J", "统计局\x1b]0;x\x07"]
    path = write_csv(tmp_path / "c.csv", rows)
    run = assess(path, "-r", "provincial-2021", "--format", fmt)
    assert run.code == 0, run.err
    assert b"\x1b" not in run.stdout and b"\x07" not in run.stdout
    assert b"\x1b" not in run.stderr and b"\x07" not in run.stderr
    assert "x1b" in run.out and "pwned" in run.out  # shown, escaped


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_control_characters_never_reach_an_error_raw(tmp_path: Path, fmt: str) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [["indicator", "actual"], ["rd\x1b]0;pwned\x07", "1"], ["rd_intensity", "x\x1b[31m"]],
    )
    run = assess(path, "-r", "provincial-2021", "--format", fmt)
    assert run.code == 2
    assert b"\x1b" not in run.stderr and b"\x07" not in run.stderr
    assert b"\x1b" not in run.stdout and b"\x07" not in run.stdout
    assert "rd\\x1b]0;pwned\\x07" in run.err
    assert "x\\x1b[31m" in run.err
    if fmt == "json":
        messages = [e["message"]["en"] for e in json.loads(run.out)["errors"]]
        assert not any("\x1b" in m or "\x07" in m for m in messages)
        assert "rd\\x1b]0;pwned\\x07" in messages[0]


# -- a bureau workbook, end to end --------------------------------------------------------------


def test_bureau_workbook_is_assessed_like_the_csv(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "附表1"
    sheet.append(["天门市创新型县建设验收指标完成情况表"])
    sheet.append(["填报单位：天门市科学技术局"])
    sheet.append(
        ["序号", "指标名称", "单位", "2020年基期值", "2022年目标值", "完成值(2022年)", "责任单位"]
    )
    sheet.append([None, "一、指标"])
    for number, r in enumerate(TIANMEN_ROWS, 1):
        item = RULESET.data_items[r["indicator"]]
        sheet.append(
            [
                number,
                item.name.zh,
                r["unit"],
                *(float(Decimal(r[c])) for c in ("baseline", "target", "actual")),
                "市科技局",
            ]
        )
    sheet.append(["填表人：张三", None, None, "审核人：李四"])
    book.create_sheet("填表说明").append(["填表说明：无数据填“—”。"])
    path = tmp_path / "天门市.xlsx"
    book.save(path)
    run = assess(path, "-r", "provincial-2021", "--format", "json")
    expected = json.loads(assess(TIANMEN, "-r", "provincial-2021", "--format", "json").out)
    assert run.code == 0, run.err
    result = json.loads(run.out)
    assert (result["verdict"], result["county"]) == ("PASS", "天门市")
    assert [(r["id"], r["status"], r["actual"]) for r in result["rules"]] == [
        (r["id"], r["status"], r["actual"]) for r in expected["rules"]
    ]
