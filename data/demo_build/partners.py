"""Illustrative telecom partner shops: spread over central Rīga, and one in each of the biggest towns."""

from __future__ import annotations

from collections import Counter

from locator.domain import geography
from locator.domain.geodesy import distance_m
from locator.domain.text import ascii_slug
from locator.gazetteer.geonames import Settlement

from .features import OPENING_HOURS, place, settlement_address
from .sites import jitter, spread_sample

RIGA_PARTNER_SHOPS = 10
RIGA_PARTNER_RADIUS_M = 10000
"""Rīga's partner shops are spread over the neighbourhoods within this many metres of the centre."""
REGIONAL_PARTNER_SHOPS = 15
"""One partner shop in each of this many biggest regional towns."""


def build_partner_shops(riga: list[Settlement], towns: list[Settlement]) -> list[dict]:
    """~25 illustrative telecom partner shops: 10 in Rīga, one in each of the 15 biggest towns."""
    centre = riga[0]
    inner = [
        p for p in riga if distance_m(lat1=p.lat, lon1=p.lon, lat2=centre.lat, lon2=centre.lon) < RIGA_PARTNER_RADIUS_M
    ]
    sites = [("Rīga", s) for s in spread_sample(inner, RIGA_PARTNER_SHOPS)]
    sites += [(t.name, t) for t in towns[:REGIONAL_PARTNER_SHOPS]]
    features, count = [], Counter()
    for town, site in sites:
        count[town] += 1
        ref = f"partner/{ascii_slug(town)}-{count[town]:02d}"
        lon, lat = jitter(site.lon, site.lat, ref, 100, 500)
        district = site.name if site.name != town else None
        where = f"{town} ({district})" if district else town
        features.append(
            place(
                lon,
                lat,
                source="illustrative-partners",
                source_ref=ref,
                kind="telecom_shop",
                name=f"Sakaru partnera salons, {where}",
                brand=None,
                address=settlement_address(district or town, geography.municipality_of(lon=lon, lat=lat)),
                opening_hours=OPENING_HOURS["telecom_shop"],
            )
        )
    return features
