"""The HTML report as a document: parsed with the standard library's HTML parser, no browser
(tests/test_browser.py opens it in Chromium)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import engine
from engine.cli import assess_command
from engine.explain.messages import (
    COLUMNS,
    FIELD_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    WORDS,
)
from engine.model.ruleset import prose
from engine.report.build import portable_command
from engine.report.html import render_html
from engine.report.svg import clip

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"
FAIL_EXPECTED = ROOT / "scenarios" / "example-fail-expected.csv"


class Page(HTMLParser):
    """Elements with their attributes, and the text of the page, as a browser would parse them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def with_class(self, tag: str, cls: str) -> list[dict[str, str | None]]:
        return [a for a in self.tags(tag) if cls in (a.get("class") or "").split()]


def test_every_rule_has_a_row_and_a_completion_bar_and_the_verdict_a_banner() -> None:
    result = engine.assess(TIANMEN, "provincial-2021")
    page = Page(render_html(result, lang="zh", assessed_on=date(2026, 11, 25)))
    text = "".join(page.text)
    rows = [a["data-rule"] for a in page.tags("tr") if "data-rule" in a]
    assert rows == [r.id for r in result.rules if r.kind == "binding"] + [
        r.id for r in result.rules if r.kind == "expected"
    ]
    assert [a["data-verdict"] for a in page.tags("section") if "data-verdict" in a] == ["PASS"]
    assert "结论: 通过" in text and "评估日期2026-11-25" in text
    # One bar group per rule in the completion chart; the two shortfalls are red and listed.
    assert len(page.with_class("g", "bar")) == 28 + result.summary.growth_evaluated
    assert len(page.with_class("rect", "not_met")) == 1  # one category holds both shortfalls
    assert len(page.with_class("g", "not_met")) == 2 * 2  # completion and growth charts
    assert len(page.with_class("tr", "not_met")) == 2
    for rule in result.rules:
        assert rule.name.zh in text and rule.id in text
    assert len(page.tags("svg")) == 3
    assert page.tags("html")[0]["lang"] == "zh-CN"


