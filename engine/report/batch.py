"""Reports of a batch: the summary table (a row per county, the failing first) and the per-rule
results, as text, JSON or CSV.

The text is a Document (engine/report/build.py) like every other report; the JSON and CSV are
the tables themselves, written by polars straight from the result tables (80,000 rule rows take
milliseconds, where building a Python object per rule would take seconds); numbers are the same
texts the single-county JSON prints ("2.50"), so nobody reads a binary float.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from engine.batch import Batch, Chunked
from engine.model.ruleset import Ruleset
from engine.report.output import FORMULA_PREFIXES, NUMBER_PATTERN, Streamed

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
    return sorted_summary_of(batch.summary)


def sorted_summary_of(summary: pl.DataFrame) -> pl.DataFrame:
    """:func:`sorted_summary` of a summary table."""
    return (
        summary.with_columns(
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


def _ruleset(rs: Ruleset) -> dict[str, object]:
    return {
        "id": rs.id,
        "version": rs.version,
        "content_hash": rs.content_hash,
        "file": rs.source_path.name if rs.source_path else None,
    }


def _head(ruleset: dict[str, object], engine: str, summary: pl.DataFrame) -> bytes:
    passed = int((summary["verdict"] == "PASS").sum())
    head = json.dumps(
        {
            "ruleset": ruleset,
            "engine": engine,
            "counties": summary.height,
            "passed": passed,
            "failed": summary.height - passed,
        },
        ensure_ascii=False,
    )
    return head[:-1].encode()


def _json_bytes(table: pl.DataFrame, *, lines: bool = False) -> bytes:
    """polars' JSON of ``table`` (NDJSON with ``lines``) as UTF-8 bytes, written straight into
    a buffer (through a Python ``str`` it cost two more passes over the text: a third of the
    JSON's time)."""
    buffer = io.BytesIO()
    (table.write_ndjson if lines else table.write_json)(buffer)
    return buffer.getvalue()


def _json_summary(summary: pl.DataFrame) -> bytes:
    table = sorted_summary_of(summary).select(
        *SUMMARY_COLUMNS, "reason_codes", "reasons_zh", "reasons_en"
    )
    return _json_bytes(table)


#: Rule rows per call of polars' JSON writer: a slice's text is about 2 MB. Small slices keep
#: the buffers few and reused; 100,000-row slices (40 MB each) took twice as long, most of it
#: in the memory's first touch.
_ROWS_PER_WRITE = 5_000


def _json_rows(rules: pl.DataFrame) -> Iterator[bytes]:
    """The rows of ``rules`` as members of a JSON array, slice by slice: each slice's
    ``write_json()`` without its brackets (the caller puts the commas between slices)."""
    table = rules.drop("county_index", "rule_index")
    for start in range(0, table.height, _ROWS_PER_WRITE):
        yield _json_bytes(table.slice(start, _ROWS_PER_WRITE))[1:-1]


def _rule_tables(subject: Batch | Chunked) -> Iterator[pl.DataFrame]:
    if isinstance(subject, Batch):
        yield subject.rules
    else:
        yield from subject.rule_chunks()


def batch_json_chunks(subject: Batch | Chunked) -> Iterator[bytes]:
    """One JSON document: the ruleset, the counts, the summary (sorted) and every rule result
    (in input order), as chunks of bytes. Stable: identical input gives identical bytes, the
    same whether the batch is held at once or streamed from its spool (engine.batch.Chunked)."""
    yield _head(_ruleset(subject.ruleset), subject.engine, subject.summary)
    yield b', "summary": ' + _json_summary(subject.summary) + b', "rules": ['
    separator = b""
    for rules in _rule_tables(subject):
        for block in _json_rows(rules):
            yield separator + block
            separator = b","
    yield b"]}\n"


def batch_json(batch: Batch) -> str:
    """:func:`batch_json_chunks` as one text."""
    return b"".join(batch_json_chunks(batch)).decode()


def batch_ndjson_chunks(subject: Batch | Chunked) -> Iterator[bytes]:
    """NDJSON: one county a line, in input order, each with its summary fields, its reasons
    and its rules (the same texts as the JSON), chunk by chunk."""
    columns = [*SUMMARY_COLUMNS, "reason_codes", "reasons_zh", "reasons_en", "rules"]
    summary = subject.summary
    for rules in _rule_tables(subject):
        nested = (
            rules.drop("rule_index")
            .group_by("county_index", maintain_order=True)
            .agg(rules=pl.struct(pl.exclude("county_index", "county", "year")))
        )
        lines = nested.join(summary, on="county_index", how="left", maintain_order="left")
        yield _json_bytes(lines.select(columns), lines=True)


def summary_parquet(subject: Batch | Chunked) -> bytes:
    """The summary table as Parquet, sorted like the JSON's. Numbers are the JSON's texts: a
    reader casts them (``pl.col("expected_share").cast(pl.Decimal(10, 2))``) and never meets a
    binary float."""
    buffer = io.BytesIO()
    table = sorted_summary_of(subject.summary).select(
        *SUMMARY_COLUMNS, "reason_codes", "reasons_zh", "reasons_en"
    )
    table.write_parquet(buffer)
    return buffer.getvalue()


def rules_parquet(subject: Batch | Chunked) -> Streamed:
    """The per-rule table as Parquet (input order), written chunk by chunk by polars into a
    private temporary file and handed out as it is read."""

    def chunks() -> Iterator[bytes]:
        with tempfile.TemporaryDirectory(prefix="assess-parquet-") as folder:
            path = Path(folder) / "rules.parquet"
            if isinstance(subject, Batch):
                subject.rules.drop("county_index", "rule_index").write_parquet(path)
            else:
                scan = pl.scan_ipc(subject.rule_parts())
                scan.drop("county_index", "rule_index").sink_parquet(path)
            with path.open("rb") as file:
                while block := file.read(1 << 24):
                    yield block

    return Streamed(chunks)


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
