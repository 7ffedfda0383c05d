"""One county at the import floor (docs/performance.md): ``assess FILE --ruleset NAME`` imports
only what it uses. Run in a fresh process, as a user runs it, with a cache of bundled rulesets
of its own: with the cache warm, not even PyYAML is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMAND = ("scenarios/tianmen-2022.csv", "--ruleset", "provincial-2021")

#: The command's process, the modules it imported written to the file named first.
DRIVER = """\
import json, sys
out = sys.argv.pop(1)
from engine.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
with open(out, "w", encoding="utf-8") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""

#: What one county's text report on standard output never needs (a module or its package).
UNUSED = (
    # the planning tools, batches and their evaluator
    "engine.plan",
    "engine.batch",
    "engine.infer.vector",
    "engine.explain.vector",
    "engine.load.fast",
    # other inputs: workbooks, plan annexes, departments' returns, the JSON Schema
    "engine.load.xlsx",
    "engine.load.annex",
    "engine.load.merge",
    "engine.model.schema",
    "openpyxl",
    # other reports
    "engine.report.html",
    "engine.report.svg",
    "engine.report.xlsx",
    "engine.report.docx",
    "engine.report.dossier",
    "engine.report.markdown",
    "engine.report.batch",
    "engine.report.monitoring",
    "engine.report.template",
    "engine.report.ruleset_docs",
    "docx",
    # the web server
    "engine.serve",
    "starlette",
    "uvicorn",
    "jinja2",
    "multipart",
)
#: A warm cache serves the bundled ruleset: no YAML is read.
YAML = ("yaml", "engine.load.yaml_file")


#: A run: its exit code, its standard output and the modules it imported.
Run = tuple[int, str, list[str]]
Runs = dict[str, Run]


def run(tmp_path: Path, cache: Path) -> Run:
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env.update(XDG_CACHE_HOME=str(cache), LANG="en_US.UTF-8")  # the report in English
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(out), *COMMAND],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stderr == ""
    found = json.loads(out.read_text(encoding="utf-8"))
    return found["code"], proc.stdout, found["modules"]


def imported(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """The command with a cold cache, then with the cache it warmed."""
    tmp_path = tmp_path_factory.mktemp("floor")
    cache = tmp_path / "cache"
    return {"cold": run(tmp_path, cache), "warm": run(tmp_path, cache)}


def test_one_county_imports_nothing_it_does_not_use(runs: Runs) -> None:
    for name, (code, report, modules) in runs.items():
        assert code == 0 and "engine.pipeline" in modules, name  # it really assessed (PASS)
        assert report.startswith("Innovative county acceptance pre-check: 天门市\n"), name
        assert imported(modules, UNUSED) == [], name


def test_a_warm_cache_imports_no_yaml(runs: Runs) -> None:
    assert imported(runs["warm"][2], YAML) == []
    assert set(YAML) <= set(runs["cold"][2])  # the check can tell


def test_the_report_does_not_depend_on_the_cache(runs: Runs) -> None:
    assert runs["cold"][1] == runs["warm"][1] != ""
