"""Dealers: the real OpenStreetMap shops inside Latvia, standing in for the partner dealer network,
with their chain (brand) and the nearest GeoNames settlement as the address."""

from __future__ import annotations

import unicodedata
from collections import Counter

import numpy as np

from locator.domain import geography
from locator.domain.geodesy import distances_m
from locator.gazetteer.geonames import Settlement

from .features import OPENING_HOURS, place, settlement_address

DEALER_BILL_BRANDS = ("Rimi", "Maxima", "Top!", "LaTS", "Elvi", "Mego", "Aibe", "Citro", "Narvesen")
"""Chains that take bill payments in the illustrative fee table (other dealers only sell services)."""


BRAND_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # (brand, casefolded words or prefixes that identify it in an OSM name); first match wins.
    ("Rimi", ("rimi",)),
    ("Maxima", ("maxima",)),
    ("Top!", ("top!", "top", "minitop")),
    ("LaTS", ("lats",)),
    ("Elvi", ("elvi",)),
    ("Mego", ("mego",)),
    ("Aibe", ("aibe", "aibė")),
    ("Citro", ("citro",)),
    ("Beta", ("beta",)),
    ("Spar", ("spar",)),
    ("Vesko", ("vesko",)),
    ("Narvesen", ("narvesen",)),
    ("Circle K", ("circle k",)),
    ("Lidl", ("lidl",)),
    ("Virši", ("virši",)),
    ("Fix Price", ("fix price", "fixprice")),
    ("Vītoli", ("vītoli", "vitoli")),
    ("Viada", ("viada",)),
    ("PROMO Cash&Carry", ("promo cash",)),
)


OSM_NOT_A_SHOP = {"vairs nav"}
"""OSM names that say the shop is gone ("vairs nav" = "no longer there"): skipped."""


def brand_of(name: str, patterns: tuple[tuple[str, tuple[str, ...]], ...] = BRAND_PATTERNS) -> str | None:
    """The chain a shop belongs to, from its OSM name ('Maxima XX' -> 'Maxima', 'top!' -> 'Top!');
    ``patterns`` another table of the same shape (the banks' and phone shops' of :mod:`.osm_places`).

    A key matches a whole word, or a word that continues with punctuation only ('top!'),
    so 'Sparta' is not Spar; keys with a space match anywhere in the name.
    """
    words = name.casefold().replace('"', " ").replace("-", " ").split()
    text = " ".join(words)
    for brand, keys in patterns:
        for key in keys:
            if " " in key:
                if key in text:
                    return brand
            elif any(w.startswith(key) and not any(c.isalpha() for c in w[len(key) :]) for w in words):
                return brand
    return None


class NearestSettlement:
    """The GeoNames settlement geodesically nearest to a point.

    An STRtree over the settlements in EPSG:3059 is the index: it gives the nearest in the
    projection, at projected distance d. The projection's scale varies by less than 0.07 % over
    Latvia, so the geodesically nearest settlement lies within 1.001 d (+ 1 m) in the projection;
    those candidates are ranked by geodesic distance. Settlements at the very same point (GeoNames
    has several) tie: the one the index lists first wins, so the choice is stable between runs.
    """

    def __init__(self, settlements: list[Settlement]) -> None:
        from shapely import STRtree, points

        self.settlements = settlements
        self.lats = np.array([s.lat for s in settlements])
        self.lons = np.array([s.lon for s in settlements])
        self.tree = STRtree(points([geography.project(lon=s.lon, lat=s.lat) for s in settlements]))

    def __call__(self, lon: float, lat: float) -> Settlement:
        from shapely import Point

        at = Point(*geography.project(lon=lon, lat=lat))
        first, projected = self.tree.query_nearest(at, return_distance=True)
        near = np.sort(self.tree.query(at, predicate="dwithin", distance=float(projected[0]) * 1.001 + 1.0))
        metres = distances_m(lat1=lat, lon1=lon, lat2=self.lats[near], lon2=self.lons[near])
        nearest = near[metres == metres.min()]
        return self.settlements[int(first[0]) if first[0] in nearest else int(nearest[0])]


def build_dealers(shops: dict, settlements: list[Settlement], stats: Counter) -> list[dict]:
    """The OSM shops inside Latvia, standing in for the partner dealer network.

    Clipped with the *unbuffered* outline: the 1.5 km buffer would let in shops of Valga,
    Lithuanian border villages and Belarus (every shop within 3 km outside the outline is
    foreign or unnamed). Unnamed shops and ones named as gone are skipped and counted.
    """
    nearest = NearestSettlement(settlements)
    features = []
    for f in sorted(shops["features"], key=lambda f: int(f["properties"]["id"])):
        lon, lat = f["geometry"]["coordinates"]
        name = unicodedata.normalize("NFC", (f["properties"].get("name") or "").strip())
        if not geography.in_latvia(lon=lon, lat=lat, buffer_m=0):
            stats["dealer: OSM shops outside Latvia (clipped)"] += 1
            continue
        if not name:
            stats["dealer: OSM shops in Latvia without a name (skipped)"] += 1
            continue
        if name.casefold() in OSM_NOT_A_SHOP:
            stats["dealer: OSM shops named as gone (skipped)"] += 1
            continue
        town = nearest(lon, lat)
        features.append(
            place(
                lon,
                lat,
                source="osm-shops",
                source_ref=f"node/{f['properties']['id']}",
                kind="dealer",
                name=name,
                brand=brand_of(name),
                address=settlement_address(town.name, geography.municipality_of(lon=lon, lat=lat)),
                opening_hours=OPENING_HOURS["dealer"],
            )
        )
    return features
