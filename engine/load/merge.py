"""The fill-in workbook (填报模板) as data, and department returns combined into one county table.

The layout is defined here, once, for both sides: ``engine/report/template.py`` writes it
(``assess template``) and :func:`merge_returns` reads it back (``assess merge``). A template has
a row per data item of the ruleset — each indicator, the raw inputs of derived indicators right
after the first indicator computed from them, then the text items — and columns that the county
intake (``engine/load/county.py``) reads as they are: 指标名称, 单位, 基期值, 目标值, 完成值,
数据来源 and, with a county, 县(市、区). Above the header, a title line and a line naming the
county and the ruleset (``规则集:provincial-2021(版本1.0.0,sha256:…)``) which the intake skips
and the merge reads to know the ruleset of a return.

Merging is pure: each return is read with the bounded readers (engine/load/files.py,
engine/load/xlsx.py) and the county intake, so its values are exactly what ``assess`` would read;
two returns that give the same field of the same item different values are a conflict (every
conflict is reported, naming both files, rows and values); the same value twice is fine. What
is still empty afterwards is listed with the department that owes it. Nothing is written here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from engine.errors import DataError, InputError, Problems
from engine.load.county import DataItem, ReadOptions, column_of, header_key, load_county
from engine.model.county import CountyData
from engine.model.ruleset import Indicator, LocalizedText, Ruleset, prose

Role = Literal["indicator", "input", "text"]
#: The number columns a template may have, in the order they appear.
NUMBER_FIELDS = ("baseline", "target", "reference", "actual")
#: What a department that is not named is called (the workbook of rows without a 责任单位).
NO_DEPARTMENT = LocalizedText(zh="未指定责任单位", en="no department")


@dataclass(frozen=True)
class Column:
    """A column of the template: its key and its header in each language. The headers are the
    intake's own where it has one (指标名称, 单位, 基期值 …; in English indicator, unit, …)."""

    key: str
    zh: str
    en: str
    #: Other headers that mean this column (a department's own table, an annex's words).
    aliases: tuple[str, ...] = ()

    def get(self, lang: str) -> str:
        """The header in ``lang`` (a Column is shown in messages like a LocalizedText)."""
        return self.zh if lang == "zh" else self.en


_COLUMN_LIST = (
    Column("seq", "序号", "No."),
    Column("category", "类别", "Category"),
    Column("indicator", "指标名称", "Indicator"),
    Column("unit", "单位", "Unit"),
    Column("kind", "指标属性", "Kind"),
    Column("measure", "统计口径", "Measure"),
    Column("department", "责任单位", "Department", ("牵头单位", "责任部门", "department")),
    Column("source", "数据来源", "Source"),
    Column("baseline", "基期值", "Baseline"),
    Column("target", "目标值", "Target"),
    Column("reference", "参考值", "Reference"),
    Column("actual", "完成值", "Actual"),
    Column("evidence", "佐证材料", "Evidence", ("佐证", "证明材料", "evidence")),
    Column("county", "县(市、区)", "County"),
)
COLUMNS: dict[str, Column] = {c.key: c for c in _COLUMN_LIST}
#: The columns the ruleset fills in (locked in the workbook, except an empty 责任单位 or 数据来源).
FIXED = ("seq", "category", "indicator", "unit", "kind", "measure", "department", "source")

KIND_WORDS: dict[str, LocalizedText] = {
    "binding": LocalizedText(zh="约束性", en="binding"),
    "expected": LocalizedText(zh="预期性", en="expected"),
    "input": LocalizedText(zh="基础数据", en="input"),
    "text": LocalizedText(zh="文字项", en="text"),
}
MEASURE_WORDS: dict[str, LocalizedText] = {
    "stock": LocalizedText(zh="存量", en="stock"),
    "annual": LocalizedText(zh="年度", en="annual"),
    "cumulative": LocalizedText(zh="累计", en="cumulative"),
}
COUNTY_LINE = LocalizedText(zh="填报单位:", en="County: ")
DEPARTMENT_LINE = LocalizedText(zh="责任单位:", en="Department: ")

# The line above the header that names the ruleset a template was made for.
_MARKER = re.compile(
    r"(?:规则集|Ruleset)\s*[:：]\s*(?P<id>[a-z0-9][a-z0-9_.-]*)\s*[(（].*?"
    r"sha256:(?P<hash>[0-9a-f]{12,64})"
)