def test_the_page_loads_nothing_and_runs_nothing() -> None:
    html = render_html(engine.assess(TIANMEN, "provincial-2021"), lang="en")
    page = Page(html)
    assert not page.tags("script") and not page.tags("link") and not page.tags("img")
    assert not [a for _, a in page.elements if "src" in a or "href" in a]
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    csp = [a for a in page.tags("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")


def test_text_from_the_data_and_the_ruleset_is_escaped(tmp_path: Path) -> None:
    data = tmp_path / "evil.csv"
    data.write_text(
        "county,indicator,target,actual,source\n"
        '"<script>alert(1)</script>县","rd_intensity",1.6,1.7,'
        '"<img src=x onerror=alert(1)> &amp; "" \' </td></tr>"\n',
        encoding="utf-8",
    )
    result = engine.assess(data, "provincial-2021")
    html = render_html(result, lang="en", ruleset=engine.load_ruleset("provincial-2021"))
    page = Page(html)
    assert not page.tags("script") and not page.tags("img")
    text = "".join(page.text)
    assert "<script>alert(1)</script>县" in text  # shown as text, as written
    assert "<img src=x onerror=alert(1)> &amp;" in text
    row = next(a for a in page.tags("tr") if a.get("data-rule") == "rd_intensity")
    assert row["class"] == "met"
    # The </td></tr> in the source did not end the row early: still one cell per column.
    cells_per_row = html.split('data-rule="rd_intensity"')[1].split("</tr>")[0].count("<td")
    assert cells_per_row == 11


def test_scores_text_items_provenance_and_the_ruleset_chain() -> None:
    plan = engine.load_ruleset("tianmen-plan-2021")
    parent = plan.ancestors[0]
    chained = engine.assess(
        ROOT / "tests/rulesets/tianmen-plan-2021/pass/tianmen-2022-plan.csv", plan
    )
    html = render_html(chained, lang="en", ruleset=plan)
    text = "".join(Page(html).text)
    assert "provincial-2021" in text and parent.content_hash in text
    assert parent.title.en in text  # the head names the parent by its title
    # Only the ruleset's own sources: the parent's (Tianmen's plan, but also Suizhou's and
    # Xianning's papers the provincial reconstruction drew on) are the parent's to list.
    section = html.split('<section id="sources">')[1].split("</section>")[0]
    items = ["".join(Page(li.split("</li>")[0]).text) for li in section.split("<li>")[1:]]
    own = [s for s in plan.sources if s.id not in {p.id for p in parent.sources}]
    assert own and len(items) == len(own)
    for source, item in zip(own, items, strict=True):
        assert item.startswith(prose(source.title, "en") or ""), source.id
    assert f"inherited from the ruleset “{parent.title.en}”" in "".join(Page(section).text)
    for assumption in plan.assumptions:
        assert (prose(assumption, "en") or "").strip() in text
    scored = engine.assess(ROOT / "tests/rulesets/st-monitoring/pass/county-d.csv", "st-monitoring")
    page = Page(render_html(scored, lang="en"))
    assert "Weighted score 83.00 (pass mark 60)." in "".join(page.text)
    heads = [t for t in page.text if t == "Score"]
    assert heads, "a scored ruleset shows the score column"


@pytest.mark.parametrize(
    ("label", "units", "expected"),
    [
        ("short", 40, "short"),
        ("abcdef", 4, "abc…"),
        ("全社会研发经费", 6, "全社…"),
        ("全社会研发经费", 14, "全社会研发经费"),
    ],
)
def test_chart_labels_are_clipped_by_display_width(label: str, units: int, expected: str) -> None:
    assert clip(label, units) == expected


def test_the_command_writes_the_report_and_dates_it(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    run = CliRunner().invoke(
        assess_command,
        [
            str(TIANMEN),
            "-r",
            "provincial-2021",
            "--format",
            "html",
            "--output",
            str(out),
            "--lang",
            "en",
            "--date",
            "2026-11-25",
        ],
    )
    assert run.exit_code == 0, run.output
    html = out.read_text(encoding="utf-8")
    assert "Date of assessment</dt><dd>2026-11-25" in html
    assert "county-assess " + engine.__version__ in html
    bad = CliRunner().invoke(
        assess_command,
        [str(TIANMEN), "-r", "provincial-2021", "--format", "html", "--date", "25/11/2026"],
    )
    assert bad.exit_code == 2 and "25/11/2026" in bad.output, bad.output


def test_json_carries_a_date_only_when_asked(tmp_path: Path) -> None:
    plain = CliRunner().invoke(
        assess_command, [str(TIANMEN), "-r", "provincial-2021", "--format", "json"]
    )
    dated = CliRunner().invoke(
        assess_command,
        [str(TIANMEN), "-r", "provincial-2021", "--format", "json", "--date", "2026-11-25"],
    )
    assert '"assessed_on"' not in plain.output
    assert '"assessed_on": "2026-11-25"' in dated.output


# A report for the expert panel ------------------------------------------------------------------


def _split(html: str) -> tuple[str, str]:
    """The page's text before the technical information, and the technical information's."""
    body, appendix = html.split("<body>", 1)[1].split('<section id="technical"', 1)
    return "".join(Page(body).text), "".join(Page("<section" + appendix).text)


def _css_text(css: str) -> str:
    """A style sheet with its six-digit escapes decoded (how the page writes text into CSS)."""
    return re.sub(r"\\([0-9a-f]{6})", lambda m: chr(int(m[1], 16)), css)


def _style(html: str) -> str:
    return html.split("<style>")[1].split("</style>")[0]


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(assess_command, [*args])


def test_the_body_names_indicators_and_the_technical_information_holds_ids_files_commands(
    tmp_path: Path,
) -> None:
    out = tmp_path / "plan.html"
    run = _invoke(
        str(FAIL_EXPECTED), "-r", "provincial-2021", "--plan", "-f", "html", "-o", str(out),
        "--lang", "zh", "--date", "2026-11-25",
    )  # fmt: skip
    assert run.exit_code == 1, run.output  # --plan alone: the verdict of the data as filed
    html = out.read_text(encoding="utf-8")
    result = engine.assess(FAIL_EXPECTED, "provincial-2021")
    assert result.data_file is not None
    body, appendix = _split(html)
    for technical in (
        result.ruleset.content_hash,
        result.data_file.sha256,
        "example-fail-expected.csv",
        "provincial-2021",
        "assess ",
        "--set",
        "sha256",
    ):
        assert technical not in body, technical
        assert technical.strip() in appendix or technical == "sha256", technical
    for rule in result.rules:
        assert rule.name.zh in body
        assert not re.search(rf"\b{rule.id}\b", body), rule.id
        assert rule.id in appendix
    # The plan says what to change in words; the command is in the appendix, files by name.
    plan = "".join(
        Page(html.split('<section id="plan">')[1].split('<section id="shortfalls">')[0]).text
    )
    assert (
        "万元GDP综合能耗:由0.493 吨标准煤/万元降低到0.480 吨标准煤/万元(超出0.013 吨标准煤/万元)。"
        in plan
    )
    assert WORDS["zh"]["plan_command"] in plan
    assert (
        "assess example-fail-expected.csv -r provincial-2021 --set energy_per_gdp=0.480" in appendix
    )
    assert "assess example-fail-expected.csv -r provincial-2021 --plan" in appendix
    assert str(ROOT) not in html and "/scenarios/" not in html
    # The ids table maps each indicator to its id and data row.
    assert "万元GDP综合能耗energy_per_gdp29" in appendix


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("assess /home/zhang/县/2022.csv -r provincial-2021", "assess 2022.csv -r provincial-2021"),
        (
            "assess 'C:\\data\\天门 2022.xlsx' -r /etc/rules/plan.yaml --reference ../ref.csv "
            "--missing-marker N/A --county 天门市 --evidence-dir /srv/evidence/",
            "assess '天门 2022.xlsx' -r plan.yaml --reference ref.csv --missing-marker N/A "
            "--county '天门市' --evidence-dir evidence",
        ),
        ("assess county.csv -r my-rules.yaml", "assess county.csv -r my-rules.yaml"),
        ("assess 'unbalanced -r x", "assess 'unbalanced -r x"),
    ],
)
def test_command_lines_name_files_without_their_folders(command: str, expected: str) -> None:
    assert portable_command(command) == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_what_if_is_a_simulation_in_its_title_on_every_page_and_in_its_banner(
    lang: str,
) -> None:
    words = WORDS[lang]
    result = engine.what_if(FAIL_EXPECTED, "provincial-2021", ["energy_per_gdp=0.480"])
    assert result.verdict == "PASS" and result.what_if is not None
    html = render_html(result, lang=lang)
    page = Page(html)
    title = html.split("<title>")[1].split("</title>")[0]
    assert title == words["title_simulated"].format(county=result.county)
    assert words["simulation"] in title  # 模拟测算 / Simulation
    (banner,) = page.with_class("section", "verdict")
    assert "simulated" in (banner["class"] or "") and banner["data-simulated"] == "true"
    text = "".join(page.text)
    passed, failed = VERDICT_LABELS["PASS"].get(lang), VERDICT_LABELS["FAIL"].get(lang)
    assert f'<p class="label">{words["verdict_simulated"]}: {passed}</p>' in html
    assert f'<p class="label">{words["verdict"]}:' not in html  # never the real banner's words
    assert words["verdict_as_filed"].format(verdict=failed) in text
    # The mark at the top of the screen and in every printed page's top margin.
    assert len(page.with_class("div", "running-mark")) == 1 and words["mark_simulated"] in text
    style = _css_text(_style(html))
    assert f'@top-center {{ content: "{words["mark_simulated"]}";' in style
    # The simulated banner is dashed and grey, not in the verdict's colours.
    assert ".verdict.simulated { border: 3px dashed #546e7a;" in style


