"""The pipeline: load → compile → infer → explain (build the result); and the one choice of how a
file is assessed (:func:`assess_path`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from engine.compile.facts import resolve
from engine.compile.rules import compile_ruleset
from engine.errors import DataError
from engine.explain.result import build_result
from engine.infer.evaluator import Advance, Engine
from engine.infer.run import infer
from engine.load.county import (
    ReadOptions,
    load_counties,
    load_county,
    load_references,
    with_references,
)
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData, DataFile, IndicatorValues
from engine.model.result import Result
from engine.model.ruleset import Ruleset

if TYPE_CHECKING:
    from engine.batch import Batch

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
) -> tuple[CountyData, Ruleset]:
    """The county's data and the ruleset, loaded and combined as :func:`assess` takes them."""
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    if isinstance(data, CountyData):
        county = data.model_copy(
            update={"theme": theme or data.theme, "county_type": county_type or data.county_type}
        )
    else:
        county = load_county(data, ruleset, theme=theme, county_type=county_type)
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
) -> Result:
    """Assess one county against a ruleset.

    ``data`` is a :class:`CountyData` or a county file (CSV or .xlsx); ``ruleset`` is a
    :class:`Ruleset`, a bundled ruleset's name (``"provincial-2021"``) or a ruleset file.
    ``references`` gives reference values (e.g. provincial averages) for ``reference``
    thresholds: a file with columns indicator and reference, or ``{indicator id: value}``.
    ``theme`` and ``county_type`` say which indicators apply (they override the data's columns).
    Bad input raises :class:`engine.InputError`; the result always has one entry per rule.
    """
    county, ruleset = prepare(
        data, ruleset, references=references, theme=theme, county_type=county_type
    )
    compiled = compile_ruleset(ruleset)
    try:
        resolved = resolve(ruleset, county)
        inference = infer(ruleset, compiled, resolved)
    except DataError as exc:
        if exc.file is None and county.data_file is not None:
            raise exc.located(file=county.data_file.name) from None
        raise
    return build_result(ruleset, county, inference)


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
) -> Result | Batch:
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
    read (sheet, missing-value markers, county name; default ``ReadOptions()``).

    ``progress`` is for batches only: it is called once, when the counties are read and before
    any is assessed, with their number and the evaluator chosen, and returns the callback to be
    told how many counties are done as they are (or None). It may raise to stop before the
    assessment. A command with a progress bar as a context manager ``bar(total, engine)``::

        with contextlib.ExitStack() as stack:
            found = assess_path(file, ruleset, progress=lambda n, e: stack.enter_context(bar(n, e)))

    Bad input raises :class:`engine.InputError` (``DataError`` naming the county of a batch);
    a rule-engine failure :class:`engine.RuleEngineError`.
    """
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    path = Path(path)
    wants_batch = batch or engine == "vector"
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
        from engine.batch import assess_table
        from engine.load.fast import read_fast

        table = read_fast(path, ruleset)  # a plain CSV, read and evaluated in polars
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
    return assess(counties[0], ruleset, references=references, theme=theme, county_type=county_type)
