"""Scores of a weighted_score verdict policy: per rule, and their weighted mean.

Per rule ``min(actual ÷ threshold, 1) × 100`` (the national monitoring convention; the inverse
ratio for lower-is-better), clipped at 0; a two-sided rule or a zero threshold scores 100 when met
and 0 otherwise; a rule not evaluated scores 0 (missing data never earns points); a rule not
applicable has no score and no weight. Scores are rounded half-up to 2 decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from engine.compile.facts import ResolvedIndicator
from engine.decimals import divide, round_half_up
from engine.model.result import Status

SCORE_PLACES = 2
FULL = Decimal(100)


def rule_score(r: ResolvedIndicator, status: Status) -> Decimal | None:
    if status == "not_applicable":
        return None
    if status == "not_evaluated":
        return round_half_up(Decimal(0), SCORE_PLACES)
    ratio = r.ratio()
    if ratio is None:
        score = FULL if status == "met" else Decimal(0)
    else:
        score = min(max(ratio, Decimal(0)), Decimal(1)) * 100
    return round_half_up(score, SCORE_PLACES)


def weight(r: ResolvedIndicator) -> Decimal:
    w = r.indicator.weight
    return Decimal(1) if w is None else w


def total_score(scored: Sequence[tuple[ResolvedIndicator, Decimal | None]]) -> Decimal:
    """Weighted mean of the applicable rules' scores; 0 when no weight is left."""
    weighted = [(weight(r), s) for r, s in scored if s is not None]
    total_weight = sum((w for w, _ in weighted), Decimal(0))
    if total_weight == 0:
        return round_half_up(Decimal(0), SCORE_PLACES)
    return divide(sum((w * s for w, s in weighted), Decimal(0)), total_weight, SCORE_PLACES)
