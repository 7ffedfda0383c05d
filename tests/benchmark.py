"""The benchmark: batch, scaling, single county and a peer engine, written to docs/performance.md.

    python tests/benchmark.py [--repeat N] [--quick] [--output docs/performance.md]

A script, not a test (pytest does not collect it): it runs every measured thing in a fresh
subprocess, N times, interleaved in one loop so that the noise of a shared machine hits every
engine and command alike, and reports the median and the minimum. Ratios are computed from
medians of the same run. Peak memory is each child's own maximum resident set (``wait4``).

Measured:

- batch: the synthetic national file (tests/national/make.py, 2,844 counties × the 28
  provincial-2021 indicators) assessed with full per-rule explanations written as JSON, by the
  vector and the rete (durable-rules) engines: the ``assess`` command end to end, and the same
  steps in-process (import, ruleset, read, evaluate, JSON, write) split by phase;
- scaling: the vector engine on 10,000 and 100,000 counties;
- single county: ``assess scenarios/tianmen-2022.csv --ruleset provincial-2021`` against the
  bare import of its dependencies, alternately;
- a peer, when installed (``pip install -e '.[bench]'``): zen-engine evaluating the same
  thresholds and verdict policy as a JDM decision table.

``--quick`` is a smoke run (small sizes, one repeat); its numbers are not for the record.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import importlib.metadata
import itertools
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

ROOT = Path(__file__).resolve().parents[1]
RULESET = "provincial-2021"
SCENARIO = "scenarios/tianmen-2022.csv"
BARE_IMPORT = "import polars, pydantic, click, durable.engine"
#: The libraries one county's check uses, each used once: the bare import, plus a pydantic model
#: built and validated (``import pydantic`` alone loads almost nothing: it imports lazily) and a
#: rich table printed. Not a goal: it says how much of the command's time these choices cost.
LIBRARY_FLOOR = (
    "import io, polars, pydantic, click, durable.engine\n"
    "class A(pydantic.BaseModel):\n    x: int\n"
    "A(x=1)\n"
    "from rich.console import Console\nfrom rich.table import Table\n"
    "t = Table()\nt.add_column('a')\nt.add_row('1')\n"
    "Console(file=io.StringIO(), width=120).print(t)\n"
)
ENGINES = ("vector", "rete")
ZEN_MODES = ("batch",)
MARKER = "<!-- Everything below is written by tests/benchmark.py: regenerate, do not edit. -->"


@dataclass(frozen=True)
class Preset:
    batch: int  # counties in the batch file
    scaling: tuple[int, ...]  # counties in the larger files (vector engine only)
    repeat: int


FULL = Preset(batch=2844, scaling=(10_000, 100_000), repeat=5)
QUICK = Preset(batch=200, scaling=(500, 2_000), repeat=1)
#: Goals («Batch at the speed floor»): ratios of medians from the same run.
GOAL_NATIONAL_RATIO = 2.0  # national batch, `assess` end to end ÷ the bare import
GOAL_POLARS_RATIO = 2.0  # ours in process ÷ a hand-written polars one giving the same columns
GOAL_ZEN_RATIO = 1.0  # ours in process ÷ zen-engine's evaluate_batch: ahead of it
GOAL_FLAT = 1.5  # time per county, slowest size ÷ fastest
GOAL_SINGLE = 1.25  # one county, `assess` end to end ÷ the bare import
GOAL_PEAK_MIB = 1536  # 100,000 counties, every rule explained, JSON

INTRO = """\
# Performance

How fast the engine assesses one county and many, measured by `tests/benchmark.py`; every
number below comes from a single run of that script on the machine it names.

How to read it:

- Every measured thing runs in a **fresh process** (so import costs and peak memory are
  honest), **N times**, all engines and commands **interleaved in one loop**, so that the noise
  of a shared machine hits them alike. Tables give the **median** and the **minimum**; ratios
  are medians divided by medians of the same run. Peak memory is the child process's maximum
  resident set size.
- **Batch** times the national synthetic file (2,844 counties × the 28 provincial-2021
  indicators, `tests/national/make.py`) assessed with every rule's explanation written as JSON.
  "CLI" is the `assess` command end to end (interpreter start, imports, everything);
  "in-process" is the same work after the imports (ruleset, read, evaluate, JSON written as it
  is made), split by phase. The vector engine reads a plain CSV with the polars fast loader
  (`engine/load/fast.py`); the rete engine reads with the general loader, as the command does.
- **Scaling** is the `assess` command on larger synthetic files (above 10,000 counties it
  streams, chunk by chunk); "flat" means the time per county of the slowest size divided by
  that of the fastest stays under the stated ratio.
- **Single county** compares the `assess` command on the Tianmen scenario with a bare
  `python -c "import polars, pydantic, click, durable.engine"`: the floor any command that
  needs those libraries pays.
- **Peer**: zen-engine (GoRules, Rust) evaluating the same thresholds and verdict policy as a
  JDM graph, giving every rule's status and margin and the verdict (see its section), and two
  **hand-written polars evaluations** of the same rules: one giving the same per-rule and
  per-county columns as ours (every number as text, both languages' reasons; its tables are
  checked equal to ours), one of the decisions alone (status and margin per rule, verdicts):
  how far a compiled rules engine and a bare columnar evaluation are from ours, in the same run.
- **The web page's API**: `assess serve` on loopback answering `POST /api/assess` from 1 and
  from 8 client threads: assessments per second.
- Measured with bytecode caching on (`PYTHONDONTWRITEBYTECODE` unset): without it every run
  compiles the engine again.

