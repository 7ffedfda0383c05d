"""Scores of a weighted_score verdict policy: per rule, and their weighted mean.

A met rule scores 100. A rule not met scores ``min(actual ÷ threshold, 1) × 100`` (the national
monitoring convention; ``threshold ÷ actual`` for lower-is-better), clipped at 0, when that ratio
means something (a positive divisor, one-sided rule); otherwise 0. A rule not evaluated scores 0
(missing data never earns points); a rule not applicable has no score and no weight. Scores are
rounded half-up to 2 decimals. For a positive threshold this is exactly the convention; for zero
or negative thresholds, where the ratio turns upside down, it keeps "better never scores less".
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
    if status == "met":
        return round_half_up(FULL, SCORE_PLACES)
    ratio = r.ratio() if status == "not_met" and _positive_divisor(r) else None
    score = Decimal(0) if ratio is None else min(max(ratio, Decimal(0)), Decimal(1)) * 100
    return round_half_up(score, SCORE_PLACES)


def _positive_divisor(r: ResolvedIndicator) -> bool:
    divisor = r.threshold if r.indicator.direction == "higher" else r.actual
    return divisor is not None and divisor > 0


def weight(r: ResolvedIndicator) -> Decimal:
    w = r.indicator.weight
    return Decimal(1) if w is None else w


def total_score(scored: Sequence[tuple[ResolvedIndicator, Decimal | None]]) -> Decimal:
    """Weighted mean of the applicable rules' scores; 0 when no weight is left."""
    return weighted_mean([(weight(r), s) for r, s in scored if s is not None])


def weighted_mean(weighted: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ weight × score ÷ Σ weight, rounded half-up to 2 decimals; 0 when no weight is left."""
    total_weight = sum((w for w, _ in weighted), Decimal(0))
    if total_weight == 0:
        return round_half_up(Decimal(0), SCORE_PLACES)
    return divide(sum((w * s for w, s in weighted), Decimal(0)), total_weight, SCORE_PLACES)
