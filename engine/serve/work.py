"""The server's calls into the library, each a plain function run in a worker thread.

An upload is bytes and the name the user's computer gave it. The library reads files (bounded,
regular files only: engine/load/files.py), so each job writes its uploads into a private
temporary folder (mode 0700, a folder per upload so that names never collide), keeps their
names (a result names its data file, and the JSON must be the command's byte for byte), and
removes the folder before it returns, whatever happens. Nothing else is written, and nothing is
kept between requests.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from shlex import quote
from typing import TYPE_CHECKING, Any, TypeVar

from engine.errors import InputError
from engine.serve.refusals import Refusal

if TYPE_CHECKING:
    from engine.batch import Batch
    from engine.model.county import CountyData
    from engine.model.result import Result
    from engine.model.ruleset import Ruleset

T = TypeVar("T")

#: Suffixes of a county table the loader reads (it names .xls and .et itself: "save as xlsx").
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".et")
#: Suffixes of a ruleset: YAML, or a plan annex / completion table.
RULESET_SUFFIXES = (".yaml", ".yml", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
_MAX_NAME = 120
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_name(name: str | None, default: str) -> str:
    """The upload's own file name without any folder, control character or character a file
    system refuses; ``default`` when nothing usable is left. Long names keep their suffix."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("_", text).strip().lstrip(".")
    if not text:
        return default
    if len(text) > _MAX_NAME:
        stem, dot, suffix = text.rpartition(".")
        suffix = suffix[:10] if dot else ""
        text = (
            f"{(stem if dot else text)[: _MAX_NAME - 11]}.{suffix}" if suffix else text[:_MAX_NAME]
        )
    return text


@dataclass(frozen=True)
class Upload:
    """A file as uploaded: its (safe) name and its bytes."""

    name: str
    content: bytes

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


@dataclass(frozen=True)
class RulesetChoice:
    """A bundled ruleset by name, an uploaded ruleset file, or neither (a completion table is
    then its own ruleset, as with ``assess FILE`` and no --ruleset)."""

    name: str | None = None
    upload: Upload | None = None

    @property
    def label(self) -> str:
        if self.upload is not None:
            return self.upload.name
        return self.name or ""


