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


# -- Derived figures, applicability, derived values, units and a whole county ------------------
# Also from docs/semantics.md and docs/rulesets.md alone: no engine module is imported. Formulas
# are evaluated over exact rationals (Python's ast and fractions), not with engine/formula.py.


def _rounded_bounds(ind: dict, values: dict) -> tuple[Decimal, Decimal, Decimal | None] | None:
    """(actual, threshold or lower bound, upper bound), each at the precision; None when the
    rule cannot be evaluated."""
    bounds = threshold_of(ind, values)
    if values.get("actual") is None or bounds is None:
        return None
    p = ind["precision"]
    low, high = bounds
    return rnd(values["actual"], p), rnd(low, p), None if high is None else rnd(high, p)


def margin(ind: dict, values: dict) -> Decimal | None:
    """actual − threshold (threshold − actual for lower-is-better) at the precision, so positive
    is better than required; for between, the distance to the nearer bound (negative outside)."""
    found = _rounded_bounds(ind, values)
    if found is None:
        return None
    a, t, upper = found
    if upper is not None:
        return min(a - t, upper - a)
    return a - t if ind["direction"] == "higher" else t - a


def completion(ind: dict, values: dict) -> Decimal | None:
    """actual ÷ threshold × 100 (threshold ÷ actual for lower-is-better), half-up to 0.1; none
    for between or a zero denominator."""
    found = _rounded_bounds(ind, values)
    if found is None or found[2] is not None:
        return None
    a, t, _ = found
    num, den = (a, t) if ind["direction"] == "higher" else (t, a)
    if den == 0:
        return None
    return rnd(_CTX.divide(num * 100, den), 1)


def growth(ind: dict, values: dict) -> Decimal | None:
    """(actual − baseline) ÷ baseline × 100 in the good direction, from the rounded values,
    half-up to 0.1; none without a positive baseline."""
    a, b = values.get("actual"), values.get("baseline")
    if a is None or b is None:
        return None
    p = ind["precision"]
    a, b = rnd(a, p), rnd(b, p)
    if b <= 0:
        return None
    delta = a - b if ind["direction"] == "higher" else b - a
    return rnd(_CTX.divide(delta * 100, b), 1)


def applies(ind: dict, theme: str | None, county_type: str | None) -> bool:
    """``applies_to``: every list given must hold the county's theme / type (ids)."""
    scope = ind.get("applies_to") or {}
    if scope.get("themes") and theme not in scope["themes"]:
        return False
    return not (scope.get("county_types") and county_type not in scope["county_types"])


#: Unit sizes within a family (docs/rulesets.md: 亿元 → 万元 is × 10000, 人 → 万人 …).
UNIT_SIZES: dict[str, Decimal] = {
    "元": Decimal(1),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
    "%": Decimal("0.01"),
    "‰": Decimal("0.001"),
    "人": Decimal(1),
    "万人": Decimal(10000),
}


def convert(value: Decimal, given: str | None, declared: str) -> Decimal:
    """A value written in unit ``given`` expressed in the ``declared`` unit (exact)."""
    if not given or given == declared:
        return value
    return _CTX.divide(_CTX.multiply(value, UNIT_SIZES[given]), UNIT_SIZES[declared])


def formula_inputs(text: str) -> list[str]:
    """The names a formula reads, in order of first use."""
    import ast

    found: list[str] = []
    for node in ast.walk(ast.parse(text.strip(), mode="eval")):
        if isinstance(node, ast.Name) and node.id not in found:
            found.append(node.id)
    return found


