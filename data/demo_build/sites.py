"""Where the illustrative points go: Rīga's neighbourhoods and the regional towns, points spread
out among them, and a seeded jitter that keeps a point on land in its municipality.

Distances are geodesic (:mod:`locator.domain.geodesy`); the jitter moves a point in the national
projection (EPSG:3059), where a displacement of r metres in any direction is r metres on the ground
to within 0.04 %.
"""

from __future__ import annotations

import math
import random

from locator.domain import geography
from locator.domain.geodesy import distance_m
from locator.gazetteer.geonames import STATE_CITIES, Settlement

from .sources import SEED

REGIONAL_TOWN_MIN_POPULATION = 8000
"""A town outside Rīga with at least this many people (or a state city) gets bank branches and ATMs."""


def jitter(lon: float, lat: float, key: str, min_m: float, max_m: float) -> tuple[float, float]:
    """Move a point min_m..max_m metres in a direction drawn from SEED and key.

    The result stays on land (inside the unbuffered outline) and in the same municipality as
    the starting point, so a Rīga branch never lands in Mārupe or in the Gulf. Seeding by key
    (not by position in a loop) keeps every point stable when other points are added.
    """
    home = geography.municipality_of(lon=lon, lat=lat)
    rng = random.Random(f"{SEED}:{key}")
    x0, y0 = geography.project(lon=lon, lat=lat)
    for _ in range(200):
        r, a = rng.uniform(min_m, max_m), rng.uniform(0.0, 2 * math.pi)
        lon2, lat2 = geography.unproject(x0 + r * math.cos(a), y0 + r * math.sin(a))
        if (
            geography.in_latvia(lon=lon2, lat=lat2, buffer_m=0)
            and geography.municipality_of(lon=lon2, lat=lat2) == home
        ):
            return lon2, lat2
    raise RuntimeError(f"cannot place {key} within {max_m} m of {lon},{lat} inside {home}")


def spread_sample(points: list[Settlement], k: int) -> list[Settlement]:
    """k of the points, spread out: start with the first, then repeatedly take the point
    farthest from those already taken (ties by input order). Deterministic."""
    chosen = [points[0]]
    rest = list(points[1:])
    while len(chosen) < k and rest:
        far = max(rest, key=lambda p: min(distance_m(lat1=p.lat, lon1=p.lon, lat2=c.lat, lon2=c.lon) for c in chosen))
        chosen.append(far)
        rest.remove(far)
    return chosen


def regional_towns(towns: list[Settlement]) -> list[Settlement]:
    """Towns of ≥ 8,000 people outside Rīga, plus every state city, most populous first.

    cities500 lists Rīga neighbourhoods (Dārzciems, Bolderāja, ...) as towns: those are left
    to the Rīga placement, as is any second point in a municipality already taken by a
    bigger town (Karosta in Liepāja).
    """
    picked: list[Settlement] = []
    for t in towns:
        municipality = geography.municipality_of(lon=t.lon, lat=t.lat)
        is_state_city = t.name in STATE_CITIES
        if municipality == "Rīga" or (t.population < REGIONAL_TOWN_MIN_POPULATION and not is_state_city):
            continue
        if municipality in geography.STATE_CITY_MUNICIPALITIES and municipality != t.name:
            continue
        picked.append(t)
    return picked


def riga_points(settlements: list[Settlement]) -> list[Settlement]:
    """GeoNames settlement points inside the Rīga municipality, nearest the city centre first.

    The postcode file cannot be used here: all 43 Rīga codes share one point. Ordering by
    distance from the centre puts the branches where a city's branches are, in and around
    the centre, rather than in the outlying neighbourhoods.
    """
    inside = [s for s in settlements if geography.municipality_of(lon=s.lon, lat=s.lat) == "Rīga"]
    centre = max(inside, key=lambda s: s.population)
    return sorted(inside, key=lambda s: (distance_m(lat1=s.lat, lon1=s.lon, lat2=centre.lat, lon2=centre.lon), s.name))
