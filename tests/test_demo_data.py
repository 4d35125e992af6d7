"""The committed demo set in data/: what it promises to the rest of the project.

These read the files as committed (no database): places.geojson, and osm_2019.json through the
OSM reader's own tag rules; the last test rebuilds them from ../shared/data and checks the
builder is deterministic.
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
OSM_TAGS = {"amenity", "shop", "name", "brand", "addr:place", "addr:city", "opening_hours"}
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


def geojson_places():
    return [
        f["properties"] | {"lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
        for f in load("places.geojson")["features"]
    ]


def osm_places():
    """The real OSM places of osm_2019.json, as the OSM reader maps their tags."""
    from locator.importers.readers.osm_tags import map_tags, osm_kind

    out = []
    for e in load("osm_2019.json")["elements"]:
        fields, _ = map_tags(e["tags"], osm_kind(e["tags"]))
        out.append(
            {
                "source": "osm-2019",
                "source_ref": f"node/{e['id']}",
                "lon": e["lon"],
                "lat": e["lat"],
                "brand": None,
                "address": None,
                **fields,
            }
        )
    return out


def places():
    return geojson_places() + osm_places()


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


def test_the_osm_file_is_overpass_json_of_nodes_of_our_kinds():
    data = load("osm_2019.json")
    assert "ODbL" in data["osm3s"]["copyright"]
    elements = data["elements"]
    assert [e["id"] for e in elements] == sorted({e["id"] for e in elements})
    assert {e["type"] for e in elements} == {"node"}
    assert {p["kind"] for p in osm_places()} == {"bank_branch", "atm", "post_office", "telecom_shop"}
    assert all(set(e["tags"]) <= OSM_TAGS for e in elements)


def test_the_osm_file_reads_without_a_rejection():
    from locator.importers.options import Rules
    from locator.importers.readers.osm_reader import OsmReader
    from locator.importers.validator import validate_records

    records = list(OsmReader(DEMO / "osm_2019.json"))
    outcomes = validate_records(records, Rules())
    assert len(records) == len(load("osm_2019.json")["elements"])
    assert [o for o in outcomes if isinstance(o, str)] == []


def test_every_place_is_in_latvia():
    outside = [
        (p["source_ref"], p["lon"], p["lat"]) for p in places() if not geography.in_latvia(lon=p["lon"], lat=p["lat"])
    ]
    assert outside == []


def test_every_place_has_a_municipality_matching_its_point():
    for p in geojson_places():
        assert p["municipality"] == geography.municipality_of(lon=p["lon"], lat=p["lat"]), p["source_ref"]
    for p in osm_places():  # the address ends with it
        assert p["address"].endswith(geography.municipality_of(lon=p["lon"], lat=p["lat"])), p["source_ref"]


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
    for name in ("osm-shops", "osm-2019"):
        assert records[name]["attribution"] == "© OpenStreetMap contributors"
        assert records[name]["licence"] == "ODbL 1.0"
        assert records[name]["illustrative"] is False
    assert "September 2019" in records["osm-2019"]["description"]
    assert "Illustrative, not real: every fee" in records["osm-2019"]["description"]


def test_files_say_what_is_illustrative():
    for name in ("places.geojson", "closed_centres.geojson"):
        assert "ILLUSTRATIVE" in load(name)["metadata"]["description"]
    assert "ILLUSTRATIVE opening_hours" in load("osm_2019.json")["note"]
    assert "Fees, and the shops' role as the operator's partners, are ILLUSTRATIVE" in load("osm_2019.json")["note"]
    assert all("Illustrative" in row["note"] for row in fee_rows())


def test_a_postcode_office_only_where_osm_has_no_real_post_office_within_2_km():
    offices = [p for p in geojson_places() if p["kind"] == "post_office"]
    real = [p for p in osm_places() if p["kind"] == "post_office"]
    assert all(p["source_ref"].startswith("LV-") and p["source_ref"] in p["name"] for p in offices)
    assert len({p["source_ref"] for p in offices}) == len(offices) > 500
    for p in offices:
        assert min(metres((p["lon"], p["lat"]), (r["lon"], r["lat"])) for r in real) > 2000, p["source_ref"]
    # Rīga's 43 codes share one point in the city centre: all stand in for by real offices
    assert not [p for p in offices if p["source_ref"].startswith("LV-10")]
    assert len([r for r in real if geography.municipality_of(lon=r["lon"], lat=r["lat"]) == "Rīga"]) >= 20
    assert all(r["brand"] == "Latvijas Pasts" for r in real)


def test_riga_has_the_real_bank_branches_and_atms():
    for kind, least in (("bank_branch", 50), ("atm", 200)):
        inside = [
            p
            for p in osm_places()
            if p["kind"] == kind and geography.municipality_of(lon=p["lon"], lat=p["lat"]) == "Rīga"
        ]
        assert len(inside) >= least, kind


def test_most_closed_centres_have_a_commission_free_bill_payment_within_3_km():
    free = [p for p in places() if commission_free_bill_payment(p["kind"], p["brand"])]
    near = {}
    for f in load("closed_centres.geojson")["features"]:
        near[f["properties"]["slug"]] = min(metres(f["geometry"]["coordinates"], (p["lon"], p["lat"])) for p in free)
    assert near["riga-audeju-iela"] < 500
    assert sum(d < 3000 for d in near.values()) >= 10, near


def test_bank_brands_come_from_the_one_table():
    branches = [p for p in osm_places() if p["kind"] in ("bank_branch", "atm")]
    assert {"Swedbank", "SEB", "Citadele", "Luminor"} <= {p["brand"] for p in branches}
    dnb = [p for p in branches if p["name"].casefold().startswith(("dnb", "nordea"))]
    assert dnb and {p["brand"] for p in dnb} == {"Luminor"}


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
    for name in ("sources.json", "places.geojson", "fees.csv", "closed_centres.geojson", "osm_2019.json"):
        assert (out / name).read_bytes() == (DEMO / name).read_bytes(), name
    for name in ("latvia_outline.geojson", "municipalities.geojson"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_the_synthetic_places_use_the_demo_banks():
    from locator.importers.synthetic import banks, random_places

    assert set(banks()) <= {p["brand"] for p in places() if p["kind"] == "bank_branch"}
    assert banks()[0] == "Swedbank"  # the demo's order, which the seeded synthetic places depend on
    assert {r.brand for r in random_places(300) if r.brand} == set(banks())
