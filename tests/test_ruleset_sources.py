"""The bundled rulesets against their sources: the corrections of 2026-12-02 («The acceptance
dossier», point 5) stay made, every indicator says what period its value counts, and every
descriptive text is there in Chinese and English, so that a Chinese report is Chinese throughout.

The quotations are from the seeds (../shared/seeds/, see scenarios/README.md) and from the
copies each source's note names."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.model.ruleset import GrowthThreshold, LocalizedText, Ruleset, prose

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted(engine.bundled_rulesets())
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
PLAN_NUMBER = "天政办发〔2021〕23号"
PLAN_TITLE = "天门市创新型县(市)建设实施方案"  # seed 002, as its notice and its own heading say


def descriptive_texts(ruleset: Ruleset) -> Iterator[tuple[str, object]]:
    """Every descriptive text of a ruleset (the ones the language types as Prose), by place."""
    yield "reconstruction", ruleset.reconstruction
    for n, assumption in enumerate(ruleset.assumptions):
        yield f"assumptions[{n}]", assumption
    for src in ruleset.sources:
        for field in ("title", "issuer", "note"):
            yield f"source {src.id}.{field}", getattr(src, field)
    for item in ruleset.inputs:
        yield f"input {item.id}.provenance", item.provenance
    for ind in ruleset.indicators:
        for field in ("provenance", "definition", "department", "data_source"):
            yield f"indicator {ind.id}.{field}", getattr(ind, field)
    for text in ruleset.text_items:
        for field in ("provenance", "definition"):
            yield f"text item {text.id}.{field}", getattr(text, field)


@pytest.mark.parametrize("name", BUNDLED)
def test_every_descriptive_text_is_in_chinese_and_english(name: str) -> None:
    ruleset = engine.load_ruleset(name)
    given = [(place, text) for place, text in descriptive_texts(ruleset) if text is not None]
    assert given
    for place, text in given:
        assert isinstance(text, LocalizedText), f"{name}: {place} is not {{zh, en}}"
        assert CJK.search(text.zh), f"{name}: {place}.zh has no Chinese: {text.zh!r}"
        assert text.en.strip() and text.en != text.zh, f"{name}: {place}.en"


@pytest.mark.parametrize("name", BUNDLED)
def test_every_indicator_states_the_period_its_value_counts(name: str) -> None:
    missing = [ind.id for ind in engine.load_ruleset(name).indicators if ind.measure is None]
    assert missing == [], f"{name}: no measure (stock | annual | cumulative) for {missing}"


# --- 1. the platforms of Tianmen's plan ---------------------------------------------------------


def test_three_new_platforms_a_year_count_the_two_years_on_the_2020_baseline() -> None:
    # Seed 002: 实现年新增科技创新平台3家以上, 到2022年; seed 000: 创建工作于2021年启动.
    # The end-2020 value is the baseline, so 2021 and 2022 each add 3: at least 6, not 9.
    plan = engine.load_ruleset("tianmen-plan-2021")
    threshold = plan.by_id["innovation_platforms"].threshold
    assert isinstance(threshold, GrowthThreshold)
    assert plan.base_year == 2020 and plan.target_year == 2022
    assert threshold.min_increase == 3 * (plan.target_year - plan.base_year) == 6


def test_no_ruleset_or_data_file_counts_three_years_of_platforms() -> None:
    # (The READMEs name the old figure where they record its correction.)
    places = [
        *ROOT.glob("rulesets/*.yaml"),
        *ROOT.glob("scenarios/*.csv"),
        *ROOT.glob("docs/rulesets/*.md"),
        *ROOT.glob("tests/rulesets/**/*.csv"),
    ]
    for path in places:
        text = path.read_bytes().decode("gbk" if path.name == "example-gbk-zh.csv" else "utf-8")
        assert "3×3" not in text and "31 + 9" not in text and "baseline + 9" not in text, path
    platforms = {
        r["target"]
        for path in (ROOT / "scenarios").glob("tianmen-20*.csv")
        for r in _rows(path)
        if r["indicator"] == "innovation_platforms"
    }
    assert platforms == {"37"}  # 31 + 3 × 2


# --- 2. the plan's title -------------------------------------------------------------------------


def test_the_plan_is_cited_by_its_own_title() -> None:
    for name in BUNDLED:
        for src in engine.load_ruleset(name).sources:
            if src.reference == PLAN_NUMBER:
                assert (prose(src.title, "zh") or "").startswith(PLAN_TITLE), (name, src.id)
    titles = [engine.load_ruleset(n).title.zh for n in BUNDLED]
    assert any(title.startswith(PLAN_TITLE) for title in titles)  # tianmen-plan-2021
    for path in [*ROOT.glob("rulesets/*.yaml"), *ROOT.glob("docs/rulesets/*.md")]:
        assert "创建省级创新型县(市)实施方案" not in path.read_text(encoding="utf-8"), path


# --- 3. the super-deduction is not the tax relief ------------------------------------------------


def test_the_tax_relief_is_not_cited_from_the_amount_deducted() -> None:
    # Seed 004: 企业享受研发费加计扣除10.05亿元 (deducted), 减免56家高企所得税1.78亿元 (relief).
    relief = engine.load_ruleset("provincial-2021").by_id["rd_deduction_tax_relief"]
    zh, en = prose(relief.provenance, "zh") or "", prose(relief.provenance, "en") or ""
    assert "不是减免税额" in zh and "不作为本指标的出处" in zh
    assert "Not seed 004" in en and "amount deducted" in en
    deducted = engine.load_ruleset("xianning-2021").by_id["rd_super_deduction"]
    assert "10.05" in (prose(deducted.provenance, "zh") or "")


# --- 4. the monitoring standard's own names and its sourced scoring -----------------------------


def test_the_monitoring_indicators_carry_the_standards_names() -> None:
    monitoring = engine.load_ruleset("st-monitoring")
    assert monitoring.by_id["fiscal_st_share"].name.zh == "地方财政科技拨款占地方财政支出比重"
    assert monitoring.by_id["new_product_sales_share"].name.zh == "新产品销售收入占产品销售收入比重"
    # The one name kept from the shared vocabulary says so.
    rd = monitoring.by_id["rd_intensity"]
    assert "R&D经费支出与地区生产总值比例" in (prose(rd.provenance, "zh") or "")


def test_the_capped_ratio_is_cited_and_no_longer_reported_unseen() -> None:
    monitoring = engine.load_ruleset("st-monitoring")
    notes = [prose(src.note, "zh") or "" for src in monitoring.sources]
    assert any("当dijk≥100时,取100为其上限值" in note for note in notes)
    everything = " ".join(
        prose(text, lang) or ""  # type: ignore[arg-type]
        for _, text in descriptive_texts(monitoring)
        for lang in ("zh", "en")
    )
    assert "not seen" not in everything and "reported convention" not in everything
    assert (ROOT / "rulesets" / "st-monitoring.yaml").read_text(encoding="utf-8").count(
        "not seen"
    ) == 0


# --- 5. Hunan as the copies have it ---------------------------------------------------------------


def test_hunan_is_cited_as_the_copies_have_it() -> None:
    for name in BUNDLED:
        for src in engine.load_ruleset(name).sources:
            if src.id == "hunan-county-system":
                assert src.issuer is None, name  # no issuer in the copies
                assert (prose(src.title, "zh") or "") == "湖南省创新型县(市、区)建设指标体系", name
                assert "taowenge.com" in (prose(src.note, "zh") or ""), name
    hunan = engine.load_ruleset("hunan")
    assert "评价" not in hunan.title.zh
    assert "湖南省科学技术厅" not in (ROOT / "rulesets" / "hunan.yaml").read_text(encoding="utf-8")


# --- 6. assumptions labelled as such -------------------------------------------------------------


def test_the_reconstructions_assumptions_are_labelled() -> None:
    assumptions = " ".join(
        prose(a, "zh") or "" for a in engine.load_ruleset("provincial-2021").assumptions
    )
    assert "指标附后" in assumptions and "假定附表对每项指标列出基期" in assumptions
    assert "天门市实施方案为自身设定的建设目标" in assumptions and "属于假设" in assumptions
    assert "约束性指标无法评价即判定不通过" in assumptions
    for name in ("xianning-2021", "suizhou-2025"):
        labelled = " ".join(prose(a, "zh") or "" for a in engine.load_ruleset(name).assumptions)
        assert "约束性指标无法评价即判定不通过" in labelled, name


# --- 7. what period a value counts ---------------------------------------------------------------


def test_cumulative_and_half_year_figures_are_not_one_years_values() -> None:
    provincial = engine.load_ruleset("provincial-2021")
    for rule_id, total in (
        ("achievements_transferred", "累计转化科技成果130项"),
        ("st_reward_funds", "累计兑现科技创新奖补资金近4000万元"),
    ):
        indicator = provincial.by_id[rule_id]
        assert indicator.measure == "annual"
        assert total in (prose(indicator.definition, "zh") or ""), rule_id
    assert engine.load_ruleset("xianning-2021").by_id["achievements_transferred"].measure == (
        "annual"  # seed 004: 2021年 … 转化科技成果97项
    )


# --- 10. departments and data sources the sources name --------------------------------------------


def test_departments_and_data_sources_come_from_the_sources() -> None:
    hunan = engine.load_ruleset("hunan")
    sources = {ind.id: prose(ind.data_source, "zh") for ind in hunan.indicators}
    assert set(sources.values()) == {"统计部门(供参考)", "科技部门(供参考)", "税务部门(供参考)"}
    assert sources["rd_deduction_tax_relief"] == "税务部门(供参考)"
    plan = engine.load_ruleset("tianmen-plan-2021")
    for rule_id in ("innovation_platforms", "high_tech_applications"):
        assert (prose(plan.by_id[rule_id].department, "zh") or "").startswith(
            "牵头单位:市科技局"
        ), rule_id
    # No other bundled indicator names a department: no source names one for it.
    named = {
        (name, ind.id)
        for name in BUNDLED
        for ind in engine.load_ruleset(name).indicators
        if ind.department is not None
    }
    assert named == {
        ("tianmen-plan-2021", "innovation_platforms"),
        ("tianmen-plan-2021", "high_tech_applications"),
    }


# --- 8. the Tianmen 2022 values against every published figure ------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _tianmen(year: str) -> dict[str, Decimal]:
    rows = _rows(ROOT / "scenarios" / "tianmen-2020-2022.csv")
    return {r["indicator"]: Decimal(r["actual"]) for r in rows if r["year"] == year}


def test_the_illustrative_tianmen_values_agree_with_every_published_figure() -> None:
    y2021, y2022 = _tianmen("2021"), _tianmen("2022")
    # Seed 001 (2023 H1): 兑现科技奖补资金1930.83万元,同比增长22.8% → 2022 H1 ≥ 1930.83 ÷ 1.2285.
    # Seed 000: 创建期间…累计兑现科技创新奖补资金近4000万元, 2023 H1 included.
    funds_2023_h1 = Decimal("1930.83")
    assert y2022["st_reward_funds"] >= funds_2023_h1 / Decimal("1.2285")
    assert y2021["st_reward_funds"] + y2022["st_reward_funds"] + funds_2023_h1 < 4000
    # Seed 000: 累计转化科技成果130项 over the construction period.
    assert y2021["achievements_transferred"] + y2022["achievements_transferred"] <= 130
    # Seed 000: 新建省级科技特派员工作站12个 over the period; seed 001: 6 of them in 2023 H1.
    baseline = _tianmen("2020")["commissioner_stations"]
    assert (y2022["commissioner_stations"] - baseline) + 6 <= 12
    # Seed 000's 2022 figures are the 2022 actuals.
    published = {"high_tech_enterprises": "96", "tech_smes": "271", "fiscal_st_expenditure": "2.77"}
    for rule_id, value in published.items():
        assert y2022[rule_id] == Decimal(value), rule_id
    # Seed 000: 96 high-tech enterprises, 同比增长60% → 60 in 2021.
    assert y2021["high_tech_enterprises"] * Decimal("1.6") == 96


def test_every_file_with_tianmen_2022_data_has_the_same_values() -> None:
    single = {r["indicator"]: r for r in _rows(ROOT / "scenarios" / "tianmen-2022.csv")}
    files = [
        ROOT / "scenarios" / "hubei-four-counties.csv",
        ROOT / "scenarios" / "tianmen-2020-2022.csv",
        ROOT / "tests" / "rulesets" / "tianmen-plan-2021" / "pass" / "tianmen-2022-plan.csv",
    ]
    for path in files:
        for row in _rows(path):
            if row.get("county", "天门市") != "天门市" or row.get("year", "2022") != "2022":
                continue
            if row["indicator"] not in single:
                continue  # the plan's own indicator
            want = single[row["indicator"]]
            got = (row["baseline"], row["target"], row["actual"])
            assert got == (want["baseline"], want["target"], want["actual"]), (path.name, row)


def test_the_published_aggregates_still_hold() -> None:
    # Seed 000: 约束性指标完成率100%,28项指标中21项指标增长率超50%,其中12项指标增长率超100%.
    result = engine.assess(ROOT / "scenarios" / "tianmen-2022.csv", "provincial-2021")
    s = result.summary
    assert (s.binding_met, s.binding_total, s.expected_met, s.expected_total) == (8, 8, 18, 20)
    assert (s.growth_over_50, s.growth_over_100) == (21, 12)
