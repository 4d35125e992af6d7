"""The column-at-a-time validator gives, row for row, what the one-record-at-a-time one gives.

``importers.batch.validate_table`` is the fast path of every CSV and GeoJSON import; it may
only accept a row when ``validate.to_place_row`` would accept it and build the same
PlaceRow, and it hands every other row to ``to_place_row``.  These tests run both on the
project's test files, the demo, a real OpenStreetMap export and files full of the awkward
values people's files have, under several rule sets.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest

from importers.batch import CLIPPED, one, validate_table
from importers.fee_table import read_fee_table
from importers.readers.csv_reader import read_csv
from importers.readers.geojson_reader import read_geojson
from importers.records import parse_mapping
from importers.rows import PlaceRow
from importers.validate import Rules

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SHOPS = ROOT.parent / "shared" / "data" / "osm_latvia_bbox_shops_overpass.geojson"
BANK_MAP = parse_mapping(
    ["name=banka", "address=adrese", "lat=platums", "lon=garums", "source_ref=id", "fee_bill_payment=komisija"]
)

RULES = {
    "default": Rules(),
    "kind atm": Rules(default_kind="atm"),
    "clip": Rules(clip=True),
    "no buffer": Rules(border_buffer_m=0),
    "fee table": Rules(default_kind="atm", fee_rules=read_fee_table(ROOT / "data" / "demo" / "fees.csv")),
    "geocoder": Rules(geocode=lambda address: (56.9496, 24.1052) if "Rīga" in address else None),
}


def agree(table, rules: Rules) -> list:
    """Both paths' outcomes, asserted equal row by row; returns them."""
    batch = validate_table(table, rules)
    by_record = [one(record, rules) for record in table]
    assert len(batch) == len(by_record) == table.n
    for i, (fast, slow) in enumerate(zip(batch, by_record)):
        assert type(fast) is type(slow) and fast == slow, f"{table.where(i)}: {fast!r} != {slow!r}"
        if isinstance(fast, PlaceRow):  # the same floats, bit for bit, and the same offers
            assert (fast.lat.hex(), fast.lon.hex()) == (slow.lat.hex(), slow.lon.hex())
    return batch


def counting(table):
    """``table`` with a count of the records the batch path asked for one by one."""
    table.asked = 0
    record = table.record

    def counted(i):
        table.asked += 1
        return record(i)

    table.record = counted
    return table


FILES = [
    ("csv", DATA / "csv" / "places_utf8.csv", {}),
    ("csv", DATA / "csv" / "places_utf8_bom.csv", {}),
    ("csv", DATA / "csv" / "places_iso8859_13.csv", {}),
    ("csv", DATA / "csv" / "atm_errors.csv", {}),
    ("csv", DATA / "csv" / "banka_cp1257.csv", {"mapping": BANK_MAP}),
    ("geojson", DATA / "geojson" / "places.geojson", {}),
    ("geojson", DATA / "geojson" / "osm_shops_excerpt.geojson", {}),
    ("geojson", DATA / "geojson" / "mapped.geojson", {"mapping": parse_mapping(["name=nosaukums"])}),
    ("geojson", ROOT / "data" / "demo" / "places.geojson", {}),
]


def read(fmt: str, path: Path, **options):
    return read_csv(path, **options) if fmt == "csv" else read_geojson(path, **options)


@pytest.mark.parametrize("rules", RULES.values(), ids=RULES.keys())
@pytest.mark.parametrize("fmt, path, options", FILES, ids=[p.name for _, p, _ in FILES])
def test_both_paths_agree_on_the_project_files(fmt, path, options, rules):
    agree(read(fmt, path, **options), rules)


@pytest.mark.parametrize(
    "rules", [Rules(default_kind="dealer"), Rules(default_kind="dealer", clip=True)], ids=["dealer", "dealer, clip"]
)
def test_both_paths_agree_on_a_real_openstreetmap_export(rules):
    if not SHOPS.exists():
        pytest.skip("../shared/data is not beside the project")
    outcomes = agree(read_geojson(SHOPS), rules)
    assert sum(isinstance(o, PlaceRow) for o in outcomes) > 100


# -- the awkward values people's files have ---------------------------------------------

