"""Read CSV files as people really write them into :class:`Record`\\s.

Why: points come from banks, shops and municipalities as spreadsheet exports
with their own headers, their own delimiter and whatever encoding the office
PC used.  Such a file must import as it is, with ``--map`` at most, and the
Latvian names in it must come out intact.  This reader only decodes, splits,
maps columns to the canonical names of :mod:`importers.records` and normalises
text; it never judges values (``importers.validate`` does that).

What is accepted
----------------
*Header.*  The first non-blank line is the header.  A column is matched to a
canonical field (``records.FIELDS``), in this order:

1. ``--map FIELD=COLUMN`` (``mapping``) always wins;
2. a header that *is* a canonical name, e.g. ``lat``;
3. a common Latvian or English alias (:data:`ALIASES`):

   =====================================  ===============
   header                                 field
   =====================================  ===============
   id                                     source_ref
   nosaukums                              name
   adrese                                 address
   platums, latitude                      lat
   garums, longitude, lng, long           lon
   veids                                  kind
   zīmols (zimols)                        brand
   operators                              operator
   darba_laiks                            opening_hours
   pašvaldība (pasvaldiba), novads        municipality
   =====================================  ===============

Headers are compared NFC-normalised, case-insensitively, with surrounding
spaces ignored and inner spaces or hyphens read as ``_`` (so ``Darba laiks``
is ``darba_laiks``).  A column claimed by ``--map`` is not matched again; a
canonical header beats an alias for the same field; two alias columns for one
field (``novads`` and ``pašvaldība``) are a :class:`FileProblem` that asks for
``--map``.  Other columns are ignored.  A ``--map`` column the header lacks,
a header named twice, a header of which no column matches, an empty file or a
file without rows is a :class:`FileProblem`.

*Encoding* (``encoding=None``) is detected from the bytes:

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

A given ``encoding`` is used as is (any Python codec name: ``cp1257``,
``windows-1257``, ``iso-8859-13``, ``utf-8``...); a leading byte order mark is
dropped whatever the encoding.

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
from typographic quotes as above; empty -> ``None``.  In the numeric fields
(``lat``, ``lon``, ``fee_*``) a decimal comma is made a point when the whole
value is ``[+-]digits,digits`` ("56,9496" -> "56.9496", "0,50" -> "0.50");
nothing else is converted or checked.

*Rows.*  ``Record.line`` is the physical line a row starts on (the header's
line is 1 in a file without leading blank lines), right also after quoted
fields with line breaks.  Rows whose cells are all blank are skipped.  A row
with fewer cells than the header gets ``None`` for the missing ones; one with
extra non-blank cells has them ignored; both leave a note in
``Record.notes``.

The whole file is read and decoded once, up front: :func:`read_csv` raises
:class:`FileProblem` when called for the file as a whole (bytes, encoding, header, columns,
no rows).  The rows are split from the text as they are asked for (see
:class:`importers.table.Table`), so that an import validates and writes the first rows
while the rest is still text; a row that cannot be split (an unclosed ``"``) is a
:class:`FileProblem` when the split reaches it, and the import that asked for it fails and
writes nothing.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter

from .records import FIELDS, FileProblem, ProgressCallback, Record, open_counted
from .table import Columns, Table, is_clean, join, none_for_empty, single_spaced_only, stripped

ALIASES: dict[str, str] = {
    "id": "source_ref",
    "nosaukums": "name",
    "adrese": "address",
    "platums": "lat",
    "latitude": "lat",
    "garums": "lon",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "veids": "kind",
    "zīmols": "brand",
    "zimols": "brand",
    "operators": "operator",
    "darba_laiks": "opening_hours",
    "pašvaldība": "municipality",
    "pasvaldiba": "municipality",
    "novads": "municipality",
}

DELIMITERS = (",", ";", "\t")
EIGHT_BIT = ("cp1257", "iso-8859-13")  # in order of preference
NUMERIC_FIELDS = frozenset(f for f in FIELDS if f in ("lat", "lon") or f.startswith("fee_"))
TYPOGRAPHIC_PAIRS = (("„", "“"), ("„", "”"), ("“", "”"), ("”", "”"), ("«", "»"), ("»", "«"))
TYPOGRAPHIC_QUOTES = frozenset("„“”«»")

_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_C1 = re.compile("[\u0080-\u009f]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_SNIFF_CHARS = 1 << 16


def read_csv(
    path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    on_bytes: ProgressCallback | None = None,
) -> Table:
    """The rows of the CSV file ``path``: a :class:`Table` that iterates as records with
    canonical fields, and also gives them as columns (see :mod:`importers.table`).

    ``mapping`` is canonical field -> the file's column (from
    :func:`records.parse_mapping`); ``encoding`` and ``delimiter`` are detected
    when None; ``on_bytes(n)`` is called as bytes are read.  Raises
    :class:`FileProblem` at once when the file as a whole cannot be read.
    """
    text = _decode(path, _read_bytes(path, on_bytes), encoding)
    lines = _Lines(text)
    delim = _delimiter(path, delimiter, text)
    reader = csv.reader(lines, delimiter=delim)
    header, header_line = _header(path, reader, lines)
    columns = _columns(path, header, mapping or {})
    split = _Rows(path, reader, lines)
    if not split.until(1):
        raise FileProblem(f"{path}: the file has a header (line {header_line}) but no rows")
    rows, starts = split.rows, split.starts
    file, width = str(path), len(header)
    return Table(
        file,
        record=lambda i: _record(file, starts[i], rows[i], columns, width),
        where=lambda i: f"{file}:{starts[i]}",
        columns=lambda a, b: _column_values(rows[a:b], columns, width),
        scan=split.until,
        # at least one physical line per row
        most=text.count("\n") + text.count("\r") - text.count("\r\n") + 1,
    )


# -- bytes and encodings -------------------------------------------------------


def _read_bytes(path, on_bytes: ProgressCallback | None) -> bytes:
    try:
        with open_counted(path, on_bytes) as fh:
            return fh.read()
    except OSError as exc:
        raise FileProblem(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def _decode(path, data: bytes, encoding: str | None) -> str:
    text = _decode_given(path, data, encoding) if encoding else _decode_detected(path, data)
    return text[1:] if text.startswith("\ufeff") else text


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


def detect_encoding(data: bytes) -> str | None:
    """The encoding ``data`` is in by the rules of the module docstring, or None."""
    found = _detect(data)
    return found[0] if found else None


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
    line = sum(1 for _ in _physical_lines(before)) or 1
    if before.endswith(("\n", "\r")):
        line += 1
    return f"byte 0x{data[offset]:02X} at line {line}"


def _same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


# -- lines, delimiter, header ----------------------------------------------------


def _physical_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends: ``\\n``, ``\\r\\n`` or ``\\r``, nothing else.

    (``str.splitlines`` would also split at form feeds, U+2028 and such, and
    ``io.StringIO`` would copy the whole text.)
    """
    return (match.group() for match in _LINE.finditer(text))


