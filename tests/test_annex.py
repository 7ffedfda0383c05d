"""A county's plan annex (or completion table) read as its ruleset (engine/load/annex.py)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

import engine
from engine.load.annex import load_annex
from engine.model.parts import prose

ASSESS = Path(sys.executable).parent / "assess"
HEADER = "序号,类别,指标名称,单位,指标属性,2020年基期值,2022年目标值,完成值,责任单位,佐证材料\n"
ROWS = (
    "1,创新投入,全社会R&D经费支出占GDP比重,%,约束性,1.32,1.60,1.68,统计局,统计公报\n"
    "2,创新主体,高新技术企业数,家,约束性,41,90,96,科技局,认定名单\n"
    "3,创新主体,科技型中小企业入库数,家,预期性,120,240,271,科技局,\n"
    "4,创新环境,县级特色指标一,个,预期性,2,5,5,科技局,\n"
)


def write(tmp_path: Path, text: str, name: str = "完成情况表.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_row_is_a_target_indicator(tmp_path: Path) -> None:
    ruleset = load_annex(write(tmp_path, HEADER + ROWS))
    rows = [
        (i.id, i.kind, i.unit, i.precision, i.direction, i.threshold.kind)
        for i in ruleset.indicators
    ]
    assert rows == [
        ("rd_intensity", "binding", "%", 2, "higher", "target"),  # the province's id
        ("high_tech_enterprises", "binding", "家", 0, "higher", "target"),
        ("tech_smes", "expected", "家", 0, "higher", "target"),
        ("item_04", "expected", "个", 0, "higher", "target"),  # a county's own indicator
    ]
    assert ruleset.indicators[3].name.zh == "县级特色指标一"
    provenance = ruleset.indicators[0].provenance
    assert not isinstance(provenance, str)
    assert (provenance.zh, provenance.en) == ("县级建设方案指标表第2行", "county plan annex, row 2")
    assert ruleset.verdict_policy.expected_min_share == Decimal(80)  # type: ignore[union-attr]
    # The share is labelled an assumption, in both languages.
    assert any("80 %" in prose(a, "en") and "80%" in prose(a, "zh") for a in ruleset.assumptions)


def test_direction_and_precision_columns(tmp_path: Path) -> None:
    text = (
        "指标名称,单位,指标属性,目标值,方向,精度\n"
        "万元GDP能耗,吨标准煤/万元,预期性,0.50,越低越好,\n"
        "技术合同成交额,亿元,约束性,3,,2\n"
    )
    first, second = load_annex(write(tmp_path, text)).indicators
    assert (first.direction, first.precision, first.operator) == ("lower", 2, "<=")
    assert (second.direction, second.precision) == ("higher", 2)


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("甲,个,必选,5\n", "must be 约束性 (binding) or 预期性 (expected)"),
        ("甲,,约束性,5\n", "'单位' is empty"),
        ("甲,个,约束性,约5\n", "'约5' is not a number"),
    ],
)
def test_bad_rows_name_the_row(tmp_path: Path, row: str, fragment: str) -> None:
    path = write(tmp_path, "指标名称,单位,指标属性,目标值\n乙,个,预期性,1\n" + row)
    with pytest.raises(engine.RulesetError) as info:
        load_annex(path)
    assert info.value.row == 3 and fragment in info.value.describe()


def test_a_completion_table_assesses_itself_and_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ROWS)
    own = subprocess.run([ASSESS, str(path), "--format", "json"], capture_output=True, text=True)
    given = subprocess.run(
        [ASSESS, str(path), "-r", str(path), "--format", "json"], capture_output=True, text=True
    )
    assert own.returncode == given.returncode == 0, own.stderr
    assert own.stdout == given.stdout
    result = engine.assess(path, engine.load_ruleset(path))
    assert result.verdict == "PASS" and result.ruleset.title.en.endswith("(county plan annex)")
    assert [r.status for r in result.rules] == ["met"] * 4


def test_an_annex_workbook_is_a_ruleset_wherever_a_ruleset_is(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    for line in (HEADER + ROWS).splitlines():
        sheet.append(
            [float(c) if c.replace(".", "").isdigit() else c or None for c in line.split(",")]
        )
    path = tmp_path / "annex.xlsx"
    book.save(path)
    ruleset = engine.load_ruleset(path)
    assert [i.id for i in ruleset.indicators][:2] == ["rd_intensity", "high_tech_enterprises"]
    data = write(tmp_path, "指标,目标值,实际值\n全社会R&D经费支出占GDP比重,1.60,1.50\n", "c.csv")
    assert engine.assess(data, ruleset).rules[0].status == "not_met"


def test_a_workbook_targets_precision_is_the_decimals_its_cell_shows(tmp_path: Path) -> None:
    """1.60 typed into a cell formatted 0.00 is stored as the number 1.6 but shows 1.60: the
    target is compared at 2 decimals, as the bureau wrote it (and as 1.60 in a CSV reads)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["指标名称", "单位", "指标属性", "目标值"])
    sheet.append(["全社会R&D经费支出占GDP比重", "%", "约束性", 1.6])
    sheet.append(["高新技术企业数", "家", "约束性", 40])
    sheet["D2"].number_format = "0.00"
    path = tmp_path / "annex.xlsx"
    book.save(path)
    ruleset = engine.load_ruleset(path)
    assert [i.precision for i in ruleset.indicators] == [2, 0]
    # 1.594 is 1.59 at 2 decimals, short of 1.60; at 1 decimal both are 1.6 and it would pass.
    data = write(tmp_path, "指标,目标值,实际值\n全社会R&D经费支出占GDP比重,1.60,1.594\n", "c.csv")
    rule = engine.assess(data, ruleset).rules[0]
    assert (rule.actual, rule.threshold, rule.status) == (
        Decimal("1.59"),
        Decimal("1.60"),
        "not_met",
    )


