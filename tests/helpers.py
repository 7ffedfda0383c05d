"""Helpers shared by several test modules, so that test modules do not import each other:

* hypothesis strategies for generated rulesets and county values (``rulesets``,
  ``county_values``, ``scenarios``);
* ``assert_same``: two batches, one per evaluator, identical row for row;
* ``rss`` and ``leaked_growth``: the resident set, and what leaking durable-rules sessions does to
  it (tests/test_durable_load.py, also in the fresh process it starts);
* ``form_header``, ``template_rows`` and ``fill_form``: a fill-in workbook typed in as a
  department would (tests/test_template.py, tests/test_merge.py).

The plain-Decimal reference evaluator is tests/reference.py; the national dataset is
tests/national/make.py.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

import engine
from engine.batch import Batch, assess_counties
from engine.compile.rules import compile_ruleset
from engine.infer import run
from engine.infer.durable_adapter import DurableRules
from engine.model.county import CountyData
from engine.model.ruleset import Ruleset
from tests import reference

# Generated rulesets and counties

OPS = {"higher": [">=", ">", None], "lower": ["<=", "<", None]}


@st.composite
def indicator_specs(draw: st.DrawFn, index: int, scoring: bool = False) -> dict[str, Any]:
    precision = draw(st.integers(0, 4))
    direction = draw(st.sampled_from(["higher", "lower"]))
    kind = draw(st.sampled_from(["target", "absolute", "growth", "reference", "between"]))
    op = None if kind == "between" else draw(st.sampled_from(OPS[direction]))
    threshold: dict[str, Any] = {"kind": kind}
    if op is not None:
        threshold["operator"] = op
    grid = st.integers(-(10**7), 10**7).map(lambda n: Decimal(n).scaleb(-precision))
    if kind == "absolute":
        threshold["value"] = draw(grid)
    elif kind == "between":
        threshold["min"], threshold["max"] = sorted([draw(grid), draw(grid)])
    elif kind == "growth" and draw(st.booleans()):
        threshold["min_increase"] = Decimal(draw(st.integers(0, 10**5))).scaleb(-precision)
    elif kind == "growth":
        threshold["min_growth"] = Decimal(draw(st.integers(0, 3000))).scaleb(-1)
        if direction == "lower":
            threshold["min_growth"] = min(threshold["min_growth"], Decimal("99.9"))
    elif kind == "reference":
        margin = draw(st.sampled_from(["none", "margin", "percent"]))
        if margin == "margin":
            threshold["margin"] = Decimal(draw(st.integers(0, 10**4))).scaleb(-precision)
        elif margin == "percent":
            threshold["margin_percent"] = Decimal(draw(st.integers(0, 500))).scaleb(-1)
    spec = {
        "id": f"i{index}",
        "name": {"zh": f"指标{index}", "en": f"Indicator {index}"},
        "category": {"zh": "类", "en": "category"},
        "kind": draw(st.sampled_from(["binding", "expected"])),
        "unit": "%",
        "precision": precision,
        "direction": direction,
        "threshold": threshold,
        "provenance": "generated",
    }
    if scoring:
        spec["weight"] = Decimal(draw(st.integers(0, 5)))
    return spec


@st.composite
def rulesets(draw: st.DrawFn, max_indicators: int = 8) -> tuple[engine.Ruleset, list[dict]]:
    n = draw(st.integers(1, max_indicators))
    scoring = draw(st.booleans())
    specs = [draw(indicator_specs(i, scoring)) for i in range(n)]
    share = Decimal(draw(st.integers(0, 10000))).scaleb(-2)
    policy = (
        {"kind": "weighted_score", "pass_mark": share, "basis": "generated"}
        if scoring
        else {
            "kind": "binding_all_expected_share",
            "expected_min_share": share,
            "basis": "generated",
        }
    )
    return ruleset_of(specs, policy), specs


def ruleset_of(specs: list[dict], policy: dict[str, Any], name: str = "generated") -> Ruleset:
    """A standalone ruleset of these indicator specs and verdict policy, validated."""
    return engine.Ruleset.model_validate(
        {
            "id": name,
            "version": "1",
            "title": {"zh": name, "en": name},
            "sources": [{"id": "g", "title": "test"}],
            "reconstruction": "generated",
            "verdict_policy": policy,
            "indicators": specs,
        }
    )


def decimals(precision: int, magnitude: int = 10**7) -> st.SearchStrategy[Decimal]:
    """Values on the precision's grid (so half-unit offsets land exactly on .5) or with two more
    decimals (so rounding matters)."""
    return st.one_of(
        st.integers(-magnitude, magnitude).map(lambda n: Decimal(n).scaleb(-precision)),
        st.integers(-magnitude, magnitude).map(lambda n: Decimal(n).scaleb(-precision - 2)),
    )


@st.composite
def near(draw: st.DrawFn, anchor: Decimal, precision: int) -> Decimal:
    """On the anchor, one unit either side, or a half unit either side (± a hair)."""
    unit = Decimal(1).scaleb(-precision)
    offset = draw(
        st.sampled_from(
            [
                Decimal(0),
                unit,
                -unit,
                unit / 2,
                -unit / 2,
                unit / 2 + unit / 1000,
                unit / 2 - unit / 1000,
                -unit / 2 + unit / 1000,
                -unit / 2 - unit / 1000,
            ]
        )
    )
    return anchor + offset


@st.composite
def county_values(draw: st.DrawFn, spec: dict[str, Any]) -> dict[str, Decimal | None]:
    p = spec["precision"]
    values: dict[str, Decimal | None] = {
        "baseline": draw(decimals(p)),
        "target": draw(decimals(p)),
        "reference": draw(decimals(p)),
        "actual": None,
    }
    bounds = reference.threshold_of(spec, values)
    assert bounds is not None
    anchor = draw(st.sampled_from([b for b in bounds if b is not None]))
    values["actual"] = draw(st.one_of(near(anchor, p), decimals(p)))
    for key in values:
        if draw(st.integers(0, 9)) == 0:
            values[key] = None
    return values


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[engine.Ruleset, list[dict], dict[str, dict]]:
    ruleset, specs = draw(rulesets())
    values = {s["id"]: draw(county_values(s)) for s in specs}
    return ruleset, specs, values


# Batches by both evaluators


def assert_same(vector: Batch, rete: Batch) -> None:
    """Every per-rule text and every summary field identical, row for row."""
    assert vector.engine == "vector" and rete.engine == "rete"
    assert vector.rules.columns == rete.rules.columns
    for column in vector.rules.columns:
        left, right = vector.rules[column], rete.rules[column]
        diff = vector.rules.filter(left.ne_missing(right))
        assert diff.is_empty(), f"rules.{column} differs:\n{diff.head(3)}\n" + str(
            rete.rules.filter(left.ne_missing(right)).head(3)
        )
    assert vector.summary.equals(rete.summary), (vector.summary, rete.summary)


# Memory


def rss() -> int | None:
    """The current resident set in bytes (ru_maxrss is the peak and never falls); None off Linux."""
    gc.collect()
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def leaked_growth(counties: Sequence[CountyData], ruleset: Ruleset) -> tuple[int, int]:
    """RSS growth (bytes) over assessing ``counties`` with ``delete_state`` skipped, and the
    sessions kept; they are deleted afterwards."""
    compiled = compile_ruleset(ruleset)
    leaky = DurableRules()
    host = leaky._ensure_registered(compiled.indicator_ruleset, compiled.indicator_rules)
    leaky._ensure_registered(compiled.verdict_ruleset, compiled.verdict_rules)
    kept: list[tuple[str, str]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "durable_rules", lambda: leaky)
        assess_counties(counties[:5], ruleset, engine="rete")  # warm up this Host
        patch.setattr(host, "delete_state", lambda name, sid: kept.append((name, sid)))
        try:
            before = rss()
            assess_counties(counties[5:], ruleset, engine="rete")
            after = rss()
        finally:
            patch.undo()
            for name, sid in kept:
                host.delete_state(name, sid)
    assert before is not None and after is not None
    return after - before, len(kept)


# Fill-in workbooks (assess template)

#: The header row of a fill-in workbook (a title line and the ruleset line above it).
TEMPLATE_HEADER_ROW = 3


def form_header(ws: Any) -> dict[str, int]:
    """Column number by header text."""
    return {c.value: c.column for c in ws[TEMPLATE_HEADER_ROW] if c.value}


def form_rows(ws: Any) -> dict[str, int]:
    """Row number by indicator name."""
    col = form_header(ws).get("指标名称") or form_header(ws)["Indicator"]
    return {
        ws.cell(row=r, column=col).value: r
        for r in range(TEMPLATE_HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(row=r, column=col).value
    }


def fill_form(path: Path, cells: dict[str, dict[str, object]], out: Path | None = None) -> Path:
    """Type values into a fill-in workbook as a department would (by indicator name and column
    header), saved to ``out`` (default: over ``path``)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    cols, rows = form_header(ws), form_rows(ws)
    for name, values in cells.items():
        for column, value in values.items():
            cell = ws.cell(row=rows[name], column=cols[column], value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # typed as text ('=… in Excel), never a formula
    target = out or path
    wb.save(target)
    return target


# The browser tests (pytest --browser)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries Google's hosts at start, which this
# closed network refuses; a request we did not cause would then be hard to tell from one we did.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launched_chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (never a downloaded browser): for a
    module-scoped ``browser`` fixture to ``yield from``."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -e '.[browser]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def run_main(
    args: Sequence[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int | str | None, str, str]:
    """The ``assess`` command run in this process with ``args``, no locale set (so the
    language is the command's default or ``--lang``): its exit code, standard output and
    standard error."""
    import sys

    from engine.cli import main

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "argv", ["assess", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    return exit_.value.code, out, err
