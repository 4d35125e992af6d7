"""What more than one reader needs: reading the bytes, the not-UTF-8 message, text cleaning,
and the names under which a reader tells the validator about a record's geometry.

Kept apart so that a reader never imports another reader's private helpers.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from ..records import FileProblem, ProgressCallback, open_counted

# The key of ``Record.fields`` that says why a record has no usable coordinates.
GEOMETRY_PROBLEM = "_geometry_problem"
# The note of a record whose area (a polygon, a closed way) is stored as a point inside it.
AREA_NOTE = "area: stored as a point inside it"


def clean_text(value: Any) -> Any:
    """Strings NFC-normalised and stripped (empty -> None); anything else unchanged."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip()
        return value or None
    return value


def not_utf8(path: str | Path, raw: bytes, exc: UnicodeDecodeError) -> str:
    """The message for a file that is not UTF-8: where, and what to do."""
    line = raw.count(b"\n", 0, exc.start) + 1
    return (
        f"{path}: not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}, byte offset {exc.start}); "
        "save the file as UTF-8 (if it came from Excel or an old system it may be Windows-1257)"
    )


def read_bytes(path: str | Path, on_bytes: ProgressCallback | None) -> bytes:
    """The whole file, reporting its bytes to ``on_bytes`` as they are read; FileProblem when
    it cannot be read."""
    try:
        with open_counted(path, on_bytes) as fh:
            return fh.read()
    except OSError as exc:
        raise FileProblem(cannot_read(path, exc)) from None


def cannot_read(path: str | Path, exc: OSError) -> str:
    """The message for a file the system will not open or read."""
    return f"{path}: cannot read the file: {exc.strerror or exc}"
