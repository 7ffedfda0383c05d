"""Text from data made safe to show: no terminal control sequence reaches a terminal or a file.

A cell, a county name or a ruleset text may hold ESC, BEL or an OSC title sequence; printed raw,
they would recolour the terminal, retitle its window or worse. :func:`visible` shows every control
character as an escape (``\\x1b``), so the reader sees that it was there and nothing acts on it.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that can
# make a text read differently from what it holds (CVE-2021-42574).
CONTROL_PATTERN = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_CONTROL = re.compile(CONTROL_PATTERN)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character shown as an escape; tab and newline kept."""
    return _CONTROL.sub(_escape, text)


def visible_line(text: str) -> str:
    """Like :func:`visible`, and newlines and tabs escaped too: for one-line messages."""
    return visible(text).replace("\n", "\\n").replace("\t", "\\t")


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None
