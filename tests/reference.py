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


def status(ind: dict, values: dict) -> str:
    """ind: {kind, precision, direction, threshold: {kind, operator?, value?, min_growth?}}."""
    p = ind["precision"]
    th = ind["threshold"]
    op = th.get("operator") or (">=" if ind["direction"] == "higher" else "<=")
    actual = values.get("actual")
    if actual is None:
        return "not_evaluated"
    if th["kind"] == "target":
        if values.get("target") is None:
            return "not_evaluated"
        threshold = values["target"]
    elif th["kind"] == "absolute":
        threshold = Decimal(th["value"])
    else:
        if values.get("baseline") is None:
            return "not_evaluated"
        g = Decimal(th["min_growth"]) / 100
        factor = 1 + g if ind["direction"] == "higher" else 1 - g
        threshold = _CTX.multiply(values["baseline"], factor)
    return "met" if compare(rnd(actual, p), op, rnd(threshold, p)) else "not_met"


def verdict(indicators: list[dict], statuses: dict[str, str], min_share: Decimal) -> str:
    binding = [i for i in indicators if i["kind"] == "binding"]
    expected = [i for i in indicators if i["kind"] == "expected"]
    if any(statuses[i["id"]] != "met" for i in binding):
        return "FAIL"
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
