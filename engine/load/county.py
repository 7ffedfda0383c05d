"""Read a county's indicator table in the canonical long format (one row per indicator), as a
bureau fills it in.

Headers may be English or Chinese (``指标``, ``实际值`` …), matched case-insensitively with spaces
and a year in them ignored (``2022年目标值``, ``完成值(2022年)``). Columns the tool does not use
(责任单位, 联系人 …) are kept with each row and listed. Rows of notes and signatures below the table
(填报单位:…, 注:…) and section rows (一、创新投入) are skipped and listed. ``—``, ``/``, ``无`` and
the like are missing values. An indicator is found by its id or its name after a documented
normalisation (``name_key``), a unit in brackets after the name (``…比重(%)``) is checked against
the ruleset's unit, and a name that is not found gets a "did you mean". Every problem of the file
is collected and reported together, each naming file, row, indicator and column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from engine.decimals import MAX_MAGNITUDE, NumberFormatError, parse_number
from engine.errors import DataError, Problems
from engine.load.evidence import EvidenceFolder, look_up, split_entries
from engine.load.table import RawTable, read_table
from engine.model.county import CountyData, DataFile, IndicatorValues, IntakeNote
from engine.model.ruleset import Indicator, RawInput, Ruleset, TextItem
from engine.safe_text import without_invisible
from engine.units import conversion_factor, match_key, name_key

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "指标", "指标名称", "指标代码", "指标项"),
    "baseline": ("baseline", "基期值", "基数", "基期", "基准值"),
    "target": ("target", "目标值", "目标"),
    "actual": ("actual", "实际值", "完成值", "现值", "实际完成值", "achieved"),
    "reference": ("reference", "参考值", "全省平均值", "全省平均"),
    "county": ("county", "县市区", "地区", "县(市、区)", "县(市、区)"),
    "theme": ("theme", "建设主题", "主题"),
    "county_type": ("county_type", "县域类型", "类型"),
    "year": ("year", "年份", "年度"),
    "unit": ("unit", "单位", "计量单位"),
    "source": ("source", "数据来源", "来源"),
    "note": ("note", "备注"),
    "department": ("department", "责任单位", "牵头单位", "责任部门"),
    "evidence": ("evidence", "佐证材料", "佐证资料", "证明材料", "佐证"),
    "kind": ("kind", "指标属性", "属性", "指标性质", "指标类型"),
    "seq": ("no", "no.", "#", "序号"),  # a row counter: read and ignored
    # The fill-in workbook's own descriptive columns (engine/load/merge.py): kept with the row
    # and known, so that a filled template is not told its columns went unused.
    "category": ("category", "类别", "指标类别", "分类"),
    "measure": ("measure", "统计口径", "口径"),
}
#: Columns that describe a row rather than give its values: a row with only these filled (and no
#: indicator) is a remark, skipped like a section row. 责任单位 is also kept with the row's
#: unused cells (``extra``), as before it was read into ``department``: it does not change the
#: assessment. So are 类别 and 统计口径, which the ruleset says already: known, never "unused".
DESCRIPTIVE = ("seq", "department", "evidence", "kind", "category", "measure")
KEPT_AS_EXTRA = ("department", "category", "measure")
#: What an 指标属性 cell may say (compared after match_key): binding or expected.
KIND_WORDS = {
    "约束性": "binding",
    "约束": "binding",
    "binding": "binding",
    "预期性": "expected",
    "预期": "expected",
    "expected": "expected",
}
REQUIRED = ("indicator", "actual")
#: Units of counted things: a negative value is a typing error, not data.
COUNT_UNITS = frozenset({"家", "个", "人", "项", "件", "名"})
NUMERIC = ("baseline", "target", "actual", "reference")
#: What bureaus type for "no data" (compared after full-width folding); never 0, which is data.
DEFAULT_MISSING_MARKERS = ("—", "——", "-", "--", "/", "无", "N/A", "n/a", "NA", "暂无")

DataItem = Indicator | RawInput | TextItem
Row = tuple[int, DataItem, dict[str, str | None]]
#: A county-year of a file: its county cell and its year (each None when the column is absent).
GroupKey = tuple[str | None, int | None]

# A year written into a header: 2022年目标值, 完成值(2022年), 基期值(2020), 2020年度基期值.
_HEADER_YEAR = re.compile(r"[(\[]?(19|20)[0-9]{2}年?度?[)\]]?")
# The rows below a table that are not indicators: notes, signatures, dates.
_FOOTER = re.compile(
    r"^(填报单位|填表单位|报送单位|填表人|填报人|审核人|审核|单位负责人|负责人|联系人|联系电话|电话|"
    r"制表人|制表|填表日期|填报日期|报送日期|日期|注|说明|备注|附注|填表说明)\s*([:：]|$)"
    r"|^注\s*[0-9]+"
)
# A section row of an annex: 一、创新投入 / (二)创新产出 / 1. 约束性指标 (one cell filled).
_SECTION = re.compile(
    r"^([一二三四五六七八九十]+[、.]|[(][一二三四五六七八九十]+[)]|[0-9]+[、.]\s*\D)"
)
# A unit in brackets after an indicator's name: 全社会R&D经费支出占GDP比重(%).
_NAME_UNIT = re.compile(r"^(?P<name>.+?)\s*[(\[](?P<unit>[^()\[\]]{1,8})[)\]]$")


def header_key(text: str) -> str:
    """Matching form of a header: case, spaces, full-width forms and a year ignored."""
    key = match_key(text)
    return _HEADER_YEAR.sub("", key) or key


_BY_ALIAS = {header_key(a): name for name, aliases in COLUMN_ALIASES.items() for a in aliases}


def column_of(text: str) -> str | None:
    """The canonical column a header names, if any."""
    return _BY_ALIAS.get(header_key(text))


def _is_column_name(text: str) -> bool:
    return column_of(text) is not None


@dataclass(frozen=True)
class ReadOptions:
    """How a county file is read (the command's --sheet, --missing-marker and --county), and
    how its evidence column (佐证材料) is checked: ``evidence_dir`` is the folder every file it
    names must be in (--evidence-dir; looked up by name only, see engine/load/evidence.py);
    ``require_evidence`` makes a met indicator without evidence not evaluated
    (--require-evidence; one county only, applied by engine.pipeline). Either needs the file to
    have an evidence column, and a file of one county."""

    sheet: str | None = None
    missing_markers: tuple[str, ...] = DEFAULT_MISSING_MARKERS
    county: str | None = None
    evidence_dir: Path | None = None
    require_evidence: bool = False

    def __post_init__(self) -> None:
        for marker in self.missing_markers:
            try:
                number: Decimal | None = parse_number(marker, percent_allowed=True)
            except NumberFormatError as exc:  # 1e99 is a number too, only a refused one
                number = Decimal(0) if exc.code == "number_too_large" else None
            if number is not None:
                raise DataError(
                    code="marker_is_number", params={"marker": marker}, field="missing marker"
                )

    @property
    def markers(self) -> frozenset[str]:
        return frozenset(_fold(m) for m in self.missing_markers if _fold(m))

    @property
    def checks_evidence(self) -> bool:
        """An evidence option is given: the dossier of one county is checked."""
        return self.evidence_dir is not None or self.require_evidence


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


@dataclass(frozen=True)
class _Columns:
    index: dict[str, int]  # canonical name → column index in the file
    names: dict[str, str]  # canonical name → the header as written
    extra: dict[int, str]  # column index → header, for columns the tool does not use


def _canonical_columns(
    header: list[str], path: Path, header_row: int, required: tuple[str, ...] = REQUIRED
) -> _Columns:
    index: dict[str, int] = {}
    extra: dict[int, str] = {}
    for i, text in enumerate(header):
        name = column_of(text)
        if name is None or name in KEPT_AS_EXTRA:
            extra[i] = text
        if name is None:
            continue
        if name in index:
            raise DataError(
                code="column_twice",
                params={"column": name, "first": header[index[name]], "second": text},
                file=path,
                row=header_row,
                field=text,
            )
        index[name] = i
    problems = Problems(path)
    for name in required:
        if name not in index:
            aliases = COLUMN_ALIASES[name]
            close = _closest([extra[i] for i in extra], [*aliases])
            problems.add(
                DataError(
                    code="column_missing_like" if close else "column_missing",
                    params={"column": name, "aliases": "、".join(aliases[1:]), "like": close or ""},
                    file=path,
                    row=header_row,
                )
            )
    problems.check()
    return _Columns(index, {c: header[i] for c, i in index.items()}, extra)


def _closest(candidates: Sequence[str], choices: Sequence[str]) -> str | None:
    """The candidate most like one of the choices (a misspelt header), if any is close."""
    from rapidfuzz import fuzz, process

    best: tuple[str, float] | None = None
    for candidate in candidates:
        found = process.extractOne(candidate, choices, scorer=fuzz.ratio, score_cutoff=70)
        if found is not None and (best is None or found[1] > best[1]):
            best = (candidate, found[1])
    return best[0] if best else None


class _Lookup:
    """Data items by id and by Chinese or English name, in ``name_key`` form (``among``: only
    these items of the ruleset)."""

    def __init__(self, ruleset: Ruleset, among: Iterable[DataItem] | None = None) -> None:
        self.ruleset = ruleset
        self.items: dict[str, DataItem] = {}
        for item in ruleset.data_items.values() if among is None else among:
            for text in (item.id, item.name.zh, item.name.en):
                self.items.setdefault(name_key(text), item)

    def find(self, text: str) -> tuple[DataItem, str | None] | None:
        """The item a cell names, and a unit written in brackets after the name."""
        item = self.items.get(name_key(text))
        if item is not None:
            return item, None
        match = _NAME_UNIT.match(unicodedata.normalize("NFKC", text).strip())
        if match is not None:
            item = self.items.get(name_key(match["name"]))
            if item is not None:
                return item, match["unit"].strip()
        return None

    def suggestion(self, text: str) -> str | None:
        from rapidfuzz import fuzz, process

        found = process.extractOne(
            name_key(text), list(self.items), scorer=fuzz.ratio, score_cutoff=70
        )
        if found is None:
            return None
        item = self.items[found[0]]
        return f"{item.name.zh}({item.id})"


def closest_item(
    ruleset: Ruleset, text: str, among: Iterable[DataItem] | None = None
) -> str | None:
    """The data item of ``ruleset`` (of ``among``, if given) most like ``text``, a misspelt id or
    name, as an unknown indicator's row suggests it: ``名称(id)``; None when none is close."""
    return _Lookup(ruleset, among).suggestion(text)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _year(text: str | None, path: Path, row: int, field: str | None) -> int | None:
    if not text:
        return None
    text = text.translate(_FULL_WIDTH_DIGITS)  # ２０２２ is 2022; 2⁰22 and २०२२ are not
    if not (re.fullmatch(r"[0-9]{4}", text) and 1900 <= int(text) <= 2100):
        raise DataError(code="year_invalid", params={"text": text}, file=path, row=row, field=field)
    return int(text)


@dataclass
class _Intake:
    """What reading one file found: its rows by county-year, and the notes for the report."""

    groups: dict[GroupKey, list[Row]]
    columns: _Columns
    data_file: DataFile
    notes: list[IntakeNote]
    kinds: dict[tuple[int, str], str]  # (file row, canonical column) → special cell kind
    problems: Problems  # of the rows so far; the values add theirs, then all are raised
    ruleset: Ruleset
    folder: EvidenceFolder | None = None  # --evidence-dir: where the named files must be

    @property
    def names(self) -> dict[str, str]:
        return self.columns.names


def _skippable(cells: Sequence[str | None]) -> str | None:
    """'footer' or 'section' for a row that is not an indicator, else None."""
    filled = [_fold(c) for c in cells if c and c.strip()]
    if not filled:
        return None
    if _FOOTER.match(filled[0]):
        return "footer"
    if len(filled) == 1 and _SECTION.match(filled[0]):
        return "section"
    return None


def _rows(
    path: Path,
    ruleset: Ruleset,
    required: tuple[str, ...],
    options: ReadOptions,
    *,
    dossier: bool = True,
) -> _Intake:
    """The non-blank rows of a long-format file, each with its ruleset item, grouped by county
    and year in the order they first appear; every problem found is reported at once.
    ``dossier`` false: the evidence options do not apply (a reference file)."""
    checks_evidence = dossier and options.checks_evidence
    folder = (
        EvidenceFolder.at(options.evidence_dir)
        if dossier and options.evidence_dir is not None
        else None
    )
    table: RawTable = read_table(path, _is_column_name, sheet=options.sheet)
    header_row = table.rows[0] - 1 if table.rows else 1
    cols = _canonical_columns(table.header, path, header_row, required)
    names = cols.names
    if checks_evidence and "evidence" not in cols.index:
        raise DataError(
            code="evidence_column_absent",
            params={
                "option": _evidence_options(options),
                "aliases": "、".join(COLUMN_ALIASES["evidence"]),
            },
            file=path,
            row=header_row,
        )
    lookup = _Lookup(ruleset)
    problems = Problems(path)
    notes: list[IntakeNote] = []
    skipped: dict[str, list[int]] = {"footer": [], "section": []}
    groups: dict[GroupKey, list[Row]] = {}
    first_row: dict[tuple[GroupKey, str], int] = {}
    kinds = {
        (table.rows[r], canonical): kind
        for (r, c), kind in table.kinds.items()
        for canonical, i in cols.index.items()
        if i == c
    }
    ended = False  # past a footer row: what follows is signatures and notes
    for row_no, record in zip(table.rows, table.frame.iter_rows(), strict=True):
        if problems.full:  # a wrong file would list thousands, at a cost; say so and stop
            problems.stop()
            break
        # A cell means what its reader sees: invisible characters dropped, then spaces.
        raw_cells = [without_invisible(v).strip() if isinstance(v, str) else v for v in record]
        cells: dict[str, str | None] = {c: raw_cells[i] for c, i in cols.index.items()}
        kind = _skippable(raw_cells)  # in any column: a merged note cell keeps its text in A
        if kind is not None:
            skipped[kind].append(row_no)
            ended = ended or kind == "footer"
            continue
        if not any(cells.get(k) for k in cols.index if k not in DESCRIPTIVE) and not any(
            raw_cells[i] for i in cols.extra
        ):
            continue  # a blank line, or only a row number
        if ended and not cells.get("actual"):
            skipped["footer"].append(row_no)  # signatures and dates below a footer
            continue
        with problems.catching():
            key = cells.get("indicator")
            if not key:
                if not any(
                    cells.get(k) for k in cols.index if k not in (*DESCRIPTIVE, "indicator")
                ):
                    skipped["section"].append(row_no)  # only kept columns filled: a remark
                    continue
                raise DataError(
                    code="indicator_empty", file=path, row=row_no, field=names["indicator"]
                )
            found = lookup.find(key)
            if found is None:
                from engine.load.ruleset import shown_name

                like = lookup.suggestion(key)
                raise DataError(
                    code="indicator_unknown_like" if like else "indicator_unknown",
                    params={
                        "name": key,
                        "ruleset": ruleset.id,
                        "like": like or "",
                        "show": shown_name(ruleset),
                    },
                    file=path,
                    row=row_no,
                    field=names["indicator"],
                )
            item, name_unit = found
            if name_unit is not None:
                cells["name_unit"] = name_unit
            if any(raw_cells[i] for i in cols.extra):
                cells.update(
                    {f"extra:{cols.extra[i]}": raw_cells[i] for i in cols.extra if raw_cells[i]}
                )
            group = (
                cells.get("county") or None,
                _year(cells.get("year"), path, row_no, names.get("year")),
            )
            if (group, item.id) in first_row:
                raise DataError(
                    code="indicator_twice",
                    params={"id": item.id, "first": first_row[group, item.id], "second": row_no},
                    file=path,
                    row=row_no,
                    field=names["indicator"],
                )
            first_row[group, item.id] = row_no
            groups.setdefault(group, []).append((row_no, item, cells))
    if not groups:
        problems.check()
        raise DataError(code="no_indicator_rows", file=path)
    if len(groups) > 1 and None in {county for county, _ in groups}:
        blank = next(rows[0][0] for (county, _), rows in groups.items() if county is None)
        raise DataError(code="county_empty", file=path, row=blank, field=names.get("county"))
    if checks_evidence and len(groups) > 1:
        raise DataError(
            code="evidence_for_batch",
            params={"option": _evidence_options(options), "count": len(groups)},
            file=path,
            field=names.get("county") or names.get("year"),
        )
    unused = [h for i, h in cols.extra.items() if i not in cols.index.values()]
    if unused:  # (责任单位 is kept with each row as well, but it is used: the rules' department)
        notes.append(IntakeNote(code="columns_kept", params={"columns": "、".join(unused)}))
    for kind, rows in skipped.items():
        if rows:
            notes.append(IntakeNote(code=f"{kind}_rows_skipped", params={"rows": _rows_text(rows)}))
    return _Intake(groups, cols, table.data_file, notes, kinds, problems, ruleset, folder)


def _evidence_options(options: ReadOptions) -> str:
    given = [
        *(["--evidence-dir"] if options.evidence_dir is not None else []),
        *(["--require-evidence"] if options.require_evidence else []),
    ]
    return " / ".join(given)


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" … (+{len(rows) - 10})" if len(rows) > 10 else "")


