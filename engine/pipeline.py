"""The pipeline: load → compile → infer → explain (build the result); and the one choice of how a
file is assessed (:func:`assess_path`).

The acceptance dossier is checked here, for one county: a met indicator whose data lists no
evidence (佐证材料) — or lists a file the evidence folder does not hold — gets a
``met_without_evidence`` warning when the data has an evidence column; with
``ReadOptions(require_evidence=True)`` (``--require-evidence``) it is *not evaluated* (reason
``evidence_missing``) before the tally and durable-rules' verdict, so the verdict counts it as a
binding indicator not evaluated or an expected one not met. Batches refuse the evidence options
(``evidence_for_batch``): the dossier is one county's, and a batch's results carry no warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from engine.compile.facts import Missing, ResolvedIndicator, resolve
from engine.compile.rules import CompiledRuleset, compile_ruleset
from engine.errors import DataError
from engine.explain.messages import notice
from engine.explain.result import build_result
from engine.infer.evaluator import Advance, Engine
from engine.infer.run import Inference, Outcome, decide_verdict, fire, infer, tally
from engine.infer.scoring import rule_score
from engine.load.county import (
    ReadOptions,
    load_counties,
    load_county,
    load_references,
    with_references,
)
from engine.load.evidence import evidence_of, evidence_sources, has_evidence_column
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData, DataFile, IndicatorValues
from engine.model.result import Result, Status
from engine.model.ruleset import Indicator, Ruleset

if TYPE_CHECKING:
    from engine.batch import Batch, Chunked

#: Reference values for ``reference`` thresholds (e.g. provincial averages): a file with columns
#: indicator and reference, or ``{indicator id: value}``.
References = str | Path | Mapping[str, str | int | Decimal]

#: A batch's progress: told, once the counties are read and before any is assessed, how many
#: there are and which evaluator runs; returns the callback told how many are done as they are
#: (or None for no progress).
BatchStart = Callable[[int, Engine], Advance | None]

#: Below this size a file goes straight to the general loader: one county's table is small, and
#: a single county is assessed by durable-rules, so trying the batch fast path would only cost.
FAST_PATH_FROM_BYTES = 256_000


def _reference_values(
    references: References, ruleset: Ruleset
) -> tuple[dict[str, IndicatorValues], DataFile | None]:
    if isinstance(references, str | Path):
        return load_references(references, ruleset)
    given = CountyData.from_mapping(
        "references", {k: {"reference": v} for k, v in references.items()}
    )
    return dict(given.values), None


def with_given_references(
    counties: Sequence[CountyData], references: References, ruleset: Ruleset
) -> list[CountyData]:
    """The counties with the reference values added (the same for every county); a reference
    a county's data also gives must agree."""
    refs, ref_file = _reference_values(references, ruleset)
    return [with_references(c, refs, ref_file) for c in counties]


def prepare(
    data: CountyData | str | Path,
    ruleset: Ruleset | str | Path,
    *,
    references: References | None = None,
    theme: str | None = None,
    county_type: str | None = None,
    options: ReadOptions | None = None,
) -> tuple[CountyData, Ruleset]:
    """The county's data and the ruleset, loaded and combined as :func:`assess` takes them."""
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    if isinstance(data, CountyData):
        county = data.model_copy(
            update={"theme": theme or data.theme, "county_type": county_type or data.county_type}
        )
    else:
        county = load_county(data, ruleset, theme=theme, county_type=county_type, options=options)
    if references is not None:
        (county,) = with_given_references([county], references, ruleset)
    return county, ruleset


def assess(
    data: CountyData | str | Path,
    ruleset: Ruleset | str | Path,
    *,
    references: References | None = None,
    theme: str | None = None,
    county_type: str | None = None,
    options: ReadOptions | None = None,
) -> Result:
    """Assess one county against a ruleset.

    ``data`` is a :class:`CountyData` or a county file (CSV or .xlsx); ``ruleset`` is a
    :class:`Ruleset`, a bundled ruleset's name (``"provincial-2021"``) or a ruleset file.
    ``references`` gives reference values (e.g. provincial averages) for ``reference``
    thresholds: a file with columns indicator and reference, or ``{indicator id: value}``.
    ``theme`` and ``county_type`` say which indicators apply (they override the data's columns).
    ``options`` say how a file is read (:class:`ReadOptions`: sheet, markers, the evidence
    folder) and whether evidence is required (``require_evidence``: a met indicator without
    evidence is not evaluated; it applies to ``CountyData`` too, where data without any evidence
    then has none for every indicator).
    Bad input raises :class:`engine.InputError`; the result always has one entry per rule.
    """
    county, ruleset = prepare(
        data, ruleset, references=references, theme=theme, county_type=county_type, options=options
    )
    required = options is not None and options.require_evidence
    compiled = compile_ruleset(ruleset)
    try:
        resolved = resolve(ruleset, county)
        if required:
            inference, lacking = _infer_requiring_evidence(ruleset, compiled, resolved, county)
        else:
            inference = infer(ruleset, compiled, resolved)
            lacking = (
                lacking_evidence(ruleset, county, inference.outcomes)
                if has_evidence_column(county)
                else []
            )
    except DataError as exc:
        if exc.file is None and county.data_file is not None:
            raise exc.located(file=county.data_file.name) from None
        raise
    return _with_dossier(build_result(ruleset, county, inference), ruleset, county, lacking)


