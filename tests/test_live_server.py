"""The API through a real HTTP server (gunicorn) on loopback, as curl would see it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get_content_type(), json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get_content_type(), json.loads(err.read())


def test_nearest_over_http_equals_the_in_process_answer(live_server, client):
    path = "/api/nearest?lat=56.9477&lon=24.1085&service=bill_payment&commission_free=true&k=5"
    status, ctype, body = fetch(live_server + path)
    assert (status, ctype) == (200, "application/json")
    assert body == client.get(path).get_json()
    assert len(body["results"]) == 5 and all(r["commission_free"] for r in body["results"])


def test_latvian_names_arrive_intact_over_http(live_server):
    _, _, body = fetch(live_server + "/api/closed-centres")
    assert any("Audēju iela" in c["address"] and c["municipality"] == "Rīga" for c in body["closed_centres"])


def test_bad_input_over_http_is_a_problem_not_a_500(live_server):
    status, ctype, body = fetch(live_server + "/api/nearest?lat=north&lon=24.1")
    assert (status, ctype) == (400, "application/problem+json")
    assert body["param"] == "lat"


def test_healthz_over_http(live_server):
    status, _, body = fetch(live_server + "/healthz")
    assert status == 200 and body["status"] == "ok"