def test_the_yaml_written_from_an_annex_is_the_same_ruleset(tmp_path: Path) -> None:
    table = write(tmp_path, HEADER + ROWS)
    yaml_file = tmp_path / "plan.yaml"
    run = subprocess.run(
        [
            ASSESS,
            "ruleset",
            "from-annex",
            str(table),
            "-o",
            str(yaml_file),
            "--expected-share",
            "75",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    text = yaml_file.read_text(encoding="utf-8")
    assert "en: county plan annex, row 2" in text and "expected_min_share: 75" in text
    from_yaml = engine.load_ruleset(yaml_file)
    from_table = load_annex(table, expected_share=Decimal(75))
    assert from_yaml.content_hash == from_table.content_hash
    by_yaml, by_table = engine.assess(table, from_yaml), engine.assess(table, from_table)
    # Identical results; only the ruleset's file name differs (plan.yaml against the table).
    assert by_yaml.model_dump(exclude={"ruleset"}) == by_table.model_dump(exclude={"ruleset"})
    assert by_yaml.ruleset.content_hash == by_table.ruleset.content_hash


@pytest.mark.parametrize(
    ("direction", "name", "expected"),
    [
        ("", "万元GDP综合能耗", "lower"),  # not said: the province's direction for its indicator
        ("", "县级特色指标一", "higher"),  # not said, not the province's: higher is better
        ("越高越好", "万元GDP综合能耗", "higher"),  # said: the county's word wins
        ("越低越好", "县级特色指标一", "lower"),
        ("lower is better", "县级特色指标一", "lower"),  # our English completion table's words
    ],
)
def test_an_annex_without_direction_keeps_the_provinces(
    tmp_path: Path, direction: str, name: str, expected: str
) -> None:
    """A county's annex seldom has a 方向 column; its 万元GDP综合能耗 is still lower-is-better.
    Read as higher-is-better, 0.471 against a target of 0.48 was not met, a wrong verdict."""
    path = write(
        tmp_path,
        f"指标名称,单位,指标属性,目标值,方向\n{name},吨标准煤/万元,预期性,0.48,{direction}\n",
    )
    ruleset = load_annex(path)
    assert ruleset.indicators[0].direction == expected
    data = write(tmp_path, f"指标,目标值,实际值\n{name},0.48,0.471\n", "c.csv")
    status = engine.assess(data, ruleset).rules[0].status
    assert status == ("met" if expected == "lower" else "not_met")
    provenance = ruleset.indicators[0].provenance
    assert not isinstance(provenance, str)
    said = "lower is better, as in provincial-2021" in provenance.en
    assert said == ("越低越好，同 provincial-2021" in provenance.zh)
    assert said == (direction == "" and expected == "lower")


def test_an_indicator_the_province_names_is_never_compared_more_coarsely(tmp_path: Path) -> None:
    """Excel keeps a typed 1.60 as 1.6 and a plan writes 8 for 8 亿元: read at the written
    decimals, 1.55 rounded up to meet 1.6 and 7.5 to meet 8, so a binding indicator below its
    target passed. An indicator the province names, in its unit, takes at least the province's
    precision; one in another unit, or the county's own, at least two decimals unless it
    counts things (a target of 55 % made 54.6 % meet it, and 480.4 千克 meet ≤ 480)."""
    annex = write(
        tmp_path,
        "指标名称,单位,指标属性,目标值\n"
        "全社会R&D经费支出占GDP比重,%,约束性,1.6\n"  # the province: 2 decimals
        "技术合同成交额,亿元,预期性,8\n"  # the province: 2 decimals
        "技术合同成交额2,万元,预期性,8\n"  # not the province's name
        "高新技术企业数,家,约束性,90\n"  # the province: 0 decimals
        "万元GDP综合能耗,千克标准煤/万元,预期性,480\n"  # another unit: 2 decimals at least
        "科技进步贡献率,%,约束性,55\n"  # the county's own: 2 decimals at least
        "县级众创空间数,个,预期性,5\n",  # the county's own count: whole numbers
    )
    ruleset = load_annex(annex)
    assert [i.precision for i in ruleset.indicators] == [2, 2, 2, 0, 2, 2, 0]
    data = write(
        tmp_path,
        "指标,目标值,实际值\n全社会R&D经费支出占GDP比重,1.6,1.55\n技术合同成交额,8,7.5\n"
        "技术合同成交额2,8,7.5\n高新技术企业数,90,90\n万元GDP综合能耗,480,480.4\n"
        "科技进步贡献率,55,54.6\n县级众创空间数,5,5\n",
        "c.csv",
    )
    result = engine.assess(data, ruleset)
    statuses = [r.status for r in result.rules]
    assert statuses == ["not_met", "not_met", "not_met", "met", "not_met", "not_met", "met"]
    assert result.verdict == "FAIL"


@pytest.mark.parametrize("name", ["指标附表.xlsx", "annex-typo.CSV", "plan.yaml"])
def test_a_missing_ruleset_file_is_a_missing_file_not_an_unknown_name(
    tmp_path: Path, name: str
) -> None:
    """``-r 指标附表.xlsx`` mistyped said "no bundled ruleset of that name"."""
    with pytest.raises(engine.RulesetError) as info:
        engine.load_ruleset(tmp_path / name)
    assert info.value.code != "ruleset_unknown"
    with pytest.raises(engine.RulesetError) as bare:
        engine.load_ruleset(name)  # a bare file name, as typed in the current folder
    assert bare.value.code != "ruleset_unknown", bare.value.describe()


def test_an_unknown_indicator_points_to_a_command_that_lists_the_annexs_indicators(
    tmp_path: Path,
) -> None:
    """The hint named ``assess ruleset show annex-…``, the annex's id, which no command finds."""
    annex = write(tmp_path, HEADER + ROWS)
    data = write(tmp_path, "指标名称,完成值\n不存在的指标,1\n", name="data.csv")
    for lang in ("zh", "en"):
        proc = subprocess.run(
            [ASSESS, data, "--ruleset", annex, "--lang", lang], capture_output=True, text=True
        )
        assert proc.returncode == 2, proc.stderr
        assert f"assess ruleset show {annex}" in proc.stderr, proc.stderr
    shown = subprocess.run([ASSESS, "ruleset", "show", annex], capture_output=True, text=True)
    assert shown.returncode == 0 and "县级特色指标一" in shown.stdout, shown.stderr
    with pytest.raises(engine.DataError) as bundled:
        engine.load_county(data, engine.load_ruleset("provincial-2021"))
    assert "assess ruleset show provincial-2021 " in bundled.value.describe("en")
