"""A county's plan annex (指标附后) read as its ruleset.

A county's rules are the table annexed to its construction plan: one row per indicator with its
name, unit, 约束性 or 预期性, base-year value and target. Such a table — or a completion table
(完成情况表), which has the same columns plus 完成值 — is accepted wherever a ruleset is. Each row
becomes a ``target`` indicator: compared with the county's own target, at the precision the
target is written with (``1.60`` → 2 decimals) but at least two decimals unless it counts things
(55 % is 55.00, so 54.6 % does not meet it), unless a 精度 column says otherwise; an
indicator the province names, in the province's unit, is never compared more coarsely than
the province compares it (a target of 8 亿元 is 8.00, so 7.5 is not rounded up to meet it). Its
direction is what 方向 says (越高越好 or 越低越好); where 方向 is absent or blank, an indicator the
province names (万元GDP综合能耗, say) keeps the province's direction, and any other is higher-is-
better. The verdict policy is the provincial one (every binding
indicator met, at least 80 % of the expected ones), the share a labelled assumption that
``expected_share`` replaces.

Ids are stable: an indicator whose name is one of ``provincial-2021``'s takes that id (so a
county's table and the province's ruleset speak of the same indicator), any other ``item_NN``
from its 序号 (its row when there is none).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.decimals import NumberFormatError, decimals_of, parse_number
from engine.errors import InputError, Problems, RulesetError
from engine.load.county import COUNT_UNITS, KIND_WORDS, header_key
from engine.load.table import read_table
from engine.model.ruleset import Ruleset
from engine.units import match_key, name_key

#: The columns of an annex (header aliases, matched like a county table's headers).
ANNEX_COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "no", "no."),
    "category": ("类别", "指标类别", "一级指标", "分类", "category"),
    "name": ("指标名称", "指标", "二级指标", "indicator"),
    "unit": ("单位", "计量单位", "unit"),
    "kind": ("指标属性", "属性", "指标性质", "指标类型", "kind", "type"),
    "baseline": ("基期值", "基数", "基期", "基准值", "baseline"),
    "target": ("目标值", "目标", "target"),
    "direction": ("方向", "指标方向", "direction"),
    "precision": ("精度", "小数位数", "precision"),
    "department": ("责任单位", "牵头单位", "责任部门", "responsible unit"),
    "data_source": ("数据来源", "来源"),
    "actual": ("完成值", "实际值", "现值", "实际完成值", "actual", "achieved"),
    "evidence": ("佐证材料", "佐证资料", "佐证", "证明材料", "evidence"),
    "note": ("备注", "note"),
}
REQUIRED = ("name", "unit", "kind", "target")
_BY_ALIAS = {header_key(a): c for c, aliases in ANNEX_COLUMNS.items() for a in aliases}
_KINDS = KIND_WORDS
_DIRECTIONS = {
    "越高越好": "higher",
    "正向": "higher",
    "higher": "higher",
    "越大越好": "higher",
    "越低越好": "lower",
    "逆向": "lower",
    "lower": "lower",
    "越小越好": "lower",
    # The words of our own completion table in English (engine/report/dossier.py).
    "higherisbetter": "higher",
    "lowerisbetter": "lower",
}
#: The provincial share that stands for 基本达到 (basically reached), an assumption.
DEFAULT_EXPECTED_SHARE = Decimal(80)


def is_annex_header(header: list[str]) -> bool:
    """The header of an annex: it names an indicator's kind (属性) and its target."""
    columns = {_BY_ALIAS.get(header_key(h)) for h in header}
    return {"kind", "target", "name"} <= columns


def looks_like_annex(path: Path) -> bool:
    """A table (CSV or workbook) whose header is an annex's; False for a YAML file or anything
    that cannot be read (the ruleset loader then says what is wrong)."""
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm", ".txt", ".tsv"):
        return False
    try:
        table = read_table(path, lambda text: header_key(text) in _BY_ALIAS)
    except InputError:  # not readable as a table: the ruleset loader says what is wrong
        return False
    return is_annex_header(table.header)


#: The fewest decimals a county's own indicator (not one the province names) is compared at,
#: whatever its target's written decimals, unless it counts things.
OWN_MIN_PRECISION = 2