def _attribute(rows: list[Row], name: str, names: dict[str, str], path: Path) -> str | None:
    """A per-county column (theme, type): the one value its filled cells agree on."""
    seen: dict[str, int] = {}
    for row_no, _, cells in rows:
        value = cells.get(name)
        if value:
            seen.setdefault(value, row_no)
    if len(seen) > 1:
        listed = ", ".join(f"'{v}' ({r})" for v, r in seen.items())
        raise DataError(
            code="attribute_differs", params={"values": listed}, file=path, field=names.get(name)
        )
    return next(iter(seen), None)


def _county(
    key: GroupKey,
    rows: list[Row],
    intake: _Intake,
    path: Path,
    options: ReadOptions,
    theme: str | None,
    county_type: str | None,
) -> CountyData:
    problems = intake.problems
    values: dict[str, IndicatorValues] = {}
    notes = list(intake.notes)
    for row_no, item, cells in rows:
        with problems.catching():
            values[item.id] = _item_values(item, cells, intake, path, row_no, options, notes)
    with problems.catching():
        theme = theme or _attribute(rows, "theme", intake.names, path)
    with problems.catching():
        county_type = county_type or _attribute(rows, "county_type", intake.names, path)
    notes.extend(_fraction_notes(rows, values, intake))
    return CountyData(
        county=options.county or key[0] or path.stem,
        values=values,
        theme=theme,
        county_type=county_type,
        year=key[1],
        data_file=intake.data_file,
        notes=notes,
    )