def test_a_plan_holds_a_simulation_and_a_plain_report_none() -> None:
    words = WORDS["zh"]
    planned = engine.gap_to_pass(FAIL_EXPECTED, "provincial-2021")
    html = render_html(planned, lang="zh")
    page = Page(html)
    (banner,) = page.with_class("section", "verdict")
    assert "simulated" not in (banner["class"] or "")  # the real verdict of the data as filed
    assert f"{words['verdict']}: 不通过" in "".join(page.text)
    assert html.split("<title>")[1].startswith(words["title_planned"].format(county=planned.county))
    assert words["plan_simulated"] in "".join(page.text)
    assert f'@top-center {{ content: "{words["mark_planned"]}";' in _css_text(_style(html))
    plain_html = render_html(engine.assess(TIANMEN, "provincial-2021"), lang="zh")
    assert "模拟测算" not in plain_html and "@top-center" not in plain_html
    assert not Page(plain_html).with_class("div", "running-mark")


def _exit(tmp_path: Path, data: Path, fmt: str, *args: str) -> int:
    out = tmp_path / f"report.{fmt}"
    run = _invoke(str(data), "-r", "provincial-2021", "-f", fmt, "-o", str(out), *args)
    assert run.exception is None or isinstance(run.exception, SystemExit), run.output
    return run.exit_code


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html", "xlsx"])
def test_a_what_if_has_exit_codes_of_its_own_in_every_format(tmp_path: Path, fmt: str) -> None:
    """0 PASS and 1 FAIL are assessments; a what-if (--set, with --plan or not) is 4 when the
    changed copy passes, 5 when it fails; --plan alone keeps the verdict of the data (its plan
    is the simulation)."""
    assert _exit(tmp_path, FAIL_EXPECTED, fmt) == 1
    assert _exit(tmp_path, FAIL_EXPECTED, fmt, "--plan") == 1
    assert _exit(tmp_path, FAIL_EXPECTED, fmt, "--set", "energy_per_gdp=0.480") == 4
    assert _exit(tmp_path, FAIL_EXPECTED, fmt, "--set", "tech_smes.target=250") == 5
    assert _exit(tmp_path, FAIL_EXPECTED, fmt, "--set", "tech_smes.target=250", "--plan") == 5
    assert _exit(tmp_path, TIANMEN, fmt, "--plan") == 0
    assert _exit(tmp_path, TIANMEN, fmt, "--set", "rd_intensity=1.0") == 5