@dataclass(frozen=True)
class AnnexRow:
    row: int
    cells: dict[str, str | None]


def _rows(path: Path) -> tuple[list[AnnexRow], str]:
    table = read_table(path, lambda text: header_key(text) in _BY_ALIAS)
    columns: dict[str, int] = {}
    for i, text in enumerate(table.header):
        name = _BY_ALIAS.get(header_key(text))
        if name is not None and name not in columns:
            columns[name] = i
    problems = Problems(path, RulesetError)
    for name in REQUIRED:
        if name not in columns:
            problems.add(
                RulesetError(
                    code="annex_column_missing",
                    params={"column": name, "aliases": "、".join(ANNEX_COLUMNS[name])},
                    file=path,
                    row=table.rows[0] - 1 if table.rows else 1,
                )
            )
    problems.check()
    rows = []
    for row_no, record in zip(table.rows, table.frame.iter_rows(), strict=True):
        cells = {
            c: (record[i].strip() if isinstance(record[i], str) else None) or None
            for c, i in columns.items()
        }
        if not cells.get("name") or not (cells.get("kind") or cells.get("target")):
            continue  # a section row, a footer, a blank line
        rows.append(AnnexRow(row_no, cells))
    if not rows:
        raise RulesetError(code="annex_empty", file=path)
    return rows, table.data_file.sha256


@dataclass(frozen=True)
class _Known:
    """An indicator of provincial-2021, as an annex row naming it takes it."""

    id: str
    direction: str
    unit: str
    precision: int


def _known_ids() -> dict[str, _Known]:
    """name_key of provincial-2021's names → its id and direction (the annex speaks the
    province's ids; a row without 方向 keeps the province's direction)."""
    from engine.load.ruleset import load_ruleset

    try:
        provincial = load_ruleset("provincial-2021")
    except RulesetError:  # pragma: no cover - the bundled ruleset always loads
        return {}
    return {
        name_key(i.name.zh): _Known(i.id, i.direction, i.unit, i.precision)
        for i in provincial.indicators
    }


def _number(
    text: str | None, row: AnnexRow, field: str, path: Path, percent: bool
) -> Decimal | None:
    if text is None:
        return None
    try:
        return parse_number(text, percent_allowed=percent)
    except NumberFormatError as exc:
        raise RulesetError(
            code=exc.code,
            params={"text": exc.text, "limit": "1,000,000,000,000"},
            file=path,
            row=row.row,
            field=field,
        ) from None


def _slug(stem: str) -> str:
    """The ASCII part of a file name, for the ruleset id (a Chinese name has none)."""
    ascii_part = match_key(stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_part).strip("-").removeprefix("annex").strip("-")
    return f"{slug}-" if slug else ""


def annex_data(path: Path, *, expected_share: Decimal | None = None) -> dict[str, Any]:
    """The ruleset (as the data of a YAML file) that an annex table stands for."""
    rows, digest = _rows(path)
    known = _known_ids()
    problems = Problems(path, RulesetError)
    indicators: list[dict[str, Any]] = []
    used: set[str] = set()
    for position, row in enumerate(rows, start=1):
        with problems.catching():
            indicators.append(_indicator(row, position, path, known, used))
    problems.check()
    share = DEFAULT_EXPECTED_SHARE if expected_share is None else expected_share
    title = path.stem
    return {
        "id": f"annex-{_slug(path.stem)}{digest[:8]}",
        "version": digest[:12],
        "title": {"zh": f"{title}(县级建设方案指标表)", "en": f"{title} (county plan annex)"},
        "sources": [
            {"id": "annex", "title": path.name, "note": f"county plan annex, sha256 {digest[:12]}"}
        ],
        "reconstruction": {
            "zh": "读自县（市、区）建设方案所附指标表：每行为一项指标，与其目标值比较；约束性或"
            "预期性按“属性”列；精度为目标值所写的小数位数（省级指标不少于省级规定的位数，其余不少于两位，计数类为整数），“精度”"
            "列另有规定的除外；方向按“方向”"
            "列，未填的，省级指标取省级规定的方向，其余越高越好。",
            "en": "Read from the county's own plan annex: each row is an indicator compared with "
            "its target; 属性 gives binding or expected; the precision is the target's written "
            "decimals unless 精度 says otherwise (never fewer than the province's, for an "
            "indicator it names in its unit, else never fewer than two, but for counts); "
            "the direction is 方向's, else the province's "
            "for an indicator it names, else higher is better.",
        },
        "assumptions": []
        if expected_share is not None
        else [
            {
                "zh": f"“基本达到”按预期性指标完成{share}%及以上认定（省级口径；"
                "--expected-share 可另行指定）。",
                "en": f"'Basically reached' (基本达到) = at least {share} % of expected "
                "indicators met (the provincial reading; --expected-share replaces it).",
            }
        ],
        "verdict_policy": {
            "kind": "binding_all_expected_share",
            "expected_min_share": share,
            "basis": "binding all met, expected basically reached (the county's plan; the share "
            + (
                "given with --expected-share)"
                if expected_share is not None
                else "is an assumption)"
            ),
        },
        "indicators": indicators,
    }