def marker_text(ruleset: Ruleset, lang: str) -> str:
    """The ruleset's line above the header (read back by :func:`read_return`)."""
    digest = ruleset.content_hash[:12]
    if lang == "zh":
        return f"规则集:{ruleset.id}(版本{ruleset.version},sha256:{digest})"
    return f"Ruleset: {ruleset.id} (version {ruleset.version}, sha256:{digest})"


# -- the rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    """One row of the template: a data item of the ruleset and what the row says about it."""

    item: DataItem
    role: Role
    #: 序号: indicators and text items are numbered, raw inputs are not.
    seq: int | None
    category: LocalizedText | None
    #: For a raw input: the derived indicators computed from it.
    used_by: tuple[Indicator, ...] = ()

    @property
    def id(self) -> str:
        return self.item.id

    def name(self, lang: str) -> str:
        return self.item.name.get(lang)

    def departments(self, lang: str) -> tuple[str, ...]:
        """Who the ruleset makes responsible: the indicator's 责任单位; for a raw input, those of
        the indicators computed from it; none for a text item or where the ruleset says none."""
        owners = (self.item,) if isinstance(self.item, Indicator) else self.used_by
        found = [prose(o.department, lang) for o in owners]
        return tuple(dict.fromkeys(d.strip() for d in found if d and d.strip()))

    def department(self, lang: str) -> str | None:
        """The 责任单位 cell's text ("、" between several), None when the ruleset names none."""
        return "、".join(self.departments(lang)) or None

    def data_source(self, lang: str) -> str | None:
        if isinstance(self.item, Indicator):
            return prose(self.item.data_source, lang)
        return None

    def fields(self, *, reference: bool) -> tuple[str, ...]:
        """The cells of the row a user fills in."""
        if self.role == "text":
            return ("actual", "evidence")  # the text itself goes where a value would
        numbers = [f for f in NUMBER_FIELDS if f != "reference" or reference]
        return (*numbers, "evidence")


def has_reference(ruleset: Ruleset) -> bool:
    """Some indicator is compared with a reference value given as data (a 参考值 column)."""
    return any(i.threshold.needs == "reference" for i in ruleset.indicators)


def columns_for(ruleset: Ruleset, *, county: bool) -> tuple[str, ...]:
    """The template's columns, in order: the fixed ones, the cells to fill in, the county."""
    fill = ["baseline", "target", *(["reference"] if has_reference(ruleset) else []), "actual"]
    return (*FIXED, *fill, "evidence", *(["county"] if county else []))


def template_rows(ruleset: Ruleset) -> list[TemplateRow]:
    """Every row of the ruleset's template: each indicator, the raw inputs of a derived
    indicator right after the first indicator computed from them, inputs no formula uses, then
    the text items. Every data item of the ruleset has exactly one row."""
    users: dict[str, list[Indicator]] = {}
    for ind in ruleset.indicators:
        if ind.derived is not None:
            for name in ind.derived.parsed.inputs:
                users.setdefault(name, []).append(ind)
    inputs = {i.id: i for i in ruleset.inputs}
    rows: list[TemplateRow] = []
    placed: set[str] = set()
    for seq, ind in enumerate(ruleset.indicators, start=1):
        rows.append(TemplateRow(ind, "indicator", seq, ind.category))
        if ind.derived is None:
            continue
        for name in ind.derived.parsed.inputs:
            if name in placed or name not in inputs:
                continue
            placed.add(name)
            rows.append(TemplateRow(inputs[name], "input", None, ind.category, tuple(users[name])))
    rows += [TemplateRow(i, "input", None, None) for i in ruleset.inputs if i.id not in placed]
    first = len(ruleset.indicators) + 1
    rows += [
        TemplateRow(t, "text", seq, None) for seq, t in enumerate(ruleset.text_items, start=first)
    ]
    return rows


def rows_by_department(
    rows: Sequence[TemplateRow], lang: str
) -> dict[str | None, list[TemplateRow]]:
    """The rows each department fills in (None: the rows without a 责任单位), in the order the
    departments first appear; a raw input goes to every department whose indicator uses it."""
    found: dict[str | None, list[TemplateRow]] = {}
    for row in rows:
        for owner in row.departments(lang) or (None,):
            found.setdefault(owner, []).append(row)
    if None in found:  # the unnamed ones last
        found[None] = found.pop(None)
    return found


