"""Hostile rulesets: every one ends in a RulesetError (exit code 2 at the command line) with one
clear message naming the file, and where known the line, indicator and field; never an internal
error, never a traceback, never the content of a file that is not a ruleset."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import assess_command
from engine.formula import FormulaError, FormulaUndefined, parse_formula
from engine.model.ruleset import MAX_INDICATORS

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "tianmen-2022.csv"
SHADOW = "root:$6$abc:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"

HEAD = """id: t
version: "1"
title: {zh: 测试, en: test}
sources: [{id: s, title: synthetic}]
reconstruction: synthetic
"""
SHARE = "verdict_policy: {kind: binding_all_expected_share, expected_min_share: 80, basis: t}\n"
SCORE = "verdict_policy: {kind: weighted_score, pass_mark: 60, basis: t}\n"
INPUTS = """inputs:
  - {id: x, name: {zh: 投入, en: X}, unit: 万元}
  - {id: y, name: {zh: 产出, en: Y}, unit: 万元}
"""


def indicator(
    id_: str = "a",
    *,
    zh: str = "甲",
    en: str = "A",
    precision: str = "2",
    threshold: str = "{kind: target}",
    extra: str = "",
) -> str:
    return (
        f"  - id: {id_}\n    name: {{zh: {zh}, en: {en}}}\n    category: {{zh: 类, en: c}}\n"
        f"    kind: binding\n    unit: '%'\n    precision: {precision}\n"
        f"    threshold: {threshold}\n    provenance: t\n{extra}"
    )


def ruleset(*indicators: str, policy: str = SHARE, top: str = "") -> str:
    return HEAD + policy + top + "indicators:\n" + "".join(indicators or (indicator(),))


def derived(formula: str) -> str:
    return ruleset(indicator(extra=f'    derived: {{formula: "{formula}"}}\n'), top=INPUTS)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path | str) -> engine.RulesetError:
    with pytest.raises(engine.RulesetError) as info:
        engine.load_ruleset(path)
    return info.value


def cli(ruleset_path: Path | str, *extra: str) -> str:
    run = CliRunner().invoke(
        assess_command, [str(SCENARIO), "--ruleset", str(ruleset_path), *extra]
    )
    assert run.exit_code == 2, (run.exit_code, run.output)
    assert "Traceback" not in run.output
    assert run.output.startswith("error: "), run.output
    return run.output


def test_the_minimal_ruleset_of_these_tests_loads(tmp_path: Path) -> None:
    assert engine.load_ruleset(write(tmp_path, "r.yaml", ruleset())).id == "t"
    assert engine.load_ruleset(write(tmp_path, "d.yaml", derived("x / y * 100"))).inputs


CASES = [
    # 1. strict types: a boolean or a string is not an integer
    (
        "precision-true",
        ruleset(indicator(precision="true")),
        "line 8, indicator 'a', field 'precision': Input should be a valid integer",
    ),
    (
        "precision-string",
        ruleset(indicator(precision='"2"')),
        "field 'precision': Input should be a valid integer",
    ),
    (
        "precision-decimal",
        ruleset(indicator(precision="2.0")),
        "field 'precision': Input should be a valid integer",
    ),
    (
        "base-year-bool",
        ruleset(top="base_year: true\n"),
        "field 'base_year': Input should be a valid integer",
    ),
    (
        "target-year-string",
        ruleset(top="target_year: '2025'\n"),
        "field 'target_year': Input should be a valid integer",
    ),
    (
        "threshold-bool",
        ruleset(indicator(threshold="{kind: absolute, value: true}")),
        "field 'threshold.value': expected a number, got a boolean",
    ),
    (
        "between-bool",
        ruleset(indicator(threshold="{kind: between, min: false, max: 1}")),
        "field 'threshold.min': expected a number, got a boolean",
    ),
    (
        "weight-bool",
        ruleset(indicator(extra="    weight: true\n"), policy=SCORE),
        "field 'weight': expected a number, got a boolean",
    ),
    (
        "share-bool",
        ruleset().replace("expected_min_share: 80", "expected_min_share: yes"),
        "field 'verdict_policy.expected_min_share': expected a number, got a boolean",
    ),
    # 2. a derived formula must use its inputs
    (
        "formula-constant",
        derived("100"),
        "field 'derived.formula': formula '100' uses none of the declared inputs",
    ),
    ("formula-constant-arithmetic", derived("(1 + 2) * 3"), "uses none of the declared inputs"),
    # 3. literals: finite and within 1e-12 .. 1e12
    ("literal-huge", derived("x * 1e999999"), "the number 1e999999 is too large"),
    ("literal-huge-int", derived("x * 10000000000000"), "the number 10000000000000 is too large"),
    ("literal-tiny-divisor", derived("x / 1e-9999999"), "the number 1e-9999999 is too small"),
    ("literal-tiny", derived("x * 0.0000000000001"), "the number 0.0000000000001 is too small"),
    ("literal-hex", derived("x * 0x10"), "'0x10' is not a decimal number"),
    # 4. nesting is real nesting
    (
        "parentheses-200",
        derived("(" * 200 + "x" + ")" * 200),
        "field 'derived.formula': is nested more than 30 levels deep",
    ),
    (
        "parentheses-10000",
        derived("(" * 10_000 + "x" + ")" * 10_000),
        "is nested more than 30 levels deep",
    ),
    ("signs-40", derived("-" * 40 + "x"), "is nested more than 30 levels deep"),
    # 5. a constant threshold must fit the rule engine's exact integers at its precision
    (
        "absolute-too-large",
        ruleset(indicator(precision="6", threshold="{kind: absolute, value: 999999999999}")),
        "line 8, indicator 'a', field 'threshold.value': 999999999999 is too large to compare "
        "exactly at 6 decimals (at most 9007199254.740991)",
    ),
    (
        "between-too-large",
        ruleset(indicator(precision="4", threshold="{kind: between, min: 0, max: 1e12}")),
        "field 'threshold.max': 1E+12 is too large to compare exactly at 4 decimals "
        "(at most 900719925474.0991)",
    ),
    # 9. the rule engine's limit (its 64-node alpha stack), checked at load with the file named
    (
        "too-many-indicators",
        ruleset(*(indicator(f"i{k}", zh=f"甲{k}", en=f"A{k}") for k in range(64))),
        f"has 64 indicators; the rule engine (durable-rules) compares at most {MAX_INDICATORS}",
    ),
    # 10. names the data could not tell apart
    (
        "same-name-spaced",
        ruleset(indicator(zh="研发投入"), indicator("b", zh="研发 投入", en="B")),
        "indicator 'b' name.zh '研发 投入' is the same name as indicator 'a' name.zh '研发投入'",
    ),
    (
        "same-name-full-width",
        ruleset(indicator(en="R&D"), indicator("b", zh="乙", en="Ｒ&Ｄ")),
        "indicator 'b' name.en 'Ｒ&Ｄ' is the same name as indicator 'a' name.en 'R&D'",
    ),
    (
        "same-name-across-languages",
        ruleset(indicator(zh="GDP", en="GDP"), indicator("b", zh="乙", en="GDP")),
        "indicator 'b' name.en 'GDP' is the same name as indicator 'a' name.zh 'GDP'",
    ),
    (
        "name-is-an-id",
        ruleset(indicator(), indicator("b", zh="乙", en="a")),
        "indicator 'b' name.en 'a' is the id of indicator 'a'",
    ),
    (
        "input-name-is-an-indicator-name",
        ruleset(indicator(zh="投入"), top=INPUTS),
        "duplicate input name.zh '投入' (already the name.zh of indicator 'a')",
    ),
    (
        "input-name-like-an-indicator-name",
        ruleset(indicator(zh="投 入"), top=INPUTS),
        "input 'x' name.zh '投入' is the same name as indicator 'a' name.zh '投 入'",
    ),
    (
        "exact-duplicate-name",
        ruleset(indicator(), indicator("b", en="B")),
        "duplicate indicator name.zh '甲' (already the name.zh of indicator 'a')",
    ),
    (
        "duplicate-theme",
        ruleset(
            top="themes:\n  - {id: eco, name: {zh: 生态, en: Ecology}}\n"
            "  - {id: eco, name: {zh: 生态二, en: Ecology 2}}\n"
        ),
        "duplicate theme id 'eco'",
    ),
    # 11. control characters
    (
        "escape-in-name",
        ruleset(indicator(zh='"甲\\e[31m"')),
        "indicator 'a', field 'name.zh': contains a control character (\\x1b)",
    ),
    (
        "bidi-override",
        ruleset(indicator(zh='"甲\u202e乙"')),
        "contains a control character (\\u202e)",
    ),
    (
        "bell-in-unit",
        ruleset(indicator()).replace("unit: '%'", 'unit: "%\\a"'),
        "field 'unit': contains a control character (\\x07)",
    ),
    (
        "escape-in-assumption",
        ruleset(top='assumptions: ["fine", "not\\e fine"]\n'),
        "field 'assumptions': contains a control character",
    ),
    (
        "escape-in-source",
        HEAD.replace("title: synthetic", 'title: "s\\e"') + SHARE + "indicators:\n" + indicator(),
        "source 's', field 'title': contains a control character",
    ),
    ("blank-name", ruleset(indicator(zh='"  "')), "field 'name.zh': is blank"),
    # 6. no echo of a file that is not a ruleset
    ("shadow-like", SHADOW, "is not a ruleset: it has none of the keys a ruleset has"),
    ("nul-bytes", "id: x\n\x00\x01\n", "line 2: holds a character YAML does not allow (#x0000)"),
    ("broken-yaml", "id: x\nindicators: [\n  root:$6$abc:19000\n", "line 4: "),
]


@pytest.mark.parametrize(("text", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_rulesets_are_refused_with_their_place(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = write(tmp_path, "r.yaml", text)
    error = refused(path)
    message = error.describe()
    assert message.startswith(str(path)), message
    assert fragment in message, message
    assert "$6$" not in message and "daemon" not in message
    assert error.describe("zh").startswith(str(path))


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = ruleset(
        indicator(precision="true"),
        indicator(
            "b", zh="乙", en="B", precision="6", threshold="{kind: absolute, value: 999999999999}"
        ),
        indicator("c", zh='"丙\\e"', en="C"),
    )
    error = refused(write(tmp_path, "r.yaml", text))
    assert len(error.problems) == 3
    message = error.describe()
    assert message.startswith(f"{tmp_path / 'r.yaml'}: 3 problems:\n")
    assert "indicator 'a', field 'precision'" in message
    assert "indicator 'b', field 'threshold.value': 999999999999 is too large" in message
    assert "indicator 'c', field 'name.zh': contains a control character" in message
    assert [p.to_dict()["file"] for p in error.problems] == [str(tmp_path / "r.yaml")] * 3


def test_a_long_flat_sum_is_one_level(tmp_path: Path) -> None:
    inputs = "".join(
        f"  - {{id: a{i}, name: {{zh: 数{i}, en: N{i}}}, unit: 个}}\n" for i in range(40)
    )
    formula = " + ".join(f"a{i}" for i in range(40))
    text = ruleset(
        indicator(extra=f'    derived: {{formula: "{formula}"}}\n'), top="inputs:\n" + inputs
    )
    rs = engine.load_ruleset(write(tmp_path, "r.yaml", text))
    assert rs.indicators[0].derived is not None
    parsed = rs.indicators[0].derived.parsed
    assert parsed.evaluate({f"a{i}": Decimal(i) for i in range(40)}) == sum(range(40))


@pytest.mark.parametrize(
    ("formula", "nested"),
    [
        ("-".join(["a"] * 250), False),  # 250 terms, one level
        (" + ".join(f"a{i}" for i in range(80)), False),
        (" * ".join(["a"] * 120) + " + b", False),
        ("a" + " + (a" * 30 + ")" * 30, False),  # 31 levels counted from the outer sum: 30 nested
        ("a" + " + (a" * 31 + ")" * 31, True),
        ("(" * 31 + "a" + ")" * 31, True),
        ("(" * 200 + "a" + ")" * 200, True),
        ("(" * 10_000 + "a" + ")" * 10_000, True),
        ("a * (b + c * (a - b / (c + a)))", False),
    ],
)
def test_depth_counts_real_nesting(formula: str, nested: bool) -> None:
    if nested:
        with pytest.raises(FormulaError, match="nested more than 30 levels deep"):
            parse_formula(formula, {"a", "b", "c"} | {f"a{i}" for i in range(200)})
    else:
        parse_formula(formula, {"a", "b", "c"} | {f"a{i}" for i in range(200)})


def test_a_long_chain_evaluates_left_to_right() -> None:
    formula = parse_formula("-".join(["a"] * 250), {"a"})
    assert formula.evaluate({"a": Decimal(1)}) == -248
    assert (
        parse_formula("a - b - c", {"a", "b", "c"}).evaluate(
            {"a": Decimal(10), "b": Decimal(3), "c": Decimal(2)}
        )
        == 5
    )
    assert (
        parse_formula("a / b * c", {"a", "b", "c"}).evaluate(
            {"a": Decimal(12), "b": Decimal(3), "c": Decimal(2)}
        )
        == 8
    )
    assert (
        parse_formula("a - (b - c)", {"a", "b", "c"}).evaluate(
            {"a": Decimal(10), "b": Decimal(3), "c": Decimal(2)}
        )
        == 9
    )


@pytest.mark.parametrize(
    ("formula", "values"),
    [
        ("a / b", {"a": "1", "b": "0"}),
        ("a / b", {"a": "0", "b": "0"}),
        ("a / b", {"a": "1e12", "b": "1e-999999"}),  # overflow: a cell may hold a tiny value
        ("a / b / b", {"a": "1e12", "b": "1e-500000"}),
        ("a * a * a * a * a", {"a": "1e12"}),  # beyond what can be rounded in 60 digits
        ("a / (b * b)", {"a": "1", "b": "1e-999999"}),  # the product underflows to 0
    ],
)
def test_evaluation_fails_only_as_undefined(formula: str, values: dict[str, str]) -> None:
    parsed = parse_formula(formula, set(values))
    with pytest.raises(FormulaUndefined):
        parsed.evaluate({k: Decimal(v) for k, v in values.items()})


def test_a_large_but_finite_result_is_a_value() -> None:
    parsed = parse_formula("a * b", {"a", "b"})
    assert parsed.evaluate({"a": Decimal("1e12"), "b": Decimal("1e12")}) == Decimal("1e24")


# --- files that are not regular files --------------------------------------------------------


def test_a_device_is_refused_by_name(tmp_path: Path) -> None:
    error = refused("/dev/zero")
    assert error.describe() == (
        "/dev/zero: is not a regular file (a device); give a ruleset YAML file"
    )
    link = tmp_path / "link.yaml"
    link.symlink_to("/dev/zero")
    assert refused(link).describe().startswith(f"{link}: is not a regular file (a device)")


def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # opening it for reading would block: the test would hang
    assert "is not a regular file (a FIFO, a named pipe)" in refused(fifo).describe()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rules.yaml"
    folder.mkdir()
    assert refused(folder).describe() == (
        f"{folder}: is not a regular file (a directory); give a ruleset YAML file"
    )


def test_the_size_limit_holds_on_the_bytes_read(tmp_path: Path) -> None:
    from engine.load.ruleset import MAX_RULESET_BYTES

    path = write(tmp_path, "big.yaml", ruleset() + "#" * MAX_RULESET_BYTES + "\n")
    message = refused(path).describe()
    assert message == (
        f"{path}: is larger than {MAX_RULESET_BYTES:,} bytes; a ruleset is far "
        "smaller, check the file"
    )


# --- extends ----------------------------------------------------------------------------------


CHILD = 'id: child\nversion: "1"\nextends: {parent}\n'


@pytest.mark.parametrize(
    "parent", ["/etc/shadow", "../outside.yaml", "sub/../../outside.yaml", "/dev/zero"]
)
def test_a_parent_outside_the_folder_is_refused_before_it_is_opened(
    tmp_path: Path, parent: str
) -> None:
    write(tmp_path, "outside.yaml", SHADOW)
    child = write(tmp_path, "here/child.yaml", CHILD.format(parent=parent))
    message = refused(child).describe()
    assert message == (
        f"{child}, field 'extends': '{parent}' is outside this ruleset's folder; "
        "a parent is a bundled ruleset name or a file beside this one"
    )


def test_a_symlink_out_of_the_folder_is_outside(tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.txt", SHADOW)
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "base.yaml").symlink_to(secret)
    (folder / "zero").symlink_to("/dev/zero")
    for parent in ("base.yaml", "zero"):
        child = write(folder, "child.yaml", CHILD.format(parent=parent))
        message = refused(child).describe()
        assert f"'{parent}' is outside this ruleset's folder" in message
        assert "$6$" not in message


def test_a_parent_below_the_folder_and_a_symlink_inside_it_are_read(tmp_path: Path) -> None:
    base = (ROOT / "rulesets" / "provincial-2021.yaml").read_text(encoding="utf-8")
    write(tmp_path, "sub/base.yaml", base)
    (tmp_path / "alias.yaml").symlink_to(tmp_path / "sub" / "base.yaml")
    for parent in ("sub/base.yaml", "alias.yaml", "provincial-2021"):
        child = write(
            tmp_path, "child.yaml", CHILD.format(parent=parent) + "title: {zh: 子, en: child}\n"
        )
        assert engine.load_ruleset(child).ancestors[0].id == "provincial-2021"


def test_bundled_rulesets_extend_bundled_ones() -> None:
    plan = engine.load_ruleset("tianmen-plan-2021")
    assert [p.id for p in plan.ancestors] == ["provincial-2021"]


def test_a_parent_that_is_not_a_ruleset_is_not_echoed(tmp_path: Path) -> None:
    write(tmp_path, "notes.yaml", SHADOW)
    child = write(tmp_path, "child.yaml", CHILD.format(parent="notes.yaml"))
    message = refused(child).describe()
    assert message == (
        f"{child}, field 'extends': in the parent ruleset {tmp_path}/notes.yaml: "
        "is not a ruleset: it has none of the keys a ruleset has (id, version, "
        "indicators, …)"
    )
    write(tmp_path, "broken.yaml", "id: x\nlist: [\n  root:$6$abc:19000:0:99999:7:::\n")
    child = write(tmp_path, "child.yaml", CHILD.format(parent="broken.yaml"))
    message = refused(child).describe()
    assert message.startswith(
        f"{child}, field 'extends': in the parent ruleset {tmp_path}/broken.yaml: line 4: "
    )
    assert "$6$" not in message and "19000" not in message


def test_an_error_in_a_grandparent_names_the_file_given_and_the_chain(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", ruleset(indicator(precision="true")))
    write(tmp_path, "middle.yaml", 'id: middle\nversion: "1"\nextends: base.yaml\n')
    child = write(tmp_path, "child.yaml", CHILD.format(parent="middle.yaml"))
    error = refused(child)
    assert error.file == str(child)
    assert error.describe() == (
        f"{child}, field 'extends': in the parent ruleset {tmp_path}/middle.yaml → "
        f"{tmp_path}/base.yaml: line 8, indicator 'a', field 'precision': Input should be a "
        "valid integer"
    )
    assert "上级规则集" in error.describe("zh")


def test_several_problems_of_a_parent_each_name_both_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        "base.yaml",
        ruleset(indicator(precision="true"), indicator("b", zh='"乙\\e"', en="B")),
    )
    child = write(tmp_path, "child.yaml", CHILD.format(parent="base.yaml"))
    error = refused(child)
    assert len(error.problems) == 2
    for problem in error.problems:
        assert problem.file == str(child) and problem.field == "extends"
        assert f"in the parent ruleset {tmp_path}/base.yaml: line " in problem.describe()


def test_a_parent_that_is_a_fifo_or_a_folder_is_refused_by_name(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "folder").mkdir()
    for parent, kind in (("pipe.yaml", "a FIFO, a named pipe"), ("folder", "a directory")):
        child = write(tmp_path, "child.yaml", CHILD.format(parent=parent))
        assert refused(child).describe() == (
            f"{child}, field 'extends': the parent '{parent}' is not a regular file ({kind})"
        )


def test_a_missing_parent_names_the_child(tmp_path: Path) -> None:
    child = write(tmp_path, "child.yaml", CHILD.format(parent="nowhere.yaml"))
    assert refused(child).describe() == (
        f"{child}, field 'extends': no such ruleset file 'nowhere.yaml' (a path is relative to "
        "this file's folder)"
    )


def test_cycles_and_long_chains_name_the_file_given(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", CHILD.format(parent="b.yaml"))
    b = write(tmp_path, "b.yaml", CHILD.format(parent="a.yaml"))
    message = refused(tmp_path / "a.yaml").describe()
    assert message.startswith(
        f"{tmp_path / 'a.yaml'}, field 'extends': in the parent ruleset {b}: "
    )
    assert message.endswith("extends cycle: a.yaml → b.yaml → a.yaml")
    for i in range(10):
        write(tmp_path, f"c{i}.yaml", CHILD.format(parent=f"c{i + 1}.yaml"))
    message = refused(tmp_path / "c0.yaml").describe()
    assert message.startswith(f"{tmp_path / 'c0.yaml'}, field 'extends': in the parent ruleset")
    assert message.endswith("extends chain is longer than 8 rulesets")


# --- through the command ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (ruleset(indicator(precision="true")), "field 'precision'"),
        (
            ruleset(indicator(precision="6", threshold="{kind: absolute, value: 999999999999}")),
            "is too large to compare exactly at 6 decimals",
        ),
        (derived("100"), "uses none of the declared inputs"),
        (derived("x * 1e999999"), "the number 1e999999 is too large"),
        (
            ruleset(*(indicator(f"i{k}", zh=f"甲{k}", en=f"A{k}") for k in range(130))),
            "has 130 indicators; the rule engine (durable-rules) compares at most 63",
        ),
        (CHILD.format(parent="/etc/shadow"), "is outside this ruleset's folder"),
    ],
)
def test_the_command_exits_2_naming_the_file(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    output = cli(path)
    assert output.startswith(f"error: {path}"), output
    assert fragment in output
    check = CliRunner().invoke(assess_command, ["ruleset", "check", str(path)])
    assert check.exit_code == 2 and check.output.startswith(f"error: {path}"), check.output


def test_the_command_refuses_a_device_and_a_fifo(tmp_path: Path) -> None:
    assert cli("/dev/zero") == (
        "error: /dev/zero: is not a regular file (a device); give a ruleset YAML file\n"
    )
    fifo = tmp_path / "r.yaml"
    os.mkfifo(fifo)
    assert "is not a regular file (a FIFO, a named pipe)" in cli(fifo)


def test_the_command_lists_several_problems_one_per_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        ruleset(indicator(precision="true"), indicator("b", zh='"乙\\e"', en="B")),
    )
    output = cli(path)
    assert output.startswith(f"error: {path}: 2 problems:\n  line 8, indicator 'a'"), output
    assert (
        "\n  line 16, indicator 'b', field 'name.zh': contains a control character (\\x1b)"
        in output
    )
    assert "\x1b" not in output
