"""Read CSV files as people really write them into :class:`Record`\\s.

Why: points come from banks, shops and municipalities as spreadsheet exports
with their own headers, their own delimiter and whatever encoding the office
PC used.  Such a file must import as it is, with ``--map`` at most, and the
Latvian names in it must come out intact.  This reader only decodes, splits,
maps columns to the canonical names of :mod:`locator.importers.records` and normalises
text; it never judges values (``locator.importers.validator`` does that).

What is accepted, by concern:

- :mod:`.csv_encoding`: UTF-8 with or without a byte order mark, Windows-1257 or
  ISO-8859-13, detected from the bytes unless ``--encoding`` names one;
- :mod:`.csv_dialect`: line ends, the delimiter (``,`` ``;`` tab, sniffed unless given),
  quoting, typographic quotes around a value, decimal commas in the numeric fields;
- :mod:`.csv_header`: the header, matched to canonical fields by ``--map FIELD=COLUMN``,
  canonical names and Latvian or English aliases; unknown, duplicate and missing columns;
- :mod:`.csv_rows`: the rows, split lazily, as records or columns.

The whole file is read and decoded once, up front: :func:`read_csv` raises
:class:`FileProblem` when called for the file as a whole (bytes, encoding, header, columns,
no rows).  The rows are split from the text as they are asked for.
"""

from __future__ import annotations

import csv

from ..records import FileProblem, ProgressCallback
from ..table import Table
from .common import read_bytes
from .csv_dialect import Lines, choose_delimiter
from .csv_encoding import decode
from .csv_header import match_header, read_header
from .csv_rows import Rows, column_values, record


def read_csv(
    path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    on_bytes: ProgressCallback | None = None,
    flags: frozenset[str] = frozenset(),
) -> Table:
    """The rows of the CSV file ``path``: a :class:`Table` that iterates as records with
    canonical fields, and also gives them as columns (see :mod:`locator.importers.table`).

    ``mapping`` is canonical field -> the file's column (from
    :func:`records.parse_mapping`); ``encoding`` and ``delimiter`` are detected
    when None; ``on_bytes(n)`` is called as bytes are read; ``flags`` names the fields a
    command-line flag sets (``{"kind"}`` for ``--kind``), never guessed from an alias.  Raises
    :class:`FileProblem` at once when the file as a whole cannot be read.
    """
    text = decode(path, read_bytes(path, on_bytes), encoding)
    lines = Lines(text)
    reader = csv.reader(lines, delimiter=choose_delimiter(path, delimiter, text))
    names, header_line = read_header(path, reader, lines)
    header = match_header(path, names, mapping or {}, flags)
    columns = header.columns
    split = Rows(path, reader, lines)
    if not split.until(1):
        raise FileProblem(f"{path}: the file has a header (line {header_line}) but no rows")
    rows, starts = split.rows, split.starts
    file, width = str(path), len(names)
    return Table(
        file,
        record=lambda i: record(file, starts[i], rows[i], columns, width),
        where=lambda i: f"{file}:{starts[i]}",
        columns=lambda a, b: column_values(rows[a:b], columns, width),
        scan=split.until,
        # at least one physical line per row
        most=text.count("\n") + text.count("\r") - text.count("\r\n") + 1,
        guessed=header.guessed,
        notes=header.notes(),
    )
