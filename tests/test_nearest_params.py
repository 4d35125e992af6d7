"""One declaration of the nearest query's parameters, read by the API, the page and the core alike."""

from __future__ import annotations

import pytest

from locator.errors import InvalidQuery, OutsideServiceArea
from locator.nearest_params import MAX_OFFSET, Limits, configured, parse
from locator.query import NearestQuery

PARIS = {"lat": "48.8566", "lon": "2.3522"}


def test_the_schema_gives_every_parameter_its_description_default_and_bounds():
    schema = configured(Limits(max_results=20, default_results=4)).model_json_schema()
    props = schema["properties"]
    assert set(props) == {
        "lat",
        "lon",
        "service",
        "kind",
        "commission_free",
        "salary_card",
        "max_distance_m",
        "k",
        "offset",
        "open_at",
        "open_now",
    }
    assert all(p.get("description") for p in props.values())
    assert schema["required"] == ["lat", "lon"] and schema["additionalProperties"] is False
    assert (props["lat"]["minimum"], props["lat"]["maximum"]) == (-90, 90)
    assert (props["k"]["minimum"], props["k"]["maximum"], props["k"]["default"]) == (1, 20, 4)
    assert (props["offset"]["minimum"], props["offset"]["maximum"]) == (0, MAX_OFFSET)
    assert props["service"]["enum"][0] == props["service"]["default"] == "bill_payment"


def test_the_service_area_is_part_of_the_declaration():
    model = configured(Limits(service_area_buffer_m=25_000))
    with pytest.raises(OutsideServiceArea, match="far outside Latvia") as caught:
        parse(model, PARIS)
    assert caught.value.param == "lat" and caught.value.status == 400
    # about 55 km south of the border near Bauska: refused at 25 km, let in by a wider service area
    south = {"lat": "55.9", "lon": "24.1"}
    with pytest.raises(OutsideServiceArea):
        parse(model, south)
    assert parse(configured(Limits(service_area_buffer_m=80_000)), south).lat == 55.9


def test_query_strings_are_read_as_people_type_them():
    p = parse(
        configured(Limits()), {"lat": " 56,9477 ", "lon": "24.1085", "kind": ["atm, post_office", "atm"], "k": ""}
    )
    q = NearestQuery.from_params(p)
    assert (q.lat, q.kinds, q.k, q.offset) == (56.9477, ("atm", "post_office"), 5, 0)


def test_the_core_checks_its_invariants_with_the_same_words():
    for kwargs, param, message in (
        ({"lat": 91.0, "lon": 24.0}, "lat", "lat must be between -90 and 90"),
        ({"lat": 56.9, "lon": 24.0, "kinds": ("casino",)}, "kind", "unknown kind 'casino'"),
        ({"lat": 56.9, "lon": 24.0, "k": 0}, "k", "k must be a whole number of at least 1"),
        ({"lat": 56.9, "lon": 24.0, "offset": -1}, "offset", "offset must be a whole number of at least 0"),
        ({"lat": 56.9, "lon": 24.0, "max_distance_m": 0.0}, "max_distance_m", "positive"),
    ):
        with pytest.raises(InvalidQuery, match=message) as caught:
            NearestQuery(**kwargs)
        assert caught.value.param == param