def load_county(
    path: str | Path,
    ruleset: Ruleset,
    *,
    county: str | None = None,
    theme: str | None = None,
    county_type: str | None = None,
    options: ReadOptions | None = None,
) -> CountyData:
    """Load one county's table; ``county``, ``theme`` and ``county_type`` override the file's
    columns (default name: the file's county column, else the file name). A file of several
    counties or years is refused: :func:`load_counties` reads those."""
    path = Path(path)
    options = options or ReadOptions()
    if county is not None:
        options = replace(options, county=county)
    intake = _rows(path, ruleset, REQUIRED, options)
    if len(intake.groups) > 1:
        listed = ", ".join(
            f"'{c}'" + (f" {y}" if y else "") + f" ({rows[0][0]})"
            for (c, y), rows in list(intake.groups.items())[:5]
        )
        more = f" +{len(intake.groups) - 5}" if len(intake.groups) > 5 else ""
        raise DataError(
            code="several_counties",
            params={"listed": listed + more},
            file=path,
            field=intake.names.get("county"),
        )
    ((key, rows),) = intake.groups.items()
    county_data = _county(key, rows, intake, path, options, theme, county_type)
    intake.problems.check()  # every problem of the file at once: rows, cells and columns
    return county_data


def load_counties(
    path: str | Path,
    ruleset: Ruleset,
    *,
    theme: str | None = None,
    county_type: str | None = None,
    options: ReadOptions | None = None,
) -> list[CountyData]:
    """Every county-year of a long-format file (rows carrying ``county`` and optionally
    ``year`` columns), in the order they first appear; a one-county file gives one."""
    path = Path(path)
    options = options or ReadOptions()
    intake = _rows(path, ruleset, REQUIRED, options)
    if options.county is not None and len({c for c, _ in intake.groups}) > 1:
        raise DataError(code="county_option_for_batch", file=path, field=intake.names.get("county"))
    counties = [
        _county(key, rows, intake, path, options, theme, county_type)
        for key, rows in intake.groups.items()
    ]
    intake.problems.check()
    return counties


