"""``assess template -r NAME -o 填报模板.xlsx``: the fill-in workbook of a ruleset, whole or one
workbook per department (``--by-department``)."""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engine.cli.common import EXIT_PASS, default_lang, lang_option, reporting_errors, ruleset_option
from engine.cli.usage import Usage

if TYPE_CHECKING:
    from engine.load.merge import TemplateRow

EPILOG = """\b
Exit codes: 0 written; 2 invalid input or usage (the message names the file and field).

\b
Examples:
  assess template -r provincial-2021 -o 填报模板.xlsx --county 天门市
  assess template -r hunan -o forms/模板.xlsx --by-department   # forms/模板-县科技局.xlsx …
  assess template -r 指标附表.xlsx -o 填报模板.xlsx              # a plan annex as the ruleset
"""

#: Characters no file system (Windows, macOS, Linux) takes in a name, and spaces.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\s]+')
#: Names Windows reserves for devices, with any extension.
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
#: Bytes of a department's part of a file name (names are at most 255 bytes; Chinese takes 3).
_MAX_PART_BYTES = 120
#: The file name of a department's workbook in a folder given as -o.
DEFAULT_STEM = {"zh": "填报模板", "en": "template"}


def safe_name(text: str) -> str:
    """``text`` made a safe part of a file name on every system: the characters Windows refuses
    and spaces become ``_``, a reserved device name gets a leading ``_``, dots and underscores
    at the ends go, and it is cut to 120 bytes of UTF-8."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", text)).strip("._")
    while len(name.encode("utf-8")) > _MAX_PART_BYTES:
        name = name[:-1]
    name = name.rstrip("._")
    if _RESERVED.match(name):
        name = "_" + name
    return name or "_"


@dataclass(frozen=True)
class TemplateOptions:
    """The command's options, checked when made."""

    ruleset: str
    output: Path
    lang: str
    county: str | None = None
    by_department: bool = False

    def __post_init__(self) -> None:
        from engine.errors import InputError

        if self.county is not None and not self.county.strip():
            raise Usage("usage_county_name")
        if self.by_department and self.output.is_dir():
            return
        if self.output.suffix.lower() != ".xlsx":
            code = "template_output_folder" if self.by_department else "template_output_not_xlsx"
            raise InputError(code=code, file=self.output, field="--output")


@dataclass(frozen=True)
class Workbook:
    path: Path
    content: bytes
    rows: int
    department: str | None = None


@dataclass(frozen=True)
class TemplateJob:
    options: TemplateOptions
    workbooks: tuple[Workbook, ...]
    inputs: tuple[Path, ...]


def department_paths(output: Path, departments: list[str | None], lang: str) -> list[Path]:
    """Where each department's workbook goes: ``-o`` a folder → ``folder/填报模板-科技局.xlsx``;
    ``-o X.xlsx`` → ``X-科技局.xlsx`` beside it. Two departments whose safe names coincide get
    ``-2``, ``-3`` … (compared without case, as Windows and macOS do)."""
    from engine.load.merge import NO_DEPARTMENT

    if output.is_dir():
        folder, stem = output, DEFAULT_STEM[lang]
    else:
        folder, stem = output.parent, output.stem
    paths: list[Path] = []
    taken: set[str] = set()
    for department in departments:
        base = f"{stem}-{safe_name(department or NO_DEPARTMENT.get(lang))}"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.casefold())
        paths.append(folder / f"{name}.xlsx")
    return paths


def build(options: TemplateOptions) -> TemplateJob:
    """The ruleset loaded, every workbook rendered (nothing written yet)."""
    from engine.load.merge import rows_by_department, template_rows
    from engine.load.ruleset import load_ruleset
    from engine.report.template import render_template

    ruleset = load_ruleset(options.ruleset)
    lang = options.lang
    rows = template_rows(ruleset)
    inputs = tuple(r.source_path for r in (ruleset, *ruleset.ancestors) if r.source_path)

    def render(part: list[TemplateRow], department: str | None) -> bytes:
        return render_template(
            ruleset,
            lang=lang,
            county=options.county,
            rows=part,
            department=department,
            name=options.ruleset,
        )

    if not options.by_department:
        book = Workbook(options.output, render(rows, None), len(rows))
        return TemplateJob(options, (book,), inputs)
    groups = rows_by_department(rows, lang)
    paths = department_paths(options.output, list(groups), lang)
    books = tuple(
        Workbook(path, render(part, department), len(part), department)
        for path, (department, part) in zip(paths, groups.items(), strict=True)
    )
    return TemplateJob(options, books, inputs)


def execute(job: TemplateJob) -> int:
    """Every workbook written, all or none (never over the ruleset), each named on stderr."""
    from engine.catalogue import REPORT
    from engine.load.merge import NO_DEPARTMENT
    from engine.report.output import write_outputs
    from engine.safe_text import visible_line

    write_outputs([(b.path, b.content) for b in job.workbooks], inputs=list(job.inputs))
    lang = job.options.lang
    for book in job.workbooks:
        if job.options.by_department:
            line = REPORT["template_written_department"][lang].format(
                file=visible_line(str(book.path)),
                department=visible_line(book.department or NO_DEPARTMENT.get(lang)),
                rows=book.rows,
            )
        else:
            line = REPORT["template_written"][lang].format(
                file=visible_line(str(book.path)), rows=book.rows
            )
        click.echo(line, err=True)
    return EXIT_PASS


@click.command(
    "template",
    epilog=EPILOG,
    short_help="The fill-in workbook of a ruleset (填报模板), whole or per department.",
)
@ruleset_option(required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    metavar="FILE.xlsx|FOLDER",
    help="The workbook to write. With --by-department, each department's workbook is named "
    "after it: FILE-科技局.xlsx beside FILE.xlsx, or 填报模板-科技局.xlsx in FOLDER.",
)
@click.option(
    "--county",
    metavar="NAME",
    help="The county's name, written in every row's 县(市、区) cell (where assess reads it) "
    "and on the 填报单位 line.",
)
@click.option(
    "--by-department",
    is_flag=True,
    help="One workbook per 责任单位 with only its rows (the inputs of a computed indicator go "
    "with it); rows without one go to the 未指定责任单位 workbook.",
)
@lang_option(
    "Language of the headers, names, instructions and messages. Default: Chinese when LANG is "
    "zh_*, else English."
)
def template_command(
    ruleset_name: str, output: Path, county: str | None, by_department: bool, lang: str | None
) -> None:
    """Write the fill-in workbook (填报模板) of a ruleset: a row per indicator (and per raw input
    of a computed indicator, and per text item) with 序号, 类别, 指标名称, 单位, 指标属性,
    统计口径, 责任单位 and 数据来源 from the ruleset, and empty cells for 基期值, 目标值, 完成值
    and 佐证材料; a 填表说明 sheet explains each column.

    The ruleset's cells are locked (sheet protection, no password), the number cells take
    decimals only and are never percent-formatted (1.55 means 1.55 %), and the sheet prints on
    A4 landscape with its header on every page. 'assess FILE -r NAME' reads the filled workbook
    as it is; 'assess merge' combines the departments' workbooks.
    """
    options_lang = lang or default_lang()
    with reporting_errors(options_lang):
        options = TemplateOptions(
            ruleset=ruleset_name,
            output=output,
            lang=options_lang,
            county=county.strip() if county else None,
            by_department=by_department,
        )
        sys.exit(execute(build(options)))