def _indicator(
    row: AnnexRow, position: int, path: Path, known: dict[str, _Known], used: set[str]
) -> dict[str, Any]:
    cells = row.cells
    name = cells["name"] or ""
    unit = cells.get("unit") or ""
    if not unit:
        raise RulesetError(
            code="annex_cell_empty", params={"column": "单位"}, file=path, row=row.row, field="unit"
        )
    kind = _KINDS.get(match_key(cells.get("kind") or ""))
    if kind is None:
        raise RulesetError(
            code="annex_kind",
            params={"text": cells.get("kind") or ""},
            file=path,
            row=row.row,
            field="kind",
        )
    province = known.get(name_key(name))
    written = cells.get("direction")
    if written:
        direction = _DIRECTIONS.get(match_key(written))
    else:  # not said: the province's direction for an indicator it names (万元GDP综合能耗)
        direction = province.direction if province is not None else "higher"
    if direction is None:
        raise RulesetError(
            code="annex_direction",
            params={"text": cells.get("direction")},
            file=path,
            row=row.row,
            field="direction",
        )
    percent = match_key(unit) == "%"
    target = _number(cells.get("target"), row, "target", path, percent)
    if target is None:
        raise RulesetError(
            code="annex_cell_empty",
            params={"column": "目标值"},
            file=path,
            row=row.row,
            field="target",
        )
    if cells.get("precision"):
        text = cells["precision"] or ""
        if not re.fullmatch(r"[0-6]", text):
            raise RulesetError(
                code="annex_precision",
                params={"text": text},
                file=path,
                row=row.row,
                field="precision",
            )
        precision = int(text)
    else:
        exponent = target.as_tuple().exponent  # as written: 1.60 has two decimals
        precision = min(max(0, -exponent) if isinstance(exponent, int) else 0, 6)
        if province is not None and match_key(province.unit) == match_key(unit):
            # Excel keeps 1.60 as 1.6, and a plan writes 8 for 8.00 亿元: never coarser than
            # the province, else 1.55 would round up to meet 1.6 and 7.5 to meet 8.
            precision = max(precision, province.precision)
        else:
            # The county's own, or in another unit: no precision to borrow, and a target of
            # 55 % must not make 54.6 % meet it; compared at two decimals at least, as the
            # province compares its shares and sums, unless it counts things (家, 个).
            precision = max(precision, 0 if unit in COUNT_UNITS else OWN_MIN_PRECISION)
    ind_id = province.id if province is not None else None
    if ind_id is None or ind_id in used:
        seq = cells.get("seq") or ""
        ind_id = f"item_{int(seq):02d}" if seq.isdigit() else f"item_{position:02d}"
        if ind_id in used:
            ind_id = f"item_{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    used.add(ind_id)
    category = cells.get("category") or ("约束性指标" if kind == "binding" else "预期性指标")
    indicator: dict[str, Any] = {
        "id": ind_id,
        "name": {"zh": name, "en": name},
        "category": {"zh": category, "en": category},
        "kind": kind,
        "unit": unit,
        "precision": precision,
        "direction": direction,
        "threshold": {"kind": "target"},
        "provenance": _provenance(row.row, kept=not written and direction == "lower"),
    }
    for column in ("department", "data_source"):  # 责任单位, 数据来源: only when filled
        if cells.get(column):
            indicator[column] = cells[column]
    return indicator


