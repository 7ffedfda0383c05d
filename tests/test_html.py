"""The HTML report as a document: parsed with the standard library's HTML parser, no browser
(tests/test_browser.py opens it in Chromium)."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import assess_command
from engine.model.ruleset import prose
from engine.report.html import render_html
from engine.report.svg import clip

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"


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
    chained = engine.assess(
        ROOT / "tests/rulesets/tianmen-plan-2021/pass/tianmen-2022-plan.csv", plan
    )
    text = "".join(Page(render_html(chained, lang="en", ruleset=plan)).text)
    assert "provincial-2021" in text and plan.ancestors[0].content_hash in text
    for source in plan.sources:
        assert prose(source.title, "en") in text
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
