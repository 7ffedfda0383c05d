"""The monitoring view (assess --monitor) as a report: engine/report/build.py makes it a
Document, and every registered format that renders monitoring lays it out (formats.py).

The functions below are what the command called before the registry; kept for the callers that
still use them.
"""

from __future__ import annotations

from engine.model.plan import Monitoring
from engine.report.build import monitoring_document
from engine.report.markdown import render as render_md
from engine.report.text import render_monitoring_text

__all__ = ["render_monitoring_markdown", "render_monitoring_text"]


def render_monitoring_markdown(view: Monitoring, *, lang: str = "zh") -> str:
    return render_md(monitoring_document(view, lang=lang), lang=lang)