#: Why a rule is not evaluated when evidence is required and it has none (reason
#: ``evidence_missing``); only this step sets it.
EVIDENCE: Missing = "evidence"


@dataclass(frozen=True)
class Lacking:
    """A met indicator without evidence: none ``listed`` on its rows, or (``listed``) a file
    listed that the evidence folder does not hold (the intake warned of it by name)."""

    indicator: Indicator
    listed: bool


def lacking_evidence(
    ruleset: Ruleset, county: CountyData, outcomes: Sequence[Outcome]
) -> list[Lacking]:
    """The met indicators without evidence, in ruleset order (see :class:`Lacking`)."""
    absent_files = {n.indicator for n in county.notes if n.code == "evidence_file_missing"}
    lacking = []
    for o in outcomes:
        ind = o.resolved.indicator
        if o.status != "met":
            continue
        listed = bool(evidence_of(ruleset, county, ind))
        if not listed or absent_files & set(evidence_sources(ruleset, county, ind)):
            lacking.append(Lacking(ind, listed))
    return lacking


def _infer_requiring_evidence(
    ruleset: Ruleset,
    compiled: CompiledRuleset,
    resolved: list[ResolvedIndicator],
    county: CountyData,
) -> tuple[Inference, list[Lacking]]:
    """:func:`engine.infer.run.infer` with the met indicators that lack evidence made not
    evaluated after their rules fired and before the tally and durable-rules' verdict; and
    those indicators."""
    outcomes = fire(ruleset, compiled, resolved)
    lacking = lacking_evidence(ruleset, county, outcomes)
    ids = {gap.indicator.id for gap in lacking}
    outcomes = [
        _not_evaluated(ruleset, o) if o.resolved.indicator.id in ids else o for o in outcomes
    ]
    t = tally(ruleset, outcomes)
    verdict = decide_verdict(compiled, t)
    return Inference(outcomes, t, verdict.value, verdict.rules), lacking


def _not_evaluated(ruleset: Ruleset, o: Outcome) -> Outcome:
    """A met rule counted as not evaluated for want of evidence: no rule decides it (``fired``
    None), and under a weighted score it scores as any rule not evaluated (0)."""
    r = replace(o.resolved, missing=EVIDENCE)
    status: Status = "not_evaluated"
    return Outcome(r, status, None, rule_score(r, status) if ruleset.scored else None)


def _with_dossier(
    result: Result, ruleset: Ruleset, county: CountyData, lacking: Sequence[Lacking]
) -> Result:
    """The result with each rule's evidence where it is on its inputs' rows (a derived
    indicator without a row of its own), and a warning for each met indicator that lists no
    evidence (a listed file that is not there has its own warning, from the intake)."""
    rules = []
    indicators = {ind.id: ind for ind in ruleset.indicators}
    for rule in result.rules:
        if rule.evidence is None:
            entries = evidence_of(ruleset, county, indicators[rule.id])
            if entries is not None:
                rule = rule.model_copy(update={"evidence": list(entries)})
        rules.append(rule)
    notices = [
        notice("met_without_evidence", gap.indicator.id, name=gap.indicator.name)
        for gap in lacking
        if not gap.listed
    ]
    if not notices and rules == result.rules:
        return result
    return result.model_copy(update={"rules": rules, "warnings": [*result.warnings, *notices]})


