"""The fill-in workbook (填报模板): a ruleset's rows as a protected, printable .xlsx that a county
bureau or a department fills in and ``assess`` reads back unchanged.

The layout is engine/load/merge.py's (the columns, the rows, the ruleset line), written here
with openpyxl:

* sheet 1 (指标填报): a title line, the 填报单位 / 规则集 line, the header, a row per data item.
  The ruleset's columns are locked; the cells to fill in (基期值, 目标值, [参考值,] 完成值,
  佐证材料, and an empty 责任单位 or 数据来源) are unlocked and tinted. The sheet is protected
  without a password (a guard against slips, not a lock: 审阅 → 撤销工作表保护 lifts it).
* Number cells are General — never a percent format, so 1.55 typed is 1.55 read — and take
  decimals only (data validation; ≥ 0 where the unit counts things); a percentage row says % in
  its 单位 column. A text item's text goes in its 完成值 cell, which takes text.
* Printed on A4 landscape, one page wide, the header repeated on every page.
* sheet 2 (填表说明): what each column means and how to type percentages, missing values and
  evidence, in the user's language; text only, so the intake passes it over.
* A merged table (``assess merge``) is the same workbook with the values filled in, and a
  未填报 sheet listing what is still empty and who owes it (text only as well).

Every text is a string cell, never a formula (one starting with = + - @ also gets Excel's
quote prefix, so editing the cell keeps it text); numbers are written as numbers where a binary
double holds them exactly (15 significant digits), as text otherwise, so that the intake reads
the value it was given. The same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from engine.decimals import MAX_MAGNITUDE
from engine.load.county import COUNT_UNITS
from engine.load.merge import (
    COLUMNS,
    COUNTY_LINE,
    DEPARTMENT_LINE,
    KIND_WORDS,
    MEASURE_WORDS,
    Filled,
    Missing,
    TemplateRow,
    columns_for,
    has_reference,
    marker_text,
    template_rows,
)
from engine.model.ruleset import (
    ExpectedSharePolicy,
    Indicator,
    LocalizedText,
    RawInput,
    Ruleset,
    TextItem,
)
from engine.report.archive import DEFAULT_TIME, fixed_zip
from engine.report.output import FORMULA_PREFIXES
from engine.report.xlsx import clean
from engine.units import match_key

SHEET_NAMES = {
    "data": LocalizedText(zh="指标填报", en="Indicators"),
    "help": LocalizedText(zh="填表说明", en="Instructions"),
    "missing": LocalizedText(zh="未填报", en="Not filled in"),
}
#: Row of the header (1-based): a title line and the county / ruleset line above it.
HEADER_ROW = 3

_WIDTHS = {
    "seq": 6,
    "category": 14,
    "indicator": 34,
    "unit": 11,
    "kind": 9,
    "measure": 9,
    "department": 16,
    "source": 18,
    "baseline": 13,
    "target": 13,
    "reference": 13,
    "actual": 13,
    "evidence": 26,
    "county": 12,
}
_WRAPPED = frozenset({"category", "indicator", "department", "source", "evidence"})
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_FILL_IN = PatternFill("solid", fgColor="FFF2CC")
_NOT_USED = PatternFill("solid", fgColor="E7E6E6")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_OPEN = Protection(locked=False)
_LOCKED = Protection(locked=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_IDS = re.compile(r"[a-z][a-z0-9_]*")

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{title}填报表",
        "prompt_title": "填写数字",
        "prompt": "只填数字,不带单位;没有数据请留空。",
        "prompt_percent": "百分比填百分数:1.55%填1.55;没有数据请留空。",
        "prompt_count": "填不小于0的数字;没有数据请留空。",
        "error_title": "请填写数字",
        "error": "这里只能填数字(不带单位、不带%);没有数据请留空。",
        "derived": "由基础数据计算:{formula}。请在下方基础数据行填写;本行完成值可留空,"
        "若填写须与计算结果一致。",
        "input": "基础数据,用于计算:{names}。",
        "missing_head": "未填写",
        "nothing_missing": "所有指标均已填报。",
        "sep": "、",
    },
    "en": {
        "title": "{title}: data form",
        "prompt_title": "A number",
        "prompt": "A number, without its unit; leave blank when there is no data.",
        "prompt_percent": "Percent as its number: 1.55 for 1.55 %; blank when there is no data.",
        "prompt_count": "A number of at least 0; leave blank when there is no data.",
        "error_title": "Type a number",
        "error": "This cell takes a number only (no unit, no %); leave it blank for no data.",
        "derived": "Computed from its inputs: {formula}. Fill in the input rows below; this "
        "row's actual may stay blank (if given, it must agree with the computed value).",
        "input": "An input, used to compute: {names}.",
        "missing_head": "Empty",
        "nothing_missing": "Every indicator is filled in.",
        "sep": ", ",
    },
}


def _text(ws: Any, row: int, col: int, text: str | None, alignment: Alignment = _WRAP) -> Any:
    """A text cell: a string, never a formula (Excel's quote prefix where it starts like one)."""
    cell = ws.cell(row=row, column=col)
    if text:
        cell.value = clean(text)
        cell.data_type = "s"  # openpyxl would make "=…" a formula and "#N/A" an error
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    cell.alignment = alignment
    return cell


def excel_number(value: Decimal) -> float | str:
    """The cell value that the intake reads back as ``value``: a number where a double holds
    it exactly within Excel's 15 significant digits, else its text (read exactly too)."""
    if value.is_finite() and len(value.normalize().as_tuple().digits) <= 15:
        number = float(value)
        if Decimal(repr(number)) == value:
            return number
    return f"{value:f}"


def _formula_text(ind: Indicator, ruleset: Ruleset, lang: str) -> str:
    assert ind.derived is not None
    names = {i.id: i.name.get(lang) for i in ruleset.inputs}
    return _IDS.sub(lambda m: names.get(m.group(), m.group()), ind.derived.formula)


class _Validations:
    """The decimal-only rules of the number cells: any number, ≥ 0 for counts, and a prompt
    about percentages on % rows."""

    def __init__(self, ws: Any, lang: str) -> None:
        words = _WORDS[lang]
        limit = f"{MAX_MAGNITUDE:f}"
        self.rules: dict[str, DataValidation] = {}
        for kind, low, prompt in (
            ("any", f"-{limit}", words["prompt"]),
            ("percent", f"-{limit}", words["prompt_percent"]),
            ("count", "0", words["prompt_count"]),
        ):
            rule = DataValidation(
                type="decimal",
                operator="between",
                formula1=low,
                formula2=limit,
                allow_blank=True,
                showErrorMessage=True,
                showInputMessage=True,
                errorStyle="stop",
                errorTitle=words["error_title"],
                error=words["error"],
                promptTitle=words["prompt_title"],
                prompt=prompt,
            )
            self.rules[kind] = rule
            ws.add_data_validation(rule)

    def add(self, item: Indicator | RawInput, coordinate: str) -> None:
        unit = match_key(item.unit)
        kind = "percent" if unit == "%" else "count" if item.unit in COUNT_UNITS else "any"
        self.rules[kind].add(coordinate)


def _kind_word(row: TemplateRow, lang: str) -> str:
    if isinstance(row.item, Indicator):
        return KIND_WORDS[row.item.kind].get(lang)
    return KIND_WORDS["input" if row.role == "input" else "text"].get(lang)


def _fixed_cells(row: TemplateRow, lang: str, filled: Filled) -> dict[str, str | int | None]:
    item = row.item
    measure = item.measure if isinstance(item, Indicator) else None
    return {
        "seq": row.seq,
        "category": row.category.get(lang) if row.category is not None else None,
        "indicator": row.name(lang),
        "unit": None if isinstance(item, TextItem) else item.unit,
        "kind": _kind_word(row, lang),
        "measure": MEASURE_WORDS[measure].get(lang) if measure else None,
        "department": row.department(lang) or filled.department,
        "source": row.data_source(lang) or filled.source,
    }


def _data_sheet(
    ws: Any,
    ruleset: Ruleset,
    rows: Sequence[TemplateRow],
    *,
    lang: str,
    county: str | None,
    department: str | None,
    filled: Mapping[str, Filled],
) -> None:
    words = _WORDS[lang]
    keys = columns_for(ruleset, county=county is not None)
    col = {key: i for i, key in enumerate(keys, start=1)}
    last = len(keys)
    title = words["title"].format(title=ruleset.title.get(lang))
    _text(ws, 1, 1, title, _CENTER).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    line = COUNTY_LINE.get(lang) + (county or "")
    if department is not None:
        line += "    " + DEPARTMENT_LINE.get(lang) + department
    split = col["baseline"]
    _text(ws, 2, 1, line, _TOP)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=split - 1)
    _text(ws, 2, split, marker_text(ruleset, lang), Alignment(horizontal="right"))
    ws.merge_cells(start_row=2, start_column=split, end_row=2, end_column=last)
    for key, i in col.items():
        cell = _text(ws, HEADER_ROW, i, COLUMNS[key].get(lang), _CENTER)
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BORDER
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS[key]
    rules = _Validations(ws, lang)
    reference = has_reference(ruleset)
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        given = filled.get(row.id) or Filled()
        fixed = _fixed_cells(row, lang, given)
        open_cells = set(row.fields(reference=reference))
        for key in ("department", "source"):  # the ruleset names none: the county may
            if not _from_ruleset(row, key, lang):
                open_cells.add(key)
        for key, i in col.items():
            align = _WRAP if key in _WRAPPED else _TOP
            if key == "county":
                cell = _text(ws, r, i, county, align)
            elif key == "seq":
                cell = ws.cell(row=r, column=i, value=row.seq)
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif key in fixed:
                shown = fixed[key]
                cell = _text(ws, r, i, shown if isinstance(shown, str) else None, align)
            elif key == "evidence":
                cell = _text(ws, r, i, given.evidence, align)
            elif row.role == "text":  # the text in 完成值; no number columns
                cell = _text(ws, r, i, given.text if key == "actual" else None, align)
                if key == "actual":
                    cell.number_format = "@"
            else:
                cell = ws.cell(row=r, column=i)
                number = given.number(key)
                if number is not None:
                    cell.value = excel_number(number)
                cell.number_format = "General"
                cell.alignment = _TOP
                if key in open_cells:
                    assert isinstance(row.item, Indicator | RawInput)
                    rules.add(row.item, cell.coordinate)
            cell.border = _BORDER
            if key in open_cells:
                cell.protection, cell.fill = _OPEN, _FILL_IN
            else:
                cell.protection = _LOCKED
                if key in ("baseline", "target", "reference", "actual"):
                    cell.fill = _NOT_USED
        note = _row_comment(row, ruleset, lang)
        if note is not None:
            ws.cell(row=r, column=col["indicator"]).comment = Comment(note, "assess", 90, 300)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=col["indicator"] + 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths and heights may be changed
    ws.protection.formatRows = False
    _print_setup(ws, landscape=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _from_ruleset(row: TemplateRow, key: str, lang: str) -> bool:
    return bool(row.department(lang) if key == "department" else row.data_source(lang))


def _row_comment(row: TemplateRow, ruleset: Ruleset, lang: str) -> str | None:
    words = _WORDS[lang]
    if isinstance(row.item, Indicator) and row.item.derived is not None:
        return words["derived"].format(formula=_formula_text(row.item, ruleset, lang))
    if row.role == "input" and row.used_by:
        names = words["sep"].join(i.name.get(lang) for i in row.used_by)
        return words["input"].format(names=names)
    return None


def _print_setup(ws: Any, *, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "&P / &N"


# -- the instructions ----------------------------------------------------------------------------


def _policy_text(ruleset: Ruleset, lang: str) -> str:
    policy = ruleset.verdict_policy
    if isinstance(policy, ExpectedSharePolicy):
        share = f"{policy.expected_min_share:f}"
        if lang == "zh":
            return f"约束性指标必须全部完成;预期性指标完成不少于{share}%。"
        return f"Every binding indicator must be met, and at least {share} % of the expected ones."
    mark = f"{policy.pass_mark:f}"
    if lang == "zh":
        return f"约束性指标必须全部完成;综合得分不低于{mark}分。"
    return f"Every binding indicator must be met, and the weighted score must reach {mark}."


#: The 填表说明 sheet, line by line: (when it applies, heading, text). "always", or a property
#: of the ruleset that makes the line apply; braces are filled in by :func:`instructions`.
_HELP: dict[str, list[tuple[str, str, str]]] = {
    "zh": [
        ("always", "", "本表用于填报“{title}”的指标数据({marker})。"),
        ("always", "", "{policy}"),
        (
            "always",
            "序号、类别、指标名称、单位",
            "由规则集给出,已锁定。指标名称和单位不要修改:工具按指标名称识别指标,按单位核对数值。",
        ),
        (
            "always",
            "指标属性",
            "约束性指标必须完成;预期性指标按规定比例完成。“基础数据”行是计算其他指标所用的"
            "原始数据,“文字项”行填写文字。",
        ),
        (
            "always",
            "统计口径",
            "存量:年末时点数;年度:当年发生数;累计:建设期内累计数。空白表示规则集未作规定。",
        ),
        ("always", "责任单位、数据来源", "规则集给出的已锁定;空白的可以填写。"),
        ("always", "基期值", "基期年的数值。{years}"),
        ("always", "目标值", "建设方案确定的目标值。"),
        ("reference", "参考值", "比较所用的参考值(如全省平均水平)。"),
        ("always", "完成值", "实际完成的数值。“文字项”行在此填写文字说明。"),
        (
            "always",
            "佐证材料",
            "佐证文件的名称或文号;有多项时每项一行(单元格内按Alt+Enter换行)或用分号隔开。",
        ),
        (
            "always",
            "数字",
            "只填数字,不带单位,不用公式;单位以“单位”列为准。可以有千位分隔符。",
        ),
        (
            "always",
            "百分比",
            "单位为%的指标填百分数本身:1.55%填1.55,不要填0.0155,也不要把单元格设成百分比格式。",
        ),
        (
            "always",
            "没有数据",
            "单元格留空。不要用0代替(0是有效数据),也不要填“无”“—”。",
        ),
        (
            "always",
            "黄色单元格",
            "只有黄色单元格可以填写。工作表已保护(无密码),请勿插入、删除行或列,也不要修改表头。",
        ),
        (
            "derived",
            "计算得出的指标",
            "这些指标由其下方的“基础数据”行计算:填写基础数据即可,本行完成值可留空;若填写,"
            "须与计算结果一致。目标值、基期值填在本行。",
        ),
        (
            "themes",
            "建设主题",
            "部分指标只适用于某些建设主题({themes}):检查时用 --theme 指定本县的建设主题。",
        ),
        (
            "types",
            "县域类型",
            "部分指标只适用于某些县域类型({types}):检查时用 --county-type 指定。",
        ),
        ("always", "检查", "填好后可运行:assess 本文件.xlsx -r {name}"),
        (
            "always",
            "合并",
            "各责任单位分别填报后,运行 assess merge 各单位的文件.xlsx … -o 合并表.xlsx;"
            "同一指标填了两个不同的值时,合并会指出两处,请核实后再合并。",
        ),
    ],
    "en": [
        ("always", "", "This form collects the indicators of '{title}' ({marker})."),
        ("always", "", "{policy}"),
        (
            "always",
            "No., Category, Indicator, Unit",
            "Given by the ruleset and locked. Do not change a name or a unit: the tool finds "
            "each indicator by its name and checks its values against its unit.",
        ),
        (
            "always",
            "Kind",
            "Binding indicators must be met; expected ones in the share required. An 'input' "
            "row is raw data other indicators are computed from; a 'text' row takes text.",
        ),
        (
            "always",
            "Measure",
            "stock: at the year's end; annual: during the year; cumulative: over the "
            "construction period. Blank where the ruleset says nothing.",
        ),
        (
            "always",
            "Department, Source",
            "Locked where the ruleset gives them; blank ones may be filled in.",
        ),
        ("always", "Baseline", "The value in the base year.{years}"),
        ("always", "Target", "The target set in the construction plan."),
        (
            "reference",
            "Reference",
            "The reference value compared with (such as the provincial average).",
        ),
        ("always", "Actual", "The value reached. A 'text' row takes its text here."),
        (
            "always",
            "Evidence",
            "The names or numbers of the supporting documents, one per line (Alt+Enter in the "
            "cell) or separated by semicolons.",
        ),
        (
            "always",
            "Numbers",
            "A number only: no unit, no formula; the unit is the Unit column's. Thousands "
            "separators are fine.",
        ),
        (
            "always",
            "Percentages",
            "For a % indicator type the percentage itself: 1.55 for 1.55 %, not 0.0155; do "
            "not format the cell as a percentage.",
        ),
        (
            "always",
            "No data",
            "Leave the cell blank. Do not type 0 for it (0 is a value), nor 'none' or '—'.",
        ),
        (
            "always",
            "Yellow cells",
            "Only the yellow cells can be filled in. The sheet is protected (no password): do "
            "not insert or delete rows or columns, nor change the header.",
        ),
        (
            "derived",
            "Computed indicators",
            "These are computed from the 'input' rows below them: fill in the inputs; the "
            "indicator's own actual may stay blank (if given, it must agree). Its target and "
            "baseline go on its own row.",
        ),
        (
            "themes",
            "Construction theme",
            "Some indicators apply to some themes only ({themes}): give the county's with "
            "--theme when checking.",
        ),
        (
            "types",
            "County type",
            "Some indicators apply to some county types only ({types}): give it with "
            "--county-type when checking.",
        ),
        ("always", "Check", "When it is filled in, run: assess this-file.xlsx -r {name}"),
        (
            "always",
            "Merge",
            "Once every department has filled in its rows: assess merge A.xlsx B.xlsx … -o "
            "county.xlsx. An indicator given two different values is named with both places: "
            "settle it first.",
        ),
    ],
}


def instructions(ruleset: Ruleset, lang: str, *, name: str) -> list[tuple[str, str]]:
    """The 填表说明 sheet as (heading, text) lines in ``lang``: what each column means and how
    to fill it in. ``name`` is how the ruleset is given to ``assess -r``."""
    sep = "、" if lang == "zh" else ", "
    applies = {
        "always": True,
        "reference": has_reference(ruleset),
        "derived": any(i.derived is not None for i in ruleset.indicators),
        "themes": bool(ruleset.themes),
        "types": bool(ruleset.county_types),
    }
    years = []
    if ruleset.base_year:
        years.append(
            f"基期年为{ruleset.base_year}年。"
            if lang == "zh"
            else f" Base year {ruleset.base_year}."
        )
    if ruleset.target_year:
        years.append(
            f"目标年为{ruleset.target_year}年。"
            if lang == "zh"
            else f" Target year {ruleset.target_year}."
        )
    fields = {
        "title": ruleset.title.get(lang),
        "marker": marker_text(ruleset, lang),
        "policy": _policy_text(ruleset, lang),
        "years": "".join(years),
        "themes": sep.join(c.name.get(lang) for c in ruleset.themes),
        "types": sep.join(c.name.get(lang) for c in ruleset.county_types),
        "name": name,
    }
    return [(head, text.format(**fields)) for when, head, text in _HELP[lang] if applies[when]]


def _help_sheet(ws: Any, ruleset: Ruleset, lang: str, *, name: str) -> None:
    _text(ws, 1, 1, SHEET_NAMES["help"].get(lang), _TOP).font = Font(bold=True, size=14)
    for r, (head, text) in enumerate(instructions(ruleset, lang, name=name), start=3):
        _text(ws, r, 1, head, _WRAP).font = _BOLD
        _text(ws, r, 2, text, _WRAP)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    _print_setup(ws, landscape=False)


def _missing_sheet(ws: Any, missing: Sequence[Missing], lang: str) -> None:
    words = _WORDS[lang]
    heads = [COLUMNS["seq"].get(lang), COLUMNS["indicator"].get(lang), words["missing_head"]]
    heads.append(COLUMNS["department"].get(lang))
    for i, head in enumerate(heads, start=1):
        cell = _text(ws, 1, i, head, _CENTER)
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BORDER
    for r, entry in enumerate(missing, start=2):
        cells = [
            str(entry.row.seq) if entry.row.seq is not None else "",  # text: this sheet is not
            entry.row.name(lang),  # the table the intake reads
            words["sep"].join(COLUMNS[f].get(lang) for f in entry.fields),
            entry.department(lang),
        ]
        for i, text in enumerate(cells, start=1):
            _text(ws, r, i, text, _WRAP).border = _BORDER
    for letter, width in zip("ABCD", (6, 40, 20, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.print_title_rows = "1:1"
    _print_setup(ws, landscape=False)


def render_template(
    ruleset: Ruleset,
    *,
    lang: str,
    county: str | None = None,
    rows: Sequence[TemplateRow] | None = None,
    department: str | None = None,
    filled: Mapping[str, Filled] | None = None,
    missing: Sequence[Missing] | None = None,
    name: str | None = None,
) -> bytes:
    """The fill-in workbook as .xlsx bytes.

    ``rows`` are the rows to write (default: every row of the ruleset, engine.load.merge.
    template_rows); ``department`` is named on the line above the header (a department's
    workbook); ``county`` fills the 县(市、区) column, where the intake reads it; ``filled``
    writes values into the cells (a merged table), and ``missing``, when given, adds the
    未填报 sheet (a line saying so when nothing is missing). ``name`` is how the instructions
    tell to give the ruleset to ``assess -r`` (default: its id)."""
    wb = Workbook()
    data = wb.active
    data.title = SHEET_NAMES["data"].get(lang)
    _data_sheet(
        data,
        ruleset,
        template_rows(ruleset) if rows is None else rows,
        lang=lang,
        county=county,
        department=department,
        filled=filled or {},
    )
    if missing is not None:
        sheet = wb.create_sheet(SHEET_NAMES["missing"].get(lang))
        if missing:
            _missing_sheet(sheet, missing, lang)
        else:
            _text(sheet, 1, 1, _WORDS[lang]["nothing_missing"], _TOP)
    _help_sheet(
        wb.create_sheet(SHEET_NAMES["help"].get(lang)), ruleset, lang, name=name or ruleset.id
    )
    wb.active = 0
    wb.properties.created = wb.properties.modified = DEFAULT_TIME
    wb.properties.creator = "assess"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()  # Workbook.save would stamp the clock's time
    return fixed_zip(buffer.getvalue(), DEFAULT_TIME)
