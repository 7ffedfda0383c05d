"""The pipeline: load → compile → infer → report (build the result)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from engine.compile.facts import resolve
from engine.compile.rules import compile_ruleset
from engine.errors import DataError
from engine.explain.result import build_result
from engine.infer.run import infer
from engine.load.county import load_county, load_references, with_references
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData
from engine.model.result import Result
from engine.model.ruleset import Ruleset


def prepare(
    data: CountyData | str | Path,
    ruleset: Ruleset | str | Path,
    *,
    references: str | Path | Mapping[str, str | int | Decimal] | None = None,
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
    if isinstance(references, str | Path):
        refs, ref_file = load_references(references, ruleset)
        county = with_references(county, refs, ref_file)
    elif references is not None:
        given = CountyData.from_mapping(
            county.county, {k: {"reference": v} for k, v in references.items()}
        )
        county = with_references(county, dict(given.values))
    return county, ruleset


def assess(
    data: CountyData | str | Path,
    ruleset: Ruleset | str | Path,
    *,
    references: str | Path | Mapping[str, str | int | Decimal] | None = None,
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
