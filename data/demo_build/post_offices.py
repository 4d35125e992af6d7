"""Real Latvijas Pasts postcodes: one post office per code at an approximate GeoNames point."""

from __future__ import annotations

from collections import Counter, defaultdict

from locator.domain import geography
from locator.gazetteer.geonames import STATE_CITIES, PostcodeRow, Settlement, choose_post_office_row

from .features import OPENING_HOURS, place, settlement_address


def build_post_offices(postcodes: dict[str, list[PostcodeRow]], towns: list[Settlement], stats: Counter) -> list[dict]:
    """One Latvijas Pasts office per postcode (697), at an approximate GeoNames point."""
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
