"""The acceptance dossier: 责任单位 and 佐证材料 read from a county's table, carried into the
result, checked against an evidence folder (by name only, never outside it), and required with
--require-evidence (engine/load/evidence.py, engine/load/county.py, engine/pipeline.py)."""

from __future__ import annotations

import csv
import json
import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import engine
from engine.cli import assess_command
from engine.load.county import ReadOptions
from engine.load.evidence import EvidenceFolder, is_file_entry, look_up, split_entries

RULESET = engine.load_ruleset("provincial-2021")
ROOT = Path(__file__).resolve().parents[1]
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"
VERDICT_WORDS = ("PASS", "FAIL", "通过", "不通过", "Verdict", "结论")
HEADER = ["指标名称", "单位", "基期值", "目标值", "完成值", "责任单位", "佐证材料"]


def tianmen_rows() -> list[dict[str, str]]:
    with TIANMEN.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def dossier(
    tmp_path: Path,
    evidence: dict[str, str] | None = None,
    *,
    actual: dict[str, str] | None = None,
    default: str = "统计年报",
    name: str = "c.csv",
) -> Path:
    """Tianmen's 28 rows (a PASS) with Chinese names, a 责任单位 and a 佐证材料 column: each row's
    evidence is ``default`` unless ``evidence`` (by indicator id) says otherwise."""
    rows = [HEADER]
    for r in tianmen_rows():
        item = RULESET.data_items[r["indicator"]]
        value = (actual or {}).get(item.id, r["actual"])
        cell = (evidence or {}).get(item.id, default)
        rows.append([item.name.zh, r["unit"], r["baseline"], r["target"], value, "市科技局", cell])
    return write_csv(tmp_path / name, rows)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(assess_command, [str(a) for a in args])


def as_json(run: Result) -> dict:
    assert run.exit_code in (0, 1), (run.exit_code, run.output)
    return json.loads(run.output)


def refused(run: Result, *fragments: str) -> str:
    """Bad input: exit 2, one error line naming what is wrong, no traceback, no verdict."""
    assert run.exit_code == 2, (run.exit_code, run.output)
    text = run.output
    assert text.lower().count("error: ") == 1, text
    assert "Traceback" not in text
    assert not any(word in text for word in VERDICT_WORDS), text
    for fragment in fragments:
        assert fragment in text, text
    return text


def codes(result: dict) -> list[str]:
    return [w["code"] for w in result["warnings"]]


def rule(result: dict, rule_id: str) -> dict:
    (found,) = [r for r in result["rules"] if r["id"] == rule_id]
    return found


# -- the entries of a cell ------------------------------------------------------------------------


def test_a_cell_is_split_at_semicolons_and_line_breaks_only() -> None:
    text = "统计公报.pdf；天政办发〔2021〕23号;《关于A、B，C的通知》\n附件2.docx\r\n ；"
    assert split_entries(text) == (
        "统计公报.pdf",
        "天政办发〔2021〕23号",
        "《关于A、B，C的通知》",  # 、 and ， stay inside an entry
        "附件2.docx",
    )
    assert split_entries("") == split_entries(None) == ()
    assert split_entries("无；—", frozenset({"无", "—"})) == ()  # "none" is no evidence


@pytest.mark.parametrize(
    ("entry", "is_file"),
    [
        ("统计公报.pdf", True),
        ("佐证/专利清单.XLSX", True),
        ("佐证\\名单.jpg", True),
        ("备案.7z", True),
        ("天政办发〔2021〕23号", False),  # a document number
        ("鄂科技发[2022]5号", False),
        ("《创新型县建设工作指引》", False),  # a title
        ("县统计局2022年统计公报", False),  # a short text
        ("版本2.0", False),  # digits after the dot: no extension
        ("https://kjj.example.gov.cn/a.pdf", False),  # a web address is a text
        ("/etc/passwd", True),  # a path: looked at, and refused as outside
    ],
)
def test_which_entries_name_files(entry: str, is_file: bool) -> None:
    assert is_file_entry(entry) is is_file


# -- the intake -----------------------------------------------------------------------------------


