"""Exact numbers: parsing indicator values from text and comparing them at a declared precision.

Values never pass through binary floats. A cell's text becomes a :class:`~decimal.Decimal`; it is
rounded half-up to the indicator's precision and compared as a scaled integer
(``round_half_up(1.995, 2) == 2.00`` → ``200``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

# Enough digits for any value below MAX_MAGNITUDE at precision 6 and the products we form.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)

#: Largest scaled integer posted to the rule engine: integers up to 2**53 are exact in every
#: JSON reader, durable-rules' C core included.
MAX_SCALED = 2**53 - 1

#: Largest absolute value accepted in a data cell or a ruleset threshold.
MAX_MAGNITUDE = Decimal("1e12")

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９．，－＋％　", "0123456789.,-+% "
)
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class NumberFormatError(ValueError):
    """A text that is not a number in the accepted forms; the message says what was expected."""


def parse_number(text: str, *, percent_allowed: bool = False) -> Decimal | None:
    """Parse a cell's text into an exact Decimal; ``None`` for a blank cell.

    Accepted: plain decimals (``2.5``, ``-3``, ``1.2e3``), thousands separators in groups of three
    (``1,234.5``), full-width digits and signs, and a trailing ``%`` when ``percent_allowed``.
    """
    s = text.translate(_FULL_WIDTH).strip()
    if not s:
        return None
    if s.endswith("%"):
        if not percent_allowed:
            raise NumberFormatError(f"'{text}' carries a '%' but the indicator's unit is not %")
        s = s[:-1].rstrip()
    if _GROUPED.fullmatch(s):
        s = s.replace(",", "")
    elif not _PLAIN.fullmatch(s):
        raise NumberFormatError(f"'{text}' is not a number")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above admit only numbers
        raise NumberFormatError(f"'{text}' is not a number") from exc
    if abs(value) > MAX_MAGNITUDE:
        raise NumberFormatError(f"'{text}' is larger in magnitude than {MAX_MAGNITUDE:,.0f}")
    return value


def round_half_up(value: Decimal, precision: int) -> Decimal:
    """Round to ``precision`` decimals, halves away from zero (1.995 → 2.00, -1.995 → -2.00)."""
    rounded = value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP,
                             context=_CONTEXT)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # -0.001 → 0.00, not -0.00


def to_scaled(value: Decimal, precision: int) -> int:
    """The value rounded half-up to ``precision`` decimals, counted in units of 10**-precision."""
    scaled = int(round_half_up(value, precision).scaleb(precision, context=_CONTEXT))
    if abs(scaled) > MAX_SCALED:
        raise OverflowError(
            f"{value} is too large to compare exactly at {precision} decimals "
            f"(at most {from_scaled(MAX_SCALED, precision)})"
        )
    return scaled


def from_scaled(scaled: int, precision: int) -> Decimal:
    """Inverse of :func:`to_scaled`: keeps the declared number of decimals."""
    return Decimal(scaled).scaleb(-precision, context=_CONTEXT)


def decimals_of(value: Decimal) -> int:
    """How many decimals a value is written with (``2.50`` → 2, ``3`` → 0, ``1E+2`` → 0)."""
    exponent = value.normalize(context=_CONTEXT).as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only
    return max(0, -exponent)


def divide(numerator: Decimal, denominator: Decimal, places: int) -> Decimal:
    """``numerator ÷ denominator`` rounded half-up to ``places`` decimals (denominator ≠ 0)."""
    return round_half_up(_CONTEXT.divide(numerator, denominator), places)


def multiply(a: Decimal, b: Decimal) -> Decimal:
    return _CONTEXT.multiply(a, b)
