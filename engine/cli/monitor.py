"""``assess monitor FILE``: one county's progress over its construction years."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from engine.cli.common import (
    EXIT_CODES,
    EXIT_FAIL,
    EXIT_PASS,
    InputOptions,
    OutputOptions,
    build_ruleset,
    check_output,
    data_options,
    deliver,
    format_option,
    output_options,
    protected_inputs,
    reporting_errors,
    ruleset_option,
)
from engine.cli.library import _render

EPILOG = (
    EXIT_CODES
    + """
The exit code follows the latest year's projected verdict (its verdict, for a file of the base
year alone).

\b
Examples:
  assess monitor scenarios/tianmen-2020-2022.csv -r provincial-2021
  assess monitor county-2021.csv -r provincial-2021 --year 2021 --format md
"""
)


@dataclass(frozen=True)
class MonitorOptions:
    """The monitoring view's options, validated when made."""

    data: InputOptions
    out: OutputOptions
    #: The year of a file without a 'year' column.
    year: int | None = None

    def __post_init__(self) -> None:
        check_output(("monitor",), self.out)


def run(options: MonitorOptions) -> int:
    """Build and execute: the view reported; the exit code follows the latest year's projected
    verdict (its verdict, for a file of the base year alone)."""
    with reporting_errors(options.out.lang, as_json=options.out.errors_as_json):
        return execute(options)


def execute(options: MonitorOptions) -> int:
    from engine.plan.monitor import monitor

    data = options.data
    read = data.read_options()
    ruleset = build_ruleset(data)
    view = monitor(
        data.file,
        ruleset,
        year=options.year,
        references=data.reference,
        theme=data.theme,
        county_type=data.county_type,
        options=read,
    )
    deliver(
        _render(view, options.out, ruleset=ruleset), options.out, protected_inputs(data, ruleset)
    )
    latest = view.years[-1]
    return EXIT_PASS if (latest.projected_verdict or latest.verdict) == "PASS" else EXIT_FAIL


@click.command(
    "monitor",
    epilog=EPILOG,
    short_help="Progress over the construction years: ahead, on track or behind.",
)
@click.argument("file", type=click.Path(path_type=Path))
@ruleset_option(required=True)
@click.option(
    "--year",
    type=int,
    default=None,
    metavar="YEAR",
    help="The year of a file without a 'year' column.",
)
@data_options
@format_option(
    ("monitor",),
    "text: a table for people; json: the full view; md: Markdown for documents; html: a "
    "self-contained page to print or attach.",
)
@output_options
def monitor_command(**params: Any) -> None:
    """Mid-term monitoring of one county (中期监测).

    For each year of FILE (a 'year' column, or --year for a file of one year) and each
    indicator: the progress along the straight line from the ruleset's base year to its target
    year (ahead / on track / behind), and the verdict projected if the trends hold.
    """
    sys.exit(run(parse(params)))


def parse(params: dict[str, Any]) -> MonitorOptions:
    return MonitorOptions(
        data=InputOptions.parse(params),
        out=OutputOptions.parse(
            params["fmt"], params["output"], params["lang"], params.get("assessed_on")
        ),
        year=params["year"],
    )
