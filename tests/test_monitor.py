"""Mid-term monitoring: path values, statuses and projections computed by hand (provincial-2021:
base year 2020, target year 2022, every threshold the county's own target)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import assess_command

D = Decimal


def write(tmp_path: Path, rows: list[str], name: str = "county.csv") -> Path:
    path = tmp_path / name
    path.write_text(
        "county,year,indicator,baseline,target,actual\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


ROWS_2021 = [
    # rd_intensity (2 decimals, ≥): path 1.32 + (1.60 − 1.32) × ½ = 1.46; 1.45 is behind.
    "示例县,2021,rd_intensity,1.32,1.60,1.45",
    # tech_smes (integer): path 121 + 119 × ½ = 180.5, half-up 181; 181 is on track.
    "示例县,2021,tech_smes,121,240,181",
    # high_tech_enterprises: 100 already meets the 2022 target of 90: ahead.
    "示例县,2021,high_tech_enterprises,60,90,100",
    # energy_per_gdp (3 decimals, ≤): path 0.520 − 0.040 × ½ = 0.500; 0.505 is behind.
    "示例县,2021,energy_per_gdp,0.520,0.480,0.505",
    # pilot_bases without a baseline: unknown.
    "示例县,2021,pilot_bases,,2,1",
]


def progress(view: engine.Monitoring, year: int) -> dict[str, tuple]:
    [y] = [v for v in view.years if v.year == year]
    return {p.id: (p.path, p.status, p.progress, p.projected) for p in y.indicators}


def test_path_status_progress_and_projection_by_hand(tmp_path: Path) -> None:
    view = engine.monitor(write(tmp_path, ROWS_2021), "provincial-2021")
    assert (view.county, view.base_year, view.target_year) == ("示例县", 2020, 2022)
    rows = progress(view, 2021)
    # progress = (a − b) ÷ (t − b) × 100, 1 decimal; projection q = b + (a − b) × 2.
    assert rows["rd_intensity"] == (D("1.46"), "behind", D("46.4"), D("1.58"))
    assert rows["tech_smes"] == (D("181"), "on_track", D("50.4"), D("241"))
    assert rows["high_tech_enterprises"] == (D("75"), "ahead", D("133.3"), D("140"))
    assert rows["energy_per_gdp"] == (D("0.500"), "behind", D("37.5"), D("0.490"))
    assert rows["pilot_bases"][1] == "unknown"
    assert rows["fiscal_st_share"][1] == "unknown"  # no row at all
    [year] = view.years
    assert year.elapsed == D("50.0")
    assert year.counts == {"ahead": 1, "on_track": 1, "behind": 2, "unknown": 24}
    # Most indicators have no data, so neither the year nor its projection can pass.
    assert (year.verdict, year.projected_verdict) == ("FAIL", "FAIL")


def test_the_projected_verdict_is_the_engines_verdict_on_the_projected_values(
    tmp_path: Path,
) -> None:
    """Tianmen's 2022 table, with a 2021 year halfway between baseline and 2022 actual: each
    trend, continued, reaches the 2022 actual again (up to rounding), so the projection passes."""
    lines = (
        (Path(__file__).resolve().parent.parent / "scenarios" / "tianmen-2022.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    )
    rows = []
    for line in lines:
        county, ind, _unit, b, t, a = line.split(",")[:6]
        mid = (D(b) + D(a)) / 2 if b and a else ""
        rows.append(f"{county},2021,{ind},{b},{t},{mid}")
    view = engine.monitor(write(tmp_path, rows), "provincial-2021")
    [y] = view.years
    assert y.projected_verdict == "PASS"
    for p in y.indicators:
        assert p.projected is not None and p.actual is not None and p.baseline is not None
        assert abs(p.projected - (2 * p.actual - p.baseline)) < D(1).scaleb(-2)


def test_years_are_read_from_the_file_and_sorted(tmp_path: Path) -> None:
    rows = (
        [r.replace(",2021,", ",2022,") for r in ROWS_2021]
        + ROWS_2021
        + ["示例县,2020,rd_intensity,1.32,1.60,1.32"]
    )
    view = engine.monitor(write(tmp_path, rows), "provincial-2021")
    assert [y.year for y in view.years] == [2020, 2021, 2022]
    base = progress(view, 2020)["rd_intensity"]
    assert base == (D("1.32"), "on_track", D("0.0"), None)  # no trend in the base year
    final = progress(view, 2022)
    # In the target year the path is the threshold, and the projection is the actual.
    assert final["rd_intensity"] == (D("1.60"), "behind", D("46.4"), D("1.45"))


@pytest.mark.parametrize(
    ("rows", "kwargs", "message"),
    [
        (["甲,2021,rd_intensity,1,2,1.5", "乙,2021,rd_intensity,1,2,1.5"], {}, "for one county"),
        (["甲,2019,rd_intensity,1,2,1.5"], {}, "outside the ruleset's 2020–2022"),
        (["甲,2021,rd_intensity,1,2,1.5"], {"year": 2022}, "contradicts"),
    ],
)
def test_monitoring_refuses_what_it_cannot_follow(
    tmp_path: Path, rows: list[str], kwargs: dict, message: str
) -> None:
    with pytest.raises(engine.InputError, match=message):
        engine.monitor(write(tmp_path, rows), "provincial-2021", **kwargs)


def test_a_ruleset_without_base_and_target_years_cannot_monitor() -> None:
    county = engine.CountyData.from_mapping("X", {})
    with pytest.raises(engine.InputError, match="needs base_year and target_year"):
        engine.monitor(county, "hunan", year=2021)


def test_a_file_without_a_year_column_needs_year(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text(
        "indicator,baseline,target,actual\nrd_intensity,1.32,1.60,1.45\n", encoding="utf-8"
    )
    with pytest.raises(engine.InputError, match="needs the data's year"):
        engine.monitor(path, "provincial-2021")
    view = engine.monitor(path, "provincial-2021", year=2021)
    assert progress(view, 2021)["rd_intensity"][1] == "behind"


@pytest.mark.parametrize("fmt", ["text", "md", "json", "html"])
def test_monitor_command(tmp_path: Path, fmt: str) -> None:
    run = CliRunner().invoke(
        assess_command,
        [
            "monitor",
            str(write(tmp_path, ROWS_2021)),
            "-r",
            "provincial-2021",
            "--format",
            fmt,
            "--lang",
            "en",
        ],
    )
    assert run.exit_code == 1, run.output  # the projected verdict is FAIL
    if fmt == "json":
        data = json.loads(run.output)
        assert data["years"][0]["counts"]["behind"] == 2
    else:
        assert "Mid-term monitoring" in run.output and "behind" in run.output
        assert "1.46" in run.output


def test_monitor_refuses_formats_it_does_not_render(tmp_path: Path) -> None:
    run = CliRunner().invoke(
        assess_command,
        [
            str(write(tmp_path, ROWS_2021)),
            "-r",
            "provincial-2021",
            "--monitor",
            "--format",
            "xlsx",
            "--output",
            str(tmp_path / "m.xlsx"),
        ],
    )
    assert run.exit_code == 2 and "text, json, md or html" in run.output
