"""Writing reports never damages an input or a device, and no CSV cell is a live formula.

Everything here writes real files: devices under /dev, FIFOs, symlinks and hard links in
tmp_path, folders the kernel will not let anyone write (/proc, /sys, a read-only bind mount).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.batch import Batch
from engine.cli import assess_command
from engine.errors import InputError
from engine.model.county import CountyData
from engine.report.batch import _spreadsheet_safe, rules_csv, summary_csv
from engine.report.output import (
    FORMULA_PREFIXES,
    Streamed,
    spreadsheet_safe,
    write_atomically,
    write_outputs,
    writes_in_place,
)

ROOT = Path(__file__).resolve().parent.parent
TIANMEN = ROOT / "scenarios" / "tianmen-2022.csv"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def raises(code: str, call: Callable[[], object]) -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.code == code, caught.value.describe()
    return caught.value


# -- the neutraliser -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "safe", "as_name"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")', None),
        ("+1", "+1", "'+1"),  # a number in a number column, a formula's start in a name
        ("-2+3", "'-2+3", None),
        ("@SUM(A1)", "'@SUM(A1)", None),
        ("\tX", "'\tX", None),
        ("\rY", "'\rY", None),
        ("-0.05", "-0.05", "'-0.05"),
        ("+12.50", "+12.50", "'+12.50"),
        ("-", "'-", None),
        ("-1e5", "'-1e5", None),
        ("-1.", "'-1.", None),
        ("-٣", "'-٣", None),  # an Arabic-Indic digit is not a number to a spreadsheet
        ("2.50", "2.50", None),
        ("天门市", "天门市", None),
        ("a=b", "a=b", None),
        ("", "", None),
    ],
)
def test_spreadsheet_safe(text: str, safe: str, as_name: str | None) -> None:
    assert spreadsheet_safe(text) == safe
    assert spreadsheet_safe(text, keep_numbers=False) == (as_name or safe)


def test_the_csv_writers_neutralise_exactly_as_spreadsheet_safe() -> None:
    import polars as pl

    texts = ["=1+1", "+1", "-0.05", "-2+3", "@x", "\tX", "\rY", "-", "1.5", "ok", "'=x", ""]
    table = pl.DataFrame({"county": texts, "margin": texts, "year": range(len(texts))})
    out = _spreadsheet_safe(table)
    assert out["county"].to_list() == [spreadsheet_safe(t, keep_numbers=False) for t in texts]
    assert out["margin"].to_list() == [spreadsheet_safe(t) for t in texts]
    assert out["year"].to_list() == list(range(len(texts)))


# -- CSV reports of a batch ------------------------------------------------------------------

NAMES = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tX", "\rY"]


def _batch_from_file(tmp_path: Path) -> Batch:
    """The names a data file keeps (the loader strips a leading tab or CR from a cell)."""
    data = tmp_path / "counties.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["county", "indicator", "baseline", "target", "actual"])
        for name in NAMES:
            writer.writerow([name, "rd_intensity", "1.32", "1.60", "1.55"])
    return engine.assess_batch(data, "provincial-2021")


def _batch_in_code(_: Path) -> Batch:
    """The names straight into the model, without a file's loader."""
    counties = [
        CountyData.from_mapping(
            name, {"rd_intensity": {"baseline": "1.32", "target": "1.60", "actual": "1.55"}}
        )
        for name in NAMES
    ]
    return engine.assess_batch(counties, "provincial-2021")


