"""Formulas of derived indicators: parsed once into a small tree, evaluated with exact Decimals.

A formula is arithmetic over the ruleset's declared inputs: ``rd_expenditure / (gdp * 10000) *
100``. Python's parser reads the text (it only builds a syntax tree; nothing is compiled or run),
and every node is checked against a whitelist: numbers, declared input names, ``+ - * /``, unary
minus and parentheses. Calls, attributes, subscripts, strings, comparisons and every other
construct are refused with a message, so a formula cannot reach anything beyond its inputs.

Evaluation is exact decimal arithmetic (no binary floats), so a derived value compares exactly
like a value read from a cell.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, DivisionByZero, InvalidOperation

MAX_FORMULA_LENGTH = 500
MAX_FORMULA_DEPTH = 30
_CONTEXT = Context(prec=60, traps=[DivisionByZero, InvalidOperation])
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over the declared inputs."""


class FormulaUndefined(ArithmeticError):
    """The formula has no value for these inputs (a division by zero)."""


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
class Binary:
    op: str
    left: Node
    right: Node


Node = Number | Input | Negate | Binary


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
            elif isinstance(node, Binary):
                walk(node.left)
                walk(node.right)

        walk(self.tree)
        return found

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        """The formula's exact value; :class:`FormulaUndefined` on a division by zero."""
        try:
            return _evaluate(self.tree, values)
        except (DivisionByZero, InvalidOperation) as exc:
            raise FormulaUndefined("division by zero") from exc


def _evaluate(node: Node, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Input):
        return values[node.name]
    if isinstance(node, Negate):
        return _CONTEXT.minus(_evaluate(node.operand, values))
    left, right = _evaluate(node.left, values), _evaluate(node.right, values)
    if node.op == "+":
        return _CONTEXT.add(left, right)
    if node.op == "-":
        return _CONTEXT.subtract(left, right)
    if node.op == "*":
        return _CONTEXT.multiply(left, right)
    return _CONTEXT.divide(left, right)


def parse_formula(text: str, allowed_inputs: set[str] | None = None) -> Formula:
    """Parse and check a formula; ``allowed_inputs`` (when given) are the only names it may use."""
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"is longer than {MAX_FORMULA_LENGTH} characters")
    try:
        parsed = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise FormulaError(f"'{text}' is not a formula (use numbers, input ids, + - * / and "
                           "parentheses)") from None
    return Formula(text=text, tree=_convert(parsed.body, text.strip(), allowed_inputs, 0))


def _convert(node: ast.expr, source: str, allowed: set[str] | None, depth: int) -> Node:
    if depth > MAX_FORMULA_DEPTH:
        raise FormulaError(f"is nested more than {MAX_FORMULA_DEPTH} levels deep")
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        # The literal's own text, so that 0.1 stays 0.1 (never a binary float).
        literal = ast.get_source_segment(source, node) or ""
        return Number(Decimal(literal.replace("_", "")))
    if isinstance(node, ast.Name):
        if allowed is not None and node.id not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise FormulaError(f"unknown input '{node.id}' (declared inputs: {known})")
        return Input(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _convert(node.operand, source, allowed, depth + 1)
        return Negate(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return Binary(
            _OPERATORS[type(node.op)],
            _convert(node.left, source, allowed, depth + 1),
            _convert(node.right, source, allowed, depth + 1),
        )
    shown = ast.get_source_segment(source, node) or type(node).__name__
    raise FormulaError(f"'{shown}' is not allowed in a formula (only numbers, input ids, "
                       "+ - * / and parentheses)")
