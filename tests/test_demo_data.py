"""The committed demo set in data/: what it promises to the rest of the project.

These read the files as committed (no database); the last test rebuilds them from
../shared/data and checks the builder is deterministic.
"""

import csv
import datetime as dt
import json
import subprocess
import sys
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from locator.domain import geography
from locator.domain.geodesy import distance_m

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
DEMO = DATA / "demo"
SHARED = REPO.parent / "shared" / "data"

KINDS = {"bank_branch", "atm", "post_office", "dealer", "telecom_shop"}
SERVICES = {"bill_payment", "cash_deposit", "buy_services", "buy_phones"}
PROPERTIES = ["source", "source_ref", "kind", "name", "brand", "address", "municipality", "opening_hours"]
STATE_CITIES = [
    "Rīga",
    "Daugavpils",
    "Liepāja",
    "Jelgava",
    "Jūrmala",
    "Ventspils",
    "Rēzekne",
    "Valmiera",
    "Jēkabpils",
    "Ogre",
]


@cache
def load(name: str):
    with (DEMO / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def places():
    return [
        f["properties"] | {"lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
        for f in load("places.geojson")["features"]
    ]


@cache
def fee_rows():
    with (DEMO / "fees.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def commission_free_bill_payment(kind: str, brand: str | None) -> bool:
    """The documented rule: brand rows replace the empty-brand rows of the same kind and
    service; free = a bill_payment row with fee 0 and no condition."""
    rows = [r for r in fee_rows() if r["kind"] == kind and r["service"] == "bill_payment"]
    specific = [r for r in rows if r["brand"] and r["brand"] == brand]
    applicable = specific or [r for r in rows if not r["brand"]]
    return any(Decimal(r["fee_eur"]) == 0 and not r["condition"] for r in applicable)


def metres(a, b):
    """Geodesic metres between two (lon, lat) points."""
    return distance_m(lon1=a[0], lat1=a[1], lon2=b[0], lat2=b[1])


def test_places_have_exactly_the_documented_properties():
    for feature in load("places.geojson")["features"]:
        assert list(feature["properties"]) == PROPERTIES
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert round(lon, 6) == lon and round(lat, 6) == lat


def test_every_place_is_in_latvia():
    outside = [
        (p["source_ref"], p["lon"], p["lat"]) for p in places() if not geography.in_latvia(lon=p["lon"], lat=p["lat"])
    ]
    assert outside == []


def test_every_place_has_a_municipality_matching_its_point():
    for p in places():
        assert p["municipality"] == geography.municipality_of(lon=p["lon"], lat=p["lat"]), p["source_ref"]


def test_kinds_are_valid():
    assert {p["kind"] for p in places()} == KINDS


def test_source_refs_are_unique_within_a_source():
    keys = [(p["source"], p["source_ref"]) for p in places()]
    assert len(keys) == len(set(keys))
    assert all(isinstance(ref, str) and ref for _, ref in keys)


def test_names_are_nfc_and_not_empty():
    for p in places():
        assert p["name"].strip(), p["source_ref"]
        assert p["name"] == unicodedata.normalize("NFC", p["name"]), p["source_ref"]
        if p["address"] is not None:
            assert p["address"] == unicodedata.normalize("NFC", p["address"])


def test_every_source_is_described_in_sources_json():
    records = {r["name"]: r for r in load("sources.json")}
    assert {p["source"] for p in places()} <= set(records)
    for r in records.values():
        assert set(r) >= {"name", "title", "licence", "attribution", "url", "illustrative", "description"}
        assert r["illustrative"] == r["name"].startswith("illustrative-")
    assert records["geonames-postcodes"]["attribution"] == "Data: GeoNames, geonames.org, CC BY 4.0"
    assert records["osm-shops"]["attribution"] == "© OpenStreetMap contributors"
    assert records["osm-shops"]["licence"] == "ODbL 1.0"


def test_files_say_what_is_illustrative():
    for name in ("places.geojson", "closed_centres.geojson"):
        assert "ILLUSTRATIVE" in load(name)["metadata"]["description"]
    assert all("Illustrative" in row["note"] for row in fee_rows())


def test_one_post_office_per_postcode():
    offices = [p for p in places() if p["kind"] == "post_office"]
    assert len(offices) == 697
    assert all(p["source_ref"].startswith("LV-") and p["source_ref"] in p["name"] for p in offices)
    assert any(p["name"] == "Latvijas Pasts, Liepāja (LV-3401)" for p in offices)


def test_about_fifteen_bank_branches_in_riga():
    riga = [p for p in places() if p["kind"] == "bank_branch" and p["municipality"] == "Rīga"]
    assert 13 <= len(riga) <= 17
    assert len({(p["lon"], p["lat"]) for p in riga}) == len(riga)


def test_every_state_city_has_a_commission_free_bank_branch():
    centres = {
        f["properties"]["slug"]: f["geometry"]["coordinates"] for f in load("closed_centres.geojson")["features"]
    }
    branches = [p for p in places() if p["kind"] == "bank_branch"]
    for city in STATE_CITIES:
        slug = (
            "riga-audeju-iela"
            if city == "Rīga"
            else unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode().lower()
        )
        near = [b for b in branches if metres((b["lon"], b["lat"]), centres[slug]) < 3000]
        assert any(commission_free_bill_payment("bank_branch", b["brand"]) for b in near), city


def test_some_bank_is_not_commission_free_so_the_filter_means_something():
    brands = {p["brand"] for p in places() if p["kind"] == "bank_branch"}
    assert {b for b in brands if not commission_free_bill_payment("bank_branch", b)}


def test_fee_table_parses():
    with (DEMO / "fees.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["kind", "brand", "service", "fee_eur", "condition", "note"]
    for row in fee_rows():
        assert row["kind"] in KINDS
        assert row["service"] in SERVICES
        assert Decimal(row["fee_eur"]) >= 0
        assert "." in row["fee_eur"]
        assert row["condition"] in ("", "salary_card={brand}")


def test_atms_are_free_only_with_their_own_banks_salary_card():
    rows = [r for r in fee_rows() if r["kind"] == "atm" and r["service"] == "bill_payment"]
    assert {(r["fee_eur"], r["condition"]) for r in rows} == {("0.00", "salary_card={brand}"), ("1.20", "")}


def test_closed_centres():
    features = load("closed_centres.geojson")["features"]
    props = [f["properties"] for f in features]
    assert len({p["slug"] for p in props}) == len(props)
    for p in props:
        assert set(p) == {"name", "slug", "address", "closed_on", "municipality"}
        assert p["slug"].isascii()
        assert dt.date.fromisoformat(p["closed_on"]).year == 2026
    audeju = [f for f in features if f["properties"]["address"] == "Audēju iela 16, Rīga"]
    assert len(audeju) == 1
    assert metres(audeju[0]["geometry"]["coordinates"], (24.1085, 56.9477)) < 50
    assert audeju[0]["properties"]["municipality"] == "Rīga"


def test_shipped_municipalities_carry_official_names():
    with (DATA / "municipalities.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    assert len(features) == 43
    for f in features:
        assert f["properties"]["name_official"] == geography.OFFICIAL_NAMES[f["properties"]["id"]]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data (the source files) is not here")
def test_rebuilding_gives_byte_identical_files(tmp_path):
    out = tmp_path / "demo"
    subprocess.run(
        [sys.executable, str(DATA / "build_demo.py"), "--shared", str(SHARED), "--out", str(out), "--quiet"],
        check=True,
        cwd=tmp_path,
    )
    for name in ("sources.json", "places.geojson", "fees.csv", "closed_centres.geojson"):
        assert (out / name).read_bytes() == (DEMO / name).read_bytes(), name
    for name in ("latvia_outline.geojson", "municipalities.geojson"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_the_synthetic_places_use_the_demo_banks():
    from locator.importers.synthetic import banks, random_places

    assert set(banks()) == {p["brand"] for p in places() if p["kind"] == "bank_branch"}
    assert banks()[0] == "Swedbank"  # the demo's order, which the seeded synthetic places depend on
    assert {r.brand for r in random_places(300) if r.brand} == set(banks())
