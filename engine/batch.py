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

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from engine.compile.rules import compile_ruleset
from engine.decimals import decimals_of
from engine.errors import DataError
from engine.explain.result import share_of, verdict_reasons
from engine.explain.vector import EXPLAINED_COLUMNS, explain
from engine.infer.evaluator import (
    TALLY_COUNTS,
    EvaluatorUnsupported,
    Outcomes,
    evaluator,
    make_tally,
)
from engine.infer.evaluator import Advance as Advance
from engine.infer.evaluator import Engine as Engine
from engine.infer.run import decide_verdict
from engine.load.county import ReadOptions
from engine.load.fast import FastTable, read_fast
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData
from engine.model.result import Reason
from engine.model.ruleset import Indicator, Ruleset
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
        pl.col("growth").is_not_null().sum().alias("growth_evaluated"),
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


def _score(weighted: int, weight_total: int) -> Decimal:
    """Weighted mean of scores held in hundredths, rounded half-up to hundredths."""
    if weight_total == 0:
        return Decimal("0.00")
    hundredths = (2 * weighted + weight_total) // (2 * weight_total)  # both ≥ 0
    return Decimal(hundredths).scaleb(-2)


def _verdicts(
    ruleset: Ruleset, counties: Sequence[tuple[str, int | None]], rules: pl.DataFrame
) -> pl.DataFrame:
    """Tally each county in polars, then let durable-rules decide its verdict."""
    compiled = compile_ruleset(ruleset)
    binding = {i.id: i for i in ruleset.indicators if i.kind == "binding"}
    short = (
        rules.filter(
            pl.col("kind") == "binding", pl.col("status").is_in(["not_met", "not_evaluated"])
        )
        .group_by("county_index", "status", maintain_order=True)
        .agg(pl.col("id"))
    )
    shortfalls: dict[tuple[int, str], list[Indicator]] = {
        (i, status): [binding[x] for x in ids] for i, status, ids in short.iter_rows()
    }
    rows = []
    worded: dict[tuple[object, ...], list[Reason]] = {}  # many counties share their reasons
    for row in _tallies(ruleset, rules).iter_rows(named=True):
        score = _score(row["weighted"], row["weight_total"]) if ruleset.scored else None
        tally = make_tally(ruleset, row, score)
        verdict = decide_verdict(compiled, tally)
        i = row["county_index"]
        share = share_of(tally.expected_met, tally.expected_total)
        by_status = {s: shortfalls.get((i, s), []) for s in ("not_met", "not_evaluated")}
        key = (tally, tuple(verdict.rules), *(tuple(x.id for x in v) for v in by_status.values()))
        if key not in worded:
            worded[key] = verdict_reasons(ruleset, tally, verdict.rules, by_status, share)
        reasons = worded[key]
        rows.append(
            {
                "county_index": i,
                "county": counties[i][0],
                "year": counties[i][1],
                "verdict": verdict.value,
                "binding_met": tally.binding_met,
                "binding_total": tally.binding_total,
                "binding_not_evaluated": tally.binding_not_evaluated,
                "expected_met": tally.expected_met,
                "expected_total": tally.expected_total,
                "expected_not_evaluated": tally.expected_not_evaluated,
                "expected_share": _str(share),
                "score": _str(tally.score),
                "pass_mark": _str(tally.pass_mark),
                "not_applicable": tally.not_applicable,
                "growth_over_50": row["growth_over_50"],
                "growth_over_100": row["growth_over_100"],
                "reason_codes": [r.code for r in reasons],
                "reasons_zh": [r.zh for r in reasons],
                "reasons_en": [r.en for r in reasons],
            }
        )
    return _summary_frame(rows)


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _summary_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    """Column by column: much faster than polars reading a list of dicts with list cells. A
    list column is built from its distinct values (counties share their reasons) and gathered,
    since polars converts nested Python lists slowly."""
    columns = {}
    for name, dtype in SUMMARY_SCHEMA.items():
        values = [r[name] for r in rows]
        if isinstance(dtype, pl.List):
            index: dict[tuple[object, ...], int] = {}
            keys = [index.setdefault(tuple(v), len(index)) for v in values]  # type: ignore[arg-type]
            distinct = pl.Series(name, [list(v) for v in index], dtype=dtype)
            columns[name] = distinct.gather(pl.Series(keys, dtype=pl.UInt32))
        else:
            columns[name] = pl.Series(name, values, dtype=dtype)
    return pl.DataFrame(columns)


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
    summary = _verdicts(ruleset, counties, rules)
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
