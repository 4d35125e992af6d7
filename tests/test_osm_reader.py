"""The OSM reader turns relevant OSM elements (Overpass JSON, OSM XML or PBF) into canonical records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, Polygon

from locator.importers.readers.common import AREA_NOTE, GEOMETRY_PROBLEM
from locator.importers.readers.osm_geometry import CENTER_NOTE, LINE_NOTE
from locator.importers.readers.osm_reader import OsmReader, read_osm
from locator.importers.readers.osm_tags import format_address, map_tags, parse_charge
from locator.importers.records import FileProblem

DATA = Path(__file__).parent / "data" / "osm"
OVERPASS = DATA / "overpass.json"
XML = DATA / "places.osm"
BOTH = pytest.mark.parametrize("path", [OVERPASS, XML], ids=["overpass-json", "osm-xml"])


def by_ref(path):
    return {r.fields["source_ref"]: r for r in read_osm(path)}


def write(tmp_path, content, name="in.osm") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@BOTH
def test_only_elements_of_our_kinds_yield_records_numbered_by_their_place_in_the_file(path):
    records = list(read_osm(path))
    assert [(r.feature, r.fields["source_ref"], r.fields["kind"]) for r in records] == [
        (1, "node/101", "bank_branch"),
        (2, "node/102", "atm"),
        (3, "node/103", "post_office"),
        (5, "node/105", "atm"),
        (10, "way/301", "telecom_shop"),
        (11, "way/302", "telecom_shop"),
        (12, "way/303", "atm"),
        (13, "way/304", "telecom_shop"),
        (14, "relation/401", "bank_branch"),
        (15, "relation/402", "post_office"),
    ]
    assert records[4].where() == f"{path}: feature 10"


@BOTH
def test_skipped_elements_are_counted_on_the_reader(path):
    reader = OsmReader(path)
    assert len(list(reader)) == 10
    assert reader.elements == 15
    assert reader.skipped_untagged == 4  # the corner nodes of way 302
    assert reader.skipped_other_tags == 1  # shop=supermarket
    assert reader.skipped == 5


@BOTH
def test_a_bank_with_an_atm_is_a_bank_branch_with_its_address_the_latvian_way(path):
    record = by_ref(path)["node/101"]
    assert record.fields == {
        "source_ref": "node/101",
        "kind": "bank_branch",
        "name": "Swedbank",
        "brand": "Swedbank",
        "opening_hours": "Mo-Fr 09:00-18:00",
        "address": "Audēju iela 16, Rīga, LV-1050",
        "lat": 56.948,
        "lon": 24.108,
    }
    assert record.notes == []


@BOTH
def test_an_atm_without_a_name_is_named_after_its_brand_and_gets_its_fees(path):
    record = by_ref(path)["node/102"]
    assert record.fields["name"] == "Bankomāts Luminor"
    assert record.fields["operator"] == "Luminor Bank"
    assert record.fields["fee_bill_payment"] == "0"  # fee=no
    assert record.fields["fee_cash_deposit"] == "0"  # cash_in=yes
    assert record.notes == ["name: Bankomāts + brand"]


@BOTH
def test_a_fee_with_a_charge_in_euros_is_the_bill_payment_fee(path):
    fields = by_ref(path)["node/105"].fields
    assert fields["fee_bill_payment"] == "0.50"
    assert "fee_cash_deposit" not in fields


@BOTH
def test_a_post_office_address_gets_lv_before_a_bare_postcode(path):
    fields = by_ref(path)["node/103"].fields
    assert fields["address"] == "Aspazijas bulvāris 24, Rīga, LV-1050"
    assert fields["name"] == "Rīga 50"
    assert fields["operator"] == "Latvijas Pasts"


@BOTH
def test_a_way_with_a_centre_is_placed_at_the_centre(path):
    record = by_ref(path)["way/301"]
    assert (record.fields["lat"], record.fields["lon"]) == (56.956, 24.121)
    assert record.notes == [CENTER_NOTE]


@BOTH
def test_a_closed_way_given_by_its_nodes_is_placed_inside_the_ring(path):
    record = by_ref(path)["way/302"]
    ring = Polygon([(24.3000, 57.1000), (24.3010, 57.1000), (24.3010, 57.1010), (24.3000, 57.1010)])
    assert ring.contains(Point(record.fields["lon"], record.fields["lat"]))
    assert record.notes == [AREA_NOTE]
    assert record.fields["name"] == "Jāņkrogs"
    assert record.fields["address"] == "Jāņkrogs, Ādaži, LV-2164"


@BOTH
def test_an_open_way_is_placed_at_the_centroid_of_its_nodes(path):
    record = by_ref(path)["way/304"]
    assert record.fields["lat"] == pytest.approx(57.1)
    assert record.fields["lon"] == pytest.approx(24.3005)
    assert record.notes == [LINE_NOTE]


@BOTH
def test_a_way_without_coordinates_is_a_geometry_problem(path):
    fields = by_ref(path)["way/303"].fields
    assert fields[GEOMETRY_PROBLEM] == (
        "way 303 has no coordinates: none of its 2 nodes is in the file; run the Overpass query with 'out center'"
    )
    assert fields["lat"] is None and fields["lon"] is None
    assert fields["name"] == "Bankomāts SEB"


@BOTH
def test_a_relation_is_used_only_with_a_centre(path):
    records = by_ref(path)
    assert records["relation/401"].fields[GEOMETRY_PROBLEM] == (
        "relation 401 has no coordinates (relations are not assembled from their members); "
        "run the Overpass query with 'out center'"
    )
    assert (records["relation/402"].fields["lat"], records["relation/402"].fields["lon"]) == (56.51, 21.015)


def test_json_and_xml_give_the_same_records():
    def strip(records):
        return [(r.feature, r.fields, r.notes) for r in records]

    assert strip(read_osm(OVERPASS)) == strip(read_osm(XML))


@BOTH
def test_latvian_letters_come_out_intact(path):
    text = json.dumps([r.fields for r in read_osm(path)], ensure_ascii=False)
    for word in ("Jāņkrogs", "Rīga", "Ādaži", "Audēju iela", "Liepāja", "Bankomāts"):
        assert word in text


def test_an_overpass_way_with_geometry_or_bounds_is_placed_from_them(tmp_path):
    ring = [
        {"lat": 57.0, "lon": 24.0},
        {"lat": 57.0, "lon": 24.01},
        {"lat": 57.01, "lon": 24.01},
        {"lat": 57.01, "lon": 24.0},
        {"lat": 57.0, "lon": 24.0},
    ]
    path = write(
        tmp_path,
        json.dumps(
            {
                "elements": [
                    {"type": "way", "id": 1, "geometry": ring, "tags": {"amenity": "post_office", "name": "A"}},
                    {
                        "type": "way",
                        "id": 2,
                        "bounds": {"minlat": 56.0, "minlon": 24.0, "maxlat": 56.2, "maxlon": 24.4},
                        "tags": {"amenity": "bank", "name": "B"},
                    },
                ]
            }
        ),
        "in.json",
    )
    first, second = read_osm(path)
    assert Polygon([(p["lon"], p["lat"]) for p in ring]).contains(Point(first.fields["lon"], first.fields["lat"]))
    assert first.notes == [AREA_NOTE]
    assert (second.fields["lat"], second.fields["lon"]) == pytest.approx((56.1, 24.2))
    assert second.notes == ["area: stored as the centre of its bounding box"]


def test_a_way_without_centre_geometry_bounds_or_nodes_asks_for_out_center(tmp_path):
    way = {"type": "way", "id": 123, "tags": {"amenity": "bank"}}
    path = write(tmp_path, json.dumps({"elements": [way]}), "a.json")
    (record,) = read_osm(path)
    assert record.fields[GEOMETRY_PROBLEM] == "way 123 has no coordinates; run the Overpass query with 'out center'"


def test_a_way_with_some_nodes_missing_uses_the_rest_and_says_so(tmp_path):
    path = write(
        tmp_path,
        """<osm>
      <node id="1" lat="57.0" lon="24.0"/>
      <node id="2" lat="57.0" lon="24.2"/>
      <way id="9"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="shop" v="mobile_phone"/><tag k="name" v="X"/></way>
    </osm>""",
    )
    (record,) = read_osm(path)
    assert (record.fields["lat"], record.fields["lon"]) == pytest.approx((57.0, 24.1))
    assert record.notes == ["way: 1 of its 3 nodes are not in the file", LINE_NOTE]


def test_xml_nodes_out_of_id_order_are_still_found(tmp_path):
    path = write(
        tmp_path,
        """<osm>
      <node id="20" lat="57.0" lon="24.0"/>
      <node id="10" lat="57.0" lon="24.2"/>
      <way id="9"><nd ref="10"/><nd ref="20"/><tag k="amenity" v="atm"/><tag k="name" v="X"/></way>
    </osm>""",
    )
    (record,) = read_osm(path)
    assert (record.fields["lat"], record.fields["lon"]) == pytest.approx((57.0, 24.1))


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (
            {"addr:street": "Audēju iela", "addr:housenumber": "16", "addr:city": "Rīga", "addr:postcode": "LV-1050"},
            "Audēju iela 16, Rīga, LV-1050",
        ),
        ({"addr:street": "Brīvības iela", "addr:city": "Rīga"}, "Brīvības iela, Rīga"),
        ({"addr:housenumber": "5", "addr:place": "Kalnciems", "addr:postcode": "3016"}, "Kalnciems 5, LV-3016"),
        ({"addr:housename": "Jāņkrogs", "addr:place": "Ādaži"}, "Jāņkrogs, Ādaži"),
        ({"addr:postcode": "LV-4501"}, "LV-4501"),
        ({}, None),
    ],
)
def test_addresses_are_formatted_the_latvian_way(tags, expected):
    assert format_address(tags) == expected


@pytest.mark.parametrize(
    ("charge", "amount"),
    [
        ("0.50 EUR", "0.50"),
        ("EUR 1", "1"),
        ("€0,30", "0,30"),
        ("0.50 EUR/use", "0.50"),
        ("2 USD", None),
        ("0.50 EUR; 1.00 EUR", None),
        ("free", None),
    ],
)
def test_a_charge_is_read_only_when_it_is_one_amount_in_euros(charge, amount):
    assert parse_charge(charge) == amount


def test_fee_tags_map_to_offers_as_documented():
    def fees(**tags):
        fields, _ = map_tags({"amenity": "atm", "name": "x", **tags}, "atm")
        return {k: v for k, v in fields.items() if k.startswith("fee_")}

    assert fees(fee="no") == {"fee_bill_payment": "0"}
    assert fees(fee="yes") == {}
    assert fees(fee="yes", charge="0.50 EUR") == {"fee_bill_payment": "0.50"}
    assert fees(cash_in="yes") == {"fee_cash_deposit": "0"}
    assert fees(cash_in="no") == {}
    fields, notes = map_tags(
        {"amenity": "bank", "name": "B", "cash_in": "yes", "fee": "yes", "charge": "2 USD"}, "bank_branch"
    )
    assert "fee_cash_deposit" not in fields and "fee_bill_payment" not in fields
    assert notes == ["charge='2 USD' not understood (expected one amount in EUR); fee left to the fee table"]


def test_a_name_falls_back_to_brand_then_operator():
    assert map_tags({"brand": "Tele2", "operator": "Tele2 SIA"}, "telecom_shop")[0]["name"] == "Tele2"
    assert map_tags({"operator": "Latvijas Pasts"}, "post_office") == (
        {"kind": "post_office", "name": "Latvijas Pasts", "operator": "Latvijas Pasts"},
        ["name: from operator"],
    )


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("atm", "Bankomāts"),
        ("bank_branch", "Banka"),
        ("post_office", "Pasta nodaļa"),
        ("telecom_shop", "Sakaru veikals"),
    ],
)
def test_a_place_without_name_brand_or_operator_is_named_after_its_kind(kind, name):
    fields, notes = map_tags({"amenity": "x"}, kind)
    assert fields["name"] == name
    assert notes == ["name: from the kind (no name, brand or operator)"]


def test_a_locality_without_a_street_is_shown_with_its_municipality():
    fields, _ = map_tags({"addr:place": "Āgenskalns", "addr:city": "Rīga"}, "atm")
    assert fields["address"] == "Āgenskalns, Rīga"
    assert map_tags({"addr:place": "Rīga", "addr:city": "Rīga"}, "atm")[0]["address"] == "Rīga"


def test_text_is_nfc_and_stripped(tmp_path):
    path = write(
        tmp_path,
        json.dumps(
            {
                "elements": [
                    {
                        "type": "node",
                        "id": 1,
                        "lat": 57,
                        "lon": 24,
                        "tags": {"amenity": "bank", "name": " Ka\u0304rļa banka ", "brand": ""},
                    },
                ]
            }
        ),
        "in.json",
    )
    (record,) = read_osm(path)
    assert record.fields["name"] == "Kārļa banka"
    assert "brand" not in record.fields


def to_pbf(source: Path, target: Path) -> Path:
    """``source`` (OSM XML) written again as PBF by pyosmium: the format Geofabrik publishes.
    (Overpass's <center> is not OSM data: it goes first.)"""
    import re

    import osmium

    plain = target.with_suffix(".plain.osm")
    plain.write_text(re.sub(r"\s*<center [^>]*/>", "", source.read_text(encoding="utf-8")), encoding="utf-8")
    with osmium.SimpleWriter(str(target)) as writer:
        for obj in osmium.FileProcessor(str(plain)):
            writer.add(obj)
    return target


def test_a_pbf_extract_gives_the_records_the_same_data_gives_as_xml(tmp_path):
    pbf = to_pbf(XML, tmp_path / "latvia-latest.osm.pbf")
    assert pbf.read_bytes()[4:20].find(b"OSMHeader") >= 0
    from_xml, from_pbf = by_ref(XML), by_ref(pbf)
    assert from_pbf.keys() == from_xml.keys()
    overpass_only = {"way/301", "relation/402"}  # placed by Overpass <center>, which PBF has not
    for ref in from_xml.keys() - overpass_only:
        assert from_pbf[ref].fields == from_xml[ref].fields, ref
        assert from_pbf[ref].notes == from_xml[ref].notes, ref
    assert from_pbf["way/302"].notes == [AREA_NOTE]  # its untagged nodes placed it
    assert from_pbf["way/301"].fields[GEOMETRY_PROBLEM].startswith("way 301 has no coordinates")
    assert from_pbf["relation/402"].fields[GEOMETRY_PROBLEM].startswith("relation 402 has no coordinates")
    reader = OsmReader(pbf)
    records = list(reader)
    # Only elements with an amenity or shop tag reach Python: they are the features counted
    # (the 4th is the supermarket, skipped).
    assert [r.feature for r in records] == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11]
    assert (reader.elements, reader.skipped_untagged, reader.skipped_other_tags) == (11, 0, 1)