@pytest.mark.parametrize("make", [_batch_from_file, _batch_in_code])
def test_no_csv_cell_is_a_live_formula(tmp_path: Path, make: Callable[[Path], Batch]) -> None:
    batch = make(tmp_path)
    # The names as the batch holds them: loading may strip or escape a tab or a CR, and what
    # is left of them must come out neutralised all the same.
    names = batch.summary["county"].to_list()
    expected = {spreadsheet_safe(name, keep_numbers=False) for name in names}
    assert {"'" + name for name in NAMES[:4]} <= expected
    for text, margin in ((summary_csv(batch), "closest_margin"), (rules_csv(batch), "margin")):
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text[1:], newline="")))
        head, body = rows[0], rows[1:]
        assert {row[head.index("county")] for row in body} == expected
        assert "-0.05" in {row[head.index(margin)] for row in body}  # a number stays a number
        for row in body:
            live = [
                (c, v) for c, v in zip(head, row, strict=True) if v.startswith(FORMULA_PREFIXES)
            ]
            assert {c for c, _ in live} <= {"margin", "closest_margin"}
            assert {v for _, v in live} <= {"-0.05"}


# -- devices, pipes, streams -----------------------------------------------------------------


def test_dev_null_stays_a_device() -> None:
    before = os.stat("/dev/null")
    assert stat.S_ISCHR(before.st_mode) and writes_in_place(Path("/dev/null"))
    write_atomically(Path("/dev/null"), "report\n", inputs=[TIANMEN])
    write_outputs([(Path("/dev/null"), "a"), (Path("/dev/null"), b"b")], inputs=[])
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert not [n for n in os.listdir("/dev") if n.startswith(".null.")]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_dev_full_is_no_space_and_stays_a_device() -> None:
    error = raises("output_no_space", lambda: write_atomically(Path("/dev/full"), "x", inputs=[]))
    assert "no space left on device" in error.describe("en") and error.file == "/dev/full"
    assert "空间不足" in error.describe("zh")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert not [n for n in os.listdir("/dev") if n.startswith(".full.")]


def test_a_fifo_with_a_reader_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    content = "县,结论\n" * 40_000  # far more than a pipe holds: the writes must block, not fail
    # The read end opens at once without O_NONBLOCK's wait; a writer of ours keeps the pipe
    # from reading as ended before write_atomically opens it.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    keeper = os.open(fifo, os.O_WRONLY)
    os.set_blocking(reader, True)
    received: list[bytes] = []

    def read() -> None:
        with os.fdopen(reader, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=read)
    thread.start()
    try:
        write_atomically(fifo, content, inputs=[TIANMEN])
    finally:
        os.close(keeper)
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert received == [content.encode("utf-8")]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and listing(tmp_path) == ["report.fifo"]


def test_a_fifo_without_a_reader_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    error = raises("output_fifo_no_reader", lambda: write_atomically(fifo, "x", inputs=[]))
    assert "no reader" in error.describe("en")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and listing(tmp_path) == ["report.fifo"]


WRITE_TO_STDOUT = (
    "import sys; from pathlib import Path; from engine.report.output import write_atomically\n"
    "write_atomically(Path(sys.argv[1]), 'report\\n', inputs=[])"
)


@pytest.mark.parametrize("name", ["/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"])
def test_stdout_as_a_pipe_is_written_in_place(name: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", WRITE_TO_STDOUT, name], capture_output=True, check=True, cwd=ROOT
    )
    assert proc.stdout == b"report\n" and proc.stderr == b""


def test_stdout_redirected_to_a_file_appends_through_the_descriptor(tmp_path: Path) -> None:
    """``assess … -o /dev/stdout >> log``: the log keeps its lines and its inode."""
    log = tmp_path / "log.txt"
    log.write_text("earlier\n")
    inode = log.stat().st_ino
    with log.open("ab") as handle:
        subprocess.run(
            [sys.executable, "-c", WRITE_TO_STDOUT, "/dev/stdout"],
            stdout=handle,
            check=True,
            cwd=ROOT,
        )
    assert log.read_text() == "earlier\nreport\n" and log.stat().st_ino == inode
    assert listing(tmp_path) == ["log.txt"]


def test_sockets_and_other_devices_are_refused(tmp_path: Path) -> None:
    sock_path = tmp_path / "report.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        raises("output_device_refused", lambda: write_atomically(sock_path, "x", inputs=[]))
    assert stat.S_ISSOCK(os.stat(sock_path).st_mode)