def test_department_and_evidence_are_read_into_each_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["指标名称", "目标值", "实际值", "责任单位", "佐证资料", "联系人"],
            ["高新技术企业数", "90", "96", "市科技局", "认定名单.pdf；公示\n网页截图.png", "张三"],
            ["科技型中小企业入库数", "240", "271", "", "", ""],
            ["全社会R&D经费支出占GDP比重", "1.60", "1.68", "—", "无", ""],
        ],
    )
    county = engine.load_county(path, RULESET)
    values = county.values
    assert values["high_tech_enterprises"].department == "市科技局"
    assert values["high_tech_enterprises"].evidence == ("认定名单.pdf", "公示", "网页截图.png")
    assert values["tech_smes"].evidence == () and values["tech_smes"].department is None
    assert values["rd_intensity"].evidence == () and values["rd_intensity"].department is None
    # 责任单位 stays with the row's unused cells too (it does not change the assessment).
    assert values["high_tech_enterprises"].extra == {"责任单位": "市科技局", "联系人": "张三"}
    without = engine.load_county(TIANMEN, RULESET)
    assert all(v.evidence is None and v.department is None for v in without.values.values())


@pytest.mark.parametrize("header", ["佐证材料", "佐证资料", "证明材料", "evidence", "Evidence"])
def test_every_evidence_header_is_read(tmp_path: Path, header: str) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [["indicator", "target", "actual", header], ["tech_smes", "2", "3", "x"]],
    )
    assert engine.load_county(path, RULESET).values["tech_smes"].evidence == ("x",)


def test_a_row_of_only_a_department_or_evidence_is_a_remark(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            ["指标名称", "目标值", "实际值", "责任单位", "佐证材料"],
            ["高新技术企业数", "90", "96", "市科技局", "名单.pdf"],
            ["", "", "", "市科技局", "补充材料另附"],
        ],
    )
    county = engine.load_county(path, RULESET)
    assert list(county.values) == ["high_tech_enterprises"]


# -- the result -----------------------------------------------------------------------------------


def test_the_json_carries_department_and_evidence_and_flags_met_rows_without(
    tmp_path: Path,
) -> None:
    path = dossier(tmp_path, {"rd_intensity": "", "incubators": "", "tech_smes": "无"})
    result = as_json(invoke(path, "-r", "provincial-2021", "--format", "json"))
    assert result["verdict"] == "PASS"  # a warning, never a change of verdict
    assert rule(result, "fiscal_st_share")["evidence"] == ["统计年报"]
    assert rule(result, "fiscal_st_share")["department"] == "市科技局"
    assert rule(result, "rd_intensity")["evidence"] == []
    missing = [w for w in result["warnings"] if w["code"] == "met_without_evidence"]
    # incubators is not met (9 < 10): only met indicators need their evidence.
    assert [w["indicator"] for w in missing] == ["rd_intensity", "tech_smes"]
    assert "缺佐证材料" in missing[0]["zh"] and "no evidence" in missing[0]["en"]
    assert "全社会R&D经费支出占GDP比重" in missing[0]["zh"]


def test_data_without_an_evidence_column_gets_no_evidence_warnings(tmp_path: Path) -> None:
    result = as_json(invoke(TIANMEN, "-r", "provincial-2021", "--format", "json"))
    assert "met_without_evidence" not in codes(result)
    assert all("evidence" not in r and "department" not in r for r in result["rules"])


def test_department_falls_back_to_the_rulesets_in_chinese(tmp_path: Path) -> None:
    ruleset = tmp_path / "plan.yaml"
    ruleset.write_text(
        """id: plan
version: "1"
title: {zh: 某县, en: Some county}
sources: [{id: s, title: plan}]
reconstruction: test
verdict_policy: {kind: binding_all_expected_share, expected_min_share: 50, basis: test}
indicators:
  - id: patents
    name: {zh: 专利数, en: Patents}
    category: {zh: 产出, en: Output}
    kind: binding
    unit: 件
    precision: 0
    measure: annual
    department: {zh: 县市场监督管理局, en: County market regulation bureau}
    threshold: {kind: target}
    provenance: test
  - id: firms
    name: {zh: 企业数, en: Firms}
    category: {zh: 产出, en: Output}
    kind: expected
    unit: 家
    precision: 0
    department: 县科技局
    threshold: {kind: target}
    provenance: test
""",
        encoding="utf-8",
    )
    data = write_csv(
        tmp_path / "c.csv",
        [
            ["指标", "目标值", "实际值", "责任单位", "佐证材料"],
            ["专利数", "5", "6", "", "专利证书.pdf"],
            ["企业数", "5", "6", "县发改局", ""],
        ],
    )
    for lang in ("zh", "en"):  # assessed once: the department does not depend on the language
        result = as_json(invoke(data, "-r", ruleset, "--format", "json", "--lang", lang))
        assert rule(result, "patents")["department"] == "县市场监督管理局"
        assert rule(result, "patents")["measure"] == "annual"
        assert rule(result, "firms")["department"] == "县发改局"  # the data's own
        assert "measure" not in rule(result, "firms")


