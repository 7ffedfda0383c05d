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
from engine.safe_text import CONTROL_PATTERN, INVISIBLE_PATTERN

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
    """A plain decimal text (one that matched ``_NUMBER``: at most 13 + 12 digits) as an
    integer scaled by 10**SCALE, by polars' exact decimal parse; blank is null."""
    # Not strict: a text that is no number (the file is then declined) must not raise here.
    exact = pl.when(text != "").then(text).cast(pl.Decimal(38, SCALE), strict=False)
    return exact.to_physical().cast(pl.Int128)


def _declined(ruleset: Ruleset, numbers: list[str], columns: list[str]) -> list[pl.Expr]:
    """Row conditions this path leaves to the general loader (which says what is wrong)."""
    ids = [i.id for i in ruleset.indicators]
    texts = [c for c in ("county", "source", "note", "unit") if c in columns]
    found = [
        pl.col("county").is_null() | (pl.col("county") == ""),
        # Control characters are shown escaped by the general loader.
        *(pl.col(c).str.contains(CONTROL_PATTERN).fill_null(False) for c in texts),
        # Invisible characters are dropped by the general loader (天门市\u200b is 天门市).
        pl.col("county").str.contains(INVISIBLE_PATTERN).fill_null(False),
        ~pl.col("indicator").is_in(ids) | pl.col("indicator").is_null(),
        pl.col("year").is_not_null()
        & ~pl.col("year").str.contains(r"^(19[0-9][0-9]|20[0-9][0-9]|2100)$"),
        *(
            pl.col(c).is_not_null() & (pl.col(c) != "") & ~pl.col(c).str.contains(_NUMBER)
            for c in numbers
        ),
    ]
    if "unit" in columns:  # only the declared units: a conversion is the general loader's
        declared = {i.id: i.unit for i in ruleset.indicators}
        unit = pl.col("unit")
        found.append(
            (unit.is_not_null() & (unit != ""))
            & (unit != pl.col("indicator").replace_strict(declared, default=None)).fill_null(True)
        )
    return found


def _beyond(ruleset: Ruleset, numbers: list[str]) -> pl.Expr:
    """A scaled value too large to compare exactly, or a negative count: the general loader
    names the cell."""
    limit = int(MAX_MAGNITUDE.scaleb(SCALE))
    count_ids = [i.id for i in ruleset.indicators if i.unit in COUNT_UNITS]
    too_large = pl.any_horizontal(pl.col(c).abs() >= limit for c in numbers)
    negative_count = pl.col("indicator").is_in(count_ids) & pl.any_horizontal(
        pl.col(c) < 0 for c in numbers
    )
    return too_large | negative_count


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
        # polars checks the UTF-8 itself (ComputeError: the general loader then reads it);
        # decoding the file in Python as well cost a copy of it at twice its size.
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
    if "year" not in frame.columns:
        frame = frame.with_columns(year=pl.lit(None, dtype=pl.String))
    # Stripped once, eagerly, so that the frame as read can go (at 100,000 counties each copy
    # is a quarter of a GiB); then the checks in one collect (a plan per check cost a pass
    # over the file each: 95 collects, most of this loader's time).
    frame = frame.with_columns(pl.col(c).str.strip_chars() for c in frame.columns)
    numbers = [c for c in NUMBERS if c in frame.columns]
    scaled = frame.lazy().with_columns(_scaled(pl.col(c)).alias(c) for c in numbers)
    declined, beyond, keys = pl.collect_all(
        [
            frame.lazy().select(
                pl.any_horizontal(_declined(ruleset, numbers, frame.columns)).any()
            ),
            scaled.select(_beyond(ruleset, numbers).any()),
            frame.lazy()
            .select("county", "year")
            .unique(maintain_order=True)
            .with_row_index("county_index"),
        ]
    )
    if declined.item() or beyond.item():
        return None  # the general loader reads it and says which cell and why
    n, order = keys.height, {ind.id: k for k, ind in enumerate(ruleset.indicators)}
    # Where each row goes in a grid of a row per indicator and county, indicator-major, so
    # that indicator k's column is rows k·n … k·n + n − 1 (a slice, not a copy).
    row = pl.col("indicator").replace_strict(order, return_dtype=pl.Int64) * n
    placed = (
        scaled.join(keys.lazy(), on=["county", "year"], how="left", nulls_equal=True)
        .select((row + pl.col("county_index").cast(pl.Int64)).alias("at"), *numbers)
        .collect()
    )
    del frame, scaled
    if placed["at"].is_duplicated().any():
        return None  # a county, year and indicator twice: the general loader names both rows
    grid = (
        pl.LazyFrame({"at": pl.int_range(n * len(order), dtype=pl.Int64, eager=True)})
        .join(placed.lazy(), on="at", how="left", maintain_order="left")
        .collect()
    )
    absent = pl.Series([None] * n, dtype=pl.Int128)
    values = {
        ind.id: {
            c: (grid[c].slice(k * n, n) if c in numbers else absent).rename(c) for c in NUMBERS
        }
        for k, ind in enumerate(ruleset.indicators)
    }
    return FastTable(
        counties=keys["county"].to_list(),
        years=[int(y) if y else None for y in keys["year"].to_list()],
        values=values,
    )
