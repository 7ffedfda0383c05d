"""Writing a report file safely: never over the input, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.errors import InputError


def write_atomically(path: Path, content: str | bytes, *, inputs: list[Path]) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` through a temporary file and a
    rename, so a reader never sees a partial report and an interrupted run leaves any previous
    file whole."""
    target = path.resolve()
    for source in inputs:
        if source.exists() and target.exists() and os.path.samefile(source, target):
            raise InputError("refusing to write the report over an input file", file=path)
        if source.resolve() == target:
            raise InputError("refusing to write the report over an input file", file=path)
    if not target.parent.is_dir():
        raise InputError("the output folder does not exist", file=path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a report is meant to be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
