"""Units: how names are compared, and which units convert exactly into one another."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import lru_cache


@lru_cache(maxsize=4096)  # a batch file repeats the same few dozen names and units
def match_key(text: str) -> str:
    """Matching form of a header, name or unit: full-width forms folded (NFKC: ％ → %, （ → (),
    spaces removed, case ignored."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").casefold()


@lru_cache(maxsize=4096)
def name_key(text: str) -> str:
    """Matching form of an indicator's name or id (docs/semantics.md, "Names"): full-width forms
    folded (NFKC: （ → (, Ｒ → R) and every space removed — and nothing else: case is kept, so
    ``Patents`` and ``PATENTS`` are different names."""
    return "".join(unicodedata.normalize("NFKC", text).split())


# Units that convert exactly (powers of ten) into one another: unit → its size in the family's base.
UNIT_FAMILIES: tuple[dict[str, Decimal], ...] = (
    {"元": Decimal(1), "万元": Decimal(10) ** 4, "亿元": Decimal(10) ** 8},
    {"%": Decimal("0.01"), "‰": Decimal("0.001")},
    {"人": Decimal(1), "万人": Decimal(10) ** 4},
)


def conversion_factor(given: str, declared: str) -> Decimal | None:
    """What a value in ``given`` units is multiplied by to be in ``declared`` units, if exact."""
    for family in UNIT_FAMILIES:
        sizes = {match_key(unit): size for unit, size in family.items()}
        if match_key(given) in sizes and match_key(declared) in sizes:
            return sizes[match_key(given)] / sizes[match_key(declared)]
    return None


def with_unit(value: Decimal | str | None, unit: str) -> str:
    """``2.50%``, ``2.77 亿元``: percent-like units attach, others take a space."""
    if value is None:
        return "—"
    return f"{value}{unit}" if unit in ("%", "‰") else f"{value} {unit}"
