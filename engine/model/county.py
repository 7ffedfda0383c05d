"""A county's indicator table after loading: exact values keyed by indicator id."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from engine.decimals import parse_number
from engine.safe_text import visible

#: Text from data, with control characters shown escaped (engine/safe_text.py): whatever built
#: the data, a terminal or a document never receives an escape sequence from it.
ShownText = Annotated[str, AfterValidator(visible)]

#: Between two entries of an evidence (佐证材料) cell: ；, ; or a line break (Alt+Enter in Excel).
#: Commas and 、 stay inside an entry (titles and document numbers hold them).
EVIDENCE_SEPARATORS = re.compile(r"[;；\r\n]+")


class IndicatorValues(BaseModel):
    """One row of the county table. ``None`` is a missing (blank) value, never zero."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    baseline: Decimal | None = None
    target: Decimal | None = None
    actual: Decimal | None = None
    reference: Decimal | None = Field(
        default=None, description="A reference value (e.g. the provincial average) for this row."
    )
    unit: ShownText | None = None
    converted_from: str | None = Field(
        default=None, description="The data's unit, when values were converted to the ruleset's."
    )
    source: ShownText | None = None
    note: ShownText | None = Field(default=None, description="Free text; a text item's content.")
    row: int | None = Field(default=None, description="Row in the data file (header is row 1).")
    department: ShownText | None = Field(
        default=None, description="The department responsible for the row (责任单位)."
    )
    evidence: tuple[ShownText, ...] | None = Field(
        default=None,
        description="The row's supporting evidence (佐证材料), one entry per item; None when "
        "the file has no evidence column.",
    )
    extra: dict[str, str] | None = Field(
        default=None, description="Cells of columns the tool does not use (联系人, 备注 …)."
    )


class IntakeNote(BaseModel):
    """Something reading the file did that the reader should know (a marker read as missing, a
    footer skipped, a column kept): a catalogue code and its parameters, never a verdict."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    row: int | None = None
    field: str | None = None
    indicator: str | None = None
    params: dict[str, str] = Field(default_factory=dict)


class DataFile(BaseModel):
    """Where the data came from, so that a report can name and fingerprint it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ShownText
    sha256: str
    format: str
    encoding: str | None = None
    sheet: ShownText | None = None


class CountyData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    county: ShownText
    values: dict[str, IndicatorValues] = Field(description="By indicator, input or text-item id.")
    theme: ShownText | None = Field(default=None, description="Construction theme (id or name).")
    county_type: ShownText | None = Field(default=None, description="County type (id or name).")
    year: int | None = Field(default=None, description="The year of the data, when given.")
    data_file: DataFile | None = None
    reference_file: DataFile | None = None
    notes: list[IntakeNote] = Field(
        default_factory=list, description="What reading the file noticed (reported)."
    )

    @classmethod
    def from_mapping(
        cls,
        county: str,
        values: Mapping[str, Mapping[str, str | int | Decimal | Sequence[str] | None]],
        *,
        theme: str | None = None,
        county_type: str | None = None,
    ) -> CountyData:
        """Build county data in code: ``{"rd_intensity": {"actual": "2.1", "target": "2.0"}}``.

        Keys per row: baseline, target, actual, reference (numbers), note and department
        (texts), and evidence (a list of entries, or one text split like a 佐证材料 cell at
        ``；``, ``;`` and line breaks). Strings are parsed like data-file cells (``"1,234"``,
        ``"2.5%"``); floats are refused because they have already lost the decimal text.
        """
        parsed: dict[str, IndicatorValues] = {}
        for indicator, fields in values.items():
            numbers: dict[str, Decimal | None] = {}
            for key in ("baseline", "target", "actual", "reference"):
                raw = fields.get(key)
                if isinstance(raw, float | bool) or not isinstance(raw, str | int | Decimal | None):
                    kind = type(raw).__name__
                    raise TypeError(f"{indicator}.{key}: give str, int or Decimal, not {kind}")
                if isinstance(raw, str):
                    numbers[key] = parse_number(raw, percent_allowed=True)
                else:
                    numbers[key] = Decimal(raw) if raw is not None else None
            note, department = fields.get("note"), fields.get("department")
            evidence = fields.get("evidence")
            if isinstance(evidence, str):
                evidence = tuple(
                    e.strip() for e in EVIDENCE_SEPARATORS.split(evidence) if e.strip()
                )
            elif evidence is not None and not (
                isinstance(evidence, Sequence) and all(isinstance(e, str) for e in evidence)
            ):
                raise TypeError(f"{indicator}.evidence: give a list of texts, or one text")
            parsed[indicator] = IndicatorValues(
                baseline=numbers["baseline"],
                target=numbers["target"],
                actual=numbers["actual"],
                reference=numbers["reference"],
                note=None if note is None else str(note),
                department=None if department is None else str(department),
                evidence=None if evidence is None else tuple(evidence),
            )
        return cls(county=county, values=parsed, theme=theme, county_type=county_type)
