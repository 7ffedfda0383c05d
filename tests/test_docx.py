"""The acceptance dossier (engine/report/dossier.py) in Word (engine/report/docx.py) and as the
completion-table spreadsheet: the files are written, opened again with python-docx (openpyxl)
and read as zip XML, as a county office and the expert panel would get them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from click.testing import Result as Run
from docx.oxml.ns import qn

import engine
from engine.cli import assess_command
from engine.model.result import Result
from engine.report import formats
from engine.report.build import county_document
from engine.report.document import Document, Fact, Note, Paragraph, Section
from engine.report.docx import render as render_docx
from engine.report.dossier import (
    PARTS,
    WORDS,
    completion_document,
    listed_rules,
    self_evaluation_document,
)

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
TIANMEN = SCENARIOS / "tianmen-2022.csv"
FAIL = SCENARIOS / "example-fail-binding.csv"
FOUR = SCENARIOS / "hubei-four-counties.csv"

SUMMARY = "约束性指标完成率100%，28项指标中21项指标增长率超50%，其中12项指标增长率超100%。"
HEADS = [
    *("序号", "类别", "指标", "单位", "属性", "方向", "基期值", "目标值", "完成值"),
    *("完成率（%）", "增长率（%）", "是否完成", "责任单位", "佐证材料"),
]
NUMBERS = {"基期值": "baseline", "目标值": "threshold", "完成值": "actual"}
PERCENTS = {"完成率（%）": "completion", "增长率（%）": "growth"}


@pytest.fixture(autouse=True)
def _no_source_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def tianmen() -> Result:
    return engine.assess(TIANMEN, "provincial-2021")


def report(result: Result, lang: str = "zh", fmt: str = "docx") -> bytes:
    content = formats.render(result, fmt, lang=lang)
    assert isinstance(content, bytes)
    return content


def opened(content: bytes) -> Any:
    return docx.Document(io.BytesIO(content))


def parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            n: archive.read(n).decode("utf-8")
            for n in archive.namelist()
            if n.endswith((".xml", ".rels"))
        }


def completion(doc: Any) -> Any:
    """The completion table: the one whose header row holds the filed columns."""
    (table,) = [t for t in doc.tables if t.rows[0].cells[0].text == "序号"]
    return table


def texts(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def east_asia(style: Any) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme"):
        assert fonts.get(qn(theme)) is None, f"{style.name}: a theme font would win"
    value: str | None = fonts.get(qn("w:eastAsia"))
    return value


def table_rows(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


# The completion table --------------------------------------------------------------------------


def test_the_header_row_repeats_on_every_page_and_rows_do_not_split(tianmen: Result) -> None:
    table = completion(opened(report(tianmen)))
    assert [c.text for c in table.rows[0].cells] == HEADS
    flags = [
        (row._tr.trPr.find(qn("w:tblHeader")) is not None, row._tr.trPr.find(qn("w:cantSplit")))
        for row in table.rows
    ]
    assert flags[0][0] and not any(header for header, _ in flags[1:])
    assert all(keep is not None for _, keep in flags)
    # A fixed layout on the width of the page: the widths below are what Word shows.
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"


def test_the_table_is_on_a_landscape_a4_page_of_its_own(tianmen: Result) -> None:
    doc = opened(report(tianmen))
    cover, body, attachment = doc.sections
    a4 = (round(21.0 / 2.54 * 914400), round(29.7 / 2.54 * 914400))
    for section in (cover, body):
        assert section.orientation == 0  # portrait
        assert abs(section.page_width - a4[0]) < 400 and abs(section.page_height - a4[1]) < 400
    assert attachment.orientation == 1  # landscape
    assert abs(attachment.page_width - a4[1]) < 400
    assert abs(attachment.page_height - a4[0]) < 400
    # The table sits in the last section (the body's paragraphs before it are the report).
    body_xml = doc.element.body
    last_break = [p for p in body_xml.iterchildren() if p.find(f".//{qn('w:sectPr')}") is not None]
    assert body_xml.index(completion(doc)._tbl) > body_xml.index(last_break[-1])
    widths = sum(int(c.get(qn("w:w"))) for c in completion(doc)._tbl.tblGrid.iterchildren())
    usable = attachment.page_width - attachment.left_margin - attachment.right_margin
    assert abs(widths * 635 - usable) < 13 * 635  # twips → EMU, rounding per column


def test_every_number_is_the_json_s(tianmen: Result) -> None:
    table = completion(opened(report(tianmen)))
    heads = [c.text for c in table.rows[0].cells]
    by_name = {r["name"]["zh"]: r for r in json.loads(tianmen.to_json())["rules"]}
    seen = 0
    for cells in table_rows(table)[1:]:
        if len(set(cells)) == 1:  # a group's row, merged across
            continue
        row = dict(zip(heads, cells, strict=True))
        name = row["指标"].split("\n")[0]
        rule = by_name[name]
        for head, field in {**NUMBERS, **PERCENTS}.items():
            assert row[head] == (rule[field] if rule[field] is not None else "—"), (name, head)
        seen += 1
    assert seen == len(by_name) == 28
    # Spot checks against the published figures: the 2.77 亿元 and the 104.8 % as they read.
    assert any("2.77" in cells and "110.8" in cells for cells in table_rows(table))


def test_binding_then_expected_each_under_its_group_row(tianmen: Result) -> None:
    rows = table_rows(completion(opened(report(tianmen))))[1:]
    assert set(rows[0]) == {"一、约束性指标（8项）"}
    assert [r[4] for r in rows[1:9]] == ["约束性"] * 8
    assert set(rows[9]) == {"二、预期性指标（20项）"}
    assert [r[4] for r in rows[10:]] == ["预期性"] * 20
    assert [r[0] for r in rows if len(set(r)) > 1] == [str(n) for n in range(1, 29)]
    done = {r[2]: r[11] for r in rows if len(set(r)) > 1}
    assert done["高技能人才数"] == "否" and done["科技型中小企业入库数"] == "是"
    # A lower-is-better indicator says so in its 方向 column.
    assert {r[2]: r[5] for r in rows if len(set(r)) > 1}["万元GDP综合能耗"] == "越低越好"


def test_department_and_evidence_when_the_result_has_them(tianmen: Result) -> None:
    rules = list(tianmen.rules)
    rules[0] = rules[0].model_copy(
        update={"department": "市科技局", "evidence": ["天科发〔2022〕5号", "财政决算表.pdf"]}
    )
    rows = table_rows(completion(opened(report(tianmen.model_copy(update={"rules": rules})))))
    first = rows[2]
    assert first[2] == tianmen.rules[0].name.zh
    assert first[12:] == ["市科技局", "天科发〔2022〕5号\n财政决算表.pdf"]
    assert all(r[12:] == ["", ""] for r in rows[3:] if len(set(r)) > 1)  # blank otherwise


def test_department_and_evidence_read_from_the_county_s_table(tmp_path: Path) -> None:
    lines = TIANMEN.read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",责任单位,佐证材料"]
    for line in lines[1:]:
        extra = ",,"
        if ",high_tech_enterprises," in line:
            extra = ",市科技局,认定名单.pdf；公示网页"
        rows.append(line + extra)
    data = tmp_path / "天门市.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = table_rows(completion(opened(report(engine.assess(data, "provincial-2021")))))
    (row,) = [r for r in table if r[2] == "高新技术企业数"]
    assert row[12:] == ["市科技局", "认定名单.pdf\n公示网页"]


# Fonts, page numbers, fields -------------------------------------------------------------------


def test_fonts_government_documents_use(tianmen: Result) -> None:
    doc = opened(report(tianmen))
    styles = doc.styles
    assert east_asia(styles["Normal"]) == "宋体"
    assert east_asia(styles["Heading 1"]) == "黑体"
    assert east_asia(styles["Heading 2"]) == "楷体"
    assert east_asia(styles["Body Text"]) == "仿宋"
    assert east_asia(styles["Table Text"]) == "宋体"
    assert east_asia(styles["Table Head"]) == "黑体"
    assert east_asia(styles["Cover Title"]) == "黑体"
    assert styles["Body Text"].font.size.pt == 16  # 三号
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f".//{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) == "宋体" and fonts.get(qn("w:eastAsiaTheme")) is None
    # Every paragraph takes its font from its style; headings and body are where they belong.
    kinds = {p.style.name for p in doc.paragraphs if p.text}
    assert {"Heading 1", "Body Text", "Cover Title"} <= kinds
    table = completion(doc)
    assert {p.style.name for c in table.rows[1].cells for p in c.paragraphs} == {"Table Head"}
    assert {p.style.name for c in table.rows[2].cells for p in c.paragraphs} == {"Table Text"}


def test_page_numbers_are_the_one_field(tianmen: Result) -> None:
    content = report(tianmen)
    xml = parts(content)
    fields = {n: re.findall(r"<w:instrText[^>]*>([^<]*)<", x) for n, x in xml.items()}
    assert {n: f for n, f in fields.items() if f} == {"word/footer1.xml": [" PAGE "]}
    assert not any("fldSimple" in x for x in xml.values())
    doc = opened(content)
    cover, body, attachment = doc.sections
    assert not body.footer.is_linked_to_previous and attachment.footer.is_linked_to_previous
    assert body.footer.paragraphs[0].text == "— 1 —"
    assert cover.footer.is_linked_to_previous  # the cover: no footer of its own, no number
    start = body._sectPr.find(qn("w:pgNumType"))
    assert start is not None and start.get(qn("w:start")) == "1"
    assert attachment._sectPr.find(qn("w:pgNumType")) is None  # numbered on


def test_page_numbers_in_the_document_s_words_and_its_mark_on_every_page() -> None:
    document = Document(
        title="t",
        meta=(),
        sections=(Section("s", "h", (Paragraph(("p",)),)),),
        mark="模拟测算",
        page_numbers="第{page}页，共{pages}页",
    )
    content = render_docx(document, lang="zh")
    footer = parts(content)["word/footer1.xml"]
    assert re.findall(r"<w:instrText[^>]*>([^<]*)<", footer) == [" PAGE ", " NUMPAGES "]
    doc = opened(content)
    assert doc.sections[0].footer.paragraphs[0].text == "第1页，共1页"
    assert doc.sections[0].header.paragraphs[0].text == "模拟测算"


def test_text_from_data_is_text_never_a_field_nor_a_control(tmp_path: Path) -> None:
    data = tmp_path / "evil.csv"
    data.write_text(
        "county,indicator,target,actual,source\n"
        '"{ PAGE }天门\x07市=SUM(A1)",rd_intensity,1.6,1.7,x\n'
        '"{ PAGE }天门\x07市=SUM(A1)",fiscal_st_share,2.5,2.6,y\n',
        encoding="utf-8",
    )
    result = engine.assess(data, "provincial-2021")
    content = report(result)
    xml = parts(content)
    assert sum(x.count("<w:instrText") for x in xml.values()) == 1
    assert "{ PAGE }天门\\x07市=SUM(A1)" in xml["word/document.xml"]
    controls = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    assert not any(controls.search(x) for x in xml.values())
    # The renderer cleans what reaches it raw, too: escaped, and what XML cannot hold dropped.
    raw = Document(
        title="t\x1b[31m",
        meta=(Fact("县", ("天门\x07\ufffe",)),),
        sections=(Section("s", "h\x00", (Paragraph(("a\x1bb\ud800c",)), Note(("n\x9b",)))),),
    )
    body = parts(render_docx(raw, lang="zh"))["word/document.xml"]
    for shown in ("t\\x1b[31m", "天门\\x07", "h\\x00", "a\\x1bbc", "n\\x9b"):
        assert shown in body
    assert not controls.search(body)


# The self-evaluation draft ---------------------------------------------------------------------


def test_the_narrative_parts_of_the_guidance_and_the_blanks_to_fill(tianmen: Result) -> None:
    doc = opened(report(tianmen))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [*(WORDS["zh"]["parts"][p] for p in PARTS), "附件：指标完成情况表"]
    assert headings[:6] == [
        "一、总体情况和整体评价",
        "二、目标和指标完成情况",
        "三、重点任务实施情况",
        "四、组织保障措施落实情况",
        "五、经验做法",
        "六、存在的问题和意见建议",
    ]
    paragraphs = doc.paragraphs
    blanks = [p for p in paragraphs if p.text == "【由县（市、区）填写】"]
    assert len(blanks) == 6  # 一 to 五, and 六's suggestions
    for blank in blanks:
        (run,) = blank.runs
        assert run.italic and str(run.font.color.rgb) == "808080"
    after = {
        paragraphs[i - 1].text: p.text
        for i, p in enumerate(paragraphs)
        if paragraphs[i - 1].style.name == "Heading 1"
    }
    for part in ("overall", "tasks", "safeguards", "practices"):
        assert after[WORDS["zh"]["parts"][part]] == "【由县（市、区）填写】"


def test_the_summary_in_the_words_officials_quote(tianmen: Result) -> None:
    s = tianmen.summary
    assert (s.binding_met, s.binding_total, s.growth_over_50, s.growth_over_100) == (8, 8, 21, 12)
    lines = texts(opened(report(tianmen)))
    start = lines.index("二、目标和指标完成情况")
    assert lines[start + 1] == SUMMARY
    assert lines[start + 2] == "预期性指标20项，完成18项，完成比例90.00%（要求不低于80%）。"
    assert "各项指标完成情况见附件《指标完成情况表》。" in lines[start:]


def test_the_cover_and_a_blank_date_unless_one_was_asked_for(
    tianmen: Result, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = texts(opened(report(tianmen)))
    assert lines[:4] == [
        "天门市创新型县（市、区）建设自评价报告",
        "县（市、区）：天门市",
        "验收依据：湖北省省级创新型县(市、区)建设验收指标(2021,重构)（provincial-2021 1.0.0）",
        "日期：　　　　年　　月　　日",
    ]
    dated = tianmen.model_copy(update={"assessed_on": date(2023, 11, 8)})
    assert texts(opened(report(dated)))[3] == "日期：2023年11月8日"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    assert texts(opened(report(tianmen)))[3] == "日期：2023年11月14日"
    # The date the command passes by default (today) is not printed.
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    content = formats.render(tianmen, "docx", lang="zh", assessed_on=date.today())
    assert isinstance(content, bytes) and content == report(tianmen)


def test_shortfalls_listed_and_the_plan_when_asked(tianmen: Result) -> None:
    lines = texts(opened(report(tianmen)))
    problems = lines[lines.index("六、存在的问题和意见建议") :]
    assert problems[1] == "（一）未完成的指标"
    assert problems[2] == (
        "（1）孵化器、众创空间、星创天地数（预期性指标）：完成值9个，目标值10个，完成率90.0%，未完成。"
    )
    assert "（二）意见建议" in problems
    ruleset = engine.load_ruleset("provincial-2021")
    failing = engine.gap_to_pass(engine.load_county(FAIL, ruleset), ruleset)
    planned = texts(opened(report(failing)))
    plan = planned[planned.index("（二）补齐差距的计划") :]
    assert any(line.endswith("现为1.74%，需达到1.80%，差0.06个百分点。") for line in plan[:5]), (
        plan[:5]
    )
    assert "（三）意见建议" in plan


def test_a_what_if_says_so_in_its_title_and_on_every_page(tianmen: Result) -> None:
    ruleset = engine.load_ruleset("provincial-2021")
    simulated = engine.what_if(engine.load_county(TIANMEN, ruleset), ruleset, ["incubators=8"])
    doc = opened(report(simulated))
    assert texts(doc)[0] == "天门市创新型县（市、区）建设自评价报告（模拟测算）"
    assert doc.core_properties.title.endswith("（模拟测算）")
    for section in doc.sections:  # linked headers read as the first section's
        assert "模拟测算" in section.header.paragraphs[0].text
    assert not doc.sections[0].header.is_linked_to_previous
    assert "本报告为模拟测算" in "".join(texts(doc))
    assert all(
        "模拟测算" not in p.text
        for s in opened(report(tianmen)).sections
        for p in s.header.paragraphs
    )


def test_in_english(tianmen: Result) -> None:
    doc = opened(report(tianmen, lang="en"))
    lines = texts(doc)
    assert lines[0] == "Self-evaluation report on building an innovative county: 天门市"
    assert "[To be written by the county]" in lines
    assert "1. Overall situation and overall evaluation" in lines
    assert lines[lines.index("2. Targets and indicators") + 1] == (
        "Binding indicators 100% complete; of 28 indicators, 21 grew by more than 50 %, 12 of "
        "them by more than 100 %."
    )
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "No.")
    assert table.rows[0].cells[9].text == "Completion (%)"
    assert table.rows[1].cells[0].text == "1. Binding indicators (8)"


def test_identical_bytes_and_fixed_timestamps(tianmen: Result) -> None:
    first = report(tianmen)
    assert report(tianmen) == first
    dated = tianmen.model_copy(update={"assessed_on": date(2023, 5, 6)})
    again = report(dated)
    assert report(dated) == again != first
    for content, stamp in ((first, (2000, 1, 1)), (again, (2023, 5, 6))):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert {i.date_time for i in archive.infolist()} == {(*stamp, 0, 0, 0)}
            assert "docProps/thumbnail.jpeg" not in archive.namelist()
        core = opened(content).core_properties
        assert core.created == core.modified
        assert (core.created.year, core.created.month, core.created.day) == stamp
        assert core.author == "" and core.revision == 1


def test_any_document_renders(tianmen: Result) -> None:
    """The renderer lays out every block of the county report too (charts left out)."""
    document = county_document(tianmen, lang="en", ruleset=engine.load_ruleset("provincial-2021"))
    doc = opened(render_docx(document, lang="en"))
    assert texts(doc)[0] == document.title
    assert any(p.style.name == "Heading 1" for p in doc.paragraphs)
    # The rules table, wide, on a landscape page of its own; the pages after it portrait again.
    assert [s.orientation for s in doc.sections] == [0, 1, 0]


# The completion table as a spreadsheet -----------------------------------------------------------


def test_the_completion_table_as_a_spreadsheet(tmp_path: Path, tianmen: Result) -> None:
    content = report(tianmen, fmt="completion-xlsx")
    assert report(tianmen, fmt="completion-xlsx") == content
    path = tmp_path / "completion.xlsx"
    path.write_bytes(content)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["说明", "指标完成情况表"]
    assert wb["说明"]["A1"].value == "天门市创新型县（市、区）建设指标完成情况表"
    assert SUMMARY in [c.value for row in wb["说明"].iter_rows() for c in row]
    ws = wb["指标完成情况表"]
    heads = [c.value for c in ws[1]]
    assert heads == [h.replace("（%）", "(%)") for h in HEADS]
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    by_name = {r["name"]["zh"]: r for r in json.loads(tianmen.to_json())["rules"]}
    kinds = []
    for row in ws.iter_rows(min_row=2):
        cells = dict(zip(heads, row, strict=True))
        rule = by_name[cells["指标"].value]
        kinds.append(cells["属性"].value)
        for head, field in {**NUMBERS, "完成率(%)": "completion", "增长率(%)": "growth"}.items():
            cell = cells[head]
            places = len(cell.number_format.split(".")[1]) if "." in cell.number_format else 0
            assert f"{Decimal(str(cell.value)):.{places}f}" == rule[field], (rule["id"], head)
    assert kinds == ["约束性"] * 8 + ["预期性"] * 20


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_completion_table_read_back_as_an_annex_keeps_every_figure(
    tmp_path: Path, tianmen: Result, lang: str
) -> None:
    """The filed table read back as a plan annex (``assess TABLE.xlsx``) gives every figure and
    status again, in either language's headers: the numbers with the decimals their cells show
    (2.50 stays 2.50, so 2.77 is not rounded to 2.8), and 万元GDP综合能耗 lower-is-better by its
    方向 column (before it had one, the table read back said it was not met: 0.471 < 0.48)."""
    path = tmp_path / "完成情况表.xlsx"
    path.write_bytes(report(tianmen, fmt="completion-xlsx", lang=lang))
    back = engine.assess(path, path)
    filed = listed_rules(tianmen)  # the table's rows: binding, then expected
    assert [r.direction for r in filed].count("lower") == 1
    assert [(r.direction, r.actual, r.completion, r.status) for r in back.rules] == [
        (r.direction, r.actual, r.completion, r.status) for r in filed
    ]
    assert back.verdict == tianmen.verdict
    assert (back.summary.expected_met, back.summary.expected_total) == (18, 20)


def test_the_dossier_documents_are_format_neutral(tianmen: Result) -> None:
    """Both are Documents: any registered document format lays them out."""
    for document in (
        self_evaluation_document(tianmen, lang="zh"),
        completion_document(tianmen, lang="zh"),
    ):
        assert document.section("completion") is not None or document.section("attachment")
        assert isinstance(formats.FORMATS["xlsx"].render(document, lang="zh"), bytes)


# The command -----------------------------------------------------------------------------------


def run(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    return CliRunner().invoke(assess_command, [str(a) for a in args], env=env)


def test_the_command_writes_the_draft(tmp_path: Path, tianmen: Result) -> None:
    out = tmp_path / "天门市自评价报告.docx"
    done = run(TIANMEN, "-r", "provincial-2021", "-f", "docx", "--lang", "zh", "-o", out)
    assert done.exit_code == 0, done.output
    assert out.read_bytes() == report(tianmen)
    assert SUMMARY in texts(opened(out.read_bytes()))
    dated = tmp_path / "dated.docx"
    done = run(
        TIANMEN, "-r", "provincial-2021", "-f", "docx", "--lang", "zh", "-o", dated,
        env={"SOURCE_DATE_EPOCH": "1699401600"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert texts(opened(dated.read_bytes()))[3] == "日期：2023年11月8日"
    table = tmp_path / "completion.xlsx"
    done = run(TIANMEN, "-r", "provincial-2021", "-f", "completion-xlsx", "-o", table)
    assert done.exit_code == 0 and openpyxl.load_workbook(table).sheetnames[1] == "Completion table"


def test_the_command_refuses_a_batch_in_word(tmp_path: Path) -> None:
    for fmt, out in (("docx", tmp_path / "four.docx"), ("completion-xlsx", tmp_path / "four.xlsx")):
        done = run(FOUR, "-r", "provincial-2021", "-f", fmt, "-o", out)
        assert done.exit_code == 2
        assert "a batch (a file of several counties" in done.output
        assert f"not {fmt} (the {fmt} report is for one county)" in done.output
    assert not out.exists()
    assert "docx" in formats.choices("county") and "docx" not in formats.choices("batch")
    assert "docx" not in formats.choices("monitor")


def test_the_command_dates_the_draft_with_date(tmp_path: Path) -> None:
    out = tmp_path / "dated.docx"
    done = run(
        TIANMEN,
        "-r",
        "provincial-2021",
        "-f",
        "docx",
        "--lang",
        "zh",
        "--date",
        "2023-11-08",
        "-o",
        out,
    )
    assert done.exit_code == 0, done.output
    assert texts(opened(out.read_bytes()))[3] == "日期：2023年11月8日"
