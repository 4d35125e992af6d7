"""A file read whole: its records one by one, and the same values as columns.

Why two views: a data manager's file is usually clean, and for a clean 100k-row file the
per-record path (a :class:`Record` and a dict per row, every value cleaned and checked by
its own Python call) costs more than writing the rows.  So the CSV and GeoJSON readers
return a :class:`Table`.  Iterating it yields exactly the records the reader always yielded
(the tests of each reader pin them down); :meth:`Table.columns` gives the values that those
records would hold, one list per canonical field, for ``locator.importers.validator`` to check whole
columns at once.

A reader marks a row *suspect* when its column values cannot be vouched for without the
per-record code (a CSV row of the wrong width, a GeoJSON feature that is not a plain
Point, ...).  The validator takes a suspect row's values from its record (``Table.record(i)``)
and runs the same rules over them: every rejection is worded by ``locator.importers.rules``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .records import Record


@dataclass
class Columns:
    """``values[field][i]``: what ``record(i).fields.get(field)`` holds, for rows not ``suspect``.

    ``plain`` names the fields whose values are all None or text that ``rows.nfc`` leaves as
    it is (NFC, no whitespace but single inner spaces), as the reader found while cleaning.
    """

    values: dict[str, list[Any]]
    suspect: list[bool]
    plain: frozenset[str] = frozenset()


class Table:
    """The rows of one file: iterable as records, and readable as :class:`Columns`, whole or
    in consecutive chunks (:meth:`chunks`).

    A reader that splits its rows lazily gives ``scan(k)`` (split until k rows are known;
    returns how many are) and ``most`` (an upper bound of the rows) instead of ``n``;
    :attr:`n` then splits the whole file, :meth:`chunks` only as far as it goes.
    """

    def __init__(
        self,
        file: str,
        *,
        record: Callable[[int], Record],
        where: Callable[[int], str],
        columns: Callable[[int, int], Columns],
        n: int | None = None,
        scan: Callable[[float], int] | None = None,
        most: int | None = None,
        start: int = 0,
        guessed: dict[str, str] | None = None,
        notes: list[str] | None = None,
    ):
        self.file = file
        self.guessed = guessed or {}  # field -> the column it was guessed from (a header alias)
        self.notes = notes or []  # what the reader guessed, for the import's output
        self.start = start  # the first row's index in the whole file (0 unless a chunk)
        self.record = record  # i -> the Record the reader yields for row i
        self.where = where  # i -> "FILE:LINE" or "FILE: feature N", as Record.where()
        self._columns_of = columns  # (first, end) -> the Columns of those rows
        self._columns: Columns | None = None
        self._n = n
        self._scan = scan if scan is not None else (lambda k: min(k, n))
        self.most = n if n is not None else most  # no more rows than this

    @property
    def n(self) -> int:
        if self._n is None:
            self._n = self._scan(math.inf)
            self.most = self._n
        return self._n

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[Record]:
        return (self.record(i) for i in range(self.n))

    def columns(self) -> Columns:
        if self._columns is None:
            self._columns = self._columns_of(0, self.n)
        return self._columns

    def chunks(self, size: int, *, first_size: int | None = None) -> Iterator[Table]:
        """The rows in consecutive tables of ``size`` rows (the first of ``first_size``, the
        last one shorter), split from the file as they are asked for."""
        first, want = 0, first_size or size
        while True:
            end = self._scan(first + want)
            if end <= first:
                return
            yield self._slice(first, end)
            first, want = end, size

    def _slice(self, first: int, end: int) -> Table:
        return Table(
            self.file,
            n=end - first,
            record=lambda i: self.record(first + i),
            where=lambda i: self.where(first + i),
            columns=lambda a, b: self._columns_of(first + a, first + b),
            start=self.start + first,
            guessed=self.guessed,
        )


def join(values) -> str:
    """The values joined with NUL: a starter that composes with nothing, so the join is NFC
    exactly when every value is, and not whitespace, so it strips nothing."""
    return "\x00".join(values)


def strings_of(column: list) -> list[str] | None:
    """The values of ``column`` that are not None, when every one of them is text; else None."""
    values = [value for value in column if value is not None] if None in column else column
    return values if set(map(type, values)) <= {str} else None


# -- testing a whole column at once ---------------------------------------------------
#
# Each test costs a few C-level passes over the column, against a Python call per value;
# only a column that fails it is cleaned value by value.


def is_clean(values: list[str], *, single_spaced: bool = False, joined: str | None = None) -> bool:
    """True when every value is NFC and has no surrounding whitespace (``str.strip`` would not
    change it); with ``single_spaced`` also no whitespace inside but single ASCII spaces
    (``rows.nfc`` would not change it)."""
    if not values:
        return True
    text = joined if joined is not None else join(values)
    if not unicodedata.is_normalized("NFC", text):
        return False
    if not stripped(values):
        return False
    return not single_spaced or single_spaced_only(values, text)


def stripped(values: list[str]) -> bool:
    """No value has whitespace around it (``str.strip`` would change none)."""
    return sum(map(len, map(str.strip, values))) == sum(map(len, values))


def single_spaced_only(values: list[str], joined: str) -> bool:
    """No value has whitespace inside but single ASCII spaces (``joined``: ``join(values)``)."""
    # Every whitespace character but " " is unprintable (categories Zs/Zl/Zp/Cc).
    return "  " not in joined and all(map(str.isprintable, values))


def none_for_empty(values: list) -> list:
    """The values with "" as None (the list itself when it has no "")."""
    return [value or None for value in values] if "" in values else values
