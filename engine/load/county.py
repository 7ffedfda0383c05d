"""Read a county's indicator table in the canonical long format (one row per indicator).

Headers may be English or Chinese (``指标``, ``实际值`` …), matched case-insensitively with
surrounding spaces ignored. Every problem names the file, the row and the column.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from engine.decimals import NumberFormatError, parse_number
from engine.errors import DataError
from engine.load.table import read_table
from engine.model.county import CountyData, IndicatorValues
from engine.model.ruleset import Indicator, Ruleset
from engine.units import conversion_factor, match_key

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "指标", "指标名称", "指标代码"),
    "baseline": ("baseline", "基期值", "基数", "基期"),
    "target": ("target", "目标值", "目标"),
    "actual": ("actual", "实际值", "完成值", "现值"),
    "county": ("county", "县市区", "地区", "县(市、区)", "县(市、区)"),
    "unit": ("unit", "单位"),
    "source": ("source", "数据来源", "来源"),
    "note": ("note", "备注"),
    "seq": ("no", "no.", "#", "序号"),  # a row counter: read and ignored
}
REQUIRED = ("indicator", "actual")
#: Units of counted things: a negative value is a typing error, not data.
COUNT_UNITS = frozenset({"家", "个", "人", "项", "件", "名"})
NUMERIC = ("baseline", "target", "actual")


_BY_ALIAS = {match_key(a): name for name, aliases in COLUMN_ALIASES.items() for a in aliases}


def _is_column_name(text: str) -> bool:
    return match_key(text) in _BY_ALIAS


def _canonical_columns(header: list[str], path: Path, header_row: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        name = _BY_ALIAS.get(match_key(text))
        if name is None:
            known = ", ".join(a for aliases in COLUMN_ALIASES.values() for a in aliases[:2])
            raise DataError(f"unknown column (known columns: {known})", file=path,
                            row=header_row, field=text)
        if name in columns:
            raise DataError(f"column '{name}' appears twice ('{header[columns[name]]}' and "
                            f"'{text}')", file=path, row=header_row, field=text)
        columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            raise DataError(f"required column '{name}' is missing "
                            f"(or one of {', '.join(COLUMN_ALIASES[name][1:])})",
                            file=path, row=header_row)
    return columns


def _unit_matches(given: str, declared: str) -> bool:
    return match_key(given) == match_key(declared)


def _indicator_lookup(ruleset: Ruleset) -> dict[str, Indicator]:
    """Indicators by id and by their Chinese or English name, in matching form."""
    lookup = {match_key(name): ind for name, ind in ruleset.by_name.items()}
    lookup.update({match_key(ind.id): ind for ind in ruleset.indicators})
    return lookup


def load_county(path: str | Path, ruleset: Ruleset, *, county: str | None = None) -> CountyData:
    """Load one county's table; ``county`` overrides the name (default: the file's county column,
    else the file name)."""
    path = Path(path)
    table = read_table(path, _is_column_name)
    header_row = table.rows[0] - 1 if table.rows else 1
    cols = _canonical_columns(table.header, path, header_row)
    names = {canonical: table.header[i] for canonical, i in cols.items()}
    frame = table.frame.select(
        [table.frame.columns[i] for i in cols.values()]
    ).rename({table.frame.columns[i]: c for c, i in cols.items()})

    lookup = _indicator_lookup(ruleset)
    values: dict[str, IndicatorValues] = {}
    first_row: dict[str, int] = {}
    counties: dict[str, int] = {}
    for row_no, record in zip(table.rows, frame.iter_rows(named=True), strict=True):
        cells = {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items()}
        if not any(cells.get(k) for k in cols if k != "seq"):
            continue  # a blank line
        key = cells.get("indicator")
        if not key:
            raise DataError("the indicator cell is empty", file=path, row=row_no,
                            field=names["indicator"])
        ind = lookup.get(match_key(key))
        if ind is None:
            raise DataError(f"unknown indicator '{key}' (not in ruleset '{ruleset.id}')",
                            file=path, row=row_no, field=names["indicator"])
        if ind.id in first_row:
            raise DataError(f"indicator '{ind.id}' appears twice (rows {first_row[ind.id]} and "
                            f"{row_no})", file=path, row=row_no, field=names["indicator"])
        first_row[ind.id] = row_no
        if cells.get("county"):
            counties.setdefault(cells["county"], row_no)
        values[ind.id] = _indicator_values(ind, cells, names, path, row_no)

    if not values:
        raise DataError("has a header but no indicator rows", file=path)
    if len(counties) > 1:
        listed = ", ".join(f"'{c}' (row {r})" for c, r in counties.items())
        raise DataError(f"holds several counties ({listed}); assess one county per file",
                        file=path, field=names.get("county"))
    name = county or next(iter(counties), None) or path.stem
    return CountyData(county=name, values=values, data_file=table.data_file)


def _indicator_values(
    ind: Indicator, cells: dict[str, str | None], names: dict[str, str], path: Path, row: int
) -> IndicatorValues:
    unit = cells.get("unit") or None
    factor = None
    if unit is not None and not _unit_matches(unit, ind.unit):
        factor = conversion_factor(unit, ind.unit)
        if factor is None:
            raise DataError(f"unit '{unit}' differs from the ruleset's unit '{ind.unit}' for "
                            f"indicator '{ind.id}' and does not convert to it",
                            file=path, row=row, field=names["unit"])
    data_unit = ind.unit if factor is None or unit is None else unit
    numbers: dict[str, Decimal | None] = {}
    for column in NUMERIC:
        text = cells.get(column)
        try:
            percent = match_key(data_unit) == "%"
            numbers[column] = parse_number(text, percent_allowed=percent) if text else None
        except NumberFormatError as exc:
            raise DataError(f"{exc}; write a number, or leave the cell blank if unknown",
                            file=path, row=row, indicator=ind.id, field=names[column]) from None
        value = numbers[column]
        if value is not None and value < 0 and ind.unit in COUNT_UNITS:
            raise DataError(f"{value} {ind.unit}: a count cannot be negative",
                            file=path, row=row, indicator=ind.id, field=names[column])
        if value is not None and factor is not None:
            numbers[column] = value * factor
    return IndicatorValues(
        baseline=numbers["baseline"],
        target=numbers["target"],
        actual=numbers["actual"],
        unit=unit,
        converted_from=unit if factor is not None else None,
        source=cells.get("source") or None,
        note=cells.get("note") or None,
        row=row,
    )
