"""Ruleset files: the bundled provincial-2021 against the domain table, and precise errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import engine
from engine.model.ruleset import prose

DOMAIN = Path(__file__).resolve().parents[2] / "shared" / "domain" / "provincial-2021.md"
BUNDLED = Path(__file__).resolve().parents[1] / "rulesets" / "provincial-2021.yaml"


def domain_rows() -> list[list[str]]:
    rows = [
        line
        for line in DOMAIN.read_text(encoding="utf-8").splitlines()
        if re.match(r"\| \d+ \|", line)
    ]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows]


# Where the ruleset corrects the domain table's "where it comes from" column (2026-12-02): seed
# 004's 企业享受研发费加计扣除10.05亿元 is the amount deducted, not the tax relief.
CORRECTED_PROVENANCE = {"rd_deduction_tax_relief": "Hunan system"}


@pytest.mark.skipif(not DOMAIN.exists(), reason="../shared is not beside the checkout")
def test_provincial_2021_matches_the_domain_table() -> None:
    rs = engine.load_ruleset("provincial-2021")
    rows = domain_rows()
    assert len(rows) == len(rs.indicators) == 28
    for row, ind in zip(rows, rs.indicators, strict=True):
        _n, iid, zh, _en, unit, precision, category, kind, provenance = row
        assert (
            ind.id,
            ind.name.zh,
            ind.unit,
            ind.precision,
            ind.category.zh,
            ind.kind,
        ) == (iid, zh, unit, int(precision), category, kind)
        english = prose(ind.provenance, "en") or ""
        if iid in CORRECTED_PROVENANCE:
            assert english.startswith(CORRECTED_PROVENANCE[iid]) and "Not seed 004" in english
        else:
            assert english == provenance
        assert ind.threshold.kind == "target"
        assert ind.direction == ("lower" if iid == "energy_per_gdp" else "higher")


def test_provincial_2021_policy_and_labels() -> None:
    rs = engine.load_ruleset("provincial-2021")
    assert sum(i.kind == "binding" for i in rs.indicators) == 8
    assert rs.verdict_policy.expected_min_share == 80
    assert "assumption" in rs.verdict_policy.basis
    assert "reconstruct" in (prose(rs.reconstruction, "en") or "")
    assert rs.assumptions


def minimal(indicator: str = "") -> str:
    return f"""id: t
version: "1"
title: {{zh: 测试, en: test}}
sources: [{{id: s, title: synthetic}}]
reconstruction: synthetic
verdict_policy: {{kind: binding_all_expected_share, expected_min_share: 80, basis: t}}
indicators:
  - id: a
    name: {{zh: 甲, en: A}}
    category: {{zh: 类, en: c}}
    kind: binding
    unit: "%"
    precision: 2
    threshold: {{kind: target}}
    provenance: t
{indicator}"""


def load_text(tmp_path: Path, text: str) -> engine.Ruleset:
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    return engine.load_ruleset(path)


def test_minimal_ruleset_loads(tmp_path: Path) -> None:
    rs = load_text(tmp_path, minimal())
    assert rs.indicators[0].operator == ">="
    assert rs.source_path == tmp_path / "r.yaml"


def test_hash_ignores_formatting_but_not_content(tmp_path: Path) -> None:
    base = load_text(tmp_path, minimal()).content_hash
    assert load_text(tmp_path, "# a comment\n" + minimal()).content_hash == base
    changed = load_text(tmp_path, minimal().replace("precision: 2", "precision: 3"))
    assert changed.content_hash != base


EXTRA = """  - id: b
    name: {{zh: 乙, en: B}}
    category: {{zh: 类, en: c}}
    kind: expected
    unit: "%"
    precision: 2
    provenance: t
    {line}
"""


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("threshold: {kind: target}\n    colour: red", "colour", "unknown key"),
        ("threshold: {kind: absolute, value: 2.555}", None, "finer than the indicator's precision"),
        ("threshold: {kind: target, operator: '=='}", "threshold.operator", "Input should be"),
        ("threshold: {kind: target, operator: '<='}", None, "contradicts direction 'higher'"),
        ("threshold: {kind: nearest}", "threshold", "kind"),
        ("threshold: {kind: absolute}", "threshold.value", "Field required"),
    ],
)
def test_indicator_errors_name_line_indicator_and_field(
    tmp_path: Path, line: str, field: str | None, words: str
) -> None:
    with pytest.raises(engine.RulesetError) as info:
        load_text(tmp_path, minimal(EXTRA.format(line=line)))
    message = info.value.describe()
    assert message.startswith(str(tmp_path / "r.yaml"))
    assert "line 16, indicator 'b'" in message  # the line its '- id: b' is on
    if field:
        assert f"field '{field}'" in message
    assert words in message


def test_arrow_spelling_is_accepted(tmp_path: Path) -> None:
    line = "threshold: {kind: target, operator: '=>'}"
    rs = load_text(tmp_path, minimal(EXTRA.format(line=line)))
    assert rs.indicators[1].operator == ">="


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (minimal().replace("precision: 2", "precision: two"), "valid integer"),
        (
            minimal(EXTRA.format(line="threshold: {kind: target}")).replace("id: b", "id: a"),
            "duplicate indicator id 'a'",
        ),
        (minimal().replace("expected_min_share: 80", "expected_min_share: .inf"), "finite decimal"),
        ("base: &b {x: 1}\nother: *b\n", "aliases"),
        (minimal().replace('version: "1"', 'version: "1"\nversion: "2"'), "duplicate key"),
        ("- just\n- a list\n", "YAML mapping"),
        ("id: [unclosed\n", "line"),
    ],
)
def test_ruleset_errors(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(engine.RulesetError, match=re.escape(words)):
        load_text(tmp_path, text)


def test_all_problems_are_listed_at_once(tmp_path: Path) -> None:
    text = minimal(EXTRA.format(line="threshold: {kind: absolute, value: 1.234}")).replace(
        "precision: 2\n    threshold: {kind: target}",
        "precision: -1\n    threshold: {kind: target}",
    )
    with pytest.raises(engine.RulesetError) as info:
        load_text(tmp_path, text)
    message = info.value.describe()
    assert "2 problems" in message
    assert "indicator 'a', field 'precision'" in message and "indicator 'b'" in message


def test_unknown_bundled_name_lists_the_bundled_ones() -> None:
    bundled = (
        "bundled: hunan, provincial-2021, st-monitoring, suizhou-2025, tianmen-plan-2021, "
        "xianning-2021;"
    )
    with pytest.raises(engine.RulesetError, match=bundled):
        engine.load_ruleset("hubei-2099")


def test_bundled_folder_is_found() -> None:
    assert engine.bundled_rulesets()["provincial-2021"].resolve() == BUNDLED.resolve()