def test_the_exit_codes_are_in_the_help() -> None:
    text = _invoke("check", "--help").output
    assert "4  simulated PASS" in text and "5  simulated FAIL" in text


def test_the_printed_page_is_numbered_and_keeps_headings_units_and_heads() -> None:
    html = render_html(engine.assess(TIANMEN, "provincial-2021"), lang="zh")
    style = _css_text(_style(html))
    assert '@bottom-center { content: "第" counter(page) "页,共" counter(pages) "页";' in style
    en = _css_text(_style(render_html(engine.assess(TIANMEN, "provincial-2021"), lang="en")))
    assert '@bottom-center { content: "Page " counter(page) " of " counter(pages);' in en
    assert "thead { display: table-header-group; }" in style
    assert re.search(r"h2 \{[^}]*break-after: avoid", style)
    assert re.search(r"h3, h4 \{[^}]*break-after: avoid", style)
    assert "td.nowrap { white-space: nowrap; }" in style
    assert "section.appendix { break-before: page;" in style
    page = Page(html)
    units = page.with_class("td", "c-unit")
    assert len(units) == 28 and all("nowrap" in (u["class"] or "") for u in units)
    for column in ("actual", "margin", "completion"):
        assert all("num" in (c["class"] or "") for c in page.with_class("td", f"c-{column}"))
    for column in ("required", "status", "n"):  # "≥ 2.50", "✓ 完成": one line each
        cells = page.with_class("td", f"c-{column}")
        assert cells and all(
            {"num", "nowrap", "status"} & set((c["class"] or "").split()) for c in cells
        )
    assert (
        ".status { white-space: nowrap;" in style
        and "td.num { text-align: right; white-space: nowrap;" in style
    )


