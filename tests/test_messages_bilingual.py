"""What the tool says to a county's staff exists in Chinese and English: the problems of ``--set``
and of monitoring, what a county's data must give its ruleset, a misspelt ruleset name (with the
closest bundled one), and the line of ``assess ruleset check`` for a ruleset without problems.

Each case is a command line, run through ``main()`` itself as the installed command runs (with
``--lang zh`` and ``--format json``: the ``error:`` line in Chinese and the JSON document's code
and both sentences; then with ``--lang en``), or the library call for what no command reaches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import engine
from engine.catalogue import ERRORS, REPORT
from tests.helpers import run_main

ROOT = Path(__file__).resolve().parents[1]
TIANMEN = str(ROOT / "scenarios" / "tianmen-2022.csv")
YEARS = str(ROOT / "scenarios" / "tianmen-2020-2022.csv")
FOUR = str(ROOT / "scenarios" / "hubei-four-counties.csv")
HUNAN = str(ROOT / "tests" / "rulesets" / "hunan" / "pass" / "county-a.csv")
KINDS = ROOT / "docs" / "examples" / "kinds.yaml"
ONE = [TIANMEN, "-r", "provincial-2021"]
_KINDS_TEXT = KINDS.read_text(encoding="utf-8")
_PASS = (KINDS.parent / "county-pass.csv").read_text(encoding="utf-8").splitlines()

#: Files a case names as ``@name``, written to a folder of the test's own.
FILES = {
    # docs/examples/county-pass.csv without its theme column
    "no-theme.csv": "".join(
        ",".join(line.split(",")[:1] + line.split(",")[2:]) + "\n" for line in _PASS
    ),
    # rd_intensity given directly, and disagreeing with its inputs (2.60)
    "derived.csv": "theme,indicator,actual,reference\necology,rd_expenditure,52000,\n"
    "ecology,gdp,200,\necology,rd_intensity,2.70,2.35\n",
    "one-year.csv": "county,year,indicator,baseline,target,actual\n"
    "天门市,2021,rd_intensity,1.32,1.60,1.45\n",
    # kinds.yaml with county types where it has themes
    "types.yaml": _KINDS_TEXT.replace("\nthemes:", "\ncounty_types:").replace(
        "applies_to: {themes:", "applies_to: {county_types:"
    ),
    # kinds.yaml with energy_per_gdp compared at 6 decimals: 10^12 is beyond exact comparison
    "precise.yaml": _KINDS_TEXT.replace("precision: 3", "precision: 6"),
    "huge.csv": "theme,indicator,actual\necology,energy_per_gdp,999999999999\n",
}


def _unknown_in_data() -> object:
    county = engine.CountyData.from_mapping("X", {"zzz": {"actual": "1"}})
    return engine.assess(county, "provincial-2021")


# (the command line, or the call; the code; what the Chinese says; what the English says)
Case = tuple[list[str] | Callable[[], object], str, str, str]
CASES: list[Case] = [
    # --set (engine/plan/whatif.py)
    (
        [*ONE, "--set", "rd_intensty=1.9"],
        "set_unknown_like",
        "选项 --set rd_intensty.actual=1.9：规则集“provincial-2021”中没有指标或基础数据"
        "“rd_intensty”；是否是“全社会R&D经费支出占GDP比重(rd_intensity)”？",
        "did you mean 全社会R&D经费支出占GDP比重(rd_intensity)?",
    ),
    (
        [*ONE, "--set", "全社会R&D经费支出占GDP比例=2"],
        "set_unknown_like",
        "是否是“全社会R&D经费支出占GDP比重(rd_intensity)”？",
        "'全社会R&D经费支出占GDP比例' is not an indicator or input of ruleset 'provincial-2021'",
    ),
    (
        [*ONE, "--set", "no_such_thing=1"],
        "set_unknown",
        "没有指标或基础数据“no_such_thing”；请使用规则集中的指标名称或代码",
        "use the ruleset's names or ids (assess ruleset show provincial-2021 lists them)",
    ),
    (
        [*ONE, "--set", "rd_intensity"],
        "set_syntax",
        "选项 --set rd_intensity：请写作“指标=数值”或“指标.列=数值”",
        "--set rd_intensity: give INDICATOR=VALUE or INDICATOR.FIELD=VALUE",
    ),
    (
        [*ONE, "--set", "rd_intensity="],
        "set_value_empty",
        "选项 --set rd_intensity=：没有给出数值",
        "--set rd_intensity=: the value is empty",
    ),
    (
        [*ONE, "--set", "rd_intensity=2", "--set", "rd_intensity=1"],
        "set_twice",
        "选项 --set rd_intensity.actual：给出了两次",
        "--set rd_intensity.actual: is given twice",
    ),
    (
        [HUNAN, "-r", "hunan", "--set", "feature=1"],
        "set_text_item",
        "“feature”是文字项，没有可修改的数值",
        "'feature' is a text item; it holds no number",
    ),
    (
        [HUNAN, "-r", "hunan", "--set", "fiscal_st_share=5"],
        "set_derived",
        "请修改其基础数据（fiscal_st_expenditure、general_budget_expenditure）",
        "set its inputs instead (fiscal_st_expenditure, general_budget_expenditure)",
    ),
    (
        [HUNAN, "-r", "hunan", "--set", "fiscal_st_expenditure.reference=1"],
        "set_input_reference",
        "“fiscal_st_expenditure”是基础数据，没有参考值",
        "'fiscal_st_expenditure' is a raw input; it takes no reference value",
    ),
    # monitoring (engine/plan/monitor.py)
    (
        ["monitor", TIANMEN, "-r", "hunan"],
        "monitor_needs_years",
        "规则集“hunan”没有规定基期年和目标年",
        "ruleset 'hunan' needs base_year and target_year",
    ),
    (
        ["monitor", FOUR, "-r", "provincial-2021"],
        "monitor_one_county",
        "中期监测只用于一个县，而数据中有4个县（天门市、",
        "monitoring is for one county; the data holds 4 (天门市, ",
    ),
    (
        ["monitor", YEARS, "-r", "provincial-2021", "--year", "2021"],
        "monitor_year_several",
        "--year只用于一年的数据文件",
        "--year is for a file of one year",
    ),
    (
        ["monitor", TIANMEN, "-r", "provincial-2021"],
        "monitor_year_missing",
        "中期监测需要数据的年份：请添加“年份”列，或用--year给出",
        "monitoring needs the data's year",
    ),
    (
        ["monitor", "@one-year.csv", "-r", "provincial-2021", "--year", "2022"],
        "monitor_year_contradicts",
        "--year 2022与数据中的年份2021不符",
        "--year 2022 contradicts the data's year 2021",
    ),
    # what the data must give its ruleset (engine/compile/facts.py)
    (
        ["@no-theme.csv", "-r", str(KINDS), "--theme", "tourism"],
        "theme_unknown",
        "规则集“example-kinds”中没有建设主题“tourism”（可选：industry（科技支撑产业发展）、",
        "unknown theme 'tourism' for ruleset 'example-kinds' (known: industry (",
    ),
    (
        ["@no-theme.csv", "-r", "@types.yaml", "--county-type", "x"],
        "county_type_unknown",
        "规则集“example-kinds”中没有县域类型“x”",
        "unknown county type 'x' for ruleset 'example-kinds'",
    ),
    (
        ["@no-theme.csv", "-r", str(KINDS)],
        "theme_needed",
        "指标“eco_tech_demos”只适用于部分建设主题；请给出本县的建设主题",
        "indicator 'eco_tech_demos' applies only to some themes; give the county's theme",
    ),
    (
        ["@no-theme.csv", "-r", "@types.yaml"],
        "county_type_needed",
        "指标“eco_tech_demos”只适用于部分县域类型",
        "applies only to some county types",
    ),
    (
        ["@derived.csv", "-r", str(KINDS)],
        "derived_differs",
        "实际值2.70与由基础数据按公式“rd_expenditure / (gdp * 10000) * 100”算得的2.60不一致",
        "actual 2.70 differs from 2.60 computed from its inputs",
    ),
    (
        ["@huge.csv", "-r", "@precise.yaml"],
        "value_too_large",
        "太大，按6位小数无法精确比较（最大为9007199254.740991）",
        "is too large to compare exactly at 6 decimals (at most 9007199254.740991)",
    ),
    (
        _unknown_in_data,
        "indicator_not_in_ruleset",
        "规则集“provincial-2021”中没有指标“zzz”",
        "indicator 'zzz' is not in ruleset 'provincial-2021'",
    ),
    # rulesets (engine/load/ruleset.py, engine/cli/ruleset.py)
    (
        [TIANMEN, "-r", "provincal-2021"],
        "ruleset_unknown_like",
        "没有名为“provincal-2021”的规则集；是否是“provincial-2021”？",
        "unknown ruleset 'provincal-2021'; did you mean provincial-2021?",
    ),
    (
        ["ruleset", "check", "tianmen-plan-2021"],
        "ruleset_checked",
        "项指标(约束性8项,预期性21项),基础数据0项,文字项0项,判定方式为预期性指标完成比例,"
        "继承provincial-2021 ",
        "ok: tianmen-plan-2021 ",
    ),
]


def _template(text: str) -> re.Pattern[str]:
    """A catalogue sentence as a pattern: each ``{param}`` any text."""
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+".join(map(re.escape, parts)))


@pytest.mark.parametrize(("given", "code", "zh", "en"), CASES, ids=[c[1] for c in CASES])
def test_the_user_is_told_in_chinese_and_in_english(
    given: list[str] | Callable[[], object],
    code: str,
    zh: str,
    en: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if callable(given):
        with pytest.raises(engine.InputError) as info:
            given()
        assert info.value.code == code
        assert zh in info.value.describe("zh") and en in info.value.describe("en")
        return
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = [str(tmp_path / a[1:]) if a.startswith("@") else a for a in given]
    if code in REPORT:  # a line of the report on standard output, exit code 0
        for lang, said in (("zh", zh), ("en", en)):
            status, out, err = run_main([*args, "--lang", lang], monkeypatch, capsys)
            assert status == 0 and err == "", err
            assert said in out and _template(REPORT[code][lang]).fullmatch(out.strip()), out
        return
    assert code in ERRORS
    status, out, err = run_main([*args, "--lang", "zh", "--format", "json"], monkeypatch, capsys)
    assert status == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert zh in err, err
    (problem,) = json.loads(out)["errors"]
    assert problem["code"] == code
    assert zh in problem["message"]["zh"] and en in problem["message"]["en"]
    status, out, err = run_main([*args, "--lang", "en"], monkeypatch, capsys)
    assert status == 2 and err.startswith("error: ") and en in err, err
