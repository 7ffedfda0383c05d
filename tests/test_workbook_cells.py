"""Workbook cells of every type and number format, read as their author saw them.

One cell of the Tianmen table (scenarios/tianmen-2022.csv, written with openpyxl as a workbook
of number cells) is replaced, for a % indicator (rd_intensity) and a counted one
(high_tech_enterprises, 家), and the workbook is assessed with ``engine.assess``:

* a number cell formatted General, ``0.00``, ``#,##0`` … reads as typed (the decimal typed, never
  the binary double behind it);
* a percent-formatted cell (``0%``, ``0.00%``, ``0.0%``) reads as value × 100 for the % indicator,
  and the rule's status follows from comparing that with the target exactly (computed here with
  Decimal); for the 家 indicator it is a DataError;
* a date or a boolean in a number column is a DataError naming the row;
* a text cell parses exactly like the same text in a CSV file.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import engine
from engine.errors import DataError, InputError
from engine.model.result import Result

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"
RULESET = "provincial-2021"
with TIANMEN.open(encoding="utf-8", newline="") as _stream:
    ROWS = [row for row in csv.reader(_stream) if row]
HEADER = ROWS[0]
INDICATORS = ("rd_intensity", "high_tech_enterprises")  # unit % and unit 家
COLUMNS = ("baseline", "target", "actual")
#: The Excel row of each indicator (the header is row 1).
EXCEL_ROW = {row[1]: number for number, row in enumerate(ROWS[1:], start=2)}
_RULESET = engine.load_ruleset(RULESET)
PRECISION = {i: _RULESET.by_id[i].precision for i in INDICATORS}
UNIT = {i: _RULESET.by_id[i].unit for i in INDICATORS}
assert UNIT == {"rd_intensity": "%", "high_tech_enterprises": "家"}

PLAIN_FORMATS = ("General", "0.00", "#,##0", "0.000")
PERCENT_FORMATS = ("0%", "0.00%", "0.0%")

# The profile's example count (tests/conftest.py: 30 by default, 600 under HYPOTHESIS_PROFILE=ci)
# shared among the tests so that the default run stays near 15 s.
_EXAMPLES = settings().max_examples
_FEW = settings(max_examples=max(10, _EXAMPLES // 2), suppress_health_check=[HealthCheck.too_slow])
_FEWER = settings(max_examples=max(5, _EXAMPLES // 6), suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("workbook-cells")


def _number(text: str) -> int | float | str:
    """A Tianmen cell as a bureau types it into Excel: numbers as numbers."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    return int(value) if "." not in text else float(text)


def _workbook(
    path: Path, indicator: str, column: str, value: object, number_format: str | None
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    for row in ROWS[1:]:
        ws.append([_number(v) if i else v for i, v in enumerate(row)])  # county cell: text
    cell = ws.cell(row=EXCEL_ROW[indicator], column=HEADER.index(column) + 1)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # "=B2*1.2" typed as text stays text (openpyxl would make a formula)
    if number_format is not None:
        cell.number_format = number_format
    wb.save(path)


def _csv(path: Path, indicator: str, column: str, text: str) -> None:
    rows = [list(r) for r in ROWS]
    rows[EXCEL_ROW[indicator] - 1][HEADER.index(column)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), "utf-8")


def _values(indicator: str, column: str, value: Decimal | None) -> dict[str, Decimal | None]:
    """The indicator's baseline, target and actual once the cell is replaced."""
    row = ROWS[EXCEL_ROW[indicator] - 1]
    values: dict[str, Decimal | None] = {c: Decimal(row[HEADER.index(c)]) for c in COLUMNS}
    values[column] = value
    return values


def _rounded(value: Decimal, precision: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def _expected_status(indicator: str, values: dict[str, Decimal | None]) -> str:
    """Both indicators are "higher is better" against the county's target (≥)."""
    actual, target = values["actual"], values["target"]
    if actual is None or target is None:
        return "not_evaluated"
    precision = PRECISION[indicator]
    return "met" if _rounded(actual, precision) >= _rounded(target, precision) else "not_met"


def _rule(result: Result, indicator: str) -> engine.RuleResult:
    (rule,) = [r for r in result.rules if r.id == indicator]
    return rule


def _check_read(path: Path, indicator: str, column: str, expected: Decimal) -> None:
    """The value read is exactly ``expected``, and the rule's status follows from it."""
    county = engine.load_county(path, _RULESET)
    assert getattr(county.values[indicator], column) == expected
    values = _values(indicator, column, expected)
    result = engine.assess(path, RULESET)
    rule = _rule(result, indicator)
    assert rule.status == _expected_status(indicator, values), (rule.status, values)
    assert rule.actual == _rounded(values["actual"], PRECISION[indicator])  # type: ignore[arg-type]


def _data_error(path: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        engine.assess(path, RULESET)
    return caught.value


# Decimals as typed: up to 6 decimals, at most 13 significant digits (a double holds 15).
typed_numbers = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6).map(Decimal),
    st.integers(min_value=0, max_value=6).flatmap(
        lambda places: st.decimals(
            min_value=-(10**6), max_value=10**6, places=places, allow_nan=False
        )
    ),
)