_OTHER_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


class _Lines:
    """The physical lines of ``text``, noting when they run out (``exhausted``).

    ``str.splitlines`` splits in C, but also at the characters of ``_OTHER_BREAKS``; for a
    text without any of them its lines are exactly the physical lines.  The csv reader iterates
    the C-level chain directly; only its end runs Python, to set ``exhausted``.
    """

    def __init__(self, text: str):
        self.exhausted = False
        plain = not any(mark in text for mark in _OTHER_BREAKS)
        lines = text.splitlines(keepends=True) if plain else _physical_lines(text)
        self._lines = itertools.chain(lines, self._end())

    def _end(self) -> Iterator[str]:
        self.exhausted = True
        return
        yield  # a generator that ends at once, having noted the end

    def __iter__(self):
        return self._lines

    def __next__(self) -> str:
        return next(self._lines)


def _delimiter(path, given: str | None, text: str) -> str:
    if given is not None:
        given = "\t" if given in ("tab", "\\t") else given
        if len(given) != 1:
            raise FileProblem(f"{path}: delimiter {given!r} is not one character; use e.g. ';' or tab")
        return given
    header = next((line for line in _physical_lines(text) if line.strip()), "")
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


def _next_row(path, reader, lines: _Lines) -> tuple[int, list[str]] | None:
    """The next row with a non-blank cell and the line it starts on, or None at the end."""
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise FileProblem(f"{path}:{start}: cannot split the row: {exc}") from None
        if lines.exhausted:
            raise FileProblem(
                f'{path}:{start}: a " opened in this row is never closed and runs to '
                'the end of the file; close it, or double it ("") if it is part of a value'
            )
        if any(cell.strip() for cell in cells):
            return start, cells


