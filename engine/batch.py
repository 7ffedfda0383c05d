"""Batch assessment: every county of a multi-county file, by either evaluator.

An evaluator (:mod:`engine.infer.evaluator`: ``"vector"``, every rule for every county at once
in polars, or ``"rete"``, durable-rules county by county) decides every rule;
:mod:`engine.explain.vector` words the outcomes, in one collect; the tallies are polars
aggregations of that table, and durable-rules decides every county's verdict from one summary
fact (:func:`engine.infer.run.decide_verdict`), whichever evaluator ran. Both evaluators give the
same two tables.

Which evaluator and which loader a file gets is :func:`engine.pipeline.assess_path`'s choice;
:func:`assess_batch` makes the same one for a file that is always a batch.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from engine.compile.rules import compile_ruleset
from engine.decimals import decimals_of
from engine.errors import DataError, RuleEngineError
from engine.explain.result import share_of, verdict_reasons
from engine.explain.vector import EXPLAINED_COLUMNS, explain
from engine.infer.evaluator import (
    TALLY_COUNTS,
    EvaluatorUnsupported,
    Outcomes,
    Tally,
    evaluator,
    make_tally,
)
from engine.infer.evaluator import Advance as Advance
from engine.infer.evaluator import Engine as Engine
from engine.infer.run import Verdict, decide_verdict, verdict_fact
from engine.load.county import ReadOptions
from engine.load.fast import FastTable, read_fast
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData
from engine.model.ruleset import Ruleset
from engine.pipeline import References, assess_path, with_given_references

#: Per-rule columns, in order; numbers are texts exactly as the single-county JSON prints them.
RULE_COLUMNS = ("county", "year", *EXPLAINED_COLUMNS[: EXPLAINED_COLUMNS.index("over_50")])


@dataclass(frozen=True)
class Batch:
    """The assessment of many counties: a row per county (``summary``, in input order) and a row
    per county and rule (``rules``)."""

    ruleset: Ruleset
    engine: Engine
    summary: pl.DataFrame
    rules: pl.DataFrame

    @property
    def all_pass(self) -> bool:
        return bool((self.summary["verdict"] == "PASS").all())


def _tallies(ruleset: Ruleset, rules: pl.DataFrame) -> pl.DataFrame:
    """Per county, the tally's counts (engine.infer.evaluator.TALLY_COUNTS), the growth profile
    and, for a scored policy, the weighted score sum."""
    status, kind = pl.col("status"), pl.col("kind")
    aggregates = [
        ((pl.lit(True) if of is None else kind == of) & status.is_in(list(statuses)))
        .sum()
        .alias(name)
        for name, (of, statuses) in TALLY_COUNTS.items()
    ]
    aggregates += [
        pl.col("over_50").sum().alias("growth_over_50"),
        pl.col("over_100").sum().alias("growth_over_100"),
        (pl.col("growth").is_not_null() & (status != "not_applicable"))
        .sum()
        .alias("growth_evaluated"),
    ]
    if ruleset.scored:
        weights = {
            ind.id: ind.weight if ind.weight is not None else Decimal(1)
            for ind in ruleset.indicators
        }
        places = max(decimals_of(w) for w in weights.values())
        scaled = {k: int(w.scaleb(places)) for k, w in weights.items()}
        w = pl.col("id").replace_strict(scaled, return_dtype=pl.Int128)
        s = pl.col("score_hundredths")
        aggregates += [
            (w * s).filter(s.is_not_null()).sum().alias("weighted"),
            w.filter(s.is_not_null()).sum().alias("weight_total"),
        ]
    return rules.group_by("county_index", maintain_order=True).agg(aggregates).sort("county_index")


def _score_hundredths() -> pl.Expr:
    """Weighted mean of scores held in hundredths, rounded half-up to hundredths (both sums
    are ≥ 0; no weight at all scores 0)."""
    weighted, total = pl.col("weighted"), pl.col("weight_total")
    return (
        pl.when(total == 0)
        .then(pl.lit(0, dtype=pl.Int128))
        .otherwise((2 * weighted + total) // (2 * total))
    )


#: What decides a county's verdict and its reasons: its tally (with the score), and which
#: binding rules are not met or not evaluated. Counties with the same case share both.
_CASE = (*TALLY_COUNTS, "score_hundredths", "binding_not_met_ids", "binding_not_evaluated_ids")


def _cases(ruleset: Ruleset, rules: pl.DataFrame) -> pl.DataFrame:
    """Per county (in order): its tally, growth profile and case columns, all in polars."""
    tallies = _tallies(ruleset, rules)
    if ruleset.scored:
        tallies = tallies.with_columns(score_hundredths=_score_hundredths())
    else:
        tallies = tallies.with_columns(score_hundredths=pl.lit(None, dtype=pl.Int128))
    binding = rules.filter(pl.col("kind") == "binding")
    short = binding.group_by("county_index").agg(
        binding_not_met_ids=pl.col("id").filter(pl.col("status") == "not_met"),
        binding_not_evaluated_ids=pl.col("id").filter(pl.col("status") == "not_evaluated"),
    )
    empty = pl.lit([], dtype=pl.List(pl.String))
    return tallies.join(short, on="county_index", how="left", maintain_order="left").with_columns(
        pl.col("binding_not_met_ids").fill_null(empty),
        pl.col("binding_not_evaluated_ids").fill_null(empty),
    )


def _decide(ruleset: Ruleset, cases: pl.DataFrame, *, per_county: bool) -> tuple[pl.DataFrame, int]:
    """Each distinct case's verdict, decided by durable-rules, and its reasons; and how many
    verdict sessions ran. The verdict rules see nothing but the summary fact's integers, so
    durable-rules decides each distinct fact once, and the counties that share it take its
    decision; with ``per_county`` (the rete evaluator) it decides every county's fact in a
    session of its own, and a fact decided two ways is an error."""
    compiled = compile_ruleset(ruleset)
    binding = {i.id: i for i in ruleset.indicators if i.kind == "binding"}
    decided: dict[tuple[int, ...], Verdict] = {}  # verdict fact → durable-rules' verdict
    sessions = 0
    if per_county:
        for row in cases.select(_CASE).iter_rows(named=True):
            tally = _tally_of(ruleset, row)
            verdict = decide_verdict(compiled, tally)
            sessions += 1
            fact = tuple(verdict_fact(tally).values())
            if decided.setdefault(fact, verdict) != verdict:
                raise RuleEngineError("durable-rules decided one summary fact two ways")
    distinct = cases.select(_CASE).unique(maintain_order=True)
    columns: dict[str, list[object]] = {name: [] for name in _DECIDED_VALUES}
    said: dict[str, list[object]] = {"case": [], "code": [], "zh": [], "en": []}
    for case, row in enumerate(distinct.iter_rows(named=True)):
        tally = _tally_of(ruleset, row)
        fact = tuple(verdict_fact(tally).values())
        if fact not in decided:
            decided[fact] = decide_verdict(compiled, tally)
            sessions += 1
        verdict = decided[fact]
        share = share_of(tally.expected_met, tally.expected_total)
        by_status = {
            status: [binding[x] for x in row[f"binding_{status}_ids"]]
            for status in ("not_met", "not_evaluated")
        }
        for name, value in (
            ("verdict", verdict.value),
            ("expected_share", _str(share)),
            ("score", _str(tally.score)),
            ("pass_mark", _str(tally.pass_mark)),
        ):
            columns[name].append(value)
        for reason in verdict_reasons(ruleset, tally, verdict.rules, by_status, share):
            for name, said_value in zip(
                said, (case, reason.code, reason.zh, reason.en), strict=True
            ):
                said[name].append(said_value)
    # The reasons as lists: built from one long table (a list column from Python lists costs
    # polars a conversion per list, most of this step's time).
    listed = (
        pl.DataFrame(
            said, schema={"case": pl.UInt32, **dict.fromkeys(("code", "zh", "en"), pl.String)}
        )
        .group_by("case", maintain_order=True)
        .agg(reason_codes="code", reasons_zh="zh", reasons_en="en")
    )
    verdicts = (
        distinct.with_columns(
            *(
                pl.Series(name, values, dtype=SUMMARY_SCHEMA[name])
                for name, values in columns.items()
            ),
            case=pl.int_range(distinct.height, dtype=pl.UInt32),
        )
        .join(listed, on="case", how="left", maintain_order="left")
        .drop("case")
        .with_columns(
            pl.col(name).fill_null(pl.lit([], dtype=pl.List(pl.String)))
            for name in ("reason_codes", "reasons_zh", "reasons_en")
        )
    )
    return verdicts, sessions


def _tally_of(ruleset: Ruleset, row: dict[str, Any]) -> Tally:
    hundredths = row["score_hundredths"]
    return make_tally(ruleset, row, None if hundredths is None else Decimal(hundredths).scaleb(-2))


_DECIDED_VALUES = ("verdict", "expected_share", "score", "pass_mark")


def _verdicts(
    ruleset: Ruleset,
    counties: Sequence[tuple[str, int | None]],
    rules: pl.DataFrame,
    *,
    per_county: bool = False,
) -> pl.DataFrame:
    """Every county's tally in polars; durable-rules decides each distinct case's verdict;
    the cases' verdicts and reasons joined back onto the counties. Every county must get one."""
    cases = _cases(ruleset, rules)
    verdicts, _sessions = _decide(ruleset, cases, per_county=per_county)
    keys = pl.DataFrame(
        {
            "county_index": pl.Series(range(len(counties)), dtype=pl.UInt32),
            "county": pl.Series([n for n, _ in counties], dtype=pl.String),
            "year": pl.Series([y for _, y in counties], dtype=pl.Int32),
        }
    )
    summary = keys.join(
        cases.join(verdicts, on=list(_CASE), how="left", nulls_equal=True, maintain_order="left"),
        on="county_index",
        how="left",
        maintain_order="left",
    )
    if summary.height != len(counties) or summary["verdict"].null_count():
        raise RuleEngineError("a county was left without a verdict")
    return summary.select(pl.col(name).cast(dtype) for name, dtype in SUMMARY_SCHEMA.items())


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


