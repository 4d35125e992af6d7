"""The offline map in a real browser: Debian's Chromium via Playwright, loopback only.

A test-only route on the real app (``create_app`` on a temporary SpatiaLite file)
returns ``locator.maps.base.render(offline_map(tiles_url=None))``; the page must draw Latvia
from the vendored Leaflet with no request leaving 127.0.0.1.
"""

from __future__ import annotations

import time

import folium
import pytest

from devtools.browser import outside_requests, record_requests, serve
from locator import create_app, migrate
from locator.db import dispose_engines, get_engine
from locator.maps.base import offline_map, offline_marker_cluster, render

READY_MS_LIMIT = 10_000  # page ready (map + outline drawn); measured ~0.3 s, generous for CI


@pytest.fixture(scope="module")
def map_server(tmp_path_factory):
    url = f"sqlite+pysqlite:///{tmp_path_factory.mktemp('browser-db')}/x.sqlite"
    migrate.upgrade(get_engine(url))
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test"})

    def test_map():
        m = offline_map(tiles_url=None)
        cluster = offline_marker_cluster(name="places").add_to(m)
        for lat, lon, name in (
            (56.9496, 24.1052, "Rīga"),
            (56.9520, 24.1130, "Rīga 2"),
            (55.8747, 26.5362, "Daugavpils"),
            (56.5047, 21.0108, "Liepāja"),
        ):
            folium.Marker((lat, lon), popup=name, icon=folium.Icon(prefix="fa", icon="money-bill")).add_to(cluster)
        return render(m)

    app.add_url_rule("/test-map", "test_map", test_map)
    with serve(app) as base:
        yield base
    dispose_engines()


def test_offline_map_draws_latvia_with_loopback_requests_only(map_server, page, tmp_path):
    requests = record_requests(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url} {r.failure}"))

    t0 = time.perf_counter()
    response = page.goto(f"{map_server}/test-map", wait_until="load")
    assert response is not None and response.status == 200
    page.wait_for_selector(".leaflet-container")
    page.wait_for_selector("path.locator-outline", state="attached")
    ready_ms = (time.perf_counter() - t0) * 1000
    print(f"\nsmoke page ready in {ready_ms:.0f} ms")  # shown with -s
    assert ready_ms < READY_MS_LIMIT

    assert outside_requests(requests) == []
    assert errors == []
    # Every vendored script and stylesheet was actually fetched from our server.
    assert any(u.endswith("/static/vendor/leaflet-1.9.3/leaflet.js") for u in requests)
    assert any(u.endswith("/leaflet.markercluster-1.1.0/leaflet.markercluster.js") for u in requests)

    drawn = page.evaluate(
        """() => ({
            leaflet: typeof L === 'object' && L.version,
            clusterPlugin: typeof L.markerClusterGroup === 'function',
            outline: document.querySelectorAll('path.locator-outline').length,
            municipalities: document.querySelectorAll('path.locator-municipality').length,
            markers: document.querySelectorAll('.leaflet-marker-icon').length,
            outlineBox: (() => { const r = document.querySelector('path.locator-outline')
                                   .getBoundingClientRect(); return [r.width, r.height]; })(),
        })"""
    )
    assert drawn["leaflet"] == "1.9.3" and drawn["clusterPlugin"]
    assert drawn["outline"] >= 1 and drawn["municipalities"] >= 40
    assert drawn["markers"] >= 1  # clusters/markers render (the map has maxZoom)
    assert drawn["outlineBox"][0] > 200 and drawn["outlineBox"][1] > 100  # Latvia fills the view

    shot = tmp_path / "map.png"
    png = page.screenshot(path=str(shot))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank white 1000x700 PNG compresses to a few KB; the drawn map is far larger.
    assert len(png) > 20_000, len(png)
