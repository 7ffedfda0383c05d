"""Reports of a batch: the summary table (a row per county, the failing first) and the per-rule
results, as text, JSON or CSV.

The text is a Document (engine/report/build.py) like every other report; the JSON and CSV are
the tables themselves, written by polars straight from the result tables (80,000 rule rows take
milliseconds, where building a Python object per rule would take seconds); numbers are the same
texts the single-county JSON prints ("2.50"), so nobody reads a binary float.
"""

from __future__ import annotations

import json

import polars as pl

from engine.batch import Batch
from engine.report.output import FORMULA_PREFIXES, NUMBER_PATTERN

SUMMARY_COLUMNS = (
    "county",
    "year",
    "verdict",
    "binding_met",
    "binding_total",
    "binding_not_evaluated",
    "expected_met",
    "expected_total",
    "expected_not_evaluated",
    "expected_share",
    "score",
    "pass_mark",
    "not_applicable",
    "growth_over_50",
    "growth_over_100",
    "closest",
    "closest_margin",
    "closest_completion",
)


def sorted_summary(batch: Batch) -> pl.DataFrame:
    """The failing counties first, the furthest from passing at the top; then by name."""
    return (
        batch.summary.with_columns(
            _fail=pl.col("verdict") == "PASS",
            _binding_short=pl.col("binding_met") - pl.col("binding_total"),
            _share=pl.col("expected_share").cast(pl.Decimal(10, 2)),
            _score=pl.col("score").cast(pl.Decimal(10, 2)),
        )
        .sort(
            "_fail",
            "_binding_short",
            "_score",
            "_share",
            "county",
            "year",
            nulls_last=True,
            maintain_order=True,
        )
        .drop("_fail", "_binding_short", "_share", "_score")
    )


def _ruleset(batch: Batch) -> dict[str, object]:
    rs = batch.ruleset
    return {
        "id": rs.id,
        "version": rs.version,
        "content_hash": rs.content_hash,
        "file": rs.source_path.name if rs.source_path else None,
    }


def batch_json(batch: Batch) -> str:
    """One JSON document: the ruleset, the counts, the summary (sorted) and every rule result
    (in input order). Stable: identical input gives identical bytes."""
    summary = sorted_summary(batch).select(
        *SUMMARY_COLUMNS, "reason_codes", "reasons_zh", "reasons_en"
    )
    rules = batch.rules.drop("county_index", "rule_index")
    passed = int((batch.summary["verdict"] == "PASS").sum())
    head = json.dumps(
        {
            "ruleset": _ruleset(batch),
            "engine": batch.engine,
            "counties": batch.summary.height,
            "passed": passed,
            "failed": batch.summary.height - passed,
        },
        ensure_ascii=False,
    )
    return f'{head[:-1]}, "summary": {summary.write_json()}, "rules": {rules.write_json()}}}\n'


#: Text columns of the CSV reports that hold numbers (``-0.05``): a plain number stays a number
#: there. Every other text column (county names, ids, reasons) is text however it reads.
_NUMBER_COLUMNS = frozenset(
    {
        *("actual", "threshold", "threshold_upper", "margin", "completion", "baseline"),
        *("reference", "growth", "score"),  # the per-rule table
        *("expected_share", "pass_mark", "closest_margin", "closest_completion"),  # the summary
    }
)


def _spreadsheet_safe(table: pl.DataFrame) -> pl.DataFrame:
    """Every text cell as engine.report.output.spreadsheet_safe makes it, in one polars pass: a
    cell starting like a formula (=, +, -, @, tab, CR) gets a leading ', so that a spreadsheet
    shows it as text instead of running it; plain numbers in number columns are left alone."""
    safe = []
    for name, dtype in table.schema.items():
        if dtype != pl.String:
            continue
        cell = pl.col(name)
        risky = cell.str.slice(0, 1).is_in(FORMULA_PREFIXES)
        if name in _NUMBER_COLUMNS:
            risky = risky & ~cell.str.contains(f"^{NUMBER_PATTERN}$")
        safe.append(pl.when(risky).then(pl.lit("'") + cell).otherwise(cell).alias(name))
    return table.with_columns(safe)


def _csv(table: pl.DataFrame) -> str:
    """UTF-8 with a BOM, so that Excel opens the Chinese names; no cell is a live formula."""
    return "\ufeff" + _spreadsheet_safe(table).write_csv()


def summary_csv(batch: Batch) -> str:
    """The summary table as CSV, the reasons of a county joined by ";"."""
    table = sorted_summary(batch).select(
        *SUMMARY_COLUMNS, pl.col("reasons_zh").list.join(";"), pl.col("reasons_en").list.join(";")
    )
    return _csv(table)


def rules_csv(batch: Batch) -> str:
    """The per-rule table as CSV, in input order."""
    return _csv(batch.rules.drop("county_index", "rule_index"))


def batch_text(
    batch: Batch, *, lang: str = "zh", color: bool = True, width: int = 120, limit: int | None = 50
) -> str:
    """The summary table for a terminal: every failing county (up to ``limit`` rows), with its
    reasons (engine/report/build.py writes it, text.py lays it out)."""
    from engine.report.build import batch_document
    from engine.report.document import Layout
    from engine.report.text import render

    document = batch_document(batch, lang=lang, limit=limit)
    return render(document, lang=lang, layout=Layout(color=color, width=width))
