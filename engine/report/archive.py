"""Office files (xlsx, docx) with deterministic bytes: the same document gives the same file.

openpyxl and python-docx date every zip entry (and the core properties) by the clock; a report
is dated by its assessment date, or by :data:`DEFAULT_TIME` when it has none.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

#: The time an undated document's entries carry.
DEFAULT_TIME = datetime(2000, 1, 1)
_ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest time a zip entry can carry


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """The same archive with every entry dated ``when`` and nothing of the host in it."""
    stamp = max(when, _ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # not the host's: the bytes must not depend on it
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info))
    return out.getvalue()