def _provenance(row: int, *, kept: bool) -> dict[str, str]:
    """Where an annex's indicator comes from; ``kept``: its direction is the province's."""
    return {
        "zh": f"县级建设方案指标表第{row}行" + ("；越低越好，同 provincial-2021" if kept else ""),
        "en": f"county plan annex, row {row}"
        + ("; lower is better, as in provincial-2021" if kept else ""),
    }


def load_annex(path: str | Path, *, expected_share: Decimal | None = None) -> Ruleset:
    """The ruleset of an annex or completion table (see the module's docstring)."""
    from engine.load.ruleset import ruleset_from_data

    path = Path(path)
    return ruleset_from_data(annex_data(path, expected_share=expected_share), file=path)


def with_expected_share(ruleset: Ruleset, share: Decimal) -> Ruleset:
    """The ruleset with its expected share replaced (``assess FILE -r X --expected-share P``).

    A plan annex or completion table is read again with the share given, exactly as ``assess
    ruleset from-annex --expected-share P`` writes it (same content hash). Any other ruleset is
    the same ruleset with ``expected_min_share`` replaced, its policy's basis saying so and a
    first assumption naming the share given and the one it replaces, so every report's basis
    shows it; its content hash changes accordingly. A weighted-score ruleset is refused
    (``expected_share_scored``); ``share`` must lie in 0–100 with at most 2 decimals."""
    from engine.load.ruleset import ANNEX_SUFFIXES, ruleset_from_data
    from engine.model.ruleset import ExpectedSharePolicy

    if not (0 <= share <= 100) or decimals_of(share) > 2:
        raise RulesetError(
            code="expected_share_invalid", params={"text": f"{share}"}, field="--expected-share"
        )
    policy = ruleset.verdict_policy
    if not isinstance(policy, ExpectedSharePolicy):
        raise RulesetError(
            code="expected_share_scored",
            params={"ruleset": ruleset.id, "pass_mark": f"{getattr(policy, 'pass_mark', '')}"},
            field="--expected-share",
        )
    source = ruleset.source_path
    if source is not None and source.suffix.lower() in ANNEX_SUFFIXES:
        return load_annex(source, expected_share=share)
    data = ruleset.model_dump(exclude_defaults=True)
    old = policy.expected_min_share
    data["verdict_policy"] = {
        **data["verdict_policy"],
        "expected_min_share": share,
        "basis": f"{policy.basis.rstrip()} [--expected-share {share}: the share given on the "
        f"command line replaces the ruleset's {old}]",
    }
    data["assumptions"] = [
        {
            "zh": f"预期性指标完成比例要求按命令行 --expected-share 取{share}%(规则集原为{old}%)。",
            "en": f"The share of expected indicators to meet is {share} %, given with "
            f"--expected-share (the ruleset says {old} %).",
        },
        *data.get("assumptions", []),
    ]
    changed = ruleset_from_data(data, file=source or Path(f"{ruleset.id}.yaml"))
    changed._source_path = source
    changed._ancestors = ruleset.ancestors
    return changed


def annex_yaml(path: str | Path, *, expected_share: Decimal | None = None) -> str:
    """The YAML ruleset equivalent to an annex table, for a province or county to refine:
    loading it gives the same ruleset (same content hash) as loading the table."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
        # A decimal as its own text, read back as the same decimal (never a binary float).
        text = f"{value:f}"
        return dumper.represent_scalar(
            "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int", text
        )

    _Dumper.add_representer(Decimal, decimal)
    from engine.load.ruleset import ruleset_from_data

    path = Path(path)
    data = annex_data(path, expected_share=expected_share)
    ruleset_from_data(data, file=path)  # validated like the table: nothing invalid is written
    head = (
        f"# Written by `assess ruleset from-annex {path.name}`: each indicator is a row of the\n"
        "# county's plan annex (see its provenance). Refine names, precisions and the policy\n"
        "# here; the file is then the county's ruleset.\n"
    )
    return head + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
