"""How a CSV file's text splits into lines, cells and values: line ends, the delimiter,
quoting, and the decimal comma.

*Lines* end at ``\\n``, ``\\r\\n`` or ``\\r`` and nowhere else (not at form feeds, U+2028 and
the like, which a spreadsheet may leave inside a value).

*Delimiter* (``delimiter=None``) is one of ``,`` ``;`` tab.
:class:`csv.Sniffer`, restricted to those three, looks at the first 64 KiB
(cut at a line end).  Its answer is checked against the header line: kept if
it occurs there outside double quotes (or none of the three does), otherwise
dropped.  When the sniffer cannot tell (it gives up, for one, on Excel's
padding ``;;;`` at the ends of rows) or is dropped, the candidate occurring
most often in the header line outside double quotes wins; a tie goes to the
first of ``,`` ``;`` tab.  ``delimiter`` may also be given as ``tab`` or
``\\t``.

*Quoting* is standard CSV: ASCII double quotes around a field, ``""`` inside
for one quote, delimiters and line breaks allowed inside.  Quotes inside an
unquoted field stay as they are (``SIA "Mego"``).  Typographic quotes are not
CSV quotes (they do not protect a delimiter), but one pair wrapping a whole
value -- ``„…“`` ``„…”`` ``“…”`` ``”…”`` ``«…»`` ``»…«`` -- is removed when the
text inside contains no typographic quote: ``„Swedbank“`` -> ``Swedbank``,
while ``SIA „Mego“`` and ``„A“ un „B“`` stay verbatim.  A ``"`` opened and
never closed (it would swallow the rest of the file) is a :class:`FileProblem`.

*Values* are NFC-normalised, stripped of surrounding whitespace, unwrapped
from typographic quotes as above; empty -> ``None`` (:func:`clean`).  In the numeric fields
(``lat``, ``lon``, ``fee_*``) a decimal comma is made a point when the whole
value is ``[+-]digits,digits`` ("56,9496" -> "56.9496", "0,50" -> "0.50");
nothing else is converted or checked.
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Iterator

from ..records import FIELDS, FileProblem
from ..table import join

DELIMITERS = (",", ";", "\t")
NUMERIC_FIELDS = frozenset(f for f in FIELDS if f in ("lat", "lon") or f.startswith("fee_"))
TYPOGRAPHIC_PAIRS = (("„", "“"), ("„", "”"), ("“", "”"), ("”", "”"), ("«", "»"), ("»", "«"))
TYPOGRAPHIC_QUOTES = frozenset("„“”«»")
OPENERS = frozenset(opening for opening, _ in TYPOGRAPHIC_PAIRS)

_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_SNIFF_CHARS = 1 << 16
_OTHER_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


# -- lines ------------------------------------------------------------------------------


def physical_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends: ``\\n``, ``\\r\\n`` or ``\\r``, nothing else.

    (``str.splitlines`` would also split at form feeds, U+2028 and such, and
    ``io.StringIO`` would copy the whole text.)
    """
    return (match.group() for match in _LINE.finditer(text))


class Lines:
    """The physical lines of ``text``, noting when they run out (``exhausted``).

    ``str.splitlines`` splits in C, but also at the characters of ``_OTHER_BREAKS``; for a
    text without any of them its lines are exactly the physical lines.  The csv reader iterates
    the C-level chain directly; only its end runs Python, to set ``exhausted``.
    """

    def __init__(self, text: str):
        self.exhausted = False
        plain = not any(mark in text for mark in _OTHER_BREAKS)
        lines = text.splitlines(keepends=True) if plain else physical_lines(text)
        self._lines = itertools.chain(lines, self._end())

    def _end(self) -> Iterator[str]:
        self.exhausted = True
        return
        yield  # a generator that ends at once, having noted the end

    def __iter__(self):
        return self._lines

    def __next__(self) -> str:
        return next(self._lines)


def unclosed_quote(path, line: int) -> FileProblem:
    """The problem of a ``"`` opened on ``line`` that the csv reader found closed nowhere."""
    return FileProblem(
        f'{path}:{line}: a " opened in this row is never closed and runs to '
        'the end of the file; close it, or double it ("") if it is part of a value'
    )


# -- delimiter --------------------------------------------------------------------------


def choose_delimiter(path, given: str | None, text: str) -> str:
    """The delimiter ``given`` (checked), else the one detected in ``text`` as the module
    docstring says."""
    if given is not None:
        given = "\t" if given in ("tab", "\\t") else given
        if len(given) != 1:
            raise FileProblem(f"{path}: delimiter {given!r} is not one character; use e.g. ';' or tab")
        return given
    header = next((line for line in physical_lines(text) if line.strip()), "")
    counts = _count_outside_quotes(header)
    sniffed = _sniff(text[:_SNIFF_CHARS])
    if sniffed and (counts[sniffed] or not any(counts.values())):
        return sniffed
    return max(DELIMITERS, key=lambda d: counts[d])  # max() keeps the first of a tie


def _count_outside_quotes(line: str) -> dict[str, int]:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return counts


def _sniff(text: str) -> str | None:
    """csv.Sniffer's delimiter among DELIMITERS for the start of ``text``, or None."""
    sample = text if len(text) < _SNIFF_CHARS else text[: max(text.rfind("\n"), 1)]
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return None


# -- values -----------------------------------------------------------------------------


def clean(value: str | None) -> str | None:
    """NFC, stripped, unwrapped from typographic quotes around the whole value; empty -> None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value).strip()
    return _unquote_typographic(text).strip() or None


def _unquote_typographic(text: str) -> str:
    if not text or text[0] not in OPENERS:  # nearly every cell: no pair to look for
        return text
    for opening, closing in TYPOGRAPHIC_PAIRS:
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[1:-1]
            return text if TYPOGRAPHIC_QUOTES.intersection(inner) else inner
    return text


def decimal_point(value: str | None) -> str | None:
    """``value`` with its decimal comma made a point when it is ``[+-]digits,digits``."""
    if value is not None and _DECIMAL_COMMA.fullmatch(value):
        return value.replace(",", ".")
    return value


def decimal_points(column: list[str | None]) -> list[str | None]:
    """:func:`decimal_point` of every value (the column itself when it has no comma)."""
    if "," in join(filter(None, column)):
        return [decimal_point(value) for value in column]
    return column
