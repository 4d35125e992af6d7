"""A CSV file's header, and which of its columns holds which canonical field.

Points come with the bank's or the municipality's own headers; such a file must import as it
is, with ``--map`` at most, and a header that cannot be read one way must be refused, naming
the columns, rather than guessed.

The first non-blank line is the header.  A column is matched to a
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

A field that a command-line flag sets for every row (``--kind``: ``flags``) is never guessed
from an alias: the flag wins, and ``veids`` (which banks also use for the *type of ATM*,
``COM``...) is then left unused.  Each column taken by an alias is reported in
:attr:`Header.guessed`, so that every message about it can name the column (``kind from
column 'veids'``), and :meth:`Header.notes` says which column a flag overrode.

Headers are compared NFC-normalised, case-insensitively, with surrounding
spaces ignored and inner spaces or hyphens read as ``_`` (so ``Darba laiks``
is ``darba_laiks``).  A column claimed by ``--map`` is not matched again; a
canonical header beats an alias for the same field; two alias columns for one
field (``novads`` and ``pašvaldība``) are a :class:`FileProblem` that asks for
``--map``.  Other columns are ignored.  A ``--map`` column the header lacks,
a header named twice, a header of which no column matches, or an empty file
is a :class:`FileProblem`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field

from ..records import FIELDS, FileProblem
from .csv_dialect import Lines, clean, unclosed_quote

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


def read_header(path, reader, lines: Lines) -> tuple[list[str], int]:
    """The header's cleaned names (``""`` for a blank one) and the line it is on."""
    row = _next_row(path, reader, lines)
    if row is None:
        raise FileProblem(
            f"{path}: the file is empty; expected a header line such as source_ref,kind,name,lat,lon and rows under it"
        )
    line, cells = row
    names = [clean(cell) or "" for cell in cells]
    seen: dict[str, int] = {}
    for number, name in enumerate(names, 1):
        if not name:
            continue
        if _key(name) in seen:
            raise FileProblem(
                f"{path}:{line}: the header has the column {name!r} twice "
                f"(columns {seen[_key(name)]} and {number}); rename one"
            )
        seen[_key(name)] = number
    return names, line


def _next_row(path, reader, lines: Lines) -> tuple[int, list[str]] | None:
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
            raise unclosed_quote(path, start)
        if any(cell.strip() for cell in cells):
            return start, cells


def _key(name: str) -> str:
    """A header name as compared: NFC, case-folded, spaces and hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFC", name).strip().casefold())


@dataclass(frozen=True)
class Header:
    """How a header's columns became fields: ``columns`` (field -> column index), ``guessed``
    (field -> the column an alias gave it) and ``overridden`` (field -> the alias column a flag
    overrode)."""

    columns: dict[str, int]
    guessed: dict[str, str] = field(default_factory=dict)
    overridden: dict[str, str] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """One line per field a flag took from a column that looked like it, for the import's
        output (a guess that is used shows in every reason about it instead)."""
        return [f"{name} from --{name}, not from column {column!r}" for name, column in self.overridden.items()]


def match_header(path, names: list[str], mapping: dict[str, str], flags: frozenset[str] = frozenset()) -> Header:
    """:func:`match_columns`, with what was guessed from an alias and what a flag in ``flags`` overrode."""
    guessed: dict[str, str] = {}
    overridden: dict[str, str] = {}
    columns = match_columns(path, names, mapping, flags, guessed=guessed, overridden=overridden)
    return Header(columns, guessed, overridden)


def match_columns(
    path,
    names: list[str],
    mapping: dict[str, str],
    flags: frozenset[str] = frozenset(),
    *,
    guessed: dict[str, str] | None = None,
    overridden: dict[str, str] | None = None,
) -> dict[str, int]:
    """Canonical field -> column index, by ``--map``, canonical names, then aliases (but not
    for the fields in ``flags``, which a command-line flag sets); the alias matches are added
    to ``guessed`` and the aliases a flag overrode to ``overridden`` (field -> header)."""
    index = {_key(name): i for i, name in enumerate(names) if name}
    listed = ", ".join(name for name in names if name)
    found: dict[str, int] = {}
    for name, column in mapping.items():
        if _key(column) not in index:
            raise FileProblem(
                f"{path}: column {column!r} (from --map {name}={column}) is not in the header; the header has: {listed}"
            )
        found[name] = index[_key(column)]
    claimed = set(found.values())
    free = {key: i for key, i in index.items() if i not in claimed}
    for key, i in free.items():
        if key in FIELDS and key not in found:
            found[key] = i
    by_alias: dict[str, list[int]] = {}
    for key, i in free.items():
        name = ALIASES.get(key)
        if name and name in flags and name not in found:
            if overridden is not None:
                overridden.setdefault(name, names[i])
        elif name and name not in found:
            by_alias.setdefault(name, []).append(i)
    for name, candidates in by_alias.items():
        if len(candidates) > 1:
            both = " and ".join(repr(names[i]) for i in candidates)
            raise FileProblem(f"{path}: columns {both} could both be {name}; choose one with --map {name}=COLUMN")
        found[name] = candidates[0]
        if guessed is not None:
            guessed[name] = names[candidates[0]]
    if not found:
        raise FileProblem(
            f"{path}: no column of the header is a known field; the header has: "
            f"{listed}; name the columns with --map FIELD=COLUMN, e.g. --map name=banka"
        )
    return found
