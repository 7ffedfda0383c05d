"""The parts every section of the ruleset language is made of: exact numbers, comparison words,
texts in two languages, and the rule that no text of a ruleset holds a control character.

Split from :mod:`engine.model.ruleset` so that the threshold kinds
(:mod:`engine.model.thresholds`) can use them without importing the whole language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from engine.decimals import MAX_MAGNITUDE
from engine.model.base import Frozen
from engine.safe_text import has_control, visible_line

Operator = Literal[">=", ">", "<=", "<"]
Direction = Literal["higher", "lower"]
IndicatorKind = Literal["binding", "expected"]

OPERATOR_SPELLINGS = {"≥": ">=", "≤": "<=", "=>": ">=", "=<": "<="}


def _exact(value: Any) -> Any:
    """Numbers in a ruleset must come from their text: a binary float has already lost it."""
    if isinstance(value, float):
        raise ValueError("give the number as YAML text or a string, not a binary float")
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    return value


def _operator(value: Any) -> Any:
    return OPERATOR_SPELLINGS.get(value, value) if isinstance(value, str) else value


ExactDecimal = Annotated[
    Decimal,
    BeforeValidator(_exact),
    Field(allow_inf_nan=False, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE),
]
OperatorField = Annotated[Operator | None, BeforeValidator(_operator)]


def _control_character(text: str) -> str | None:
    """The first control character of ``text``, shown escaped (None when there is none)."""
    if not has_control(text):
        return None
    return next(visible_line(c) for c in text if has_control(c))


def problems_text(problems: list[str]) -> str:
    """Several problems as one ValueError text: one per line (the loader lists them apart)."""
    lines = [p.replace("\n", "\\n") for p in problems]
    if len(lines) == 1:
        return lines[0]
    return f"{len(lines)} problems:\n  " + "\n  ".join(lines)


#: The one model configuration: unknown keys refused, instances immutable.
Strict = Frozen


# A text in both languages: of a ruleset (then checked, see Text), or of a result (any text; the
# reports show control characters escaped). No docstring: it would change the published schema.
class LocalizedText(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class RulesetPart(Strict):
    """A part of a ruleset file. No text of a ruleset holds a control character (ESC, BEL, a
    bidi override …): it would act on a terminal or hide what a report says (tab and newline
    are text). Names and titles are LocalizedText, checked by :data:`Text`."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        texts = (
            [value] if isinstance(value, str) else value if isinstance(value, list | dict) else []
        )
        for text in texts:
            found = _control_character(text) if isinstance(text, str) else None
            if found is not None:
                raise ValueError(f"contains a control character ({found})")
        return value


def _checked_text(text: LocalizedText) -> LocalizedText:
    problems = []
    for lang in ("zh", "en"):
        found = _control_character(text.get(lang))
        if found is not None:
            problems.append(f"field '{lang}': contains a control character ({found})")
        elif not text.get(lang).strip():
            problems.append(f"field '{lang}': is blank")
    if problems:
        raise ValueError("\n".join(problems))
    return text


#: A name, title or label of a ruleset: not blank, no control character.
Text = Annotated[LocalizedText, AfterValidator(_checked_text)]

#: A descriptive text of a ruleset (provenance, reconstruction, an assumption, a source's title):
#: one text, or ``{zh, en}`` so that a Chinese report is Chinese throughout. See :func:`prose`.
Prose = Annotated[str, Field(min_length=1)] | Text


def prose(text: str | LocalizedText | None, lang: str) -> str | None:
    """A descriptive text in ``lang``: a plain text is the same in both languages."""
    if text is None or isinstance(text, str):
        return text
    return text.get(lang)


Measure = Literal["stock", "annual", "cumulative"]
