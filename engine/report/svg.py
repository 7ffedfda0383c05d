"""Inline SVG charts for the HTML report: completion against the requirement, a summary by
category, and the growth profile.

Hand-written SVG rather than a plotting library: three bar charts need no dependency, the output
is text we can escape and test, and nothing is fetched when the report opens. Geometry is worked
out in Decimal and printed with one decimal place; no verdict depends on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from unicodedata import east_asian_width

from engine.report.document import TONES, Bar, Stack

#: The statuses' colours (engine/report/document.py holds the one palette).
STATUS_COLOURS = {status: tone.colour for status, tone in TONES.items()}
__all__ = ["STATUS_COLOURS", "Bar", "Stack", "bar_chart", "clip", "stacked_chart"]
_ROW = 18  # px per bar
_LABEL = 260  # px for the label column
_LABEL_UNITS = 40  # what fits there at 11 px: a Latin letter is one unit, a Chinese character two
_PLOT = 400  # px for the bars
_RIGHT = 70  # px for the figure after a bar
_WIDTH = _LABEL + _PLOT + _RIGHT


def _n(value: Decimal) -> str:
    """A coordinate: one decimal place, no exponent."""
    return f"{value.quantize(Decimal('0.1')):f}"


def clip(label: str, units: int = _LABEL_UNITS) -> str:
    """The label shortened with "…" to what fits (SVG text does not wrap); the bar's hover text
    and the tables carry the whole name."""
    widths = [2 if east_asian_width(ch) in ("W", "F") else 1 for ch in label]
    if sum(widths) <= units:
        return label
    used = 0
    for i, width in enumerate(widths):
        used += width
        if used > units - 1:  # one unit left for the ellipsis
            return label[:i].rstrip() + "…"
    return label


def _x(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    clipped = min(max(value, low), high)
    return _LABEL + (clipped - low) * _PLOT / (high - low)


def _svg(title: str, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" class="chart"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    low: Decimal,
    high: Decimal,
    marks: Sequence[tuple[Decimal, str]],
) -> str:
    """Horizontal bars from zero (or ``low``) on a fixed scale; values beyond ``high`` are drawn
    to the edge with an arrow, so one outlier does not flatten every other bar. ``marks`` are
    labelled vertical lines (the requirement at 100 %, growth of 50 % and 100 %)."""
    top = 16
    height = top + _ROW * len(bars) + 6
    zero = _x(Decimal(0), low, high)
    body = []
    for value, text in marks:
        x = _n(_x(value, low, high))
        body.append(
            f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{height - 4}" class="mark"/>'
            f'<text x="{x}" y="{top - 6}" text-anchor="middle" class="mark-label">'
            f"{escape(text)}</text>"
        )
    for i, bar in enumerate(bars):
        y = top + i * _ROW
        body.append(
            f'<g class="bar {bar.status}"><title>{escape(bar.tip)}</title>'
            f'<text x="{_LABEL - 6}" y="{y + 13}" text-anchor="end">'
            f"{escape(clip(bar.label))}</text>"
        )
        if bar.value is None:
            body.append(
                f'<text x="{_n(zero + 4)}" y="{y + 13}" class="figure">'
                f"{escape(bar.text)}</text></g>"
            )
            continue
        end = _x(bar.value, low, high)
        left, right = min(zero, end), max(zero, end)
        body.append(
            f'<rect x="{_n(left)}" y="{y + 3}" width="{_n(right - left)}" height="12" '
            f'fill="{STATUS_COLOURS[bar.status]}"/>'
        )
        if bar.value > high:
            body.append(
                f'<path d="M{_n(right)} {y + 1}l8 8-8 8z" fill="{STATUS_COLOURS[bar.status]}"/>'
            )
        body.append(
            f'<text x="{_n(max(right, zero) + 10)}" y="{y + 13}" class="figure">'
            f"{escape(bar.text)}</text></g>"
        )
    return _svg(title, height, body)


def stacked_chart(title: str, stacks: Sequence[Stack], legend: dict[str, str]) -> str:
    """One bar per category, split by status, each segment labelled with its count."""
    top = 24
    height = top + (_ROW + 4) * len(stacks) + 6
    most = max((sum(s.counts.values()) for s in stacks), default=1) or 1
    body = []
    x = Decimal(_LABEL)
    for status, colour in STATUS_COLOURS.items():
        body.append(
            f'<rect x="{_n(x)}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{_n(x + 14)}" y="13" class="legend">'
            f"{escape(legend[status])}</text>"
        )
        x += 100
    for i, stack in enumerate(stacks):
        y = top + i * (_ROW + 4)
        body.append(
            f'<g class="stack"><title>{escape(stack.label)}</title>'
            f'<text x="{_LABEL - 6}" y="{y + 13}" text-anchor="end">'
            f"{escape(clip(stack.label))}</text>"
        )
        x = Decimal(_LABEL)
        for status, colour in STATUS_COLOURS.items():
            count = stack.counts.get(status, 0)
            if not count:
                continue
            width = Decimal(count * _PLOT) / most
            body.append(
                f'<rect x="{_n(x)}" y="{y + 2}" width="{_n(width)}" height="14" '
                f'fill="{colour}" class="{status}"/>'
                f'<text x="{_n(x + width / 2)}" y="{y + 13}" text-anchor="middle" '
                f'class="count">{count}</text>'
            )
            x += width
        body.append("</g>")
    return _svg(title, height, body)
