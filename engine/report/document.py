"""The report as a format-neutral document: what it says, in which order, never how it looks.

The builders (engine/report/build.py, planning.py) write every sentence, heading and cell of a
report once, from a result, a batch or a monitoring view; the renderers (text.py, markdown.py,
html.py, xlsx.py, or any registered in formats.py) lay a `Document` out and add no wording of
their own. Status symbols and colours are defined here, once, for every format.

The model is as small as the formats need:

- a `Document` has a title, head lines (`Fact`: label, value, fingerprint), sections and a
  footer line, and for a format with pages a mark every page carries (a simulation's) and the
  words of a page number;
- a `Section` has a heading (or none) and blocks; a section may hold sections;
- blocks: `Banner` (the verdict), `Paragraph`, `BulletList`, `Warning`, `Note`, `CodeBlock`,
  `Table`, `Chart`, `Blank` (a place left for the reader to write in: the dossier's drafts);
- a table's cells are typed: `Text`, `Number` (the exact Decimal, its unit and the decimals a
  spreadsheet shows), `Status`, `Verdict`;
- inline text is a tuple of runs: plain strings, `Code` (an id or a hash) and `Ref` (an id
  given after a name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine.explain.messages import with_unit
from engine.model import base

StatusValue = base.Status  # met, not_met, not_evaluated, not_applicable
VerdictValue = base.VerdictValue


@dataclass(frozen=True)
class Tone:
    """How a status looks: a symbol (never colour alone), an ink colour and a background tint."""

    symbol: str
    colour: str  # "#rrggbb": text, bars, borders
    tint: str  # "#rrggbb": cell and banner backgrounds


#: One symbol and one colour per status, for every format. The tints are Excel's Good / Bad /
#: Neutral cell fills; the inks read on white and on their tint.
TONES: dict[StatusValue, Tone] = {
    "met": Tone("✓", "#2e7d32", "#c6efce"),
    "not_met": Tone("✗", "#c62828", "#ffc7ce"),
    "not_evaluated": Tone("?", "#b26a00", "#ffeb9c"),
    "not_applicable": Tone("–", "#757575", "#d9d9d9"),
}
#: The verdict in the colours of the statuses.
VERDICT_TONES: dict[VerdictValue, StatusValue] = {"PASS": "met", "FAIL": "not_met"}
#: What warnings are drawn in: the colour of what needs a look.
WARNING_TONE: StatusValue = "not_evaluated"


# Inline text -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """An identifier, a hash or a file name to copy: monospace where the format has it."""

    text: str


@dataclass(frozen=True)
class Ref:
    """An identifier given after a name for the reader to look it up (a text item's id): reading
    formats show it in parentheses; a spreadsheet cell, which holds what a filter matches, leaves
    it out."""

    text: str


Inline = str | Code | Ref
Runs = tuple[Inline, ...]


def plain(runs: Runs, *, refs: bool = True) -> str:
    """The runs as plain text (what a format without type faces shows); ``refs=False`` leaves
    the Ref identifiers out."""
    parts = []
    for run in runs:
        if isinstance(run, Ref):
            parts.append(f" ({run.text})" if refs else "")
        else:
            parts.append(run.text if isinstance(run, Code) else run)
    return "".join(parts)


# Cells -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text cell. ``code`` is an identifier reading formats show beside the text (a rule's id);
    ``detail`` a second line in small type (a derived indicator's formula, a source's row).
    A spreadsheet cell holds ``text`` alone: it is data to sort and filter, and a data table
    gives what the annotations say columns of their own."""

    text: str
    code: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Number:
    """A number cell: the exact Decimal (printed as it reads, never through a float), a unit
    ("%" for a percentage), whether a positive value reads with its sign (a margin), and the
    decimals a spreadsheet shows (None: as the value reads)."""

    value: Decimal | None
    places: int | None = None
    unit: str = ""
    signed: bool = False

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        text = with_unit(self.value, self.unit) if self.unit else str(self.value)
        return f"+{text}" if self.signed and self.value > 0 else text


def exact(value: Decimal | None, *, unit: str = "", signed: bool = False) -> Number:
    """A number shown with the decimals it was computed at (``0.480`` keeps three)."""
    places = None
    if value is not None and value.is_finite():
        exponent = value.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else None
    return Number(value, places=places, unit=unit, signed=signed)


@dataclass(frozen=True)
class Status:
    """A status in words; ``value`` gives its symbol and colour (TONES). A monitoring progress
    status takes the tone of the rule status it stands for."""

    value: StatusValue
    label: str

    @property
    def tone(self) -> Tone:
        return TONES[self.value]


@dataclass(frozen=True)
class Verdict:
    value: VerdictValue
    label: str

    @property
    def status(self) -> StatusValue:
        return VERDICT_TONES[self.value]

    @property
    def tone(self) -> Tone:
        return TONES[self.status]


Cell = Text | Number | Status | Verdict


def cell_text(cell: Cell) -> str:
    """A cell's words without type faces or symbols (its ``text``, a number as it reads)."""
    if isinstance(cell, Text):
        return cell.text
    if isinstance(cell, Number):
        return cell.text
    return cell.label


# Blocks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """``code`` names the column (engine.explain.messages.COLUMNS) so that a format may choose
    which columns it shows; ``numeric`` aligns it right; ``unit`` is said once in the head by a
    format whose cells hold bare numbers (a spreadsheet), in each cell by the others."""

    code: str
    head: str
    numeric: bool = False
    unit: str | None = None


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    tone: StatusValue | None = None  # the row's colour (a rule not met, an indicator behind)
    rule: str | None = None  # the rule the row is, for a format that can mark it (HTML)
    group: str | None = None  # the Group the row belongs to


@dataclass(frozen=True)
class Group:
    """Rows of a table that a reading format shows as a table of their own, under ``heading``;
    a spreadsheet keeps one table (in row order) and lets the reader filter."""

    id: str
    heading: str


@dataclass(frozen=True)
class Table:
    id: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    groups: tuple[Group, ...] = ()

    def grouped(self) -> list[tuple[Group | None, tuple[Row, ...]]]:
        """The rows by group, in the groups' order, empty groups left out; one ungrouped part
        for a table without groups."""
        if not self.groups:
            return [(None, self.rows)]
        parts = [(g, tuple(r for r in self.rows if r.group == g.id)) for g in self.groups]
        return [(g, rows) for g, rows in parts if rows]


@dataclass(frozen=True)
class Item:
    """A list item; ``status`` marks it with the status's symbol (or colour); ``details`` are
    what a reading format puts after it and a spreadsheet on the rows below (an issuer, a date)."""

    runs: Runs
    status: StatusValue | None = None
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    runs: Runs


@dataclass(frozen=True)
class BulletList:
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Warning:
    """Things to heed that do not change the verdict, one line each."""

    items: tuple[Runs, ...]


@dataclass(frozen=True)
class Note:
    """An aside in small type (how to see what was left out)."""

    runs: Runs


@dataclass(frozen=True)
class CodeBlock:
    """A command line to copy."""

    text: str


@dataclass(frozen=True)
class Blank:
    """A place left for the reader to write in (a draft's part the county writes itself): a
    format shows ``runs`` marked as a blank to fill (grey italic), to be replaced."""

    runs: Runs


@dataclass(frozen=True)
class Banner:
    """The verdict: ``label`` ("Verdict"), the verdict, its reasons, and the summary lines.
    ``simulated``: the verdict of data changed by a what-if, not a result; a format must not
    draw it like a real one (no verdict colours filling it)."""

    label: str
    verdict: Verdict
    reasons: tuple[str, ...]
    lines: tuple[str, ...]
    simulated: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # None: no figure (shown as a dash)
    status: StatusValue
    text: str  # the figure as printed after the bar
    tip: str  # hover text


@dataclass(frozen=True)
class Stack:
    label: str
    counts: dict[str, int]  # by status, in TONES order


@dataclass(frozen=True)
class Chart:
    """A figure of what the tables already say (formats without graphics leave it out): bars
    on a fixed scale with labelled marks, or one stacked bar per category with a legend."""

    title: str
    caption: str | None = None
    bars: tuple[Bar, ...] = ()
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(100)
    marks: tuple[tuple[Decimal, str], ...] = ()
    stacks: tuple[Stack, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()  # (status, its label), in TONES order


@dataclass(frozen=True)
class Section:
    """``id`` is stable (an HTML anchor, what tests look for); ``page`` names the page a format
    with pages of its own (xlsx sheets) puts the section on; None is the first page."""

    id: str
    heading: str | None
    blocks: tuple[Block, ...]
    page: str | None = None


Block = (
    Banner | Paragraph | BulletList | Warning | Note | CodeBlock | Table | Chart | Blank | Section
)


# The document ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A line of the head: ``label``: ``value`` (``note``), sha256 ``sha256``. ``under`` marks a
    line that qualifies the one before it (a ruleset's parent): "extends …"."""

    label: str
    value: Runs | date
    note: str | None = None
    sha256: str | None = None
    under: bool = False


@dataclass(frozen=True)
class Document:
    title: str | None
    meta: tuple[Fact, ...]
    sections: tuple[Section, ...]
    footer: Fact | None = None
    #: The date the document is of (its assessment); fixes a binary format's timestamps.
    date: date | None = None
    #: The name of the first page, for a format with pages (an xlsx sheet).
    page: str | None = None
    #: The title and the head on a page of their own (a cover), for a format with pages (Word).
    cover: bool = False
    #: What every page (or the top of a page-less format) must say: a simulation's warning.
    mark: str | None = None
    #: A page number in words, ``{page}`` and ``{pages}`` its places ("第{page}页,共{pages}页"),
    #: for a format that numbers its pages.
    page_numbers: str | None = None

    def section(self, id: str) -> Section | None:
        """The section (at any depth) with this id."""
        stack = list(self.sections)
        while stack:
            s = stack.pop(0)
            if s.id == id:
                return s
            stack[:0] = [b for b in s.blocks if isinstance(b, Section)]
        return None


@dataclass(frozen=True)
class Layout:
    """What a renderer may be told besides the language: whether to colour (a terminal, unless
    NO_COLOR) and how wide the page is (columns of a terminal)."""

    color: bool = False
    width: int = 120


def visible(block: Block, *, charts: bool) -> bool:
    """Whether a block shows anything in a format that does (or does not) draw charts."""
    if isinstance(block, Chart):
        return charts
    if isinstance(block, Section):
        return any(visible(b, charts=charts) for b in block.blocks)
    return True