def load_references(
    path: str | Path, ruleset: Ruleset, options: ReadOptions | None = None
) -> tuple[dict[str, IndicatorValues], DataFile]:
    """A reference file (e.g. provincial averages): columns indicator and reference, optionally
    unit and source; one row per indicator."""
    path = Path(path)
    options = options or ReadOptions()
    intake = _rows(path, ruleset, ("indicator", "reference"), options, dossier=False)
    names = intake.names
    if len(intake.groups) > 1:
        raise DataError(
            code="reference_per_county", file=path, field=names.get("county") or names.get("year")
        )
    refs = {}
    problems = intake.problems
    for row_no, item, cells in next(iter(intake.groups.values())):
        with problems.catching():
            if not isinstance(item, Indicator):
                raise DataError(
                    code="reference_not_indicator",
                    params={"id": item.id},
                    file=path,
                    row=row_no,
                    field=names["indicator"],
                )
            refs[item.id] = _item_values(item, cells, intake, path, row_no, options, [])
    problems.check()
    return refs, intake.data_file


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
                code="reference_disagrees",
                params={"data": own.reference, "file_value": ref.reference},
                file=reference_file.name if reference_file else None,
                row=ref.row,
                indicator=item_id,
                field="reference",
            )
        base = own or IndicatorValues()
        values[item_id] = base.model_copy(update={"reference": ref.reference})
    return county.model_copy(update={"values": values, "reference_file": reference_file})


