"""The message catalogue: every error code the engine raises has both languages, and the list in
docs/errors.md is the catalogue's own."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from engine.catalogue import ERRORS, REPORT, USAGE, with_errors_table
from engine.errors import DataError, InputError, Problems

ROOT = Path(__file__).resolve().parents[1]


def test_docs_list_every_error_code() -> None:
    document = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert with_errors_table(document) == document, "run: python -m engine.catalogue docs/errors.md"


def _raised_codes() -> set[str]:
    found = set()
    for path in (ROOT / "engine").rglob("*.py"):
        found |= set(re.findall(r'\bcode="([a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_code_raised_is_in_the_catalogue() -> None:
    # Codes built at run time (f"{prefix}_missing", the number parser's codes) are checked by
    # the entries they expand to.
    missing = {c for c in _raised_codes() if c not in ERRORS and c not in REPORT}
    assert not missing


SAID = {**ERRORS, **USAGE}  # the errors of bad input and the command line's usage errors


@pytest.mark.parametrize("code", sorted(SAID))
def test_both_languages_take_the_same_parameters(code: str) -> None:
    fields = {
        lang: {f for _, f, _, _ in string.Formatter().parse(SAID[code][lang]) if f}
        for lang in ("zh", "en")
    }
    assert fields["zh"] == fields["en"]
    assert not re.search(r"[,;:?]\s*$", SAID[code]["zh"]), "Chinese ends in half-width punctuation"


def test_an_unknown_code_is_a_defect_not_a_message() -> None:
    with pytest.raises(KeyError):
        InputError(code="no_such_code")


def test_several_problems_are_listed_in_the_users_language() -> None:
    problems = Problems("c.csv")
    for row in (3, 5):
        with problems.catching():
            raise DataError(code="indicator_empty", file="c.csv", row=row, field="指标")
    with pytest.raises(DataError) as info:
        problems.check()
    en, zh = info.value.describe("en"), info.value.describe("zh")
    assert en.splitlines()[0] == "c.csv: 2 problems:"
    assert en.splitlines()[2].startswith("  row 5, field '指标': the indicator cell is empty")
    assert zh.splitlines()[0] == "c.csv：共2处问题："
    assert zh.splitlines()[1].startswith("  第3行，列“指标”：指标名称为空")
    assert [p["row"] for p in map(DataError.to_dict, info.value.each())] == [3, 5]


def test_control_characters_in_a_message_are_shown_escaped() -> None:
    error = DataError(code="year_invalid", params={"text": "\x1b]0;x\x07"}, file="a\x1bb.csv")
    assert "\x1b" not in error.describe() and "\\x1b" in error.describe()