SUMMARY_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "county_index": pl.UInt32,
    "county": pl.String,
    "year": pl.Int32,
    "verdict": pl.String,
    "binding_met": pl.Int32,
    "binding_total": pl.Int32,
    "binding_not_evaluated": pl.Int32,
    "expected_met": pl.Int32,
    "expected_total": pl.Int32,
    "expected_not_evaluated": pl.Int32,
    "expected_share": pl.String,
    "score": pl.String,
    "pass_mark": pl.String,
    "not_applicable": pl.Int32,
    "growth_over_50": pl.Int32,
    "growth_over_100": pl.Int32,
    "reason_codes": pl.List(pl.String),
    "reasons_zh": pl.List(pl.String),
    "reasons_en": pl.List(pl.String),
}


def _closest(rules: pl.DataFrame) -> pl.DataFrame:
    """Per county, the evaluated one-sided rule with the lowest completion (exact: completion
    has one decimal), i.e. the closest to failing, or the furthest short."""
    return (
        rules.filter(pl.col("completion").is_not_null())
        .with_columns(c=pl.col("completion").cast(pl.Decimal(20, 1)))
        .sort("county_index", "c", "rule_index", maintain_order=True)
        .group_by("county_index", maintain_order=True)
        .agg(
            closest=pl.col("id").first(),
            closest_margin=pl.col("margin").first(),
            closest_completion=pl.col("completion").first(),
        )
    )