Regenerate with `python tests/benchmark.py --output docs/performance.md` (20 to 30 minutes on
a 2-core machine; `pip install -e '.[bench]'` first for the peer). Edit this introduction by
hand if needed: the script rewrites only what follows the marker below.
"""


# -- the children: each prints one JSON object on standard output --------------------------------


class _Clock:
    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._start = self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = now - self._last
        self._last = now

    @property
    def total(self) -> float:
        return self._last - self._start


def _timed(module: ModuleType | type, name: str, into: dict[str, float], key: str) -> None:
    """Wrap ``module.name`` (a function, or a method of a class) so that the time spent in it
    adds to ``into[key]``; a no-op when it is gone (the split then reads "—")."""
    original = getattr(module, name, None)
    if original is None:
        return

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            into[key] = into.get(key, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


def _maxrss_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child_ours(engine_name: str, data: Path, out: Path) -> dict[str, Any]:
    """The command's steps for a batch, as engine/cli.py routes them: vector through the fast
    loader (falling back to the general one when it declines), rete through the general one."""
    clock = _Clock()
    import engine.batch
    import engine.infer.durable_adapter
    import engine.infer.vector
    import engine.load.fast
    from engine.load.county import load_counties
    from engine.load.ruleset import load_ruleset
    from engine.report.batch import batch_json_chunks
    from engine.report.output import Streamed, write_atomically

    clock.lap("import")
    ruleset = load_ruleset(RULESET)
    clock.lap("ruleset")
    inner: dict[str, float] = {}
    fast = None
    if engine_name == "vector":
        _timed(engine.batch, "read_fast", inner, "read")  # as engine.batch calls it
        _timed(engine.infer.vector, "evaluate_table", inner, "rules")
        _timed(engine.batch, "explain", inner, "explain")
        _timed(engine.batch, "_verdicts", inner, "verdicts")
        _timed(engine.infer.durable_adapter.DurableRules, "fire", inner, "durable")
        fast = engine.batch.assess_file(data, ruleset)
    if fast is not None:
        batch = fast
        clock.lap("assess")
        assess = clock.phases.pop("assess")
        clock.phases["read"] = inner.get("read", float("nan"))
        clock.phases["evaluate"] = assess - clock.phases["read"]
        keys = ("rules", "explain", "verdicts", "durable")
        split = {k: inner.get(k, float("nan")) for k in keys}
        split["finish"] = clock.phases["evaluate"] - sum(split[k] for k in keys[:3])
    else:
        counties = load_counties(data, ruleset)
        clock.lap("read")
        batch = engine.batch.assess_counties(
            counties, ruleset, engine="vector" if engine_name == "vector" else "rete"
        )
        clock.lap("evaluate")
        split = {}
    # The JSON is made as it is written: one phase.
    write_atomically(out, Streamed(lambda: batch_json_chunks(batch)), inputs=[data])
    clock.lap("json")
    return {
        "phases": clock.phases,
        "split": split,
        "total": clock.total,
        "counties": batch.summary.height,
        "fast_path": fast is not None,
        "maxrss_kib": _maxrss_kib(),
    }


def _child_stream(data: Path, out: Path) -> dict[str, Any]:
    """The command's path for a batch of any size: ``assess_path`` with streaming (above
    engine.batch.CHUNK_COUNTIES counties it assesses a chunk at a time and writes as it goes),
    and the JSON written as the command writes it; timed after the imports."""
    clock = _Clock()
    from engine.batch import Batch, Chunked
    from engine.load.ruleset import load_ruleset
    from engine.pipeline import assess_path
    from engine.report.batch import batch_json_chunks
    from engine.report.output import Streamed, write_atomically

    clock.lap("import")
    gc.freeze()  # as the command's main() does after its imports (engine/cli/app.py)
    ruleset = load_ruleset(RULESET)
    batch = assess_path(data, ruleset, batch=True, stream=True)
    assert isinstance(batch, Batch | Chunked)
    write_atomically(out, Streamed(lambda: batch_json_chunks(batch)), inputs=[data])
    clock.lap("assess")
    return {"phases": clock.phases, "total": clock.total, "maxrss_kib": _maxrss_kib()}


def _child_zen(jdm: Path, data: Path, out: Path, mode: str) -> dict[str, Any]:
    """zen-engine: the same comparisons and verdict policy as a JDM graph, every rule's status
    and margin and a verdict per county, written as JSON; no reason sentences. Values enter as
    Python floats (zen turns them into decimals)."""
    import csv

    clock = _Clock()
    import zen

    clock.lap("import")
    graph = json.loads(jdm.read_text(encoding="utf-8"))
    if mode == "batch":
        zen_engine = zen.ZenEngine({"loader": {"type": "static", "content": {"jdm": graph}}})
    else:
        decision = zen.ZenEngine().create_decision(json.dumps(graph))
    clock.lap("ruleset")
    contexts: dict[str, dict[str, dict[str, float | None]]] = {}
    with data.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            contexts.setdefault(row["county"], {})[row["indicator"]] = {
                k: float(row[k]) if row[k] else None for k in ("actual", "target")
            }
    clock.lap("read")
    if mode == "batch":
        answers = [
            a["data"]
            for a in zen_engine.evaluate_batch(
                [{"key": "jdm", "context": c} for c in contexts.values()]
            )
        ]
    else:
        answers = [decision.evaluate(c) for c in contexts.values()]
    clock.lap("evaluate")
    verdicts = [a["result"]["verdict"] for a in answers]
    own = sorted(_zen_seconds(a["performance"]) for a in answers)
    document = {
        "verdicts": dict(zip(contexts, verdicts, strict=True)),
        "rules": {
            county: a["result"]["rules"] for county, a in zip(contexts, answers, strict=True)
        },
    }
    out.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    clock.lap("write")
    return {
        "phases": clock.phases,
        "split": {"own": own[len(own) // 2]},
        "total": clock.total,
        "counties": len(verdicts),
        "maxrss_kib": _maxrss_kib(),
    }


def _decisions_written(
    clock: _Clock, summary: pl.DataFrame, per_rule: pl.DataFrame, out: Path
) -> dict[str, Any]:
    """The summary and per-rule decisions written as one JSON document (the polars and the
    decisions-only children write alike), and the child's report."""
    with out.open("wb") as handle:  # straight into the file: no document held as a string
        handle.write(b'{"summary": ')
        summary.write_json(handle)
        handle.write(b', "rules": ')
        per_rule.write_json(handle)
        handle.write(b"}")
    clock.lap("write")
    return {
        "phases": clock.phases,
        "split": {},
        "total": clock.total,
        "counties": summary.height,
        "maxrss_kib": _maxrss_kib(),
    }


