"""Mid-term monitoring: is a county on track between its base year and its target year?

For the data of year Y, a ruleset with base year B and target year T, and each indicator with
baseline b, target-year threshold t and actual a (all at the indicator's precision, as the
assessment has them):

- the path value is the straight line from b to t: ``p = b + (t − b) × (Y − B) ÷ (T − B)``,
  rounded half-up to the indicator's precision;
- **ahead** when a already meets t (the rule's own status); else **on track** when a is at or
  beyond p in the good direction; else **behind**; **unknown** when a, b or t is missing;
- the projection, if the trend from the base year holds, is
  ``q = b + (a − b) × (T − B) ÷ (Y − B)`` at the indicator's precision; the projected verdict is
  the engine's verdict on the year's data with every such actual replaced by q (raw inputs of
  derived indicators are projected the same way). The base year itself has no trend: its
  projection is empty and its projected verdict is its verdict.

There is no tolerance band: "on track" means on or beyond the line, which is easy to check by
hand. Ranges (``between`` rules) have no line: they are ahead when met, else behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from engine.decimals import decimals_of, divide, round_half_up
from engine.errors import DataError, InputError
from engine.explain.messages import FIELD_LABELS, reason, with_unit
from engine.load.county import ReadOptions, load_counties, load_references, with_references
from engine.load.ruleset import load_ruleset
from engine.model.county import CountyData, IndicatorValues
from engine.model.plan import IndicatorProgress, Monitoring, Progress, YearView
from engine.model.result import RuleResult
from engine.model.ruleset import Indicator, RawInput, Ruleset
from engine.pipeline import assess, prepare

PROGRESS_PLACES = 1
STATUSES: tuple[Progress, ...] = ("ahead", "on_track", "behind", "unknown")


def _years(ruleset: Ruleset) -> tuple[int, int]:
    b, t = ruleset.base_year, ruleset.target_year
    if b is None or t is None or t <= b:
        raise InputError(code="monitor_needs_years", params={"ruleset": ruleset.id})
    return b, t


def _projected(a: Decimal, b: Decimal, span: int, elapsed: int, places: int) -> Decimal:
    return round_half_up(b + (a - b) * span / elapsed, places)


def _progress(rule: RuleResult, year: int, base: int, target: int) -> IndicatorProgress:
    a, b, t = rule.actual, rule.baseline, rule.threshold
    unit, p = rule.unit, rule.precision
    path = projected = progress = None
    status: Progress
    if rule.status == "not_applicable":
        status, why = "unknown", reason("progress_not_applicable")
    elif a is None or b is None or t is None:
        missing = (
            "actual"
            if a is None
            else "baseline"
            if b is None
            else (rule.reason.code.removesuffix("_missing"))
        )
        status = "unknown"
        why = reason("progress_unknown", missing=FIELD_LABELS.get(missing, FIELD_LABELS["input"]))
    else:
        if year > base:
            projected = _projected(a, b, target - base, year - base, p)
        if rule.operator != "between":
            path = round_half_up(b + (t - b) * (year - base) / (target - base), p)
            if t != b:
                progress = divide((a - b) * 100, t - b, PROGRESS_PLACES)
        on_line = path is not None and (a >= path if rule.direction == "higher" else a <= path)
        status = "ahead" if rule.status == "met" else "on_track" if on_line else "behind"
        why = reason(
            f"progress_{status}",
            actual=with_unit(a, unit),
            threshold=with_unit(t, unit),
            path=with_unit(path, unit),
        )
    return IndicatorProgress(
        id=rule.id,
        name=rule.name,
        kind=rule.kind,
        unit=unit,
        baseline=b,
        threshold=t,
        actual=a,
        path=path,
        status=status,
        progress=progress,
        projected=projected,
        reason=why,
    )


def _project_row(
    values: IndicatorValues, span: int, elapsed: int, places: int | None
) -> IndicatorValues:
    a, b = values.actual, values.baseline
    if a is None or b is None:
        return values
    if places is None:  # a raw input: keep the finer of its two numbers' decimals
        places = max(decimals_of(a), decimals_of(b))
    return values.model_copy(update={"actual": _projected(a, b, span, elapsed, places)})


def projected_county(county: CountyData, ruleset: Ruleset, year: int) -> CountyData:
    """The county's data at the target year if every trend from the base year holds."""
    base, target = _years(ruleset)
    values = dict(county.values)
    derived_inputs = {
        name for ind in ruleset.indicators if ind.derived for name in ind.derived.parsed.inputs
    }
    for item_id, row in county.values.items():
        item = ruleset.data_items.get(item_id)
        if isinstance(item, Indicator) and item.derived is None:
            values[item_id] = _project_row(row, target - base, year - base, item.precision)
        elif isinstance(item, RawInput) and item_id in derived_inputs:
            values[item_id] = _project_row(row, target - base, year - base, None)
        elif isinstance(item, Indicator):
            # Its inputs are projected; its own actual would contradict the projected ones.
            values[item_id] = row.model_copy(update={"actual": None})
    return county.model_copy(update={"values": values})


