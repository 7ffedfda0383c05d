"""How a rule's numbers read as text (engine/report/build.py and planning.py write the cells)."""

from __future__ import annotations

from decimal import Decimal

from engine.explain.messages import OPERATOR_SYMBOLS
from engine.model.result import RuleResult


def plain(value: Decimal | None) -> str:
    return "—" if value is None else str(value)


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def signed(value: Decimal | None) -> str:
    """``+0.12``, ``-0.06``, ``0``: a margin reads with its sign."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


def signed_margin(rule: RuleResult) -> str:
    return signed(rule.margin)


def required(rule: RuleResult) -> str:
    """``≥ 2.50``, or ``30.0–100.0`` for a between rule."""
    if rule.operator == "between":
        return f"{plain(rule.threshold)}–{plain(rule.threshold_upper)}"
    return f"{OPERATOR_SYMBOLS[rule.operator]} {plain(rule.threshold)}"
