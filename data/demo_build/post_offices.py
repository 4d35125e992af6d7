"""Real Latvijas Pasts postcodes: one post office per code at an approximate GeoNames point,
unless a real OpenStreetMap post office stands near that point."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from locator.domain import geography
from locator.domain.geodesy import distances_m
from locator.gazetteer.geonames import STATE_CITIES, PostcodeRow, Settlement, choose_post_office_row

from .features import OPENING_HOURS, place, settlement_address

REPLACED_WITHIN_M = 2000
"""A postcode's office is left out when a real OSM post office lies this close to its point."""


def build_post_offices(
    postcodes: dict[str, list[PostcodeRow]],
    towns: list[Settlement],
    stats: Counter,
    real: list[tuple[float, float]] = (),
) -> list[dict]:
    """One Latvijas Pasts office per postcode (697), at an approximate GeoNames point, but
    for the codes whose point has a real post office (``real``: (lon, lat) of the OSM ones)
    within :data:`REPLACED_WITHIN_M`: the real one stands for it."""
    real_lons = np.array([lon for lon, _ in real])
    real_lats = np.array([lat for _, lat in real])
    towns_by_name: dict[str, list[Settlement]] = defaultdict(list)
    for t in towns:
        towns_by_name[t.name].append(t)
    features = []
    for code, rows in postcodes.items():
        row = choose_post_office_row(rows, towns_by_name)
        if row is None:
            stats["post_office: skipped, every row in the sea"] += 1
            continue
        if len(rows) != len([r for r in rows if geography.in_latvia(lon=r.lon, lat=r.lat, buffer_m=0)]):
            stats["post_office: codes with rows in the sea (not used)"] += 1
        if (
            len(real)
            and distances_m(lat1=row.lat, lon1=row.lon, lat2=real_lats, lon2=real_lons).min() <= REPLACED_WITHIN_M
        ):
            stats["post_office: postcode offices with a real OSM post office within 2 km (left out)"] += 1
            continue
        municipality = geography.municipality_of(lon=row.lon, lat=row.lat)
        city = row.place in STATE_CITIES
        features.append(
            place(
                row.lon,
                row.lat,
                source="geonames-postcodes",
                source_ref=code,
                kind="post_office",
                name=f"Latvijas Pasts, {row.place} ({code})",
                brand="Latvijas Pasts",
                address=f"{code}, {settlement_address(row.place, municipality)}",
                opening_hours=OPENING_HOURS["post_office_city" if city else "post_office"],
            )
        )
    return features
