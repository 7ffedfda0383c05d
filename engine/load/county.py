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
from engine.model.county import CountyData, DataFile, IndicatorValues
from engine.model.ruleset import Indicator, RawInput, Ruleset, TextItem
from engine.units import conversion_factor, match_key

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "指标", "指标名称", "指标代码"),
    "baseline": ("baseline", "基期值", "基数", "基期"),
    "target": ("target", "目标值", "目标"),
    "actual": ("actual", "实际值", "完成值", "现值"),
    "reference": ("reference", "参考值", "全省平均值", "全省平均"),
    "county": ("county", "县市区", "地区", "县(市、区)", "县(市、区)"),
    "theme": ("theme", "建设主题", "主题"),
    "county_type": ("county_type", "县域类型", "类型"),
    "year": ("year", "年份", "年度"),
    "unit": ("unit", "单位"),
    "source": ("source", "数据来源", "来源"),
    "note": ("note", "备注"),
    "seq": ("no", "no.", "#", "序号"),  # a row counter: read and ignored
}
REQUIRED = ("indicator", "actual")
#: Units of counted things: a negative value is a typing error, not data.
COUNT_UNITS = frozenset({"家", "个", "人", "项", "件", "名"})
NUMERIC = ("baseline", "target", "actual", "reference")

DataItem = Indicator | RawInput | TextItem
Row = tuple[int, DataItem, dict[str, str | None]]
#: A county-year of a file: its county cell and its year (each None when the column is absent).
GroupKey = tuple[str | None, int | None]


_BY_ALIAS = {match_key(a): name for name, aliases in COLUMN_ALIASES.items() for a in aliases}


def _is_column_name(text: str) -> bool:
    return match_key(text) in _BY_ALIAS


def _canonical_columns(
    header: list[str], path: Path, header_row: int, required: tuple[str, ...] = REQUIRED
) -> dict[str, int]:
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
    for name in required:
        if name not in columns:
            raise DataError(f"required column '{name}' is missing "
                            f"(or one of {', '.join(COLUMN_ALIASES[name][1:])})",
                            file=path, row=header_row)
    return columns


def _unit_matches(given: str, declared: str) -> bool:
    return match_key(given) == match_key(declared)


def _item_lookup(ruleset: Ruleset) -> dict[str, DataItem]:
    """Indicators, inputs and text items by id and by Chinese or English name, in matching form."""
    lookup = {match_key(name): item for name, item in ruleset.by_name.items()}
    lookup.update({match_key(item_id): item for item_id, item in ruleset.data_items.items()})
    return lookup


def _year(text: str | None, path: Path, row: int, field: str | None) -> int | None:
    if not text:
        return None
    if not (text.isdigit() and 1900 <= int(text) <= 2100):
        raise DataError(f"year '{text}' is not a year (write it as 2022)", file=path, row=row,
                        field=field)
    return int(text)


def _rows(
    path: Path, ruleset: Ruleset, required: tuple[str, ...]
) -> tuple[dict[GroupKey, list[Row]], dict[str, str], DataFile]:
    """The non-blank rows of a long-format file, each with its ruleset item, grouped by county
    and year in the order they first appear; duplicates within a group and unknown items
    refused."""
    table = read_table(path, _is_column_name)
    header_row = table.rows[0] - 1 if table.rows else 1
    cols = _canonical_columns(table.header, path, header_row, required)
    names = {canonical: table.header[i] for canonical, i in cols.items()}
    frame = table.frame.select(
        [table.frame.columns[i] for i in cols.values()]
    ).rename({table.frame.columns[i]: c for c, i in cols.items()})

    lookup = _item_lookup(ruleset)
    groups: dict[GroupKey, list[Row]] = {}
    first_row: dict[tuple[GroupKey, str], int] = {}
    for row_no, record in zip(table.rows, frame.iter_rows(named=True), strict=True):
        cells = {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items()}
        if not any(cells.get(k) for k in cols if k != "seq"):
            continue  # a blank line
        key = cells.get("indicator")
        if not key:
            raise DataError("the indicator cell is empty", file=path, row=row_no,
                            field=names["indicator"])
        item = lookup.get(match_key(key))
        if item is None:
            raise DataError(f"unknown indicator '{key}' (not in ruleset '{ruleset.id}')",
                            file=path, row=row_no, field=names["indicator"])
        group = (cells.get("county") or None,
                 _year(cells.get("year"), path, row_no, names.get("year")))
        if (group, item.id) in first_row:
            raise DataError(f"indicator '{item.id}' appears twice (rows "
                            f"{first_row[group, item.id]} and {row_no})", file=path, row=row_no,
                            field=names["indicator"])
        first_row[group, item.id] = row_no
        groups.setdefault(group, []).append((row_no, item, cells))
    if not groups:
        raise DataError("has a header but no indicator rows", file=path)
    if len(groups) > 1 and None in {county for county, _ in groups}:
        blank = next(rows[0][0] for (county, _), rows in groups.items() if county is None)
        raise DataError("the county cell is empty in a file of several counties or years",
                        file=path, row=blank, field=names.get("county"))
    return groups, names, table.data_file


def _attribute(rows: list[Row], name: str, names: dict[str, str], path: Path) -> str | None:
    """A per-county column (theme, type): the one value its filled cells agree on."""
    seen: dict[str, int] = {}
    for row_no, _, cells in rows:
        value = cells.get(name)
        if value:
            seen.setdefault(value, row_no)
    if len(seen) > 1:
        listed = ", ".join(f"'{v}' (row {r})" for v, r in seen.items())
        raise DataError(f"gives different values ({listed}); one county has one "
                        f"{name.replace('_', ' ')}", file=path, field=names.get(name))
    return next(iter(seen), None)


