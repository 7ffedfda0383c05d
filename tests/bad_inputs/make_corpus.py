"""Writes the bad-input corpus: python tests/bad_inputs/make_corpus.py

Each file is paired in expected.json with a fragment of the one message it must get. The files are
committed; this script documents how each was made (bytes that are hard to type by hand).
"""

from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
H = "indicator,baseline,target,actual\n"
OK = "rd_intensity,1.32,1.60,1.68\n"

COUNTY: dict[str, tuple[bytes | str, str]] = {
    "empty.csv": (b"", "is empty"),
    "only-whitespace.csv": ("  \n\n \n", "is empty"),
    "header-only.csv": (H, "no indicator rows"),
    "pipe-delimited.csv": ("indicator|actual\nrd_intensity|1.68\n", "no header row"),
    "broken-quoting.csv": (H + 'rd_intensity,"1.32,1.60,1.68\n' + OK, "well-formed CSV"),
    "stray-quote-in-field.csv": (
        H + 'rd_intensity,1.32,1."60,1.68\n',
        "row 2: is not a well-formed CSV table: a double quote",
    ),
    "latin1-bytes.csv": (b"indicator,actual\n\xff\xfe\xfdrd,1\n", "neither UTF-8 nor GBK"),
    "bom-then-gbk.csv": (
        b"\xef\xbb\xbf" + "指标,实际值\n高新技术企业数,96\n".encode("gbk"),
        "BOM but is not UTF-8",
    ),
    "nul-bytes.csv": (b"indicator,actual\nrd_intensity,1\x00\n", "NUL bytes"),
    "misspelt-column.csv": (
        "indicator,actaul\nrd_intensity,1\n",
        "did you mean the column 'actaul'",
    ),
    "missing-actual-column.csv": ("indicator,target\nrd_intensity,1\n", "required column 'actual'"),
    "missing-indicator-column.csv": ("actual,target\n1,2\n", "required column 'indicator'"),
    "duplicate-header.csv": ("indicator,actual,实际值\nrd_intensity,1,2\n", "appears twice"),
    "column-without-header.csv": (
        "indicator,actual,\nrd_intensity,1,5\n",
        "has data but no header",
    ),
    "duplicate-indicator.csv": (H + OK + OK, "appears twice (rows 2 and 3)"),
    "duplicate-by-name.csv": (H + OK + "全社会R&D经费支出占GDP比重,1,2,3\n", "appears twice"),
    "unknown-indicator.csv": (H + OK + "rd_intensty,1,2,3\n", "unknown indicator 'rd_intensty'"),
    "empty-indicator-cell.csv": (H + ",1,2,3\n", "indicator cell is empty"),
    "text-in-number.csv": (H + "rd_intensity,1.32,1.60,约1.7\n", "is not a number"),
    "formula-text.csv": (H + "rd_intensity,1.32,1.60,=B2*1.2\n", "is not a number"),
    "nan.csv": (H + "rd_intensity,1.32,1.60,NaN\n", "is not a number"),
    "infinity.csv": (H + "rd_intensity,1.32,1.60,inf\n", "is not a number"),
    "two-decimal-points.csv": (H + "rd_intensity,1.32,1.60,1.6.8\n", "is not a number"),
    "bad-thousands.csv": (H + 'rd_expenditure,"1,23,4",2,3\n', "is not a number"),
    "percent-on-count.csv": (H + "high_tech_enterprises,41,90,96%\n", "carries a '%'"),
    "negative-count.csv": (H + "high_tech_enterprises,41,90,-96\n", "cannot be negative"),
    "absurd-magnitude.csv": (H + "rd_expenditure,1,2,5e15\n", "larger in magnitude"),
    "negative-count-baseline.csv": (H + "tech_smes,-1,240,271\n", "field 'baseline'"),
    "unit-contradicts.csv": (
        "indicator,unit,target,actual\nfiscal_st_expenditure,家,2,3\n",
        "does not convert to it",
    ),
    "several-counties-one-unnamed.csv": (
        "county,indicator,actual\n天门市,rd_intensity,1\n,tech_smes,2\n",
        "row 3, field 'county'",
    ),
    "several-years-bad-year.csv": (
        "county,year,indicator,actual\n天门市,2021,rd_intensity,1\n"
        "天门市,二〇二二,rd_intensity,2\n",
        "is not a year",
    ),
    "too-many-fields.csv": (H + "rd_intensity,1,2,3,4\n", "row 2: column 5 has data but no header"),
    "xls-extension.xls": (H + OK, "old binary Excel"),
    "text-named-xlsx.xlsx": (H + OK, "is not an .xlsx workbook"),
    "zip-named-xlsx.xlsx": (b"", "is not an .xlsx workbook"),  # written below
}

