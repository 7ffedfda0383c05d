"""The evaluator interface: what both evaluators produce, and the registry that names them.

An evaluator decides every rule of a ruleset for a list of counties and returns
:class:`Outcomes`: per indicator, one lazy frame of :data:`OUTCOME_SCHEMA` with a row per
county (the compared values, the status, margin, completion, growth and score, all exact
integers). Two implement it:

- ``"rete"`` (:class:`engine.infer.run.ReteEvaluator`): durable-rules fires the rules county by
  county, and the figures are computed in Decimal, as for a single county;
- ``"vector"`` (:class:`engine.infer.vector.VectorEvaluator`): every rule for every county at
  once as polars expressions over Int128.

Neither decides a verdict or words a reason: the verdict is durable-rules' for both
(:func:`engine.infer.run.decide_verdict`, from a :class:`Tally`), the texts are
``engine.explain``'s. Nothing here imports an evaluator until it is asked for by name, so the
single-county path does not load the vectorised one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol, cast

import polars as pl

from engine.errors import DataError
from engine.model.base import Status
from engine.model.county import CountyData
from engine.model.ruleset import ExpectedSharePolicy, Indicator, Ruleset

Engine = Literal["rete", "vector"]
ENGINES: tuple[Engine, ...] = ("rete", "vector")

#: Told how many more counties have been assessed (a progress bar's step).
Advance = Callable[[int], None]

#: One indicator's outcome for every county, a row per county in county order. Every number is
#: an exact integer: ``*_scaled`` at the indicator's precision (2.77 at precision 2 is 277),
#: completion and growth (percent) in tenths, the score in hundredths; null where the Decimal
#: path has None.
OUTCOME_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "county_index": pl.UInt32,
    "applicable": pl.Boolean,
    # why the rule cannot be compared: actual, target, baseline, reference, input, undefined
    "missing": pl.String,
    "status": pl.String,  # met, not_met, not_evaluated, not_applicable
    "actual_scaled": pl.Int128,
    "threshold_scaled": pl.Int128,
    "upper_scaled": pl.Int128,  # the upper bound of a between rule
    "baseline_scaled": pl.Int128,
    "reference_scaled": pl.Int128,
    "margin_scaled": pl.Int128,  # positive on the good side; a between rule: the nearer bound
    "completion_tenths": pl.Int128,
    "growth_tenths": pl.Int128,
    "score_hundredths": pl.Int128,  # weighted_score policies only
    "over_50": pl.Boolean,  # grew by more than 50 % over the baseline (exact)
    "over_100": pl.Boolean,
}


@dataclass(frozen=True)
class Block:
    """The outcomes of several indicators decided in one plan (a columnar evaluator decides
    indicators whose rules are the same, but for their data, together: polars' cost per plan
    and per expression does not depend on the number of rows). ``frame``: OUTCOME_SCHEMA and
    ``rule_index`` (the indicator's place in the ruleset), the indicators' rows one after the
    other, in the order of ``rule_indices``, counties in order within each."""

    frame: pl.LazyFrame
    rule_indices: tuple[int, ...]


@dataclass(frozen=True)
class IndicatorOutcomes:
    """One indicator's outcomes for every county."""

    indicator: Indicator
    frame: pl.LazyFrame  # OUTCOME_SCHEMA
    #: Derived indicators: per county, the inputs without a value when that is why the rule is
    #: not evaluated (the reason names them); None when no county lacks one.
    absent_inputs: Sequence[tuple[str, ...]] | None = None
    #: The block this indicator was decided in, if any (``frame`` is then its rows of it).
    block: Block | None = None


@dataclass(frozen=True)
class Outcomes:
    """What an evaluator decided for every county and indicator.

    The frames are lazy: a columnar evaluator's (vector) are plans, which the explain stage
    computes together with their texts in one ``pl.collect_all``; ``checks`` are collected
    alongside and handed to ``verify``, which raises if the evaluator refuses what it found (a
    value beyond what durable-rules compares exactly). A county-by-county evaluator's (rete,
    ``columnar`` false) are already computed, and are worded county by county, as a single
    county's result is. :meth:`collect` computes and verifies them without texts.
    """

    ruleset: Ruleset
    engine: Engine
    counties: list[tuple[str, int | None]]  # (county, year) by county_index
    indicators: list[IndicatorOutcomes]  # in ruleset order
    checks: list[pl.LazyFrame] = field(default_factory=list)
    verify: Callable[[list[pl.DataFrame]], None] | None = None
    columnar: bool = True

    def verified(self, checked: list[pl.DataFrame]) -> None:
        """Run ``verify`` on the collected ``checks``."""
        if self.verify is not None:
            self.verify(checked)

    def collect(self) -> list[pl.DataFrame]:
        """Every indicator's outcomes (in ruleset order), computed in one collect and verified."""
        blocks = list({id(i.block): i.block for i in self.indicators if i.block}.values())
        loose = [k for k, i in enumerate(self.indicators) if i.block is None]
        plans = [b.frame for b in blocks] + [self.indicators[k].frame for k in loose]
        done = pl.collect_all([*plans, *self.checks])
        self.verified(done[len(plans) :])
        found = dict(zip(loose, done[len(blocks) : len(plans)], strict=True))
        for block, frame in zip(blocks, done[: len(blocks)], strict=True):
            parts = frame.partition_by("rule_index", as_dict=True, include_key=False)
            found |= {k: parts[(k,)] for k in block.rule_indices}
        return [found[k] for k in range(len(self.indicators))]


class Evaluator(Protocol):
    """Decides every rule of ``ruleset`` for every county; ``advance`` is told how many counties
    it has done as it goes (an evaluator that works on all at once may tell nothing)."""

    @property
    def name(self) -> Engine: ...

    def evaluate(
        self,
        ruleset: Ruleset,
        counties: Sequence[CountyData],
        *,
        advance: Advance | None = None,
    ) -> Outcomes: ...


class EvaluatorUnsupported(Exception):
    """The data holds a value this evaluator cannot carry exactly; durable-rules (rete) can, and
    the caller uses it instead."""


#: The evaluators by name: the module and the instance, imported when first asked for.
_REGISTRY: dict[Engine, tuple[str, str]] = {
    "rete": ("engine.infer.run", "RETE"),
    "vector": ("engine.infer.vector", "VECTOR"),
}


def evaluator(name: Engine) -> Evaluator:
    """The evaluator registered under ``name`` (``"rete"`` or ``"vector"``)."""
    try:
        module, attribute = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown evaluator {name!r} (known: {', '.join(ENGINES)})") from None
    return cast(Evaluator, getattr(importlib.import_module(module), attribute))


def in_county(exc: DataError, county: CountyData) -> DataError:
    """A data error of one county of a batch, saying which."""
    year = (
        {"zh": f"({county.year}年)", "en": f" ({county.year})"}
        if county.year
        else {"zh": "", "en": ""}
    )
    return DataError(
        code="in_county",
        params={
            "county": county.county,
            "year": year,
            "problem": {"zh": exc.text("zh"), "en": exc.text("en")},
        },
        file=exc.file or (county.data_file.name if county.data_file else None),
        row=exc.row,
        indicator=exc.indicator,
        field=exc.field,
    )


# -- the tally the verdict is decided on -------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    binding_total: int
    binding_met: int
    binding_not_met: int
    binding_not_evaluated: int
    expected_total: int
    expected_met: int
    expected_not_evaluated: int
    not_applicable: int
    expected_required_share: Decimal | None  # binding_all_expected_share policies
    score: Decimal | None  # weighted_score policies
    pass_mark: Decimal | None


_COUNTED: tuple[Status, ...] = ("met", "not_met", "not_evaluated")

#: What a tally counts: a count of the rules of a kind (None: any kind) with one of the statuses.
#: Both ways of counting (a county's outcomes in Python, a batch's in polars) read this table.
TALLY_COUNTS: dict[str, tuple[str | None, tuple[Status, ...]]] = {
    "binding_total": ("binding", _COUNTED),
    "binding_met": ("binding", ("met",)),
    "binding_not_met": ("binding", ("not_met",)),
    "binding_not_evaluated": ("binding", ("not_evaluated",)),
    "expected_total": ("expected", _COUNTED),
    "expected_met": ("expected", ("met",)),
    "expected_not_evaluated": ("expected", ("not_evaluated",)),
    "not_applicable": (None, ("not_applicable",)),
}


def make_tally(ruleset: Ruleset, counts: Mapping[str, int], score: Decimal | None) -> Tally:
    """The tally of one county: the :data:`TALLY_COUNTS` counted, and the policy's requirement
    (the required share, or the total ``score`` and the pass mark)."""
    policy = ruleset.verdict_policy
    share = pass_mark = None
    if isinstance(policy, ExpectedSharePolicy):
        share, score = policy.expected_min_share, None
    else:
        assert score is not None
        pass_mark = policy.pass_mark
    return Tally(
        binding_total=counts["binding_total"],
        binding_met=counts["binding_met"],
        binding_not_met=counts["binding_not_met"],
        binding_not_evaluated=counts["binding_not_evaluated"],
        expected_total=counts["expected_total"],
        expected_met=counts["expected_met"],
        expected_not_evaluated=counts["expected_not_evaluated"],
        not_applicable=counts["not_applicable"],
        expected_required_share=share,
        score=score,
        pass_mark=pass_mark,
    )
