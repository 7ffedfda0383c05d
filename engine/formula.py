"""Formulas of derived indicators: parsed once into a small tree, evaluated with exact Decimals.

A formula is arithmetic over the ruleset's declared inputs: ``rd_expenditure / (gdp * 10000) *
100``. Python's parser reads the text (it only builds a syntax tree; nothing is compiled or run),
and every node is checked against a whitelist: numbers, declared input names, ``+ - * /``, unary
minus and parentheses. Calls, attributes, subscripts, strings, comparisons and every other
construct are refused with a message, so a formula cannot reach anything beyond its inputs.

Evaluation is exact decimal arithmetic (no binary floats), so a derived value compares exactly
like a value read from a cell.

Limits, and why evaluation cannot fail in any other way than :class:`FormulaUndefined`:

* A formula is at most :data:`MAX_FORMULA_LENGTH` characters and nested at most
  :data:`MAX_FORMULA_DEPTH` levels. Nesting is real nesting: parentheses, a unary sign, an
  operand of another precedence (``a * b`` inside a sum). A chain of one precedence
  (``a1 + a2 + … + a40``) is one level however long it is (its length is bounded by the
  formula's), and it is held as one flat node, so neither parsing, walking nor evaluating it
  recurses along the chain.
* Every number written in a formula is 0 or between :data:`MIN_LITERAL` and
  :data:`~engine.decimals.MAX_MAGNITUDE` in magnitude, refused at load otherwise.
* Data values are at most ``MAX_MAGNITUDE`` too, but a cell may hold a tiny value (``1e-999999``)
  and a quotient by it may exceed what a Decimal can hold, and a product of many inputs may be
  far larger than any indicator value. The context traps Overflow; an overflow, a division by
  zero and a value beyond :data:`MAX_RESULT` all mean the formula has no value for these inputs:
  :class:`FormulaUndefined`, reported as *not evaluated*. ``MAX_RESULT`` keeps every value
  roundable to an indicator's precision in the 60 digits the engine computes with; a value
  between ``MAX_SCALED`` and it is returned, and refused by the comparison as a data error
  ("too large to compare exactly"), like a cell that large. A result that underflows becomes 0,
  as rounding it to the indicator's precision would.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction

from engine.decimals import MAX_MAGNITUDE

MAX_FORMULA_LENGTH = 500
MAX_FORMULA_DEPTH = 30
#: The largest magnitude of a formula's value: rounded to 6 decimals it still fits the 60 digits
#: of engine.decimals (see the module's docstring).
MAX_RESULT = Decimal("1e50")
#: The smallest non-zero magnitude of a number written in a formula.
MIN_LITERAL = Decimal("1e-12")
#: Inputs whose decimal exponent lies beyond ±100 give no value (a data cell's exponent has at
#: most two digits, and magnitudes above 10¹² are refused): exact rationals stay small.
MAX_INPUT_EXPONENT = 100
_CONTEXT = Context(prec=60, traps=[DivisionByZero, InvalidOperation, Overflow])
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
#: Operators of one precedence: a chain of them is one level of nesting.
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_LITERAL = re.compile(r"(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][+-]?\d[\d_]*)?")


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over the declared inputs."""


