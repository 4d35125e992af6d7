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

from .records import FIELDS, Record
from .rows import UNSTORABLE, PlaceRow, RowRejected, nfc
from .rules import CLIPPED, GEOMETRY_PROBLEM, ROW_RULES, Clipped, Rule, Rules, derived_ref, offers
from .table import Columns, Table, is_clean, none_for_empty, strings_of

OFFER_FIELDS = tuple(name for name in FIELDS if name.startswith(("fee_", "condition_"))) + ("offers",)
_READ = FIELDS + (GEOMETRY_PROBLEM,)  # the fields a rule reads


class Numbers:
    """A numeric column as the rules see it: ``values`` (NaN where not usable), and which rows
    are ``missing`` (None or blank) or ``bad`` (given, but not a finite number)."""

    def __init__(self, column: Sequence[Any]):
        n = len(column)
        try:
            if bool in set(map(type, column)):
                raise TypeError("a boolean is not a number")
            self.values = np.fromiter(map(float, column), float, n)  # the usual case, in C
            self.missing = np.zeros(n, dtype=bool)
        except (TypeError, ValueError, OverflowError):
            parsed = list(map(_number, column))
            self.values = np.fromiter((np.nan if p is None else p for p in parsed), float, n)
            self.missing = np.fromiter((p is None for p in parsed), bool, n)
        self.bad = ~np.isfinite(self.values) & ~self.missing

    def set(self, i: int, value: float) -> None:
        self.values[i], self.missing[i], self.bad[i] = float(value), False, False


def _number(value: Any) -> float | None:
    """The number ``value`` stands for ("56,95" is 56.95); None when missing, NaN when not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return np.nan
    try:
        if isinstance(value, (int, float)):
            return float(value)
        return float(str(value).strip().replace(",", "."))
    except (ValueError, OverflowError):
        return np.nan


class Batch:
    """The columns of some rows, cleaned as the rules ask for them (each at most once)."""

    def __init__(self, columns: Columns, rules: Rules):
        self.n = len(columns.suspect)
        self.values = columns.values
        self.plain = columns.plain
        self.rules = rules
        self.geocoded: dict[int, Exception | None] = {}  # row -> why the geocoder gave no place
        self.memo: dict[str, Any] = {}
        self._numbers: dict[str, Numbers] = {}
        self._texts: dict[str, list[str | None]] = {}
        self._missing: list[Any] = [None] * self.n

    def raw(self, name: str, i: int) -> Any:
        """The value of field ``name`` in row ``i`` as the reader found it."""
        return self.column(name)[i]

    def column(self, name: str) -> list[Any]:
        return self.values.get(name) or self._missing

    def present(self, name: str) -> np.ndarray:
        if name not in self.values:
            return np.zeros(self.n, dtype=bool)
        return np.fromiter(map(bool, self.values[name]), bool, self.n)

    def number(self, name: str) -> Numbers:
        if name not in self._numbers:
            self._numbers[name] = Numbers(self.column(name))
        return self._numbers[name]

    def text(self, name: str) -> list[str | None]:
        """``rows.nfc(str(value))`` of each value (None stays None), tested on the whole column first."""
        if name not in self._texts:
            column = self.column(name)
            if name in self.plain:
                found = list(column)
            else:
                strings = strings_of(column)
                if strings is not None and is_clean(strings, single_spaced=True):
                    found = list(none_for_empty(column))
                else:
                    found = [None if value is None else nfc(str(value)) for value in column]
            self._texts[name] = found
        return self._texts[name]

    def unstorable(self, name: str) -> np.ndarray:
        """The rows whose text in ``name`` has a character of ``rows.UNSTORABLE``."""
        bad = np.zeros(self.n, dtype=bool)
        if name in self.plain or name not in self.values:  # printable: nothing unstorable
            return bad
        texts = self.text(name)
        if UNSTORABLE.search("\n".join(t for t in texts if t is not None)):
            bad[[i for i, t in enumerate(texts) if t is not None and UNSTORABLE.search(t)]] = True
        return bad

    @property
    def kinds(self) -> list[str | None]:
        if "kinds" not in self.memo:
            kinds = self.text("kind")
            default = self.rules.default_kind
            self.memo["kinds"] = [kind or default for kind in kinds] if default else kinds
        return self.memo["kinds"]

    @property
    def brands(self) -> list[str | None]:
        if "brands" not in self.memo:
            brands = self.text("brand")
            if "operator" in self.values:
                brands = [brand or operator for brand, operator in zip(brands, self.text("operator"))]
            self.memo["brands"] = brands
        return self.memo["brands"]

    def offers(self, alive: np.ndarray | None) -> list[Any]:
        """``rules.offers`` of each row ``alive`` at the first call (a tuple, or the reason it
        rejects them), computed once per distinct combination of fee fields, kind and brand."""
        if "offers" not in self.memo:
            self.memo["offers"] = _offers(self, alive)
        return self.memo["offers"]


def _offers(b: Batch, alive: np.ndarray) -> list[Any]:
    present = [name for name in OFFER_FIELDS if name in b.values]
    if not present and not b.rules.fee_rules:
        return [()] * b.n
    keys = list(zip(b.kinds, b.brands, *(b.values[name] for name in present)))
    rows = np.flatnonzero(alive).tolist()
    out: list[Any] = [None] * b.n
    try:
        if len(rows) == b.n:  # the usual case: every row alive, looked up in C
            known = {key: _offers_of(present, key, b.rules) for key in set(keys)}
            return list(map(known.__getitem__, keys))
        known = {}
        for i in rows:
            key = keys[i]
            if key not in known:
                known[key] = _offers_of(present, key, b.rules)
            out[i] = known[key]
    except TypeError:  # an unhashable value (a GeoJSON list of offers): row by row
        for i in rows:
            out[i] = _offers_of(present, keys[i], b.rules)
    return out


def _offers_of(present: list[str], key: tuple, rules: Rules) -> Any:
    kind, brand, *given = key
    try:
        return offers(dict(zip(present, given)), kind, brand, rules)
    except RowRejected as exc:
        return str(exc)


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
    fees = b.offers(alive)
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
    """The outcome of each row of ``table``, in order."""
    return decide(table_columns(table), rules)[0]


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
