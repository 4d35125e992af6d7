"""Turn a reader's Record into a PlaceRow, or reject it with a reason a person can act on.

Every rejection reason is written here, once; ``tests/test_import_validation.py``
lists them with their exact text.  The reasons name the column and the value
("lat '56.9x' is not a number") and, where there is one, the fix.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from locator.domain.geography import DEFAULT_BUFFER_M, in_latvia, municipality_of
from locator.domain.vocabulary import KINDS, SERVICES
from locator.geocode import GeocodeFailed

from .fee_table import FeeRule, offers_for
from .records import Record
from .rows import OfferRow, PlaceRow, RowRejected, nfc, storable

GEOMETRY_PROBLEM = "_geometry_problem"  # set by readers for a geometry that is not a place

Geocode = Callable[[str], "tuple[float, float] | None"]  # address -> (lat, lon)


class Clipped(Exception):
    """The point is outside Latvia and the import was asked to skip such points (--clip)."""


@dataclass
class Rules:
    """How records become places: defaults, fee table, what to do outside Latvia."""

    default_kind: str | None = None
    fee_rules: list[FeeRule] = field(default_factory=list)
    clip: bool = False
    border_buffer_m: float = DEFAULT_BUFFER_M
    geocode: Geocode | None = None


def _text(fields: dict, name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    return storable(name, nfc(str(value)))


def _number(fields: dict, name: str) -> float | None:
    value = fields.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RowRejected(f"{name} {value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise RowRejected(f"{name} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise RowRejected(f"{name} {value!r} is not a number")
    return number


def coordinates(record: Record, rules: Rules) -> tuple[float, float]:
    """(lat, lon) of the record: given, or geocoded from its address; raises RowRejected/Clipped."""
    f = record.fields
    if f.get(GEOMETRY_PROBLEM):
        raise RowRejected(str(f[GEOMETRY_PROBLEM]))
    lat, lon = _number(f, "lat"), _number(f, "lon")
    if lat is None and lon is None:
        address = _text(f, "address")
        if not address:
            raise RowRejected("coordinates missing: no lat and lon, and no address to geocode")
        if rules.geocode is None:
            raise RowRejected(
                f"coordinates missing and no geocoder is configured to find {address!r} "
                "(set LOCATOR_GEOCODER, or add lat and lon)"
            )
        try:
            found = rules.geocode(address)
        except GeocodeFailed as exc:  # the service failed: this row is rejected with the reason
            raise RowRejected(str(exc)) from None
        if found is None:
            raise RowRejected(f"coordinates missing and the geocoder found no place for {address!r}")
        lat, lon = found
    elif lat is None:
        raise RowRejected("lat is missing")
    elif lon is None:
        raise RowRejected("lon is missing")
    if not -90 <= lat <= 90:
        raise RowRejected(f"lat {lat:g} is out of range (-90..90)")
    if not -180 <= lon <= 180:
        raise RowRejected(f"lon {lon:g} is out of range (-180..180)")
    if not in_latvia(lat=lat, lon=lon, buffer_m=rules.border_buffer_m):
        if -90 <= lon <= 90 and in_latvia(lat=lon, lon=lat, buffer_m=rules.border_buffer_m):  # swapped?
            raise RowRejected(
                f"lat {lat:g} and lon {lon:g} look swapped: the point is in Latvia "
                "the other way round (check the lat and lon columns)"
            )
        if rules.clip:
            raise Clipped()
        raise RowRejected(f"the point lat {lat:g}, lon {lon:g} is outside Latvia (use --clip to skip such points)")
    return lat, lon


def offers(f: Mapping[str, Any], kind: str, brand: str | None, rules: Rules) -> tuple[OfferRow, ...]:
    """The row's own fees (fields fee_<service>, condition_<service>, offers); the fee table
    fills the rest."""
    own: list[OfferRow] = []
    for service in SERVICES:
        fee_col, cond_col = f"fee_{service}", f"condition_{service}"
        fee_value = f.get(fee_col)
        if fee_value is None or (isinstance(fee_value, str) and not fee_value.strip()):
            if _text(f, cond_col):
                raise RowRejected(f"{cond_col} is given without {fee_col}")
            continue
        own.append(OfferRow.make(service, fee_value, f.get(cond_col), fee_label=fee_col, condition_label=cond_col))
    own.extend(_offers_field(f.get("offers")))
    given = {o.service for o in own}
    from_table = [o for o in offers_for(kind, brand, rules.fee_rules) if o.service not in given]
    return tuple(own + from_table)


def _offers_field(value: Any) -> list[OfferRow]:
    """Parse the ``offers`` field: "service=fee [if condition]; ..." or a list of objects."""
    if value is None or value == "":
        return []
    items: list[tuple[Any, Any, Any]] = []
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, dict) or "service" not in item or "fee_eur" not in item:
                raise RowRejected(f"offers item {item!r} needs service and fee_eur")
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


def derived_ref(kind: str, name: str, lat: float, lon: float) -> str:
    """A stable id for a row that has none, so the same row imported again is recognised."""
    digest = hashlib.sha1(f"{kind}|{name}|{lat:.6f}|{lon:.6f}".encode()).hexdigest()[:16]
    return f"auto:{digest}"


def to_place_row(record: Record, rules: Rules) -> PlaceRow:
    """Validate one record; raises RowRejected (with the reason) or Clipped.

    Coordinates come first, so that --clip skips every point outside Latvia
    whatever else is wrong with it.
    """
    f = record.fields
    lat, lon = coordinates(record, rules)
    kind = _text(f, "kind") or rules.default_kind
    if not kind:
        raise RowRejected("kind is empty (add a kind column, or give --kind)")
    if kind not in KINDS:
        raise RowRejected(f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}")
    name = _text(f, "name")
    if not name:
        raise RowRejected("name is empty")
    brand = _text(f, "brand") or _text(f, "operator")
    ref = _text(f, "source_ref") or derived_ref(kind, name, lat, lon)
    return PlaceRow(
        source_ref=ref,
        kind=kind,
        name=name,
        lat=lat,
        lon=lon,
        brand=brand,
        address=_text(f, "address"),
        municipality=_text(f, "municipality") or municipality_of(lat=lat, lon=lon),
        opening_hours=_text(f, "opening_hours"),
        offers=offers(f, kind, brand, rules),
    )