def _county(
    key: GroupKey, rows: list[Row], names: dict[str, str], path: Path, data_file: DataFile,
    theme: str | None, county_type: str | None,
) -> CountyData:
    return CountyData(
        county=key[0] or path.stem,
        values={item.id: _item_values(item, cells, names, path, row_no)
                for row_no, item, cells in rows},
        theme=theme or _attribute(rows, "theme", names, path),
        county_type=county_type or _attribute(rows, "county_type", names, path),
        year=key[1],
        data_file=data_file,
    )


def load_county(
    path: str | Path,
    ruleset: Ruleset,
    *,
    county: str | None = None,
    theme: str | None = None,
    county_type: str | None = None,
) -> CountyData:
    """Load one county's table; ``county``, ``theme`` and ``county_type`` override the file's
    columns (default name: the file's county column, else the file name). A file of several
    counties or years is refused: :func:`load_counties` reads those."""
    path = Path(path)
    groups, names, data_file = _rows(path, ruleset, REQUIRED)
    if len(groups) > 1:
        listed = ", ".join(f"'{c}'" + (f" {y}" if y else "") + f" (row {rows[0][0]})"
                           for (c, y), rows in list(groups.items())[:5])
        more = f" and {len(groups) - 5} more" if len(groups) > 5 else ""
        raise DataError(f"holds several counties or years ({listed}{more}); assess it as a "
                        "batch (the assess command does) or read it with load_counties",
                        file=path, field=names.get("county"))
    (key, rows), = groups.items()
    data = _county(key, rows, names, path, data_file, theme, county_type)
    return data if county is None else data.model_copy(update={"county": county})


def load_counties(
    path: str | Path,
    ruleset: Ruleset,
    *,
    theme: str | None = None,
    county_type: str | None = None,
) -> list[CountyData]:
    """Every county-year of a long-format file (rows carrying ``county`` and optionally
    ``year`` columns), in the order they first appear; a one-county file gives one."""
    path = Path(path)
    groups, names, data_file = _rows(path, ruleset, REQUIRED)
    return [_county(key, rows, names, path, data_file, theme, county_type)
            for key, rows in groups.items()]


def load_references(
    path: str | Path, ruleset: Ruleset
) -> tuple[dict[str, IndicatorValues], DataFile]:
    """A reference file (e.g. provincial averages): columns indicator and reference, optionally
    unit and source; one row per indicator."""
    path = Path(path)
    groups, names, data_file = _rows(path, ruleset, ("indicator", "reference"))
    if len(groups) > 1:
        raise DataError("a reference file gives one value per indicator, not one per county "
                        "or year", file=path, field=names.get("county") or names.get("year"))
    refs = {}
    for row_no, item, cells in next(iter(groups.values())):
        if not isinstance(item, Indicator):
            raise DataError(f"'{item.id}' is not an indicator; a reference file gives "
                            "reference values of indicators", file=path, row=row_no,
                            field=names["indicator"])
        refs[item.id] = _item_values(item, cells, names, path, row_no)
    return refs, data_file


def with_references(
    county: CountyData, refs: dict[str, IndicatorValues], reference_file: DataFile | None = None
) -> CountyData:
    """The county's data with reference values added; a reference the data also gives must agree."""
    values = dict(county.values)
    for item_id, ref in refs.items():
        if ref.reference is None:
            continue
        own = values.get(item_id)
        if own is not None and own.reference is not None and own.reference != ref.reference:
            raise DataError(
                f"the data gives reference {own.reference} but the reference file gives "
                f"{ref.reference}; keep one", file=reference_file.name if reference_file else None,
                row=ref.row, indicator=item_id, field="reference")
        base = own or IndicatorValues()
        values[item_id] = base.model_copy(update={"reference": ref.reference})
    return county.model_copy(update={"values": values, "reference_file": reference_file})


def _item_values(
    ind: DataItem, cells: dict[str, str | None], names: dict[str, str], path: Path, row: int
) -> IndicatorValues:
    if isinstance(ind, TextItem):
        return _text_values(ind, cells, names, path, row)
    unit = cells.get("unit") or None
    factor = None
    if unit is not None and not _unit_matches(unit, ind.unit):
        factor = conversion_factor(unit, ind.unit)
        if factor is None:
            raise DataError(f"unit '{unit}' differs from the ruleset's unit '{ind.unit}' for "
                            f"indicator '{ind.id}' and does not convert to it",
                            file=path, row=row, field=names["unit"])
    data_unit = ind.unit if factor is None or unit is None else unit
    percent = match_key(data_unit) == "%"
    numbers: dict[str, Decimal | None] = {}
    for column in NUMERIC:
        text = cells.get(column)
        try:
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
        **numbers,
        unit=unit,
        converted_from=unit if factor is not None else None,
        source=cells.get("source") or None,
        note=cells.get("note") or None,
        row=row,
    )


def _text_values(
    item: TextItem, cells: dict[str, str | None], names: dict[str, str], path: Path, row: int
) -> IndicatorValues:
    """A text item's text is its note (or, as bureaus often type it, its actual cell)."""
    for column in ("baseline", "target", "reference"):
        if cells.get(column):
            raise DataError(f"'{item.id}' is a text item: write its text in the note or actual "
                            "column and leave the number columns blank", file=path, row=row,
                            indicator=item.id, field=names[column])
    note, actual = cells.get("note"), cells.get("actual")
    if note and actual and note != actual:
        raise DataError(f"text item '{item.id}' has text in both note and actual; keep one",
                        file=path, row=row, indicator=item.id, field=names["actual"])
    return IndicatorValues(note=note or actual or None, source=cells.get("source") or None,
                           row=row)
