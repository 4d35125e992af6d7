"""The validator's specification on whole files: what it decides for every row of the project's
test files, the demo, a real OpenStreetMap export and files full of the awkward values
people's files have, under several rule sets.

Every row, of a reader's Table or of a plain list of records, goes through the same rules
(``locator.importers.rules``); a Table gives them as columns, and only its suspect rows are read as
records.  So a Table's outcomes must equal its records' outcomes, and a clean file must be
validated without building a single record.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from locator.importers.fee_table import read_fee_table
from locator.importers.options import Rules
from locator.importers.readers.csv_reader import read_csv
from locator.importers.readers.geojson_reader import read_geojson
from locator.importers.records import parse_mapping
from locator.importers.rows import PlaceRow
from locator.importers.rules import CLIPPED
from locator.importers.validator import validate_records, validate_table

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
    """The table's outcomes, asserted equal row by row to those of its records; returns them."""
    by_table = validate_table(table, rules)
    by_record = validate_records(list(table), rules)
    assert len(by_table) == len(by_record) == table.n
    for i, (fast, slow) in enumerate(zip(by_table, by_record)):
        assert type(fast) is type(slow) and fast == slow, f"{table.where(i)}: {fast!r} != {slow!r}"
        if isinstance(fast, PlaceRow):  # the same floats, bit for bit, and the same offers
            assert (fast.lat.hex(), fast.lon.hex()) == (slow.lat.hex(), slow.lon.hex())
    return by_table


def counting(table):
    """``table`` with a count of the records the validator asked for one by one."""
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
def test_tables_and_their_records_agree_on_the_project_files(fmt, path, options, rules):
    agree(read(fmt, path, **options), rules)


@pytest.mark.parametrize(
    "rules", [Rules(default_kind="dealer"), Rules(default_kind="dealer", clip=True)], ids=["dealer", "dealer, clip"]
)
def test_tables_and_their_records_agree_on_a_real_openstreetmap_export(rules):
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


NUL = "contains a NUL character (0x00); is the file UTF-16? (give --encoding)"
NO_GEOCODER = (
    "coordinates missing and no geocoder is configured to find {!r} (set LOCATOR_GEOCODER, or add lat and lon)"
)
OK = "accepted"
# What the default rules decide for each of AWKWARD_ROWS, in either format ("accepted": a place).
AWKWARD_OUTCOMES = {
    "a8": "lat 24.1052 and lon 56.9496 look swapped: the point is in Latvia the other way round "
    "(check the lat and lon columns)",
    "a9": "the point lat 54.6872, lon 25.2797 is outside Latvia (use --clip to skip such points)",
    "a10": "lat 95 is out of range (-90..90)",
    "a14": "name is empty",
    "a15": "unknown kind 'kiosk'; expected one of: bank_branch, atm, post_office, dealer, telecom_shop",
    "a16": "kind is empty (add a kind column, or give --kind)",
    "a18": "fee_bill_payment 'free' is not a number",
    "a19": "condition_bill_payment is given without fee_bill_payment",
    "a27": f"name {NUL}",
    "a28": f"address {NUL}",
}
CSV_OUTCOMES = {
    "a11": "lat '56.9x' is not a number",
    "a12": NO_GEOCODER.format("Kaļķu iela 1, Rīga"),
    "a13": NO_GEOCODER.format("Nekurienes iela 1"),
    "a17": "fee_bill_payment '-0.50' is negative",  # the reader reads "-0,50" as the decimal it is
    "a21": "lat 'nan' is not a number",
    "a22": "lon 'inf' is not a number",
}
NO_GEOMETRY = "the feature has no geometry (null); expected a Point or an area"
GEOJSON_OUTCOMES = {
    "a11": NO_GEOMETRY,
    "a12": NO_GEOMETRY,
    "a13": NO_GEOMETRY,
    "a17": "fee_bill_payment '-0,50' is negative",
    "a21": "lat nan is not a number",
    "a22": "lon inf is not a number",
}


def expected(refs: list[str], own: dict[str, str]) -> list[str]:
    outcomes = {**AWKWARD_OUTCOMES, **own}
    return [outcomes.get(ref, OK) for ref in refs]


