"""Writing report files safely: never over an input, never half-written, never over a device.

A report goes to a regular file through a temporary file in the same folder and a rename, so a
reader never sees a partial report and an interrupted run leaves any previous file whole.
Special files are never replaced by a rename: a terminal, a pipe, ``/dev/null`` or ``/dev/full``
is opened and written in place, and so is ``/dev/stdout`` (``/dev/stderr``, ``/dev/fd/N``,
``/proc/self/fd/N``), which is written through the process's own descriptor. Block devices,
sockets and other devices are refused: a report has no business on a disk or in ``/dev/mem``.

Several outputs of one run (the CSV summary and its per-rule table) are all or nothing: every
target is checked before any is written, every temporary file is written before any is renamed,
and the renames come last. Every failure is an :class:`~engine.errors.InputError` that names
the file, never a traceback.

:func:`spreadsheet_safe` keeps text cells of a CSV report from being run as formulas.
"""

from __future__ import annotations

import contextlib
import errno
import os
import queue
import re
import secrets
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError

#: The first characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: A plain number, which stays as it is in a number column (a margin of -0.05 is no formula).
NUMBER_PATTERN = r"[+-]?[0-9]+(\.[0-9]+)?"
_NUMBER = re.compile(NUMBER_PATTERN)


def spreadsheet_safe(text: str, *, keep_numbers: bool = True) -> str:
    """``text`` as a spreadsheet shows it as text: a leading ``'`` when it starts like a formula.

    A plain number (``-0.05``, ``+3``) is kept as it is unless ``keep_numbers`` is false, which
    is for columns of names: a county named ``+1`` must not turn into the number 1.
    """
    if text.startswith(FORMULA_PREFIXES) and not (keep_numbers and _NUMBER.fullmatch(text)):
        return "'" + text
    return text


# -- writing -------------------------------------------------------------------------------

#: /dev/stdout and its kin: the process's own descriptors, written through a duplicate of it.
_FD_ALIAS = re.compile(
    r"/dev/(?:fd/(?P<fd>[0-9]+)|(?P<std>stdin|stdout|stderr))"
    r"|/proc/(?P<pid>self|thread-self|[0-9]+)(?:/task/[0-9]+)?/fd/(?P<pfd>[0-9]+)"
)
_STD_FDS = {"stdin": 0, "stdout": 1, "stderr": 2}
#: Linux character devices a report may go to: null, zero and full (major 1), and terminals.
_HARMLESS_DEVICES = {(1, 3), (1, 5), (1, 7)}
_TERMINAL_MAJORS = frozenset({4, 5, *range(136, 144)})
_HARMLESS_NAMES = re.compile(r"/dev/(?:null|zero|full|tty[0-9A-Za-z]*|console|pts/[0-9]+)")

_KINDS = {
    "block": {"zh": "块设备", "en": "a block device"},
    "socket": {"zh": "套接字", "en": "a socket"},
    "device": {"zh": "设备文件", "en": "a device"},
    "special": {"zh": "特殊文件", "en": "a special file"},
}
_REASONS_ZH = {
    errno.EACCES: "权限不足",
    errno.EPERM: "操作不被允许",
    errno.EROFS: "文件系统只读",
    errno.ENOENT: "路径不存在",
    errno.ENOSPC: "设备空间不足",
    errno.EIO: "输入输出错误",
    errno.ELOOP: "符号链接层数过多",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EPIPE: "读取端已关闭",
    errno.EBADF: "文件描述符无效",
    errno.ENXIO: "设备不存在",
    errno.ETXTBSY: "文件正在被执行",
    errno.EFBIG: "文件过大",
    errno.EINVAL: "该文件不接受写入",
    errno.EDQUOT: "超出磁盘配额",
}
_REPLACED = {"zh": "文件在写入时被替换", "en": "it was replaced while being written"}


def _reason(exc: OSError) -> dict[str, str]:
    en = exc.strerror or str(exc)
    en = en[:1].lower() + en[1:]
    return {"zh": _REASONS_ZH.get(exc.errno or 0, en), "en": en}


