"""The formats that are the data itself rather than a laid-out document: JSON (the result, the
batch tables or the monitoring view, byte for byte what their models write) and a batch's CSV
tables (engine/report/batch.py writes them in polars)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.model.plan import Monitoring
from engine.model.result import Result
from engine.report.document import Layout

if TYPE_CHECKING:
    from engine.batch import Batch


def render_json(
    subject: Result | Monitoring | Batch, *, lang: str, layout: Layout | None = None
) -> str:
    """``Result.to_json()``, ``Monitoring.to_json()``, or the batch's one JSON document; the
    language does not matter (JSON carries both)."""
    if isinstance(subject, Result | Monitoring):
        return subject.to_json()
    from engine.report.batch import batch_json

    return batch_json(subject)


def render_csv(batch: Batch, *, lang: str, layout: Layout | None = None) -> str:
    """A batch's summary table (UTF-8 with a BOM, no cell a live formula)."""
    from engine.report.batch import summary_csv

    return summary_csv(batch)


def csv_companions(batch: Batch) -> list[tuple[str, str | bytes]]:
    """The per-rule table, written beside the summary (``X.csv`` → ``X.rules.csv``)."""
    from engine.report.batch import rules_csv

    return [(".rules.csv", rules_csv(batch))]