def _unit_of(
    ind: Indicator | RawInput,
    cells: dict[str, str | None],
    names: dict[str, str],
    path: Path,
    row: int,
) -> tuple[str | None, Decimal | None]:
    """The unit the row's values are in (the unit cell, else a unit written after the name) and
    the factor that converts it to the ruleset's unit (None: no conversion needed)."""
    cell, in_name = cells.get("unit") or None, cells.get("name_unit")
    if cell and in_name and match_key(cell) != match_key(in_name):
        raise DataError(
            code="unit_name_and_cell",
            params={"cell": cell, "name": in_name},
            file=path,
            row=row,
            indicator=ind.id,
            field=names.get("unit"),
        )
    unit = cell or in_name
    if unit is None or match_key(unit) == match_key(ind.unit):
        return unit, None
    factor = conversion_factor(unit, ind.unit)
    if factor is None:
        field = names.get("unit") if cell else names["indicator"]
        raise DataError(
            code="unit_differs",
            params={"unit": unit, "declared": ind.unit, "id": ind.id},
            file=path,
            row=row,
            indicator=ind.id,
            field=field,
        )
    return unit, factor


_KIND_CODES = {"date": "cell_date", "bool": "cell_bool", "error": "cell_error_value"}


def _item_values(
    ind: DataItem,
    cells: dict[str, str | None],
    intake: _Intake,
    path: Path,
    row: int,
    options: ReadOptions,
    notes: list[IntakeNote],
) -> IndicatorValues:
    names = intake.names
    dossier = _dossier(ind, cells, intake, path, row, options, notes)
    if isinstance(ind, TextItem):
        return _text_values(ind, cells, names, path, row, dossier)
    unit, factor = _unit_of(ind, cells, names, path, row)
    data_unit = unit if factor is not None and unit is not None else ind.unit
    percent = match_key(data_unit) == "%"
    numbers: dict[str, Decimal | None] = {}
    problems = Problems(path)
    markers = options.markers
    for column in NUMERIC:
        text = cells.get(column)
        numbers[column] = None
        if not text:
            continue
        with problems.catching():
            field = names[column]
            kind = intake.kinds.get((row, column))
            if kind in _KIND_CODES:
                raise DataError(
                    code=_KIND_CODES[kind],
                    params={"text": text},
                    file=path,
                    row=row,
                    indicator=ind.id,
                    field=field,
                )
            if _fold(text) in markers:
                notes.append(
                    IntakeNote(
                        code="marker_missing",
                        row=row,
                        field=field,
                        indicator=ind.id,
                        params={"text": text},
                    )
                )
                continue
            if kind == "percent" and not percent:
                raise DataError(
                    code="cell_percent_format",
                    params={"text": text, "unit": data_unit},
                    file=path,
                    row=row,
                    indicator=ind.id,
                    field=field,
                )
            try:
                value = parse_number(text, percent_allowed=percent)
            except NumberFormatError as exc:
                raise DataError(
                    code=exc.code,
                    params={"text": exc.text, "limit": f"{MAX_MAGNITUDE:,.0f}"},
                    file=path,
                    row=row,
                    indicator=ind.id,
                    field=field,
                ) from None
            if value is not None and value < 0 and ind.unit in COUNT_UNITS:
                raise DataError(
                    code="count_negative",
                    params={"value": value, "unit": ind.unit},
                    file=path,
                    row=row,
                    indicator=ind.id,
                    field=field,
                )
            if value is not None and factor is not None:
                value = value * factor
            numbers[column] = value
    problems.check()
    extra = {k.removeprefix("extra:"): v for k, v in cells.items() if k.startswith("extra:") and v}
    return IndicatorValues(
        baseline=numbers.get("baseline"),
        target=numbers.get("target"),
        actual=numbers.get("actual"),
        reference=numbers.get("reference"),
        unit=unit,
        converted_from=unit if factor is not None else None,
        source=cells.get("source") or None,
        note=cells.get("note") or None,
        row=row,
        extra=extra or None,
        **dossier,
    )


