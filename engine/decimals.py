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

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％　", "0123456789.,-+% ")
# ASCII digits only (full-width ones are folded above): \d would admit Arabic-Indic, Thai or
# mathematical-bold digits, which a bureau never types and a reader cannot check.
_PLAIN = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,2})?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
#: Longer than any number a county table holds (12 digits before the point, 6 after, grouping):
#: a longer text is refused before it is converted.
MAX_NUMBER_TEXT = 40


class NumberFormatError(ValueError):
    """A text that is not a number in the accepted forms; the message says what was expected.

    ``code`` names the problem for the message catalogue: ``number_invalid``, ``number_percent``
    (a % where the unit is not %), ``number_too_long`` or ``number_too_large``."""

    def __init__(self, message: str, *, code: str = "number_invalid", text: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.text = text


def parse_number(text: str, *, percent_allowed: bool = False) -> Decimal | None:
    """Parse a cell's text into an exact Decimal; ``None`` for a blank cell.

    Accepted: plain decimals (``2.5``, ``-3``, ``1.2e3``, an exponent of at most two digits),
    thousands separators in groups of three (``1,234.5``), full-width digits and signs, and a
    trailing ``%`` when ``percent_allowed``. Digits of other scripts are not numbers.
    """
    s = text.strip()
    if len(s) > MAX_NUMBER_TEXT:  # before any work on it: a cell may hold megabytes
        raise NumberFormatError(
            f"'{s[:12]}…' ({len(s):,} characters) is too long to be a number",
            code="number_too_long",
            text=f"{s[:12]}…",
        )
    s = s.translate(_FULL_WIDTH).strip()
    if not s:
        return None
    if s.endswith("%"):
        if not percent_allowed:
            raise NumberFormatError(
                f"'{text}' carries a '%' but the indicator's unit is not %",
                code="number_percent",
                text=text,
            )
        s = s[:-1].rstrip()
    if _GROUPED.fullmatch(s):
        s = s.replace(",", "")
    elif not _PLAIN.fullmatch(s):
        raise NumberFormatError(f"'{text}' is not a number", text=text)
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above admit only numbers
        raise NumberFormatError(f"'{text}' is not a number") from exc
    if abs(value) > MAX_MAGNITUDE:
        raise NumberFormatError(
            f"'{text}' is larger in magnitude than {MAX_MAGNITUDE:,.0f}",
            code="number_too_large",
            text=text,
        )
    return value


def round_half_up(value: Decimal, precision: int) -> Decimal:
    """Round to ``precision`` decimals, halves away from zero (1.995 → 2.00, -1.995 → -2.00)."""
    rounded = value.quantize(
        Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP, context=_CONTEXT
    )
    return rounded.copy_abs() if rounded.is_zero() else rounded  # -0.001 → 0.00, not -0.00


class ScaleOverflow(OverflowError):
    """A value too large to compare exactly at its precision; ``value``, ``precision`` and
    ``limit`` (the largest that can be) word it in the catalogue (``value_too_large``)."""

    def __init__(self, value: Decimal, precision: int) -> None:
        self.value, self.precision = value, precision
        self.limit = from_scaled(MAX_SCALED, precision)
        super().__init__(
            f"{value} is too large to compare exactly at {precision} decimals "
            f"(at most {self.limit})"
        )


def to_scaled(value: Decimal, precision: int) -> int:
    """The value rounded half-up to ``precision`` decimals, counted in units of 10**-precision;
    :class:`ScaleOverflow` when it is too large for that."""
    scaled = int(round_half_up(value, precision).scaleb(precision, context=_CONTEXT))
    if abs(scaled) > MAX_SCALED:
        raise ScaleOverflow(value, precision)
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