@dataclass
class Workspace:
    """A private temporary folder for one job's uploads; ``scrub`` takes its path out of text."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="assess-serve-")))
    _count: int = 0

    def put(self, upload: Upload) -> Path:
        folder = self.root / str(self._count)
        self._count += 1
        folder.mkdir(mode=0o700)
        path = folder / upload.name
        path.write_bytes(upload.content)
        return path

    def scrub(self, text: str) -> str:
        """``/tmp/assess-serve-x/0/county.csv`` → ``county.csv``."""
        return re.sub(re.escape(str(self.root)) + r"[/\\][0-9]+[/\\]", "", text)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def in_workspace(job: Callable[[Workspace], T]) -> T:
    """``job`` run with a fresh workspace, removed afterwards; bad input (the library's
    InputError) becomes a Refusal (422) naming the files as uploaded."""
    workspace = Workspace()
    try:
        return job(workspace)
    except InputError as exc:
        raise Refusal.of(exc, 422, workspace.scrub) from None
    finally:
        workspace.remove()


def _bundled() -> dict[str, Path]:
    from engine.load.ruleset import bundled_rulesets

    return bundled_rulesets()


def bundled_names() -> list[str]:
    return sorted(_bundled())


def ruleset_titles() -> list[dict[str, Any]]:
    """Every bundled ruleset: name, id, version, titles, indicator counts."""
    from engine.load.ruleset import load_ruleset

    found = []
    for name, path in sorted(_bundled().items()):
        ruleset = load_ruleset(path)
        kinds = [i.kind for i in ruleset.indicators]
        found.append(
            {
                "name": name,
                "id": ruleset.id,
                "version": ruleset.version,
                "title": {"zh": ruleset.title.get("zh"), "en": ruleset.title.get("en")},
                "indicators": len(kinds),
                "binding": kinds.count("binding"),
                "expected": kinds.count("expected"),
            }
        )
    return found


def check_upload(upload: Upload | None, suffixes: Sequence[str], what: dict[str, str]) -> Upload:
    """The upload, refused when missing or of a type the loader does not read."""
    if upload is None:
        raise Refusal.say(422, "serve_file_missing", params={"what": what})
    if upload.suffix not in suffixes:
        accepted = "、".join(s.lstrip(".") for s in suffixes if s not in (".txt", ".xls", ".et"))
        raise Refusal.say(
            422,
            "serve_file_type",
            params={"suffix": upload.suffix or "—", "accepted": accepted},
            file=upload.name,
        )
    return upload


def chosen_ruleset(choice: RulesetChoice, workspace: Workspace) -> Ruleset | None:
    """The ruleset chosen: a bundled one by name (no path is ever taken from a form), or the
    uploaded file; None when neither is given."""
    from engine.load.ruleset import load_ruleset

    if choice.upload is not None:
        return load_ruleset(workspace.put(choice.upload))
    if choice.name:
        bundled = _bundled()
        if choice.name not in bundled:
            raise InputError(
                code="serve_ruleset_unknown",
                params={"name": choice.name, "choices": ", ".join(sorted(bundled))},
                field="ruleset",
            )
        return load_ruleset(bundled[choice.name])
    return None


def load_choice(choice: RulesetChoice, data: Path | None, workspace: Workspace) -> Ruleset:
    """The ruleset chosen, or the completion table's own (as ``assess FILE`` with no
    --ruleset)."""
    ruleset = chosen_ruleset(choice, workspace)
    if ruleset is not None:
        return ruleset
    from engine.load.annex import looks_like_annex
    from engine.load.ruleset import load_ruleset

    if data is not None and looks_like_annex(data):  # a completion table carries its rules
        return load_ruleset(data)
    raise InputError(code="serve_ruleset_missing", field="ruleset")


DATA_WHAT = {"zh": "要检查的数据表", "en": "the table to check"}


@dataclass(frozen=True)
class Assessed:
    """What a job found: the subject, its ruleset, the county data (one county) and the
    command line that reads the file the same way (for a plan's --set options)."""

    #: A Result, a Monitoring, or a batch (a Batch, or whatever form the library gives a very
    #: large one: it is only handed on to the report registry).
    subject: Any
    ruleset: Ruleset
    county: CountyData | None = None
    command: str | None = None


def command_line(data: Upload, choice: RulesetChoice) -> str:
    words = ["assess", data.name]
    if choice.label:
        words += ["-r", choice.label]
    return " ".join(quote(w) for w in words)


def assess(
    data: Upload,
    choice: RulesetChoice,
    *,
    plan: bool = False,
    settings: Sequence[str] = (),
    batch: bool = False,
    with_county: bool = False,
) -> Assessed:
    """``assess FILE -r RULESET [--plan] [--set …]``: the command's own choices, made by the
    library (engine.pipeline.assess_path; the what-if and the plan on one county)."""

    def job(workspace: Workspace) -> Assessed:
        path = workspace.put(data)
        ruleset = load_choice(choice, path, workspace)
        command = command_line(data, choice)
        if not (plan or settings or with_county):
            from engine.pipeline import assess_path

            return Assessed(assess_path(path, ruleset, batch=batch), ruleset, None, command)
        from engine.load.county import load_counties

        counties = load_counties(path, ruleset)
        if len(counties) > 1:
            raise InputError(code="serve_one_county", params={"count": len(counties)}, file=path)
        county = counties[0]
        subject: Result
        if plan:
            from engine.plan.gap import gap_to_pass

            subject = gap_to_pass(county, ruleset, changes=tuple(settings))
        elif settings:
            from engine.plan.whatif import what_if

            subject = what_if(county, ruleset, tuple(settings))
        else:
            from engine.pipeline import assess as assess_county

            subject = assess_county(county, ruleset)
        return Assessed(subject, ruleset, county, command)

    return in_workspace(job)


def batch_county(data: Upload, choice: RulesetChoice, county: str, year: int | None) -> Assessed:
    """One county (county-year) of a batch file, assessed on its own by durable-rules."""

    def job(workspace: Workspace) -> Assessed:
        from engine.load.county import load_counties
        from engine.pipeline import assess as assess_county

        path = workspace.put(data)
        ruleset = load_choice(choice, path, workspace)
        for found in load_counties(path, ruleset):
            if found.county == county and found.year == year:
                return Assessed(assess_county(found, ruleset), ruleset, found)
        shown = county if year is None else f"{county} {year}"
        raise InputError(code="serve_county_not_found", params={"county": shown}, file=path)

    return in_workspace(job)


def monitor(data: Upload, choice: RulesetChoice) -> Assessed:
    """``assess monitor FILE -r RULESET``."""

    def job(workspace: Workspace) -> Assessed:
        from engine.plan.monitor import monitor as monitoring

        path = workspace.put(data)
        ruleset = load_choice(choice, path, workspace)
        return Assessed(monitoring(path, ruleset), ruleset)

    return in_workspace(job)


# -- preparing: the fill-in workbook and the departments' returns merged ---------------------

#: The department value that stands for the rows no 责任单位 is named for.
NO_DEPARTMENT_VALUE = "-"


def departments(name: str, lang: str) -> list[tuple[str, str]]:
    """The departments of a bundled ruleset's template, as (value, label): those named in the
    ruleset in its order, then the rows that name none."""
    from engine.load.merge import NO_DEPARTMENT, rows_by_department, template_rows
    from engine.load.ruleset import load_ruleset

    bundled = _bundled()
    if name not in bundled:
        return []
    groups = rows_by_department(template_rows(load_ruleset(bundled[name])), lang)
    return [(NO_DEPARTMENT_VALUE, NO_DEPARTMENT.get(lang)) if d is None else (d, d) for d in groups]


@dataclass(frozen=True)
class Made:
    """A workbook made for the user: its name and bytes, and what to say about it."""

    name: str
    content: bytes
    rows: int
    notes: dict[str, Any] = field(default_factory=dict)


def template(
    choice: RulesetChoice, *, lang: str, department: str | None = None, county: str | None = None
) -> Made:
    """``assess template -r RULESET [--county NAME]``: the fill-in workbook, whole or of one
    department (``--by-department``'s workbook of that department)."""

    def job(workspace: Workspace) -> Made:
        from engine.load.merge import NO_DEPARTMENT, rows_by_department, template_rows
        from engine.report.template import render_template

        ruleset = chosen_ruleset(choice, workspace)
        if ruleset is None:
            raise InputError(code="serve_ruleset_missing", field="ruleset")
        rows = template_rows(ruleset)
        owner: str | None = None
        stem = {"zh": "填报模板", "en": "template"}[lang]
        if department:
            groups = rows_by_department(rows, lang)
            owner = None if department == NO_DEPARTMENT_VALUE else department
            if owner not in groups:
                known = "、".join(d or NO_DEPARTMENT.get(lang) for d in groups)
                raise InputError(
                    code="serve_field_invalid",
                    params={"reason": f"department {department[:40]} ({known})"},
                    field="department",
                )
            rows = groups[owner]
            stem = f"{stem}-{safe_name(owner or NO_DEPARTMENT.get(lang), 'department')}"
        content = render_template(
            ruleset,
            lang=lang,
            county=county,
            rows=rows,
            department=owner,
            name=choice.label or ruleset.id,
        )
        return Made(f"{stem}.xlsx", content, len(rows))

    return in_workspace(job)


def merge(
    returns: Sequence[Upload], choice: RulesetChoice, *, lang: str, county: str | None = None
) -> Made:
    """``assess merge A.xlsx B.xlsx … [-r RULESET]``: the returns combined (a conflict is a
    problem naming both files, rows and values: no table), the rows still empty listed."""

    def job(workspace: Workspace) -> Made:
        from engine.load.merge import COLUMNS, merge_returns
        from engine.report.template import render_template

        paths = [workspace.put(r) for r in returns]
        ruleset = chosen_ruleset(choice, workspace)
        merged = merge_returns(paths, ruleset, county=county)
        used = merged.ruleset
        content = render_template(
            used,
            lang=lang,
            county=merged.county,
            filled=merged.filled,
            missing=merged.missing,
            name=choice.label or used.id,
        )
        sep = "、" if lang == "zh" else ", "
        missing = [
            {
                "seq": m.row.seq,
                "id": m.row.id,
                "name": m.row.name(lang),
                "fields": sep.join(COLUMNS[f].get(lang) for f in m.fields),
                "department": m.department(lang),
            }
            for m in merged.missing
        ]
        bundled = {path: name for name, path in _bundled().items()}
        source = used.source_path
        notes = {
            "county": merged.county,
            "ruleset": choice.name or (bundled.get(source) if source is not None else None),
            "ruleset_id": used.id,
            "files": [workspace.scrub(str(f)) for f in merged.files],
            "missing": missing,
            "other_versions": [
                {"file": workspace.scrub(str(f)), "made": made, "now": used.content_hash[:12]}
                for f, made in merged.other_versions
            ],
        }
        stem = safe_name(merged.county or "", "") or {"zh": "合并", "en": "merged"}[lang]
        return Made(f"{stem}.xlsx", content, len(merged.filled), notes)

    return in_workspace(job)


# -- reports ------------------------------------------------------------------------------------

#: Format → (file suffix, media type).
MEDIA = {
    "html": (".html", "text/html; charset=utf-8"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "completion-xlsx": (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "md": (".md", "text/markdown; charset=utf-8"),
    "json": (".json", "application/json"),
    "csv": (".csv", "text/csv; charset=utf-8"),
    "text": (".txt", "text/plain; charset=utf-8"),
}


def kind_of(subject: object) -> str:
    from engine.report.formats import kind_of as kind

    return kind(subject)


def choices(kind: str) -> tuple[str, ...]:
    """The formats the registry renders this kind in (a new one, such as docx, as soon as it
    is registered), less the terminal's text; documents first, the data last."""
    from engine.report.formats import choices as registry

    found = [f for f in registry(kind) if f != "text" and f in MEDIA]  # type: ignore[arg-type]
    return tuple(sorted(found, key=lambda f: (list(MEDIA).index(f), f)))


def render(found: Assessed, fmt: str, lang: str) -> bytes:
    """The report in ``fmt``, as the command writes it (engine.report.formats.render)."""
    from engine.report.formats import render as registry

    content = registry(
        found.subject,
        fmt,
        lang=lang,
        ruleset=found.ruleset,
        assessed_on=date.today() if kind_of(found.subject) == "county" and fmt != "json" else None,
        command=found.command,
    )
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode("utf-8")
    return b"".join(content)  # chunks made as they are written (a large batch's JSON)


def batch_xlsx(batch: Batch, lang: str) -> bytes:
    """A batch's summary and per-rule tables as a workbook: the CSV report's columns and rows
    (engine/report/batch.py), every cell text as written there, counts as numbers."""
    import io

    import polars as pl
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from engine.report.batch import SUMMARY_COLUMNS, sorted_summary

    book = Workbook(write_only=True)
    summary = sorted_summary(batch).select(
        *SUMMARY_COLUMNS,
        pl.col(f"reasons_{lang}").list.join(";").alias("reasons"),
    )
    rules = batch.rules.drop("county_index", "rule_index")
    for title, table in (("summary", summary), ("rules", rules)):
        sheet = book.create_sheet(title)
        sheet.append(list(table.columns))
        for row in table.iter_rows():
            cells: list[Any] = []
            for value in row:
                if isinstance(value, bool) or value is None:
                    cells.append(value if value is None else str(value))
                    continue
                if isinstance(value, int):
                    cells.append(value)
                    continue
                cell = WriteOnlyCell(sheet, value=str(value))
                cell.data_type = "s"  # text however it reads: never a live formula
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: The part of a download's name that says what it is, where the format alone does not.
TAILS = {"completion-xlsx": "completion"}


def download_name(data: Upload, fmt: str, tail: str = "report") -> str:
    stem = Path(data.name).stem or "county"
    return f"{stem}-{TAILS.get(fmt, tail)}{MEDIA[fmt][0]}"
