"""A plain-Decimal reference evaluator, written from docs/semantics.md and independent of the
engine's code paths (no durable-rules, no engine.decimals): the property tests hold the engine to
it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

_CTX = Context(prec=80)


def rnd(value: Decimal, precision: int) -> Decimal:
    return value.quantize(Decimal(10) ** -precision, rounding=ROUND_HALF_UP, context=_CTX)


def compare(actual: Decimal, op: str, threshold: Decimal) -> bool:
    return {
        ">=": actual >= threshold,
        ">": actual > threshold,
        "<=": actual <= threshold,
        "<": actual < threshold,
    }[op]


def threshold_of(ind: dict, values: dict) -> tuple[Decimal, Decimal | None] | None:
    """(threshold or lower bound, upper bound) before rounding, or None when data is missing."""
    th = ind["threshold"]
    sign = 1 if ind["direction"] == "higher" else -1
    if th["kind"] == "target":
        return None if values.get("target") is None else (values["target"], None)
    if th["kind"] == "absolute":
        return Decimal(th["value"]), None
    if th["kind"] == "between":
        return Decimal(th["min"]), Decimal(th["max"])
    if th["kind"] == "reference":
        ref = values.get("reference")
        if ref is None:
            return None
        if th.get("margin_percent") is not None:
            return _CTX.multiply(ref, 1 + sign * Decimal(th["margin_percent"]) / 100), None
        return ref + sign * Decimal(th.get("margin") or 0), None
    base = values.get("baseline")
    if base is None:
        return None
    if th.get("min_increase") is not None:
        return base + sign * Decimal(th["min_increase"]), None
    g = Decimal(th["min_growth"]) / 100
    # the growth requirement is itself rounded to precision (docs/semantics.md)
    return rnd(_CTX.multiply(base, 1 + sign * g), ind["precision"]), None


def status(ind: dict, values: dict) -> str:
    """ind: {kind, precision, direction, threshold: {kind, operator?, …}} as in a ruleset."""
    p = ind["precision"]
    op = ind["threshold"].get("operator") or (">=" if ind["direction"] == "higher" else "<=")
    actual = values.get("actual")
    bounds = threshold_of(ind, values)
    if actual is None or bounds is None:
        return "not_evaluated"
    low, high = bounds
    a = rnd(actual, p)
    if high is not None:
        return "met" if rnd(low, p) <= a <= rnd(high, p) else "not_met"
    return "met" if compare(a, op, rnd(low, p)) else "not_met"


def score(ind: dict, values: dict, st: str) -> Decimal:
    """Met: 100. Not met: min(actual ÷ threshold, 1) × 100 (inverse for lower-is-better),
    clipped at 0, when the divisor is positive and the rule one-sided, else 0. Not evaluated: 0.
    Rounded half-up to 2 decimals."""
    if st == "met":
        return Decimal("100.00")
    if st == "not_evaluated":
        return Decimal("0.00")
    bounds = threshold_of(ind, values)
    assert bounds is not None
    p = ind["precision"]
    a, t = rnd(values["actual"], p), rnd(bounds[0], p)
    num, den = (a, t) if ind["direction"] == "higher" else (t, a)
    if bounds[1] is not None or den <= 0:
        return Decimal("0.00")
    ratio = _CTX.divide(num, den)
    return rnd(min(max(ratio, Decimal(0)), Decimal(1)) * 100, 2)


def total_score(indicators: list[dict], scores: dict[str, Decimal]) -> Decimal:
    weights = {i["id"]: Decimal(i.get("weight", 1)) for i in indicators}
    total = sum(weights.values(), Decimal(0))
    if total == 0:
        return Decimal("0.00")
    return rnd(_CTX.divide(sum(weights[k] * scores[k] for k in scores), total), 2)


def verdict(
    indicators: list[dict],
    statuses: dict[str, str],
    min_share: Decimal | None,
    *,
    total: Decimal | None = None,
    pass_mark: Decimal | None = None,
) -> str:
    binding = [i for i in indicators if i["kind"] == "binding"]
    expected = [i for i in indicators if i["kind"] == "expected"]
    if any(statuses[i["id"]] != "met" for i in binding):
        return "FAIL"
    if pass_mark is not None:
        assert total is not None
        return "PASS" if total >= pass_mark else "FAIL"
    assert min_share is not None
    met = sum(statuses[i["id"]] == "met" for i in expected)
    if expected and Decimal(met * 100) < min_share * len(expected):
        return "FAIL"
    return "PASS"


def grew_more_than(ind: dict, values: dict, percent: int) -> bool:
    a, b = values.get("actual"), values.get("baseline")
    if a is None or b is None:
        return False
    p = ind["precision"]
    a, b = rnd(a, p), rnd(b, p)
    if b <= 0:
        return False
    delta = a - b if ind["direction"] == "higher" else b - a
    return delta * 100 > percent * b
