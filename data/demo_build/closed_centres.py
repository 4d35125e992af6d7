"""The operator's closed customer centres (illustrative): Audēju iela 16 in Rīga and one in each of twelve towns."""

from __future__ import annotations

from locator.domain import geography
from locator.domain.text import ascii_slug
from locator.gazetteer.geonames import Settlement

from .features import feature

CLOSED_CENTRE_TOWNS = (
    "Daugavpils",
    "Liepāja",
    "Jelgava",
    "Jūrmala",
    "Ventspils",
    "Rēzekne",
    "Valmiera",
    "Jēkabpils",
    "Ogre",
    "Tukums",
    "Cēsis",
    "Kuldīga",
)


AUDEJU_CENTRE = {"lon": 24.1085, "lat": 56.9477, "address": "Audēju iela 16, Rīga"}


def build_closed_centres(towns: list[Settlement]) -> list[dict]:
    """The operator's closed customer centres: Audēju iela in Rīga and one in each of CLOSED_CENTRE_TOWNS.

    Illustrative: the town centres are GeoNames points, the addresses say only "town centre",
    the dates are invented (Rīga on 31 March 2026, the towns one a month through 2026).
    """
    by_name = {t.name: t for t in towns}
    centres = []
    for month, town_name in enumerate(CLOSED_CENTRE_TOWNS, start=1):
        t = by_name[town_name]
        centres.append(
            (
                f"Klientu centrs, {town_name}",
                ascii_slug(town_name),
                f"pilsētas centrs, {town_name}",
                t.lon,
                t.lat,
                f"2026-{month:02d}-{_last_day(month):02d}",
            )
        )
    features = [
        feature(
            AUDEJU_CENTRE["lon"],
            AUDEJU_CENTRE["lat"],
            {
                "name": "Klientu centrs, Audēju iela",
                "slug": "riga-audeju-iela",
                "address": AUDEJU_CENTRE["address"],
                "closed_on": "2026-03-31",
                "municipality": geography.municipality_of(lon=AUDEJU_CENTRE["lon"], lat=AUDEJU_CENTRE["lat"]),
            },
        )
    ]
    for name, slug, address, lon, lat, closed_on in centres:
        features.append(
            feature(
                lon,
                lat,
                {
                    "name": name,
                    "slug": slug,
                    "address": address,
                    "closed_on": closed_on,
                    "municipality": geography.municipality_of(lon=round(lon, 6), lat=round(lat, 6)),
                },
            )
        )
    return features


def _last_day(month: int) -> int:
    return 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