def test_a_derived_indicator_without_a_row_has_its_inputs_evidence(tmp_path: Path) -> None:
    ruleset = tmp_path / "derived.yaml"
    ruleset.write_text(
        """id: derived
version: "1"
title: {zh: 派生, en: Derived}
sources: [{id: s, title: plan}]
reconstruction: test
verdict_policy: {kind: binding_all_expected_share, expected_min_share: 0, basis: test}
inputs:
  - {id: rd, name: {zh: 研发经费, en: R&D}, unit: 万元, provenance: test}
  - {id: gdp, name: {zh: 地区生产总值, en: GDP}, unit: 万元, provenance: test}
indicators:
  - id: intensity
    name: {zh: 研发强度, en: R&D intensity}
    category: {zh: 投入, en: Input}
    kind: binding
    unit: "%"
    precision: 2
    threshold: {kind: absolute, value: 1.50}
    derived: {formula: rd / gdp * 100}
    provenance: test
""",
        encoding="utf-8",
    )
    rows = [
        ["indicator", "actual", "evidence"],
        ["rd", "2000", "统计公报.pdf；研发统计表.xlsx"],
        ["gdp", "100000", "统计公报.pdf"],
    ]
    data = write_csv(tmp_path / "c.csv", rows)
    result = as_json(invoke(data, "-r", ruleset, "--format", "json", "--require-evidence"))
    assert rule(result, "intensity")["status"] == "met"  # 2 % ≥ 1.50 %, evidence on its inputs
    assert rule(result, "intensity")["evidence"] == ["统计公报.pdf", "研发统计表.xlsx"]
    rows[1][2] = rows[2][2] = ""
    data = write_csv(tmp_path / "c.csv", rows)
    result = as_json(invoke(data, "-r", ruleset, "--format", "json", "--require-evidence"))
    assert (result["verdict"], rule(result, "intensity")["status"]) == ("FAIL", "not_evaluated")


# -- the evidence folder --------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An evidence folder: two files, a subfolder, a link inside; beside it a secret."""
    root = tmp_path / "佐证材料"
    (root / "专利").mkdir(parents=True)
    (root / "统计公报.pdf").write_bytes(b"%PDF")
    (root / "专利" / "清单.xlsx").write_bytes(b"PK")
    (root / "名单.pdf").symlink_to("专利/清单.xlsx")  # a link inside the folder is fine
    (tmp_path / "secret.pdf").write_text("not evidence", encoding="utf-8")
    return root


def test_files_in_the_folder_are_found_and_a_missing_one_is_a_warning(
    tmp_path: Path, folder: Path
) -> None:
    path = dossier(
        tmp_path,
        {
            "rd_intensity": "统计公报.pdf；专利/清单.xlsx；名单.pdf；专利/../统计公报.pdf",
            # A document number is not looked for, nor a web address.
            "tech_smes": "入库名单.pdf；天政办发〔2021〕23号",
            "incubators": "https://kjj.example.gov.cn/孵化器.pdf",
        },
        default="统计公报.pdf",
    )
    result = as_json(
        invoke(path, "-r", "provincial-2021", "--format", "json", "--evidence-dir", folder)
    )
    assert result["verdict"] == "PASS"  # without --require-evidence a missing file only warns
    (warning,) = [w for w in result["warnings"] if w["code"] == "evidence_file_missing"]
    assert warning["indicator"] == "tech_smes"
    assert "入库名单.pdf" in warning["zh"] and "第10行" in warning["zh"]
    assert "Row 10" in warning["en"] and "佐证材料" in warning["en"]
    assert "met_without_evidence" not in codes(result)


