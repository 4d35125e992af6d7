"""Static assets over a real HTTP server (gunicorn, as `make run`): versioned URLs, caching, gzip.

A browser keeps a versioned file (``?v=<hash of its bytes>``) for a year without asking
again; an unversioned or outdated URL only for five minutes.  Text assets and the map's
GeoJSON borders come gzipped to a client that asks for it, with ``Vary: Accept-Encoding``.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "locator" / "static"
DATA = ROOT / "data"
YEAR = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def get(base: str, path: str, **headers) -> tuple[int, dict, bytes]:
    """One GET over a fresh connection: status, headers (lower-case names) and the raw body."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def linked(html: str, prefix: str) -> str:
    """The URL the page links for a path starting with ``prefix`` (e.g. ``/static/app.css``)."""
    found = re.search(r'["\'](' + re.escape(prefix) + r'[^"\']*)["\']', html)
    assert found, f"the page links nothing under {prefix}"
    return found.group(1).replace("&amp;", "&")


@pytest.fixture(scope="module")
def results_page(live_server) -> str:
    status, _, body = get(live_server, "/?lat=56.948&lon=24.109")
    assert status == 200
    return body.decode()


@pytest.mark.parametrize(
    "prefix, file",
    [
        ("/static/app.css", STATIC / "app.css"),
        ("/static/app.js", STATIC / "app.js"),
        ("/static/vendor/leaflet-1.9.3/leaflet.js", STATIC / "vendor" / "leaflet-1.9.3" / "leaflet.js"),
        ("/static/vendor/leaflet-1.9.3/leaflet.css", STATIC / "vendor" / "leaflet-1.9.3" / "leaflet.css"),
        ("/geo/municipalities.geojson", DATA / "municipalities.geojson"),
        ("/geo/latvia_outline.geojson", DATA / "latvia_outline.geojson"),
    ],
)
def test_the_page_links_each_asset_by_its_content_hash_and_it_is_kept_a_year(live_server, results_page, prefix, file):
    url = linked(results_page, prefix)
    assert url == f"{prefix}?v={version(file)}"
    status, headers, body = get(live_server, url)
    assert status == 200 and body == file.read_bytes()
    assert headers["cache-control"] == YEAR


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_an_unversioned_or_outdated_url_is_kept_only_briefly(live_server, query):
    status, headers, body = get(live_server, "/static/app.css" + query)
    assert status == 200 and body == (STATIC / "app.css").read_bytes()
    assert headers["cache-control"] == SHORT and "immutable" not in headers["cache-control"]


def test_the_settlement_labels_are_versioned_too(live_server, results_page):
    url = linked(results_page, "/geo/labels.json")
    status, headers, body = get(live_server, url)
    assert status == 200 and headers["cache-control"] == YEAR
    assert url.endswith("?v=" + hashlib.sha256(body).hexdigest()[:12])


@pytest.mark.parametrize(
    "prefix, file, most_kib",
    [
        ("/geo/municipalities.geojson", DATA / "municipalities.geojson", 80),
        ("/static/app.css", STATIC / "app.css", 4),
        ("/static/app.js", STATIC / "app.js", 8),
        ("/static/vendor/leaflet-1.9.3/leaflet.js", STATIC / "vendor" / "leaflet-1.9.3" / "leaflet.js", 50),
    ],
)
def test_text_assets_come_gzipped_when_asked(live_server, results_page, prefix, file, most_kib):
    url = linked(results_page, prefix)
    status, headers, body = get(live_server, url, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    assert gzip.decompress(body) == file.read_bytes()
    assert len(body) < most_kib * 1024 and len(body) < file.stat().st_size / 2
    assert headers["cache-control"] == YEAR


def test_the_borders_are_235_kib_plain_and_a_quarter_of_that_gzipped(live_server, results_page):
    url = linked(results_page, "/geo/municipalities.geojson")
    _, plain_headers, plain = get(live_server, url)
    _, headers, packed = get(live_server, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert "content-encoding" not in plain_headers and "accept-encoding" in plain_headers["vary"].lower()
    assert len(plain) == (DATA / "municipalities.geojson").stat().st_size > 200 * 1024
    assert headers["content-encoding"] == "gzip" and len(packed) < len(plain) / 3


def test_a_gzipped_file_is_revalidated_by_its_etag(live_server):
    _, headers, _ = get(live_server, "/static/app.js", **{"Accept-Encoding": "gzip"})
    assert headers["etag"].endswith(':gzip"')
    status, again, body = get(
        live_server, "/static/app.js", **{"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]}
    )
    assert status == 304 and body == b""
    assert again["cache-control"] == SHORT


def test_pages_and_api_answers_come_gzipped_when_asked(live_server):
    for path in ("/en/?lat=56.948&lon=24.109", "/api/nearest?lat=56.948&lon=24.109&k=10"):
        _, plain_headers, plain = get(live_server, path)
        status, headers, packed = get(live_server, path, **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["content-encoding"] == "gzip", path
        assert len(packed) < len(plain) / 2 and "accept-encoding" in plain_headers["vary"].lower()
        if path.startswith("/api"):
            assert gzip.decompress(packed) == plain  # the same answer, only packed


def test_images_are_not_gzipped_again(live_server):
    status, headers, body = get(
        live_server, "/static/vendor/leaflet-1.9.3/images/layers.png", **{"Accept-Encoding": "gzip"}
    )
    assert status == 200 and "content-encoding" not in headers
    assert body == (STATIC / "vendor" / "leaflet-1.9.3" / "images" / "layers.png").read_bytes()