def _header(path, reader, lines: _Lines) -> tuple[list[str], int]:
    row = _next_row(path, reader, lines)
    if row is None:
        raise FileProblem(
            f"{path}: the file is empty; expected a header line such as source_ref,kind,name,lat,lon and rows under it"
        )
    line, cells = row
    header = [clean(cell) or "" for cell in cells]
    seen: dict[str, int] = {}
    for number, name in enumerate(header, 1):
        if not name:
            continue
        if _key(name) in seen:
            raise FileProblem(
                f"{path}:{line}: the header has the column {name!r} twice "
                f"(columns {seen[_key(name)]} and {number}); rename one"
            )
        seen[_key(name)] = number
    return header, line


# -- columns -> fields -------------------------------------------------------------


def _key(name: str) -> str:
    """A header name as compared: NFC, case-folded, spaces and hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFC", name).strip().casefold())


def _columns(path, header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Canonical field -> column index, by ``--map``, canonical names, then aliases."""
    index = {_key(name): i for i, name in enumerate(header) if name}
    listed = ", ".join(name for name in header if name)
    columns: dict[str, int] = {}
    for field, column in mapping.items():
        if _key(column) not in index:
            raise FileProblem(
                f"{path}: column {column!r} (from --map {field}={column}) is not in the "
                f"header; the header has: {listed}"
            )
        columns[field] = index[_key(column)]
    claimed = set(columns.values())
    free = {key: i for key, i in index.items() if i not in claimed}
    for key, i in free.items():
        if key in FIELDS and key not in columns:
            columns[key] = i
    by_alias: dict[str, list[int]] = {}
    for key, i in free.items():
        field = ALIASES.get(key)
        if field and field not in columns:
            by_alias.setdefault(field, []).append(i)
    for field, found in by_alias.items():
        if len(found) > 1:
            names = " and ".join(repr(header[i]) for i in found)
            raise FileProblem(f"{path}: columns {names} could both be {field}; choose one with --map {field}=COLUMN")
        columns[field] = found[0]
    if not columns:
        raise FileProblem(
            f"{path}: no column of the header is a known field; the header has: "
            f"{listed}; name the columns with --map FIELD=COLUMN, e.g. --map name=banka"
        )
    return columns


# -- rows -> records ---------------------------------------------------------------


class _Rows:
    """The rows after the header, split as far as they are asked for (:meth:`until`): an
    import starts validating and writing the first rows while the rest is still text.  A row
    that cannot be split is a :class:`FileProblem` when the split reaches it."""

    def __init__(self, path, reader, lines: _Lines):
        self.path, self.reader, self.lines = path, reader, lines
        self.rows: list[list[str]] = []  # every row with a non-blank cell, so far
        self.starts: list[int] = []  # the line each one starts on
        self.done = False

    def until(self, count: float) -> int:
        """Split until ``count`` rows are known or the file ends; how many are known."""
        rows, starts, reader, lines = self.rows, self.starts, self.reader, self.lines
        previous = reader.line_num
        try:
            while len(rows) < count and not self.done:
                for cells in itertools.islice(reader, max(int(min(count, 1e12)) - len(rows), 1)):
                    if lines.exhausted:
                        raise FileProblem(
                            f'{self.path}:{previous + 1}: a " opened in this row is never closed and runs '
                            'to the end of the file; close it, or double it ("") if it is part of a value'
                        )
                    if "".join(cells).strip():  # some cell is not blank
                        rows.append(cells)
                        starts.append(previous + 1)
                    previous = reader.line_num
                else:
                    self.done = lines.exhausted
        except csv.Error as exc:
            raise FileProblem(f"{self.path}:{previous + 1}: cannot split the row: {exc}") from None
        return len(rows)