@pytest.mark.parametrize(
    "entry",
    [
        "../secret.pdf",
        "专利/../../secret.pdf",
        "/etc/passwd",
        "\\etc\\passwd",
        "C:\\佐证\\a.pdf",
        "link-out.pdf",
        "abs-link.pdf",
        "dir-out/secret.pdf",
    ],
)
def test_a_name_leaving_the_folder_is_refused_and_not_followed(
    tmp_path: Path, folder: Path, entry: str
) -> None:
    (folder / "link-out.pdf").symlink_to("../secret.pdf")
    (folder / "abs-link.pdf").symlink_to(tmp_path / "secret.pdf")
    (folder / "dir-out").symlink_to(tmp_path)
    path = dossier(tmp_path, {"tech_smes": f"统计公报.pdf；{entry}"}, default="统计公报.pdf")
    run = invoke(path, "-r", "provincial-2021", "--evidence-dir", folder, "--lang", "en")
    text = refused(run, "c.csv", "row 10", "佐证材料", "outside the evidence folder")
    assert entry.replace("\\", "\\\\") in text or entry in text
    zh = invoke(path, "-r", "provincial-2021", "--evidence-dir", folder, "--lang", "zh")
    refused(zh, "第10行", "指向佐证材料目录", "之外")


@pytest.mark.parametrize(
    "bad", ["a\x1b[31m.pdf", "报告\u202efdp.exe.pdf", "x\x07.docx", "a\x7f.pdf"]
)
def test_a_name_with_control_characters_is_refused(tmp_path: Path, folder: Path, bad: str) -> None:
    path = dossier(tmp_path, {"high_tech_enterprises": bad}, default="统计公报.pdf")
    run = invoke(path, "-r", "provincial-2021", "--evidence-dir", folder, "--lang", "en")
    text = refused(run, "row 9", "control characters")
    assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text


def test_a_nul_never_reaches_the_lookup(tmp_path: Path, folder: Path) -> None:
    path = dossier(tmp_path, {"high_tech_enterprises": "a\x00b.pdf"}, default="统计公报.pdf")
    run = invoke(path, "-r", "provincial-2021", "--evidence-dir", folder, "--lang", "en")
    refused(run, "NUL")  # the reader refuses such a CSV whole
    found = EvidenceFolder.at(folder)
    assert found.find("a\x00b.pdf") == "missing"  # the OS is never asked about it
    assert [x.found for x in look_up(found, ("a\x00b.pdf", "a\\x00b.pdf"))] == [
        "invalid",
        "invalid",  # as the reader shows it escaped
    ]


def test_every_problem_of_the_column_is_listed_at_once(tmp_path: Path, folder: Path) -> None:
    path = dossier(
        tmp_path,
        {"tech_smes": "../secret.pdf", "incubators": "/etc/passwd；a\x01.pdf"},
        default="统计公报.pdf",
    )
    run = invoke(path, "-r", "provincial-2021", "--evidence-dir", folder, "--lang", "en")
    refused(run, "3 problems", "row 10", "row 16")


def test_something_that_is_not_a_file_is_missing_and_never_opened(
    tmp_path: Path, folder: Path
) -> None:
    os.mkfifo(folder / "管道.pdf")  # opening it would block for ever
    path = dossier(tmp_path, {"tech_smes": "管道.pdf"}, default="统计公报.pdf")
    result = as_json(
        invoke(path, "-r", "provincial-2021", "--format", "json", "--evidence-dir", folder)
    )
    assert [w["indicator"] for w in result["warnings"] if w["code"] == "evidence_file_missing"] == [
        "tech_smes"
    ]


def test_the_folder_lookup_on_its_own(tmp_path: Path, folder: Path) -> None:
    (folder / "loop.pdf").symlink_to("loop.pdf")
    (folder / "up").symlink_to("..")
    found = EvidenceFolder.at(folder)
    assert found.find("统计公报.pdf") == "found"
    assert found.find("./专利//清单.xlsx") == "found"
    assert found.find("专利") == "found"  # a folder of evidence
    assert found.find("统计公报.pdf/x") == "missing"
    assert found.find("loop.pdf") == "missing"  # a link loop: followed 40 times at most
    assert found.find("up/secret.pdf") == "outside"
    assert found.find("up/佐证材料/统计公报.pdf") == "outside"  # out, even if it comes back
    assert found.find("..") == "outside"