@pytest.mark.parametrize(
    ("kind", "number", "word"),
    [
        # loop255: no such loop device here; /dev/random takes writes harmlessly. Either way the
        # refusal comes from the node's type, before anything is opened.
        (stat.S_IFBLK, (7, 255), "a block device"),
        (stat.S_IFCHR, (1, 8), "a device"),
    ],
)
def test_a_disk_or_an_unknown_device_is_refused(
    tmp_path: Path, kind: int, number: tuple[int, int], word: str
) -> None:
    node = tmp_path / "dev"
    try:
        os.mknod(node, kind | 0o600, os.makedev(*number))
    except PermissionError:
        pytest.skip("making device nodes needs CAP_MKNOD")
    error = raises("output_device_refused", lambda: write_atomically(node, "x", inputs=[]))
    assert f"is {word};" in error.describe("en")
    after = os.stat(node)
    assert stat.S_IFMT(after.st_mode) == kind and after.st_rdev == os.makedev(*number)
    assert listing(tmp_path) == ["dev"]


# -- never over an input ---------------------------------------------------------------------


def _same(tmp_path: Path, data: Path) -> Path:
    return data


def _dotted(tmp_path: Path, data: Path) -> Path:
    return tmp_path / "missing" / ".." / data.name


def _symlink(tmp_path: Path, data: Path) -> Path:
    link = tmp_path / "link.csv"
    link.symlink_to(data.name)
    return link


def _hard_link(tmp_path: Path, data: Path) -> Path:
    link = tmp_path / "hard.csv"
    os.link(data, link)
    return link


def _input_through_symlink(tmp_path: Path, data: Path) -> Path:
    """The input was named through a symlink; the output names the file itself."""
    (tmp_path / "alias.csv").symlink_to(data.name)
    data.rename(tmp_path / "real.csv")
    data.symlink_to("real.csv")
    return tmp_path / "real.csv"


@pytest.mark.parametrize("target", [_same, _dotted, _symlink, _hard_link, _input_through_symlink])
def test_never_over_an_input(tmp_path: Path, target: Callable[[Path, Path], Path]) -> None:
    data = tmp_path / "county.csv"
    data.write_bytes(TIANMEN.read_bytes())
    out = target(tmp_path, data)
    before = listing(tmp_path)
    error = raises("output_over_input", lambda: write_atomically(out, "report", inputs=[data]))
    assert "refusing to write the report over an input file" in error.describe("en")
    assert data.read_bytes() == TIANMEN.read_bytes() and listing(tmp_path) == before


def test_several_outputs_are_all_or_nothing(tmp_path: Path) -> None:
    data = tmp_path / "X.csv"
    data.write_bytes(TIANMEN.read_bytes())
    old = tmp_path / "old.csv"
    old.write_text("previous report")
    cases = [
        ("output_over_input", [tmp_path / "X.rules.csv", data]),
        ("output_over_input", [data.with_name("new.csv"), tmp_path / "link-to-X.csv"]),
        ("output_folder_missing", [tmp_path / "a.csv", tmp_path / "no" / "b.csv"]),
        ("output_is_folder", [old, tmp_path]),
        ("output_named_twice", [tmp_path / "a.csv", tmp_path / "." / "a.csv"]),
        ("output_no_space", [tmp_path / "a.csv", old, Path("/dev/full")]),
    ]
    (tmp_path / "link-to-X.csv").symlink_to(data)
    before = listing(tmp_path)
    for code, paths in cases:
        files = [(path, f"report {i}") for i, path in enumerate(paths)]
        raises(code, functools.partial(write_outputs, files, inputs=[data]))
        assert listing(tmp_path) == before, code
        assert old.read_text() == "previous report" and data.read_bytes() == TIANMEN.read_bytes()
    write_outputs([(tmp_path / "a.csv", "a"), (old, b"new")], inputs=[data])
    assert (tmp_path / "a.csv").read_text() == "a" and old.read_text() == "new"
    assert listing(tmp_path) == sorted([*before, "a.csv"])


