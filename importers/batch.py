"""Validate a whole :class:`~importers.table.Table` at once: the import's fast path.

Why: checking a clean 100k-row file value by value (``validate.to_place_row`` per record)
took longer than writing it.  Here each rule runs over a column: the coordinates parsed with
one ``map(float, ...)``, "inside Latvia" as one vectorised shapely test, the municipalities as
one STRtree query, the text tested for NFC and stray whitespace once per column, the fees
parsed once per distinct value.

The one rule of this module: a row is accepted here only when ``to_place_row`` would accept
it and return the same :class:`PlaceRow`.  Every other row -- the reader's suspect rows and
any row that fails a check here -- goes through ``to_place_row(table.record(i))`` itself, so
each rejection (and each ``--clip``, each geocoded address) is decided and worded in one
place.  ``tests/test_batch_validate.py`` holds both paths to the same answers.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from locator.domain.geography import in_latvia_many, municipalities_of
from locator.domain.vocabulary import KINDS

from .records import CONDITION_FIELDS, FEE_FIELDS
from .rows import UNSTORABLE, PlaceRow, RowRejected, nfc
from .table import Table, is_clean, none_for_empty, strings_of
from .validate import Clipped, Rules, derived_ref, offers, to_place_row

CLIPPED = object()  # the outcome of a row skipped by --clip
OFFER_FIELDS = FEE_FIELDS + CONDITION_FIELDS + ("offers",)
_KINDS = frozenset(KINDS)


def one(record, rules: Rules) -> Any:
    """The outcome of one record by ``to_place_row``: a PlaceRow, the reason, or CLIPPED."""
    try:
        return to_place_row(record, rules)
    except Clipped:
        return CLIPPED
    except RowRejected as exc:
        return str(exc)


def validate_table(table: Table, rules: Rules) -> list[Any]:
    """One outcome per row of ``table``, in order, equal to what :func:`one` gives per record."""
    n = table.n
    columns = table.columns()
    values = columns.values
    missing: list[Any] = [None] * n

    def column(name: str) -> list[Any]:
        return values.get(name) or missing

    def texts(name: str) -> list[str | None]:
        if name in columns.plain:  # printable, so nothing UNSTORABLE
            return list(values[name])
        found = _texts(column(name))
        unstorable = [i for i, value in enumerate(found) if value is not None and UNSTORABLE.search(value)]
        good[unstorable] = False  # to_place_row rejects them (if it reads the field)
        return found

    good = ~np.array(columns.suspect, dtype=bool)
    lat, lat_ok = _floats(column("lat"))
    lon, lon_ok = _floats(column("lon"))
    good &= lat_ok & lon_ok
    with np.errstate(invalid="ignore"):
        good &= (lat >= -90) & (lat <= 90) & (lon >= -180) & (lon <= 180)
    good &= in_latvia_many(lats=lat, lons=lon, buffer_m=rules.border_buffer_m)

    kinds = texts("kind")
    if rules.default_kind:
        kinds = [kind or rules.default_kind for kind in kinds]
    names = texts("name")
    good &= np.fromiter((kind in _KINDS and name is not None for kind, name in zip(kinds, names)), bool, n)
    brands = texts("brand")
    if "operator" in values:
        brands = [brand or operator for brand, operator in zip(brands, texts("operator"))]

    fees = _offers(values, kinds, brands, good, rules)
    ok = np.flatnonzero(good).tolist()
    lats, lons = lat.tolist(), lon.tolist()
    refs = texts("source_ref")
    for i in ok:
        if refs[i] is None:
            refs[i] = derived_ref(kinds[i], names[i], lats[i], lons[i])
    municipalities = texts("municipality")
    unknown = [i for i in ok if municipalities[i] is None]
    if unknown:
        for i, name in zip(
            unknown, municipalities_of(lats=[lats[i] for i in unknown], lons=[lons[i] for i in unknown])
        ):
            municipalities[i] = name
    addresses, hours = texts("address"), texts("opening_hours")

    fields = (refs, kinds, names, lats, lons, brands, addresses, municipalities, hours, fees)
    if len(ok) == n:  # the usual case: every row good
        outcomes: list[Any] = list(map(_new_row, zip(*fields)))
    else:
        outcomes = [None] * n
        for i in ok:
            outcomes[i] = _new_row(tuple(field[i] for field in fields))
    for i in np.flatnonzero(~good).tolist():
        outcomes[i] = one(table.record(i), rules)
    return outcomes


_new_row = partial(tuple.__new__, PlaceRow)  # PlaceRow from a tuple of its 10 fields, in C


def _floats(column: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, usable): ``float()`` of each value, as ``validate._number`` parses it; a
    value that is missing, not a number, infinite or NaN is not usable."""
    n = len(column)
    try:
        if any(type(value) is bool for value in column):
            raise TypeError("a boolean is not a coordinate")
        numbers = np.fromiter(map(float, column), float, n)
    except (TypeError, ValueError):
        numbers = np.fromiter((_float_or_nan(value) for value in column), float, n)
    return numbers, np.isfinite(numbers)


def _float_or_nan(value: Any) -> float:
    if type(value) in (str, int, float):
        try:
            return float(value)
        except ValueError:
            pass
    return float("nan")


def _texts(column: list[Any]) -> list[str | None]:
    """``rows.nfc(str(value))`` of each value (None stays None), tested on the whole column first."""
    strings = strings_of(column)
    if strings is not None and is_clean(strings, single_spaced=True):
        return list(none_for_empty(column))  # a new list: the caller may fill it in
    return [None if value is None else nfc(str(value)) for value in column]


def _offers(values: dict[str, list[Any]], kinds: list, brands: list, good: np.ndarray, rules: Rules) -> list[Any]:
    """``validate.offers`` for each good row, computed once per distinct combination of the
    row's fee fields, kind and brand; a row whose offers are rejected is marked not good."""
    n = len(kinds)
    present = [name for name in OFFER_FIELDS if name in values]
    if not present and not rules.fee_rules:
        return [()] * n
    columns = [values[name] for name in present]
    keys = list(zip(kinds, brands, *columns))
    try:
        known = {key: _offers_of(present, key, rules) for key in set(keys)}
        out = list(map(known.__getitem__, keys))
    except TypeError:  # an unhashable value (a GeoJSON list of offers): row by row
        out = [_offers_of(present, key, rules) for key in keys]
    good &= np.fromiter((result is not None for result in out), bool, n)
    return out


def _offers_of(present: list[str], key: tuple, rules: Rules) -> Any:
    """``validate.offers`` for one (kind, brand, *fee fields) key, or None when it rejects them."""
    kind, brand, *given = key
    try:
        return offers(dict(zip(present, given)), kind, brand, rules)
    except RowRejected:
        return None