def _words_of(text: str) -> set[str]:
    """The Latin words of a text, placeholders and the abbreviations Chinese uses left out."""
    return set(re.findall(r"[A-Za-z]+", re.sub(r"\{\w+\}", "", text))) - {"R", "D", "GDP", "SHA"}


def test_every_report_word_is_in_both_languages_each_in_its_own() -> None:
    assert WORDS["zh"].keys() == WORDS["en"].keys()
    pairs = [(WORDS["zh"][k], WORDS["en"][k], k) for k in WORDS["zh"]]
    for table in (COLUMNS, STATUS_LABELS, KIND_LABELS, FIELD_LABELS, VERDICT_LABELS):
        pairs += [(t.zh, t.en, k) for k, t in table.items()]
    for zh, en, key in pairs:
        assert not _words_of(zh), (key, zh)
        assert not re.search(r"[\u3400-\u9fff]", en), (key, en)
        placeholders = re.compile(r"\{(\w+)\}")
        assert set(placeholders.findall(zh)) == set(placeholders.findall(en)), key


BILINGUAL = """\
id: bilingual
version: "1"
title: {zh: 双语示例规则集, en: Bilingual example ruleset}
sources:
  - id: paper
    title: {zh: 某省科技厅文件, en: The province's paper}
    issuer: {zh: 某省科学技术厅, en: Provincial S&T department}
reconstruction: {zh: 规则集的中文说明。, en: The ruleset's English note.}
assumptions:
  - {zh: 中文写的假设。, en: An assumption in English.}
  - Written in one language only.
verdict_policy: {kind: binding_all_expected_share, expected_min_share: 80, basis: example}
indicators:
  - id: rd_intensity
    name: {zh: 研发投入强度, en: R&D intensity}
    category: {zh: 创新投入, en: Innovation input}
    kind: binding
    unit: "%"
    precision: 2
    threshold: {kind: target}
    provenance: {zh: 示例, en: example}
"""


def test_a_report_speaks_its_language_throughout(tmp_path: Path) -> None:
    """The ruleset's descriptive texts in the report's language; one given in a single
    language is shown as it is."""
    (tmp_path / "bilingual.yaml").write_text(BILINGUAL, encoding="utf-8")
    (tmp_path / "county.csv").write_text(
        "county,indicator,target,actual\n某县,rd_intensity,1.6,1.7\n", encoding="utf-8"
    )
    ruleset = engine.load_ruleset(tmp_path / "bilingual.yaml")
    result = engine.assess(tmp_path / "county.csv", ruleset)
    zh = "".join(Page(render_html(result, lang="zh", ruleset=ruleset)).text)
    en = "".join(Page(render_html(result, lang="en", ruleset=ruleset)).text)
    chinese = (
        "规则集的中文说明。",
        "中文写的假设。",
        "某省科技厅文件",
        "某省科学技术厅",
        "双语示例规则集",
    )
    english = ("The ruleset's English note.", "An assumption in English.", "The province's paper")
    for text in chinese:
        assert text in zh and text not in en, text
    for text in english:
        assert text in en and text not in zh, text
    assert "Written in one language only." in zh and "Written in one language only." in en
    body, _ = _split(render_html(result, lang="zh", ruleset=ruleset))
    assert not _words_of(body.replace("Written in one language only.", "")), _words_of(body)


def test_a_text_in_the_style_sheet_cannot_end_its_string_or_the_sheet() -> None:
    from engine.report.html import _css_string

    evil = '模拟 "; } body { display: none } </style><script>alert(1)</script> \\ \n'
    css = _css_string(evil)
    inner = css[1:-1]
    assert css[0] == css[-1] == '"'
    assert all(c.isalnum() or c == "\\" for c in inner)  # no quote, brace, "<" or newline
    assert _css_text(inner) == evil