DECOMPOSED = unicodedata.normalize("NFD", "Rīga")
AWKWARD_ROWS = [
    # id, name, kind, brand, address, lat, lon, fee, condition
    ("a1", "Swedbank bankomāts", "atm", "Swedbank", "Audēju iela 1, Rīga", "56,9475", "24,1066", "0,50", ""),
    ("a2", f"Bankomāts {DECOMPOSED}", "atm", "", "", "56.95", "24.1", "", ""),
    ("a3", "Two  spaces", "atm", "", "", "56.95", "24.11", "", ""),
    ("a4", "Tab\there", "atm", "", "", "56.95", "24.12", "", ""),
    ("a5", "No\u00a0break space", "atm", "", "", "56.95", "24.13", "", ""),
    ("a6", "„Swedbank“", "atm", "„SEB“", "", "56.95", "24.14", "", ""),
    ("a7", "SIA „Mego“", "telecom_shop", "Mego", "", "56.95", "24.15", "", ""),
    ("a8", "Swapped", "atm", "", "", "24.1052", "56.9496", "", ""),
    ("a9", "Vilnius", "atm", "", "", "54.6872", "25.2797", "", ""),
    ("a10", "Out of range", "atm", "", "", "95", "24.1", "", ""),
    ("a11", "Not a number", "atm", "", "", "56.9x", "24.1", "", ""),
    ("a12", "No coordinates", "atm", "", "Kaļķu iela 1, Rīga", "", "", "", ""),
    ("a13", "No coordinates anywhere", "atm", "", "Nekurienes iela 1", "", "", "", ""),
    ("a14", "", "atm", "", "", "56.95", "24.16", "", ""),
    ("a15", "Unknown kind", "kiosk", "", "", "56.95", "24.17", "", ""),
    ("a16", "No kind", "", "", "", "56.95", "24.18", "", ""),
    ("a17", "Negative fee", "atm", "", "", "56.95", "24.19", "-0,50", ""),
    ("a18", "Fee not a number", "atm", "", "", "56.95", "24.20", "free", ""),
    ("a19", "Condition without fee", "atm", "", "", "56.95", "24.21", "", "salary_card=SEB"),
    ("a20", "Salary card", "atm", "SEB", "", "56.95", "24.22", "0", "salary_card=SEB"),
    ("a1", "Duplicate id", "atm", "", "", "56.95", "24.23", "", ""),
    ("", "No id", "post_office", "Latvijas Pasts", "", "56.5", "21.01", "0.70", ""),
    ("a21", "nan", "atm", "", "", "nan", "24.1", "", ""),
    ("a22", "Infinity", "atm", "", "", "56.95", "inf", "", ""),
    ("a23", "Underscore", "atm", "", "", "5_6.95", "24.24", "", ""),
    ("a24", "  Padded  ", "bank_branch", " SEB ", "  ", " 56.95 ", " 24.25 ", " 0.00 ", ""),
    ("a25", "Near the border", "atm", "", "", "56.07", "27.0", "", ""),
    ("a26", "Liepāja beach", "atm", "", "", "56.51", "20.99", "", ""),
    ("a27", "Nul\x00byte", "atm", "", "", "56.95", "24.26", "", ""),
    ("a28", "Nul in the address", "atm", "", "Audēju\x00iela", "56.95", "24.27", "", ""),
    ("a29", "Negative zero fee", "atm", "", "", "56.95", "24.28", "-0", ""),
]


def test_both_paths_agree_on_an_awkward_csv(tmp_path):
    path = tmp_path / "awkward.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(
            ["id", "name", "kind", "brand", "address", "lat", "lon", "fee_bill_payment", "condition_bill_payment"]
        )
        writer.writerows(AWKWARD_ROWS)
        fh.write("a30;Short row;atm\n")
        fh.write("a31;Long row;atm;;;56.95;24.3;;;extra\n")
    for rules in RULES.values():
        outcomes = agree(read_csv(path), rules)
    default = agree(read_csv(path), RULES["default"])
    assert sum(isinstance(o, PlaceRow) for o in default) >= 10  # the file is not all rejects
    assert sum(isinstance(o, str) for o in default) >= 10
    assert CLIPPED in agree(read_csv(path), RULES["clip"])
    assert outcomes