class _Dossier(TypedDict, total=False):
    department: str
    evidence: tuple[str, ...]


def _dossier(
    item: DataItem,
    cells: dict[str, str | None],
    intake: _Intake,
    path: Path,
    row: int,
    options: ReadOptions,
    notes: list[IntakeNote],
) -> _Dossier:
    """A row's part of the acceptance dossier: its department (责任单位), its evidence (佐证材料:
    an empty tuple for a blank cell, None without the column), each file it names looked up in
    the evidence folder, and its 指标属性 compared with the ruleset's kind."""
    names = intake.names
    found: _Dossier = {}
    department = cells.get("department")
    if department and _fold(department) not in options.markers:
        found["department"] = department
    if "evidence" in names:
        entries = split_entries(cells.get("evidence"), options.markers)
        found["evidence"] = entries
        if intake.folder is not None:
            _look_up(intake.folder, entries, item, path, row, names["evidence"], notes)
    said = cells.get("kind")
    if said and isinstance(item, Indicator) and _fold(said) not in options.markers:
        kind = KIND_WORDS.get(match_key(said))
        if kind != item.kind:
            notes.append(
                IntakeNote(
                    code="kind_unreadable" if kind is None else f"kind_differs_{item.kind}",
                    row=row,
                    field=names["kind"],
                    indicator=item.id,
                    params={"text": said, "ruleset": intake.ruleset.id, "id": item.id},
                )
            )
    return found


