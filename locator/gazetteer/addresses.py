"""Street addresses: parsing 'Audēju iela 16, Rīga', and the streets of the database's places.

There is no openly licensed street list in the project's sources, so the streets the gazetteer
knows are exactly the streets of the imported places and closed centres: one entry per street and
town, at the mean of its points, with the point of each house number seen.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.text import fold, words
from .names import KIND_WEIGHT, Entry, where_words

STREET_TYPES = frozenset(
    {
        "iela",
        "gatve",
        "bulvaris",
        "bulv",
        "prospekts",
        "pr",
        "cels",
        "laukums",
        "soseja",
        "krastmala",
        "aleja",
        "dambis",
        "linija",
        "skersiela",
        "skerslinija",
        "seta",
        "parks",
        "skvers",
    }
)
"""Folded Latvian street-type words: a comma part holding one is a street."""

NUMBER_RE = re.compile(r"^\d{1,4}[a-z]?$")
"""A folded house number: '16', '16a'."""
POSTCODE_ONLY_RE = re.compile(r"^\s*(?:lv)?[\s\-]*(\d{4})\s*$")
"""A folded text that is only a postcode: 'lv-1050', 'lv 1050', '1050'."""
POSTCODE_IN_RE = re.compile(r"\blv\s*-?\s*(\d{4})\b")
"""A postcode inside a folded text: 'audeju iela 16, lv-1050'."""


@dataclass(frozen=True)
class ParsedAddress:
    street: str  # 'Audēju iela'
    number: str | None  # '16', '16a'
    town: str | None  # 'Rīga'


def parse_address(address: str, municipality: str | None = None) -> ParsedAddress | None:
    """The street, house number and town of an address like 'Audēju iela 16, Rīga' or
    'LV-1050, Rīga, Audēju iela 16'; None when it names no street (e.g. 'Āgenskalns, Rīga')."""
    parts = [p.strip() for p in unicodedata.normalize("NFC", address).split(",") if p.strip()]
    street = number = None
    towns = []
    for part in parts:
        part_words = part.split()
        folded = [fold(w).strip(".") for w in part_words]
        if POSTCODE_ONLY_RE.match(fold(part)):
            continue
        if street is None and any(f in STREET_TYPES for f in folded):
            last = max(i for i, f in enumerate(folded) if f in STREET_TYPES)
            street = " ".join(part_words[: last + 1])
            rest = "".join(part_words[last + 1 :]).casefold()
            m = re.match(r"^(\d{1,4}[a-z]?)", rest)
            number = m.group(1) if m else None
        elif street is None and len(part_words) >= 2 and NUMBER_RE.match(folded[-1]) and not folded[0].isdigit():
            street, number = " ".join(part_words[:-1]), folded[-1]  # 'Brīvības 10'
        else:
            towns.append(part)
    if street is None:
        return None
    town = towns[-1] if towns else municipality
    return ParsedAddress(street, number, town)


def address_records(session) -> list[tuple[str, float, float, str | None]]:
    """(address, lat, lon, municipality) of every place and closed centre with an address."""
    from sqlalchemy import select

    from ..models import ClosedCentre, Place, lat_lon

    out = []
    for model in (Place, ClosedCentre):
        stmt = select(model.address, *lat_lon(model.geom), model.municipality).where(model.address.is_not(None))
        out.extend((a, float(lat), float(lon), m) for a, lat, lon, m in session.execute(stmt))
    return out


def street_entries(records: Iterable[Sequence[Any]]) -> list[Entry]:
    """One entry per (street, town) of ``records``, ``(address, lat, lon[, municipality])``
    tuples; addresses that name no street are left out."""
    streets: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in records:
        address, lat, lon = rec[0], float(rec[1]), float(rec[2])
        municipality = rec[3] if len(rec) > 3 else None
        if not address or not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        parsed = parse_address(address, municipality)
        if parsed is None:
            continue
        if municipality is None:
            from ..domain.geography import municipality_of

            municipality = municipality_of(lon=lon, lat=lat)
        town = parsed.town or municipality or ""
        key = (" ".join(words(parsed.street)), fold(town))
        s = streets.setdefault(
            key, {"name": parsed.street, "town": town, "municipality": municipality, "points": [], "numbers": {}}
        )
        s["points"].append((lat, lon))
        if parsed.number:
            s["numbers"].setdefault(parsed.number, (lat, lon, f"{parsed.street} {parsed.number}"))
    entries = []
    for _, s in sorted(streets.items()):
        pts = s["points"]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        town = s["town"]
        entries.append(
            Entry(
                kind="address",
                name=s["name"],
                label=", ".join(x for x in (s["name"], town) if x),
                lat=lat,
                lon=lon,
                municipality=s["municipality"],
                weight=KIND_WEIGHT["street"],
                where=where_words(town, s["municipality"]),
                detail={"street": s["name"], "town": town or None, "points": len(pts)},
                numbers=s["numbers"],
            )
        )
    return entries
