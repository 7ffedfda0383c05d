"""``assess serve``: a real uvicorn server on loopback, real HTTP (httpx and raw sockets).

The server runs in a thread of this process (so the tests can read durable-rules' session
counters); one test starts the command itself in a subprocess. Every answer is compared with the
command's: the result JSON byte for byte, the error document field for field.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from click.testing import CliRunner  # noqa: E402

from engine.cli import assess_command  # noqa: E402
from engine.infer.durable_adapter import durable_rules  # noqa: E402
from engine.serve.config import ServeConfig, is_loopback  # noqa: E402
from engine.serve.server import bind, server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BAD = ROOT / "tests" / "bad_inputs" / "county"
TOKEN = "a-test-token-of-some-length-0123456789"


@dataclass
class Running:
    url: str
    config: ServeConfig

    def client(self, **kwargs: Any) -> Any:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)


def start(config: ServeConfig) -> Iterator[Running]:
    """A uvicorn server on a free loopback port, in a thread, until the generator is closed."""
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    config = ServeConfig(**{**config.__dict__, "port": port})
    running = server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)  # type: ignore[attr-defined]
    thread.start()
    deadline = time.monotonic() + 20
    while not getattr(running, "started", False):
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield Running(f"http://127.0.0.1:{port}", config)
    finally:
        running.should_exit = True  # type: ignore[attr-defined]
        thread.join(20)
        sock.close()


@pytest.fixture(scope="module")
def site() -> Iterator[Running]:
    yield from start(ServeConfig(host="127.0.0.1"))


@pytest.fixture(scope="module")
def small() -> Iterator[Running]:
    """A server with a 64 kB body limit and a deadline no job can meet."""
    yield from start(ServeConfig(host="127.0.0.1", max_body=64_000, timeout=0.000_001))


@pytest.fixture(scope="module")
def locked() -> Iterator[Running]:
    yield from start(ServeConfig(host="127.0.0.1", token=TOKEN))


def cli(args: list[str], cwd: Path) -> tuple[int, str]:
    """The command's exit code and standard output, run in ``cwd`` (files named bare, as the
    server names them)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        run = CliRunner().invoke(assess_command, args)
    finally:
        os.chdir(old)
    return run.exit_code, run.stdout


def upload(path: Path, name: str | None = None) -> tuple[str, bytes]:
    return (name or path.name, path.read_bytes())


def carried(page: str, form_id: str | None = None) -> dict[str, Any]:
    """The hidden fields of a form (by id, or the first that carries the upload)."""
    forms = re.findall(r"<form\b([^>]*)>(.*?)</form>", page, re.DOTALL)
    for attributes, body in forms:
        if (form_id is None and 'name="data_b64"' in body) or f'id="{form_id}"' in attributes:
            hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body)
            fields: dict[str, Any] = {}
            for name, value in hidden:
                fields.setdefault(name, []).append(html.unescape(value))
            return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}
    raise AssertionError(f"no form {form_id or 'carrying the upload'} on the page")


SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def assert_secure(response: Any) -> None:
    for header, value in SECURITY.items():
        assert response.headers.get(header) == value, (header, response.headers)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "default-src 'none'" in csp
    assert "Traceback" not in response.text


# -- the API: the command's answers --------------------------------------------------------------