RULESET_HEAD = """id: bad
version: "1"
title: {zh: 坏, en: bad}
sources: [{id: s, title: t}]
reconstruction: test
verdict_policy: {kind: binding_all_expected_share, expected_min_share: 80, basis: t}
indicators:
"""
IND = """  - id: {id}
    name: {{zh: {zh}, en: {en}}}
    category: {{zh: 类, en: c}}
    kind: binding
    unit: "%"
    precision: 2
    threshold: {threshold}
    provenance: t
"""


EXTENDS = """id: {id}
version: "1"
extends: {parent}
"""
INPUTS = """inputs:
  - {id: rd, name: {zh: 研发, en: R&D}, unit: 万元}
  - {id: gdp, name: {zh: 生产总值, en: GDP}, unit: 亿元}
indicators:"""


def ind(
    id: str = "rd_intensity", threshold: str = "{kind: target}", zh: str = "甲", en: str = "A"
) -> str:
    return IND.format(id=id, threshold=threshold, zh=zh, en=en)


RULESET: dict[str, tuple[str | bytes, str]] = {
    "unknown-key.yaml": (RULESET_HEAD + ind() + "    colour: red\n", "unknown key"),
    "unknown-top-key.yaml": ("extends_from: x\n" + RULESET_HEAD + ind(), "unknown key"),
    "wrong-type.yaml": (
        RULESET_HEAD + ind().replace("precision: 2", "precision: two"),
        "field 'precision'",
    ),
    "negative-precision.yaml": (
        RULESET_HEAD + ind().replace("precision: 2", "precision: -1"),
        "field 'precision'",
    ),
    "duplicate-id.yaml": (RULESET_HEAD + ind() + ind(zh="乙", en="B"), "duplicate indicator id"),
    "duplicate-name.yaml": (RULESET_HEAD + ind() + ind(id="other"), "duplicate indicator name"),
    "invalid-operator.yaml": (
        RULESET_HEAD + ind(threshold="{kind: target, operator: '=='}"),
        "field 'threshold.operator'",
    ),
    "operator-against-direction.yaml": (
        RULESET_HEAD + ind(threshold="{kind: target, operator: '<'}"),
        "contradicts direction",
    ),
    "threshold-finer-than-precision.yaml": (
        RULESET_HEAD + ind(threshold="{kind: absolute, value: 2.555}"),
        "finer than",
    ),
    "unknown-threshold-kind.yaml": (
        RULESET_HEAD + ind(threshold="{kind: nearest}"),
        "does not match any of the expected tags",
    ),
    "absolute-without-value.yaml": (
        RULESET_HEAD + ind(threshold="{kind: absolute}"),
        "field 'threshold.value'",
    ),
    "share-above-100.yaml": (
        RULESET_HEAD.replace("expected_min_share: 80", "expected_min_share: 120") + ind(),
        "field 'verdict_policy.expected_min_share'",
    ),
    "infinite-share.yaml": (
        RULESET_HEAD.replace("expected_min_share: 80", "expected_min_share: .inf") + ind(),
        "not a finite decimal",
    ),
    "alias-bomb.yaml": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a]\n'
        "c: &c [*b,*b,*b,*b,*b]\n",
        "aliases",
    ),
    "duplicate-yaml-key.yaml": (
        RULESET_HEAD.replace('version: "1"', 'version: "1"\nversion: "2"') + ind(),
        "duplicate key 'version'",
    ),
    "deep-nesting.yaml": ("a: " + "[" * 500 + "]" * 500 + "\n", "nested more than"),
    "not-a-mapping.yaml": ("- id: x\n- id: y\n", "a ruleset is a YAML mapping"),
    "empty.yaml": ("", "a ruleset is a YAML mapping"),
    "syntax-error.yaml": ("id: [unclosed\nversion: 1\n", "line"),
    "no-indicators.yaml": (RULESET_HEAD + "  []\n", "field 'indicators'"),
    "not-utf8.yaml": ("id: 坏\n".encode("gbk"), "not UTF-8"),
    "missing-title.yaml": (
        RULESET_HEAD.replace("title: {zh: 坏, en: bad}\n", "") + ind(),
        "field 'title'",
    ),
    "float-bool-threshold.yaml": (
        RULESET_HEAD + ind(threshold="{kind: absolute, value: yes}"),
        "field 'threshold.value'",
    ),
    # Rule kinds, formulas and extends (issue 4).
    "extends-cycle-a.yaml": (
        EXTENDS.format(id="cycle-a", parent="extends-cycle-b.yaml"),
        "extends cycle: extends-cycle-a.yaml → extends-cycle-b.yaml",
    ),
    "extends-cycle-b.yaml": (
        EXTENDS.format(id="cycle-b", parent="extends-cycle-a.yaml"),
        "extends cycle: extends-cycle-b.yaml → extends-cycle-a.yaml",
    ),
    "extends-unknown-parent.yaml": (
        EXTENDS.format(id="orphan", parent="hubei-2099"),
        "unknown ruleset 'hubei-2099'",
    ),
    "override-unknown-indicator.yaml": (
        EXTENDS.format(id="o", parent="provincial-2021") + "overrides:\n  rd_intensty: "
        "{precision: 1}\n",
        "overrides of indicator 'rd_intensty'",
    ),
    "formula-attribute.yaml": (
        RULESET_HEAD.replace("indicators:", INPUTS)
        + ind()
        + "    derived: {formula: 'gdp.__class__'}\n",
        "field 'derived.formula': 'gdp.__class__' is not allowed in a formula",
    ),
    "formula-unknown-input.yaml": (
        RULESET_HEAD.replace("indicators:", INPUTS)
        + ind()
        + "    derived: {formula: 'rd / population'}\n",
        "unknown input 'population'",
    ),
    "between-inverted.yaml": (
        RULESET_HEAD + ind(threshold="{kind: between, min: 5, max: 1}"),
        "min 5 is above max 1",
    ),
    "weight-without-score.yaml": (
        RULESET_HEAD + ind() + "    weight: 2\n",
        "weights are only used by a weighted_score",
    ),
    "unknown-theme.yaml": (
        RULESET_HEAD + ind() + "    applies_to: {themes: [tourism]}\n",
        "unknown theme 'tourism'",
    ),
    "pass-mark-above-100.yaml": (
        RULESET_HEAD.replace(
            "{kind: binding_all_expected_share, expected_min_share: 80, basis: t}",
            "{kind: weighted_score, pass_mark: 150, basis: t}",
        )
        + ind(),
        "field 'verdict_policy.pass_mark'",
    ),
}


