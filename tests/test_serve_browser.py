"""``assess serve`` driven as a person would, in Debian's Chromium (headless, Playwright).

Skipped unless ``pytest --browser`` (tests/conftest.py). Every request the page makes is
watched: one to anywhere but the server on loopback is aborted and fails the test; so does any
console error or warning, and any page error.
"""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.helpers import launched_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SHOTS = (
    Path(os.environ.get("SERVE_SCREENSHOTS", "")) if os.environ.get("SERVE_SCREENSHOTS") else None
)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    from engine.serve.config import ServeConfig
    from engine.serve.server import bind, server

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    running: Any = server(ServeConfig(host="127.0.0.1", port=port))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(20)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


class Watched:
    """A page whose every request, console message and page error is recorded; requests that
    would leave this computer are aborted."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.base = base_url
        self.left: list[str] = []
        self.problems: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def _route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "about", "blob") or parts.hostname in ("127.0.0.1",):
            route.continue_()
            return
        self.left.append(url)
        route.abort()

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        assert self.left == [], f"requests left the machine: {self.left}"
        assert self.problems == [], self.problems
        self.context.close()


@pytest.fixture
def watched(browser: Any, base_url: str) -> Iterator[Watched]:
    w = Watched(browser, base_url)
    yield w
    w.close()


def not_blank(png: bytes) -> None:
    """Ink, many colours and a status colour (the verdict's green or red)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.resize((max(1, image.width // 4), max(1, image.height // 4)))
    raw = small.tobytes()
    pixels = [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]
    inked = sum(1 for p in pixels if min(p) < 200) / len(pixels)
    assert inked > 0.03, f"the screenshot is nearly blank ({inked:.1%} inked)"
    assert len(set(pixels)) > 50, "the screenshot has almost no distinct colours"
    assert any(r > 150 and g < 100 for r, g, _ in pixels) or any(
        g > 100 and r < 80 for r, g, _ in pixels
    ), "no status colour rendered"


def shot(page: Any, name: str, tmp_path: Path) -> bytes:
    png: bytes = page.screenshot(full_page=True)
    (tmp_path / f"{name}.png").write_bytes(png)
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"{name}.png").write_bytes(png)
    not_blank(png)
    return png