def test_the_folder_must_exist(tmp_path: Path) -> None:
    path = dossier(tmp_path)
    for given in (tmp_path / "nowhere", path):  # missing, or a file
        run = invoke(path, "-r", "provincial-2021", "--evidence-dir", given, "--lang", "en")
        refused(run, "--evidence-dir", "does not exist or is not a folder")


def test_the_evidence_options_need_an_evidence_column(tmp_path: Path, folder: Path) -> None:
    for option in (["--evidence-dir", str(folder)], ["--require-evidence"]):
        run = invoke(TIANMEN, "-r", "provincial-2021", *option, "--lang", "en")
        refused(run, "tianmen-2022.csv", option[0], "evidence column", "佐证材料")


def test_the_evidence_options_are_for_one_county(tmp_path: Path, folder: Path) -> None:
    rows = [["county", "indicator", "target", "actual", "佐证材料"]]
    rows += [[c, "tech_smes", "2", "3", "x.pdf"] for c in ("甲县", "乙县")]
    batch = write_csv(tmp_path / "two.csv", rows)
    run = invoke(batch, "-r", "provincial-2021", "--require-evidence", "--lang", "en")
    refused(run, "two.csv", "--require-evidence", "2 counties")
    one = dossier(tmp_path)
    for extra in (["--format", "csv"], ["--engine", "vector"]):
        run = invoke(one, "-r", "provincial-2021", "--evidence-dir", folder, *extra)
        assert run.exit_code == 2 and "one county's dossier" in run.output, run.output
    run = invoke(one, "-r", "provincial-2021", "--require-evidence", "--plan")
    assert run.exit_code == 2 and "--set and --plan" in run.output, run.output


def test_evidence_dir_with_a_what_if_checks_the_files(tmp_path: Path, folder: Path) -> None:
    path = dossier(tmp_path, {"tech_smes": "入库名单.pdf"}, default="统计公报.pdf")
    args = ["--set", "rd_intensity=1.50", "--format", "json", "--evidence-dir", folder]
    run = invoke(path, "-r", "provincial-2021", *args)
    assert run.exit_code == 5, run.output  # a what-if's verdict: a simulated FAIL
    result = json.loads(run.output)
    assert result["verdict"] == "FAIL" and "evidence_file_missing" in codes(result)


# -- --require-evidence ---------------------------------------------------------------------------


def test_required_evidence_makes_a_met_binding_indicator_without_it_not_evaluated(
    tmp_path: Path,
) -> None:
    path = dossier(tmp_path, {"rd_intensity": ""})
    assert as_json(invoke(path, "-r", "provincial-2021", "--format", "json"))["verdict"] == "PASS"
    run = invoke(path, "-r", "provincial-2021", "--format", "json", "--require-evidence")
    assert run.exit_code == 1, run.output
    result = json.loads(run.output)
    found = rule(result, "rd_intensity")
    assert result["verdict"] == "FAIL"
    assert (found["status"], found["fired"], found["reason"]["code"]) == (
        "not_evaluated",
        None,
        "evidence_missing",
    )
    assert "缺少佐证材料" in found["reason"]["zh"] and "no evidence" in found["reason"]["en"]
    assert found["actual"] == "1.68"  # the value is still shown
    assert result["summary"]["binding_not_evaluated"] == 1
    assert [r["code"] for r in result["verdict_reasons"]] == ["binding_not_evaluated"]
    assert "rd_intensity" in result["verdict_reasons"][0]["en"]


def test_required_evidence_counts_expected_ones_against_the_share(tmp_path: Path) -> None:
    # Tianmen meets 18 of 20 expected indicators (90 %); two more without evidence leave
    # 16 of 20 = 80 % (still a PASS at 80 %), three more 15 of 20 = 75 % (a FAIL).
    two = {"rd_expenditure": "", "st_talent": ""}
    path = dossier(tmp_path, two)
    result = as_json(
        invoke(path, "-r", "provincial-2021", "--format", "json", "--require-evidence")
    )
    assert (result["verdict"], result["summary"]["expected_met"]) == ("PASS", 16)
    path = dossier(tmp_path, {**two, "pilot_bases": "—"})
    result = as_json(
        invoke(path, "-r", "provincial-2021", "--format", "json", "--require-evidence")
    )
    assert (result["verdict"], result["summary"]["expected_met"]) == ("FAIL", 15)
    assert result["summary"]["expected_not_evaluated"] == 3