def _look_up(
    folder: EvidenceFolder,
    entries: tuple[str, ...],
    item: DataItem,
    path: Path,
    row: int,
    field: str,
    notes: list[IntakeNote],
) -> None:
    """The files a row names, in the evidence folder: a name leaving the folder or holding a
    control character is an error; a file not there is a warning naming the entry."""
    problems = Problems(path)
    for lookup in look_up(folder, entries):
        if lookup.found == "missing":
            notes.append(
                IntakeNote(
                    code="evidence_file_missing",
                    row=row,
                    field=field,
                    indicator=item.id,
                    params={"entry": lookup.entry, "folder": folder.given},
                )
            )
        elif lookup.found in ("outside", "invalid"):
            problems.add(
                DataError(
                    code=f"evidence_name_{lookup.found}",
                    params={"entry": lookup.entry, "folder": folder.given},
                    file=path,
                    row=row,
                    indicator=item.id,
                    field=field,
                )
            )
    problems.check()


def _fraction_notes(
    rows: list[Row], values: dict[str, IndicatorValues], intake: _Intake
) -> list[IntakeNote]:
    """% values that look typed as fractions (0.0168 for 1.68 %): beside a value ≥ 1 of the same
    row, or in a file whose other % rows are in percent. A warning naming the cell: 0.5 % may be
    real."""
    found = []
    percent_rows = [
        (r, item, values[item.id])
        for r, item, _ in rows
        if isinstance(item, Indicator) and item.unit == "%" and item.id in values
    ]
    tops = {
        item.id: max(
            (abs(getattr(v, c)) for c in NUMERIC if getattr(v, c) is not None), default=None
        )
        for _, item, v in percent_rows
    }
    for row, item, v in percent_rows:
        others = [t for i, t in tops.items() if i != item.id and t is not None]
        in_percent = len(others) >= 2 and sum(t >= 1 for t in others) * 3 >= len(others) * 2
        for column in NUMERIC:
            value = getattr(v, column)
            if (
                value is None
                or not 0 < abs(value) < 1
                or intake.kinds.get((row, column)) == "percent"
            ):
                continue
            peers = [
                abs(getattr(v, c)) for c in NUMERIC if c != column and getattr(v, c) is not None
            ]
            beside = any(p >= 1 and Decimal("0.2") <= abs(value) * 100 / p <= 5 for p in peers)
            if beside or (in_percent and all(p < 1 for p in peers)):
                found.append(
                    IntakeNote(
                        code="percent_looks_fraction",
                        row=row,
                        field=intake.names[column],
                        indicator=item.id,
                        params={"value": str(value), "percent": f"{(value * 100).normalize():f}"},
                    )
                )
    return found


def _text_values(
    item: TextItem,
    cells: dict[str, str | None],
    names: dict[str, str],
    path: Path,
    row: int,
    dossier: _Dossier,
) -> IndicatorValues:
    """A text item's text is its note (or, as bureaus often type it, its actual cell)."""
    for column in ("baseline", "target", "reference"):
        if cells.get(column):
            raise DataError(
                code="text_item_number",
                params={"id": item.id},
                file=path,
                row=row,
                indicator=item.id,
                field=names[column],
            )
    note, actual = cells.get("note"), cells.get("actual")
    if note and actual and note != actual:
        raise DataError(
            code="text_item_twice",
            params={"id": item.id},
            file=path,
            row=row,
            indicator=item.id,
            field=names["actual"],
        )
    return IndicatorValues(
        note=note or actual or None,
        source=cells.get("source") or None,
        row=row,
        **dossier,
    )