def _child_polars(data: Path, out: Path) -> dict[str, Any]:
    """A hand-written polars evaluation of the same rules: every rule's status and margin (the
    actual and the target as exact decimals rounded half-up to the indicator's precision), the
    tallies and the verdict per county, written as JSON. No reasons, no validation: the floor a
    columnar evaluation of the same task sits on."""
    clock = _Clock()
    import polars as pl

    from engine.load.ruleset import load_ruleset
    from engine.model.ruleset import ExpectedSharePolicy

    clock.lap("import")
    ruleset = load_ruleset(RULESET)
    policy = ruleset.verdict_policy
    assert isinstance(policy, ExpectedSharePolicy)
    rules = pl.DataFrame(
        {
            "indicator": [i.id for i in ruleset.indicators],
            "kind": [i.kind for i in ruleset.indicators],
            "precision": [i.precision for i in ruleset.indicators],
            "higher": [i.direction == "higher" for i in ruleset.indicators],
        }
    )
    clock.lap("ruleset")
    frame = pl.read_csv(data, infer_schema=False).join(rules, on="indicator")
    clock.lap("read")
    scale = 10**6  # every precision is at most 6: integers in millionths, rounded half-up
    scaled = {}
    for name in ("actual", "target"):  # the national file's values fit 64 bits in millionths
        exact = (pl.col(name).cast(pl.Decimal(38, 12)) * scale).cast(pl.Int64)
        step = pl.lit(10, dtype=pl.Int64).pow(6 - pl.col("precision"))
        half = step // 2
        scaled[name] = (
            pl.when(exact >= 0).then((exact + half) // step).otherwise(-((-exact + half) // step))
        )
    frame = frame.with_columns(a=scaled["actual"], t=scaled["target"])
    good = (
        pl.when(pl.col("higher"))
        .then(pl.col("a") - pl.col("t"))
        .otherwise(pl.col("t") - pl.col("a"))
    )
    frame = frame.with_columns(
        status=pl.when(pl.col("a").is_null() | pl.col("t").is_null())
        .then(pl.lit("not_evaluated"))
        .when(good >= 0)
        .then(pl.lit("met"))
        .otherwise(pl.lit("not_met")),
        margin=good,
    )
    summary = frame.group_by("county", maintain_order=True).agg(
        binding_met=((pl.col("kind") == "binding") & (pl.col("status") == "met")).sum(),
        binding_total=(pl.col("kind") == "binding").sum(),
        expected_met=((pl.col("kind") == "expected") & (pl.col("status") == "met")).sum(),
        expected_total=(pl.col("kind") == "expected").sum(),
    )
    share = int(policy.expected_min_share * 100)
    summary = summary.with_columns(
        verdict=pl.when(
            (pl.col("binding_met") == pl.col("binding_total"))
            & (pl.col("expected_met") * 10_000 >= share * pl.col("expected_total"))
        )
        .then(pl.lit("PASS"))
        .otherwise(pl.lit("FAIL"))
    )
    per_rule = frame.select("county", "indicator", "status", "margin")
    clock.lap("evaluate")
    return _decisions_written(clock, summary, per_rule, out)


#: The per-rule and per-county columns the worded hand-written evaluation gives as ours does
#: (its tables are compared with ours, column by column, on every county).
WORDED_RULE_COLUMNS = (
    "county",
    "id",
    "kind",
    "status",
    "actual",
    "threshold",
    "margin",
    "completion",
    "baseline",
    "growth",
    "reason_code",
    "reason_zh",
    "reason_en",
)
WORDED_SUMMARY_COLUMNS = (
    "county",
    "verdict",
    "binding_met",
    "binding_total",
    "binding_not_evaluated",
    "expected_met",
    "expected_total",
    "expected_not_evaluated",
    "expected_share",
    "growth_over_50",
    "growth_over_100",
    "closest",
    "closest_margin",
    "closest_completion",
    "reason_codes",
    "reasons_zh",
    "reasons_en",
)


def _child_worded(data: Path, out: Path) -> dict[str, Any]:
    """A hand-written polars evaluation giving the same per-rule columns as ours (the issue's
    yardstick): every rule's status and margin, its numbers as texts at the indicator's
    precision, completion, growth and the reason in both languages (the catalogue's sentences),
    and per county the tallies, growth profile, closest rule, verdict and its reasons, written
    as JSON. All in one long table, no validation of the file, the verdict by a polars
    expression. It covers what the national ruleset uses (county targets, ≥ and ≤, no
    missing target) and says so by an assertion; the parent checks its tables equal ours."""
    clock = _Clock()
    from string import Formatter

    import polars as pl

    from engine.catalogue import REPORT
    from engine.load.ruleset import load_ruleset
    from engine.model.ruleset import ExpectedSharePolicy

    clock.lap("import")
    ruleset = load_ruleset(RULESET)
    policy = ruleset.verdict_policy
    assert isinstance(policy, ExpectedSharePolicy)
    inds = ruleset.indicators
    assert all(i.threshold.kind == "target" and i.operator in (">=", "<=") for i in inds)
    rules = pl.DataFrame(
        {
            "id": [i.id for i in inds],
            "rule_index": list(range(len(inds))),
            "kind": [i.kind for i in inds],
            "p": pl.Series([i.precision for i in inds], dtype=pl.Int64),
            "higher": [i.direction == "higher" for i in inds],
            "unit": [i.unit if i.unit in ("%", "‰") else f" {i.unit}" for i in inds],
            "op": ["≥" if i.operator == ">=" else "≤" for i in inds],
            **{
                f"label_{lang}": [
                    getattr(i.threshold.explained_label("", i.unit, i.direction), lang)
                    for i in inds
                ]
                for lang in ("zh", "en")
            },
            "name_zh": [f"{i.name.zh}({i.id})" for i in inds],
            "name_en": [f"{i.name.en} ({i.id})" for i in inds],
        }
    )
    clock.lap("ruleset")
    frame = (
        pl.read_csv(data, infer_schema=False)
        .rename({"indicator": "id"})
        .join(rules, on="id", maintain_order="left")
        .lazy()
    )
    clock.lap("read")
    step = pl.lit(10, dtype=pl.Int64).pow(6 - pl.col("p"))

    def scaled(name: str) -> pl.Expr:  # exact, half-up to the precision (values fit 64 bits)
        exact = (pl.col(name).cast(pl.Decimal(38, 12)) * 10**6).cast(pl.Int64)
        return exact.sign() * ((exact.abs() + step // 2) // step)

    def half_up(num: pl.Expr, den: pl.Expr) -> pl.Expr:
        return (num.sign() * den.sign()) * ((2 * num.abs() + den.abs()) // (2 * den.abs()))

    def text(x: pl.Expr, places: pl.Expr | int) -> pl.Expr:
        places = pl.lit(places) if isinstance(places, int) else places
        padded = x.abs().cast(pl.String).str.zfill(places + 1)
        dotted = pl.concat_str(padded.str.head(-places), pl.lit("."), padded.str.tail(places))
        body = pl.when(places == 0).then(padded).otherwise(dotted)
        return pl.concat_str(pl.when(x < 0).then(pl.lit("-")).otherwise(pl.lit("")), body)

    def fill(code: str, lang: str, params: dict[str, pl.Expr]) -> pl.Expr:
        parts = []
        for literal, name, _spec, _conv in Formatter().parse(REPORT[code][lang]):
            parts += [pl.lit(literal)] if literal else []
            parts += [params[name]] if name is not None else []
        return pl.concat_str(parts)

    a, t, b = pl.col("a"), pl.col("t"), pl.col("b")
    frame = frame.with_columns(a=scaled("actual"), t=scaled("target"), b=scaled("baseline"))
    good = pl.when(pl.col("higher")).then(a - t).otherwise(t - a)
    num = pl.when(pl.col("higher")).then(a).otherwise(t)
    den = pl.when(pl.col("higher")).then(t).otherwise(a)
    grown = pl.when(pl.col("higher")).then(a - b).otherwise(b - a)
    frame = frame.with_columns(
        status=pl.when(a.is_null())
        .then(pl.lit("not_evaluated"))
        .when(good >= 0)
        .then(pl.lit("met"))
        .otherwise(pl.lit("not_met")),
        m=good,
        c=pl.when(den != 0).then(half_up(num * 1000, den)),
        g=pl.when(b > 0).then(half_up(grown * 1000, b)),
        over_50=(b > 0) & (grown * 100 > 50 * b),
        over_100=(b > 0) & (grown * 100 > 100 * b),
    )
    p, unit = pl.col("p"), pl.col("unit")
    frame = frame.with_columns(
        actual=text(a, p),
        threshold=text(t, p),
        margin=text(pl.col("m"), p),
        completion=text(pl.col("c"), 1),
        baseline=text(b, p),
        growth=text(pl.col("g"), 1),
        margin_abs=pl.concat_str(text(pl.col("m").abs(), p), unit),
    )
    said = {
        "actual": pl.concat_str("actual", unit),
        "threshold": pl.concat_str("threshold", unit),
        "op": pl.col("op"),
        "margin": pl.col("margin_abs"),
    }
    status = pl.col("status")
    frame = frame.with_columns(
        reason_code=pl.when(status == "not_evaluated")
        .then(pl.lit("actual_missing"))
        .otherwise(status),
        **{
            f"reason_{lang}": pl.when(status == "met")
            .then(fill("met", lang, {**said, "threshold_label": pl.col(f"label_{lang}")}))
            .when(status == "not_met")
            .then(fill("not_met", lang, {**said, "threshold_label": pl.col(f"label_{lang}")}))
            .otherwise(pl.lit(REPORT["actual_missing"][lang]))
            for lang in ("zh", "en")
        },
    )
    binding, expected = pl.col("kind") == "binding", pl.col("kind") == "expected"
    summary = frame.group_by("county", maintain_order=True).agg(
        binding_met=(binding & (status == "met")).sum(),
        binding_total=binding.sum(),
        binding_not_evaluated=(binding & (status == "not_evaluated")).sum(),
        expected_met=(expected & (status == "met")).sum(),
        expected_total=expected.sum(),
        expected_not_evaluated=(expected & (status == "not_evaluated")).sum(),
        growth_over_50=pl.col("over_50").sum(),
        growth_over_100=pl.col("over_100").sum(),
        **{
            f"{what}_{lang}": pl.col(f"name_{lang}")
            .filter(binding & (status == what))
            .str.join("、" if lang == "zh" else "; ")
            for what in ("not_met", "not_evaluated")
            for lang in ("zh", "en")
        },
    )
    closest = (
        frame.filter(pl.col("c").is_not_null())
        .sort("county", "c", "rule_index", maintain_order=True)
        .group_by("county", maintain_order=True)
        .agg(
            closest=pl.col("id").first(),
            closest_margin=pl.col("margin").first(),
            closest_completion=pl.col("completion").first(),
        )
    )
    required = int(policy.expected_min_share * 100)  # hundredths of a percent
    met, total = pl.col("expected_met").cast(pl.Int64), pl.col("expected_total").cast(pl.Int64)
    share = text(half_up(met * 10_000, total), 2)
    words = {
        "binding_met": pl.col("binding_met").cast(pl.String),
        "binding_total": pl.col("binding_total").cast(pl.String),
        "expected_met": met.cast(pl.String),
        "expected_total": total.cast(pl.String),
        "share": pl.concat_str(share, pl.lit("%")),
        "required": pl.lit(f"{policy.expected_min_share}%"),
    }
    short = {
        "binding_not_met": pl.col("binding_met")
        < pl.col("binding_total") - pl.col("binding_not_evaluated"),
        "binding_not_evaluated": pl.col("binding_not_evaluated") > 0,
        "expected_share_below": (total > 0) & (met * 10_000 < required * total),
    }
    passed = ~pl.any_horizontal(short.values())
    summary = summary.with_columns(
        verdict=pl.when(passed).then(pl.lit("PASS")).otherwise(pl.lit("FAIL")),
        expected_share=pl.when(total > 0).then(share),
        reason_codes=pl.concat_list(
            pl.when(cond).then(pl.lit(code)) for code, cond in short.items()
        )
        .list.drop_nulls()
        .list.concat(
            pl.when(passed).then(pl.lit(["pass"])).otherwise(pl.lit([], pl.List(pl.String)))
        ),
        **{
            f"reasons_{lang}": pl.concat_list(
                pl.when(short["binding_not_met"]).then(
                    fill("binding_not_met", lang, {"indicators": pl.col(f"not_met_{lang}")})
                ),
                pl.when(short["binding_not_evaluated"]).then(
                    fill(
                        "binding_not_evaluated",
                        lang,
                        {"indicators": pl.col(f"not_evaluated_{lang}")},
                    )
                ),
                pl.when(short["expected_share_below"]).then(
                    fill("expected_share_below", lang, words)
                ),
                pl.when(passed).then(fill("pass", lang, words)),
            ).list.drop_nulls()
            for lang in ("zh", "en")
        },
    ).join(closest, on="county", how="left", maintain_order="left")
    summary, per_rule = pl.collect_all(
        [summary.select(WORDED_SUMMARY_COLUMNS), frame.select(WORDED_RULE_COLUMNS)]
    )
    clock.lap("evaluate")
    return _decisions_written(clock, summary, per_rule, out)


SERVE_REQUESTS = 60
SERVE_CLIENTS = (1, 8)


def _child_decide(data: Path, out: Path) -> dict[str, Any]:
    """Our engine's decisions alone, the task the decisions-only hand-written polars evaluation
    (``_child_polars``) and zen-engine do: the fast loader, the vectorised evaluator's
    outcomes (every rule's status and margin), the tallies and durable-rules' verdicts
    (engine.batch's own functions), written as the polars child writes them; no reason, no
    number worded, no full JSON. A measurement, not a path the command has: it says how much
    of our time is the explanation."""
    clock = _Clock()
    import polars as pl

    from engine.batch import _verdicts
    from engine.infer.vector import evaluate_table
    from engine.load.fast import read_fast
    from engine.load.ruleset import load_ruleset

    clock.lap("import")
    ruleset = load_ruleset(RULESET)
    clock.lap("ruleset")
    table = read_fast(data, ruleset)
    assert table is not None, "the national file takes the fast loader"
    clock.lap("read")
    outcomes = evaluate_table(ruleset, table)
    frames = outcomes.collect()
    rules = pl.concat(
        frame.select(
            "county_index",
            "status",
            "over_50",
            "over_100",
            "score_hundredths",
            margin="margin_scaled",
            growth="growth_tenths",
            id=pl.lit(ind.id),
            kind=pl.lit(ind.kind),
        )
        for ind, frame in zip(ruleset.indicators, frames, strict=True)
    )
    summary = _verdicts(ruleset, outcomes.counties, rules).select(
        "county", "binding_met", "binding_total", "expected_met", "expected_total", "verdict"
    )
    per_rule = rules.select("county_index", "id", "status", "margin")
    clock.lap("evaluate")
    return _decisions_written(clock, summary, per_rule, out)


def _child_serve() -> dict[str, Any]:
    """``assess serve``'s API under load: a real uvicorn server on loopback in this process,
    ``POST /api/assess`` of the Tianmen scenario from 1 and from 8 client threads at once; every
    answer must be the same bytes. Assessments per second, by the parent's-style wall clock."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from engine.serve.config import ServeConfig
    from engine.serve.server import bind, server

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    running: Any = server(ServeConfig(host="127.0.0.1", port=port))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not getattr(running, "started", False):
        time.sleep(0.01)
    content = (ROOT / SCENARIO).read_bytes()
    url = f"http://127.0.0.1:{port}/api/assess"

    def one(_: int) -> bytes:
        with httpx.Client(timeout=120) as client:
            answer = client.post(
                url, files={"file": ("tianmen-2022.csv", content)}, data={"ruleset": RULESET}
            )
        answer.raise_for_status()
        return answer.content

    one(0)  # warm: the ruleset compiled and registered once
    rates: dict[str, float] = {}
    answers: set[bytes] = set()
    for clients in SERVE_CLIENTS:
        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            answers |= set(pool.map(one, range(SERVE_REQUESTS)))
        rates[str(clients)] = SERVE_REQUESTS / (time.perf_counter() - start)
    running.should_exit = True
    thread.join(20)
    return {
        "phases": {},
        "split": rates,
        "total": 0.0,
        "same": len(answers) == 1,
        "maxrss_kib": _maxrss_kib(),
    }


def _zen_seconds(text: str) -> float:
    """zen's own timing of one evaluation ("452.4µs", "1.2ms") in seconds."""
    number = float(re.match(r"[0-9.]+", text)[0])  # type: ignore[index]
    units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    return number * units[text.lstrip("0123456789.")]


def zen_graph() -> dict[str, Any]:
    """The provincial-2021 thresholds and verdict policy as a JDM decision graph: an expression
    node giving every rule's status (met, not met, not evaluated when a value is missing) and
    margin (the actual rounded to the indicator's precision against the county's own target,
    in the good direction), one counting the binding and expected rules met, and a first-hit
    table deciding the verdict (passing the rules through)."""
    from engine.load.ruleset import load_ruleset
    from engine.model.ruleset import ExpectedSharePolicy, TargetThreshold

    ruleset = load_ruleset(RULESET)
    policy = ruleset.verdict_policy
    assert isinstance(policy, ExpectedSharePolicy)
    assert all(isinstance(i.threshold, TargetThreshold) for i in ruleset.indicators)

    def rounded(ind_id: str, column: str, places: int) -> str:
        return f"round({ind_id}.{column}, {places})"

    expressions = []
    for ind in ruleset.indicators:
        a, t = rounded(ind.id, "actual", ind.precision), rounded(ind.id, "target", ind.precision)
        missing = f"{ind.id}.actual == null or {ind.id}.target == null"
        operator = ">=" if ind.direction == "higher" else "<="
        margin = f"{a} - {t}" if ind.direction == "higher" else f"{t} - {a}"
        expressions += [
            {
                "id": f"status_{ind.id}",
                "key": f"{ind.id}_status",
                "value": f"{missing} ? 'not_evaluated' : ({a} {operator} {t} ? 'met' : 'not_met')",
            },
            {
                "id": f"margin_{ind.id}",
                "key": f"{ind.id}_margin",
                "value": f"{missing} ? null : {margin}",
            },
        ]

    def met(kind: str) -> str:
        statuses = ", ".join(
            f"$nodes.rules.{i.id}_status" for i in ruleset.indicators if i.kind == kind
        )
        return f"len(filter([{statuses}], # == 'met'))"

    binding = sum(i.kind == "binding" for i in ruleset.indicators)
    expected = len(ruleset.indicators) - binding
    at = {"x": 0, "y": 0}
    nodes = [
        {"id": "request", "type": "inputNode", "name": "Request", "position": at},
        {
            "id": "rules",
            "type": "expressionNode",
            "name": "rules",
            "position": at,
            "content": {"expressions": expressions},
        },
        {
            "id": "tally",
            "type": "expressionNode",
            "name": "tally",
            "position": at,
            "content": {
                "expressions": [
                    {"id": "binding_met", "key": "binding_met", "value": met("binding")},
                    {"id": "expected_met", "key": "expected_met", "value": met("expected")},
                    {"id": "rules", "key": "rules", "value": "$nodes.rules"},
                ]
            },
        },
        {
            "id": "verdict",
            "type": "decisionTableNode",
            "name": "verdict",
            "position": at,
            "content": {
                "hitPolicy": "first",
                "passThrough": True,
                "inputs": [
                    {"id": "binding", "name": "binding met", "field": "binding_met"},
                    {
                        "id": "share",
                        "name": "expected share",
                        "field": f"expected_met * 100 / {expected}",
                    },
                ],
                "outputs": [{"id": "verdict", "name": "verdict", "field": "verdict"}],
                "rules": [
                    {
                        "_id": "pass",
                        "binding": str(binding),
                        "share": f">= {policy.expected_min_share}",
                        "verdict": '"PASS"',
                    },
                    {"_id": "fail", "binding": "", "share": "", "verdict": '"FAIL"'},
                ],
            },
        },
        {"id": "response", "type": "outputNode", "name": "Response", "position": at},
    ]
    chain = [n["id"] for n in nodes]
    edges = [
        {"id": f"edge_{a}", "sourceId": a, "targetId": b, "type": "edge"}
        for a, b in itertools.pairwise(chain)
    ]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def _child(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "zen":
        report = _child_zen(Path(rest[0]), Path(rest[1]), Path(rest[2]), rest[3])
    elif kind == "polars":
        report = _child_polars(Path(rest[0]), Path(rest[1]))
    elif kind == "worded":
        report = _child_worded(Path(rest[0]), Path(rest[1]))
    elif kind == "serve":
        report = _child_serve()
    elif kind == "decide":
        report = _child_decide(Path(rest[0]), Path(rest[1]))
    elif kind == "stream":
        report = _child_stream(Path(rest[0]), Path(rest[1]))
    else:
        report = _child_ours(kind, Path(rest[0]), Path(rest[1]))
    print(json.dumps(report))


# -- the parent: running, collecting, reporting ---------------------------------------------------


@dataclass
class Sample:
    wall: float  # seconds, measured by the parent around the child's whole life
    maxrss_kib: int  # the child's peak resident set (wait4)
    report: dict[str, Any] = field(default_factory=dict)  # the child's own JSON, if any


def run(cmd: list[str], *, ok: tuple[int, ...] = (0, 1)) -> Sample:
    """Run a command to completion; its wall time, peak memory and JSON report."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode not in ok:
        raise SystemExit(f"benchmark: {shlex.join(cmd)} exited {proc.returncode}:\n{stderr}")
    report: dict[str, Any] = {}
    if stdout.startswith("{"):
        report = json.loads(stdout.splitlines()[-1])
    return Sample(wall=wall, maxrss_kib=usage.ru_maxrss, report=report)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Series:
    """The samples of one measured thing."""

    label: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def wall(self) -> float:
        return median(self.walls)

    @property
    def wall_min(self) -> float:
        return min(self.walls) if self.samples else float("nan")

    @property
    def peak_mib(self) -> float:
        return max(s.maxrss_kib for s in self.samples) / 1024 if self.samples else float("nan")

    def phase(self, name: str, key: str = "phases") -> float:
        return median(
            [s.report[key].get(name, float("nan")) for s in self.samples if s.report.get(key)]
        )

    def after_imports(self) -> list[float]:
        """In-process time after the imports: ruleset, read, evaluate, JSON, write."""
        return [s.report["total"] - s.report["phases"]["import"] for s in self.samples]


def _fmt_s(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds:.3f}"


def _fmt_ms(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds * 1000:,.0f}"


def _fmt_us(seconds: float, n: int) -> str:
    return "—" if seconds != seconds else f"{seconds / n * 1e6:,.0f}"


def _fmt_x(ratio: float) -> str:
    return "—" if ratio != ratio else f"{ratio:.2f}×"


def _met(ok: bool) -> str:
    return "**yes**" if ok else "**no**"


def _machine() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for dist in ("county-assess", "polars", "durable-rules", "pydantic", "click", "zen-engine"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return [
        f"- Machine: {platform.platform()}; CPU: {cpu}; {os.cpu_count()} cores "
        f"({usable} usable); memory {memory}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}); "
        + ", ".join(versions),
    ]


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _import_profile(assess: Path) -> tuple[list[tuple[int, int, int, str]], float]:
    """``python -X importtime`` of the single-county command: (self µs, cumulative µs, depth,
    module) for every import, and the wall time of that run."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(assess), SCENARIO, "--ruleset", RULESET],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m:
            rows.append((int(m[1]), int(m[2]), len(m[3]) // 2, m[4]))
    return rows, wall


@dataclass
class Plan:
    repeat: int
    batch: int
    scaling: tuple[int, ...]
    quick: bool
    zen: bool
    tmp: Path
    files: dict[int, Path] = field(default_factory=dict)


def _assess_script() -> Path:
    """The ``assess`` console script of this interpreter's environment."""
    beside = Path(sys.executable).with_name("assess")
    found = beside if beside.exists() else shutil.which("assess")
    if found is None:
        raise SystemExit("benchmark: no `assess` command; pip install -e . first")
    return Path(found)


def _measure(plan: Plan) -> dict[str, Series]:
    assess = _assess_script()
    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    national = plan.files[plan.batch]
    out = plan.tmp / "out"
    out.mkdir()
    jobs: dict[str, list[str]] = {
        f"cli-{e}": [
            str(assess),
            str(national),
            "--ruleset",
            RULESET,
            "--format",
            "json",
            "--engine",
            e,
            "--output",
            str(out / f"{e}.json"),
        ]
        for e in ENGINES
    }
    jobs |= {f"lib-{e}": [*me, e, str(national), str(out / f"lib-{e}.json")] for e in ENGINES}
    jobs["lib-polars"] = [*me, "polars", str(national), str(out / "polars.json")]
    jobs["lib-worded"] = [*me, "worded", str(national), str(out / "worded.json")]
    jobs["lib-decide"] = [*me, "decide", str(national), str(out / "decide.json")]
    jobs["serve"] = [*me, "serve"]
    jobs |= {
        f"cli-{fmt}": [
            str(assess),
            str(national),
            "--ruleset",
            RULESET,
            "--format",
            fmt,
            "--output",
            str(out / f"national.{fmt}"),
        ]
        for fmt in ("ndjson", "parquet")
    }
    if plan.zen:
        jdm = plan.tmp / "provincial-2021.jdm.json"
        jdm.write_text(json.dumps(zen_graph(), ensure_ascii=False, indent=1), encoding="utf-8")
        jobs |= {
            f"zen-{mode}": [
                *me,
                "zen",
                str(jdm),
                str(national),
                str(out / f"zen-{mode}.json"),
                mode,
            ]
            for mode in ZEN_MODES
        }
    jobs |= {  # the command's path in process: above 10,000 counties it streams
        f"scale-{size}": [*me, "stream", str(plan.files[size]), str(out / f"scale-{size}.json")]
        for size in (plan.batch, *plan.scaling)
    }
    single = [str(assess), SCENARIO, "--ruleset", RULESET]
    bare = [sys.executable, "-c", BARE_IMPORT]
    floor = [sys.executable, "-c", LIBRARY_FLOOR]
    series = {name: Series(name) for name in [*jobs, "single-cli", "single-import", "single-floor"]}

    print("warming up (not counted)", file=sys.stderr)
    for cmd in (single, bare, jobs["cli-vector"]):
        run(cmd)
    names = list(jobs)
    for i in range(plan.repeat):
        order = names[i % len(names) :] + names[: i % len(names)]  # rotate: no fixed position
        for name in order:
            print(f"[{i + 1}/{plan.repeat}] {name}", file=sys.stderr)
            series[name].samples.append(run(jobs[name]))
            # the cheap single-county pair after every other job, in alternating order
            pair = [("single-cli", single), ("single-import", bare), ("single-floor", floor)]
            for key, cmd in pair if (i + len(series["single-cli"].samples)) % 2 else pair[::-1]:
                series[key].samples.append(run(cmd))
    return series


def _same_results(out: Path) -> bool:
    vector, rete = (out / "vector.json").read_bytes(), (out / "rete.json").read_bytes()
    return rete.replace(b'"engine": "rete"', b'"engine": "vector"', 1) == vector


def _worded_agreement(out: Path) -> bool:
    """Whether the worded hand-written evaluation's tables equal ours, column for column (its
    columns: WORDED_RULE_COLUMNS, WORDED_SUMMARY_COLUMNS), on every county and rule."""
    ours = json.loads((out / "vector.json").read_text(encoding="utf-8"))
    theirs = json.loads((out / "worded.json").read_text(encoding="utf-8"))

    def rows(document: dict[str, Any], key: str, columns: tuple[str, ...]) -> list[str]:
        return sorted(
            json.dumps([r[c] for c in columns], ensure_ascii=False) for r in document[key]
        )

    return all(
        rows(ours, key, columns) == rows(theirs, key, columns)
        for key, columns in (("rules", WORDED_RULE_COLUMNS), ("summary", WORDED_SUMMARY_COLUMNS))
    )


def _zen_agreement(out: Path, mode: str) -> tuple[int, int]:
    ours = {
        r["county"]: r["verdict"]
        for r in json.loads((out / "vector.json").read_text(encoding="utf-8"))["summary"]
    }
    theirs = json.loads((out / f"zen-{mode}.json").read_text(encoding="utf-8"))["verdicts"]
    return sum(ours.get(k) == v for k, v in theirs.items()), len(ours)


def _report(
    plan: Plan,
    series: dict[str, Series],
    command: str,
    started: str,
    load: tuple[str, str],
    imports: tuple[list[tuple[int, int, int, str]], float],
    zen_note: str,
) -> str:
    n = plan.batch
    out = plan.tmp / "out"
    s = series
    lines: list[str] = [MARKER, "", "## Results", ""]
    if plan.quick:
        lines += [
            "> **Quick smoke run** (`--quick`): reduced sizes, one repeat. These numbers "
            "are not for the record; regenerate without `--quick`.",
            "",
        ]
    lines += [
        f"- Command: `{command}` (from the repository root)",
        f"- Date: {started}; {plan.repeat} run{'s' if plan.repeat > 1 else ''} of each "
        f"(the single-county pair {len(s['single-cli'].samples)}); load average (1, 5, 15 "
        f"min) {load[0]} before, {load[1]} after (this run's own work included)",
        *_machine(),
        "",
    ]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with contextlib.suppress(ValueError, IndexError):
        # the load after includes this benchmark's own processes; the minute before it does not
        before = float(load[0].split()[0])
        if cores and before > cores / 2:
            lines += [
                f"> The machine was busy when this run started (load average {before:.2f} "
                f"over the last minute, on {cores} cores): absolute times are inflated and "
                f"vary from run to run (see the raw samples); the ratios, taken from the "
                f"same interleaved run, are the steadier figures.",
                "",
            ]

    vec_after = median(s["lib-vector"].after_imports())
    rete_after = median(s["lib-rete"].after_imports())
    polars_after = median(s["lib-polars"].after_imports())
    worded_after = median(s["lib-worded"].after_imports())
    decide_after = median(s["lib-decide"].after_imports())
    zen_after = median(s["zen-batch"].after_imports()) if plan.zen else float("nan")
    cli_ratio = s["cli-rete"].wall / s["cli-vector"].wall
    lib_ratio = rete_after / vec_after
    national_ratio = s["cli-vector"].wall / s["single-import"].wall
    worded_ratio = vec_after / worded_after
    zen_ratio = vec_after / zen_after
    sizes = [n, *plan.scaling]
    per_county = {size: median(s[f"scale-{size}"].after_imports()) / size for size in sizes}
    flat = max(per_county.values()) / min(per_county.values())
    single_ratio = s["single-cli"].wall / s["single-import"].wall
    big = plan.scaling[-1]
    big_peak = s[f"scale-{big}"].peak_mib

    lines += [
        "### Goals",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
        f"| national batch ({n:,} counties, every rule explained, JSON to a file), `assess` "
        f"end to end ÷ the bare import ≤ {GOAL_NATIONAL_RATIO}× | {_fmt_x(national_ratio)} "
        f"({s['cli-vector'].wall:.3f} s ÷ {s['single-import'].wall:.3f} s) | "
        f"{_met(national_ratio <= GOAL_NATIONAL_RATIO)} |",
        "| the same in process (CSV → per-rule status, margin, verdicts; ours also every "
        "reason and the full JSON) ahead of zen-engine's `evaluate_batch` | "
        + (
            f"{_fmt_x(zen_ratio)} ({vec_after:.3f} s ÷ {zen_after:.3f} s) | "
            f"{_met(zen_ratio < GOAL_ZEN_RATIO)} |"
            if plan.zen
            else "not measured (zen-engine not installed) | — |"
        ),
        f"| the same in process within {GOAL_POLARS_RATIO}× of a hand-written polars "
        f"evaluation giving the same per-rule columns (status, margin, every number as text, "
        f"the reason in both languages; the verdicts and their reasons) | "
        f"{_fmt_x(worded_ratio)} ({vec_after:.3f} s ÷ {worded_after:.3f} s) | "
        f"{_met(worded_ratio <= GOAL_POLARS_RATIO)} |",
        f"| one county (Tianmen), `assess` end to end ÷ the bare import ≤ {GOAL_SINGLE}× | "
        f"{_fmt_x(single_ratio)} | {_met(single_ratio <= GOAL_SINGLE)} |",
        f"| {big:,} counties, JSON, peak ≤ {GOAL_PEAK_MIB / 1024:.1f} GiB | "
        f"{big_peak:,.0f} MiB | {_met(big_peak <= GOAL_PEAK_MIB)} |",
        f"| time per county flat within {GOAL_FLAT}× ({', '.join(f'{x:,}' for x in sizes)} "
        f"counties, the command's path in process, after the imports) | {_fmt_x(flat)} | "
        f"{_met(flat <= GOAL_FLAT)} |",
        "",
        f"The hand-written polars evaluation (`_child_worded` in tests/benchmark.py: one "
        f"long table, the file not checked, the verdict a polars expression) gives the same "
        f"per-rule and per-county columns as ours: its tables equal ours on every county and "
        f"rule: {'yes' if _worded_agreement(out) else '**NO**'}. zen-engine does less than "
        f"ours: per rule a status and a margin, and a verdict; no texts. The decisions alone, "
        f"side by side: ours (the fast loader, every rule's status and margin, the tallies "
        f"and durable-rules' verdicts, written as the polars evaluations write: "
        f"`_child_decide`) {decide_after:.3f} s after the imports; a hand-written polars "
        f"evaluation of the decisions alone (`_child_polars`) {polars_after:.3f} s: ours "
        f"{_fmt_x(decide_after / polars_after)}"
        + (f", and {_fmt_x(decide_after / zen_after)} zen-engine." if plan.zen else "."),
        "",
    ]

    lines += [
        f"### Batch: {n:,} counties × 28 indicators, every rule explained, JSON",
        "",
        "| engine | what is timed | median s | min s | µs per county | peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    rows = [
        ("vector", "`assess` end to end", s["cli-vector"].walls, s["cli-vector"]),
        ("rete (durable-rules)", "`assess` end to end", s["cli-rete"].walls, s["cli-rete"]),
        (
            "vector",
            "in-process, after the imports",
            s["lib-vector"].after_imports(),
            s["lib-vector"],
        ),
        (
            "rete (durable-rules)",
            "in-process, after the imports",
            s["lib-rete"].after_imports(),
            s["lib-rete"],
        ),
    ]
    for engine_name, what, values, ser in rows:
        lines.append(
            f"| {engine_name} | {what} | {_fmt_s(median(values))} | "
            f"{_fmt_s(min(values))} | {_fmt_us(median(values), n)} | "
            f"{ser.peak_mib:,.0f} |"
        )
    lines += [
        "",
        f"Rete ÷ vector: {_fmt_x(cli_ratio)} end to end, {_fmt_x(lib_ratio)} after "
        f"the imports. The two JSON documents are identical but for the engine's name: "
        f"{'yes' if _same_results(out) else '**NO**'}.",
        "",
    ]
    phases = ("import", "ruleset", "read", "evaluate", "json")
    lines += [
        'In-process phases (medians, ms; "start/exit" is the child\'s wall time minus '
        "what it measured: interpreter start-up and shutdown):",
        "",
        "| engine | start/exit | " + " | ".join(phases) + " | wall |",
        "|---|" + "---:|" * (len(phases) + 2),
    ]
    for key in ("lib-vector", "lib-rete"):
        ser = s[key]
        startup = median([x.wall - x.report["total"] for x in ser.samples])
        lines.append(
            f"| {key[4:]} | {_fmt_ms(startup)} | "
            + " | ".join(_fmt_ms(ser.phase(p)) for p in phases)
            + f" | {_fmt_ms(ser.wall)} |"
        )
    vec = s["lib-vector"]
    fast = all(x.report.get("fast_path") for x in vec.samples)
    durable = vec.phase("durable", "split")
    lines += [
        "",
        f'Vector "evaluate" splits into building every rule of every county in polars '
        f"{_fmt_ms(vec.phase('rules', 'split'))} ms (lazily); computing and wording them "
        f"(one collect) {_fmt_ms(vec.phase('explain', 'split'))} ms; the verdicts "
        f"{_fmt_ms(vec.phase('verdicts', 'split'))} ms (tallies in polars, one durable-rules "
        f"session per distinct summary fact: {_fmt_ms(durable)} ms in all, and the reasons "
        f"joined back); the final tables' assembly {_fmt_ms(vec.phase('finish', 'split'))} ms. "
        '"json" writes the JSON as it is made (streamed from polars). The vector run '
        + (
            "read the file with the fast loader."
            if fast
            else "**did not** take the fast loader (the general loader read the file)."
        ),
        "",
    ]

    lines += [
        "### Scaling: the command's path, vector engine",
        "",
        f"Each size in a fresh process, through `engine.pipeline.assess_path` as the command "
        f"calls it, JSON written as the command writes it (`_child_stream`). Above "
        f"{10_000:,} counties it streams: it assesses {10_000:,} counties at a time and writes "
        'as it goes (engine.batch.Chunked), so memory stays bounded. "µs per county" is the '
        "time after the imports divided by the counties.",
        "",
        "| counties | CSV MiB | wall median s | after the imports s | µs per county "
        "| peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        ser = s[f"scale-{size}"]
        mib = plan.files[size].stat().st_size / 2**20
        lines.append(
            f"| {size:,} | {mib:,.1f} | {_fmt_s(ser.wall)} | "
            f"{_fmt_s(median(ser.after_imports()))} | "
            f"{per_county[size] * 1e6:,.0f} | {ser.peak_mib:,.0f} |"
        )
    rete_each = rete_after / n
    lines += [
        "",
        f"Time per county, slowest ÷ fastest: {_fmt_x(flat)}. The rete engine is not run at "
        f"these sizes: at {rete_each * 1000:,.1f} ms a county (the batch above), "
        f"{plan.scaling[0]:,} counties would take about {rete_each * plan.scaling[0]:,.0f} s.",
        "",
        "### Other batch formats (national file, `assess` end to end)",
        "",
        "| format | median s | peak RSS MiB |",
        "|---|---:|---:|",
        f"| JSON | {_fmt_s(s['cli-vector'].wall)} | {s['cli-vector'].peak_mib:,.0f} |",
        f"| NDJSON (a county a line) | {_fmt_s(s['cli-ndjson'].wall)} | "
        f"{s['cli-ndjson'].peak_mib:,.0f} |",
        f"| Parquet (summary, and the rules beside it) | {_fmt_s(s['cli-parquet'].wall)} | "
        f"{s['cli-parquet'].peak_mib:,.0f} |",
        "",
        f"The hand-written polars evaluations, in process after their imports: giving the "
        f"same columns as ours (`_child_worded`) {worded_after:.3f} s, ours {vec_after:.3f} s "
        f"({_fmt_x(worded_ratio)}); the decisions alone (`_child_polars`) "
        f"{polars_after:.3f} s, ours {decide_after:.3f} s "
        f"({_fmt_x(decide_after / polars_after)}).",
        "",
    ]

    imp_rows, imp_wall = imports
    top_level = sum(c for _, c, depth, _ in imp_rows if depth == 0) / 1e6
    lines += [
        "### Single county",
        "",
        "| command | median s | min s | peak RSS MiB |",
        "|---|---:|---:|---:|",
        f"| `assess {SCENARIO} --ruleset {RULESET}` | {_fmt_s(s['single-cli'].wall)} | "
        f"{_fmt_s(s['single-cli'].wall_min)} | {s['single-cli'].peak_mib:,.0f} |",
        f'| `python -c "{BARE_IMPORT}"` | {_fmt_s(s["single-import"].wall)} | '
        f"{_fmt_s(s['single-import'].wall_min)} | {s['single-import'].peak_mib:,.0f} |",
        f"| the same libraries, each used once (a pydantic model validated, a rich table "
        f"printed: `LIBRARY_FLOOR` in tests/benchmark.py) | {_fmt_s(s['single-floor'].wall)} | "
        f"{_fmt_s(s['single-floor'].wall_min)} | {s['single-floor'].peak_mib:,.0f} |",
        "",
        f"Ratio: {_fmt_x(single_ratio)} (goal ≤ {GOAL_SINGLE}×). The libraries used once "
        f"take {_fmt_x(s['single-floor'].wall / s['single-import'].wall)} the bare import; "
        f"the command takes {_fmt_x(s['single-cli'].wall / s['single-floor'].wall)} the "
        f"libraries used once.",
        "",
        f"Where the command's time goes (`python -X importtime`, one run of "
        f"{imp_wall:.2f} s, of which importing takes {top_level:.2f} s; the rest is "
        f"interpreter start-up and the assessment itself).",
        "",
        "Import time by package (each module's own time, summed over the package), the "
        "ten largest:",
        "",
        "| package | ms |",
        "|---|---:|",
    ]
    by_package: dict[str, int] = {}
    for self_us, _, _, module in imp_rows:
        root = module.split(".")[0]
        by_package[root] = by_package.get(root, 0) + self_us
    for package, self_us in sorted(by_package.items(), key=lambda kv: -kv[1])[:10]:
        lines.append(f"| `{package}` | {self_us / 1000:,.0f} |")
    lines += [
        "",
        "The ten largest imports at the first two levels (the command's own imports, "
        "and theirs), cumulative: with everything they import:",
        "",
        "| module | imported by | cumulative ms | own ms |",
        "|---|---|---:|---:|",
    ]
    parents: list[str] = []  # -X importtime prints a module after everything it imports
    for i, (_, _, depth, _) in enumerate(imp_rows):
        parents.append(next((m for _, _, d, m in imp_rows[i + 1 :] if d < depth), ""))
    direct = [(*row, parent) for row, parent in zip(imp_rows, parents, strict=True) if row[2] <= 1]
    for self_us, cumulative, _, module, parent in sorted(direct, key=lambda r: -r[1])[:10]:
        lines.append(
            f"| `{module}` | {f'`{parent}`' if parent else 'the command'} | "
            f"{cumulative / 1000:,.0f} | {self_us / 1000:,.0f} |"
        )
    lines.append("")

    lines += ["### Peer: zen-engine", ""]
    if not plan.zen:
        lines += [zen_note, ""]
    else:
        lines += [
            "| zen-engine | median s (after the import) | min s | evaluate only, "
            "µs per county | zen's own µs per evaluation | wall s | peak RSS MiB | "
            "verdicts equal to ours |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for mode, what in (("batch", "`evaluate_batch`, all counties (native threads)"),):
            ser = s[f"zen-{mode}"]
            agree, total = _zen_agreement(out, mode)
            lines.append(
                f"| {what} | {_fmt_s(median(ser.after_imports()))} | "
                f"{_fmt_s(min(ser.after_imports()))} | "
                f"{_fmt_us(ser.phase('evaluate'), n)} | "
                f"{_fmt_us(ser.phase('own', 'split'), 1)} | {_fmt_s(ser.wall)} | "
                f"{ser.peak_mib:,.0f} | {agree:,} of {total:,} |"
            )
        lines += [
            "",
            '"zen\'s own" is the median of the `performance` field zen returns '
            "with each result: the time inside the engine, without the Python binding's "
            "conversions. `evaluate_batch` spreads the counties over native threads, so "
            "its per-county time is not one core's.",
            "",
            f"For comparison, our vector engine evaluates the same counties in "
            f"{_fmt_us(vec.phase('evaluate'), n)} µs per county (rules, verdicts and "
            f"tables, every explanation included) and the rete engine in "
            f"{_fmt_us(s['lib-rete'].phase('evaluate'), n)} µs.",
            "",
            zen_note,
            "",
        ]

    serve = s["serve"]
    same = all(x.report.get("same") for x in serve.samples)
    lines += [
        "### The web page's API under load (`assess serve`)",
        "",
        f"`POST /api/assess` of `{SCENARIO}` against a real uvicorn server on loopback, "
        f"{SERVE_REQUESTS} requests from each number of client threads (`_child_serve`); "
        f"every answer identical: {'yes' if same else '**NO**'}.",
        "",
        "| clients at once | assessments per second (median) |",
        "|---:|---:|",
        *(f"| {c} | {serve.phase(str(c), 'split'):,.1f} |" for c in SERVE_CLIENTS),
        "",
    ]

    lines += ["### Raw samples (seconds, in the order run)", ""]
    for key, ser in s.items():
        lines.append(f"- {key}: " + ", ".join(f"{w:.3f}" for w in ser.walls))
    lines.append("")
    return "\n".join(lines)


ZEN_DOES = """\
What the peer does: the same 28 comparisons (each actual value against the county's own target,
both rounded to the indicator's precision with zen's `round`, `>=` or `<=` by the indicator's
direction), giving every rule's status (met, not met, or not evaluated when a value is missing)
and margin in one expression node, an expression node counting the binding and expected rules
met, and a *first*-hit table applying the verdict policy (all 8 binding, at least 80 % of the 20
expected); every county's statuses, margins and verdict are written as JSON. The graph is built
from `rulesets/provincial-2021.yaml` by `zen_graph()` in `tests/benchmark.py`; the CSV is read
with Python's `csv` module.

What it does not do: no completion, growth or reason sentences, no validation (units, number
syntax, duplicates). Values enter as Python floats, which zen converts to its decimals
(arithmetic in zen is decimal, but the input passes through binary floating point; our engines
never do), and its margins come back as floats. Its statuses and verdicts agree with ours on
every county of the national file (checked below)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help=f"runs of each measured thing (default {FULL.repeat}; the cheap "
        "single-county pair runs after every other measurement)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: small files, one repeat; not for the record",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "docs" / "performance.md",
        help="the Markdown document to (re)write (default docs/performance.md)",
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return

    sys.path.insert(0, str(ROOT))  # tests.national.make
    from tests.national.make import write_national

    preset = QUICK if args.quick else FULL
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python " + shlex.join([os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    load_before = _loadavg()
    try:
        import zen  # noqa: F401

        zen_ok, zen_note = True, ZEN_DOES
    except ImportError:
        zen_ok = False
        zen_note = (
            "zen-engine is not installed in this environment, so the peer was not "
            "measured (`pip install -e '.[bench]'` installs it)."
        )
        print(f"benchmark: {zen_note}", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="county-bench-") as tmp_name:
        plan = Plan(
            repeat=args.repeat or preset.repeat,
            batch=preset.batch,
            scaling=preset.scaling,
            quick=args.quick,
            zen=zen_ok,
            tmp=Path(tmp_name),
        )
        for size in (plan.batch, *plan.scaling):
            print(f"writing {size:,} synthetic counties", file=sys.stderr)
            plan.files[size] = write_national(plan.tmp / f"national-{size}.csv", size)
        series = _measure(plan)
        imports = _import_profile(_assess_script())
        text = _report(plan, series, command, started, (load_before, _loadavg()), imports, zen_note)

    intro = INTRO
    if args.output.exists():
        previous = args.output.read_text(encoding="utf-8")
        if MARKER in previous:
            intro = previous.split(MARKER, 1)[0].rstrip("\n") + "\n"
    args.output.write_text(f"{intro}\n{text}", encoding="utf-8")
    print(text)
    print(f"written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