def _size(path: Path) -> int:
    """The file's size for choosing a path; 0 when it cannot be told (the reader says why)."""
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def assess_path(
    path: str | Path,
    ruleset: Ruleset | str | Path,
    *,
    engine: Engine | None = None,
    references: References | None = None,
    theme: str | None = None,
    county_type: str | None = None,
    options: ReadOptions | None = None,
    batch: bool = False,
    progress: BatchStart | None = None,
    stream: bool = False,
) -> Result | Batch | Chunked:
    """Assess a county file (CSV or .xlsx), choosing how: the one place that choice is made.

    - **One county** (the file holds one county and one year), ``batch`` false and ``engine``
      not ``"vector"``: a :class:`Result`, by durable-rules (:func:`assess`).
    - **Several counties or county-years**, or ``batch=True``, or ``engine="vector"``: a
      :class:`engine.batch.Batch`, by the evaluator ``engine`` names (``"vector"`` when None;
      ``"rete"`` is durable-rules county by county; the tables do not depend on it). Without
      ``references``, ``theme``, ``county_type`` and with default ``options``, a plain CSV
      (UTF-8, canonical headers, ids, plain numbers, declared units) is read and evaluated
      straight in polars (engine.load.fast), unless ``engine`` is ``"rete"``; for a file that
      is not known to be a batch (``batch`` false, ``engine`` None) this is tried only above
      ``FAST_PATH_FROM_BYTES``, since one county's table is small. Anything the fast loader
      declines goes to the general loader, which gives the exact messages.

    ``ruleset`` is a :class:`Ruleset`, a bundled ruleset's name or a ruleset file;
    ``references`` a reference file or ``{indicator id: value}`` (for every county of a batch);
    ``theme`` and ``county_type`` override the file's columns; ``options`` say how the file is
    read (sheet, missing-value markers, county name; default ``ReadOptions()``) and how its
    evidence is checked (``evidence_dir``, ``require_evidence``: one county only — a file of
    several counties is refused with ``evidence_for_batch``, and ``batch=True`` or
    ``engine="vector"`` with them is a ``ValueError``).

    ``progress`` is for batches only: it is called once, when the counties are read and before
    any is assessed, with their number and the evaluator chosen, and returns the callback to be
    told how many counties are done as they are (or None). It may raise to stop before the
    assessment. A command with a progress bar as a context manager ``bar(total, engine)``::

        with contextlib.ExitStack() as stack:
            found = assess_path(file, ruleset, progress=lambda n, e: stack.enter_context(bar(n, e)))

    ``stream``: a plain CSV of more than ``engine.batch.CHUNK_COUNTIES`` counties read by the
    fast loader comes back as an :class:`engine.batch.Chunked`, assessed chunk by chunk as it
    is written (for the formats that stream: JSON, NDJSON, Parquet), so that memory stays
    bounded however many counties the file holds.

    Bad input raises :class:`engine.InputError` (``DataError`` naming the county of a batch);
    a rule-engine failure :class:`engine.RuleEngineError`.
    """
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    path = Path(path)
    wants_batch = batch or engine == "vector"
    if wants_batch and options is not None and options.checks_evidence:
        raise ValueError(
            "evidence_dir and require_evidence check one county's dossier: not with batch=True "
            "or engine='vector'"
        )
    started: list[Advance | None] = []

    def start(total: int, chosen: Engine) -> Advance | None:
        if not started:  # once, even when the fast path falls back to the general loader
            started.append(progress(total, chosen) if progress is not None else None)
        return started[0]

    if (
        engine != "rete"
        and references is None
        and theme is None
        and county_type is None
        and (options is None or options == ReadOptions())
        and (wants_batch or _size(path) > FAST_PATH_FROM_BYTES)
    ):
        from engine.batch import CHUNK_COUNTIES, assess_table, assess_table_in_chunks
        from engine.load.fast import read_fast

        table = read_fast(path, ruleset)  # a plain CSV, read and evaluated in polars
        if table is not None and stream and len(table.counties) > CHUNK_COUNTIES:
            chunked = assess_table_in_chunks(table, ruleset)
            if chunked is not None:
                start(chunked.counties, "vector")
                return chunked
        if table is not None and (wants_batch or len(table.counties) > 1):
            fast = assess_table(table, ruleset, progress=start(len(table.counties), "vector"))
            if fast is not None:
                return fast
    counties = load_counties(path, ruleset, theme=theme, county_type=county_type, options=options)
    if len(counties) > 1 or wants_batch:
        from engine.batch import assess_counties

        if references is not None:
            counties = with_given_references(counties, references, ruleset)
        chosen: Engine = engine or "vector"
        return assess_counties(
            counties, ruleset, engine=chosen, progress=start(len(counties), chosen)
        )
    return assess(
        counties[0],
        ruleset,
        references=references,
        theme=theme,
        county_type=county_type,
        options=options,
    )