def _batch(outcomes: Outcomes) -> Batch:
    """The outcomes worded (one collect), every verdict decided, the two tables joined."""
    ruleset, counties = outcomes.ruleset, outcomes.counties
    rules = explain(outcomes)
    summary = _verdicts(ruleset, counties, rules, per_county=outcomes.engine == "rete")
    keys = pl.DataFrame(
        {
            "county_index": pl.Series(range(len(counties)), dtype=pl.UInt32),
            "county": [n for n, _ in counties],
            "year": pl.Series([y for _, y in counties], dtype=pl.Int32),
        }
    )
    rules = rules.join(keys, on="county_index", how="left")
    summary = summary.join(_closest(rules), on="county_index", how="left")
    return Batch(
        ruleset=ruleset,
        engine=outcomes.engine,
        summary=summary,
        rules=rules.select(*RULE_COLUMNS, "county_index", "rule_index"),
    )


class _Told:
    """How many counties an ``advance`` callback has been told of."""

    def __init__(self, advance: Advance) -> None:
        self.advance, self.count = advance, 0

    def __call__(self, n: int) -> None:
        self.count += n
        self.advance(n)

    def rest(self, total: int) -> None:
        if self.count < total:
            self(total - self.count)


def assess_counties(
    counties: Sequence[CountyData],
    ruleset: Ruleset | str | Path,
    *,
    engine: Engine = "vector",
    progress: Advance | None = None,
) -> Batch:
    """Assess loaded counties by the evaluator named ``engine``; ``progress`` is told how many
    counties are done as they are (rete: one by one; vector: all at the end). A value the
    vectorised evaluator cannot carry exactly makes it durable-rules' batch (``engine`` rete)."""
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    if not counties:
        raise DataError("no county to assess")
    told = None if progress is None else _Told(progress)
    try:
        batch = _batch(evaluator(engine).evaluate(ruleset, counties, advance=told))
    except EvaluatorUnsupported:
        if engine == "rete":
            raise
        return assess_counties(counties, ruleset, engine="rete", progress=progress)
    if told is not None:
        told.rest(len(counties))
    return batch