def test_a_failed_rename_undoes_the_renames_before_it(tmp_path: Path) -> None:
    """The second rename fails (the target is immutable); the first target is put back."""
    if shutil.which("chattr") is None:
        pytest.skip("no chattr")
    fresh, old, frozen = tmp_path / "fresh.csv", tmp_path / "old.csv", tmp_path / "frozen.csv"
    old.write_text("previous report")
    frozen.write_text("frozen")
    inode = old.stat().st_ino
    if subprocess.run(["chattr", "+i", frozen], capture_output=True).returncode != 0:
        pytest.skip("cannot make a file immutable here (needs CAP_LINUX_IMMUTABLE)")
    try:
        files = [(fresh, "new"), (old, "new"), (frozen, "new")]
        raises("output_not_writable", lambda: write_outputs(files, inputs=[]))
    finally:
        subprocess.run(["chattr", "-i", frozen], check=True)
    assert listing(tmp_path) == ["frozen.csv", "old.csv"]  # no temp file, no backup left
    assert old.read_text() == "previous report" and old.stat().st_ino == inode
    assert frozen.read_text() == "frozen"


def test_a_regular_file_is_replaced_whole_and_a_symlink_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "report.json"
    link.symlink_to(real.name)
    assert not writes_in_place(link)
    write_atomically(link, "新报告", inputs=[TIANMEN])
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "新报告"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600  # a private report stays private
    assert listing(tmp_path) == ["real.json", "report.json"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002], ids=["022", "077", "002"])
def test_a_new_report_has_the_mode_the_umask_gives_and_a_replaced_one_keeps_its_own(
    tmp_path: Path, umask: int
) -> None:
    """As a shell's ``>`` would: a new file 0666 less the umask (before, always 0644, so a user
    whose umask is 077 had reports others could read); a replaced file keeps its permissions
    (before, a 0600 report became 0644), but never a set-id bit."""
    fresh, shared, private = (tmp_path / n for n in ("fresh.json", "shared.json", "private.json"))
    shared.write_text("old")
    shared.chmod(0o664)
    private.write_text("old")
    private.chmod(0o4600)  # set-uid: not carried onto the new content
    previous = os.umask(umask)
    try:
        write_outputs([(fresh, "新"), (shared, "新"), (private, "新")], inputs=[TIANMEN])
    finally:
        os.umask(previous)
    modes = [stat.S_IMODE(p.stat().st_mode) for p in (fresh, shared, private)]
    assert modes == [0o666 & ~umask, 0o664, 0o600]
    assert listing(tmp_path) == ["fresh.json", "private.json", "shared.json"]


# -- places nobody may write -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/proc/1/x.json", "output_not_writable"),  # not writable even for root
        ("/sys/x.json", "output_not_writable"),
        ("/proc", "output_is_folder"),
    ],
)
def test_kernel_folders_are_input_errors(path: str, code: str) -> None:
    if not os.path.isdir(os.path.dirname(path) or path):
        pytest.skip(f"no {path}")
    error = raises(code, lambda: write_atomically(Path(path), "x", inputs=[]))
    assert error.file == path and "Traceback" not in error.describe("en")


def test_the_command_exits_2_for_an_unwritable_output() -> None:
    result = CliRunner().invoke(
        assess_command, [str(TIANMEN), "-r", "provincial-2021", "-o", "/proc/1/x.json"]
    )
    assert result.exit_code == 2, result.output
    assert "/proc/1/x.json" in result.output and "cannot be written" in result.output


READ_ONLY = (
    "import sys; from pathlib import Path; from engine.errors import InputError\n"
    "from engine.report.output import write_atomically\n"
    "try:\n    write_atomically(Path(sys.argv[1]) / 'x.json', 'x', inputs=[])\n"
    "except InputError as exc:\n    print(exc.code, exc.describe()); sys.exit(2)\n"
)