def formula_value(text: str, inputs: dict[str, Decimal]) -> Decimal | None:
    """The formula's value over exact rationals (None: it divides by zero), as a Decimal of 80
    digits: exact whenever the value has a finite decimal expansion."""
    import ast
    from fractions import Fraction

    source = text.strip()

    def value(node: ast.expr) -> Fraction:
        if isinstance(node, ast.Constant):
            segment = ast.get_source_segment(source, node)
            assert segment is not None
            return Fraction(Decimal(segment.replace("_", "")))
        if isinstance(node, ast.Name):
            return Fraction(inputs[node.id])
        if isinstance(node, ast.UnaryOp):
            inner = value(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        assert isinstance(node, ast.BinOp), ast.dump(node)
        left, right = value(node.left), value(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        assert isinstance(node.op, ast.Div), ast.dump(node)
        return left / right  # ZeroDivisionError: no value

    try:
        exact = value(ast.parse(source, mode="eval").body)
    except ZeroDivisionError:
        return None
    return _CTX.divide(Decimal(exact.numerator), Decimal(exact.denominator))


def derived_values(ind: dict, rows: dict[str, dict]) -> tuple[dict, str | None]:
    """A derived indicator's baseline, target and actual from its inputs' rows (a column the
    inputs do not all give comes from the indicator's own row), its reference from its own row,
    and why the actual is missing: ``"undefined"`` (a division by zero), ``"input"`` or None."""
    formula = ind["derived"]["formula"]
    names = formula_inputs(formula)
    own = rows.get(ind["id"]) or {}
    values: dict = {"reference": own.get("reference")}
    why = None
    for column in ("baseline", "target", "actual"):
        given = [(rows.get(n) or {}).get(column) for n in names]
        if any(v is None for v in given):
            values[column] = own.get(column)
            if column == "actual" and values[column] is None:
                why = "input"
            continue
        values[column] = formula_value(formula, dict(zip(names, given, strict=True)))
        if column == "actual" and values[column] is None:
            why = "undefined"
    return values, why


def reason_code(ind: dict, values: dict, st: str, why: str | None = None) -> str:
    """The rule's reason code: not applicable, ``<what>_missing``, ``between_<status>``,
    ``not_met_equal`` (equal to the threshold under a strict operator), met or not_met."""
    if st == "not_applicable":
        return "not_applicable"
    if st == "not_evaluated":
        if values.get("actual") is None:
            return f"{why or 'actual'}_missing"
        kind = ind["threshold"]["kind"]
        return {"growth": "baseline_missing"}.get(kind, f"{kind}_missing")
    if ind["threshold"]["kind"] == "between":
        return f"between_{st}"
    return "not_met_equal" if st == "not_met" and margin(ind, values) == 0 else st


def verdict_reason_codes(
    indicators: list[dict],
    statuses: dict[str, str],
    min_share: Decimal | None,
    *,
    total: Decimal | None = None,
    pass_mark: Decimal | None = None,
) -> list[str]:
    """Every reason that applies, in this order: binding not met, binding not evaluated, the
    share or score requirement; else the pass reason. ``indicators``: the applicable ones."""
    binding = [statuses[i["id"]] for i in indicators if i["kind"] == "binding"]
    codes = [
        code
        for code, status in (
            ("binding_not_met", "not_met"),
            ("binding_not_evaluated", "not_evaluated"),
        )
        if status in binding
    ]
    if pass_mark is not None:
        assert total is not None
        if total < pass_mark:
            codes.append("score_below")
        return codes or ["pass_score"]
    assert min_share is not None
    expected = [statuses[i["id"]] for i in indicators if i["kind"] == "expected"]
    if expected and Decimal(expected.count("met") * 100) < min_share * len(expected):
        codes.append("expected_share_below")
    return codes or ["pass"]


def assess_county(
    specs: list[dict],
    policy: dict,
    rows: dict[str, dict],
    *,
    theme: str | None = None,
    county_type: str | None = None,
) -> dict:
    """A whole county: per indicator (in ruleset order) its values, status, reason code, margin,
    completion, growth and score; the verdict, its reason codes, the total score, the expected
    share and the growth profile. ``rows``: indicator or input id → baseline / target / actual /
    reference in the declared units; ``theme`` and ``county_type`` are ids."""
    rules: dict[str, dict] = {}
    for ind in specs:
        why = None
        if ind.get("derived"):
            values, why = derived_values(ind, rows)
        else:
            values = rows.get(ind["id"]) or {}
        if applies(ind, theme, county_type):
            st = status(ind, values)
            shown = {
                "margin": margin(ind, values),
                "completion": completion(ind, values),
            }
        else:
            st, shown = "not_applicable", {"margin": None, "completion": None}
        rules[ind["id"]] = {
            "values": values,
            "status": st,
            "reason_code": reason_code(ind, values, st, why),
            **shown,
            # Growth is a figure of the values alone: given for a rule not applicable too;
            # but such a rule counts in no total, the growth profile's neither.
            "growth": growth(ind, values),
            "over_50": st != "not_applicable" and grew_more_than(ind, values, 50),
            "over_100": st != "not_applicable" and grew_more_than(ind, values, 100),
        }
    applicable = [i for i in specs if rules[i["id"]]["status"] != "not_applicable"]
    statuses = {i["id"]: rules[i["id"]]["status"] for i in applicable}
    result: dict = {
        "rules": rules,
        "score": None,
        "growth_over_50": sum(r["over_50"] for r in rules.values()),
        "growth_over_100": sum(r["over_100"] for r in rules.values()),
    }
    expected = [i for i in applicable if i["kind"] == "expected"]
    met = sum(statuses[i["id"]] == "met" for i in expected)
    result["expected_share"] = (
        rnd(_CTX.divide(Decimal(met * 100), Decimal(len(expected))), 2) if expected else None
    )
    if policy["kind"] == "weighted_score":
        scores = {}
        for i in applicable:
            scores[i["id"]] = score(i, rules[i["id"]]["values"], statuses[i["id"]])
            rules[i["id"]]["score"] = scores[i["id"]]
        total = total_score(applicable, scores)
        pass_mark = Decimal(policy["pass_mark"])
        result["score"] = total
        result["verdict"] = verdict(applicable, statuses, None, total=total, pass_mark=pass_mark)
        result["reasons"] = verdict_reason_codes(
            applicable, statuses, None, total=total, pass_mark=pass_mark
        )
    else:
        share = Decimal(policy["expected_min_share"])
        result["verdict"] = verdict(applicable, statuses, share)
        result["reasons"] = verdict_reason_codes(applicable, statuses, share)
    return result