def test_pbf_content_under_another_name_is_read_as_pbf(tmp_path):
    pbf = to_pbf(XML, tmp_path / "places.osm.pbf")
    download = tmp_path / "download"
    download.write_bytes(pbf.read_bytes())
    assert by_ref(download).keys() == by_ref(pbf).keys()


def test_a_damaged_pbf_file_is_named(tmp_path):
    pbf = to_pbf(XML, tmp_path / "places.osm.pbf")
    damaged = write(tmp_path, pbf.read_bytes()[:60], "damaged.osm.pbf")
    with pytest.raises(FileProblem) as exc:
        list(read_osm(damaged))
    assert str(exc.value).startswith(f"{damaged}: cannot read the PBF file: ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"id;name\n1;x\n",
            "neither Overpass JSON nor OSM XML (starts with 'id;name\\n1;x\\n'); "
            "expected '{' (Overpass JSON) or '<' (OSM XML)",
        ),
        (b"  \n", "empty file; expected Overpass JSON or OSM XML"),
        (b"\x1f\x8b\x08\x00", "gzip-compressed; decompress it first: gunzip -k {path}"),
        (b"BZh91AY", "bzip2-compressed; decompress it first: bunzip2 -k {path}"),
    ],
)
def test_an_unknown_format_is_a_file_problem(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(FileProblem) as exc:
        read_osm(path)
    assert str(exc.value) == f"{path}: " + message.replace("{path}", str(path))


def test_a_utf8_bom_and_leading_space_are_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf \n" + OVERPASS.read_bytes(), "in.json")
    assert len(list(read_osm(path))) == 10


def test_json_without_elements_is_a_file_problem(tmp_path):
    path = write(tmp_path, '{"type": "FeatureCollection", "features": []}', "in.json")
    with pytest.raises(FileProblem) as exc:
        read_osm(path)
    assert str(exc.value) == (
        f'{path}: not Overpass JSON: expected an object with an "elements" list '
        "(this is GeoJSON: use the GeoJSON reader)"
    )


def test_invalid_json_is_a_file_problem_with_line_and_column(tmp_path):
    path = write(tmp_path, '{"elements": [\n  {"type": "node",]\n}', "in.json")
    with pytest.raises(FileProblem) as exc:
        read_osm(path)
    assert str(exc.value) == (
        f"{path}: not valid JSON: Expecting property name enclosed in double quotes at line 2, column 19"
    )


def test_invalid_xml_is_a_file_problem_with_line_and_column(tmp_path):
    path = write(tmp_path, '<osm>\n  <node id="1" lat="57" lon="24">\n</osm>\n')
    with pytest.raises(FileProblem) as exc:
        list(read_osm(path))
    assert str(exc.value) == f"{path}: not valid XML: mismatched tag at line 3, column 3"


def test_xml_whose_root_is_not_osm_is_a_file_problem(tmp_path):
    path = write(tmp_path, '<?xml version="1.0"?>\n<gpx><wpt lat="57" lon="24"/></gpx>')
    with pytest.raises(FileProblem) as exc:
        list(read_osm(path))
    assert str(exc.value) == f"{path}: not OSM XML: the root element is <gpx>, expected <osm>"


def test_an_overpass_error_remark_means_an_incomplete_result(tmp_path):
    remark = 'runtime error: Query timed out in "query" at line 3 after 25 seconds.'
    path = write(tmp_path, json.dumps({"elements": [], "remark": remark}), "in.json")
    with pytest.raises(FileProblem, match="Overpass reported .*timed out.*: the result is incomplete"):
        read_osm(path)
    xml = write(tmp_path, f"<osm><remark>{remark}</remark></osm>")
    with pytest.raises(FileProblem, match="the result is incomplete"):
        list(read_osm(xml))


def test_bytes_read_are_reported():
    for path in (OVERPASS, XML):
        seen = []
        list(read_osm(path, on_bytes=seen.append))
        assert sum(seen) == path.stat().st_size


def test_a_missing_file_is_a_file_problem(tmp_path):
    path = tmp_path / "missing"
    with pytest.raises(FileProblem) as exc:
        read_osm(path)
    assert str(exc.value) == f"{path}: cannot read the file: No such file or directory"


def test_pyosmium_refuses_overpass_xml_which_is_why_the_xml_reader_is_our_own():
    """The reason osm_xml does not use pyosmium (see its docstring): libosmium stops at
    Overpass's <center> and at an <osm> without a version, both of which the reader reads."""
    import osmium

    with pytest.raises(RuntimeError, match=r"Unknown element in <way>: center"):
        list(osmium.FileProcessor(osmium.io.File(str(XML), "osm")))
    versionless = b'<osm>\n  <node id="1" lat="57" lon="24"><tag k="amenity" v="atm"/></node>\n</osm>'
    with pytest.raises(RuntimeError, match="without version"):
        list(osmium.FileProcessor(osmium.io.FileBuffer(versionless, "osm")))
    assert len(list(read_osm(XML))) == 10