def test_a_read_only_folder(tmp_path: Path) -> None:
    """A 0o555 folder. Root ignores the mode: then the check runs as root without the
    capabilities that override it (setpriv), so the kernel refuses for real."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    command = [sys.executable, "-c", READ_ONLY, str(folder)]
    if IS_ROOT:
        if shutil.which("setpriv") is None:
            pytest.skip("root ignores permissions, and there is no setpriv to drop them")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if IS_ROOT and proc.returncode != 2 and "setpriv" in proc.stderr:
        pytest.skip(f"cannot drop capabilities here: {proc.stderr.strip()}")
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout.startswith("output_not_writable") and "permission denied" in proc.stdout
    assert listing(folder) == []


def test_a_read_only_bind_mount(tmp_path: Path) -> None:
    """EROFS, through a read-only bind mount in a mount namespace of its own."""
    if not IS_ROOT or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare")
    folder = tmp_path / "ro"
    folder.mkdir()
    script = f'mount --bind -o ro "$1" "$1" && exec "{sys.executable}" -c "$2" "$1"'
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(folder), READ_ONLY],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if "mount" in proc.stderr or "unshare" in proc.stderr:
        pytest.skip(f"cannot bind-mount here: {proc.stderr.strip()}")
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout.startswith("output_not_writable") and "read-only file system" in proc.stdout
    assert listing(folder) == []


# -- streamed content: made in a thread while it is written ----------------------------------


def _chunks(count: int, *, fail_at: int | None = None) -> Streamed:
    def make() -> Iterator[bytes]:
        for i in range(count):
            if i == fail_at:
                raise InputError(code="output_write_failed", params={"reason": "made to fail"})
            yield f"{i:06}\n".encode()

    return Streamed(make)


def test_streamed_chunks_are_written_whole_and_in_order(tmp_path: Path) -> None:
    target = tmp_path / "many.txt"
    write_atomically(target, _chunks(5_000), inputs=[])
    assert target.read_bytes() == b"".join(f"{i:06}\n".encode() for i in range(5_000))
    assert [t.name for t in threading.enumerate() if t.name == "assess-output"] == []


def test_a_large_streamed_file_is_flushed_to_disk_as_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So that the fsync before the rename waits for the tail only (docs/performance.md); a
    stream to a terminal or a pipe is never flushed so (it cannot be)."""
    flushed: list[int] = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (flushed.append(fd), real(fd))[1])
    megabyte = b"x" * (1 << 20)
    target = tmp_path / "big.json"
    write_atomically(target, Streamed(lambda: iter([megabyte] * 20)), inputs=[])
    assert target.stat().st_size == 20 << 20
    assert len(flushed) == 2  # every 8 MiB: after the 8th and the 16th
    flushed.clear()
    read, write = os.pipe()
    with os.fdopen(read, "rb") as reader:
        drained = threading.Thread(target=reader.read)
        drained.start()
        write_atomically(
            Path(f"/dev/fd/{write}"), Streamed(lambda: iter([megabyte] * 20)), inputs=[]
        )
        os.close(write)
        drained.join()
    assert flushed == []


def test_what_making_the_content_raises_reaches_the_caller_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous report")
    error = raises(
        "output_write_failed", lambda: write_atomically(target, _chunks(50, fail_at=20), inputs=[])
    )
    assert "made to fail" in error.describe("en")
    assert target.read_text() == "previous report" and listing(tmp_path) == ["report.json"]
    assert [t.name for t in threading.enumerate() if t.name == "assess-output"] == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_failing_write_stops_the_thread_making_the_content() -> None:
    made: list[int] = []

    def make() -> Iterator[bytes]:
        for i in range(10_000):
            made.append(i)
            yield b"x" * 1024

    raises(
        "output_no_space", lambda: write_atomically(Path("/dev/full"), Streamed(make), inputs=[])
    )
    assert len(made) < 100  # stopped a few chunks ahead of the failed write, not made to the end
    assert [t.name for t in threading.enumerate() if t.name == "assess-output"] == []
