"""The formats that are the data itself rather than a laid-out document: JSON (the result, the
batch tables or the monitoring view, byte for byte what their models write) and a batch's CSV
tables (engine/report/batch.py writes them in polars)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.model.plan import Monitoring
from engine.model.result import Result
from engine.report.document import Layout
from engine.report.output import Content, Streamed

if TYPE_CHECKING:
    from engine.batch import Batch, Chunked


def render_json(
    subject: Result | Monitoring | Batch | Chunked, *, lang: str, layout: Layout | None = None
) -> str | Streamed:
    """``Result.to_json()``, ``Monitoring.to_json()``, or the batch's one JSON document, made
    as it is written; the language does not matter (JSON carries both)."""
    if isinstance(subject, Result | Monitoring):
        return subject.to_json()
    from engine.report.batch import batch_json_chunks

    return Streamed(lambda: batch_json_chunks(subject))


def render_ndjson(subject: Batch | Chunked, *, lang: str, layout: Layout | None = None) -> Streamed:
    """A batch as NDJSON: one county a line (summary and rules), in input order."""
    from engine.report.batch import batch_ndjson_chunks

    return Streamed(lambda: batch_ndjson_chunks(subject))


def render_parquet(subject: Batch | Chunked, *, lang: str, layout: Layout | None = None) -> bytes:
    """A batch's summary table as Parquet (the per-rule table is its companion)."""
    from engine.report.batch import summary_parquet

    return summary_parquet(subject)


def parquet_companions(subject: Batch | Chunked) -> list[tuple[str, Content]]:
    """The per-rule table, written beside the summary (``X.parquet`` → ``X.rules.parquet``)."""
    from engine.report.batch import rules_parquet

    return [(".rules.parquet", rules_parquet(subject))]


def render_csv(batch: Batch, *, lang: str, layout: Layout | None = None) -> str:
    """A batch's summary table (UTF-8 with a BOM, no cell a live formula)."""
    from engine.report.batch import summary_csv

    return summary_csv(batch)


def csv_companions(batch: Batch) -> list[tuple[str, str | bytes]]:
    """The per-rule table, written beside the summary (``X.csv`` → ``X.rules.csv``)."""
    from engine.report.batch import rules_csv

    return [(".rules.csv", rules_csv(batch))]