def _record(file: str, line: int, cells: list[str], columns: dict[str, int], width: int) -> Record:
    fields = {}
    for field, i in columns.items():
        value = clean(cells[i]) if i < len(cells) else None
        fields[field] = _decimal_point(value) if field in NUMERIC_FIELDS else value
    return Record(file=file, line=line, fields=fields, notes=_shape_notes(cells, width))


@dataclass(frozen=True)
class _TextFacts:
    """What holds for every cell because it holds for all the cells of a chunk joined (three
    scans of one text instead of three per column)."""

    nfc: bool  # the text is NFC, so is every cell
    no_openers: bool  # no typographic opening quote anywhere
    no_double_space: bool  # no "  " anywhere

    @classmethod
    def of(cls, text: str) -> _TextFacts:
        return cls(unicodedata.is_normalized("NFC", text), not any(q in text for q in _OPENERS), "  " not in text)


def _column_values(rows: list[list[str]], columns: dict[str, int], width: int) -> Columns:
    """The fields of every row as columns, each cleaned as :func:`clean` would clean its cells;
    a row of another width than the header is suspect (its record carries a note)."""
    facts = _TextFacts.of(join(itertools.chain.from_iterable(rows)))
    suspect = [len(cells) != width for cells in rows]
    if any(suspect):
        rows = [cells if len(cells) == width else (cells + [""] * width)[:width] for cells in rows]
    values, plain = {}, set()
    for field, i in columns.items():
        column, is_plain = _clean_column(list(map(itemgetter(i), rows)), facts)
        values[field] = _decimal_points(column) if field in NUMERIC_FIELDS else column
        if is_plain and field not in NUMERIC_FIELDS:
            plain.add(field)
    return Columns(values, suspect, frozenset(plain))


def _clean_column(cells: list[str], facts: _TextFacts) -> tuple[list[str | None], bool]:
    """:func:`clean` of every cell, and whether the result is plain (see ``Columns.plain``)."""
    if facts.nfc and facts.no_openers and stripped(cells):
        # clean() would change nothing but "" -> None
        return none_for_empty(cells), facts.no_double_space and all(map(str.isprintable, cells))
    text = join(cells)
    if is_clean(cells, joined=text) and not (
        any(q in text for q in _OPENERS) and _OPENERS.intersection({cell[:1] for cell in cells})
    ):
        # clean() would change nothing but "" -> None
        return none_for_empty(cells), single_spaced_only(cells, text)
    return [clean(cell) for cell in cells], False


def _decimal_points(column: list[str | None]) -> list[str | None]:
    if "," in join(filter(None, column)):
        return [_decimal_point(value) for value in column]
    return column


def _shape_notes(cells: list[str], width: int) -> list[str]:
    if len(cells) < width:
        return [f"csv: the row has {len(cells)} cells, the header {width}; the missing ones are empty"]
    extra = [cell for cell in cells[width:] if cell.strip()]
    if extra:
        return [
            f"csv: the row has {len(cells)} cells, the header {width}; "
            f"ignored the extra {', '.join(repr(cell) for cell in extra)}"
        ]
    return []


def clean(value: str | None) -> str | None:
    """NFC, stripped, unwrapped from typographic quotes around the whole value; empty -> None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value).strip()
    return _unquote_typographic(text).strip() or None


_OPENERS = frozenset(opening for opening, _ in TYPOGRAPHIC_PAIRS)


def _unquote_typographic(text: str) -> str:
    if not text or text[0] not in _OPENERS:  # nearly every cell: no pair to look for
        return text
    for opening, closing in TYPOGRAPHIC_PAIRS:
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing):
            inner = text[1:-1]
            return text if TYPOGRAPHIC_QUOTES.intersection(inner) else inner
    return text


def _decimal_point(value: str | None) -> str | None:
    if value is not None and _DECIMAL_COMMA.fullmatch(value):
        return value.replace(",", ".")
    return value