def test_both_paths_agree_on_an_awkward_geojson(tmp_path):
    features = []
    for ref, name, kind, brand, address, lat, lon, fee, condition in AWKWARD_ROWS:
        props = {
            "id": ref or None,
            "name": name,
            "kind": kind,
            "brand": brand,
            "address": address,
            "fee_bill_payment": fee,
            "condition_bill_payment": condition,
        }
        try:
            geometry = {"type": "Point", "coordinates": [float(lon.replace(",", ".")), float(lat.replace(",", "."))]}
        except ValueError:
            geometry = None
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    point = {"type": "Point", "coordinates": [24.1, 56.95]}
    features += [
        {"type": "Feature", "properties": {"name": 12345, "kind": "atm"}, "geometry": point},
        {"type": "Feature", "properties": {"name": "Lone LONE-SURROGATE surrogate", "kind": "atm"}, "geometry": point},
        {
            "type": "Feature",
            "properties": {"name": "Fee as a number", "kind": "atm", "fee_bill_payment": 0.5},
            "geometry": point,
        },
        {
            "type": "Feature",
            "properties": {"name": "Offers list", "kind": "atm", "offers": [{"service": "bill_payment", "fee_eur": 0}]},
            "geometry": point,
        },
        {
            "type": "Feature",
            "properties": {"name": "Bool coordinates", "kind": "atm"},
            "geometry": {"type": "Point", "coordinates": [True, False]},
        },
        {
            "type": "Feature",
            "properties": {"name": "String coordinates", "kind": "atm"},
            "geometry": {"type": "Point", "coordinates": ["24.1", "56.95"]},
        },
        {
            "type": "Feature",
            "properties": {"name": "Area", "kind": "dealer"},
            "geometry": {"type": "Polygon", "coordinates": [[[24.1, 56.9], [24.2, 56.9], [24.2, 57.0], [24.1, 56.9]]]},
        },
        {
            "type": "Feature",
            "properties": {"name": "Line", "kind": "dealer"},
            "geometry": {"type": "LineString", "coordinates": [[24.1, 56.9], [24.2, 56.9]]},
        },
        {"type": "Feature", "properties": None, "geometry": point},
        {
            "type": "Feature",
            "properties": {"name": "From properties", "kind": "atm", "lat": 56.9, "lon": 24.1},
            "geometry": None,
        },
        {
            "type": "Feature",
            "id": "top-level",
            "properties": {"name": "Top-level id", "kind": "atm"},
            "geometry": point,
        },
        {
            "type": "Feature",
            "properties": {"@id": "node/1", "name": "Overpass id", "kind": "atm"},
            "geometry": {"type": "Point", "coordinates": [24.1, 56.95, 12.0]},
        },
        "not a feature",
    ]
    path = tmp_path / "awkward.geojson"
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    path.write_text(text.replace("LONE-SURROGATE", "\\ud800"), encoding="utf-8")  # an escape JSON allows
    for rules in RULES.values():
        agree(read_geojson(path), rules)
    default = agree(read_geojson(path), RULES["default"])
    assert sum(isinstance(o, PlaceRow) for o in default) >= 10
    assert sum(isinstance(o, str) for o in default) >= 10
    assert "name contains a lone surrogate (U+D800), which is not text; fix the file's escapes" in default


# -- and the fast path is really taken ------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, path, options",
    [f for f in FILES if f[1].name in ("places_utf8.csv", "places_iso8859_13.csv") or f[1].parent.name == "demo"],
    ids=lambda v: getattr(v, "name", ""),
)
def test_a_clean_file_is_validated_without_a_single_record(fmt, path, options):
    table = counting(read(fmt, path, **options))
    outcomes = validate_table(table, Rules())
    assert all(isinstance(o, PlaceRow) for o in outcomes)
    assert table.asked == 0


def test_only_the_rows_that_fail_a_check_are_validated_one_by_one():
    table = counting(read_csv(DATA / "csv" / "atm_errors.csv"))
    outcomes = validate_table(table, Rules())
    assert table.asked == sum(not isinstance(o, PlaceRow) for o in outcomes) > 0


def test_validating_a_table_twice_gives_the_same_outcome():
    table = read_csv(DATA / "csv" / "places_utf8.csv")
    first = validate_table(table, Rules())
    assert validate_table(table, Rules(default_kind="atm")) == [one(r, Rules(default_kind="atm")) for r in table]
    assert validate_table(table, Rules()) == first
