"""Geocoding goes through geopy against a Nominatim-shaped server on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from locator.geocode import GeocodeFailed, build_geocoder, geocoder_from_config

KNOWN = {"audēju iela 16, rīga": ("56.9477", "24.1085", "Audēju iela 16, Vecrīga, Rīga, LV-1050, Latvija")}


class Nominatim(BaseHTTPRequestHandler):
    """Answers /search like Nominatim's JSON API; counts requests; 500 for 'explode'."""

    requests: list[dict] = []

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        Nominatim.requests.append({"path": url.path, "agent": self.headers.get("User-Agent"), **query})
        if query.get("q") == "explode":
            self.send_response(500)
            self.end_headers()
            return
        hit = KNOWN.get(query.get("q", "").casefold())
        body = (
            []
            if hit is None
            else [
                {"lat": hit[0], "lon": hit[1], "display_name": hit[2], "place_id": 1, "osm_type": "node", "osm_id": 1}
            ]
        )
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim():
    Nominatim.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def config(url: str) -> dict:
    return {
        "GEOCODER": "nominatim",
        "GEOCODER_URL": url,
        "GEOCODER_MIN_DELAY_S": 0,
        "GEOCODER_TIMEOUT_S": 5,
        "GEOCODER_USER_AGENT": "locator-tests",
    }


def test_an_address_comes_back_as_coordinates_and_intact(nominatim):
    geocode = geocoder_from_config(config(nominatim))
    assert geocode("Audēju iela 16, Rīga") == (56.9477, 24.1085)
    sent = Nominatim.requests[0]
    assert sent["path"] == "/search" and sent["q"] == "Audēju iela 16, Rīga"
    assert sent["countrycodes"] == "lv" and sent["agent"] == "locator-tests"


def test_answers_are_cached(nominatim):
    geocode = geocoder_from_config(config(nominatim))
    geocode("Audēju iela 16, Rīga")
    geocode("Audēju iela 16, Rīga")
    assert len(Nominatim.requests) == 1


def test_nothing_found_is_none_and_a_failing_service_is_a_reason(nominatim):
    geocode = geocoder_from_config(config(nominatim))
    assert geocode("Nekurienes iela 1") is None
    with pytest.raises(GeocodeFailed, match="the geocoder failed for 'explode'"):
        geocode("explode")


def test_no_geocoder_by_default_and_unknown_ones_are_refused():
    assert geocoder_from_config({"GEOCODER": ""}) is None
    with pytest.raises(ValueError, match="GEOCODER='photon' is not supported"):
        build_geocoder({"GEOCODER": "photon"})


def test_an_import_geocodes_rows_without_coordinates(nominatim, db_url, session, tmp_path):
    from locator import create_app
    from locator.models import Place

    f = tmp_path / "pasts.csv"
    f.write_text('id,name,address\n1,Pasts,"Audēju iela 16, Rīga"\n2,Nekur,Nekurienes iela 1\n', encoding="utf-8")
    app = create_app({"DATABASE_URL": db_url, **config(nominatim)})
    result = app.test_cli_runner().invoke(
        args=[
            "import",
            "csv",
            str(f),
            "--kind",
            "post_office",
            "--licence",
            "CC0",
            "--attribution",
            "t",
            "--skip-invalid",
            "--rejects",
            str(tmp_path / "r.csv"),
        ]
    )
    assert result.exit_code == 0, result.output
    place = session.query(Place).one()
    assert place.name == "Pasts" and place.municipality == "Rīga"
    assert "coordinates missing and the geocoder found no place for 'Nekurienes iela 1'" in (
        tmp_path / "r.csv"
    ).read_text(encoding="utf-8")