def test_required_evidence_with_a_folder_needs_the_files_there(
    tmp_path: Path, folder: Path
) -> None:
    path = dossier(tmp_path, {"tech_smes": "统计公报.pdf；入库名单.pdf"}, default="统计公报.pdf")
    args = ["-r", "provincial-2021", "--format", "json", "--evidence-dir", folder]
    assert as_json(invoke(path, *args))["verdict"] == "PASS"
    result = as_json(invoke(path, *args, "--require-evidence"))
    assert result["verdict"] == "FAIL"
    assert rule(result, "tech_smes")["status"] == "not_evaluated"
    assert rule(result, "tech_smes")["evidence"] == ["统计公报.pdf", "入库名单.pdf"]
    assert "evidence_file_missing" in codes(result)
    assert "met_without_evidence" not in codes(result)  # it lists some: the file is named


def test_required_evidence_in_the_library(tmp_path: Path) -> None:
    path = dossier(tmp_path, {"tech_smes": ""})
    assert engine.assess(path, RULESET).verdict == "PASS"
    required = ReadOptions(require_evidence=True)
    assert engine.assess(path, RULESET, options=required).verdict == "FAIL"
    assert engine.pipeline.assess_path(path, RULESET, options=required).verdict == "FAIL"
    county = engine.CountyData.from_mapping(
        "某县",
        {
            "rd_intensity": {"actual": "2.1", "target": "2.0", "evidence": "公报.pdf；年报"},
            "tech_smes": {"actual": "9", "target": "8", "evidence": []},
        },
    )
    assert county.values["rd_intensity"].evidence == ("公报.pdf", "年报")
    result = engine.assess(county, RULESET, options=required)
    statuses = {r.id: r.status for r in result.rules if r.id in ("rd_intensity", "tech_smes")}
    assert statuses == {"rd_intensity": "met", "tech_smes": "not_evaluated"}
    with pytest.raises(ValueError, match="one county"):
        engine.pipeline.assess_path(path, RULESET, options=required, batch=True)


def test_the_command_line_a_report_prints_repeats_the_new_options(folder: Path) -> None:
    from decimal import Decimal

    from engine.cli.common import InputOptions

    options = InputOptions(
        file=Path("c.csv"),
        ruleset="provincial-2021",
        expected_share=Decimal(75),
        evidence_dir=folder,
        require_evidence=True,
    )
    words = shlex.split(options.command_line())
    assert words[-5:] == [
        "--expected-share",
        "75",
        "--evidence-dir",
        str(folder),
        "--require-evidence",
    ]
    read = options.read_options()
    assert (read.evidence_dir, read.require_evidence) == (folder, True)


# -- every report lists the evidence ------------------------------------------------------------

EVIDENCE_TABLE = (
    "指标,目标值,实际值,佐证材料,责任单位\n"
    "全社会R&D经费支出占GDP比重,1.60,1.70,统计年鉴2022.pdf；天统字〔2023〕3号,市统计局\n"
    "高新技术企业数,40,45,,市科技局\n"
)


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_report_lists_each_indicators_evidence_and_flags_none(
    tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / "完成情况.csv"
    path.write_text(EVIDENCE_TABLE, encoding="utf-8")
    run = CliRunner().invoke(
        assess_command, [str(path), "-r", "provincial-2021", "-f", fmt, "--lang", "zh"]
    )
    assert run.exit_code == 1, run.output  # most indicators have no data
    assert "佐证材料" in run.stdout
    if fmt != "text":  # (a terminal table wraps long cells)
        assert "统计年鉴2022.pdf" in run.stdout and "天统字〔2023〕3号" in run.stdout
    assert "缺佐证材料" in run.stdout  # 高新技术企业数 is met and names none


def test_a_table_without_evidence_gets_no_evidence_column(tmp_path: Path) -> None:
    run = CliRunner().invoke(assess_command, [str(TIANMEN), "-r", "provincial-2021", "-f", "md"])
    assert run.exit_code == 0 and "佐证材料" not in run.stdout and "Evidence" not in run.stdout
