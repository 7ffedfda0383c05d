"""The fast loader for plain batch CSVs against the general loader: the same numbers when it
reads a file, and it declines (returns None) every file the general loader refuses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import engine
from engine.batch import assess_counties, assess_file
from engine.load.county import load_counties
from engine.load.fast import SCALE, read_fast
from tests.helpers import assert_same
from tests.national.make import write_national

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "bad_inputs" / "county").iterdir())


@pytest.fixture(scope="module")
def provincial() -> engine.Ruleset:
    return engine.load_ruleset("provincial-2021")


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_it_declines_every_bad_file(path: Path, provincial: engine.Ruleset) -> None:
    assert read_fast(path, provincial) is None


@pytest.mark.parametrize(
    "name", ["hubei-four-counties.csv", "tianmen-2022.csv", "example-missing-binding.csv"]
)
def test_it_reads_plain_files_as_the_general_loader_does(
    name: str, provincial: engine.Ruleset
) -> None:
    path = ROOT / "scenarios" / name
    fast = assess_file(path, provincial)
    assert fast is not None
    assert_same(fast, assess_counties(load_counties(path, provincial), provincial, engine="rete"))


@pytest.mark.slow  # 300 national counties by the fast path and by durable-rules: about 2 s
def test_the_national_file_gives_the_same_batch(tmp_path: Path, provincial: engine.Ruleset) -> None:
    path = write_national(tmp_path / "national.csv", counties=300)
    fast = assess_file(path, provincial)
    assert fast is not None and fast.summary.height == 300
    assert_same(fast, assess_counties(load_counties(path, provincial), provincial, engine="rete"))


@pytest.mark.parametrize(
    "cells",
    [
        "rd_intensity,1.6,1.7%",  # a percent sign
        'rd_expenditure,"80,000",108000',  # a thousands separator
        "研发投入强度,1.6,1.7",  # a name, not an id
        "rd_intensity,1.6,１.7",  # a full-width digit
        "rd_intensity,1.6,1e0",  # an exponent
    ],
)
def test_other_spellings_go_to_the_general_loader(
    cells: str, tmp_path: Path, provincial: engine.Ruleset
) -> None:
    path = tmp_path / "county.csv"
    path.write_text(f"county,indicator,target,actual\n甲县,{cells}\n", encoding="utf-8")
    assert read_fast(path, provincial) is None


def test_rulesets_with_derived_or_restricted_indicators_go_to_the_general_loader() -> None:
    hunan = engine.load_ruleset("hunan")
    assert read_fast(ROOT / "tests/rulesets/hunan/pass/county-a.csv", hunan) is None


# Every plain number the fast path admits: up to 13 integer and 12 decimal digits, signed,
# with leading zeros, and the magnitude limit's neighbourhood.
_PLAIN_NUMBERS = st.builds(
    lambda sign, whole, fraction: f"{sign}{whole}{'.' + fraction if fraction else ''}",
    st.sampled_from(["", "-"]),
    st.from_regex(r"\A[0-9]{1,13}\Z"),
    st.one_of(st.just(""), st.from_regex(r"\A[0-9]{1,12}\Z")),
)


_PROVINCIAL = engine.load_ruleset("provincial-2021")
_LIMIT = Decimal(10) ** 12  # engine.decimals.MAX_MAGNITUDE: the fast path leaves it to the other


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbers=st.lists(_PLAIN_NUMBERS, min_size=3, max_size=3))
@example(numbers=["-0.000000000001", "0999999999999.999999999999", "-0"])
@example(numbers=["-999999999999.5", "999999999999.5", "-12.5"])
@example(numbers=["-1000000000000", "1000000000000.000000000001", "0"])
def test_its_numbers_are_the_general_loaders_to_the_last_digit(
    numbers: list[str], tmp_path: Path
) -> None:
    """Baseline, target and actual of a percent indicator (negatives allowed) read by both
    loaders: the same scaled integers. The fast path declines only what reaches the magnitude
    limit, which the general loader then decides."""
    path = tmp_path / "numbers.csv"
    baseline, target, actual = numbers
    path.write_text(
        f"county,indicator,baseline,target,actual\n甲县,rd_intensity,{baseline},{target},{actual}\n",
        encoding="utf-8",
    )
    table = read_fast(path, _PROVINCIAL)
    if any(abs(Decimal(n)) >= _LIMIT for n in numbers):
        assert table is None
        return
    assert table is not None, numbers
    (county,) = load_counties(path, _PROVINCIAL)
    read = county.values["rd_intensity"]
    for name in ("baseline", "target", "actual"):
        expected = int(getattr(read, name).scaleb(SCALE))
        assert table.values["rd_intensity"][name].to_list() == [expected], (name, numbers)
