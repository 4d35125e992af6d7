"""Which encoding a CSV file is in, and its text.

Latvian offices export CSV in UTF-8 (with or without a byte order mark), in Windows-1257 or in
ISO-8859-13; a file must import as it is, its Latvian letters intact, or be refused with the
byte and line that give it away and the ``--encoding`` to try.

*Detected* (``encoding=None``) from the bytes:

1. a UTF-8 byte order mark -> ``utf-8-sig``; a UTF-16 one (Excel's "Unicode
   text") -> ``utf-16``;
2. bytes that are valid UTF-8 -> ``utf-8``;
3. otherwise Windows-1257 or ISO-8859-13.  Both put the Latvian letters at the
   same bytes and differ only in a few: 0x80-0x9F are typographic quotes and
   dashes in cp1257 but C1 control characters in ISO-8859-13, and cp1257
   leaves 0x81 0x83 0x88 0x8A 0x8C 0x90 0x98 0x9A 0x9C 0x9F 0xA1 0xA5
   undefined (0xA1 0xA5 are ” „ in ISO-8859-13).  A candidate is *clean* when
   it decodes with no undefined byte and no C1 control character.  The clean
   one is taken; when both are clean, cp1257 is preferred, except that a byte
   0xFF (’ in ISO-8859-13, the spacing dot-above ˙ that nobody types in cp1257)
   makes it ISO-8859-13.
4. none clean -> :class:`FileProblem` naming the byte and line and suggesting
   ``--encoding``.

A *given* ``encoding`` is used as is (any Python codec name: ``cp1257``,
``windows-1257``, ``iso-8859-13``, ``utf-8``...); a leading byte order mark is
dropped whatever the encoding.
"""

from __future__ import annotations

import codecs
import re

from ..records import FileProblem
from .csv_dialect import physical_lines

EIGHT_BIT = ("cp1257", "iso-8859-13")  # in order of preference

_C1 = re.compile("[\u0080-\u009f]")


def decode(path, data: bytes, encoding: str | None) -> str:
    """The text of ``data``, in ``encoding`` or the one detected, without a byte order mark."""
    text = _decode_given(path, data, encoding) if encoding else _decode_detected(path, data)
    return text[1:] if text.startswith("\ufeff") else text


def detect_encoding(data: bytes) -> str | None:
    """The encoding ``data`` is in by the rules of the module docstring, or None."""
    found = _detect(data)
    return found[0] if found else None


def _decode_given(path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:  # no such codec, or one that is not bytes -> text, e.g. rot13
        raise FileProblem(
            f"{path}: unknown encoding {encoding!r} (from --encoding); use e.g. --encoding utf-8, cp1257 or iso-8859-13"
        ) from None
    except UnicodeDecodeError as exc:
        where = _where(data, exc.start, encoding)
    suggestion = detect_encoding(data) or ("utf-8" if _same_codec(encoding, "cp1257") else "cp1257")
    raise FileProblem(
        f"{path}: cannot decode the file as {encoding} ({where}); try another --encoding, e.g. --encoding {suggestion}"
    )


def _decode_detected(path, data: bytes) -> str:
    found = _detect(data)
    if found is None:
        offset = _furthest_failure(data)
        raise FileProblem(
            f"{path}: cannot decode the file as UTF-8, Windows-1257 or ISO-8859-13 "
            f"({_where(data, offset, 'latin-1')}); give the encoding with --encoding, "
            "e.g. --encoding cp1257"
        )
    return found[1]


def _detect(data: bytes) -> tuple[str, str] | None:
    """(encoding, text) by the rules of the module docstring, decoding as few times as it can."""
    if data.startswith(codecs.BOM_UTF8):
        return _named(data, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _named(data, "utf-16")
    found = _named(data, "utf-8")
    if found is None:
        cp1257 = _named(data, "cp1257")
        if cp1257 is not None and b"\xff" not in data:
            return cp1257
        found = _named(data, "iso-8859-13") or cp1257
    return found


def _named(data: bytes, encoding: str) -> tuple[str, str] | None:
    """(encoding, text) when ``encoding`` decodes ``data`` cleanly, else None."""
    text, _ = _attempt(data, encoding)
    return None if text is None else (encoding, text)


def _attempt(data: bytes, encoding: str) -> tuple[str | None, int | None]:
    """(text, None) when ``encoding`` decodes ``data`` cleanly, else (None, offset of the
    first byte it cannot decode or, for the 8-bit candidates, decodes to a C1 control)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return None, exc.start
    c1 = _C1.search(text) if encoding in EIGHT_BIT else None
    if c1 is None:
        return text, None
    return None, len(text[: c1.start()].encode(encoding))


def _furthest_failure(data: bytes) -> int:
    """Where the candidate that got furthest stopped: the likeliest bad byte to show."""
    offsets = [_attempt(data, name)[1] for name in ("utf-8",) + EIGHT_BIT]
    return max(o for o in offsets if o is not None)


def _where(data: bytes, offset: int, encoding: str) -> str:
    before = data[:offset].decode(encoding, errors="replace")
    line = sum(1 for _ in physical_lines(before)) or 1
    if before.endswith(("\n", "\r")):
        line += 1
    return f"byte 0x{data[offset]:02X} at line {line}"


def _same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name
