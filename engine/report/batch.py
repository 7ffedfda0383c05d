"""Reports of a batch: the summary table (a row per county, the failing first) and the per-rule
results, as text, JSON or CSV.

The JSON and CSV are written by polars straight from the result tables (80,000 rule rows take
milliseconds, where building a Python object per rule would take seconds); numbers are the same
texts the single-county JSON prints ("2.50"), so nobody reads a binary float.
"""

from __future__ import annotations

import io
import json

import polars as pl

from engine.batch import Batch
from engine.explain.messages import VERDICT_LABELS
from engine.report.output import FORMULA_PREFIXES, NUMBER_PATTERN

SUMMARY_COLUMNS = (
    "county",
    "year",
    "verdict",
    "binding_met",
    "binding_total",
    "binding_not_evaluated",
    "expected_met",
    "expected_total",
    "expected_not_evaluated",
    "expected_share",
    "score",
    "pass_mark",
    "not_applicable",
    "growth_over_50",
    "growth_over_100",
    "closest",
    "closest_margin",
    "closest_completion",
)
_TEXT_HEAD = {  # by summary column; year and score only when the data or ruleset has them
    "zh": {
        "county": "县(市、区)",
        "year": "年份",
        "verdict": "结论",
        "binding": "约束性",
        "expected": "预期性",
        "share": "完成比例",
        "score": "得分",
        "growth": "增长>50%/>100%",
        "closest": "最接近未完成的指标",
        "completion": "完成率",
    },
    "en": {
        "county": "County",
        "year": "Year",
        "verdict": "Verdict",
        "binding": "Binding",
        "expected": "Expected",
        "share": "Share",
        "score": "Score",
        "growth": "Growth >50%/>100%",
        "closest": "Closest to failing",
        "completion": "Completion",
    },
}
_LINE = {
    "zh": "规则集 {rs} {version}(sha256:{hash}),{engine} 引擎:{n} 个{what},{passed} 个通过,"
    "{failed} 个不通过。",
    "en": "Ruleset {rs} {version} (sha256:{hash}), {engine} engine: {n} {what}, {passed} pass, "
    "{failed} fail.",
}
#: What a row is: a county, or a county in one year when the data has a year column.
_ROWS = {"zh": ("县", "县·年"), "en": ("counties", "county-years")}


def _pct(text: str | None) -> str:
    return "—" if text is None else f"{text}%"


def sorted_summary(batch: Batch) -> pl.DataFrame:
    """The failing counties first, the furthest from passing at the top; then by name."""
    return (
        batch.summary.with_columns(
            _fail=pl.col("verdict") == "PASS",
            _binding_short=pl.col("binding_met") - pl.col("binding_total"),
            _share=pl.col("expected_share").cast(pl.Decimal(10, 2)),
            _score=pl.col("score").cast(pl.Decimal(10, 2)),
        )
        .sort(
            "_fail",
            "_binding_short",
            "_score",
            "_share",
            "county",
            "year",
            nulls_last=True,
            maintain_order=True,
        )
        .drop("_fail", "_binding_short", "_share", "_score")
    )


def _ruleset(batch: Batch) -> dict[str, object]:
    rs = batch.ruleset
    return {
        "id": rs.id,
        "version": rs.version,
        "content_hash": rs.content_hash,
        "file": rs.source_path.name if rs.source_path else None,
    }


def batch_json(batch: Batch) -> str:
    """One JSON document: the ruleset, the counts, the summary (sorted) and every rule result
    (in input order). Stable: identical input gives identical bytes."""
    summary = sorted_summary(batch).select(
        *SUMMARY_COLUMNS, "reason_codes", "reasons_zh", "reasons_en"
    )
    rules = batch.rules.drop("county_index", "rule_index")
    passed = int((batch.summary["verdict"] == "PASS").sum())
    head = json.dumps(
        {
            "ruleset": _ruleset(batch),
            "engine": batch.engine,
            "counties": batch.summary.height,
            "passed": passed,
            "failed": batch.summary.height - passed,
        },
        ensure_ascii=False,
    )
    return f'{head[:-1]}, "summary": {summary.write_json()}, "rules": {rules.write_json()}}}\n'


#: Text columns of the CSV reports that hold numbers (``-0.05``): a plain number stays a number
#: there. Every other text column (county names, ids, reasons) is text however it reads.
_NUMBER_COLUMNS = frozenset(
    {
        *("actual", "threshold", "threshold_upper", "margin", "completion", "baseline"),
        *("reference", "growth", "score"),  # the per-rule table
        *("expected_share", "pass_mark", "closest_margin", "closest_completion"),  # the summary
    }
)


