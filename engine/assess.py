"""The pipeline: load → compile → infer → report (build the result)."""

from __future__ import annotations

from pathlib import Path

from engine.compile.facts import resolve
from engine.compile.rules import compile_ruleset
from engine.errors import DataError
from engine.infer.run import infer
from engine.load.county import load_county
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData
from engine.model.result import Result
from engine.model.ruleset import Ruleset
from engine.report.explain import build_result


def assess(data: CountyData | str | Path, ruleset: Ruleset | str | Path) -> Result:
    """Assess one county against a ruleset.

    ``data`` is a :class:`CountyData` or a county file (CSV or .xlsx); ``ruleset`` is a
    :class:`Ruleset`, a bundled ruleset's name (``"provincial-2021"``) or a ruleset file.
    Bad input raises :class:`engine.InputError`; the result always has one entry per rule.
    """
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    county = data if isinstance(data, CountyData) else load_county(data, ruleset)
    compiled = compile_ruleset(ruleset)
    try:
        resolved = resolve(ruleset, county)
        inference = infer(ruleset, compiled, resolved)
    except DataError as exc:
        if exc.file is None and county.data_file is not None:
            raise DataError(exc.message, file=county.data_file.name, row=exc.row,
                            indicator=exc.indicator, field=exc.field) from None
        raise
    return build_result(ruleset, county, inference)
