"""A CSV file's rows after the header: split as the import asks for them, and turned into
records or columns of canonical fields.

The rows are split from the decoded text only as far as they are asked for (see
:class:`locator.importers.table.Table`), so that an import validates and writes the first rows while
the rest is still text; a row that cannot be split (an unclosed ``"``) is a
:class:`FileProblem` when the split reaches it, and the import that asked for it fails and
writes nothing.

``Record.line`` is the physical line a row starts on (the header's
line is 1 in a file without leading blank lines), right also after quoted
fields with line breaks.  Rows whose cells are all blank are skipped.  A row
with fewer cells than the header gets ``None`` for the missing ones; one with
extra non-blank cells has them ignored; both leave a note in
``Record.notes``.  Values are cleaned as :mod:`.csv_dialect` says.
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
from dataclasses import dataclass
from operator import itemgetter

from ..records import FileProblem, Record
from ..table import Columns, is_clean, join, none_for_empty, single_spaced_only, stripped
from .csv_dialect import NUMERIC_FIELDS, OPENERS, Lines, clean, decimal_point, decimal_points, unclosed_quote


class Rows:
    """The rows after the header, split as far as they are asked for (:meth:`until`): an
    import starts validating and writing the first rows while the rest is still text.  A row
    that cannot be split is a :class:`FileProblem` when the split reaches it."""

    def __init__(self, path, reader, lines: Lines):
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
                        raise unclosed_quote(self.path, previous + 1)
                    if "".join(cells).strip():  # some cell is not blank
                        rows.append(cells)
                        starts.append(previous + 1)
                    previous = reader.line_num
                else:
                    self.done = lines.exhausted
        except csv.Error as exc:
            raise FileProblem(f"{self.path}:{previous + 1}: cannot split the row: {exc}") from None
        return len(rows)


def record(file: str, line: int, cells: list[str], columns: dict[str, int], width: int) -> Record:
    """The record of one row of ``width`` header columns, starting on ``line``."""
    fields = {}
    for field, i in columns.items():
        value = clean(cells[i]) if i < len(cells) else None
        fields[field] = decimal_point(value) if field in NUMERIC_FIELDS else value
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
        return cls(unicodedata.is_normalized("NFC", text), not any(q in text for q in OPENERS), "  " not in text)


def column_values(rows: list[list[str]], columns: dict[str, int], width: int) -> Columns:
    """The fields of every row as columns, each cleaned as :func:`clean` would clean its cells;
    a row of another width than the header is suspect (its record carries a note)."""
    facts = _TextFacts.of(join(itertools.chain.from_iterable(rows)))
    suspect = [len(cells) != width for cells in rows]
    if any(suspect):
        rows = [cells if len(cells) == width else (cells + [""] * width)[:width] for cells in rows]
    values, plain = {}, set()
    for field, i in columns.items():
        column, is_plain = _clean_column(list(map(itemgetter(i), rows)), facts)
        values[field] = decimal_points(column) if field in NUMERIC_FIELDS else column
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
        any(q in text for q in OPENERS) and OPENERS.intersection({cell[:1] for cell in cells})
    ):
        # clean() would change nothing but "" -> None
        return none_for_empty(cells), single_spaced_only(cells, text)
    return [clean(cell) for cell in cells], False


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
