"""The JSON API, specified against the demo data on both engines."""

from __future__ import annotations

import pytest

from locator.query import NearestQuery, nearest

AUDEJU = {"lat": 56.9477, "lon": 24.1085}
PROBLEM = "application/problem+json"


def get(client, path, **params):
    return client.get(path, query_string=params)


def test_nearest_defaults_to_five_bill_payment_places_closest_first(client):
    r = get(client, "/api/nearest", **AUDEJU)
    assert r.status_code == 200
    body = r.get_json()
    assert body["origin"] == AUDEJU
    assert body["query"]["service"] == "bill_payment" and body["query"]["k"] == 5
    results = body["results"]
    assert len(results) == 5
    distances = [x["distance_m"] for x in results]
    assert distances == sorted(distances)
    for x in results:
        assert {
            "id",
            "name",
            "kind",
            "address",
            "lat",
            "lon",
            "distance_m",
            "fee_eur",
            "commission_free",
            "source",
        } <= x.keys()


def test_nearest_equals_the_query_core(client, demo_session):
    r = get(client, "/api/nearest", **AUDEJU, service="bill_payment", commission_free="true", k=7)
    got = [(x["id"], x["distance_m"], x["fee_eur"]) for x in r.get_json()["results"]]
    core = nearest(demo_session, NearestQuery(**AUDEJU, commission_free=True, k=7))
    assert got == [(m.place.id, round(m.distance_m, 1), float(m.fee_eur)) for m in core]
    assert all(x["commission_free"] and x["fee_eur"] == 0 for x in r.get_json()["results"])


def test_commission_free_drops_places_that_charge(client):
    every = get(client, "/api/nearest", **AUDEJU, k=30).get_json()["results"]
    free = get(client, "/api/nearest", **AUDEJU, k=30, commission_free="true").get_json()["results"]
    assert any(not x["commission_free"] for x in every), "the demo must have places that charge"
    assert {x["id"] for x in free} <= {x["id"] for x in every} | {x["id"] for x in free}
    assert all(x["fee_eur"] == 0 for x in free)


def test_a_salary_card_makes_that_banks_atms_free(client):
    plain = get(client, "/api/nearest", **AUDEJU, kind="atm", k=30).get_json()["results"]
    brand = next(x["brand"] for x in plain if x["brand"])  # many ATMs in OSM name no bank
    carded = get(client, "/api/nearest", **AUDEJU, kind="atm", k=30, salary_card=brand).get_json()["results"]
    assert all(x["fee_eur"] > 0 for x in plain)
    assert all(x["fee_eur"] == 0 for x in carded if x["brand"] == brand)
    assert all(x["fee_eur"] > 0 for x in carded if x["brand"] != brand)


def test_kinds_and_maximum_distance_filter(client):
    r = get(client, "/api/nearest", **AUDEJU, kind="post_office,bank_branch", max_distance_m=1500, k=50)
    results = r.get_json()["results"]
    assert results and all(x["kind"] in ("post_office", "bank_branch") for x in results)
    assert all(x["distance_m"] <= 1500 for x in results)


def test_offset_gives_the_next_page_of_the_same_ranking(client):
    ten = get(client, "/api/nearest", **AUDEJU, k=10).get_json()["results"]
    first = get(client, "/api/nearest", **AUDEJU, k=5).get_json()
    second = get(client, "/api/nearest", **AUDEJU, k=5, offset=5).get_json()
    assert first["results"] + second["results"] == ten
    assert second["query"]["offset"] == 5 and first["query"]["offset"] == 0
    centre = get(client, "/api/closed-centres/riga-audeju-iela/nearest", k=2, offset=3).get_json()["results"]
    at_point = get(client, "/api/closed-centres/riga-audeju-iela/nearest", k=5).get_json()["results"]
    assert centre == at_point[3:5]


def test_geojson_gives_a_feature_collection_with_the_same_properties(client):
    plain = get(client, "/api/nearest", **AUDEJU).get_json()
    r = get(client, "/api/nearest", **AUDEJU, f="geojson")
    assert r.mimetype == "application/geo+json"
    fc = r.get_json()
    assert fc["type"] == "FeatureCollection"
    assert [f["properties"] for f in fc["features"]] == plain["results"]
    for f in fc["features"]:
        assert f["geometry"]["coordinates"] == [f["properties"]["lon"], f["properties"]["lat"]]


def test_results_carry_their_sources_attribution(client):
    body = get(client, "/api/nearest", **AUDEJU, k=20).get_json()
    names = {s["name"] for s in body["sources"]}
    assert {x["source"] for x in body["results"]} == names
    for s in body["sources"]:
        assert s["licence"] and s["attribution"]
        if s["illustrative"]:
            assert "illustrative" in (s["title"] + s["attribution"]).lower()


def test_closed_centres_list_includes_audeju_iela(client):
    centres = get(client, "/api/closed-centres").get_json()["closed_centres"]
    riga = [c for c in centres if "Audēju" in c["address"]]
    assert len(riga) == 1 and len(centres) >= 8
    assert riga[0]["lat"] == pytest.approx(56.9477, abs=0.002)


