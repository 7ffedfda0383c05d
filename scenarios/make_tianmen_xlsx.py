"""Write scenarios/tianmen-2022.xlsx from scenarios/tianmen-2022.csv:

    .venv/bin/python scenarios/make_tianmen_xlsx.py

The workbook is the same table as a bureau would keep it in Excel: one sheet 指标完成情况, a
title merged over A1:G1 (bold, 14 pt), the Chinese headers of HEADERS in row 2, one row per
indicator from row 3, numbers as numeric cells in the General format, columns B and G
widened. tests/test_golden.py requires it to assess exactly like the CSV (the rows are one
further down), so regenerate it whenever the CSV changes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "tianmen-2022.csv"
TARGET = HERE / "tianmen-2022.xlsx"
TITLE = "天门市省级创新型县(市)建设指标完成情况(2022年)"
HEADERS = ("县(市、区)", "指标代码", "单位", "基期值", "目标值", "实际值", "数据来源")
COLUMNS = ("county", "indicator", "unit", "baseline", "target", "actual", "source")
NUMERIC = {"baseline", "target", "actual"}
# The first workbook's own timestamp: the file's bytes (its sha256 is in the golden results)
# change only when the CSV does.
CREATED = datetime(2026, 11, 24, 23, 27, 2)


def cell_value(column: str, text: str) -> object:
    """A number cell for a value column (an int when the value is whole, as Excel shows 25.0 and
    8.00 in the General format), else the text."""
    if column not in NUMERIC or text == "":
        return text or None
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(text)


def build() -> Workbook:
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    wb = Workbook()
    ws = wb.active
    ws.title = "指标完成情况"
    ws["A1"] = TITLE
    ws["A1"].font = Font(b=True, sz=14)
    ws.merge_cells("A1:G1")
    ws.append(list(HEADERS))
    for row in rows:
        ws.append([cell_value(column, row[column]) for column in COLUMNS])
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["G"].width = 60
    wb.properties.creator = "openpyxl"
    wb.properties.created = CREATED
    wb.properties.modified = CREATED
    return wb


def reproducible(workbook: Workbook) -> bytes:
    """The workbook's bytes with fixed timestamps: openpyxl stamps the zip entries and the
    document's modified time with the time of saving."""
    raw = io.BytesIO()
    workbook.save(raw)
    stamp = CREATED.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(
                    r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rf"\g<1>{stamp}\g<2>",
                    data.decode("utf-8"),
                )
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=CREATED.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    return out.getvalue()


if __name__ == "__main__":
    TARGET.write_bytes(reproducible(build()))
    print(f"{TARGET.name}: written from {SOURCE.name}")