def test_a_county_checked_read_and_downloaded(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    watched.goto("/")
    assert page.locator("select[name=ruleset]").input_value() == "provincial-2021"
    page.set_input_files("#file-input", str(SCENARIOS / "tianmen-2022.xlsx"))
    assert "tianmen-2022.xlsx" in page.locator(".drop .chosen").inner_text()
    page.click("#check-button")
    page.wait_for_load_state("load")
    assert page.locator("#verdict-line").get_attribute("data-verdict") == "PASS"
    assert "通过" in page.locator("#verdict-line").inner_text()
    report = page.frame_locator("#report")
    assert report.locator("#verdict").get_attribute("data-verdict") == "PASS"
    assert report.locator("tr[data-rule]").count() == 28
    shot(page, "check-tianmen", tmp_path)

    with page.expect_download() as info:
        page.click('#downloads button[data-format="xlsx"]')
    download = info.value
    assert download.suggested_filename == "tianmen-2022-report.xlsx"
    assert zipfile.is_zipfile(download.path())
    if page.locator('#downloads button[data-format="docx"]').count():
        with page.expect_download() as info:
            page.click('#downloads button[data-format="docx"]')
        word = info.value
        assert word.suggested_filename.endswith(".docx")
        with zipfile.ZipFile(word.path()) as docx:
            assert "word/document.xml" in docx.namelist()


def test_drag_and_drop_and_the_english_page(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    watched.goto("/")
    page.click("#switch-lang")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    content = (SCENARIOS / "example-fail-binding.csv").read_text(encoding="utf-8")
    transfer = page.evaluate_handle(
        """text => { const t = new DataTransfer();
                     t.items.add(new File([text], "example-fail-binding.csv", {type: "text/csv"}));
                     return t; }""",
        content,
    )
    page.dispatch_event(".drop", "drop", {"dataTransfer": transfer})
    assert "example-fail-binding.csv" in page.locator(".drop .chosen").inner_text()
    page.click("#check-button")
    page.wait_for_load_state("load")
    assert page.locator("#verdict-line").get_attribute("data-verdict") == "FAIL"
    assert "FAIL" in page.locator("#verdict-line").inner_text()
    assert page.frame_locator("#report").locator("html").get_attribute("lang") == "en"


def test_input_errors_are_listed_on_the_page(watched: Watched) -> None:
    page = watched.page
    watched.goto("/")
    page.set_input_files(
        "#file-input", str(ROOT / "tests" / "bad_inputs" / "county" / "duplicate-indicator.csv")
    )
    # The answer is 422 with the form again: the browser shows it like any page.
    page.click("#check-button")
    page.wait_for_load_state("load")
    errors = page.locator("#errors tr.problem")
    assert errors.count() >= 1
    assert "行" in errors.first.locator(".where").inner_text()
    watched.problems = [p for p in watched.problems if "422" not in p]  # the status, logged


def test_the_plan_and_the_what_if_move_the_verdict(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    watched.goto("/plan")
    page.set_input_files("#file-input", str(SCENARIOS / "example-fail-expected.csv"))
    page.click("#plan-form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.locator("#verdict-line").get_attribute("data-verdict") == "FAIL"
    plan = page.frame_locator("#report").locator("#plan")
    assert "万元GDP综合能耗" in plan.inner_text()  # the one change the plan needs
    assert "模拟测算" in page.locator("#what-if-form-section").inner_text()
    field = page.locator('input[name="actual:energy_per_gdp"]')
    field.fill("0.480")
    # The page asks the API as values change: the verdict moves before anything is submitted.
    page.wait_for_selector('#what-if-live[data-verdict="PASS"]', timeout=20_000)
    page.click("#what-if-button")
    page.wait_for_load_state("load")
    assert page.locator("#simulation").is_visible()
    assert "模拟测算" in page.locator("#simulation").inner_text()
    assert page.locator("#verdict-before").get_attribute("data-verdict") == "FAIL"
    assert page.locator("#verdict-after").get_attribute("data-verdict") == "PASS"
    assert page.locator('#changes tr[data-id="energy_per_gdp"]').count() == 1
    assert page.frame_locator("#report").locator("#what-if").is_visible()
    shot(page, "what-if", tmp_path)


def test_a_province_sorted_filtered_and_one_county_opened(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    watched.goto("/province")
    page.set_input_files("#file-input", str(SCENARIOS / "hubei-four-counties.csv"))
    page.click("#province-form button[type=submit]")
    page.wait_for_load_state("load")
    rows = page.locator("#summary tbody tr")
    assert rows.count() == 4
    assert page.locator("#filters").is_visible()
    page.click("#summary thead th:first-child button.sort")
    names = [rows.nth(i).get_attribute("data-county") for i in range(4)]
    assert names == sorted(names, key=lambda n: n or "") or len(set(names)) == 4
    page.select_option("#filter-verdict", "FAIL")
    visible = [r for r in range(4) if rows.nth(r).is_visible()]
    assert all(rows.nth(r).get_attribute("data-verdict") == "FAIL" for r in visible)
    page.select_option("#filter-verdict", "")
    page.fill("#filter-text", "天门")
    assert [rows.nth(r).is_visible() for r in range(4)].count(True) == 1
    page.fill("#filter-text", "")
    shot(page, "province", tmp_path)

    with page.expect_download() as info:
        page.click('#downloads button[data-format="xlsx"]')
    assert zipfile.is_zipfile(info.value.path())
    with page.expect_download() as info:
        page.click('#downloads button[data-format="csv"]')
    assert info.value.suggested_filename.endswith(".csv")

    first = rows.first
    county, verdict = first.get_attribute("data-county"), first.get_attribute("data-verdict")
    first.locator("button.open").click()
    page.wait_for_load_state("load")
    report = page.frame_locator("#report")
    assert report.locator("#verdict").get_attribute("data-verdict") == verdict
    assert county is not None and county in report.locator("h1").inner_text()


def test_the_monitoring_view(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    watched.goto("/monitor?lang=en")
    page.set_input_files("#file-input", str(SCENARIOS / "tianmen-2020-2022.csv"))
    page.click("#monitor-form button[type=submit]")
    page.wait_for_load_state("load")
    report = page.frame_locator("#report")
    for year in (2020, 2021, 2022):
        assert report.locator(f"#year-{year}").count() == 1
    shot(page, "monitor", tmp_path)


def test_the_fill_in_workbook_for_a_department(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    watched.goto("/prepare")
    with page.expect_navigation():  # the script asks for the ruleset's departments
        page.select_option("#pick-ruleset select[name=ruleset]", "tianmen-plan-2021")
    assert "ruleset=tianmen-plan-2021" in page.url
    options = page.locator("#department option")
    assert options.count() >= 2
    page.select_option("#department", index=1)
    with page.expect_download() as info:
        page.click("#template-button")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert zipfile.is_zipfile(download.path())
