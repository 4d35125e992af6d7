"""Every rule a row of an import must pass, each declared once: its check over whole columns and
the reason it gives a failing row.

A rule's ``check(batch, alive)`` answers for every row at once (a boolean array, numpy and
shapely vectorised) and ``message(batch, i)`` words the rejection of row ``i``.  The
validator (``locator.importers.validator``) runs :data:`ROW_RULES` in order; a row is decided by the
first rule it fails, so the order is part of the specification (coordinates first, so that
--clip skips every point outside Latvia whatever else is wrong with it).  A single record is
validated as a table of one row: there is no second, row-by-row path.

The reasons name the column and the value ("lat '56.9x' is not a number") and, where there
is one, the fix; ``tests/test_import_validation.py`` lists them with their exact text.  The
value parsers shared with the fee table (``rows.OfferRow.make`` for a fee or a condition,
``rows.storable`` for text) word their own reasons, which the rules pass on.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from locator.domain.geography import in_latvia_many
from locator.domain.vocabulary import KINDS, SERVICES, USUAL_SERVICES
from locator.geocode import GeocodeFailed

from .batch import Batch
from .fee_table import offers_for
from .options import Rules
from .readers.common import GEOMETRY_PROBLEM  # set by readers for a geometry that is not a place
from .records import FIELDS
from .rows import OfferRow, RowRejected, nfc, not_a_number, out_of_range, storable, unknown_kind

OFFER_FIELDS = tuple(name for name in FIELDS if name.startswith(("fee_", "condition_"))) + ("offers",)
CLIPPED = object()  # the outcome of a row skipped by --clip: a point outside Latvia


class Clipped(Exception):
    """The point is outside Latvia and the import was asked to skip such points (--clip)."""


@dataclass(frozen=True)
class Rule:
    """One rule: ``check(batch, alive)`` -> the rows (a boolean array) that fail it, among the
    ``alive`` ones; ``message(batch, i)`` -> the reason of failing row ``i`` (or CLIPPED);
    ``fields``: the fields the reason is about (a reason about a field guessed from a column
    names that column: :func:`locator.importers.validator.validate_table`)."""

    name: str
    check: Callable[[Batch, np.ndarray], np.ndarray]
    message: Callable[[Batch, int], Any]
    fields: tuple[str, ...] = ()


# -- coordinates -------------------------------------------------------------------------


def _not_a_number(name: str) -> Rule:
    return Rule(
        f"{name} is a number",
        lambda b, alive: b.number(name).bad,
        lambda b, i: not_a_number(name, b.raw(name, i)),
        (name,),
    )


def _missing(b: Batch) -> np.ndarray:
    """Rows with neither lat nor lon (the ones to geocode)."""
    return b.number("lat").missing & b.number("lon").missing


def _geocode(b: Batch, alive: np.ndarray) -> np.ndarray:
    """Geocode the rows still alive that have an address and no coordinates; those found get
    their coordinates, the others fail (the reason kept for :func:`_geocode_message`)."""
    failing = np.zeros(b.n, dtype=bool)
    lat, lon = b.number("lat"), b.number("lon")
    addresses = b.text("address")
    for i in np.flatnonzero(alive & _missing(b)).tolist():
        try:
            found = b.rules.geocode(addresses[i])
        except GeocodeFailed as exc:  # the service failed: this row is rejected with the reason
            b.geocoded[i], failing[i] = exc, True
            continue
        if found is None:
            b.geocoded[i], failing[i] = None, True
        else:
            lat.set(i, found[0])
            lon.set(i, found[1])
    return failing


def _geocode_message(b: Batch, i: int) -> str:
    failure = b.geocoded[i]
    if failure is not None:
        return str(failure)
    return f"coordinates missing and the geocoder found no place for {b.text('address')[i]!r}"


def _out_of_range(name: str, bound: int) -> Rule:
    def check(b: Batch, alive: np.ndarray) -> np.ndarray:
        value = b.number(name).values
        with np.errstate(invalid="ignore"):
            return ~((value >= -bound) & (value <= bound)) & ~b.number(name).missing

    return Rule(
        f"{name} in range",
        check,
        lambda b, i: out_of_range(name, f"{b.number(name).values[i]:g}", bound),
        (name,),
    )


def _outside(b: Batch, alive: np.ndarray) -> np.ndarray:
    """The rows alive outside Latvia's outline (grown by the border buffer); tested once, by the
    first rule that asks (the rows alive then include those alive later)."""
    if "outside" not in b.memo:
        lat, lon = b.number("lat").values, b.number("lon").values
        failing = np.zeros(b.n, dtype=bool)
        rows = np.flatnonzero(alive)
        failing[rows] = ~in_latvia_many(lons=lon[rows], lats=lat[rows], buffer_m=b.rules.border_buffer_m)
        b.memo["outside"] = failing
    return b.memo["outside"]


def _swapped(b: Batch, alive: np.ndarray) -> np.ndarray:
    lat, lon = b.number("lat").values, b.number("lon").values
    failing = np.zeros(b.n, dtype=bool)
    rows = np.flatnonzero(_outside(b, alive) & (lon >= -90) & (lon <= 90))
    failing[rows] = in_latvia_many(lons=lat[rows], lats=lon[rows], buffer_m=b.rules.border_buffer_m)
    return failing


def _lat_lon(b: Batch, i: int) -> tuple[float, float]:
    return b.number("lat").values[i], b.number("lon").values[i]


def _swapped_message(b: Batch, i: int) -> str:
    lat, lon = _lat_lon(b, i)
    return (
        f"lat {lat:g} and lon {lon:g} look swapped: the point is in Latvia "
        "the other way round (check the lat and lon columns)"
    )


def _outside_message(b: Batch, i: int) -> Any:
    if b.rules.clip:
        return CLIPPED
    lat, lon = _lat_lon(b, i)
    return f"the point lat {lat:g}, lon {lon:g} is outside Latvia (use --clip to skip such points)"


# -- text ----------------------------------------------------------------------------------


def _storable(name: str, when: Callable[[Batch], np.ndarray] | None = None) -> Rule:
    """The text of field ``name`` holds no character a database cannot store (``rows.storable``);
    only checked on the rows ``when`` selects, if given."""

    def check(b: Batch, alive: np.ndarray) -> np.ndarray:
        bad = b.unstorable(name)
        return bad & when(b) if when is not None else bad

    def message(b: Batch, i: int) -> str:
        try:
            storable(name, b.text(name)[i])
        except RowRejected as exc:
            return str(exc)
        raise AssertionError(f"{name} of row {i} is storable")

    return Rule(f"{name} storable", check, message, (name,))


def _no_brand(b: Batch) -> np.ndarray:
    return _empty(b.text("brand"))


def _empty(values: list) -> np.ndarray:
    """Which values are None (one C-level pass)."""
    return np.fromiter(map(operator.is_, values, repeat(None)), bool, len(values))


_KINDS = frozenset(KINDS)


def _unknown_kind(b: Batch, alive: np.ndarray) -> np.ndarray:
    return ~np.fromiter(map(_KINDS.__contains__, b.kinds), bool, b.n) & ~_empty(b.kinds)


# -- fees ----------------------------------------------------------------------------------


def offers(f: Mapping[str, Any], kind: str, brand: str | None, rules: Rules) -> tuple[OfferRow, ...]:
    """The offers of a row with fields ``f``: its own (fields fee_<service>, condition_<service>,
    offers), then the fee table's for the services it does not give; when that is none at all,
    the services its kind usually offers (``USUAL_SERVICES``) at an unknown fee.  Raises
    RowRejected."""
    own: list[OfferRow] = []
    for service in SERVICES:
        fee_col, cond_col = f"fee_{service}", f"condition_{service}"
        fee_value = f.get(fee_col)
        if fee_value is None or (isinstance(fee_value, str) and not fee_value.strip()):
            condition = f.get(cond_col)
            if condition is not None and storable(cond_col, nfc(str(condition))):
                raise RowRejected(f"{cond_col} is given without {fee_col}")
            continue
        own.append(OfferRow.make(service, fee_value, f.get(cond_col), fee_label=fee_col, condition_label=cond_col))
    own.extend(_offers_field(f.get("offers")))
    given = {o.service for o in own}
    from_table = [o for o in offers_for(kind, brand, rules.fee_rules) if o.service not in given]
    return tuple(own + from_table) or _unknown_fees(kind)


def _unknown_fees(kind: str) -> tuple[OfferRow, ...]:
    return tuple(OfferRow(service, None) for service in USUAL_SERVICES.get(kind, ()))


def _offers_field(value: Any) -> list[OfferRow]:
    """Parse the ``offers`` field: "service=fee [if condition]; ..." or a list of objects."""
    if value is None or value == "":
        return []
    items: list[tuple[Any, Any, Any]] = []
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, dict) or "service" not in item or "fee_eur" not in item:
                raise RowRejected(f"offers item {item!r} needs service and fee_eur (null: unknown)")
            items.append((item["service"], item["fee_eur"], item.get("condition")))
    else:
        for part in str(value).split(";"):
            if not part.strip():
                continue
            service, sep, rest = part.partition("=")
            fee_text, _, condition = rest.partition(" if ")
            if not sep:
                raise RowRejected(f"offers {part.strip()!r}: expected service=fee [if condition]")
            items.append((service.strip(), fee_text.strip(), condition.strip() or None))
    out = []
    for service, fee, condition in items:
        if service not in SERVICES:
            raise RowRejected(f"unknown service {service!r} in offers; expected one of: {', '.join(SERVICES)}")
        out.append(
            OfferRow.make(
                service, fee, condition, fee_label=f"offers {service}", condition_label=f"offers {service} condition"
            )
        )
    return out


def row_offers(b: Batch, alive: np.ndarray | None) -> list[Any]:
    """:func:`offers` of each row ``alive`` at the first call (a tuple, or the reason it
    rejects them), computed once per distinct combination of fee fields, kind and brand."""
    if "offers" not in b.memo:
        b.memo["offers"] = _offers(b, alive)
    return b.memo["offers"]


def _offers(b: Batch, alive: np.ndarray) -> list[Any]:
    present = [name for name in OFFER_FIELDS if name in b.values]
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


def _bad_offers(b: Batch, alive: np.ndarray) -> np.ndarray:
    return np.fromiter(map(isinstance, row_offers(b, alive), repeat(str)), bool, b.n)


# -- the table -----------------------------------------------------------------------------

ROW_RULES: tuple[Rule, ...] = (
    Rule(
        "geometry is a place",
        lambda b, alive: b.present(GEOMETRY_PROBLEM),
        lambda b, i: str(b.raw(GEOMETRY_PROBLEM, i)),
    ),
    _not_a_number("lat"),
    _not_a_number("lon"),
    _storable("address", when=_missing),  # read to geocode it
    Rule(
        "coordinates or an address",
        lambda b, alive: _missing(b) & _empty(b.text("address")),
        lambda b, i: "coordinates missing: no lat and lon, and no address to geocode",
        ("lat", "lon", "address"),
    ),
    Rule(
        "a geocoder for the address",
        lambda b, alive: _missing(b) & np.full(b.n, b.rules.geocode is None),
        lambda b, i: (
            f"coordinates missing and no geocoder is configured to find {b.text('address')[i]!r} "
            "(set LOCATOR_GEOCODER, or add lat and lon)"
        ),
        ("address",),
    ),
    Rule("address geocoded", _geocode, _geocode_message, ("address",)),
    Rule("lat given", lambda b, alive: b.number("lat").missing, lambda b, i: "lat is missing", ("lat",)),
    Rule("lon given", lambda b, alive: b.number("lon").missing, lambda b, i: "lon is missing", ("lon",)),
    _out_of_range("lat", 90),
    _out_of_range("lon", 180),
    Rule("lat and lon not swapped", _swapped, _swapped_message, ("lat", "lon")),
    Rule("inside Latvia", _outside, _outside_message, ("lat", "lon")),
    _storable("kind"),
    Rule(
        "kind given",
        lambda b, alive: _empty(b.kinds),
        lambda b, i: "kind is empty (add a kind column, or give --kind)",
    ),
    Rule("kind known", _unknown_kind, lambda b, i: unknown_kind(b.kinds[i]), ("kind",)),
    _storable("name"),
    Rule("name given", lambda b, alive: _empty(b.text("name")), lambda b, i: "name is empty", ("name",)),
    _storable("brand"),
    _storable("operator", when=_no_brand),  # the brand when there is none
    _storable("source_ref"),
    _storable("address"),
    _storable("municipality"),
    _storable("opening_hours"),
    Rule("fees and conditions", _bad_offers, lambda b, i: row_offers(b, None)[i]),
)


def derived_ref(kind: str, name: str, lat: float, lon: float) -> str:
    """A stable id for a row that has none, so the same row imported again is recognised."""
    digest = hashlib.sha1(f"{kind}|{name}|{lat:.6f}|{lon:.6f}".encode()).hexdigest()[:16]
    return f"auto:{digest}"


class DuplicateIds:
    """The file-wide rule: an id (``source_ref``) given to one row only.  Fed the accepted rows'
    ids chunk after chunk; remembers where each was first seen."""

    def __init__(self) -> None:
        self.first_seen: dict[str, tuple[Callable[[int], str], int]] = {}  # id -> (where, row)

    def all_new(self, refs: list[str], where: Callable[[int], str]) -> bool:
        """Take ``refs`` when they are all distinct and unseen (checked in C); else False, and
        nothing taken (ask :meth:`reason` row by row)."""
        seen = self.first_seen
        if len(set(refs)) == len(refs) and seen.keys().isdisjoint(refs):
            seen.update(zip(refs, ((where, i) for i in range(len(refs)))))
            return True
        return False

    def reason(self, ref: str, where: Callable[[int], str], i: int) -> str | None:
        """None (and ``ref`` taken) if ``ref`` is new; else the rejection of row ``i``."""
        first = self.first_seen.get(ref)
        if first is None:
            self.first_seen[ref] = (where, i)
            return None
        first_where, row = first
        return f"duplicate id {ref!r} in the file (first at {first_where(row)})"
