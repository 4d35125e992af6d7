"""Validate rows a table at a time: each rule of ``locator.importers.rules`` over whole columns.

Why columns: a clean 100k-row file checked value by value took longer than writing it.  Here
the coordinates are parsed with one ``map(float, ...)``, "inside Latvia" is one vectorised
shapely test, the municipalities one STRtree query, the text is tested for NFC, stray
whitespace and unstorable characters once per column, and the fees are parsed once per
distinct value.  A list of records (the OSM reader's, the demo's, a single record) is turned
into the same columns first: every row goes through the same rules, worded in one place.

The outcome of a row is a :class:`~locator.importers.rows.PlaceRow`, the reason it is rejected (a
``str``), or :data:`~locator.importers.rules.CLIPPED`.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import repeat
from typing import Any

import numpy as np

from locator.domain.geography import municipalities_of

from .batch import Batch
from .options import Rules
from .records import FIELDS, Record
from .rows import PlaceRow, RowRejected
from .rules import CLIPPED, GEOMETRY_PROBLEM, ROW_RULES, Clipped, Rule, derived_ref, row_offers
from .table import Columns, Table

_READ = FIELDS + (GEOMETRY_PROBLEM,)  # the fields a rule reads


def _none(values: list) -> np.ndarray:
    return np.fromiter(map(operator.is_, values, repeat(None)), bool, len(values))


_new_row = partial(tuple.__new__, PlaceRow)  # PlaceRow from a tuple of its 10 fields, in C


def decide(columns: Columns, rules: Rules) -> tuple[list[Any], list[Rule | None]]:
    """(the outcome of each row, the rule that rejected it or None)."""
    b = Batch(columns, rules)
    n = b.n
    outcomes: list[Any] = [None] * n
    deciders: list[Rule | None] = [None] * n
    alive = np.ones(n, dtype=bool)
    for rule in ROW_RULES:
        failing = rule.check(b, alive) & alive
        if failing.any():
            for i in np.flatnonzero(failing).tolist():
                outcomes[i], deciders[i] = rule.message(b, i), rule
            alive &= ~failing
    ok = np.flatnonzero(alive).tolist()
    kinds, names = b.kinds, b.text("name")
    lats, lons = b.number("lat").values.tolist(), b.number("lon").values.tolist()
    refs = list(b.text("source_ref"))
    for i in np.flatnonzero(alive & _none(refs)).tolist():
        refs[i] = derived_ref(kinds[i], names[i], lats[i], lons[i])
    municipalities = list(b.text("municipality"))
    unknown = np.flatnonzero(alive & _none(municipalities)).tolist()
    if unknown:
        found = municipalities_of(lons=[lons[i] for i in unknown], lats=[lats[i] for i in unknown])
        for i, name in zip(unknown, found):
            municipalities[i] = name
    fees = row_offers(b, alive)
    fields = (
        refs,
        kinds,
        names,
        lats,
        lons,
        b.brands,
        b.text("address"),
        municipalities,
        b.text("opening_hours"),
        fees,
    )
    if len(ok) == n:  # the usual case: every row good
        return list(map(_new_row, zip(*fields))), deciders
    for i in ok:
        outcomes[i] = _new_row(tuple(field[i] for field in fields))
    return outcomes, deciders


def columns_of(records: Sequence[Record]) -> Columns:
    """The fields the rules read, of ``records``, as columns."""
    names = {name for record in records for name in record.fields}
    values = {name: [record.fields.get(name) for record in records] for name in _READ if name in names}
    return Columns(values, [False] * len(records))


def table_columns(table: Table) -> Columns:
    """The columns of ``table``, its suspect rows' values taken from their records."""
    columns = table.columns()
    suspect = np.flatnonzero(columns.suspect).tolist()
    if not suspect:
        return columns
    own = columns_of([table.record(i) for i in suspect])
    values = {name: list(column) for name, column in columns.values.items()}
    for name, column in own.values.items():
        target = values.setdefault(name, [None] * table.n)
        for i, value in zip(suspect, column):
            target[i] = value
    for name, target in values.items():
        if name not in own.values:
            for i in suspect:
                target[i] = None
    plain = frozenset(name for name in columns.plain if name not in own.values)
    return Columns(values, [False] * table.n, plain)


def validate_table(table: Table, rules: Rules) -> list[Any]:
    """The outcome of each row of ``table``, in order.

    A reason about a field the reader guessed from a column (``table.guessed``: a header
    alias such as ``veids`` for the kind) ends by naming it: "unknown kind 'COM'; expected
    one of: ... (kind from column 'veids')".
    """
    outcomes, deciders = decide(table_columns(table), rules)
    if table.guessed:
        for i, rule in enumerate(deciders):
            named = [
                f"{f} from column {table.guessed[f]!r}" for f in (rule.fields if rule else ()) if f in table.guessed
            ]
            if named and isinstance(outcomes[i], str):
                outcomes[i] = f"{outcomes[i]} ({', '.join(named)})"
    return outcomes


def validate_records(records: Iterable[Record], rules: Rules) -> list[Any]:
    """The outcome of each record, in order (validated as one table)."""
    return decide(columns_of(list(records)), rules)[0]


def validate_record(record: Record, rules: Rules) -> PlaceRow:
    """The place of one record, validated as a table of one row; raises RowRejected (with the
    reason) or Clipped."""
    (outcome,) = validate_records([record], rules)
    if outcome is CLIPPED:
        raise Clipped()
    if isinstance(outcome, str):
        raise RowRejected(outcome)
    return outcome