# -- what a filled row needs ---------------------------------------------------------------------


@dataclass(frozen=True)
class Filled:
    """One row's cells as filled in: numbers exact, a text item's text, the evidence."""

    baseline: Decimal | None = None
    target: Decimal | None = None
    reference: Decimal | None = None
    actual: Decimal | None = None
    text: str | None = None
    evidence: str | None = None
    #: A 责任单位 and a 数据来源 written in a return where the ruleset names none.
    department: str | None = None
    source: str | None = None

    def number(self, name: str) -> Decimal | None:
        value: Decimal | None = getattr(self, name)
        return value

    def given(self, name: str) -> bool:
        if name == "actual" and self.text is not None:
            return True
        return getattr(self, name) is not None


def needed(row: TemplateRow, filled: Mapping[str, Filled]) -> tuple[str, ...]:
    """The fields of ``row`` that must be filled in for its indicator to be assessed, and are
    not: the actual; the target of a target rule, the baseline of a growth rule, the reference
    of a reference rule. A derived indicator needs its own cell only where its inputs do not all
    give that column; a raw input needs its actual where an indicator computed from it has no
    actual of its own."""
    empty = Filled()
    own = filled.get(row.id, empty)
    if row.role == "text":
        return () if own.given("actual") else ("actual",)
    if row.role == "input":
        if not row.used_by:
            return ()
        wanted = any(filled.get(i.id, empty).actual is None for i in row.used_by)
        return ("actual",) if wanted and own.actual is None else ()
    assert isinstance(row.item, Indicator)
    ind = row.item
    fields = ["actual"]
    if ind.threshold.needs is not None:  # the county value its threshold is built from
        fields.append(ind.threshold.needs)
    inputs = ind.derived.parsed.inputs if ind.derived is not None else []
    missing = []
    for name in fields:
        if own.number(name) is not None:
            continue
        if (
            name != "reference"
            and inputs
            and all(filled.get(i, empty).number(name) is not None for i in inputs)
        ):
            continue  # computed from the inputs
        missing.append(name)
    return tuple(sorted(missing, key=NUMBER_FIELDS.index))  # in the columns' order


# -- reading a return ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    """A return's table as cell texts, and what the merge reads there itself."""

    path: Path
    rows: list[list[str | None]]
    #: The ruleset line above the header: (id, the start of its content hash).
    marker: tuple[str, str] | None
    header: int | None  # the header's index in rows
    columns: dict[str, int]  # department, evidence, county → column index


def _matches(text: str, column: Column) -> bool:
    key = header_key(text)
    return key in {header_key(t) for t in (column.zh, column.en, *column.aliases)}


def _read_sheet(path: Path) -> _Sheet:
    """The workbook's table read like the intake reads it (regular files only, bounded, the same
    sheet chosen), with the ruleset line and the columns the merge reads itself."""
    from engine.load.files import read_bounded
    from engine.load.table import MAX_DATA_BYTES
    from engine.load.xlsx import read_workbook

    read_bounded(path, MAX_DATA_BYTES, DataError)  # a FIFO, a device or a huge file: refused
    rows = read_workbook(path).rows
    header = None
    for i, row in enumerate(rows[:10]):
        names = [column_of(c.strip()) for c in row if c and c.strip()]
        if "indicator" in names and sum(n is not None for n in names) >= 2:
            header = i
            break
    marker = None
    for row in rows[: header if header is not None else 10]:
        for text in row:
            found = _MARKER.search(text or "")
            if found is not None and marker is None:
                marker = (found["id"], found["hash"])
    columns: dict[str, int] = {}
    if header is not None:
        for j, text in enumerate(rows[header]):
            for key in ("department", "evidence", "county"):
                if text and key not in columns and _matches(text.strip(), COLUMNS[key]):
                    columns[key] = j
    return _Sheet(path, rows, marker, header, columns)


def template_ruleset(path: str | Path) -> str | None:
    """The bundled ruleset a fill-in workbook names on its ruleset line (``assess`` without
    ``--ruleset`` uses it rather than reading the table as a completion table); None when the
    file is not such a workbook, or names a ruleset that is not bundled. Reading errors are
    left to the intake, which names them."""
    from engine.load.ruleset import bundled_rulesets

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        marker = _read_sheet(path).marker
    except InputError:
        return None
    if marker is None or marker[0] not in bundled_rulesets():
        return None
    return marker[0]


