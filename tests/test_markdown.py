"""The Markdown report, rendered by a real CommonMark parser (markdown-it-py, which rich brings)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from markdown_it import MarkdownIt

import engine
from engine.cli import assess_command
from engine.report.markdown import render_markdown

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"


def html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_every_rule_is_a_table_row_with_its_status() -> None:
    result = engine.assess(TIANMEN, "provincial-2021")
    page = html(render_markdown(result, lang="zh"))
    assert "<h2>结论: <strong>通过</strong></h2>" in page
    # A row per rule in the two rule tables and again in the technical information's ids table
    # (the body names indicators; their ids are there), one header row per table.
    body, technical = page.split("<h2>技术信息</h2>")
    assert body.count("<tr>") == len(result.rules) + 2
    for rule in result.rules:
        assert rule.id not in body and f"<td>{rule.id}</td>" in technical
    assert page.count("<td>完成</td>") == 26 and page.count("<td>未完成</td>") == 2


def test_text_from_the_data_cannot_break_tables_or_inject_markup(tmp_path: Path) -> None:
    data = tmp_path / "evil.csv"
    data.write_text(
        "county,indicator,target,actual,source\n"
        '"<script>alert(1)</script>*县*","rd_intensity",1.6,1.7,'
        '"a|b <img src=x onerror=alert(1)> [link](http://x) &lt; `code`"\n',
        encoding="utf-8",
    )
    result = engine.assess(data, "provincial-2021")
    page = html(render_markdown(result, lang="en"))
    assert "<script" not in page and "<img" not in page and "<a " not in page
    assert "<em>" not in page and "&amp;lt;" in page
    row = next(tr for tr in page.split("<tr>") if "<td>R&amp;D intensity" in tr)
    assert row.count("<td>") == 10  # the '|' in the source did not add a cell
    assert "a|b" in row


def test_scores_sources_and_the_chain_appear(tmp_path: Path) -> None:
    scored = engine.assess(ROOT / "tests/rulesets/st-monitoring/pass/county-d.csv", "st-monitoring")
    page = html(render_markdown(scored, lang="en"))
    assert "Weighted score 83.00 (pass mark 60)." in page and "<th>Score</th>" in page
    plan = engine.load_ruleset("tianmen-plan-2021")
    chained = engine.assess(
        ROOT / "tests/rulesets/tianmen-plan-2021/pass/tianmen-2022-plan.csv", plan
    )
    text = render_markdown(chained, lang="en", ruleset=plan)
    # The chain by title in the head; ids and fingerprints in the technical information.
    assert f"  - extends {plan.ancestors[0].title.en} (version 1.0.0)" in text
    assert f"| extends | provincial-2021 | 1.0.0 | {plan.ancestors[0].content_hash} |" in text
    assert "The ruleset's basis and assumptions" in text
    assert "天政办发〔2021〕23号" in text


def test_the_command_writes_markdown_identically_twice(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.md", "b.md"):
        run = CliRunner().invoke(
            assess_command,
            [
                str(TIANMEN),
                "-r",
                "provincial-2021",
                "-f",
                "md",
                "--lang",
                "en",
                "-o",
                str(tmp_path / name),
            ],
        )
        assert run.exit_code == 0, run.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("# Innovative county acceptance pre-check: 天门市".encode())
