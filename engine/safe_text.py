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


#: Characters that take no space and show nothing (zero-width space, joiners, word joiner, a
#: stray byte-order mark): a copy and paste leaves them in a cell, where they mean nothing but
#: make 天门市 and 天门市\u200b two counties.
INVISIBLE_PATTERN = "[\u200b-\u200d\u2060\ufeff]"
_INVISIBLE = re.compile(INVISIBLE_PATTERN)


def without_invisible(text: str) -> str:
    """``text`` as its reader sees it: without the characters that show nothing."""
    return _INVISIBLE.sub("", text)


def visible(text: str) -> str:
    """``text`` with every control character shown as an escape; tab and newline kept."""
    return _CONTROL.sub(_escape, text)


def visible_line(text: str) -> str:
    """Like :func:`visible`, and newlines and tabs escaped too: for one-line messages."""
    return visible(text).replace("\n", "\\n").replace("\t", "\\t")


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None