def _os_error(path: Path, exc: OSError, *, creating: bool = False) -> InputError:
    """The InputError for an OSError met while writing ``path``; ``creating``: while making the
    temporary file, where any refusal means the folder cannot be written."""
    if exc.errno == errno.ENOSPC:
        return InputError(code="output_no_space", file=path)
    if creating or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return InputError(code="output_not_writable", params={"reason": _reason(exc)}, file=path)
    return InputError(code="output_write_failed", params={"reason": _reason(exc)}, file=path)


class Streamed:
    """Content made as it is written (a large batch's JSON): the chunks of bytes ``make``
    yields, produced once, when the file is written (:func:`write_outputs` takes it where it
    takes bytes). ``text()`` gives it whole, for a caller that wants a string."""

    def __init__(self, make: Callable[[], Iterable[bytes]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._make())

    def text(self) -> str:
        return b"".join(self).decode("utf-8")


#: What a report is: text (written as UTF-8), bytes, or bytes made as they are written.
Content = str | bytes | Streamed


@dataclass
class _Target:
    path: Path  # as the user gave it: the name in every message
    data: bytes | Streamed
    in_place: bool  # a stream or device, written where it is; else a temp file and a rename
    real: Path  # the resolved path of a regular file (what the rename replaces)
    identity: tuple[int, int] | None  # (st_dev, st_ino) when the target exists
    alias_fd: int | None = None  # /dev/stdout and its kin: the descriptor to write through
    fifo: bool = False
    mode: int | None = None  # the permissions of the regular file replaced, which it keeps
    fd: int = -1  # opened for writing (in place) or the temporary file's, while writing it
    tmp: Path | None = None
    previous: Path | None = None  # a hard link to the file the rename replaces, until it is done


def _alias_fd(path: Path) -> int | None:
    """The descriptor ``path`` names when it is /dev/stdout, /dev/fd/N or /proc/self/fd/N."""
    match = _FD_ALIAS.fullmatch(os.path.abspath(path))
    if match is None:
        return None
    if match["std"]:
        return _STD_FDS[match["std"]]
    if match["fd"]:
        return int(match["fd"])
    if match["pid"] in ("self", "thread-self") or int(match["pid"]) == os.getpid():
        return int(match["pfd"])
    return None  # another process's descriptor: an ordinary path to whatever it points at


def _harmless_device(path: Path, st: os.stat_result) -> bool:
    if sys.platform.startswith("linux"):
        number = (os.major(st.st_rdev), os.minor(st.st_rdev))
        return number in _HARMLESS_DEVICES or number[0] in _TERMINAL_MAJORS
    return _HARMLESS_NAMES.fullmatch(os.path.realpath(path)) is not None


def writes_in_place(path: Path) -> bool:
    """Whether a report to ``path`` would be written in place (a terminal, a pipe, a device,
    /dev/stdout) rather than as a file: such an output has no sibling files."""
    if _alias_fd(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _refused_kind(mode: int) -> str:
    if stat.S_ISBLK(mode):
        return "block"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device" if stat.S_ISCHR(mode) else "special"


def _inspect(path: Path, data: bytes | Streamed) -> _Target:
    """What writing ``path`` means; raises when it must not or cannot be written."""
    alias = _alias_fd(path)
    try:
        st: os.stat_result | None = os.fstat(alias) if alias is not None else os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as exc:
        raise _os_error(path, exc) from None
    if st is not None:
        identity = (st.st_dev, st.st_ino)
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            raise InputError(code="output_is_folder", file=path)
        if alias is not None and not stat.S_ISBLK(mode):
            return _Target(path, data, True, path, identity, alias_fd=alias)
        if stat.S_ISFIFO(mode) or (stat.S_ISCHR(mode) and _harmless_device(path, st)):
            return _Target(path, data, True, path, identity, fifo=stat.S_ISFIFO(mode))
        if not stat.S_ISREG(mode):
            raise InputError(
                code="output_device_refused",
                params={"kind": _KINDS[_refused_kind(mode)]},
                file=path,
            )
    try:
        real = path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        loop = exc if isinstance(exc, OSError) else OSError(errno.ELOOP, os.strerror(errno.ELOOP))
        raise _os_error(path, loop) from None
    if st is None:
        try:
            folder = os.stat(real.parent).st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise InputError(code="output_folder_missing", file=path) from None
        except OSError as exc:
            raise _os_error(path, exc, creating=True) from None
        if not stat.S_ISDIR(folder):
            raise InputError(code="output_folder_missing", file=path)
    if st is None:
        return _Target(path, data, False, real, None)
    # The file replaced keeps its permissions (a private 0600 report stays private); only the
    # read, write and execute bits: a set-id bit is not carried onto new content.
    return _Target(path, data, False, real, (st.st_dev, st.st_ino), mode=st.st_mode & 0o777)


def _input_identities(
    inputs: Sequence[Path],
) -> list[tuple[Path, Path | None, tuple[int, int] | None]]:
    """Each input with its resolved path and its (device, inode) when it exists."""
    found: list[tuple[Path, Path | None, tuple[int, int] | None]] = []
    for source in inputs:
        source = Path(source)
        try:
            resolved: Path | None = source.resolve()
        except (OSError, RuntimeError):
            resolved = None
        try:
            st = os.stat(source)
            identity: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except (OSError, ValueError):
            identity = None
        found.append((source, resolved, identity))
    return found


def _check(targets: list[_Target], inputs: Sequence[Path]) -> None:
    """Refuse a target that is an input (by path, through a symlink or as a hard link) or that
    two outputs share."""
    sources = _input_identities(inputs)
    for target in targets:
        for source, resolved, identity in sources:
            same_file = target.identity is not None and target.identity == identity
            if same_file or (not target.in_place and target.real == resolved):
                raise InputError(
                    code="output_over_input", params={"input": str(source)}, file=target.path
                )
    files = [t for t in targets if not t.in_place]
    for i, target in enumerate(files):
        for other in files[:i]:
            same = target.identity is not None and target.identity == other.identity
            if same or target.real == other.real:
                raise InputError(code="output_named_twice", file=target.path)


def _write_chunk(fd: int, chunk: bytes) -> None:
    view = memoryview(chunk)
    while view:
        written = os.write(fd, view)
        view = view[written:]


#: Chunks a streamed content may have made ahead of the writer (a few MB: a batch's JSON
#: slices are about 2 MB each).
_AHEAD = 4


#: A streamed file is flushed to disk each time this much more of it is written.
_FLUSH_EVERY = 8 << 20


def _write_all(fd: int, data: bytes | Streamed, *, durable: bool = False) -> None:
    """Write ``data``; a streamed content is made in a thread of its own while the chunks it
    made are written, so that polars making the next slice and the kernel taking the last
    overlap (both release the interpreter). ``durable`` (a file to be fsync'd when complete):
    what is written is flushed as it goes, while the next chunks are made, so that the final
    fsync waits only for the tail."""
    if not isinstance(data, Streamed):
        _write_chunk(fd, data)
        return
    # a chunk; None: the end; an exception: what making the content raised
    made: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=_AHEAD)
    stop = threading.Event()

    def make() -> None:
        try:
            for chunk in data:
                if stop.is_set():
                    return
                made.put(chunk)
            made.put(None)
        except BaseException as exc:  # handed to the writer, which raises it
            made.put(exc)

    maker = threading.Thread(target=make, name="assess-output", daemon=True)
    maker.start()
    try:
        unflushed = 0
        while (item := made.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            _write_chunk(fd, item)
            unflushed += len(item)
            if durable and unflushed >= _FLUSH_EVERY:
                # fdatasync where the system has it (not macOS or Windows): the data, not the times
                getattr(os, "fdatasync", os.fsync)(fd)
                unflushed = 0
    finally:
        stop.set()
        while maker.is_alive():  # a maker blocked on a full queue: make room, it sees the stop
            with contextlib.suppress(queue.Empty):
                made.get_nowait()
            maker.join(timeout=0.01)


def _open_in_place(target: _Target) -> None:
    """Open a stream or device target for writing, without creating or truncating anything."""
    try:
        if target.alias_fd is not None:
            target.fd = os.dup(target.alias_fd)
        else:
            # O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) instead of blocking for
            # ever, and a terminal does not wait for a carrier; the writes themselves block.
            flags = os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
            target.fd = os.open(target.path, flags)
            os.set_blocking(target.fd, True)
        st = os.fstat(target.fd)
    except OSError as exc:
        if exc.errno == errno.ENXIO and target.fifo:
            raise InputError(code="output_fifo_no_reader", file=target.path) from None
        raise _os_error(target.path, exc) from None
    if target.identity is not None and (st.st_dev, st.st_ino) != target.identity:
        raise InputError(code="output_write_failed", params={"reason": _REPLACED}, file=target.path)


def _create_temporary(target: _Target) -> None:
    """A new temporary file beside the target, created as a shell's ``>`` creates one: mode
    0666 less the user's umask (mkstemp's 0600 would ignore it), never over an existing name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        name = target.real.with_name(f".{target.real.name}.{secrets.token_hex(6)}.tmp")
        try:
            target.fd = os.open(name, flags, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _os_error(target.path, exc, creating=True) from None
        target.tmp = name
        return
    exists = FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
    raise _os_error(target.path, exists, creating=True)


def _write_temporary(target: _Target) -> None:
    """The content in a temporary file beside the target, flushed to disk; with the
    permissions of the file it replaces, else those the umask gives a new file."""
    _create_temporary(target)
    try:
        _write_all(target.fd, target.data, durable=True)
        if target.mode is not None:
            os.fchmod(target.fd, target.mode)
        os.fsync(target.fd)  # a full disk or a failing device shows here, not after the rename
    except OSError as exc:
        raise _os_error(target.path, exc) from None
    finally:
        os.close(target.fd)
        target.fd = -1


@contextlib.contextmanager
def _cleaned_up(targets: list[_Target]) -> Iterator[None]:
    """Close what is open, and on failure remove every temporary file still there."""
    try:
        yield
    except BaseException:
        for target in targets:
            if target.tmp is not None:
                with contextlib.suppress(OSError):
                    target.tmp.unlink()
        raise
    finally:
        for target in targets:
            if target.fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(target.fd)
                target.fd = -1


def _keep_previous(target: _Target) -> None:
    """A hard link to the file a rename is about to replace, to put it back should a later
    rename fail; none where hard links cannot be made (the old content is then not kept)."""
    if target.identity is None:
        return
    for _ in range(8):
        name = target.real.with_name(f".{target.real.name}.{secrets.token_hex(4)}.old")
        try:
            os.link(target.real, name)
        except FileExistsError:
            continue
        except OSError:
            return
        target.previous = name
        return


def _rename_all(files: list[_Target]) -> None:
    """Rename every temporary file over its target; on a failure, undo the renames done."""
    renamed: list[_Target] = []
    try:
        for target in files:
            assert target.tmp is not None
            _keep_previous(target)
            try:
                os.replace(target.tmp, target.real)
            except OSError as exc:
                raise _os_error(target.path, exc) from None
            target.tmp = None
            renamed.append(target)
    except BaseException:
        for done in reversed(renamed):
            with contextlib.suppress(OSError):
                if done.previous is not None:
                    os.replace(done.previous, done.real)
                    done.previous = None
                elif done.identity is None:
                    done.real.unlink()
        raise
    finally:
        for target in files:
            if target.previous is not None:
                with contextlib.suppress(OSError):
                    target.previous.unlink()


def write_outputs(files: Sequence[tuple[Path, Content]], *, inputs: Sequence[Path]) -> None:
    """Write every ``(path, content)`` (text as UTF-8, or bytes), all or nothing.

    Every target is checked first: none may be an input (compared by resolved path and by
    device and inode, so a symlink or a hard link to an input counts), none may be named twice,
    its folder must exist, and it must not be a folder or a device other than a terminal,
    /dev/null or the like. Then every temporary file is written and every stream opened; then
    the streams are written; the renames come last. Should a rename fail, the renames already
    done are undone: a file that did not exist is removed, one that did gets its old content
    back. Only a stream already written (a pipe, a terminal) cannot be taken back.
    """
    targets = [
        _inspect(Path(path), content.encode("utf-8") if isinstance(content, str) else content)
        for path, content in files
    ]
    _check(targets, inputs)
    with _cleaned_up(targets):
        for target in targets:
            if target.in_place:
                _open_in_place(target)
            else:
                _write_temporary(target)
        for target in targets:
            if target.in_place:
                try:
                    _write_all(target.fd, target.data)
                except OSError as exc:
                    raise _os_error(target.path, exc) from None
        _rename_all([t for t in targets if not t.in_place])


def write_atomically(path: Path, content: Content, *, inputs: Sequence[Path]) -> None:
    """Write one report file: :func:`write_outputs` of one."""
    write_outputs([(path, content)], inputs=inputs)
