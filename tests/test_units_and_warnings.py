"""Unit conversions at intake and plausibility warnings in the report (never the verdict)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.units import conversion_factor

RULESET = engine.load_ruleset("provincial-2021")


def load(tmp_path: Path, text: str) -> engine.CountyData:
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    return engine.load_county(path, RULESET)


@pytest.mark.parametrize(
    ("given", "declared", "factor"),
    [
        ("万元", "亿元", "0.0001"),
        ("亿元", "万元", "10000"),
        ("元", "万元", "0.0001"),
        ("%", "‰", "10"),
        ("‰", "%", "0.1"),
        ("％", "‰", "10"),
        ("万人", "人", "10000"),
        ("家", "个", None),
        ("万元", "人", None),
        ("%", "亿元", None),
    ],
)
def test_conversion_factors_are_exact(given: str, declared: str, factor: str | None) -> None:
    assert conversion_factor(given, declared) == (None if factor is None else Decimal(factor))


def test_values_in_another_unit_are_converted_and_reported(tmp_path: Path) -> None:
    county = load(
        tmp_path,
        "indicator,unit,baseline,target,actual\n"
        "fiscal_st_expenditure,万元,17100,25000,27700\n"
        "tech_contract_turnover,亿元,3.2,8,9.65\n",
    )
    values = county.values["fiscal_st_expenditure"]
    assert (values.baseline, values.target, values.actual) == (
        Decimal("1.71"),
        Decimal("2.5"),
        Decimal("2.77"),
    )
    assert values.converted_from == "万元"
    assert county.values["tech_contract_turnover"].converted_from is None
    result = engine.assess(county, RULESET)
    rule = next(r for r in result.rules if r.id == "fiscal_st_expenditure")
    assert (rule.actual, rule.threshold, rule.status) == (Decimal("2.77"), Decimal("2.50"), "met")
    assert [(w.code, w.indicator) for w in result.warnings] == [
        ("unit_converted", "fiscal_st_expenditure")
    ]
    assert "万元" in result.warnings[0].zh and "0.0001" in result.warnings[0].en


def test_percent_sign_follows_the_data_unit(tmp_path: Path) -> None:
    county = load(tmp_path, "indicator,unit,target,actual\nrd_intensity,‰,16,16.8\n")
    assert county.values["rd_intensity"].actual == Decimal("1.68")
    with pytest.raises(engine.DataError, match="carries a '%'"):
        load(tmp_path, "indicator,unit,target,actual\nrd_intensity,‰,16,16.8%\n")


def codes(tmp_path: Path, rows: str) -> list[tuple[str, str | None]]:
    result = engine.assess(load(tmp_path, "indicator,baseline,target,actual\n" + rows), RULESET)
    return [(w.code, w.indicator) for w in result.warnings]


def test_plausibility_warnings(tmp_path: Path) -> None:
    assert codes(tmp_path, "rd_intensity,60,61,101\n") == [("share_over_100", "rd_intensity")]
    assert codes(tmp_path, "rd_intensity,60,61,100\n") == []
    assert codes(tmp_path, "tech_smes,10,20,111\n") == [("growth_over_1000", "tech_smes")]
    assert codes(tmp_path, "tech_smes,10,20,110\n") == []  # exactly 1,000 %: not above
    assert codes(tmp_path, "tech_smes,100,90,120\n") == [("target_below_baseline", "tech_smes")]
    # lower is better: a target above the baseline is the implausible one
    assert codes(tmp_path, "energy_per_gdp,0.5,0.6,0.4\n") == [
        ("target_below_baseline", "energy_per_gdp")
    ]
    assert codes(tmp_path, "energy_per_gdp,0.5,0.4,0.4\n") == []
    assert codes(tmp_path, "tech_smes,100,200,200\nrd_intensity,1,2,2\n") == [
        ("actual_equals_target_everywhere", None)
    ]
    assert codes(tmp_path, "tech_smes,100,200,201\nrd_intensity,1,2,2\n") == []


def test_warnings_do_not_change_the_verdict(tmp_path: Path) -> None:
    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "tianmen-2022.csv"
    text = scenario.read_text(encoding="utf-8").replace(
        "天门市,rd_expenditure,万元,52000,80000,108000",
        "天门市,rd_expenditure,万元,5200,80000,108000",
    )  # growth now far above 1,000 %
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    result = engine.assess(path, RULESET)
    assert [w.code for w in result.warnings] == ["growth_over_1000"]
    assert result.verdict == "PASS"
