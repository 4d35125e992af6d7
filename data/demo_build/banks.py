"""Illustrative bank branches and ATMs: round-robin over the banks in Rīga's central
neighbourhoods, one or two branches and a few ATMs per regional town.

:data:`BANKS` is the one list of the demo's banks: the fee table (:mod:`.fees`) gives each a
bill-payment fee, and the synthetic test data (``locator.importers.synthetic``) reads them back from it.
"""

from __future__ import annotations

from collections import Counter

from locator.domain import geography
from locator.domain.text import ascii_slug
from locator.gazetteer.geonames import Settlement

from .features import OPENING_HOURS, place, settlement_address
from .sites import jitter

BANKS = ("Swedbank", "SEB", "Citadele", "Luminor")
"""The demo's banks, in the order the Rīga branches take turns."""
FREE_BRANCH_BANKS = ("Swedbank", "SEB", "Citadele")
"""Banks whose branches take bill payments without commission in fees.csv (Luminor does not)."""


RIGA_BRANCHES = {"Swedbank": 5, "SEB": 4, "Citadele": 4, "Luminor": 2}
"""Branches per bank in Rīga, in its 15 neighbourhoods nearest the centre."""
RIGA_EXTRA_ATMS = 40
"""ATMs in Rīga besides the one at each branch."""
BIG_TOWN_POPULATION = 20000
"""A regional town of at least this many people gets a second branch and four extra ATMs."""


def bank_features(
    brand: str,
    town: str,
    n: int,
    lon: float,
    lat: float,
    jitter_key: str,
    min_m: float,
    max_m: float,
    district: str | None = None,
) -> tuple[dict, dict]:
    """An illustrative branch and the ATM at its door (same point), n-th of brand in town."""
    lon, lat = jitter(lon, lat, jitter_key, min_m, max_m)
    where = f"{town} ({district})" if district and district != town else town
    address = settlement_address(district or town, geography.municipality_of(lon=lon, lat=lat))
    ref = f"{ascii_slug(brand)}/{ascii_slug(town)}-{n:02d}"
    common = dict(source="illustrative-banks", brand=brand, address=address)
    branch = place(
        lon,
        lat,
        source_ref=f"bank/{ref}",
        kind="bank_branch",
        name=f"{brand} filiāle, {where}",
        opening_hours=OPENING_HOURS["bank_branch"],
        **common,
    )
    atm = place(
        lon,
        lat,
        source_ref=f"atm/{ref}",
        kind="atm",
        name=f"{brand} bankomāts, {where}",
        opening_hours=OPENING_HOURS["atm"],
        **common,
    )
    return branch, atm


def extra_atm(
    brand: str, town: str, n: int, lon: float, lat: float, min_m: float, max_m: float, district: str | None = None
) -> dict:
    ref = f"atm/{ascii_slug(brand)}/{ascii_slug(town)}-{n:02d}"
    lon, lat = jitter(lon, lat, ref, min_m, max_m)
    where = f"{town} ({district})" if district and district != town else town
    return place(
        lon,
        lat,
        source="illustrative-banks",
        source_ref=ref,
        kind="atm",
        name=f"{brand} bankomāts, {where}",
        brand=brand,
        address=settlement_address(district or town, geography.municipality_of(lon=lon, lat=lat)),
        opening_hours=OPENING_HOURS["atm"],
    )


def build_riga_banks(points: list[Settlement]) -> list[dict]:
    """15 branches in the 15 Rīga neighbourhoods nearest the centre, an ATM at each, and 40
    more ATMs cycling over the neighbourhoods from the centre outwards."""
    # Round-robin over the banks so neighbouring sites get different banks.
    remaining = dict(RIGA_BRANCHES)
    brands: list[str] = []
    while any(remaining.values()):
        for b in BANKS:
            if remaining[b]:
                brands.append(b)
                remaining[b] -= 1
    sites = points[: len(brands)]
    count: Counter = Counter()
    features = []
    for brand, site in zip(brands, sites):
        count[brand] += 1
        features.extend(
            bank_features(
                brand,
                "Rīga",
                count[brand],
                site.lon,
                site.lat,
                f"bank/{brand}/riga-{count[brand]}",
                100,
                400,
                district=site.name,
            )
        )
    for i in range(RIGA_EXTRA_ATMS):
        brand, site = BANKS[i % len(BANKS)], points[i % len(points)]
        count[brand] += 1
        features.append(extra_atm(brand, "Rīga", count[brand], site.lon, site.lat, 150, 1200, district=site.name))
    return features


def build_town_banks(towns: list[Settlement]) -> list[dict]:
    """One branch (two in towns of ≥ 20,000) per regional town, the first always of a bank
    that is commission-free at the branch; 2-4 extra ATMs per town by population."""
    features = []
    for i, town in enumerate(towns):
        first = FREE_BRANCH_BANKS[i % len(FREE_BRANCH_BANKS)]
        brands = [first]
        if town.population >= BIG_TOWN_POPULATION:
            brands.append(BANKS[(BANKS.index(first) + 1) % len(BANKS)])
        count: Counter = Counter()
        for brand in brands:
            count[brand] += 1
            features.extend(
                bank_features(
                    brand,
                    town.name,
                    count[brand],
                    town.lon,
                    town.lat,
                    f"bank/{brand}/{town.name}-{count[brand]}",
                    150,
                    600,
                )
            )
        extras = 4 if town.population >= BIG_TOWN_POPULATION else 3 if town.population >= 10000 else 2
        for j in range(extras):
            brand = BANKS[(i + j + 1) % len(BANKS)]
            count[brand] += 1
            features.append(extra_atm(brand, town.name, count[brand], town.lon, town.lat, 200, 900))
    return features