@dataclass(frozen=True)
class Return:
    """A filled template (or a table like it) as read: what the intake made of it, and the
    cells of the columns the intake does not interpret (责任单位, 佐证材料, 县(市、区))."""

    path: Path
    #: The ruleset line above the header: (id, the start of its content hash).
    marker: tuple[str, str] | None
    county: CountyData
    #: Excel row number → column key → the cell's text, for department, evidence and county.
    cells: dict[int, dict[str, str]] = field(default_factory=dict)

    def cell(self, row: int | None, key: str) -> str | None:
        return self.cells.get(row or 0, {}).get(key)


def _return(sheet: _Sheet, ruleset: Ruleset, options: ReadOptions | None) -> Return:
    if sheet.marker is not None and sheet.marker[0] != ruleset.id:
        raise DataError(
            code="merge_other_ruleset",
            params={"found": sheet.marker[0], "expected": ruleset.id},
            file=sheet.path,
        )
    county = load_county(sheet.path, ruleset, options=options)
    cells: dict[int, dict[str, str]] = {}
    if sheet.header is not None:
        for i, row in enumerate(sheet.rows[sheet.header + 1 :], start=sheet.header + 2):
            texts = {
                key: (row[j] or "").strip()
                for key, j in sheet.columns.items()
                if j < len(row) and (row[j] or "").strip()
            }
            if texts:
                cells[i] = texts
    return Return(sheet.path, sheet.marker, county, cells)


def read_return(path: str | Path, ruleset: Ruleset, options: ReadOptions | None = None) -> Return:
    """One department's return: its values by the county intake (every problem of the file at
    once, as ``assess`` reports them) and its 责任单位, 佐证材料 and county cells. A return whose
    ruleset line names another ruleset is refused."""
    return _return(_read_sheet(Path(path)), ruleset, options)


# -- merging -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """A row still empty after the merge: which cells, and who owes them."""

    row: TemplateRow
    fields: tuple[str, ...]
    #: The 责任单位 a return wrote for the row, where the ruleset names none.
    written: str | None = None

    def department(self, lang: str) -> str:
        return self.row.department(lang) or self.written or NO_DEPARTMENT.get(lang)


@dataclass(frozen=True)
class Merged:
    """Department returns combined: one filled row per data item given, what is still missing,
    the county (when a return or the caller names it) and the files read, in order."""

    ruleset: Ruleset
    filled: dict[str, Filled]
    missing: tuple[Missing, ...]
    county: str | None
    files: tuple[Path, ...]
    #: Returns made for another version of the ruleset: (file, the hash start they carry).
    other_versions: tuple[tuple[Path, str], ...] = ()


def _ruleset_of(sheets: Sequence[_Sheet]) -> Ruleset:
    """The ruleset the returns were made for, from their ruleset lines: they must agree and
    name a bundled ruleset (for any other, the caller gives it)."""
    from engine.load.ruleset import bundled_rulesets, load_ruleset

    found: dict[str, Path] = {}
    for sheet in sheets:
        if sheet.marker is not None:
            found.setdefault(sheet.marker[0], sheet.path)
    if not found:
        raise DataError(code="merge_ruleset_unknown", file=sheets[0].path, field="--ruleset")
    if len(found) > 1:
        (first, one), (second, other) = list(found.items())[:2]
        raise DataError(
            code="merge_rulesets_differ",
            params={"first": first, "other": str(one), "second": second},
            file=other,
        )
    ((name, path),) = found.items()
    if name not in bundled_rulesets():
        raise DataError(
            code="merge_ruleset_not_bundled", params={"id": name}, file=path, field="--ruleset"
        )
    return load_ruleset(name)


