"""The GeoJSON reader turns features into canonical records and never judges their values."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from locator.importers.readers.common import AREA_NOTE, GEOMETRY_PROBLEM
from locator.importers.readers.geojson_reader import read_geojson
from locator.importers.records import FileProblem

DATA = Path(__file__).parent / "data" / "geojson"
PLACES = DATA / "places.geojson"
MAPPED = DATA / "mapped.geojson"
EXCERPT = DATA / "osm_shops_excerpt.geojson"


def by_number(path, **kwargs):
    return {r.feature: r for r in read_geojson(path, **kwargs)}


def write(tmp_path, content, name="in.geojson") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def feature_collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_a_point_gives_lat_and_lon_as_floats_and_ignores_z():
    record = by_number(PLACES)[1]
    assert record.fields["lat"] == 56.9496
    assert record.fields["lon"] == 24.1052
    assert GEOMETRY_PROBLEM not in record.fields
    assert record.notes == []


def test_every_feature_yields_one_record_numbered_from_one():
    records = list(read_geojson(PLACES))
    assert [r.feature for r in records] == [1, 2, 3, 4, 5]
    assert records[0].where() == f"{PLACES}: feature 1"
    assert records[0].line is None


def test_canonical_properties_map_to_themselves_and_others_are_ignored():
    fields = by_number(PLACES)[1].fields
    assert fields["source_ref"] == "b-1"
    assert fields["kind"] == "bank_branch"
    assert fields["brand"] == "Paraugbanka"
    assert fields["address"] == "Audēju iela 16, Rīga, LV-1050"
    assert fields["opening_hours"] == "Mo-Fr 09:00-17:00"
    assert fields["condition_bill_payment"] == "salary_card=Paraugbanka"
    assert "open_now" not in fields and "colour" not in fields


def test_text_is_stripped_and_an_empty_string_becomes_none():
    records = by_number(PLACES)
    assert records[1].fields["name"] == "Paraugbanka, Audēju iela"
    assert records[2].fields["address"] is None


def test_fees_stay_numbers():
    fields = by_number(PLACES)[1].fields
    assert fields["fee_bill_payment"] == 0.5 and isinstance(fields["fee_bill_payment"], float)
    assert fields["fee_cash_deposit"] == 0 and isinstance(fields["fee_cash_deposit"], int)


def test_booleans_are_kept_as_they_are(tmp_path):
    path = write(
        tmp_path,
        feature_collection(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [24, 57]},
                "properties": {"name": True, "fee_buy_phones": False},
            },
        ),
    )
    (record,) = read_geojson(path)
    assert record.fields["name"] is True
    assert record.fields["fee_buy_phones"] is False


def test_a_decomposed_name_comes_out_nfc():
    raw = json.loads(PLACES.read_text(encoding="utf-8"))["features"][1]["properties"]["name"]
    assert raw != unicodedata.normalize("NFC", raw)  # the fixture really is decomposed
    name = by_number(PLACES)[2].fields["name"]
    assert name == "Kārļa pasts"
    assert unicodedata.is_normalized("NFC", name)


def test_a_polygon_becomes_a_point_inside_it_even_when_its_centroid_is_outside():
    record = by_number(PLACES)[2]
    polygon = shape(json.loads(PLACES.read_text(encoding="utf-8"))["features"][1]["geometry"])
    assert not polygon.contains(polygon.centroid)  # the U shape: why representative_point
    assert polygon.contains(Point(record.fields["lon"], record.fields["lat"]))
    assert record.notes == [AREA_NOTE]
    assert AREA_NOTE == "area: stored as a point inside it"


def test_a_multipolygon_becomes_a_point_inside_one_of_its_parts():
    record = by_number(PLACES)[3]
    area = shape(json.loads(PLACES.read_text(encoding="utf-8"))["features"][2]["geometry"])
    assert area.contains(Point(record.fields["lon"], record.fields["lat"]))
    assert record.notes == [AREA_NOTE]


def test_a_linestring_is_reported_under_the_geometry_problem_key():
    record = by_number(PLACES)[4]
    assert GEOMETRY_PROBLEM == "_geometry_problem"
    assert record.fields[GEOMETRY_PROBLEM] == "a LineString is not a place; expected a Point or an area"
    assert record.fields["lat"] is None and record.fields["lon"] is None
    assert record.fields["name"] == "Not a place"


def test_a_null_geometry_is_reported_under_the_geometry_problem_key():
    record = by_number(PLACES)[5]
    assert record.fields[GEOMETRY_PROBLEM] == "the feature has no geometry (null); expected a Point or an area"
    assert record.fields["lat"] is None and record.fields["lon"] is None


def test_a_null_geometry_with_lat_and_lon_properties_keeps_those(tmp_path):
    path = write(
        tmp_path,
        feature_collection(
            {"type": "Feature", "geometry": None, "properties": {"name": "x", "lat": "56,95", "lon": 24.1}},
        ),
    )
    (record,) = read_geojson(path)
    assert (record.fields["lat"], record.fields["lon"]) == ("56,95", 24.1)  # as found: the validator judges
    assert GEOMETRY_PROBLEM not in record.fields


def test_other_geometries_and_items_that_are_not_features_are_reported(tmp_path):
    path = write(
        tmp_path,
        feature_collection(
            {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": [[24, 57]]}, "properties": {}},
            {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": [[24, 57], [25, 57]]}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["24", 57]}},
            {"type": "Feature", "geometry": {"type": "Circle", "coordinates": [24, 57]}},
            {"type": "Point", "coordinates": [24, 57]},
            [24, 57],
        ),
    )
    records = list(read_geojson(path))
    assert (records[0].fields["lat"], records[0].fields["lon"]) == (57.0, 24.0)
    assert [r.fields.get(GEOMETRY_PROBLEM) for r in records[1:]] == [
        "a MultiPoint with 2 points is not one place; expected a Point or an area",
        'the Point has no usable coordinates (["24", 57]); expected [longitude, latitude]',
        "geometry type 'Circle' is not GeoJSON; expected a Point or an area",
        "not a GeoJSON Feature (found type 'Point')",
        "not a GeoJSON Feature (found a JSON array)",
    ]


def test_a_mapping_names_the_property_for_each_canonical_field_and_wins_over_a_canonical_property():
    mapping = {
        "source_ref": "nr",
        "kind": "veids",
        "name": "nosaukums",
        "address": "adrese",
        "fee_buy_services": "komisija",
    }
    fields = by_number(MAPPED, mapping=mapping)[1].fields
    assert fields == {
        "source_ref": "D-001",
        "kind": "dealer",
        "name": "Jāņkrogs",
        "address": "Jāņkrogs, Ādaži, LV-2164",
        "fee_buy_services": "0,30",
        "lat": 56.5047,
        "lon": 21.0107,
    }


def test_a_mapped_source_ref_does_not_fall_back_to_the_feature_id():
    fields = by_number(MAPPED, mapping={"source_ref": "nr"})[2].fields
    assert "source_ref" not in fields


def test_the_feature_id_is_the_source_ref_when_no_property_gives_one():
    assert by_number(MAPPED, mapping={"name": "nosaukums"})[2].fields["source_ref"] == 78
    assert by_number(PLACES)[2].fields["source_ref"] == "post/LV-1010"


def test_an_id_property_is_the_source_ref_before_the_feature_id():
    assert by_number(PLACES)[3].fields["source_ref"] == 4242


def test_a_mapped_property_that_no_feature_has_is_a_file_problem():
    with pytest.raises(FileProblem) as exc:
        read_geojson(MAPPED, mapping={"name": "nosaukum"})
    assert str(exc.value).startswith(f"{MAPPED}: --map name=nosaukum: no feature has a property 'nosaukum'")
    assert "nosaukums" in str(exc.value)


def test_a_mapping_to_an_unknown_field_is_a_value_error():
    with pytest.raises(ValueError, match="unknown field 'title'"):
        read_geojson(MAPPED, mapping={"title": "nosaukums"})


def test_a_single_feature_is_read_as_a_collection_of_one(tmp_path):
    path = write(
        tmp_path,
        json.dumps(
            {
                "type": "Feature",
                "id": "f1",
                "geometry": {"type": "Point", "coordinates": [24.1, 56.9]},
                "properties": {"name": "Viens"},
            }
        ),
    )
    (record,) = read_geojson(path)
    assert record.feature == 1
    assert record.fields == {"name": "Viens", "source_ref": "f1", "lat": 56.9, "lon": 24.1}


def test_a_utf8_bom_is_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + PLACES.read_bytes())
    assert len(list(read_geojson(path))) == 5


def test_bytes_read_are_reported():
    seen = []
    list(read_geojson(PLACES, on_bytes=seen.append))
    assert sum(seen) == PLACES.stat().st_size


def test_invalid_json_is_a_file_problem_with_line_and_column(tmp_path):
    path = write(tmp_path, '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature",}\n ]}')
    with pytest.raises(FileProblem) as exc:
        read_geojson(path)
    assert str(exc.value) == (
        f"{path}: not valid JSON: Expecting property name enclosed in double quotes at line 3, column 22"
    )


def test_text_that_is_not_utf8_is_a_file_problem(tmp_path):
    path = write(tmp_path, '{"type": "FeatureCollection", "features": [], "x": "Rīga"}'.encode("cp1257"))
    with pytest.raises(FileProblem, match=r"not UTF-8 \(byte 0xee on line 1, byte offset 53\); save the file as UTF-8"):
        read_geojson(path)


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ('{"type": "Point", "coordinates": [24, 57]}', "found type 'Point'"),
        ('[{"type": "Feature"}]', "found a JSON array"),
        ('{"features": []}', 'found an object without "type"'),
    ],
)
def test_anything_but_a_feature_collection_or_feature_is_a_file_problem(tmp_path, content, found):
    path = write(tmp_path, content)
    with pytest.raises(FileProblem) as exc:
        read_geojson(path)
    assert str(exc.value) == f"{path}: not a GeoJSON FeatureCollection ({found})"


def test_overpass_json_is_pointed_at_the_osm_reader(tmp_path):
    path = write(tmp_path, '{"elements": []}')
    with pytest.raises(FileProblem, match="looks like Overpass JSON: use the OSM reader"):
        read_geojson(path)


def test_a_collection_without_a_features_list_is_a_file_problem(tmp_path):
    path = write(tmp_path, '{"type": "FeatureCollection", "features": {}}')
    with pytest.raises(FileProblem, match='the FeatureCollection has no "features" list'):
        read_geojson(path)


def test_a_projected_crs_is_a_file_problem_and_wgs84_is_fine(tmp_path):
    lks92 = write(
        tmp_path,
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [],
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3059"}},
            }
        ),
    )
    with pytest.raises(FileProblem) as exc:
        read_geojson(lks92)
    assert str(exc.value).startswith(f"{lks92}: coordinates are in urn:ogc:def:crs:EPSG::3059, not WGS 84")
    assert "ogr2ogr -t_srs EPSG:4326" in str(exc.value)
    for name in ("urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"):
        ok = write(
            tmp_path,
            json.dumps(
                {"type": "FeatureCollection", "features": [], "crs": {"type": "name", "properties": {"name": name}}}
            ),
            "ok.geojson",
        )
        assert list(read_geojson(ok)) == []


def test_a_real_osm_excerpt_keeps_names_ids_and_coordinates_intact():
    records = list(read_geojson(EXCERPT))
    assert len(records) == 20
    first = records[0]
    assert first.fields == {"source_ref": "10990147387", "name": "Aibe", "lat": 56.514029, "lon": 20.995811}
    names = [r.fields["name"] for r in records]
    assert "Mego" in names and "Maxima XX" in names and "top!" in names and "Top!" in names
    assert names[17] == "Ziemeļu mols"
    assert names[14] is None and names[16] is None  # empty names in OSM: the validator rejects them
    assert all(GEOMETRY_PROBLEM not in r.fields and r.notes == [] for r in records)


def test_a_missing_file_is_a_file_problem(tmp_path):
    path = tmp_path / "missing"
    with pytest.raises(FileProblem) as exc:
        read_geojson(path)
    assert str(exc.value) == f"{path}: cannot read the file: No such file or directory"
