"""Batch assessment: every county of a multi-county file, by either evaluator.

``engine="vector"`` evaluates every rule for every county at once in polars
(:mod:`engine.infer.vector`); ``engine="rete"`` runs the single-county pipeline (durable-rules
fires every rule) county by county. Both give the same two tables, and durable-rules decides
every verdict in both: one summary fact per county.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import polars as pl

from engine.compile.facts import resolve
from engine.compile.rules import VERDICT_FAIL_RULES, VERDICT_PASS, compile_ruleset
from engine.decimals import decimals_of
from engine.errors import DataError, RuleEngineError
from engine.explain.result import build_result, share_of, verdict_reasons
from engine.infer.durable_adapter import durable_rules
from engine.infer.run import Tally, infer, verdict_fact
from engine.infer.vector import in_county
from engine.load.county import load_counties, load_references, with_references
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData
from engine.model.result import Reason, Result
from engine.model.ruleset import ExpectedSharePolicy, Indicator, Ruleset

Engine = Literal["vector", "rete"]
#: Per-rule columns, in order; numbers are texts exactly as the single-county JSON prints them.
RULE_COLUMNS = (
    "county",
    "year",
    "id",
    "kind",
    "status",
    "actual",
    "threshold",
    "threshold_upper",
    "margin",
    "completion",
    "baseline",
    "reference",
    "growth",
    "score",
    "reason_code",
    "reason_zh",
    "reason_en",
)
Progress = Callable[[int], None]


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


def _rete_rows(
    ruleset: Ruleset, counties: Sequence[CountyData], progress: Progress | None
) -> tuple[list[Result], pl.DataFrame]:
    compiled = compile_ruleset(ruleset)
    results, rows = [], []
    for i, county in enumerate(counties):
        try:
            inference = infer(ruleset, compiled, resolve(ruleset, county))
        except DataError as exc:
            raise in_county(exc, county) from None
        result = build_result(ruleset, county, inference)
        results.append(result)
        for rule in result.rules:
            rows.append(
                {
                    "county_index": i,
                    "id": rule.id,
                    "kind": rule.kind,
                    "status": rule.status,
                    **{
                        k: _str(getattr(rule, k))
                        for k in (
                            "actual",
                            "threshold",
                            "threshold_upper",
                            "margin",
                            "completion",
                            "baseline",
                            "reference",
                            "growth",
                            "score",
                        )
                    },
                    "reason_code": rule.reason.code,
                    "reason_zh": rule.reason.zh,
                    "reason_en": rule.reason.en,
                }
            )
        if progress is not None:
            progress(1)
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "county_index": pl.UInt32,
        **{c: pl.String for c in RULE_COLUMNS[2:]},
    }
    return results, pl.DataFrame(rows, schema=schema)


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _tallies(ruleset: Ruleset, rules: pl.DataFrame) -> pl.DataFrame:
    status, kind = pl.col("status"), pl.col("kind")
    counted = status != "not_applicable"
    aggregates = [
        ((kind == "binding") & counted).sum().alias("binding_total"),
        ((kind == "binding") & (status == "met")).sum().alias("binding_met"),
        ((kind == "binding") & (status == "not_met")).sum().alias("binding_not_met"),
        ((kind == "binding") & (status == "not_evaluated")).sum().alias("binding_not_evaluated"),
        ((kind == "expected") & counted).sum().alias("expected_total"),
        ((kind == "expected") & (status == "met")).sum().alias("expected_met"),
        ((kind == "expected") & (status == "not_evaluated")).sum().alias("expected_not_evaluated"),
        (status == "not_applicable").sum().alias("not_applicable"),
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
        s = pl.col("score").str.replace(".", "", literal=True).cast(pl.Int128)
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


def _vector_verdicts(
    ruleset: Ruleset, counties: Sequence[tuple[str, int | None]], rules: pl.DataFrame
) -> pl.DataFrame:
    """Tally each county in polars, then let durable-rules decide its verdict."""
    compiled = compile_ruleset(ruleset)
    policy = ruleset.verdict_policy
    engine = durable_rules()
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
        tally = Tally(
            binding_total=row["binding_total"],
            binding_met=row["binding_met"],
            binding_not_met=row["binding_not_met"],
            binding_not_evaluated=row["binding_not_evaluated"],
            expected_total=row["expected_total"],
            expected_met=row["expected_met"],
            expected_not_evaluated=row["expected_not_evaluated"],
            not_applicable=row["not_applicable"],
            expected_required_share=policy.expected_min_share
            if isinstance(policy, ExpectedSharePolicy)
            else None,
            score=score,
            pass_mark=None if isinstance(policy, ExpectedSharePolicy) else policy.pass_mark,
        )
        decided = set(
            engine.fire(compiled.verdict_ruleset, compiled.verdict_rules, verdict_fact(tally))
        )
        failures = [name for name in VERDICT_FAIL_RULES if name in decided]
        passed = VERDICT_PASS in decided
        if passed == bool(failures):
            raise RuleEngineError(f"verdict rules fired inconsistently: {sorted(decided)}")
        i = row["county_index"]
        share = share_of(tally.expected_met, tally.expected_total)
        by_status = {s: shortfalls.get((i, s), []) for s in ("not_met", "not_evaluated")}
        fired = [VERDICT_PASS] if passed else failures
        key = (tally, tuple(fired), *(tuple(x.id for x in v) for v in by_status.values()))
        if key not in worded:
            worded[key] = verdict_reasons(ruleset, tally, fired, by_status, share)
        reasons = worded[key]
        rows.append(
            _summary_row(
                i,
                counties[i],
                "PASS" if passed else "FAIL",
                tally,
                share,
                row["growth_over_50"],
                row["growth_over_100"],
                [r.code for r in reasons],
                [r.zh for r in reasons],
                [r.en for r in reasons],
            )
        )
    return _summary_frame(rows)


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


def _summary_row(
    i: int,
    county: tuple[str, int | None],
    verdict: str,
    t: Tally,
    share: Decimal | None,
    over_50: int,
    over_100: int,
    codes: list[str],
    zh: list[str],
    en: list[str],
) -> dict[str, object]:
    return {
        "county_index": i,
        "county": county[0],
        "year": county[1],
        "verdict": verdict,
        "binding_met": t.binding_met,
        "binding_total": t.binding_total,
        "binding_not_evaluated": t.binding_not_evaluated,
        "expected_met": t.expected_met,
        "expected_total": t.expected_total,
        "expected_not_evaluated": t.expected_not_evaluated,
        "expected_share": _str(share),
        "score": _str(t.score),
        "pass_mark": _str(t.pass_mark),
        "not_applicable": t.not_applicable,
        "growth_over_50": over_50,
        "growth_over_100": over_100,
        "reason_codes": codes,
        "reasons_zh": zh,
        "reasons_en": en,
    }


def _rete_summary(results: list[Result], counties: Sequence[CountyData]) -> pl.DataFrame:
    rows = []
    for i, (result, county) in enumerate(zip(results, counties, strict=True)):
        s = result.summary
        tally = Tally(
            binding_total=s.binding_total,
            binding_met=s.binding_met,
            binding_not_met=s.binding_total - s.binding_met - s.binding_not_evaluated,
            binding_not_evaluated=s.binding_not_evaluated,
            expected_total=s.expected_total,
            expected_met=s.expected_met,
            expected_not_evaluated=s.expected_not_evaluated,
            not_applicable=s.not_applicable,
            expected_required_share=s.expected_required_share,
            score=s.score,
            pass_mark=s.pass_mark,
        )
        reasons = result.verdict_reasons
        rows.append(
            _summary_row(
                i,
                (county.county, county.year),
                result.verdict,
                tally,
                s.expected_share,
                s.growth_over_50,
                s.growth_over_100,
                [r.code for r in reasons],
                [r.zh for r in reasons],
                [r.en for r in reasons],
            )
        )
    return _summary_frame(rows)


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


def _finish(
    ruleset: Ruleset,
    engine: Engine,
    rules: pl.DataFrame,
    summary: pl.DataFrame,
    names: Sequence[tuple[str, int | None]],
) -> Batch:
    order = {ind.id: i for i, ind in enumerate(ruleset.indicators)}
    if "rule_index" not in rules.columns:
        rules = rules.with_columns(
            rule_index=pl.col("id").replace_strict(order, return_dtype=pl.UInt32)
        )
    keys = pl.DataFrame(
        {
            "county_index": pl.Series(range(len(names)), dtype=pl.UInt32),
            "county": [n for n, _ in names],
            "year": pl.Series([y for _, y in names], dtype=pl.Int32),
        }
    )
    rules = rules.join(keys, on="county_index", how="left")
    summary = summary.join(_closest(rules), on="county_index", how="left")
    return Batch(
        ruleset=ruleset,
        engine=engine,
        summary=summary,
        rules=rules.select(*RULE_COLUMNS, "county_index", "rule_index"),
    )


def assess_counties(
    counties: Sequence[CountyData],
    ruleset: Ruleset | str | Path,
    *,
    engine: Engine = "vector",
    progress: Progress | None = None,
) -> Batch:
    """Assess loaded counties; see :func:`assess_batch`."""
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    if not counties:
        raise DataError("no county to assess")
    names = [(c.county, c.year) for c in counties]
    if engine == "vector":
        from engine.infer.vector import VectorUnsupported, evaluate

        try:
            rules = evaluate(ruleset, list(counties))
        except VectorUnsupported:
            return assess_counties(counties, ruleset, engine="rete", progress=progress)
        summary = _vector_verdicts(ruleset, names, rules)
        if progress is not None:
            progress(len(counties))
    else:
        results, rules = _rete_rows(ruleset, counties, progress)
        summary = _rete_summary(results, counties)
    return _finish(ruleset, engine, rules, summary, names)


def assess_file(path: str | Path, ruleset: Ruleset) -> Batch | None:
    """The vectorised path straight from a plain CSV (engine.load.fast), or None when the file
    needs the general loader."""
    from engine.infer.vector import VectorUnsupported, evaluate_table
    from engine.load.fast import read_fast

    table = read_fast(path, ruleset)
    if table is None:
        return None
    try:
        rules = evaluate_table(ruleset, table)
    except VectorUnsupported:
        return None
    names = list(zip(table.counties, table.years, strict=True))
    return _finish(ruleset, "vector", rules, _vector_verdicts(ruleset, names, rules), names)


def assess_batch(
    data: str | Path | Sequence[CountyData],
    ruleset: Ruleset | str | Path,
    *,
    engine: Engine = "vector",
    references: str | Path | None = None,
    theme: str | None = None,
    county_type: str | None = None,
    progress: Progress | None = None,
) -> Batch:
    """Assess every county (every county-year) of a multi-county file in the canonical long
    format (a ``county`` column; optionally ``year``). ``engine`` picks the evaluator; the
    results do not depend on it."""
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    if (
        isinstance(data, str | Path)
        and engine == "vector"
        and references is None
        and theme is None
        and county_type is None
    ):
        fast = assess_file(data, ruleset)
        if fast is not None:
            return fast
    counties = (
        list(data)
        if not isinstance(data, str | Path)
        else load_counties(data, ruleset, theme=theme, county_type=county_type)
    )
    if references is not None:
        refs, ref_file = load_references(references, ruleset)
        counties = [with_references(c, refs, ref_file) for c in counties]
    return assess_counties(counties, ruleset, engine=engine, progress=progress)
