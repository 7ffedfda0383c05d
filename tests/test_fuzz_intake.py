"""Random bytes and random tables through the loader: a result or a DataError, nothing else; and
never a PASS when a binding value is missing or unreadable."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import engine

RULESET = engine.load_ruleset("provincial-2021")
IDS = [i.id for i in RULESET.indicators]
BINDING = [i.id for i in RULESET.indicators if i.kind == "binding"]
HEADERS = [
    "indicator",
    "baseline",
    "target",
    "actual",
    "unit",
    "source",
    "指标",
    "实际值",
    "目标值",
    "county",
    "note",
    "x",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            *IDS,
            "",
            " ",
            "1",
            "2.5",
            "1,234",
            "9%",
            "—",
            "NaN",
            "１２",
            '"',
            ",",
            "\n",
            "1e400",
            "-0",
            "0.0000001",
        ]
    ),
    st.text(max_size=8),
)


def load(data: bytes, suffix: str = ".csv") -> engine.CountyData | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"county{suffix}"
        path.write_bytes(data)
        try:
            return engine.load_county(path, RULESET)
        except engine.DataError as exc:
            assert exc.file is not None and exc.message
            return None


@given(st.binary(max_size=400), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_never_crash_the_loader(data: bytes, suffix: str) -> None:
    load(data, suffix)


@given(
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6),
    st.lists(st.lists(CELLS, min_size=0, max_size=7), max_size=8),
    st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]),
)
def test_random_tables_load_or_fail_cleanly(
    header: list[str], rows: list[list[str]], encoding: str
) -> None:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    county = load(text.encode(encoding, errors="replace"))
    if county is not None:
        result = engine.assess(county, RULESET)
        missing_binding = any(
            county.values.get(b) is None or county.values[b].actual is None for b in BINDING
        )
        if missing_binding:
            assert result.verdict == "FAIL"
