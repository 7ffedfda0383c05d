"""The ruleset language: what a YAML ruleset may say, validated strictly.

A ruleset is data a provincial office can correct without touching code. Every model forbids
unknown keys, so a misspelt key is an error, not a silently ignored line.

The parts (exact numbers, texts in two languages) are in :mod:`engine.model.parts`; the
threshold kinds, one class each owning all its behaviour, in :mod:`engine.model.thresholds`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union

from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    field_validator,
    model_validator,
)

from engine.decimals import decimals_of, to_scaled
from engine.formula import Formula, FormulaError, parse_formula
from engine.model.parts import (
    OPERATOR_SPELLINGS,
    Direction,
    ExactDecimal,
    IndicatorKind,
    LocalizedText,
    Measure,
    Operator,
    OperatorField,
    Prose,
    RulesetPart,
    Strict,
    Text,
    problems_text,
    prose,
)
from engine.model.thresholds import (
    THRESHOLD_CLASSES,
    AbsoluteThreshold,
    BetweenThreshold,
    GrowthThreshold,
    IndicatorInputs,
    ReferenceThreshold,
    Resolved,
    TargetThreshold,
    ThresholdKind,
    threshold_union,
)
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

if TYPE_CHECKING:
    Threshold: TypeAlias = ThresholdKind
else:
    Threshold = threshold_union()
#: The ``kind:`` values of thresholds (a live view: a kind added later is in it).
THRESHOLD_KINDS = THRESHOLD_CLASSES.keys()


class Applicability(RulesetPart):
    """Which counties an indicator applies to; elsewhere it is *not applicable* and not counted."""

    themes: list[str] | None = Field(
        default=None, min_length=1, description="Construction theme ids (see the ruleset's themes)."
    )
    county_types: list[str] | None = Field(
        default=None, min_length=1, description="County type ids (see county_types)."
    )


class Derived(RulesetPart):
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


class Indicator(RulesetPart):
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
    provenance: Prose = Field(description="Where the indicator comes from.")
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
        problems = self.threshold.problems(precision=self.precision, direction=self.direction)
        # A constant threshold is compiled into the rule as value × 10^precision, which must be
        # an exact integer for the rule engine (engine.decimals.MAX_SCALED).
        for field, value in self.threshold.constants().items():
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
        return self.threshold.operator_for(self.direction)


class ExpectedSharePolicy(RulesetPart):
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


class WeightedScorePolicy(RulesetPart):
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


class RawInput(RulesetPart):
    """A raw value the county supplies for derived indicators (a row of the data, like an
    indicator, but not assessed itself)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: Text
    unit: str = Field(min_length=1)
    provenance: Prose | None = None


class TextItem(RulesetPart):
    """A free-text item carried into the report as written, never scored (e.g. 特色指标)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: Text
    provenance: Prose
    definition: Prose | None = None


class Choice(RulesetPart):
    """One of the values a county attribute may take (a construction theme, a county type)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    name: Text


class SourceDocument(RulesetPart):
    id: str = Field(min_length=1)
    title: Prose
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


class Ruleset(RulesetPart):
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
        description="Plainly: what is reconstructed or assumed, and what is sourced."
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


class IndicatorOverride(RulesetPart):
    """Fields of an inherited indicator replaced by a ruleset that extends another (each field
    is replaced whole; the id cannot change)."""

    model_config = ConfigDict(defer_build=True)  # not needed to assess one county

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


class ExtendingRuleset(RulesetPart):
    """The file form of a ruleset that extends another: its own id and version, then only what
    changes. Lists (sources, assumptions, themes, county types, inputs, indicators, text items)
    are added to the parent's; ``overrides`` replaces fields of inherited indicators; any other
    field given replaces the parent's."""

    model_config = ConfigDict(defer_build=True)  # not needed to assess one county

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    extends: str = Field(
        min_length=1, description="Parent ruleset: a bundled name or a path relative to this file."
    )
    title: Text | None = None
    base_year: StrictInt | None = None
    target_year: StrictInt | None = None
    sources: list[SourceDocument] = Field(default_factory=list)
    reconstruction: Prose | None = None
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


def add_threshold_kind(kind: type[ThresholdKind]) -> None:
    """Make a new threshold kind part of the ruleset language (see engine.model.thresholds):
    the models that hold a threshold are rebuilt with it in their union."""
    THRESHOLD_CLASSES[kind.kind_name()] = kind
    _rebuild()


def remove_threshold_kind(name: str) -> None:
    """Take a kind added with :func:`add_threshold_kind` out again (tests use it)."""
    del THRESHOLD_CLASSES[name]
    _rebuild()


def _rebuild() -> None:
    union: Any = Union[tuple(THRESHOLD_CLASSES.values())]  # noqa: UP007 (a runtime tuple)
    Indicator.model_fields["threshold"].annotation = union
    Indicator.model_fields["threshold"].discriminator = "kind"
    IndicatorOverride.model_fields["threshold"].annotation = threshold_union() | None
    for model in (Indicator, IndicatorOverride, Ruleset, ExtendingRuleset):
        model.model_rebuild(force=True)


# Re-exported: the ruleset language's parts and kinds, where readers of a ruleset look for them.
__all__ = [
    "MAX_INDICATORS",
    "MAX_RULE_FIELDS",
    "OPERATOR_SPELLINGS",
    "POLICY_KINDS",
    "THRESHOLD_KINDS",
    "AbsoluteThreshold",
    "Applicability",
    "BetweenThreshold",
    "Choice",
    "Derived",
    "Direction",
    "ExactDecimal",
    "ExpectedSharePolicy",
    "ExtendingRuleset",
    "GrowthThreshold",
    "Indicator",
    "IndicatorInputs",
    "IndicatorKind",
    "IndicatorOverride",
    "LocalizedText",
    "Measure",
    "Operator",
    "OperatorField",
    "Prose",
    "RawInput",
    "ReferenceThreshold",
    "Resolved",
    "Ruleset",
    "RulesetPart",
    "SourceDocument",
    "Strict",
    "TargetThreshold",
    "Text",
    "TextItem",
    "ThresholdKind",
    "VerdictPolicy",
    "WeightedScorePolicy",
    "add_threshold_kind",
    "prose",
    "remove_threshold_kind",
]