def assess_table(
    table: FastTable, ruleset: Ruleset, *, progress: Advance | None = None
) -> Batch | None:
    """A table read by the fast loader (engine.load.fast), by the vectorised evaluator; None
    when it holds a value too large to compare exactly (the general loader then names it)."""
    from engine.infer.vector import evaluate_table

    try:
        batch = _batch(evaluate_table(ruleset, table))
    except EvaluatorUnsupported:
        return None
    if progress is not None:
        progress(len(table.counties))
    return batch


#: Counties assessed at once when a large batch is streamed (:class:`Chunked`): small enough to
#: keep 100,000 counties with every rule explained within 1.5 GiB, large enough that polars'
#: per-call costs vanish (docs/performance.md).
CHUNK_COUNTIES = 10_000


class Chunked:
    """A batch too large to hold at once. Its counties are assessed chunk by chunk (each a
    :class:`Batch` of up to :data:`CHUNK_COUNTIES` counties, in input order) the first time it
    is read, and each chunk's per-rule table is spooled, in Arrow's IPC format, to a private
    temporary folder that lives as long as this object; the summary (a row per county) is kept.
    The writers (engine/report/batch.py) read the spool back one chunk at a time."""

    def __init__(self, ruleset: Ruleset, engine: Engine, counties: int, chunks: Iterator[Batch]):
        self.ruleset, self.engine, self.counties = ruleset, engine, counties
        self._chunks: Iterator[Batch] | None = chunks
        self._summary: pl.DataFrame | None = None
        self._parts: list[Path] = []
        self._folder: Path | None = None

    def _spool(self) -> None:
        if self._chunks is None:
            return
        self._folder = Path(tempfile.mkdtemp(prefix="assess-batch-"))
        weakref.finalize(self, shutil.rmtree, self._folder, ignore_errors=True)
        summaries = []
        for n, chunk in enumerate(self._chunks):
            summaries.append(chunk.summary)
            part = self._folder / f"{n:06}.arrow"
            # Compressed: this disk writes ~170 MB/s, and zstd makes a chunk's 110 MB 12 MB,
            # faster to write and to read back than the bytes themselves (docs/performance.md).
            chunk.rules.write_ipc(part, compression="zstd")
            self._parts.append(part)
        self._summary, self._chunks = pl.concat(summaries), None

    @property
    def all_pass(self) -> bool:
        return bool((self.summary["verdict"] == "PASS").all())

    @property
    def summary(self) -> pl.DataFrame:
        """A row per county, in input order (the whole batch's)."""
        self._spool()
        assert self._summary is not None
        return self._summary

    def rule_chunks(self) -> Iterator[pl.DataFrame]:
        """The per-rule table, chunk by chunk, in input order."""
        self._spool()
        for part in self._parts:
            yield pl.read_ipc(part)

    def rule_parts(self) -> list[Path]:
        """The spooled per-rule tables (Arrow IPC files), in input order."""
        self._spool()
        return list(self._parts)

    def collect(self) -> Batch:
        """The whole batch in memory (for the formats that are not streamed)."""
        return Batch(
            ruleset=self.ruleset,
            engine=self.engine,
            summary=self.summary,
            rules=pl.concat(list(self.rule_chunks())),
        )


