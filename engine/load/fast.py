"""A fast path for large batch files: a plain canonical CSV read straight into columns by polars.

The general loader (``county.py``) reads every cell in Python, which costs about 14 µs a row:
well over a second for a national file. This path handles the plain case only — UTF-8, canonical
headers, indicator ids, plain decimal numbers, no units, themes, derived indicators or text
items — and returns ``None`` for anything else, so that the general loader reads it and gives
its exact messages. It never refuses or accepts a file differently: whatever it declines, the
general loader decides (tests/test_fast_load.py holds the two to the same numbers, and the
bad-input corpus to a refusal).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from engine.decimals import MAX_MAGNITUDE
from engine.errors import InputError
from engine.load.county import COUNT_UNITS, column_of
from engine.load.files import read_bounded
from engine.model.ruleset import Ruleset
from engine.safe_text import CONTROL_PATTERN

#: Larger than the general loader's limit: national files are large and this path is lean.
MAX_FAST_BYTES = 1_000_000_000
SCALE = 12
_NUMBER = r"^-?[0-9]{1,13}(\.[0-9]{1,12})?$"  # ASCII digits: \d would admit full-width ones
_ALLOWED = {
    "county",
    "year",
    "indicator",
    "baseline",
    "target",
    "actual",
    "reference",
    "unit",
    "source",
    "note",
    "seq",
}
NUMBERS = ("actual", "baseline", "target", "reference")


@dataclass(frozen=True)
class FastTable:
    """Counties (with years) in order of first appearance, and per indicator the raw values as
    integers scaled by 10**SCALE, aligned with the counties (null: no value)."""

    counties: list[str]
    years: list[int | None]
    values: dict[str, dict[str, pl.Series]]  # indicator id → column → Int128 series

    def slice(self, start: int, length: int) -> FastTable:
        """The counties ``start`` … ``start + length − 1`` (a chunk of a large batch)."""
        return FastTable(
            counties=self.counties[start : start + length],
            years=self.years[start : start + length],
            values={
                ind: {c: series.slice(start, length) for c, series in columns.items()}
                for ind, columns in self.values.items()
            },
        )


def _scaled(text: pl.Expr) -> pl.Expr:
    whole = text.str.extract(r"^-?([0-9]+)", 1)
    fraction = text.str.extract(r"\.([0-9]+)$", 1).fill_null("").str.pad_end(SCALE, "0")
    magnitude = pl.concat_str([whole, fraction]).cast(pl.Int128)
    return (
        pl.when(text.str.starts_with("-"))
        .then(pl.lit(0, dtype=pl.Int128) - magnitude)
        .otherwise(magnitude)
    )


def read_fast(path: str | Path, ruleset: Ruleset) -> FastTable | None:
    """The table, or None when the file is not in the plain form this path reads."""
    path = Path(path)
    if (
        path.suffix.lower() != ".csv"
        or any(i.derived or i.applies_to for i in ruleset.indicators)
        or ruleset.inputs
        or ruleset.text_items
    ):
        return None
    try:
        raw = read_bounded(path, MAX_FAST_BYTES, InputError)
        if raw[: raw.find(b"\n")].count(b",") > len(_ALLOWED):
            return None  # more columns than the plain form has: not worth parsing here
        raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        frame = pl.read_csv(io.BytesIO(raw), infer_schema=False, raise_if_empty=True)
    except (InputError, UnicodeDecodeError, pl.exceptions.PolarsError):
        return None  # the general loader reads it and says what is wrong
    names = [column_of(c.removeprefix("\ufeff")) for c in frame.columns]
    if (
        None in names
        or len(set(names)) != len(names)
        or not set(names) <= _ALLOWED
        or not {"county", "indicator", "actual"} <= set(names)
    ):
        return None
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))  # type: ignore[arg-type]
    frame = frame.with_columns(pl.col(c).str.strip_chars() for c in frame.columns)
    if "unit" in frame.columns:  # only the declared units: a conversion is the general loader's
        declared = {i.id: i.unit for i in ruleset.indicators}
        unit = pl.col("unit")
        if frame.select(
            (
                unit.is_not_null()
                & (unit != "")
                & (unit != pl.col("indicator").replace_strict(declared, default=None))
            ).any()
        ).item():
            return None
    if "year" not in frame.columns:
        frame = frame.with_columns(year=pl.lit(None, dtype=pl.String))
    ids = {i.id for i in ruleset.indicators}
    count_ids = [i.id for i in ruleset.indicators if i.unit in COUNT_UNITS]
    numbers = [c for c in NUMBERS if c in frame.columns]
    texts = [c for c in ("county", "source", "note", "unit") if c in frame.columns]
    checks = [
        pl.col("county").is_null() | (pl.col("county") == ""),
        # Control characters are shown escaped by the general loader.
        *(pl.col(c).str.contains(CONTROL_PATTERN).fill_null(False) for c in texts),
        ~pl.col("indicator").is_in(list(ids)) | pl.col("indicator").is_null(),
        pl.col("year").is_not_null()
        & ~pl.col("year").str.contains(r"^(19[0-9][0-9]|20[0-9][0-9]|2100)$"),
        *(
            pl.col(c).is_not_null() & (pl.col(c) != "") & ~pl.col(c).str.contains(_NUMBER)
            for c in numbers
        ),
    ]
    if (
        frame.select(pl.any_horizontal(checks).any()).item()
        or frame.select(pl.struct("county", "year", "indicator").is_duplicated().any()).item()
    ):
        return None
    frame = frame.with_columns(
        pl.when(pl.col(c) != "").then(_scaled(pl.col(c))).alias(c) for c in numbers
    )
    limit = int(MAX_MAGNITUDE.scaleb(SCALE))
    too_large = pl.any_horizontal(pl.col(c).abs() >= limit for c in numbers)
    negative_count = pl.col("indicator").is_in(count_ids) & pl.any_horizontal(
        pl.col(c) < 0 for c in numbers
    )
    if frame.select((too_large | negative_count).any()).item():
        return None  # the general loader says which cell and why
    keys = frame.select("county", "year").unique(maintain_order=True).with_row_index("county_index")
    frame = frame.join(keys, on=["county", "year"], how="left", nulls_equal=True)
    values = {}
    for ind in ruleset.indicators:
        rows = keys.select("county_index").join(
            frame.filter(pl.col("indicator") == ind.id), on="county_index", how="left"
        )
        values[ind.id] = {
            c: rows[c] if c in rows.columns else pl.Series(c, [None] * keys.height, dtype=pl.Int128)
            for c in NUMBERS
        }
    return FastTable(
        counties=keys["county"].to_list(),
        years=[int(y) if y else None for y in keys["year"].to_list()],
        values=values,
    )
