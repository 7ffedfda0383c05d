"""The monitoring view (assess --monitor) as text for the terminal and as Markdown (the HTML
page is in html.py, beside the other document)."""

from __future__ import annotations

import io

from engine.explain.messages import WORDS
from engine.model.plan import Monitoring
from engine.report.markdown import blocks_markdown, escape
from engine.report.planning import monitoring_blocks, monitoring_title
from engine.report.text import console_for, print_blocks


def _ruleset_line(view: Monitoring, lang: str) -> str:
    return f"{WORDS[lang]['ruleset']}: {view.ruleset_id} {view.ruleset_version}"


def render_monitoring_text(
    view: Monitoring, *, lang: str = "zh", color: bool = True, width: int = 120
) -> str:
    from rich.text import Text

    out = io.StringIO()
    console = console_for(out, color=color, width=width)
    console.print(Text(monitoring_title(view, lang), style="bold"))
    console.print(_ruleset_line(view, lang))
    print_blocks(console, monitoring_blocks(view, lang))
    return out.getvalue()


def render_monitoring_markdown(view: Monitoring, *, lang: str = "zh") -> str:
    lines = [
        f"# {escape(monitoring_title(view, lang))}",
        "",
        f"- {escape(_ruleset_line(view, lang))}",
    ]
    lines += blocks_markdown(monitoring_blocks(view, lang))
    return "\n".join(lines) + "\n"