def year_view(county: CountyData, ruleset: Ruleset, year: int) -> YearView:
    base, target = _years(ruleset)
    if not base <= year <= target:
        raise DataError(
            code="year_outside", params={"year": year, "base": base, "target": target}, field="year"
        )
    result = assess(county, ruleset)
    rows = [_progress(rule, year, base, target) for rule in result.rules]
    projected = assess(projected_county(county, ruleset, year), ruleset) if year > base else None
    return YearView(
        year=year,
        elapsed=divide(Decimal((year - base) * 100), Decimal(target - base), PROGRESS_PLACES),
        indicators=rows,
        counts={s: sum(r.status == s for r in rows) for s in STATUSES},
        verdict=result.verdict,
        projected_verdict=projected.verdict if projected else None,
        projected_reasons=projected.verdict_reasons if projected else [],
    )


def monitor(
    data: CountyData | Sequence[CountyData] | str | Path,
    ruleset: Ruleset | str | Path,
    *,
    year: int | None = None,
    references: str | Path | Mapping[str, str | int | Decimal] | None = None,
    theme: str | None = None,
    options: ReadOptions | None = None,
    county_type: str | None = None,
) -> Monitoring:
    """Progress of one county along the straight line from base year to target year, for each
    year of its data (a ``year`` column) or for ``year`` (a file of one year)."""
    if not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset)
    base, target = _years(ruleset)
    if isinstance(data, str | Path):
        counties = load_counties(
            data, ruleset, theme=theme, county_type=county_type, options=options
        )
    elif isinstance(data, CountyData):
        counties = [data]
    else:
        counties = list(data)
    names = sorted({c.county for c in counties})
    if len(names) != 1:
        more = len(names) > 5
        raise DataError(
            code="monitor_one_county",
            params={
                "count": len(names),
                "names": {
                    "zh": "、".join(names[:5]) + ("等" if more else ""),
                    "en": ", ".join(names[:5]) + (", …" if more else ""),
                },
            },
            field="county",
        )
    if len(counties) > 1 and year is not None:
        raise DataError(code="monitor_year_several", field="year")
    if isinstance(references, str | Path):  # read the file once, not once per year
        refs, ref_file = load_references(references, ruleset)
        counties = [with_references(c, refs, ref_file) for c in counties]
        references = None
    dated: list[tuple[int, CountyData]] = []
    for county in counties:
        given = year if year is not None else county.year
        if given is None:
            raise DataError(code="monitor_year_missing", field="year")
        if year is not None and county.year is not None and county.year != year:
            raise DataError(
                code="monitor_year_contradicts",
                params={"year": year, "data_year": county.year},
                field="year",
            )
        prepared, _ = prepare(
            county, ruleset, references=references, theme=theme, county_type=county_type
        )
        dated.append((given, prepared))
    dated.sort(key=lambda pair: pair[0])
    return Monitoring(
        county=names[0],
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        base_year=base,
        target_year=target,
        years=[year_view(county, ruleset, y) for y, county in dated],
    )
