"""One document, many renderers: what a report says is built once (engine/report/build.py) and
every format lays out the same Document, so the formats cannot drift apart."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from markdown_it import MarkdownIt

import engine
from engine.explain.messages import KIND_LABELS, STATUS_LABELS, WORDS
from engine.model.result import Result
from engine.model.ruleset import Ruleset, prose
from engine.report import formats
from engine.report.build import batch_document, county_document, monitoring_document
from engine.report.document import (
    TONES,
    Banner,
    BulletList,
    CodeBlock,
    Document,
    Layout,
    Number,
    Paragraph,
    Section,
    Status,
    Table,
    Text,
    cell_text,
    plain,
)
from engine.report.formats import FORMATS, Format, UnsupportedFormat, choices, render
from engine.report.output import Streamed
from engine.report.planning import without_ids

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
EXAMPLES = ROOT / "docs" / "examples"
ISSUER = "某省科学技术厅"


class _Text(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(html)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def flat(text: str) -> str:
    """Without whitespace: a terminal wraps long lines, a page does not."""
    return "".join(text.split())


def shown(result: Result, fmt: str, lang: str, ruleset: Ruleset | None) -> str:
    """What a reader of the format sees, as text."""
    report = render(result, fmt, lang=lang, ruleset=ruleset, assessed_on=date(2026, 12, 1))
    if fmt == "text":
        assert isinstance(report, str)
        return report
    if fmt == "md":
        assert isinstance(report, str)
        page = MarkdownIt("commonmark").enable("table").render(report)
        return "".join(_Text(page).parts)
    if fmt == "html":
        assert isinstance(report, str)
        return "".join(_Text(report).parts)
    assert fmt == "xlsx" and isinstance(report, bytes)
    wb = openpyxl.load_workbook(io.BytesIO(report))
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Ruleset]:
    """A failing county with a not-applicable indicator, under a ruleset whose source names its
    issuer: every part the formats used to disagree on is there."""
    text = (EXAMPLES / "kinds.yaml").read_text(encoding="utf-8")
    source = "    title: docs/rulesets.md (illustrative)\n"
    assert source in text
    issued = source + f"    issuer: {ISSUER}\n    date: 2021-04\n    reference: 示科发〔2021〕1号\n"
    path = tmp_path_factory.mktemp("ruleset") / "kinds.yaml"
    path.write_text(text.replace(source, issued, 1), encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    result = engine.assess(
        EXAMPLES / "county-fail.csv",
        ruleset,
        references=EXAMPLES / "provincial-averages.csv",
    )
    assert result.summary.not_applicable == 1 and result.verdict == "FAIL"
    return result, ruleset


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_format_says_the_same_summary_shortfalls_count_and_issuer(
    kinds: tuple[Result, Ruleset], lang: str
) -> None:
    result, ruleset = kinds
    words = WORDS[lang]
    s = result.summary
    summary = words["summary"].format(
        bm=s.binding_met,
        bt=s.binding_total,
        em=s.expected_met,
        et=s.expected_total,
        share=f"{s.expected_share}%",
        g50=s.growth_over_50,
        g100=s.growth_over_100,
    )
    not_applicable = words["not_applicable_count"].format(n=s.not_applicable)
    shortfalls = [
        f"{r.name.get(lang)} ({KIND_LABELS[r.kind].get(lang)}): {getattr(r.reason, lang)}"
        for r in result.rules
        if r.status in ("not_met", "not_evaluated")
    ]
    assert shortfalls
    reasons = [without_ids(getattr(r, lang), result, lang) for r in result.verdict_reasons]
    assert any(r != getattr(v, lang) for r, v in zip(reasons, result.verdict_reasons, strict=True))
    expected = [
        summary,
        not_applicable,
        *shortfalls,
        *reasons,
        words["shortfalls"],
        ISSUER,
        "示科发〔2021〕1号",
        (prose(ruleset.reconstruction, lang) or "").strip(),
        *(getattr(w, lang) for w in result.warnings),
        words["technical"],  # the technical information, last, in every format
        result.ruleset.content_hash,
        *(r.id for r in result.rules),
    ]
    for fmt in ("text", "md", "html", "xlsx"):
        page = flat(shown(result, fmt, lang, ruleset))
        for text in expected:
            assert flat(text) in page, (fmt, text)
        # The body names indicators; ids and fingerprints are in the technical information.
        body = page[: page.rindex(flat(words["technical"]))]
        assert result.ruleset.content_hash not in body, fmt
        for rule in result.rules:
            assert f"({rule.id}" not in body and f"{rule.id})" not in body, (fmt, rule.id)


def test_status_symbols_come_from_one_palette(kinds: tuple[Result, Ruleset]) -> None:
    result, _ = kinds
    shortfalls = [r for r in result.rules if r.status in ("not_met", "not_evaluated")]
    text = flat(render(result, "text", lang="en", width=200))  # type: ignore[arg-type]
    md = render(result, "md", lang="en")
    html = render(result, "html", lang="en")
    assert isinstance(md, str) and isinstance(html, str)
    for rule in shortfalls:
        symbol = TONES[rule.status].symbol
        assert flat(f"{symbol} {rule.name.en} ({rule.kind}):") in text
        assert f"- {symbol} {rule.name.en} ({rule.kind}):" in md
        assert f'<span class="status {rule.status}">{symbol}</span> ' in html
    for rule in result.rules:  # a status in a table: symbol and word on screen and in HTML
        label = STATUS_LABELS[rule.status].en
        assert flat(f"{TONES[rule.status].symbol} {label}") in text
        cell = f'<td class="status {rule.status} c-status">{TONES[rule.status].symbol} {label}</td>'
        assert cell in html
    for status, tone in TONES.items():  # one colour per status: CSS, charts and cells
        assert f"--{status}: {tone.colour};" in html
    assert f'fill="{TONES["not_met"].colour}"' in html
    wb = openpyxl.load_workbook(io.BytesIO(render(result, "xlsx", lang="en")))  # type: ignore[arg-type]
    rules = wb["Rules"]
    heads = {c.value: c.column for c in rules[1]}
    for row, rule in enumerate(result.rules, start=2):
        cell = rules.cell(row, heads["Status"])
        assert cell.fill.fgColor.rgb[-6:] == TONES[rule.status].tint.lstrip("#").upper()
        assert cell.font.color.rgb[-6:] == TONES[rule.status].colour.lstrip("#").upper()


def test_the_builder_writes_one_section_per_part(kinds: tuple[Result, Ruleset]) -> None:
    result, ruleset = kinds
    document = county_document(result, lang="en", ruleset=ruleset, assessed_on=date(2026, 1, 2))
    assert [s.id for s in document.sections] == [
        "verdict",
        "shortfalls",
        "rules",
        "charts",
        "growth",
        "provenance",
        "technical",
    ]
    assert document.date == date(2026, 1, 2)
    # The head names the ruleset by its title; files and fingerprints are technical.
    assert [f.label for f in document.meta] == ["County", "Ruleset", "Date of assessment"]
    assert not any(f.sha256 for f in document.meta)
    assert document.meta[1].value == (ruleset.title.en,) and document.mark is None
    assert document.page_numbers == "Page {page} of {pages}"
    technical = document.section("technical")
    assert technical is not None
    assert [b.id for b in technical.blocks if isinstance(b, Section)] == [
        "technical-files",
        "technical-ids",
    ]  # no command given: no command lines
    (files,) = [b for s in technical.blocks if isinstance(s, Section) for b in s.blocks][:1]
    assert isinstance(files, Table)
    assert [[cell_text(c) for c in row.cells][:2] for row in files.rows] == [
        ["Ruleset", ruleset.id],
        ["Data file", "county-fail.csv"],
        ["Reference file", "provincial-averages.csv"],
    ]
    assert result.data_file is not None
    assert cell_text(files.rows[1].cells[3]) == result.data_file.sha256
    (banner,) = document.sections[0].blocks
    assert isinstance(banner, Banner) and banner.verdict.value == "FAIL"
    assert banner.lines[-1] == "1 indicators do not apply to this county; not counted."
    rules = document.section("rules")
    assert rules is not None and rules.page == "Rules"
    (table,) = rules.blocks
    assert isinstance(table, Table) and [g.id for g in table.groups] == ["binding", "expected"]
    assert [row.rule for row in table.rows] == [r.id for r in result.rules]
    provenance = document.section("provenance")
    assert provenance is not None
    assert [b.id for b in provenance.blocks if isinstance(b, Section)] == ["data-sources", "basis"]
    basis = document.section("basis")
    assert basis is not None
    assert [b.id for b in basis.blocks if isinstance(b, Section)] == ["reconstruction", "sources"]
    sources = document.section("sources")
    assert sources is not None
    (listed,) = sources.blocks
    assert isinstance(listed, BulletList)
    assert listed.items[0].details == (ISSUER, "2021-04")

    # A what-if and a plan add their sections after the verdict, on a page of their own.
    planned = engine.gap_to_pass(
        SCENARIOS / "example-fail-binding.csv", "provincial-2021", changes=["rd_intensity=1.80"]
    )
    assert planned.what_if is not None and planned.what_if.status_changes
    document = county_document(planned, lang="en", command="assess x.csv -r provincial-2021")
    assert [s.id for s in document.sections] == [
        "verdict",
        "what-if",
        "status-changes",
        "plan",
        "shortfalls",
        "rules",
        "charts",
        "growth",
        "provenance",
        "technical",
    ]
    plan = document.section("plan")
    assert plan is not None and plan.page == "What-if and plan"
    # A what-if is a simulation: its title, every page and its banner say so.
    assert document.title is not None and document.title.startswith("Simulation")
    assert document.mark == WORDS["en"]["mark_simulated"]
    (simulated,) = document.sections[0].blocks
    assert isinstance(simulated, Banner) and simulated.simulated
    assert simulated.label == "Simulated verdict"
    assert simulated.lines[-1] == "The data as filed (unchanged): FAIL."
    commands = document.section("technical-commands")
    assert commands is not None
    assert planned.plan is not None and planned.plan.verdict == "PASS"  # nothing more to set
    assert [b.text for b in commands.blocks if isinstance(b, CodeBlock)] == [
        "assess x.csv -r provincial-2021 --set rd_intensity=1.80 --plan",
    ]
    assert "basis" not in [s.id for s in document.sections]  # no ruleset given: no basis

    view = engine.monitor(SCENARIOS / "tianmen-2020-2022.csv", "provincial-2021")
    monitoring = monitoring_document(view, lang="en")
    assert [s.id for s in monitoring.sections] == ["year-2020", "year-2021", "year-2022"]

    batch = engine.assess_batch(SCENARIOS / "hubei-four-counties.csv", "provincial-2021")
    summary = batch_document(batch, lang="en", limit=2)
    (section,) = summary.sections
    tables = [b for b in section.blocks if isinstance(b, Table)]
    assert len(tables) == 1 and len(tables[0].rows) == 2
    # The rule closest to failing by its name in the reader's language (the id is the JSON's).
    from engine.report.batch import sorted_summary

    names = [batch.ruleset.by_id[i].name for i in sorted_summary(batch)["closest"]]
    for lang in ("zh", "en"):
        (table,) = [
            b
            for s in batch_document(batch, lang=lang).sections
            for b in s.blocks
            if isinstance(b, Table)
        ]
        at = [c.code for c in table.columns].index("closest")
        assert [row.cells[at] for row in table.rows] == [Text(n.get(lang)) for n in names]


def test_cells_are_typed_and_numbers_exact(kinds: tuple[Result, Ruleset]) -> None:
    result, _ = kinds
    (table,) = county_document(result, lang="en").sections[2].blocks
    assert isinstance(table, Table)
    codes = [c.code for c in table.columns]
    for row, rule in zip(table.rows, result.rules, strict=True):
        cells = dict(zip(codes, row.cells, strict=True))
        actual, completion, margin = cells["actual"], cells["completion"], cells["margin"]
        assert isinstance(actual, Number) and actual.value == rule.actual
        assert actual.places == rule.precision
        assert isinstance(completion, Number) and completion.unit == "%"
        assert isinstance(margin, Number) and margin.signed
        status = cells["status"]
        assert isinstance(status, Status) and status.value == rule.status
        name = cells["indicator"]
        assert isinstance(name, Text) and name.text == rule.name.en and name.code is None
        assert cells["id"] == Text(rule.id)  # a column of its own (a spreadsheet shows it)
        assert cell_text(actual) == ("—" if rule.actual is None else str(rule.actual))


def test_json_is_the_subject_itself_byte_for_byte() -> None:
    result = engine.assess(SCENARIOS / "tianmen-2022.csv", "provincial-2021")
    assert render(result, "json", lang="zh") == result.to_json()
    assert render(result, "json", lang="en", ruleset=engine.load_ruleset("provincial-2021")) == (
        result.to_json()
    )
    view = engine.monitor(SCENARIOS / "tianmen-2020-2022.csv", "provincial-2021")
    assert render(view, "json", lang="en") == view.to_json()
    from engine.report.batch import batch_json, rules_csv, summary_csv

    batch = engine.assess_batch(SCENARIOS / "hubei-four-counties.csv", "provincial-2021")
    streamed = render(batch, "json", lang="en")  # made as it is written
    assert isinstance(streamed, Streamed) and streamed.text() == batch_json(batch)
    assert render(batch, "csv", lang="en") == summary_csv(batch)
    assert formats.companions(batch, "csv") == [(".rules.csv", rules_csv(batch))]
    assert formats.companions(result, "html") == []
    json.loads(streamed.text())


def test_the_registry_says_what_renders_what() -> None:
    assert choices("county") == ("text", "json", "md", "html", "xlsx", "docx", "completion-xlsx")
    assert choices("batch") == ("text", "json", "csv", "ndjson", "parquet")
    assert choices("monitor") == ("text", "json", "md", "html")
    binary = [name for name, f in FORMATS.items() if f.binary]
    assert binary == ["xlsx", "docx", "completion-xlsx", "parquet"]
    assert [name for name, f in FORMATS.items() if f.streams] == ["json", "ndjson", "parquet"]
    assert all(f.description for f in FORMATS.values())
    view = engine.monitor(SCENARIOS / "tianmen-2020-2022.csv", "provincial-2021")
    with pytest.raises(UnsupportedFormat, match="text, json, md, html, not xlsx"):
        render(view, "xlsx", lang="en")
    result = engine.assess(SCENARIOS / "tianmen-2022.csv", "provincial-2021")
    with pytest.raises(UnsupportedFormat, match="not csv"):
        render(result, "csv", lang="en")
    batch = engine.assess_batch(SCENARIOS / "hubei-four-counties.csv", "provincial-2021")
    with pytest.raises(UnsupportedFormat, match="not docx"):
        render(batch, "docx", lang="en")


# A new format: a renderer and one registry line -------------------------------------------------


def toy(document: Document, *, lang: str, layout: Layout | None = None) -> str:
    """A format made of nothing but the Document: a line per heading, paragraph, item and row."""
    lines = [document.title or ""]
    for fact in document.meta:
        value = fact.value.isoformat() if isinstance(fact.value, date) else plain(fact.value)
        lines.append(f"{fact.label}: {value}")

    def walk(section: Section) -> None:
        lines.append(f"[{section.heading or section.id}]")
        for block in section.blocks:
            if isinstance(block, Banner):
                lines.append(f"{block.label}: {block.verdict.label}")
                lines.extend((*block.reasons, *block.lines))
            elif isinstance(block, Paragraph):
                lines.append(plain(block.runs))
            elif isinstance(block, BulletList):
                for item in block.items:
                    mark = TONES[item.status].symbol if item.status else "*"
                    lines.append(f"{mark} " + ", ".join((plain(item.runs), *item.details)))
            elif isinstance(block, Table):
                lines.extend("\t".join(cell_text(c) for c in row.cells) for row in block.rows)
            elif isinstance(block, Section):
                walk(block)

    for section in document.sections:
        walk(section)
    return "\n".join(lines) + "\n"


def test_a_new_format_is_a_renderer_and_one_registry_line(
    monkeypatch: pytest.MonkeyPatch, kinds: tuple[Result, Ruleset]
) -> None:
    # The one registry line (the renderer is the function above, as a module would hold it).
    monkeypatch.setitem(
        FORMATS, "toy", Format("toy", "a toy", False, frozenset({"county", "monitor"}), toy)
    )
    assert choices("county")[-1] == "toy" and "toy" in choices("monitor")
    assert "toy" not in choices("batch")
    result, ruleset = kinds
    report = render(result, "toy", lang="en", ruleset=ruleset)
    assert isinstance(report, str)
    lines = report.splitlines()
    # It says what the other formats say, in the same words, and adds none of its own.
    html = flat(shown(result, "html", "en", ruleset))
    body = lines[1 + len(county_document(result, lang="en").meta) :]
    for line in body:
        if not line.startswith("[") and "\t" not in line:
            assert flat(line.lstrip("*✓✗?– ")) in html, line
    for rule in result.rules:
        if rule.status in ("not_met", "not_evaluated"):
            symbol = TONES[rule.status].symbol
            assert f"{symbol} {rule.name.en} ({rule.kind}): {rule.reason.en}" in lines
    assert "1 indicators do not apply to this county; not counted." in lines
    assert any(line.endswith(f", {ISSUER}, 2021-04") for line in lines)
    view = engine.monitor(SCENARIOS / "tianmen-2020-2022.csv", "provincial-2021")
    monitored = render(view, "toy", lang="en")
    assert isinstance(monitored, str) and "[2022 (100.0% of the time elapsed)]" in monitored
    batch = engine.assess_batch(SCENARIOS / "hubei-four-counties.csv", "provincial-2021")
    with pytest.raises(UnsupportedFormat):
        render(batch, "toy", lang="en")


def test_warnings_and_text_items_have_their_sections(tmp_path: Path) -> None:
    data = tmp_path / "county.csv"
    data.write_text(
        "county,indicator,unit,target,actual\n某县,fiscal_st_expenditure,万元,25000,27700\n",
        encoding="utf-8",
    )
    warned = engine.assess(data, "provincial-2021")
    assert warned.warnings
    document = county_document(warned, lang="zh")
    assert "warnings" in [s.id for s in document.sections]
    for fmt in ("text", "md", "html", "xlsx"):
        page = flat(shown(warned, fmt, "zh", None))
        assert flat(WORDS["zh"]["warnings"]) in page
        assert all(flat(w.zh) in page for w in warned.warnings), fmt
    hunan = engine.assess(ROOT / "tests/rulesets/hunan/pass/county-a.csv", "hunan")
    ids = [s.id for s in county_document(hunan, lang="en").sections]
    assert ids[-3:] == ["text-items", "provenance", "technical"]


# Layout options the renderers keep --------------------------------------------------------------


def test_text_honours_colour_no_color_and_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = engine.assess(SCENARIOS / "example-fail-binding.csv", "provincial-2021")
    grey = render(result, "text", lang="zh", color=False, width=100)
    coloured = render(result, "text", lang="zh", color=True, width=100)
    assert isinstance(grey, str) and isinstance(coloured, str)
    assert "\x1b" not in grey and "\x1b[" in coloured
    from rich.cells import cell_len

    assert max(cell_len(line) for line in grey.splitlines()) <= 100
    monkeypatch.setenv("NO_COLOR", "1")  # no colour (bold stays, as NO_COLOR allows)
    plain_text = render(result, "text", lang="zh", color=True)
    assert isinstance(plain_text, str)
    codes = {p for sgr in re.findall(r"\x1b\[([\d;]*)m", plain_text) for p in sgr.split(";")}
    assert not codes & {*(str(n) for n in range(30, 39)), *(str(n) for n in range(90, 98))}


def test_xlsx_bytes_depend_on_the_document_only() -> None:
    result = engine.assess(SCENARIOS / "tianmen-2022.csv", "provincial-2021")
    first = render(result, "xlsx", lang="zh", assessed_on=date(2026, 12, 1))
    assert render(result, "xlsx", lang="zh", assessed_on=date(2026, 12, 1)) == first
    assert render(result, "xlsx", lang="zh", assessed_on=date(2026, 12, 2)) != first


def test_one_county_in_text_loads_no_other_renderer() -> None:
    driver = (
        "import sys, engine\n"
        "from engine.report.formats import render\n"
        "r = engine.assess('scenarios/tianmen-2022.csv', 'provincial-2021')\n"
        "render(r, 'text', lang='en')\n"
        "print(sorted(m for m in sys.modules if m.startswith('engine')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", driver], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = json.loads(proc.stdout.replace("'", '"'))
    assert "engine.report.text" in loaded
    for heavy in (
        "engine.batch",
        "engine.report.batch",
        "engine.report.html",
        "engine.report.xlsx",
    ):
        assert heavy not in loaded


def test_a_blank_is_shown_by_every_reading_format() -> None:
    """A place left for the reader to write in (the dossier's drafts) renders everywhere."""
    from engine.report.document import Blank

    document = Document(
        title="t", meta=(), sections=(Section("s", "h", (Blank(("【由县(市、区)填写】",)),)),)
    )
    html = formats.FORMATS["html"].render(document, lang="zh", layout=Layout())
    assert '<p class="blank">【由县(市、区)填写】</p>' in html
    for fmt in ("md", "text"):
        assert "【由县(市、区)填写】" in formats.FORMATS[fmt].render(
            document, lang="zh", layout=Layout()
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [48, 60, 80])
def test_a_long_bullet_wraps_beside_its_bullet_with_a_hanging_indent(lang: str, width: int) -> None:
    """A Chinese sentence has no space to break at: the bullet must not stand alone on its
    line, and the sentence's further lines sit under its first character."""
    from engine.report.text import render_text

    result = engine.assess(
        Path(__file__).resolve().parent.parent / "scenarios" / "tianmen-2022.csv",
        "provincial-2021",
    )
    lines = render_text(result, lang=lang, color=False, width=width).splitlines()
    bullets = [i for i, line in enumerate(lines) if re.match(r"^  [•✗!] ", line)]
    assert bullets, "the report has bullets"
    for i in bullets:
        assert lines[i][4:].strip(), f"a bullet alone on its line: {lines[i]!r}"
    reason = result.verdict_reasons[0].zh if lang == "zh" else result.verdict_reasons[0].en
    first = next(i for i in bullets if lines[i].startswith("  • "))
    said = [lines[first][4:]]
    for line in lines[first + 1 :]:
        if not line.startswith("    "):
            break
        said.append(line[4:])
    assert len(said) > 1 or width >= 80  # it did wrap where it had to
    assert "".join(said) == reason or " ".join(said) == reason
    wrapped = [line for line in lines if re.match(r"^(  [•✗!] |    )", line)]
    assert all(line == line.rstrip() for line in wrapped), "no trailing space where it wrapped"