def _spreadsheet_safe(table: pl.DataFrame) -> pl.DataFrame:
    """Every text cell as engine.report.output.spreadsheet_safe makes it, in one polars pass: a
    cell starting like a formula (=, +, -, @, tab, CR) gets a leading ', so that a spreadsheet
    shows it as text instead of running it; plain numbers in number columns are left alone."""
    safe = []
    for name, dtype in table.schema.items():
        if dtype != pl.String:
            continue
        cell = pl.col(name)
        risky = cell.str.slice(0, 1).is_in(FORMULA_PREFIXES)
        if name in _NUMBER_COLUMNS:
            risky = risky & ~cell.str.contains(f"^{NUMBER_PATTERN}$")
        safe.append(pl.when(risky).then(pl.lit("'") + cell).otherwise(cell).alias(name))
    return table.with_columns(safe)


def _csv(table: pl.DataFrame) -> str:
    """UTF-8 with a BOM, so that Excel opens the Chinese names; no cell is a live formula."""
    return "\ufeff" + _spreadsheet_safe(table).write_csv()


def summary_csv(batch: Batch) -> str:
    """The summary table as CSV, the reasons of a county joined by ";"."""
    table = sorted_summary(batch).select(
        *SUMMARY_COLUMNS, pl.col("reasons_zh").list.join(";"), pl.col("reasons_en").list.join(";")
    )
    return _csv(table)


def rules_csv(batch: Batch) -> str:
    """The per-rule table as CSV, in input order."""
    return _csv(batch.rules.drop("county_index", "rule_index"))


def batch_text(
    batch: Batch, *, lang: str = "zh", color: bool = True, width: int = 120, limit: int | None = 50
) -> str:
    """The summary table for a terminal: every failing county (up to ``limit`` rows), with its
    reasons."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        no_color=not color,
        color_system="auto" if color else None,
        force_terminal=color,
        highlight=False,
        emoji=False,
        markup=False,
    )
    rs = batch.ruleset
    summary = sorted_summary(batch)
    passed = int((summary["verdict"] == "PASS").sum())
    dated = bool(summary["year"].is_not_null().any())
    console.print(
        _LINE[lang].format(
            rs=rs.id,
            version=rs.version,
            hash=rs.content_hash[:12],
            engine=batch.engine,
            n=summary.height,
            passed=passed,
            failed=summary.height - passed,
            what=_ROWS[lang][dated],
        )
    )
    columns = [
        c
        for c in _TEXT_HEAD[lang]
        if (c != "year" or dated) and (c != "score" or batch.ruleset.scored)
    ]
    table = Table(header_style="bold", pad_edge=False)
    for code in columns:
        table.add_column(
            _TEXT_HEAD[lang][code],
            no_wrap=code != "closest",
            justify="left" if code in ("county", "verdict", "closest") else "right",
        )
    shown = summary if limit is None else summary.head(limit)
    for row in shown.iter_rows(named=True):
        cells = {
            "county": row["county"],
            "year": str(row["year"] or "—"),
            "verdict": Text(
                VERDICT_LABELS[row["verdict"]].get(lang),
                style="bold green" if row["verdict"] == "PASS" else "bold red",
            ),
            "binding": f"{row['binding_met']}/{row['binding_total']}",
            "expected": f"{row['expected_met']}/{row['expected_total']}",
            "share": _pct(row["expected_share"]),
            "score": row["score"] or "—",
            "growth": f"{row['growth_over_50']}/{row['growth_over_100']}",
            "closest": row["closest"] or "—",
            "completion": _pct(row["closest_completion"]),
        }
        table.add_row(*(cells[c] for c in columns))
    console.print(table)
    failing = shown.filter(pl.col("verdict") == "FAIL")
    for row in failing.iter_rows(named=True):
        year = f" {row['year']}" if row["year"] else ""
        console.print(f"{row['county']}{year}: {' '.join(row[f'reasons_{lang}'])}")
    if limit is not None and summary.height > limit:
        more = summary.height - limit
        console.print(
            f"… {more} 个县未显示(--format json 或 csv 可看全部)"
            if lang == "zh"
            else f"… {more} more counties (--format json or csv shows them all)"
        )
    return out.getvalue()