def merge_returns(
    paths: Sequence[str | Path],
    ruleset: Ruleset | None = None,
    *,
    county: str | None = None,
) -> Merged:
    """Combine department returns (filled templates) into one county's rows.

    ``ruleset`` is the returns' ruleset (default: the one their ruleset lines name, which must
    be bundled). Every problem is raised at once as an :class:`~engine.errors.InputError`: the
    problems of each file as ``assess`` reports them, a return made for another ruleset, and
    every conflict (a field of an item given two different values, naming both files, rows and
    values; the same value twice is no conflict). ``county`` names the county (default: the
    returns' 县(市、区) column, whose names must agree)."""
    files = [Path(p) for p in paths]
    if not files:
        raise ValueError("merge_returns needs at least one file")
    problems = Problems(None)
    sheets: list[_Sheet] = []
    for path in files:
        with problems.catching():
            sheets.append(_read_sheet(path))
    problems.check()
    if ruleset is None:
        ruleset = _ruleset_of(sheets)
    returns: list[Return] = []
    for sheet in sheets:
        with problems.catching():
            returns.append(_return(sheet, ruleset, None))
    problems.check()
    rows = template_rows(ruleset)
    filled: dict[str, Filled] = {}
    for row in rows:
        with problems.catching():
            merged = _merge_row(row, returns)
            if merged is not None:
                filled[row.id] = merged
    with problems.catching():
        named = _county(returns)  # two different counties are refused, a name given or not
        county = county or named
    problems.check()
    missing = tuple(
        Missing(row, fields, (filled.get(row.id) or Filled()).department)
        for row in rows
        if (fields := needed(row, filled))
    )
    other = tuple(
        (r.path, r.marker[1])
        for r in returns
        if r.marker is not None and not ruleset.content_hash.startswith(r.marker[1])
    )
    return Merged(ruleset, filled, missing, county, tuple(files), other)


@dataclass(frozen=True)
class _Given:
    """The first return that gave a field: its value, file and row."""

    value: Decimal | str
    file: Path
    row: int | None


def _merge_row(row: TemplateRow, returns: list[Return]) -> Filled | None:
    """One row from every return that fills it; a field given two different values is a
    conflict (each one reported). Evidence lines are gathered from every return."""
    problems = Problems(None)
    fields: dict[str, Decimal | str | None] = {}
    for name in ("actual",) if row.role == "text" else NUMBER_FIELDS:
        first: _Given | None = None
        for ret in returns:
            values = ret.county.values.get(row.id)
            if values is None:
                continue
            value: Decimal | str | None = (
                values.note if row.role == "text" else getattr(values, name)
            )
            if value is None:
                continue
            given = _Given(value, ret.path, values.row)
            if first is None:
                first = given
            elif value != first.value:
                problems.add(_conflict(row, name, first, given))
        fields[name] = first.value if first is not None else None
    problems.check()
    evidence: list[str] = []
    department = source = None
    for ret in returns:
        values = ret.county.values.get(row.id)
        if values is None:
            continue
        for line in (ret.cell(values.row, "evidence") or "").splitlines():
            if line.strip() and line.strip() not in evidence:
                evidence.append(line.strip())
        department = department or ret.cell(values.row, "department")
        source = source or values.source
    text = fields.pop("actual") if row.role == "text" else None
    numbers = {k: v for k, v in fields.items() if isinstance(v, Decimal)}
    written = Filled(
        **numbers,
        text=text if isinstance(text, str) else None,
        evidence="\n".join(evidence) or None,
        department=None if row.department("zh") else department,
        source=None if row.data_source("zh") else source,
    )
    return None if written == Filled() else written


def _shown(value: Decimal | str) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else value


def _conflict(row: TemplateRow, name: str, first: _Given, second: _Given) -> InputError:
    return DataError(
        code="merge_conflict",
        params={
            "name": row.item.name,
            "column": {"zh": COLUMNS[name].zh, "en": COLUMNS[name].en.lower()},
            "first": str(first.file),
            "first_row": first.row or "?",
            "first_value": _shown(first.value),
            "second": str(second.file),
            "second_row": second.row or "?",
            "second_value": _shown(second.value),
        },
        indicator=row.id,
    )


def _county(returns: list[Return]) -> str | None:
    """The county the returns' 县(市、区) column names; two different ones are refused."""
    seen: dict[str, Path] = {}
    for ret in returns:
        for cells in ret.cells.values():
            name = cells.get("county")
            if name and name not in seen:
                seen[name] = ret.path
    if len(seen) > 1:
        (first, one), (second, other) = list(seen.items())[:2]
        raise DataError(
            code="merge_counties_differ",
            params={"first": first, "other": str(one), "second": second},
            file=other,
        )
    return next(iter(seen), None)