class FormulaUndefined(ArithmeticError):
    """The formula has no value for these inputs (a division by zero, or a value too large)."""


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Input:
    name: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Chain:
    """``first op₁ x₁ op₂ x₂ …`` evaluated left to right; the operators share one precedence."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


Node = Number | Input | Negate | Chain


@dataclass(frozen=True)
class Formula:
    text: str
    tree: Node

    @property
    def inputs(self) -> list[str]:
        """The input names the formula reads, in order of first use."""
        found: list[str] = []

        def walk(node: Node) -> None:
            if isinstance(node, Input) and node.name not in found:
                found.append(node.name)
            elif isinstance(node, Negate):
                walk(node.operand)
            elif isinstance(node, Chain):
                walk(node.first)
                for _, operand in node.rest:
                    walk(operand)

        walk(self.tree)
        return found

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        """The formula's exact value; :class:`FormulaUndefined` when it has none (a division by
        zero, or a value beyond the largest magnitude an indicator may have)."""
        if any(not v.is_finite() for v in values.values()):  # a library caller's NaN or inf
            raise FormulaUndefined("no finite value")
        if any(v and abs(v.adjusted()) > MAX_INPUT_EXPONENT for v in values.values()):
            # 1e-999999 as an exact rational has a million-digit denominator; a cell cannot hold
            # it (its exponent has two digits), only a library caller can.
            raise FormulaUndefined("an input is beyond the range formulas compute with")
        exact = _evaluate(self.tree, values)
        if abs(exact) > MAX_RESULT:
            raise FormulaUndefined(f"larger in magnitude than 1e{MAX_RESULT.adjusted()}")
        # To 60 significant digits: exact whenever the value has a finite decimal expansion, so
        # a tie (46.5) stays a tie and rounds half-up at the indicator's precision.
        return _CONTEXT.divide(Decimal(exact.numerator), Decimal(exact.denominator))


def _evaluate(node: Node, values: Mapping[str, Decimal]) -> Fraction:
    """Exact rational arithmetic: ``x / 3 * 4.5`` with x = 31 is 46.5, not 46.4999… (a division
    carried to any number of decimals would round that tie the wrong way)."""
    if isinstance(node, Number):
        return Fraction(node.value)
    if isinstance(node, Input):
        return Fraction(values[node.name])
    if isinstance(node, Negate):
        return -_evaluate(node.operand, values)
    result = _evaluate(node.first, values)
    for op, operand in node.rest:
        right = _evaluate(operand, values)
        if op == "+":
            result += right
        elif op == "-":
            result -= right
        elif op == "*":
            result *= right
        elif right == 0:
            raise FormulaUndefined("division by zero")
        else:
            result /= right
    return result


def _parenthesis_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


def parse_formula(text: str, allowed_inputs: set[str] | None = None) -> Formula:
    """Parse and check a formula; ``allowed_inputs`` (when given) are the only names it may use."""
    if _parenthesis_depth(text) > MAX_FORMULA_DEPTH:
        raise FormulaError(f"is nested more than {MAX_FORMULA_DEPTH} levels deep")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"is longer than {MAX_FORMULA_LENGTH} characters")
    try:
        parsed = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise FormulaError(
            f"'{text}' is not a formula (use numbers, input ids, + - * / and parentheses)"
        ) from None
    return Formula(text=text, tree=_convert(parsed.body, text.strip(), allowed_inputs, 0))


def _literal(node: ast.Constant, source: str) -> Number:
    # The literal's own text, so that 0.1 stays 0.1 (never a binary float), and 1e999999 stays
    # what it says (its float would be inf).
    literal = ast.get_source_segment(source, node) or ""
    if not _LITERAL.fullmatch(literal):
        raise FormulaError(
            f"'{literal}' is not a decimal number (write digits, a decimal point "
            "and an optional exponent, e.g. 10000 or 1e4)"
        )
    value = Decimal(literal.replace("_", ""))
    if value > MAX_MAGNITUDE or (value != 0 and value < MIN_LITERAL):
        size = "large" if value > MAX_MAGNITUDE else "small"
        raise FormulaError(
            f"the number {literal} is too {size} (a number in a formula is 0 or "
            f"between 1e{MIN_LITERAL.adjusted()} and 1e{MAX_MAGNITUDE.adjusted()} "
            "in magnitude)"
        )
    return Number(value)


def _convert(node: ast.expr, source: str, allowed: set[str] | None, depth: int) -> Node:
    """Our tree for ``node``, which is nested ``depth`` levels deep."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return _literal(node, source)
    if isinstance(node, ast.Name):
        if allowed is not None and node.id not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise FormulaError(f"unknown input '{node.id}' (declared inputs: {known})")
        return Input(node.id)
    if depth >= MAX_FORMULA_DEPTH:
        raise FormulaError(f"is nested more than {MAX_FORMULA_DEPTH} levels deep")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _convert(node.operand, source, allowed, depth + 1)
        return Negate(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        # Walk down the left spine of one precedence without recursing: a - b + c is one chain.
        level = _PRECEDENCE[_OPERATORS[type(node.op)]]
        rest: list[tuple[str, ast.expr]] = []
        first: ast.expr = node
        while (
            isinstance(first, ast.BinOp)
            and type(first.op) in _OPERATORS
            and _PRECEDENCE[_OPERATORS[type(first.op)]] == level
        ):
            rest.append((_OPERATORS[type(first.op)], first.right))
            first = first.left
        rest.reverse()
        return Chain(
            _convert(first, source, allowed, depth + 1),
            tuple((op, _convert(operand, source, allowed, depth + 1)) for op, operand in rest),
        )
    shown = ast.get_source_segment(source, node) or type(node).__name__
    raise FormulaError(
        f"'{shown}' is not allowed in a formula (only numbers, input ids, + - * / and parentheses)"
    )