def test_nearest_to_a_closed_centre_is_the_nearest_to_its_point(client):
    centre = get(client, "/api/closed-centres").get_json()["closed_centres"][0]
    by_id = get(client, f"/api/closed-centres/{centre['id']}/nearest", service="buy_services").get_json()
    by_slug = get(client, centre["nearest_url"], service="buy_services").get_json()
    at_point = get(client, "/api/nearest", lat=centre["lat"], lon=centre["lon"], service="buy_services").get_json()
    assert by_id["centre"]["slug"] == centre["slug"]
    assert by_id["results"] == by_slug["results"]
    assert [x["id"] for x in by_id["results"]] == [x["id"] for x in at_point["results"]]


def test_the_batch_form_answers_every_closed_centre(client):
    centres = get(client, "/api/closed-centres").get_json()["closed_centres"]
    batch = get(client, "/api/closed-centres/nearest", commission_free="true", k=3).get_json()
    assert [c["centre"]["slug"] for c in batch["closed_centres"]] == [c["slug"] for c in centres]
    assert all(len(c["results"]) == 3 for c in batch["closed_centres"])


def test_healthz_reports_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json()["database"]["engine"] in ("spatialite", "postgis")


BAD_QUERIES = [
    ({"lon": 24.1}, "lat", "lat is required"),
    ({"lat": 56.9}, "lon", "lon is required"),
    ({"lat": "abc", "lon": 24.1}, "lat", "lat must be a number"),
    ({"lat": 56.9, "lon": "24.1x"}, "lon", "lon must be a number"),
    ({"lat": "nan", "lon": 24.1}, "lat", "finite"),
    ({"lat": 91, "lon": 24.1}, "lat", "lat must be between -90 and 90"),
    ({"lat": 56.9, "lon": -181}, "lon", "lon must be between -180 and 180"),
    ({"lat": 48.8566, "lon": 2.3522}, "lat", "far outside Latvia"),
    ({"lat": 54.6872, "lon": 25.2797}, "lat", "far outside Latvia"),
    ({**AUDEJU, "k": 51}, "k", "k must be between 1 and 50"),
    ({**AUDEJU, "k": 0}, "k", "k must be between 1 and 50"),
    ({**AUDEJU, "k": "five"}, "k", "k must be a whole number"),
    ({**AUDEJU, "service": "teleport"}, "service", "unknown service 'teleport'"),
    ({**AUDEJU, "kind": "casino"}, "kind", "unknown kind 'casino'"),
    ({**AUDEJU, "kind": "atm,casino"}, "kind", "unknown kind 'casino'"),
    ({**AUDEJU, "commission_free": "maybe"}, "commission_free", "true or false"),
    ({**AUDEJU, "max_distance_m": -5}, "max_distance_m", "positive"),
    ({**AUDEJU, "f": "xml"}, "f", "f must be one of"),
    ({**AUDEJU, "comission_free": "true"}, "comission_free", "unknown parameter"),
    ({**AUDEJU, "salary_card": "x" * 61}, "salary_card", "at most 60"),
    ({**AUDEJU, "offset": -1}, "offset", "offset must be between 0 and 1000"),
    ({**AUDEJU, "offset": 1001}, "offset", "offset must be between 0 and 1000"),
    ({**AUDEJU, "offset": "next"}, "offset", "offset must be a whole number"),
]


@pytest.mark.parametrize(("params", "param", "message"), BAD_QUERIES)
def test_bad_input_gets_a_400_problem_naming_the_parameter(client, params, param, message):
    r = get(client, "/api/nearest", **params)
    assert r.status_code == 400
    assert r.mimetype == PROBLEM
    body = r.get_json()
    assert set(body) >= {"type", "title", "status", "detail", "param"}
    assert body["status"] == 400 and body["param"] == param
    assert message in body["detail"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/closed-centres/999999/nearest", 404),
        ("/api/closed-centres/no-such-centre/nearest", 404),
        ("/api/closed-centres/1/nearest?service=teleport", 400),
        ("/api/closed-centres/1/nearest?lat=1", 400),
        ("/api/closed-centres?f=kml", 400),
        ("/api/no-such-endpoint", 404),
    ],
)
def test_every_error_path_has_the_same_problem_shape(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    assert r.mimetype == PROBLEM
    body = r.get_json()
    assert body["status"] == status and body["title"] and body["detail"]


def test_post_is_refused_with_a_problem(client):
    r = client.post("/api/nearest")
    assert r.status_code == 405 and r.mimetype == PROBLEM


def test_a_database_that_is_down_gives_503_problems(tmp_path):
    from locator import create_app

    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    client = app.test_client()
    for path in ("/healthz", "/api/nearest?lat=56.9477&lon=24.1085"):
        r = client.get(path)
        assert r.status_code == 503 and r.mimetype == PROBLEM, path
        assert r.get_json()["status"] == 503