def assess_table_in_chunks(
    table: FastTable, ruleset: Ruleset, *, size: int | None = None
) -> Chunked | None:
    """A large table read by the fast loader, assessed ``size`` counties at a time by the
    vectorised evaluator; None when a value is too large to compare exactly (the general
    loader then names it). The first chunk is assessed here, before any output is written; the
    fast loader admits only values the vectorised evaluator carries exactly (at most 12
    decimals, magnitudes checked), so a later chunk cannot be refused."""
    from engine.infer.vector import evaluate_table

    size = size or CHUNK_COUNTIES
    total = len(table.counties)
    starts = range(0, total, size)

    def chunks() -> Iterator[Batch]:
        for n, start in enumerate(starts):
            part = first if n == 0 else _batch(evaluate_table(ruleset, table.slice(start, size)))
            yield _renumbered(part, start)

    try:
        first = _batch(evaluate_table(ruleset, table.slice(0, size)))
    except EvaluatorUnsupported:
        return None
    return Chunked(ruleset, "vector", total, chunks())


def _renumbered(batch: Batch, start: int) -> Batch:
    """A chunk's county indices made the whole batch's."""
    if start == 0:
        return batch
    index = pl.col("county_index") + start
    return Batch(
        ruleset=batch.ruleset,
        engine=batch.engine,
        summary=batch.summary.with_columns(index.cast(pl.UInt32)),
        rules=batch.rules.with_columns(index.cast(pl.UInt32)),
    )


def assess_file(path: str | Path, ruleset: Ruleset) -> Batch | None:
    """The vectorised path straight from a plain CSV (engine.load.fast), or None when the file
    needs the general loader."""
    table = read_fast(path, ruleset)
    return None if table is None else assess_table(table, ruleset)


def assess_batch(
    data: str | Path | Sequence[CountyData],
    ruleset: Ruleset | str | Path,
    *,
    engine: Engine = "vector",
    references: References | None = None,
    theme: str | None = None,
    county_type: str | None = None,
    options: ReadOptions | None = None,
    progress: Advance | None = None,
) -> Batch:
    """Assess every county (every county-year) of a multi-county file in the canonical long
    format (a ``county`` column; optionally ``year``), or of loaded counties. ``engine`` picks
    the evaluator; the results do not depend on it. ``references``, ``theme``, ``county_type``
    and ``options`` are :func:`engine.pipeline.assess_path`'s (``references`` as a file or as
    ``{indicator id: value}``, for every county; ``theme``, ``county_type`` and ``options``
    apply to reading a file). A file is always a batch here, even of one county."""
    if isinstance(data, str | Path):
        found = assess_path(
            data,
            ruleset,
            engine=engine,
            references=references,
            theme=theme,
            county_type=county_type,
            options=options,
            batch=True,
            progress=None if progress is None else lambda _total, _engine: progress,
        )
        assert isinstance(found, Batch)
        return found
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    counties = list(data)
    if references is not None:
        counties = with_given_references(counties, references, ruleset)
    return assess_counties(counties, ruleset, engine=engine, progress=progress)