def test_health_rulesets_and_the_openapi_document(site: Running) -> None:
    with site.client() as client:
        health = client.get("/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert_secure(health)
        rulesets = client.get("/api/rulesets").json()
        assert "provincial-2021" in {r["name"] for r in rulesets}
        spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/assess", "/api/template", "/api/merge", "/api/batch", "/api/rulesets"):
        assert path in spec["paths"], path
    assert "/health" in spec["paths"]
    assess = spec["paths"]["/api/assess"]["post"]
    fields = assess["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"file", "ruleset", "ruleset_file", "lang", "plan", "set"} <= set(fields)
    assert {"200", "413", "422"} <= set(assess["responses"])


@pytest.mark.parametrize(
    ("data", "extra", "form"),
    [
        ("tianmen-2022.csv", [], {}),
        ("tianmen-2022.xlsx", [], {}),
        ("example-fail-expected.csv", ["--plan"], {"plan": "1"}),
        (
            "example-fail-expected.csv",
            ["--set", "tech_smes.target=250"],
            {"set": ["tech_smes.target=250"]},
        ),
        ("hubei-four-counties.csv", [], {}),  # a batch: the batch's JSON
    ],
)
def test_the_api_answers_the_commands_json_byte_for_byte(
    site: Running, data: str, extra: list[str], form: dict[str, Any]
) -> None:
    code, expected = cli([data, "-r", "provincial-2021", "--format", "json", *extra], SCENARIOS)
    assert code in (0, 1, 4, 5), expected  # 4, 5: a what-if's simulated verdict
    with site.client() as client:
        response = client.post(
            "/api/assess",
            files={"file": upload(SCENARIOS / data)},
            data={"ruleset": "provincial-2021", **form},
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.content == expected.encode()


def test_an_uploaded_ruleset_file_is_the_ruleset(site: Running) -> None:
    ruleset = ROOT / "rulesets" / "provincial-2021.yaml"
    code, expected = cli(["tianmen-2022.csv", "-r", str(ruleset), "--format", "json"], SCENARIOS)
    assert code == 0, expected
    with site.client() as client:
        response = client.post(
            "/api/assess",
            files={"file": upload(SCENARIOS / "tianmen-2022.csv"), "ruleset_file": upload(ruleset)},
        )
    assert response.status_code == 200, response.text
    assert response.content == expected.encode()


@pytest.mark.parametrize(
    "name", ["duplicate-indicator.csv", "text-in-number.xlsx", "big5.csv", "empty.csv"]
)
def test_bad_input_is_the_commands_error_document_with_422(site: Running, name: str) -> None:
    code, expected = cli([name, "-r", "provincial-2021", "--format", "json"], BAD)
    assert code == 2
    with site.client() as client:
        response = client.post(
            "/api/assess", files={"file": upload(BAD / name)}, data={"ruleset": "provincial-2021"}
        )
    assert response.status_code == 422
    assert response.json() == json.loads(expected)
    assert response.text == expected
    assert "Traceback" not in response.text and tempfile.gettempdir() not in response.text


def test_a_hostile_workbook_and_the_wrong_kind_of_file_are_4xx_without_a_traceback(
    site: Running,
) -> None:
    cases = [
        ("shared-strings-bomb.xlsx", (BAD / "shared-strings-bomb.xlsx").read_bytes()),
        ("million-digits.csv", (BAD / "million-digits.csv").read_bytes()),
        ("nul-bytes.csv", (BAD / "nul-bytes.csv").read_bytes()),
        ("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        ("county", b"indicator,actual\nrd_intensity,1\n"),
        ("../../etc/passwd.csv", b"\x00\x01\x02"),
    ]
    with site.client() as client:
        for name, content in cases:
            api = client.post(
                "/api/assess", files={"file": (name, content)}, data={"ruleset": "provincial-2021"}
            )
            page = client.post(
                "/check", files={"file": (name, content)}, data={"ruleset": "provincial-2021"}
            )
            for response in (api, page):
                assert 400 <= response.status_code < 500, (name, response.status_code)
                assert "Traceback" not in response.text and 'File "' not in response.text
                assert "/etc/passwd" not in response.text
                assert_secure(response)
            assert api.json()["errors"], name
            assert 'id="errors"' in page.text, name


def test_a_wrong_file_type_names_the_types_that_are_read(site: Running) -> None:
    with site.client() as client:
        response = client.post(
            "/api/assess",
            files={"file": ("report.pdf", b"%PDF-1.4")},
            data={"ruleset": "provincial-2021"},
        )
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["code"] == "serve_file_type" and problem["file"] == "report.pdf"
    assert "xlsx" in problem["message"]["en"] and "csv" in problem["message"]["zh"]


def test_no_ruleset_an_unknown_one_and_two_at_once_are_refused(site: Running) -> None:
    county = upload(SCENARIOS / "tianmen-2022.csv")
    ruleset = upload(ROOT / "rulesets" / "provincial-2021.yaml")
    with site.client() as client:
        none = client.post("/api/assess", files={"file": county})
        unknown = client.post("/api/assess", files={"file": county}, data={"ruleset": "../x"})
        both = client.post(
            "/api/assess",
            files={"file": county, "ruleset_file": ruleset},
            data={"ruleset": "provincial-2021"},
        )
    codes = [r.json()["errors"][0]["code"] for r in (none, unknown, both)]
    assert [r.status_code for r in (none, unknown, both)] == [422, 422, 422]
    assert codes == ["serve_ruleset_missing", "serve_ruleset_unknown", "serve_ruleset_twice"]


def test_nothing_is_left_on_disk(site: Running) -> None:
    folder = Path(tempfile.gettempdir())
    before = set(folder.glob("assess-serve-*"))
    with site.client() as client:
        client.post(
            "/api/assess",
            files={"file": upload(SCENARIOS / "tianmen-2022.xlsx")},
            data={"ruleset": "provincial-2021"},
        )
        client.post(
            "/api/assess",
            files={"file": upload(BAD / "big5.csv")},
            data={"ruleset": "provincial-2021"},
        )
    assert set(folder.glob("assess-serve-*")) <= before


# -- bounds --------------------------------------------------------------------------------------


def _raw(url: str, request: bytes, *, then: bytes = b"") -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as conn:
        conn.sendall(request)
        if then:
            with contextlib.suppress(OSError):  # the server may close as soon as it has answered
                conn.sendall(then)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def impatient() -> Iterator[Running]:
    """A server that waits at most 1 s for a request's head."""
    yield from start(ServeConfig(host="127.0.0.1", head_timeout=1.0))


def _closed_after(conn: socket.socket, trickle: bytes) -> float:
    """Send ``trickle`` a byte every 0.2 s (then nothing) until the server closes; how long
    it took (at most 10 s)."""
    started = time.monotonic()
    conn.settimeout(0.2)
    sent = 0
    while time.monotonic() - started < 10:
        if sent < len(trickle):
            with contextlib.suppress(OSError):
                conn.sendall(trickle[sent : sent + 1])
            sent += 1
        try:
            if conn.recv(65536) == b"":
                break
        except TimeoutError:
            continue
        except ConnectionResetError:
            break
    return time.monotonic() - started


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(impatient: Running) -> None:
    """A slow-loris client (a header a byte at a time, or nothing at all) is disconnected
    once the head deadline passes, from the connection or from its last response; a request
    whose head arrives in time is answered, and kept alive as before."""
    host, port = impatient.url.removeprefix("http://").split(":")
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"a" * 200
    for trickle in (head, b""):
        with socket.create_connection((host, int(port)), timeout=20) as conn:
            assert 0.9 < _closed_after(conn, trickle) < 4
    with socket.create_connection((host, int(port)), timeout=20) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert conn.recv(65536).startswith(b"HTTP/1.1 200")
        assert 0.9 < _closed_after(conn, head) < 4  # the next head, after a response
    with impatient.client() as client:  # answered in time, on one kept-alive connection
        for _ in range(3):
            assert client.get("/health").status_code == 200
            time.sleep(0.4)


def test_a_declared_oversized_body_is_refused_before_it_is_read(small: Running) -> None:
    # Headers only: the server answers 413 without waiting for the gigabyte announced.
    started = time.monotonic()
    answer = _raw(
        small.url,
        b"POST /api/assess HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000000\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 10
    body = answer.split(b"\r\n\r\n", 1)[1]
    assert json.loads(body)["errors"][0]["code"] == "serve_too_large"


def test_a_streamed_oversized_body_is_refused_as_it_passes_the_limit(small: Running) -> None:
    chunk = b"a" * 16_000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8)) + b"0\r\n\r\n"
    answer = _raw(
        small.url,
        b"POST /check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n",
        then=body,
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"Traceback" not in answer


def test_an_oversized_upload_by_a_client_is_413(small: Running) -> None:
    with small.client() as client:
        response = client.post(
            "/check",
            files={"file": ("big.csv", b"x" * 200_000)},
            data={"ruleset": "provincial-2021"},
        )
    assert response.status_code == 413
    assert 'id="errors"' in response.text
    assert_secure(response)


def test_a_job_past_its_deadline_is_stopped_with_503(small: Running) -> None:
    with small.client() as client:
        response = client.post(
            "/api/assess",
            files={"file": upload(SCENARIOS / "tianmen-2022.csv")},
            data={"ruleset": "provincial-2021"},
        )
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "serve_timeout"


# -- the pages -----------------------------------------------------------------------------------


def test_the_check_page_shows_the_html_report_and_offers_the_formats(site: Running) -> None:
    with site.client() as client:
        form = client.get("/")
        assert form.status_code == 200 and 'type="file"' in form.text
        assert "<script>" not in form.text and "style=" not in form.text
        assert_secure(form)
        response = client.post(
            "/check",
            files={"file": upload(SCENARIOS / "tianmen-2022.xlsx")},
            data={"ruleset": "provincial-2021", "lang": "zh"},
        )
        assert response.status_code == 200, response.text[:2000]
        assert_secure(response)
        page = response.text
        assert 'data-verdict="PASS"' in page and 'sandbox=""' in page and "srcdoc=" in page
        csp = response.headers["content-security-policy"]
        assert re.search(r"style-src 'self' 'sha256-[A-Za-z0-9+/=]+'", csp)
        for fmt in ("html", "xlsx", "md", "json"):
            assert f'value="{fmt}"' in page
        from engine.report.formats import choices

        for fmt in ("docx", "completion-xlsx"):  # the Word renderers, once registered
            assert (f'value="{fmt}"' in page) == (fmt in choices("county"))
        fields = carried(page)
        assert fields["data_name"] == "tianmen-2022.xlsx"
        xlsx = client.post("/check/download", data={**fields, "format": "xlsx"})
        assert xlsx.status_code == 200
        assert zipfile.is_zipfile(io.BytesIO(xlsx.content))
        assert "tianmen-2022-report.xlsx" in xlsx.headers["content-disposition"]
        as_json = client.post("/check/download", data={**fields, "format": "json"})
        if "docx" in choices("county"):
            word = client.post("/check/download", data={**fields, "format": "docx"})
            assert word.status_code == 200, word.text[:500]
            assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(word.content)).namelist()
    _, expected = cli(["tianmen-2022.xlsx", "-r", "provincial-2021", "--format", "json"], SCENARIOS)
    assert as_json.content == expected.encode()


def test_input_errors_are_listed_with_row_and_field_in_the_pages_language(site: Running) -> None:
    with site.client() as client:
        zh = client.post(
            "/check",
            files={"file": upload(BAD / "duplicate-indicator.csv")},
            data={"ruleset": "provincial-2021"},
        )
        en = client.post(
            "/check",
            files={"file": upload(BAD / "duplicate-indicator.csv")},
            data={"ruleset": "provincial-2021", "lang": "en"},
        )
    assert zh.status_code == en.status_code == 422
    assert '<html lang="zh-CN">' in zh.text and '<html lang="en">' in en.text
    assert "data-row=" in zh.text and "第" in zh.text and "行" in zh.text
    assert "row " in en.text
    assert tempfile.gettempdir() not in zh.text + en.text


def test_the_plan_and_the_what_if_are_marked_and_move_the_verdict(site: Running) -> None:
    with site.client() as client:
        response = client.post(
            "/plan",
            files={"file": upload(SCENARIOS / "example-fail-expected.csv")},
            data={"ruleset": "provincial-2021"},
        )
        assert response.status_code == 200, response.text[:3000]
        assert 'data-verdict="FAIL"' in response.text and 'id="what-if-form"' in response.text
        assert "energy_per_gdp" in response.text
        fields = carried(response.text, "what-if-form")
        whatif = client.post("/plan/whatif", data={**fields, "actual:energy_per_gdp": "0.480"})
    assert whatif.status_code == 200, whatif.text[:3000]
    assert "模拟测算" in whatif.text and 'id="simulation"' in whatif.text
    assert 'data-verdict="FAIL" id="verdict-before"' in whatif.text
    assert 'data-verdict="PASS" id="verdict-after"' in whatif.text
    assert '<tr data-id="energy_per_gdp">' in whatif.text  # the change listed


def test_a_province_summary_each_county_its_report_and_the_downloads(site: Running) -> None:
    with site.client() as client:
        response = client.post(
            "/province",
            files={"file": upload(SCENARIOS / "hubei-four-counties.csv")},
            data={"ruleset": "provincial-2021"},
        )
        assert response.status_code == 200, response.text[:2000]
        rows = re.findall(r'<tr data-verdict="(PASS|FAIL)" data-county="([^"]+)">', response.text)
        assert len(rows) == 4
        fields = carried(response.text)
        picks = re.findall(r'name="pick" value="([^"]+)"', response.text)
        pick = html.unescape(picks[0])
        county = client.post("/province/county", data={**fields, "pick": pick})
        assert county.status_code == 200 and "srcdoc=" in county.text
        assert f'data-verdict="{rows[0][0]}"' in county.text
        as_csv = client.post("/province/download", data={**fields, "format": "csv"})
        as_xlsx = client.post("/province/download", data={**fields, "format": "xlsx"})
    _, expected = cli(
        ["hubei-four-counties.csv", "-r", "provincial-2021", "--format", "csv"], SCENARIOS
    )
    assert as_csv.content.decode() == expected
    assert zipfile.is_zipfile(io.BytesIO(as_xlsx.content))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(as_xlsx.content), read_only=True)
    summary = list(book["summary"].iter_rows(values_only=True))
    assert len(summary) == 5 and summary[0][0] == "county"


def test_several_counties_checked_give_the_summary_and_no_plan(site: Running) -> None:
    four = upload(SCENARIOS / "hubei-four-counties.csv")
    with site.client() as client:
        checked = client.post("/check", files={"file": four}, data={"ruleset": "provincial-2021"})
        planned = client.post("/plan", files={"file": four}, data={"ruleset": "provincial-2021"})
    assert checked.status_code == 200
    assert len(re.findall(r"<tr data-verdict=", checked.text)) == 4
    assert planned.status_code == 422 and 'data-code="serve_one_county"' in planned.text


def test_every_data_text_is_escaped(site: Running) -> None:
    hostile = '<img src=x onerror="alert(1)">'
    table = (SCENARIOS / "hubei-four-counties.csv").read_text(encoding="utf-8")
    table = table.replace("示例县甲", hostile.replace('"', '""').join('""'))
    named = f"{hostile}.csv"
    with site.client() as client:
        province = client.post(
            "/province",
            files={"file": (named, table.encode())},
            data={"ruleset": "provincial-2021"},
        )
        one = "\n".join(line for line in table.splitlines() if line.startswith(('"<img', "county")))
        county = client.post(
            "/check", files={"file": ("one.csv", one.encode())}, data={"ruleset": "provincial-2021"}
        )
    assert province.status_code == 200, province.text[:2000]
    assert county.status_code == 200, county.text[:2000]
    for page in (province.text, county.text):
        assert "<img" not in page and 'onerror="' not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in province.text
    # In the embedded report the name is escaped twice: by the report, then as an attribute.
    assert "&amp;lt;img" in county.text


def test_the_monitoring_page(site: Running) -> None:
    with site.client() as client:
        response = client.post(
            "/monitor",
            files={"file": upload(SCENARIOS / "tianmen-2020-2022.csv")},
            data={"ruleset": "provincial-2021", "lang": "en"},
        )
    assert response.status_code == 200, response.text[:2000]
    assert "year-2021" in response.text and "srcdoc=" in response.text


#: A small ruleset with two departments (the bundled ones name few yet).
FORMS_YAML = """\
id: serve-forms
version: "1"
title: {zh: 测试县指标, en: Test county indicators}
sources: [{id: tests, title: tests}]
reconstruction: Invented for the tests.
verdict_policy: {kind: binding_all_expected_share, expected_min_share: 50, basis: tests}
indicators:
  - id: rd_intensity
    name: {zh: 全社会R&D经费支出占GDP比重, en: R&D intensity}
    category: {zh: 创新投入, en: Innovation input}
    kind: binding
    unit: "%"
    precision: 2
    threshold: {kind: target}
    department: {zh: 县统计局, en: County statistics bureau}
    provenance: tests
  - id: high_tech_enterprises
    name: {zh: 高新技术企业数, en: High-tech enterprises}
    category: {zh: 创新主体, en: Innovators}
    kind: expected
    unit: 家
    precision: 0
    threshold: {kind: target}
    department: {zh: 县科技局, en: County S&T bureau}
    provenance: tests
"""


def _fill(content: bytes, values: dict[str, dict[str, object]]) -> bytes:
    """Type values into a template as a department would (by indicator name and header)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = {c.value: c.column for c in sheet[3] if c.value}
    names = {
        sheet.cell(row=r, column=header["指标名称"]).value: r for r in range(4, sheet.max_row + 1)
    }
    for name, cells in values.items():
        for column, value in cells.items():
            sheet.cell(row=names[name], column=header[column], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_fill_in_workbook_whole_and_per_department(site: Running) -> None:
    ruleset = ("serve-forms.yaml", FORMS_YAML.encode())
    with site.client() as client:
        page = client.get("/prepare?ruleset=tianmen-plan-2021")
        whole = client.post("/api/template", data={"ruleset": "provincial-2021"})
        stats = client.post(
            "/prepare/template", files={"ruleset_file": ruleset}, data={"department": "县统计局"}
        )
        unknown = client.post(
            "/api/template", files={"ruleset_file": ruleset}, data={"department": "县教育局"}
        )
    assert page.status_code == 200 and '<option value="-">未指定责任单位</option>' in page.text
    assert whole.status_code == 200 and zipfile.is_zipfile(io.BytesIO(whole.content))
    assert "filename*=UTF-8''%E5%A1%AB" in whole.headers["content-disposition"]  # 填报模板
    assert stats.status_code == 200 and zipfile.is_zipfile(io.BytesIO(stats.content))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(stats.content)).worksheets[0]
    column = next(c.column for c in sheet[3] if c.value == "指标名称")
    names = {sheet.cell(row=r, column=column).value for r in range(4, sheet.max_row + 1)}
    assert "全社会R&D经费支出占GDP比重" in names and "高新技术企业数" not in names
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "department"


def test_returns_merged_what_is_empty_listed_and_a_conflict_refused(site: Running) -> None:
    ruleset = ("serve-forms.yaml", FORMS_YAML.encode())
    with site.client() as client:
        blank = {
            d: client.post(
                "/api/template", files={"ruleset_file": ruleset}, data={"department": d}
            ).content
            for d in ("县统计局", "县科技局")
        }
        stats = _fill(
            blank["县统计局"], {"全社会R&D经费支出占GDP比重": {"目标值": 1.6, "完成值": 1.68}}
        )
        science = _fill(blank["县科技局"], {"高新技术企业数": {"目标值": 90}})
        returns = [("files", ("统计局.xlsx", stats)), ("files", ("科技局.xlsx", science))]
        page = client.post(
            "/prepare/merge", files=[*returns, ("ruleset_file", ruleset)], data={"county": "天门市"}
        )
        summary = client.post(
            "/api/merge", files=[*returns, ("ruleset_file", ruleset)], data={"format": "json"}
        )
        other = _fill(blank["县统计局"], {"全社会R&D经费支出占GDP比重": {"完成值": 1.7}})
        conflict = client.post(
            "/api/merge",
            files=[*returns, ("files", ("统计局第二版.xlsx", other)), ("ruleset_file", ruleset)],
        )
        conflict_page = client.post(
            "/prepare/merge",
            files=[*returns, ("files", ("统计局第二版.xlsx", other)), ("ruleset_file", ruleset)],
        )
        assert page.status_code == 200, page.text[:3000]
        assert 'id="merged"' in page.text and 'data-missing="1"' in page.text
        assert "高新技术企业数" in page.text.split('id="missing"')[1]  # its actual is owed
        assert 'download="天门市.xlsx"' in page.text
        checked = client.post("/check", data=carried(page.text))
    assert summary.json()["missing"][0]["id"] == "high_tech_enterprises"
    assert summary.json()["files"] == ["统计局.xlsx", "科技局.xlsx"]
    assert checked.status_code == 200 and 'data-verdict="FAIL"' in checked.text
    assert conflict.status_code == 422
    (problem,) = conflict.json()["errors"]
    assert problem["code"] == "merge_conflict"
    assert (
        "统计局.xlsx" in problem["message"]["zh"]
        and "统计局第二版.xlsx" in problem["message"]["zh"]
    )
    assert "1.68" in problem["message"]["en"] and "1.7" in problem["message"]["en"]
    assert tempfile.gettempdir() not in conflict.text
    assert conflict_page.status_code == 422 and 'data-code="merge_conflict"' in conflict_page.text


# -- who gets in ---------------------------------------------------------------------------------


def test_without_the_token_nothing_is_served(locked: Running) -> None:
    with locked.client() as client:
        for path in ("/", "/health", "/static/app.js", "/api/openapi.json"):
            refused = client.get(path)
            assert refused.status_code == 401, path
            assert "app.js" not in refused.text and "status" not in refused.text[:20]
        assert client.get("/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert (
            client.post(
                "/api/assess",
                files={"file": upload(SCENARIOS / "tianmen-2022.csv")},
                data={"ruleset": "provincial-2021"},
            ).status_code
            == 401
        )
        ok = client.get("/health", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
    with locked.client(follow_redirects=False) as browser:
        opened = browser.get(f"/?token={TOKEN}&lang=en")
        assert opened.status_code == 303 and opened.headers["location"] == "/?lang=en"
        cookie = opened.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert browser.get("/?lang=en").status_code == 200  # the cookie carries it
        assert browser.get("/?token=nope").status_code in (200, 303)  # the cookie still holds
    with locked.client(follow_redirects=False) as stranger:
        assert stranger.get("/?token=nope").status_code == 401


def test_a_cross_site_post_is_refused(site: Running) -> None:
    files = {"file": upload(SCENARIOS / "tianmen-2022.csv")}
    data = {"ruleset": "provincial-2021"}
    with site.client() as client:
        other = client.post(
            "/check", files=files, data=data, headers={"Origin": "http://evil.example"}
        )
        fetch = client.post(
            "/api/assess", files=files, data=data, headers={"Sec-Fetch-Site": "cross-site"}
        )
        null = client.post("/check", files=files, data=data, headers={"Origin": "null"})
        own = client.post(
            "/check",
            files=files,
            data=data,
            headers={"Origin": site.url, "Sec-Fetch-Site": "same-origin"},
        )
    assert [other.status_code, fetch.status_code, null.status_code] == [403, 403, 403]
    assert fetch.json()["errors"][0]["code"] == "serve_cross_site"
    assert own.status_code == 200


def test_a_foreign_host_name_is_refused_without_a_token(site: Running) -> None:
    with site.client() as client:
        response = client.get("/", headers={"Host": "rebound.example:8000"})
    assert response.status_code == 403
    assert_secure(response)


def test_loopback_and_a_token_for_every_other_address() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("::")
    config, made = ServeConfig(host="0.0.0.0").checked()
    assert made and config.token is not None and len(config.token) >= 32
    same, made = ServeConfig(host="127.0.0.1").checked()
    assert not made and same.token is None
    given, made = ServeConfig(host="0.0.0.0", token=TOKEN).checked()
    assert not made and given.token == TOKEN


def test_the_command_starts_the_server_and_prints_where(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from engine.cli import main; main()", "serve", "--port", "0"]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.search(r"open (http://127\.0\.0\.1:\d+/) in a browser", line)
            assert match, line
            for _ in range(100):
                try:
                    health = httpx.get(match.group(1) + "health", timeout=5)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            assert health.status_code == 200
        finally:
            process.terminate()
            process.wait(20)


# -- under load ----------------------------------------------------------------------------------

LOAD = [
    ("tianmen-2022.csv", "provincial-2021"),
    ("tianmen-2022.xlsx", "provincial-2021"),
    ("example-fail-binding.csv", "provincial-2021"),
    ("example-fail-expected.csv", "provincial-2021"),
    ("example-missing-binding.csv", "provincial-2021"),
    ("suizhou-2025.csv", "suizhou-2025"),
    ("xianning-2021.csv", "xianning-2021"),
]


@pytest.mark.slow  # 70 assessments at once (.ci/run runs it)
def test_fifty_concurrent_assessments_give_exactly_the_commands_results(site: Running) -> None:
    expected = {}
    for data, ruleset in LOAD:
        code, out = cli([data, "-r", ruleset, "--format", "json"], SCENARIOS)
        assert code in (0, 1), out
        expected[data] = out.encode()
    jobs = [LOAD[i % len(LOAD)] for i in range(70)]
    before = durable_rules().stats()

    def one(job: tuple[str, str]) -> tuple[str, int, bytes]:
        data, ruleset = job
        with httpx.Client(base_url=site.url, timeout=120) as client:
            response = client.post(
                "/api/assess", files={"file": upload(SCENARIOS / data)}, data={"ruleset": ruleset}
            )
        return data, response.status_code, response.content

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(one, jobs))
    elapsed = time.perf_counter() - started
    for data, status, content in answers:
        assert status == 200, content[:500]
        assert content == expected[data], data
    after = durable_rules().stats()
    assert after.live_sessions == 0
    assert after.peak_live_sessions <= 1
    assert after.sessions_opened > before.sessions_opened
    print(f"\n{len(jobs)} concurrent assessments in {elapsed:.2f} s: {len(jobs) / elapsed:.1f}/s")
