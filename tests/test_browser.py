"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

Skipped unless ``pytest --browser`` (the README's test command needs no browser); .ci/run
installs Chromium and the ``browser`` extra and runs them. Asked for and not available is a
failure, not a skip.

The printed report is read back from the PDF Chromium makes (pypdf, with each text run's
position): every page numbered, a simulation's mark on every page, no page whose last line is a
heading, units never broken over two lines, table heads repeated where a table goes on.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import engine
from engine.cli import assess_command
from engine.explain.messages import WORDS
from engine.model.result import Result
from engine.report.build import county_document
from engine.report.document import Section, Table
from engine.report.html import RULE_COLUMNS as HTML_RULE_COLUMNS
from engine.report.planning import without_ids
from tests.helpers import launched_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
A4_POINTS = (595, 842)
#: The page's margins (html.py's @page: 16 mm at top and bottom) in points: what is printed
#: there is the margin boxes' (the mark, the page number), not the body's.
MARGIN_POINTS = 16 / 25.4 * 72

REPORTS = [  # (data, ruleset, language): Tianmen in both languages and held-out counties
    ("scenarios/tianmen-2022.csv", "provincial-2021", "zh"),
    ("scenarios/tianmen-2022.csv", "provincial-2021", "en"),
    ("scenarios/example-fail-binding.csv", "provincial-2021", "zh"),
    ("scenarios/example-missing-binding.csv", "provincial-2021", "en"),
    ("tests/rulesets/st-monitoring/fail/county-e.csv", "st-monitoring", "zh"),
    ("tests/rulesets/hunan/not_evaluated/county-c.csv", "hunan", "zh"),
    ("tests/rulesets/tianmen-plan-2021/fail/tianmen-short.csv", "tianmen-plan-2021", "en"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


def _report(tmp_path: Path, data: str, ruleset: str, lang: str, *more: str) -> Path:
    out = tmp_path / f"{Path(data).stem}-{lang}.html"
    run = CliRunner().invoke(
        assess_command,
        [
            str(ROOT / data),
            "-r",
            ruleset,
            "--format",
            "html",
            "--output",
            str(out),
            "--lang",
            lang,
            "--date",
            "2026-11-25",
            *more,
        ],
    )
    assert run.exit_code in ((4, 5) if "--set" in more else (0, 1)), run.output
    return out


# Chromium's embedded CJK fonts map some characters to radicals: NFKC folds the Kangxi ones
# (⽰ for 示), these few of the supplement it leaves.
_RADICALS = str.maketrans({"⻚": "页", "⻓": "长", "⻔": "门", "⻅": "见", "⻋": "车", "⻉": "贝"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


def _page_lines(page: Any) -> list[tuple[float, str]]:
    """A PDF page's lines, top to bottom: (height above the page's foot, text), the runs of a
    line joined in reading order."""
    runs: dict[int, list[tuple[float, str]]] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.setdefault(round(y), []).append((x, text))

    page.extract_text(visitor_text=visit)
    return [
        (float(y), _fold("".join(t for _, t in sorted(runs[y]))).strip())
        for y in sorted(runs, reverse=True)
    ]


def _lines(pdf: bytes) -> list[list[tuple[float, str]]]:
    """Each page's lines (see _page_lines)."""
    from pypdf import PdfReader

    return [_page_lines(page) for page in PdfReader(io.BytesIO(pdf)).pages]


def _body(lines: list[tuple[float, str]]) -> list[str]:
    """A page's lines without its margin boxes."""
    return [t for y, t in lines if MARGIN_POINTS < y < A4_POINTS[1] - MARGIN_POINTS]


def _headings(result: Result, lang: str) -> set[str]:
    """Every heading the report prints (sections, table groups) and the labels that head a
    command line, without spaces."""
    document = county_document(result, lang=lang, command="assess x.csv -r x")
    found = {WORDS[lang]["command_plan"], WORDS[lang]["command_report"]}
    stack: list[Any] = list(document.sections)
    while stack:
        block = stack.pop()
        if isinstance(block, Section):
            found |= {block.heading} if block.heading else set()
            stack += block.blocks
        elif isinstance(block, Table):
            found |= {g.heading for g in block.groups}
    return {"".join(_fold(h).split()) for h in found}


def _check_print(pdf: bytes, result: Result, lang: str, *, mark: str | None = None) -> None:
    """Numbered pages, the mark on each, no heading left at a page's foot, whole units."""
    pages = _lines(pdf)
    numbers = WORDS[lang]["page_numbers"]
    headings = _headings(result, lang)
    for n, lines in enumerate(pages, start=1):
        text = "".join("".join(t for _, t in lines).split())
        number = "".join(numbers.format(page=n, pages=len(pages)).split())
        assert number in text, f"page {n}: no page number {number!r}"
        if mark is not None:
            assert "".join(_fold(mark).split()) in text, f"page {n} lacks the mark"
        body = _body(lines)
        assert body, f"page {n} is empty"
        last = "".join(body[-1].split())
        stranded = [h for h in headings if last == h or (len(last) >= 6 and h.endswith(last))]
        assert not stranded, f"page {n} ends with the heading {stranded}"
    # A unit is printed whole, on one line, in every row that has it (and the heads too).
    every = [t for lines in pages for t in _body(lines)]
    for unit in {r.unit for r in result.rules if len(r.unit) > 1}:
        rows = sum(1 for r in result.rules if r.unit == unit)
        whole = sum(line.count(unit) for line in every)
        assert whole >= rows, f"{unit!r} is broken: {whole} whole of {rows} rows"
    # Each page a rules table goes on to starts it with the table's head row.
    rules = county_document(result, lang=lang).section("rules")
    assert rules is not None and isinstance(rules.blocks[0], Table)
    shown = [c.head for c in rules.blocks[0].columns if c.code in HTML_RULE_COLUMNS]
    head = "".join(_fold("".join(shown)).split())
    starts = [
        f"{n}{''.join(_fold(r.name.get(lang)).split())[:2]}" for n, r in enumerate(result.rules, 1)
    ]
    appendix = "".join(_fold(WORDS[lang]["technical"]).split())
    for n, lines in enumerate(pages, start=1):
        flat_lines = ["".join(t.split()) for t in _body(lines)]
        if appendix in flat_lines:  # the technical information's id table is not the rules
            break
        first = next(
            (i for i, t in enumerate(flat_lines) if any(t.startswith(s) for s in starts)), None
        )
        if first is not None:
            assert head in flat_lines[:first], f"page {n}: a rules row before the table's head"


def _check_print_css(page: Any) -> None:
    """What the print style sheet asks, as Chromium computed it."""
    style = "(e, p) => getComputedStyle(e)[p]"
    assert page.locator("h2").first.evaluate(style, "breakAfter") == "avoid"
    assert page.locator("thead").first.evaluate(style, "display") == "table-header-group"
    unit = page.locator("td.c-unit").first
    assert unit.evaluate(style, "whiteSpace") == "nowrap"
    # Laid out at A4's width, every unit and number is one line (one box per text).
    one_line = """e => { const r = document.createRange(); r.selectNodeContents(e);
        return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"""
    for cell in page.locator("td.c-unit, td.num, td.status").all():
        assert cell.evaluate(one_line) <= 1, cell.inner_text()


def _not_blank(png: bytes, *, banner: bool = True) -> None:
    """Ink, many colours, and (where the page has a verdict banner) a status colour."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.resize((image.width // 4, image.height // 4))
    raw = small.tobytes()
    pixels = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]
    inked = sum(1 for p in pixels if min(p) < 200) / len(pixels)
    assert inked > 0.03, f"the screenshot is nearly blank ({inked:.1%} inked)"
    assert len(set(pixels)) > 50, "the screenshot has almost no distinct colours"
    if banner:
        assert any(r > 150 and g < 100 for r, g, _ in pixels) or any(
            g > 100 and r < 80 for r, g, _ in pixels
        ), "no status colour rendered"


def _pdf_text(pdf: bytes) -> tuple[int, list[tuple[float, float]], str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    # NFKC: Chromium's embedded CJK fonts map some characters to compatibility forms (⽰ for 示).
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    return len(reader.pages), sizes, text


@pytest.mark.parametrize(
    ("data", "ruleset", "lang"), REPORTS, ids=[f"{Path(d).stem}-{lang}" for d, _, lang in REPORTS]
)
def test_the_report_renders_completely_and_prints_on_a4(
    browser: Any, tmp_path: Path, data: str, ruleset: str, lang: str
) -> None:
    result = engine.assess(ROOT / data, ruleset)
    report = _report(tmp_path, data, ruleset, lang)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            problems.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")

    assert requests == [report.as_uri()], "the report must load nothing but itself"
    assert problems == []
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == result.verdict
    assert verdict.is_visible()
    for rule in result.rules:
        row = page.locator(f'tr[data-rule="{rule.id}"]')
        assert row.count() == 1, rule.id
        assert rule.name.get(lang) in row.inner_text()
    # The charts laid out: one bar per rule in the completion chart, with a real size.
    chart = page.locator("#charts svg").first
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 18 * len(result.rules)
    _not_blank(page.screenshot(full_page=True))

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4 less the page's margins
    _check_print_css(page)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages, sizes, text = _pdf_text(pdf)
    assert pages >= 2
    assert all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in sizes)
    flat = "".join(text.split())
    reason = without_ids(getattr(result.verdict_reasons[0], lang), result, lang)
    assert "".join(reason.split())[:20] in flat
    for rule in result.rules:
        assert rule.id in flat, f"{rule.id} missing from the printed PDF"
    _check_print(pdf, result, lang)
    page.close()


def test_a_plan_and_a_what_if_render_in_the_report(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    run = CliRunner().invoke(
        assess_command,
        [
            str(ROOT / "scenarios/example-fail-expected.csv"),
            "-r",
            "provincial-2021",
            "--format",
            "html",
            "--output",
            str(out),
            "--lang",
            "zh",
            "--date",
            "2026-11-28",
            "--plan",
            "--set",
            "tech_smes.target=250",
        ],
    )
    assert run.exit_code == 5, run.output  # a simulated FAIL: the changed copy still fails
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type in ("error", "warning") else None
        ),
    )
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert problems == []
    what_if, plan = page.locator("#what-if"), page.locator("#plan")
    assert what_if.is_visible() and plan.is_visible()
    assert "科技型中小企业入库数" in what_if.inner_text() and "250" in what_if.inner_text()
    assert "万元GDP综合能耗" in plan.locator("table").inner_text()
    assert "energy_per_gdp" not in plan.inner_text() and plan.locator("pre").count() == 0
    commands = page.locator("#technical-commands pre").all_inner_texts()
    assert commands[0].endswith("--set tech_smes.target=250 --set energy_per_gdp=0.480")
    assert all(
        c.startswith("assess example-fail-expected.csv -r provincial-2021") for c in commands
    )
    # The simulation is said on the screen: the mark, and a banner unlike a real verdict's.
    assert page.locator("div.running-mark").is_visible()
    banner = page.locator("#verdict")
    assert banner.get_attribute("data-simulated") == "true"
    assert "dashed" in banner.evaluate("e => getComputedStyle(e).borderTopStyle")
    tint = "rgb(255, 199, 206)"  # the FAIL tint a real verdict is filled with
    assert tint not in banner.evaluate("e => getComputedStyle(e).backgroundColor")
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_printed_what_if_says_simulation_on_every_page(
    browser: Any, tmp_path: Path, lang: str
) -> None:
    data = "scenarios/example-fail-expected.csv"
    settings = ("--set", "energy_per_gdp=0.480", "--plan")
    report = _report(tmp_path, data, "provincial-2021", lang, *settings)
    result = engine.gap_to_pass(ROOT / data, "provincial-2021", changes=["energy_per_gdp=0.480"])
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    shot = tmp_path / f"what-if-{lang}.png"
    page.screenshot(path=str(shot))
    _not_blank(shot.read_bytes(), banner=False)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert len(_lines(pdf)) >= 3
    word = WORDS[lang]["simulation"]  # 模拟测算 / Simulation, in the mark of every page
    _check_print(pdf, result, lang, mark=WORDS[lang]["mark_simulated"])
    assert all(word in "".join(t for _, t in lines) for lines in _lines(pdf))
    page.close()


def test_the_monitoring_view_renders(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "monitor.html"
    run = CliRunner().invoke(
        assess_command,
        [
            str(ROOT / "scenarios/tianmen-2020-2022.csv"),
            "-r",
            "provincial-2021",
            "--monitor",
            "--format",
            "html",
            "--output",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert run.exit_code == 0, run.output  # the 2022 view passes
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert requests == [out.as_uri()]
    for year in (2020, 2021, 2022):
        section = page.locator(f"#year-{year}")
        assert section.is_visible()
        assert section.locator("tbody tr").count() == 28
    assert "behind" in page.locator("#year-2021").inner_text()
    # Behind in the "not met" red, on track in the "met" green (the page's own CSS variables).
    colour = "e => getComputedStyle(e).color"
    behind = page.locator("#year-2021 td.status.not_met").first
    on_track = page.locator("#year-2021 td.status.met").first
    assert behind.evaluate(colour) == "rgb(198, 40, 40)"
    assert on_track.evaluate(colour) == "rgb(46, 125, 50)"
    _not_blank(page.screenshot(full_page=True), banner=False)
    page.close()