@_FEW
@given(
    indicator=st.sampled_from(INDICATORS),
    column=st.sampled_from(COLUMNS),
    typed=typed_numbers,
    as_int=st.booleans(),
    number_format=st.sampled_from(PLAIN_FORMATS + PERCENT_FORMATS),
)
def test_number_cell(
    folder: Path,
    indicator: str,
    column: str,
    typed: Decimal,
    as_int: bool,
    number_format: str,
) -> None:
    path = folder / "number.xlsx"
    value: int | float = (
        int(typed) if as_int and typed == typed.to_integral_value() else float(typed)
    )
    _workbook(path, indicator, column, value, number_format)
    percent = number_format in PERCENT_FORMATS
    read = typed * 100 if percent else typed
    row = EXCEL_ROW[indicator]
    if percent and UNIT[indicator] != "%":
        error = _data_error(path)
        assert error.code == "cell_percent_format", error.describe()
        assert (error.row, error.indicator, error.field) == (row, indicator, column)
        assert f"row {row}" in error.describe()
        return
    if read < 0 and UNIT[indicator] == "家":
        error = _data_error(path)
        assert error.code == "count_negative", error.describe()
        assert (error.row, error.field) == (row, column)
        return
    _check_read(path, indicator, column, read)


def test_the_excel_percent_case(folder: Path) -> None:
    """0.0155 shown as 1.55% is 1.55 (%), short of the 1.60 target; 0.016 shown as 1.60% meets
    it exactly."""
    path = folder / "percent.xlsx"
    for stored, status in ((0.0155, "not_met"), (0.016, "met"), (0.01595, "met")):
        _workbook(path, "rd_intensity", "actual", stored, "0.00%")
        rule = _rule(engine.assess(path, RULESET), "rd_intensity")
        assert rule.status == status, (stored, rule.actual)
        assert engine.load_county(path, _RULESET).values["rd_intensity"].actual == (
            Decimal(str(stored)) * 100
        )


@_FEWER
@given(
    indicator=st.sampled_from(INDICATORS),
    column=st.sampled_from(COLUMNS),
    cell=st.one_of(
        st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)).map(
            lambda d: (d, "yyyy-mm-dd", "cell_date")
        ),
        st.booleans().map(lambda b: (b, None, "cell_bool")),
    ),
)
def test_date_or_boolean_cell_is_an_error_naming_the_row(
    folder: Path, indicator: str, column: str, cell: tuple[object, str | None, str]
) -> None:
    value, number_format, code = cell
    path = folder / "kind.xlsx"
    _workbook(path, indicator, column, value, number_format)
    error = _data_error(path)
    row = EXCEL_ROW[indicator]
    assert error.code == code, error.describe()
    assert (error.row, error.indicator, error.field) == (row, indicator, column)
    assert f"row {row}" in error.describe()
    if code == "cell_date":
        assert str(value) in error.describe()  # the date, as ISO text


# Texts a bureau types (and mistypes) into a number column, and pieces to combine.
SAMPLE_TEXTS = (
    "1.68", "96", "1,234", "1,23,4", "９６", "１.６８", "1.68%", "96%", "１．６８％", "—", "/",
    "N/A", "无", "暂无", "1e5", "1e99", "1.6.8", "inf", "NaN", "=B2*1.2", " 1.68 ", "+1.5",
    "-0", ".5", "5.", "约1.7", "١.٦٨", "𝟗𝟔", "0.0155", "1.595", "1.605", "", "  ", "　",
)  # fmt: skip
text_cells = st.one_of(
    st.sampled_from(SAMPLE_TEXTS),
    st.text(alphabet="0123456789.,-+%eE ０１２３４５６７８９．，－％　—/约", max_size=8),
)


def _outcome(path: Path) -> object:
    """What assessing the file gives, without the file's name: the verdict and every rule, or
    every problem with its place and sentence."""
    try:
        result = engine.assess(path, RULESET)
    except InputError as exc:
        return [
            (p.code, p.row, p.indicator, p.field, p.text("en"), p.text("zh")) for p in exc.each()
        ]
    return (
        result.verdict,
        [(r.id, r.status, r.actual, r.threshold, r.baseline) for r in result.rules],
    )


@_FEW
@given(
    indicator=st.sampled_from(INDICATORS),
    column=st.sampled_from(COLUMNS),
    text=text_cells,
)
def test_text_cell_parses_like_csv_text(
    folder: Path, indicator: str, column: str, text: str
) -> None:
    workbook, table = folder / "text.xlsx", folder / "text.csv"
    _workbook(workbook, indicator, column, text, None)
    _csv(table, indicator, column, text)
    assert _outcome(workbook) == _outcome(table)
