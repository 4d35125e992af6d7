"""Which OpenStreetMap tags make one of our places, and what they mean for its fields.

The same tags come from every format (Overpass JSON, OSM XML, PBF); this module alone
decides what they mean, so the three give the same records.

    OSM tags                                  canonical field
    ----------------------------------------  ------------------------------------------------
    amenity=bank (with or without atm=yes)    kind = bank_branch
    amenity=atm                               kind = atm
    amenity=post_office                       kind = post_office
    shop=mobile_phone, shop=telecommunication kind = telecom_shop
    anything else (shop=supermarket, ...)     not imported: counted, skipped silently
    name, else brand, else operator;          name (a derived name adds a note)
      an atm without name:
      "Bankomāts <brand or operator>";
      none of them: the kind's own word         "Bankomāts", "Banka", "Pasta nodaļa",
                                                "Sakaru veikals" (KIND_NAMES; most ATMs in
                                                OSM have no name)
    brand, operator, opening_hours            brand, operator, opening_hours (as found)
    addr:street addr:housenumber,             address "Audēju iela 16, Rīga, LV-1050";
      addr:city (else addr:place),              missing parts left out; without a street,
      addr:postcode                             addr:housename leads ("Jāņkrogs, Ādaži,
                                                LV-2164") or addr:place + number
                                                ("Kalnciems 5"), or addr:place alone before
                                                addr:city ("Āgenskalns, Rīga"); a bare
                                                4-digit postcode gets "LV-"
    fee=no                                    fee_bill_payment "0"
    fee=yes + charge=0.50 EUR                 fee_bill_payment "0.50" (one amount in EUR or
                                                €, "/use" allowed; otherwise a note, no fee)
    fee=yes without charge                    nothing (the fee table applies)
    fee=<anything else>                       nothing, a note
    cash_in=yes on an atm                     fee_cash_deposit "0"
    cash_in=no, or on any other kind          nothing

Values are NFC-normalised and stripped (empty -> None).
"""

from __future__ import annotations

import re
from typing import Any

from .common import clean_text

KIND_BY_TAG: dict[tuple[str, str], str] = {
    ("amenity", "bank"): "bank_branch",
    ("amenity", "atm"): "atm",
    ("amenity", "post_office"): "post_office",
    ("shop", "mobile_phone"): "telecom_shop",
    ("shop", "telecommunication"): "telecom_shop",
}
KIND_KEYS = frozenset(key for key, _ in KIND_BY_TAG)  # the keys an element of ours must have
ATM_NAME = "Bankomāts"
KIND_NAMES = {
    "bank_branch": "Banka",
    "atm": ATM_NAME,
    "post_office": "Pasta nodaļa",
    "telecom_shop": "Sakaru veikals",
}
"""The name of a place OSM gives no name, brand or operator: what it is, in Latvian."""

_AMOUNT = re.compile(r"\d+(?:[.,]\d+)?")


def osm_kind(tags: dict[str, Any]) -> str | None:
    """Our kind for an element's tags, or None when we do not import it."""
    for key in ("amenity", "shop"):
        value = clean_text(tags.get(key))
        if isinstance(value, str) and (key, value) in KIND_BY_TAG:
            return KIND_BY_TAG[(key, value)]
    return None


def map_tags(tags: dict[str, Any], kind: str) -> tuple[dict[str, Any], list[str]]:
    """Canonical fields (without coordinates and source_ref) and notes for a relevant element."""
    t = {k: clean_text(v if v is None or isinstance(v, str) else str(v)) for k, v in tags.items() if isinstance(k, str)}
    fields: dict[str, Any] = {"kind": kind}
    notes: list[str] = []
    name = t.get("name")
    if name is None:
        if kind == "atm" and (t.get("brand") or t.get("operator")):
            name = f"{ATM_NAME} {t.get('brand') or t.get('operator')}"
            notes.append(f"name: {ATM_NAME} + {'brand' if t.get('brand') else 'operator'}")
        elif t.get("brand") or t.get("operator"):
            source = "brand" if t.get("brand") else "operator"
            name = t[source]
            notes.append(f"name: from {source}")
        elif kind in KIND_NAMES:
            name = KIND_NAMES[kind]
            notes.append("name: from the kind (no name, brand or operator)")
    if name is not None:
        fields["name"] = name
    for key in ("brand", "operator", "opening_hours"):
        if t.get(key) is not None:
            fields[key] = t[key]
    address = format_address(t)
    if address is not None:
        fields["address"] = address

    fee = (t.get("fee") or "").lower()
    if fee == "no":
        fields["fee_bill_payment"] = "0"
    elif fee == "yes" and t.get("charge") is not None:
        amount = parse_charge(t["charge"])
        if amount is not None:
            fields["fee_bill_payment"] = amount
        else:
            notes.append(
                f"charge={t['charge']!r} not understood (expected one amount in EUR); fee left to the fee table"
            )
    elif fee not in ("", "yes"):
        notes.append(f"fee={t['fee']!r} not understood (expected yes or no)")
    if kind == "atm" and (t.get("cash_in") or "").lower() == "yes":
        fields["fee_cash_deposit"] = "0"
    return fields, notes


def format_address(t: dict[str, Any]) -> str | None:
    """ "Audēju iela 16, Rīga, LV-1050" from addr:* tags; None when there are none."""
    street, number = t.get("addr:street"), t.get("addr:housenumber")
    house, city, place = t.get("addr:housename"), t.get("addr:city"), t.get("addr:place")
    first = None
    if street:
        first = f"{street} {number}" if number else street
    elif house:
        first = f"{house} {number}" if number else house
    elif number and place and not city:
        first, place = f"{place} {number}", None  # addr:place instead of a street: "Kalnciems 5"
    elif number:
        first = number
    postcode = t.get("addr:postcode")
    if isinstance(postcode, str) and re.fullmatch(r"\d{4}", postcode):
        postcode = f"LV-{postcode}"
    if first is None and place and city and place != city:
        first = place  # a locality in its municipality: "Āgenskalns, Rīga"
    parts = [p for p in (first, city or place, postcode) if p]
    return ", ".join(str(p) for p in parts) or None


def parse_charge(charge: str) -> str | None:
    """ "0.50 EUR" / "€0,50" / "EUR 1" / "0.50 EUR/use" -> the amount as written; None if unclear."""
    amounts = _AMOUNT.findall(charge)
    if len(amounts) != 1:
        return None
    rest = _AMOUNT.sub(" ", charge, count=1).strip().lower()
    rest = re.sub(r"\s*/\s*\w+$", "", rest).strip()  # "/use", "/transaction", "/time"
    if rest not in ("eur", "€", "euro", "euros", "eiro"):
        return None
    return amounts[0]
