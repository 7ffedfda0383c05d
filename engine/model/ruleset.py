"""The ruleset language: what a YAML ruleset may say, validated strictly.

A ruleset is data a provincial office can correct without touching code. Every model forbids
unknown keys, so a misspelt key is an error, not a silently ignored line.

Threshold kinds form a discriminated union on ``kind``. A kind only has to say how it resolves to
a threshold for one county (:meth:`resolve`) and whether that threshold is a constant of the
ruleset; the compiler and the evaluator ask nothing else of it, so new kinds slot in here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    field_validator,
    model_validator,
)

from engine.decimals import MAX_MAGNITUDE, decimals_of, multiply, to_scaled
from engine.formula import Formula, FormulaError, parse_formula
from engine.safe_text import has_control, visible_line
from engine.units import name_key

#: durable-rules compares at most this many fields of one fact (it refuses a fact with more than
#: 255 properties, ``sid`` and ``id`` included). A ruleset needs one field for the county, one per
#: indicator whose threshold is a constant (absolute, between) and two per other indicator. The
#: indicator limit below is the tighter one; the compiler keeps this as its last-line check.
MAX_RULE_FIELDS = 250
#: The most indicators one ruleset may hold. durable-rules walks a fact's matching rules with a
#: fixed stack of 64 alpha nodes (``MAX_STACK_SIZE`` in its events.c; error 303 beyond it): every
#: indicator adds one node and the ``seen`` rule one more, so 63 indicators of any threshold kind
#: fit and 64 fail (measured for target, absolute, growth and between). Far above any real annex
#: (Tianmen 28, Enshi 29, Hunan 15 indicators).
MAX_INDICATORS = 63

Operator = Literal[">=", ">", "<=", "<"]
Direction = Literal["higher", "lower"]
IndicatorKind = Literal["binding", "expected"]

_OPERATOR_SPELLINGS = {"≥": ">=", "≤": "<=", "=>": ">=", "=<": "<="}


def _exact(value: Any) -> Any:
    """Numbers in a ruleset must come from their text: a binary float has already lost it."""
    if isinstance(value, float):
        raise ValueError("give the number as YAML text or a string, not a binary float")
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    return value


def _operator(value: Any) -> Any:
    return _OPERATOR_SPELLINGS.get(value, value) if isinstance(value, str) else value


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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# A text in both languages: of a ruleset (then checked, see Text), or of a result (any text; the
# reports show control characters escaped). No docstring: it would change the published schema.
class LocalizedText(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class _RulesetModel(Strict):
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
Prose = str | Text


def prose(text: str | LocalizedText | None, lang: str) -> str | None:
    """A descriptive text in ``lang``: a plain text is the same in both languages."""
    if text is None or isinstance(text, str):
        return text
    return text.get(lang)


Measure = Literal["stock", "annual", "cumulative"]


class IndicatorInputs(Strict):
    """The values of one indicator for one county, as the threshold kinds see them."""

    actual: Decimal | None
    target: Decimal | None
    baseline: Decimal | None
    reference: Decimal | None = None


class Resolved(Strict):
    """A threshold for one county, or the reason there is none (then the rule is not evaluated).

    ``upper`` is the second bound of a two-sided (``between``) threshold.
    """

    value: Decimal | None
    upper: Decimal | None = None
    missing: Literal["target", "baseline", "reference"] | None = None


class _ThresholdBase(_RulesetModel):
    operator: OperatorField = Field(
        default=None, description="Comparison of actual with threshold; default from direction."
    )

    #: True when the threshold is a constant of the ruleset (compiled into the rule itself).
    constant: ClassVar[bool] = False

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        raise NotImplementedError


class TargetThreshold(_ThresholdBase):
    """The county's own declared target for the target year (the plan's annex value)."""

    kind: Literal["target"]

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        if inputs.target is None:
            return Resolved(value=None, missing="target")
        return Resolved(value=inputs.target)


class AbsoluteThreshold(_ThresholdBase):
    """A fixed value written in the ruleset (e.g. a national standard)."""

    kind: Literal["absolute"]
    value: ExactDecimal
    constant: ClassVar[bool] = True

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        return Resolved(value=self.value)


def _beyond(
    base: Decimal, amount: Decimal | None, percent: Decimal | None, direction: Direction
) -> Decimal:
    """``base`` moved in the good direction by an amount or by a percentage of itself (exact;
    the caller rounds to the indicator's precision like any threshold)."""
    sign = 1 if direction == "higher" else -1
    if percent is not None:
        return multiply(base, 1 + sign * percent / 100)
    return base + sign * (amount or 0)


class GrowthThreshold(_ThresholdBase):
    """A minimum improvement over the base year, in the indicator's good direction: either a
    growth in percent or an increase in the indicator's unit (one of the two).

    The required value is ``baseline × (1 + min_growth/100)`` or ``baseline + min_increase``
    (``× (1 − min_growth/100)`` and ``− min_increase`` for a lower-is-better indicator), rounded
    half-up to the indicator's precision like any threshold.
    """

    kind: Literal["growth"]
    min_growth: ExactDecimal | None = Field(
        default=None, description="Minimum growth over the baseline, in percent."
    )
    min_increase: ExactDecimal | None = Field(
        default=None, description="Minimum increase over the baseline, in the indicator's unit."
    )

    @model_validator(mode="after")
    def _one_of(self) -> GrowthThreshold:
        if (self.min_growth is None) == (self.min_increase is None):
            raise ValueError(
                "give exactly one of min_growth (percent) or min_increase (in the indicator's unit)"
            )
        return self

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        if inputs.baseline is None:
            return Resolved(value=None, missing="baseline")
        return Resolved(
            value=_beyond(inputs.baseline, self.min_increase, self.min_growth, direction)
        )


class ReferenceThreshold(_ThresholdBase):
    """A reference value supplied as data (e.g. the provincial average of the same indicator),
    optionally with a margin in the good direction: in the indicator's unit or in percent."""

    kind: Literal["reference"]
    label: Text = Field(
        default=LocalizedText(zh="参考值", en="reference value"),
        description="What the reference is, e.g. 全省平均水平 / the provincial average.",
    )
    margin: ExactDecimal | None = Field(
        default=None, description="Required margin beyond the reference, in the indicator's unit."
    )
    margin_percent: ExactDecimal | None = Field(
        default=None, description="Required margin beyond the reference, in percent of it."
    )

    @model_validator(mode="after")
    def _one_margin(self) -> ReferenceThreshold:
        if self.margin is not None and self.margin_percent is not None:
            raise ValueError("give margin or margin_percent, not both")
        return self

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        if inputs.reference is None:
            return Resolved(value=None, missing="reference")
        return Resolved(
            value=_beyond(inputs.reference, self.margin, self.margin_percent, direction)
        )


class BetweenThreshold(_ThresholdBase):
    """Inclusive bounds written in the ruleset: met when ``min ≤ actual ≤ max``."""

    kind: Literal["between"]
    min: ExactDecimal
    max: ExactDecimal
    constant: ClassVar[bool] = True

    @model_validator(mode="after")
    def _bounds(self) -> BetweenThreshold:
        if self.operator is not None:
            raise ValueError("a between threshold takes no operator (both bounds are inclusive)")
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    def resolve(self, inputs: IndicatorInputs, *, precision: int, direction: Direction) -> Resolved:
        return Resolved(value=self.min, upper=self.max)


Threshold = Annotated[
    TargetThreshold | AbsoluteThreshold | GrowthThreshold | ReferenceThreshold | BetweenThreshold,
    Field(discriminator="kind"),
]
THRESHOLD_KINDS = ("target", "absolute", "growth", "reference", "between")


class Applicability(_RulesetModel):
    """Which counties an indicator applies to; elsewhere it is *not applicable* and not counted."""

    themes: list[str] | None = Field(
        default=None, min_length=1, description="Construction theme ids (see the ruleset's themes)."
    )
    county_types: list[str] | None = Field(
        default=None, min_length=1, description="County type ids (see county_types)."
    )


class Derived(_RulesetModel):
    """An indicator computed from raw inputs the county supplies."""

    formula: str = Field(min_length=1, description="Arithmetic over input ids: + - * / ( ).")

    @cached_property
    def parsed(self) -> Formula:
        return parse_formula(self.formula)

    @field_validator("formula")
    @classmethod
    def _syntax(cls, formula: str) -> str:
        try:
            parsed = parse_formula(formula)  # now, so that a bad formula fails at load time
        except FormulaError as exc:
            raise ValueError(str(exc)) from None
        if not parsed.inputs:
            # A constant would be "met" while every input is blank.
            raise ValueError(f"formula '{formula}' uses none of the declared inputs")
        return formula


class Indicator(_RulesetModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: Text
    category: Text
    kind: IndicatorKind
    unit: str = Field(min_length=1)
    precision: StrictInt = Field(
        ge=0, le=6, description="Decimals compared (values rounded half-up)."
    )
    direction: Direction = "higher"
    threshold: Threshold
    provenance: Prose = Field(min_length=1, description="Where the indicator comes from.")
    definition: Prose | None = None
    measure: Measure | None = Field(
        default=None,
        description="What the value counts: a stock at the year's end, one year's flow (annual), "
        "or a total over the construction period (cumulative).",
    )
    department: Prose | None = Field(
        default=None, description="The department responsible for the value (责任单位)."
    )
    data_source: Prose | None = Field(
        default=None, description="Where the value is taken from (数据来源)."
    )
    derived: Derived | None = Field(
        default=None, description="Computed from the ruleset's inputs instead of read directly."
    )
    applies_to: Applicability | None = None
    weight: ExactDecimal | None = Field(
        default=None, ge=0, description="Weight in a weighted_score policy (default 1)."
    )

    @model_validator(mode="after")
    def _check_threshold(self) -> Indicator:
        problems = []
        constants: dict[str, Decimal] = {}
        if isinstance(self.threshold, BetweenThreshold):
            constants = {"threshold.min": self.threshold.min, "threshold.max": self.threshold.max}
            if any(decimals_of(b) > self.precision for b in constants.values()):
                problems.append(
                    f"between bounds {self.threshold.min}..{self.threshold.max} are "
                    f"finer than the indicator's precision of {self.precision} "
                    "decimals"
                )
        else:
            op = self.threshold.operator
            if op is not None and (op in (">=", ">")) != (self.direction == "higher"):
                problems.append(
                    f"operator '{op}' contradicts direction '{self.direction}' "
                    f"(higher is better takes >= or >, lower is better takes <= or <)"
                )
            if isinstance(self.threshold, AbsoluteThreshold):
                constants = {"threshold.value": self.threshold.value}
                if decimals_of(self.threshold.value) > self.precision:
                    problems.append(
                        f"threshold value {self.threshold.value} is finer than the indicator's "
                        f"precision of {self.precision} decimals"
                    )
        # A constant threshold is compiled into the rule as value × 10^precision, which must be
        # an exact integer for the rule engine (engine.decimals.MAX_SCALED).
        for field, value in constants.items():
            try:
                to_scaled(value, self.precision)
            except OverflowError as exc:
                problems.append(f"field '{field}': {exc}")
        if problems:
            raise ValueError(problems_text(problems))
        return self

    @property
    def operator(self) -> Operator | Literal["between"]:
        """The comparison in force: the declared one, or ≥ / ≤ from the direction."""
        if isinstance(self.threshold, BetweenThreshold):
            return "between"
        if self.threshold.operator is not None:
            return self.threshold.operator
        return ">=" if self.direction == "higher" else "<="


class ExpectedSharePolicy(_RulesetModel):
    """PASS when every binding indicator is met and at least a share of the expected ones is."""

    kind: Literal["binding_all_expected_share"]
    expected_min_share: ExactDecimal = Field(
        ge=0, le=100, description="Minimum share of expected indicators met, in percent."
    )
    basis: str = Field(min_length=1, description="Where the rule comes from, assumptions named.")

    @model_validator(mode="after")
    def _check_share(self) -> ExpectedSharePolicy:
        if decimals_of(self.expected_min_share) > 2:
            raise ValueError("expected_min_share takes at most 2 decimals")
        return self


class WeightedScorePolicy(_RulesetModel):
    """PASS when every binding indicator is met and the weighted score reaches the pass mark.

    Per indicator: 100 when met, else ``min(actual ÷ threshold, 1) × 100`` (``threshold ÷
    actual`` for lower-is-better; 0 for a ``between`` rule or a divisor ≤ 0; 0 when not
    evaluated), rounded half-up to 2 decimals; the total is the weighted mean of the applicable
    indicators, rounded the same way (engine/infer/scoring.py).
    """

    kind: Literal["weighted_score"]
    pass_mark: ExactDecimal = Field(ge=0, le=100, description="Minimum total score, 0–100.")
    basis: str = Field(min_length=1, description="Where the rule comes from, assumptions named.")

    @model_validator(mode="after")
    def _check_mark(self) -> WeightedScorePolicy:
        if decimals_of(self.pass_mark) > 2:
            raise ValueError("pass_mark takes at most 2 decimals")
        return self


VerdictPolicy = Annotated[ExpectedSharePolicy | WeightedScorePolicy, Field(discriminator="kind")]
POLICY_KINDS = ("binding_all_expected_share", "weighted_score")


class RawInput(_RulesetModel):
    """A raw value the county supplies for derived indicators (a row of the data, like an
    indicator, but not assessed itself)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: Text
    unit: str = Field(min_length=1)
    provenance: Prose | None = None


class TextItem(_RulesetModel):
    """A free-text item carried into the report as written, never scored (e.g. 特色指标)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: Text
    provenance: Prose = Field(min_length=1)
    definition: Prose | None = None


class Choice(_RulesetModel):
    """One of the values a county attribute may take (a construction theme, a county type)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: Text


class SourceDocument(_RulesetModel):
    id: str = Field(min_length=1)
    title: Prose = Field(min_length=1)
    issuer: Prose | None = None
    date: str | None = None
    reference: str | None = None
    note: Prose | None = None


_KINDS: dict[type, str] = {}  # filled in below, once the classes exist


def _collisions(
    items: Sequence[Indicator | RawInput | TextItem | Choice], kind: str | None = None
) -> list[str]:
    """Ids and names that the data could not tell apart: equal ids, and names equal to another
    item's name or id once full-width forms are folded and spaces removed (engine.units.name_key;
    case is kept). An item's own names may equal each other and its id."""
    problems = []
    seen: dict[str, tuple[Any, str, str]] = {}  # key → (item, "id" / "name.zh" …, text)

    def label(item: Any) -> str:
        return f"{kind or _KINDS[type(item)]} '{item.id}'"

    for item in items:  # ids first, so that a name is checked against every id
        this_kind = kind or _KINDS[type(item)]
        if item.id in seen:
            other = seen[item.id][0]
            other_kind = kind or _KINDS[type(other)]
            also = "" if other_kind == this_kind else f" (already used by {_article(other_kind)})"
            problems.append(f"duplicate {this_kind} id '{item.id}'{also}")
            continue
        seen[item.id] = (item, "id", item.id)
    for item in items:
        for lang in ("zh", "en"):
            text = item.name.get(lang)
            key = name_key(text)
            if key not in seen:
                seen[key] = (item, f"name.{lang}", text)
                continue
            other, what, other_text = seen[key]
            if other is item:
                continue
            this = f"name.{lang}"
            if what == "id":
                problems.append(
                    f"{label(item)} {this} '{text}' is the id of {label(other)} "
                    "(the data names an item by its id or its name)"
                )
            elif what == this and text == other_text:
                problems.append(
                    f"duplicate {kind or _KINDS[type(item)]} {this} '{text}' "
                    f"(already the {what} of {label(other)})"
                )
            else:
                problems.append(
                    f"{label(item)} {this} '{text}' is the same name as "
                    f"{label(other)} {what} '{other_text}' (names are compared "
                    "with full-width forms folded and spaces removed)"
                )
    return problems


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


class Ruleset(_RulesetModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    title: Text
    extends: str | None = Field(
        default=None, description="The ruleset this one builds on, by bundled name or path."
    )
    base_year: StrictInt | None = None
    target_year: StrictInt | None = None
    sources: list[SourceDocument] = Field(min_length=1)
    reconstruction: Prose = Field(
        min_length=1, description="Plainly: what is reconstructed or assumed, and what is sourced."
    )
    assumptions: list[Prose] = Field(default_factory=list)
    verdict_policy: VerdictPolicy
    themes: list[Choice] = Field(
        default_factory=list, description="Construction themes indicators may apply to."
    )
    county_types: list[Choice] = Field(
        default_factory=list, description="County types indicators may apply to."
    )
    inputs: list[RawInput] = Field(
        default_factory=list, description="Raw values that derived indicators use."
    )
    indicators: list[Indicator] = Field(min_length=1)
    text_items: list[TextItem] = Field(
        default_factory=list, description="Free-text items carried into the report."
    )

    _source_path: Path | None = PrivateAttr(default=None)
    _ancestors: tuple[Ruleset, ...] = PrivateAttr(default=())

    @property
    def source_path(self) -> Path | None:
        """The file the ruleset was loaded from (not part of its content or hash)."""
        return self._source_path

    @property
    def ancestors(self) -> tuple[Ruleset, ...]:
        """The rulesets this one extends, nearest first (empty when it extends none)."""
        return self._ancestors

    @model_validator(mode="after")
    def _check_consistent(self) -> Ruleset:
        items: list[Indicator | RawInput | TextItem] = [
            *self.indicators,
            *self.inputs,
            *self.text_items,
        ]
        # Indicators, inputs and text items share the data's indicator column (by id or name).
        problems = _collisions(items)
        problems += _collisions(self.themes, "theme")
        problems += _collisions(self.county_types, "county type")
        inputs = {i.id for i in self.inputs}
        for ind in self.indicators:
            where = f"indicator '{ind.id}'"
            if ind.derived is not None:
                try:
                    parse_formula(ind.derived.formula, inputs)
                except FormulaError as exc:
                    problems.append(f"{where}, field 'derived.formula': {exc}")
            if ind.weight is not None and not self.scored:
                problems.append(
                    f"{where}, field 'weight': weights are only used by a "
                    "weighted_score verdict policy"
                )
            if ind.applies_to is not None:
                for field, choices in (
                    ("themes", self.themes),
                    ("county_types", self.county_types),
                ):
                    ids = {c.id for c in choices}
                    for value in getattr(ind.applies_to, field) or []:
                        if value not in ids:
                            problems.append(
                                f"{where}, field 'applies_to.{field}': unknown {field[:-1]} "
                                f"'{value}' (declared: {', '.join(sorted(ids)) or 'none'})"
                            )
        if len(self.indicators) > MAX_INDICATORS:
            problems.append(
                f"has {len(self.indicators)} indicators; the rule engine (durable-rules) "
                f"compares at most {MAX_INDICATORS} in one ruleset: split it into rulesets of "
                f"at most {MAX_INDICATORS} indicators"
            )
        if problems:
            raise ValueError(problems_text(problems))
        return self

    @property
    def rule_fields(self) -> int:
        """How many fields the rules compare in one county's fact (see MAX_RULE_FIELDS)."""
        return 1 + sum(1 if ind.threshold.constant else 2 for ind in self.indicators)

    @property
    def scored(self) -> bool:
        """The verdict is a weighted score (rules carry scores and weights)."""
        return isinstance(self.verdict_policy, WeightedScorePolicy)

    @cached_property
    def by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    @cached_property
    def data_items(self) -> dict[str, Indicator | RawInput | TextItem]:
        """Everything a county's data may carry a row for: indicators, inputs, text items."""
        items: list[Indicator | RawInput | TextItem] = [
            *self.indicators,
            *self.inputs,
            *self.text_items,
        ]
        return {item.id: item for item in items}

    @cached_property
    def by_name(self) -> dict[str, Indicator | RawInput | TextItem]:
        """Data items by their exact Chinese or English name, as a bureau's sheet may carry."""
        names = {item.name.zh: item for item in self.data_items.values()}
        names.update({item.name.en: item for item in self.data_items.values()})
        return names

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the ruleset's canonical JSON: formatting, comments and spelled-out defaults
        do not change it; for a ruleset that extends another, it covers the merged content."""
        # Defaults left out: a field added to the format later does not change existing hashes.
        content = self.model_dump(mode="json", exclude_defaults=True)
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_KINDS.update({Indicator: "indicator", RawInput: "input", TextItem: "text item"})


class IndicatorOverride(_RulesetModel):
    """Fields of an inherited indicator replaced by a ruleset that extends another (each field
    is replaced whole; the id cannot change)."""

    name: Text | None = None
    category: Text | None = None
    kind: IndicatorKind | None = None
    unit: str | None = None
    precision: StrictInt | None = Field(default=None, ge=0, le=6)
    direction: Direction | None = None
    threshold: Threshold | None = None
    provenance: Prose | None = None
    definition: Prose | None = None
    measure: Measure | None = None
    department: Prose | None = None
    data_source: Prose | None = None
    derived: Derived | None = None
    applies_to: Applicability | None = None
    weight: ExactDecimal | None = Field(default=None, ge=0)


class ExtendingRuleset(_RulesetModel):
    """The file form of a ruleset that extends another: its own id and version, then only what
    changes. Lists (sources, assumptions, themes, county types, inputs, indicators, text items)
    are added to the parent's; ``overrides`` replaces fields of inherited indicators; any other
    field given replaces the parent's."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    extends: str = Field(
        min_length=1, description="Parent ruleset: a bundled name or a path relative to this file."
    )
    title: Text | None = None
    base_year: StrictInt | None = None
    target_year: StrictInt | None = None
    sources: list[SourceDocument] = Field(default_factory=list)
    reconstruction: Prose | None = Field(default=None, min_length=1)
    assumptions: list[Prose] = Field(default_factory=list)
    verdict_policy: VerdictPolicy | None = None
    themes: list[Choice] = Field(default_factory=list)
    county_types: list[Choice] = Field(default_factory=list)
    inputs: list[RawInput] = Field(default_factory=list)
    overrides: dict[str, IndicatorOverride] = Field(
        default_factory=dict, description="Inherited indicator id → the fields it changes."
    )
    indicators: list[Indicator] = Field(default_factory=list)
    text_items: list[TextItem] = Field(default_factory=list)
