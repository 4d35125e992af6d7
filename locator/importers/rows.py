"""The rows readers yield and the loader writes: plain, validated values."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from locator.domain.fees import InvalidCondition, canonical_condition
from locator.domain.vocabulary import KINDS, SERVICES
from locator.models import Place, lat_lon


class RowRejected(ValueError):
    """A row that cannot be loaded; ``str()`` is the reason a person can act on."""


# Characters no database here can store as text: NUL (PostgreSQL refuses it; in a text file it
# is the sign of a wrong encoding) and UTF-16 surrogates without their pair (a JSON "\\ud800"
# escape; not encodable as UTF-8).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(label: str, text: str | None) -> str | None:
    """``text``, or RowRejected naming ``label`` when it holds a character of UNSTORABLE."""
    bad = UNSTORABLE.search(text) if text else None
    if bad is None:
        return text
    if bad.group() == "\x00":
        raise RowRejected(f"{label} contains a NUL character (0x00); is the file UTF-16? (give --encoding)")
    raise RowRejected(
        f"{label} contains a lone surrogate (U+{ord(bad.group()):04X}), which is not text; fix the file's escapes"
    )


def not_a_number(label: str, value: object) -> str:
    """The reason a value given for a number is refused (a coordinate, a fee)."""
    return f"{label} {value!r} is not a number"


def out_of_range(label: str, shown: str, bound: int) -> str:
    """The reason a coordinate (``shown`` as the caller formats it) beyond ±``bound`` is refused."""
    return f"{label} {shown} is out of range (-{bound}..{bound})"


def unknown_kind(kind: object) -> str:
    """The reason a place of ``kind`` is refused (the kind rule's, the fee table's and ``PlaceRow.make``'s)."""
    return f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}"


def nfc(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


@dataclass(frozen=True)
class SourceInfo:
    name: str
    title: str
    licence: str
    attribution: str
    url: str | None = None
    illustrative: bool = False
    description: str | None = None


UNKNOWN_FEE = "unknown"
"""How a file writes a fee nobody knows (``offers`` "cash_deposit=unknown"; GeoJSON ``null``)."""


@dataclass(frozen=True)
class OfferRow:
    service: str
    fee_eur: Decimal | None  # None: the fee is unknown (locator.domain.fees)
    condition: str | None = None
    note: str | None = None

    @classmethod
    def make(
        cls,
        service: str,
        fee_eur,
        condition: str | None = None,
        note: str | None = None,
        *,
        fee_label: str = "fee",
        condition_label: str = "condition",
    ) -> OfferRow:
        """Validate and normalise; raises RowRejected naming ``fee_label`` or ``condition_label``.

        The one parser of fees ("0,50", "€1.20"; None or "unknown" for an unknown fee) and
        conditions, used by the validator (which passes the file's column names) and the fee table.
        """
        if service not in SERVICES:
            raise RowRejected(f"unknown service {service!r}; expected one of: {', '.join(SERVICES)}")
        if fee_eur is None or (isinstance(fee_eur, str) and fee_eur.strip().casefold() == UNKNOWN_FEE):
            return cls(service, None, _condition(condition, condition_label), storable("note", nfc(note)))
        try:
            fee = Decimal(str(fee_eur).strip().replace(",", ".").replace("€", "").strip())
        except InvalidOperation:
            raise RowRejected(not_a_number(fee_label, fee_eur)) from None
        if not fee.is_finite():
            raise RowRejected(not_a_number(fee_label, fee_eur))
        if fee < 0:
            raise RowRejected(f"{fee_label} {fee_eur!r} is negative")
        cond = _condition(condition, condition_label)
        return cls(service, fee.quantize(Decimal("0.01")), cond, storable("note", nfc(note)))


def _condition(condition, label: str) -> str | None:
    try:
        return canonical_condition(None if condition is None else str(condition))
    except InvalidCondition:
        raise RowRejected(f"{label} {condition!r} is not a condition; expected salary_card=<bank>") from None


def stored_place_columns() -> tuple:
    """A stored place's columns as an import row names them, for the export and for the
    re-import's comparison (one list: a new column of a place is read back by both): the id, the
    source's reference, the place's fields and its lat, lon (degrees)."""
    t = Place.__table__
    return (
        t.c.id,
        t.c.source_ref,
        t.c.kind,
        t.c.name,
        t.c.brand,
        t.c.address,
        t.c.municipality,
        t.c.opening_hours,
        *lat_lon(t.c.geom),
    )


class PlaceRow(NamedTuple):
    """One validated place.  A named tuple, not a dataclass: a 100k-row import builds 100k of
    them, and building one from a tuple of its fields costs far less than a frozen dataclass's
    ``__init__``."""

    source_ref: str
    kind: str
    name: str
    lat: float
    lon: float
    brand: str | None = None
    address: str | None = None
    municipality: str | None = None
    opening_hours: str | None = None
    offers: tuple[OfferRow, ...] = ()

    @classmethod
    def make(cls, *, source_ref, kind, name, lat, lon, **optional) -> PlaceRow:
        """Validate and normalise (NFC, trimmed); raises RowRejected with the reason."""
        if kind not in KINDS:
            raise RowRejected(unknown_kind(kind))
        name = nfc(name)
        if not name:
            raise RowRejected("name is empty")
        ref = nfc(str(source_ref)) if source_ref is not None else None
        if not ref:
            raise RowRejected("source_ref (the id in the source) is empty")
        for label, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise RowRejected(not_a_number(label, value))
            if not -bound <= value <= bound:
                raise RowRejected(out_of_range(label, str(value), bound))
        text = {k: nfc(optional.get(k)) for k in ("brand", "address", "municipality", "opening_hours")}
        return cls(ref, kind, name, float(lat), float(lon), offers=tuple(optional.get("offers", ())), **text)