def summary(outcomes: list) -> list:
    """Each outcome as the text of its rejection, "accepted" or CLIPPED."""
    return [OK if isinstance(o, PlaceRow) else o for o in outcomes]


def test_each_awkward_row_of_a_csv_is_decided_as_specified(tmp_path):
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
        agree(read_csv(path), rules)
    default = agree(read_csv(path), RULES["default"])
    refs = [row[0] for row in AWKWARD_ROWS]
    assert summary(default) == expected(refs, CSV_OUTCOMES) + [
        "coordinates missing: no lat and lon, and no address to geocode",  # a30: its lat and lon cells are missing
        OK,  # a31: the extra cell is noted by the reader, the row is a place
    ]
    places = {o.name: o for o in default if isinstance(o, PlaceRow)}
    assert places["Two spaces"].name == "Two spaces" and places["Tab here"].name == "Tab here"
    assert places["Bankomāts Rīga"].name == unicodedata.normalize("NFC", f"Bankomāts {DECOMPOSED}")
    assert (places["Padded"].brand, places["Padded"].lat, places["Padded"].lon) == ("SEB", 56.95, 24.25)
    assert places["No id"].source_ref.startswith("auto:") and places["Duplicate id"].source_ref == "a1"
    assert [(o.service, o.condition) for o in places["Salary card"].offers] == [("bill_payment", "salary_card=seb")]
    assert summary(agree(read_csv(path), RULES["clip"]))[refs.index("a9")] is CLIPPED
    assert summary(agree(read_csv(path), RULES["kind atm"]))[refs.index("a16")] == OK
    geocoded = agree(read_csv(path), RULES["geocoder"])
    assert (geocoded[refs.index("a12")].lat, geocoded[refs.index("a12")].lon) == (56.9496, 24.1052)
    assert geocoded[refs.index("a13")] == "coordinates missing and the geocoder found no place for 'Nekurienes iela 1'"


def test_each_awkward_feature_of_a_geojson_is_decided_as_specified(tmp_path):
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
    refs = [row[0] for row in AWKWARD_ROWS]
    assert summary(default) == expected(refs, GEOJSON_OUTCOMES) + [
        OK,  # a name given as a number
        "name contains a lone surrogate (U+D800), which is not text; fix the file's escapes",
        OK,  # a fee given as a number
        OK,  # an offers list
        "the Point has no usable coordinates ([true, false]); expected [longitude, latitude]",
        'the Point has no usable coordinates (["24.1", "56.95"]); expected [longitude, latitude]',
        OK,  # an area: its point inside
        "a LineString is not a place; expected a Point or an area",
        "kind is empty (add a kind column, or give --kind)",  # no properties
        OK,  # lat and lon from the properties
        OK,  # the feature's own id
        OK,  # an Overpass @id, and a third coordinate
        "not a GeoJSON Feature (found a JSON string)",
    ]
    places = [o for o in default if isinstance(o, PlaceRow)]
    assert [p.source_ref for p in places[-3:]] == [places[-3].source_ref, "top-level", "node/1"]
    assert places[-3].source_ref.startswith("auto:") and places[-3].name == "From properties"
    assert [o.fee_eur for o in next(p for p in places if p.name == "Fee as a number").offers] == [Decimal("0.50")]
    assert summary(agree(read_geojson(path), RULES["clip"]))[refs.index("a9")] is CLIPPED


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


def test_only_the_suspect_rows_of_a_table_are_read_as_records():
    table = counting(read_csv(DATA / "csv" / "atm_errors.csv"))
    outcomes = validate_table(table, Rules())
    assert sum(not isinstance(o, PlaceRow) for o in outcomes) > 0  # rows rejected, from their columns
    assert table.asked == sum(table.columns().suspect)


def test_validating_a_table_twice_gives_the_same_outcome():
    table = read_csv(DATA / "csv" / "places_utf8.csv")
    first = validate_table(table, Rules())
    assert validate_table(table, Rules(default_kind="atm")) == validate_records(table, Rules(default_kind="atm"))
    assert validate_table(table, Rules()) == first
