"""What-if: assess a modified copy of a county's data and say what moved.

A change names an indicator (or a raw input of a derived indicator) by id or by its Chinese or
English name, a column (``actual`` unless given: ``target``, ``baseline``, ``reference``) and a
value in the ruleset's unit. The file itself is never touched: the copy lives in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import cast

from engine.decimals import MAX_MAGNITUDE, NumberFormatError, parse_number
from engine.errors import InputError
from engine.load.county import COUNT_UNITS, closest_item
from engine.model.county import CountyData, IndicatorValues
from engine.model.plan import AppliedChange, Change, ChangeField, StatusChange, WhatIf
from engine.model.result import Result
from engine.model.ruleset import Indicator, RawInput, Ruleset, TextItem
from engine.pipeline import assess, prepare
from engine.units import match_key

FIELDS: tuple[ChangeField, ...] = ("actual", "target", "baseline", "reference")


def _option(text: str) -> dict[str, str]:
    """Where a problem of ``--set text`` is: said before its sentence."""
    return {"zh": f"选项 --set {text}", "en": f"--set {text}"}


def parse_change(text: str, ruleset: Ruleset | None = None) -> Change:
    """``rd_intensity=2.1``, ``rd_intensity.target=2.0``, ``高新技术企业数=100``. With the
    ruleset, the value is checked like a data cell of that indicator: a ``%`` only for a %
    indicator, no negative count."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError(code="set_syntax", item=_option(text))
    item, dot, field = key.rpartition(".")
    if not dot or field.strip() not in FIELDS:
        item, field = key, "actual"
    found = (
        None
        if ruleset is None
        else (ruleset.data_items.get(item.strip()) or ruleset.by_name.get(item.strip()))
    )
    unit = found.unit if isinstance(found, Indicator | RawInput) else None
    try:
        value = parse_number(raw, percent_allowed=unit is None or match_key(unit) == "%")
    except NumberFormatError as exc:
        raise InputError(
            code=exc.code,
            params={"text": exc.text, "limit": f"{MAX_MAGNITUDE:,.0f}"},
            item=_option(text),
        ) from None
    if value is None:
        raise InputError(code="set_value_empty", item=_option(text))
    if unit in COUNT_UNITS and value < 0:
        raise InputError(
            code="count_negative", params={"value": value, "unit": unit}, item=_option(text)
        )
    return Change(id=item.strip(), field=cast(ChangeField, field.strip()), value=value)


def _unknown(ruleset: Ruleset, change: Change, where: dict[str, str]) -> InputError:
    """An item the ruleset does not have, with the closest indicator or input if one is close
    (by id or name, as an unknown row of a county's file is told)."""
    from engine.load.ruleset import shown_name

    like = closest_item(ruleset, change.id, [*ruleset.indicators, *ruleset.inputs])
    return InputError(
        code="set_unknown_like" if like else "set_unknown",
        params={
            "name": change.id,
            "ruleset": ruleset.id,
            "like": like or "",
            "show": shown_name(ruleset),
        },
        item=where,
    )


def _item(ruleset: Ruleset, change: Change) -> Indicator | RawInput:
    where = _option(f"{change.id}.{change.field}={change.value}")
    found = ruleset.data_items.get(change.id) or ruleset.by_name.get(change.id)
    if found is None:
        raise _unknown(ruleset, change, where)
    if isinstance(found, TextItem):
        raise InputError(code="set_text_item", params={"id": found.id}, item=where)
    if isinstance(found, Indicator) and found.derived is not None:
        inputs = found.derived.parsed.inputs
        raise InputError(
            code="set_derived",
            params={
                "id": found.id,
                "formula": found.derived.formula,
                "inputs": {"zh": "、".join(inputs), "en": ", ".join(inputs)},
            },
            item=where,
        )
    if isinstance(found, RawInput) and change.field == "reference":
        raise InputError(code="set_input_reference", params={"id": found.id}, item=where)
    return found


def apply_changes(
    county: CountyData, ruleset: Ruleset, changes: Sequence[Change]
) -> tuple[CountyData, list[AppliedChange]]:
    """A copy of ``county`` with ``changes`` applied, and what each replaced."""
    values = dict(county.values)
    applied: list[AppliedChange] = []
    seen: set[tuple[str, str]] = set()
    for change in changes:
        item = _item(ruleset, change)
        if (item.id, change.field) in seen:
            raise InputError(code="set_twice", item=_option(f"{item.id}.{change.field}"))
        seen.add((item.id, change.field))
        row = values.get(item.id) or IndicatorValues()
        applied.append(
            AppliedChange(
                id=item.id,
                field=change.field,
                before=getattr(row, change.field),
                after=change.value,
            )
        )
        values[item.id] = row.model_copy(update={change.field: change.value})
    return county.model_copy(update={"values": values}), applied


def assess_changed(
    county: CountyData, ruleset: Ruleset, changes: Sequence[Change | str]
) -> tuple[CountyData, Result]:
    """The county with ``changes`` applied, and its result carrying the what-if record: the
    changes, the verdict of the unmodified data, the rules whose status moved."""
    parsed = [c if isinstance(c, Change) else parse_change(c, ruleset) for c in changes]
    changed, applied = apply_changes(county, ruleset, parsed)
    before, after = assess(county, ruleset), assess(changed, ruleset)
    moved = [
        StatusChange(id=b.id, before=b.status, after=a.status)
        for b, a in zip(before.rules, after.rules, strict=True)
        if b.status != a.status
    ]
    return changed, after.model_copy(
        update={
            "what_if": WhatIf(changes=applied, verdict_before=before.verdict, status_changes=moved)
        }
    )


def what_if(
    data: CountyData | str | Path,
    ruleset: Ruleset | str | Path,
    changes: Sequence[Change | str],
    *,
    references: str | Path | Mapping[str, str | int | Decimal] | None = None,
    theme: str | None = None,
    county_type: str | None = None,
) -> Result:
    """Assess ``data`` with ``changes`` applied (``"rd_intensity=2.1"`` or :class:`Change`).

    The result is the modified data's, carrying ``what_if``: the values changed (before and
    after), the verdict of the unmodified data, and every rule whose status moved.
    """
    county, ruleset = prepare(
        data, ruleset, references=references, theme=theme, county_type=county_type
    )
    return assess_changed(county, ruleset, changes)[1]