def write_xlsx() -> dict[str, str]:
    made: dict[str, str] = {}
    wb = Workbook()  # two sheets with numbers (a text-only 说明 sheet would be ignored)
    wb.active.title = "2021年"
    wb.active.append(["indicator", "actual"])
    wb.active.append(["rd_intensity", 1.5])
    second = wb.create_sheet("2022年")
    second.append(["indicator", "actual"])
    second.append(["rd_intensity", 1.68])
    wb.save(HERE / "county" / "several-sheets.xlsx")
    made["several-sheets.xlsx"] = "choose one with --sheet"

    wb = Workbook()
    ws = wb.active
    ws.append(["指标", "数值", None, None])
    ws.append([None, "基期值", "目标值", "实际值"])
    ws.append(["rd_intensity", 1.32, 1.6, 1.68])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:D1")
    wb.save(HERE / "county" / "two-row-header.xlsx")
    made["two-row-header.xlsx"] = "the header spans two rows"

    # One data row whose actual cell is not a number, four ways.
    for name, actual, message in (
        ("text-in-number.xlsx", "约1.7", "is not a number"),
        ("formula-without-value.xlsx", "=B2*1.1", "no computed value"),
        ("error-value.xlsx", "#DIV/0!", "the cell holds the Excel error #DIV/0!"),
        (
            "date-in-number.xlsx",
            datetime.date(2022, 12, 31),
            "the cell holds a date (2022-12-31), not a number",
        ),
    ):
        wb = Workbook()
        wb.active.append(["indicator", "target", "actual"])
        wb.active.append(["rd_intensity", 1.6, actual])
        wb.save(HERE / "county" / name)
        made[name] = message

    Workbook().save(HERE / "county" / "empty.xlsx")
    made["empty.xlsx"] = "is empty"

    with zipfile.ZipFile(HERE / "county" / "zip-named-xlsx.xlsx", "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return made


def main() -> None:
    expected: dict[str, dict[str, str]] = {"county": {}, "ruleset": {}}
    for kind, corpus in (("county", COUNTY), ("ruleset", RULESET)):
        folder = HERE / kind
        folder.mkdir(exist_ok=True)
        for name, (content, message) in corpus.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
            expected[kind][name] = message
    expected["county"].update(write_xlsx())
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    print(f"{sum(len(v) for v in expected.values())} files")


if __name__ == "__main__":
    main()
