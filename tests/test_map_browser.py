"""The map shows the answer, in a real browser (Debian's Chromium via Playwright), offline.

Every numbered result is visible and on top (what the browser finds at a marker's
centre is that marker), never clustered; a closed centre is a drawn pin; the legend
names each symbol in the page's language; towns and neighbourhoods are named on the
offline base layer; on a phone the map shows all of Latvia and the first result lies
above the fold.  Expectations come from the page's own list and the gazetteer's data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.browser import block_outside, outside_requests, record_requests, serve
from locator import create_app
from locator.domain.geography import LATVIA_BBOX
from locator.maps.labels import settlement_labels

PHONE = {"width": 390, "height": 844}
RIGA = "/?lat=56.948&lon=24.109"
# 43 post offices share one GeoNames point in Rīga: the densest answer the demo has.
POST_OFFICES = "/en/?lat=56.948&lon=24.109&filtered=1&kind=post_office"

COVERED_JS = """
() => [...document.querySelectorAll('.num-marker')].map(m => {
  const r = m.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  const top = document.elementFromPoint(x, y);
  const box = document.getElementById('map-canvas').getBoundingClientRect();
  return {n: m.textContent, onTop: !!top && top.closest('.num-marker') === m,
          inside: x > box.left && x < box.right && y > box.top && y < box.bottom};
})
"""


@pytest.fixture(scope="module")
def site(demo_db_url):
    app = create_app({"DATABASE_URL": demo_db_url, "TILE_URL": "", "SECRET_KEY": "map-browser-tests"})
    with serve(app) as base:
        yield base


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    block_outside(context)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.LOCATOR && window.LOCATOR.map")
    page.wait_for_selector("path.locator-outline", state="attached")


def numbers_in_list(page) -> list[str]:
    return page.locator(".results li[id^=result-] .num").all_inner_texts()


def set_zoom(page, zoom: float) -> None:
    page.evaluate(f"LOCATOR.map.setZoom({zoom}, {{animate: false}})")


@pytest.mark.parametrize("path", [RIGA, POST_OFFICES, "/en/centres/riga-audeju-iela"])
def test_every_numbered_marker_is_on_top_and_inside_the_map(site, page, path):
    requests = record_requests(page)
    open_map(page, site + path)
    expected = numbers_in_list(page)
    assert expected  # the answer has results
    seen = page.evaluate(COVERED_JS)
    assert sorted(m["n"] for m in seen) == sorted(expected)  # one marker per result, none in a cluster
    assert [m for m in seen if not (m["onTop"] and m["inside"])] == []
    assert page.locator(".marker-cluster").count() == 0
    zoom = page.evaluate("LOCATOR.map.getZoom()")
    for other in (zoom - 2, zoom + 1):  # zoomed out, the markers are spread again; zoomed in too
        set_zoom(page, other)
        assert [m for m in page.evaluate(COVERED_JS) if m["inside"] and not m["onTop"]] == []
    assert outside_requests(requests) == []


def test_the_first_result_lies_above_the_origin_marker(site, page):
    open_map(page, site + RIGA)
    on_top = page.evaluate(
        """() => {
          const origin = document.querySelector('.origin-marker');
          const first = [...document.querySelectorAll('.num-marker')].find(m => m.textContent === '1');
          LOCATOR.map.setView(LOCATOR.markers[1].getLatLng(), 17, {animate: false});
          const mz = Number(first.style.zIndex), oz = Number(origin.style.zIndex);
          return {first: mz, origin: oz};
        }"""
    )
    assert on_top["first"] > on_top["origin"]


@pytest.mark.parametrize("path", ["/en/", "/en/centres/riga-audeju-iela"])
def test_a_closed_centre_is_a_drawn_pin_and_no_image_is_broken(site, page, path):
    responses = []
    page.on("response", lambda r: responses.append((r.status, r.url)))
    open_map(page, site + path)
    # the start page lists every closed centre, a centre's page shows that one
    centres = page.locator(".centres li").count() if path == "/en/" else 1
    pins = page.evaluate(
        """() => [...document.querySelectorAll('.centre-marker .pin')].map(p => {
          const s = getComputedStyle(p), r = p.getBoundingClientRect();
          return {bg: s.backgroundColor, w: r.width, h: r.height};
        })"""
    )
    assert len(pins) == centres > 0
    assert all(p["bg"] not in ("rgba(0, 0, 0, 0)", "transparent") and p["w"] >= 20 and p["h"] >= 20 for p in pins)
    broken = page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == []
    assert [r for r in responses if r[0] >= 400] == []


@pytest.mark.parametrize(
    "lang_path, words",
    [
        ("/", ["Meklētā vieta", "bez komisijas", "ar maksu", "Slēgts klientu centrs", "Pilsēta vai apkaime"]),
        ("/en/", ["Searched point", "no commission", "with a fee", "Closed customer centre", "Town or neighbourhood"]),
    ],
)
def test_the_legend_names_each_symbol_in_the_pages_language(site, page, lang_path, words):
    open_map(page, site + lang_path + RIGA.lstrip("/"))
    items = page.locator(".map-legend li")
    assert items.count() == len(words)
    for item, word in zip(items.all_inner_texts(), words, strict=True):
        assert word in item
    assert page.locator(".map-legend").is_visible()
    # Each key looks like the symbol it names on the map.
    colours = page.evaluate(
        """() => {
          const bg = sel => { const e = document.querySelector(sel); return e && getComputedStyle(e).backgroundColor; };
          return {key_free: bg('.key-result.free'), free: bg('.num-marker.free'),
                  key_centre: bg('.key-centre'), centre: bg('.centre-marker .pin'),
                  key_origin: bg('.key-origin'), origin: bg('.origin-marker')};
        }"""
    )
    assert colours["key_free"] == colours["free"] and colours["key_centre"] == colours["centre"]
    assert colours["key_origin"] == colours["origin"]


def shown_labels(page) -> set[str]:
    return set(page.locator(".leaflet-labels-pane .place-label").all_inner_texts())


def expected_labels(page) -> set[str]:
    """Every label whose zoom has come and whose point is in view (from maps.labels' own data)."""
    zoom, (south, west, north, east) = page.evaluate(
        "() => { const b = LOCATOR.map.getBounds(); "
        "return [LOCATOR.map.getZoom(), [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]]; }"
    )
    return {
        lbl["name"]
        for lbl in settlement_labels()
        if lbl["z"] <= zoom and south < lbl["lat"] < north and west < lbl["lon"] < east
    }


def test_an_empty_map_names_the_towns_and_at_city_zoom_the_neighbourhoods(site, page):
    open_map(page, site + "/en/")
    page.wait_for_selector(".place-label", state="attached")
    country = shown_labels(page)
    assert {"Rīga", "Daugavpils", "Liepāja", "Ventspils"} <= country  # the cities, in the country view
    assert expected_labels(page) <= country
    page.evaluate("LOCATOR.map.setView([56.95, 24.11], 12.5, {animate: false})")
    city = shown_labels(page)
    want = expected_labels(page)
    assert want <= city and len(want) >= 5  # neighbourhoods of Rīga, named offline
    assert page.locator(".leaflet-tile").count() == 0  # no tile server was involved


def test_on_a_phone_the_start_page_shows_all_of_latvia(site, phone):
    open_map(phone, site + "/")
    minx, miny, maxx, maxy = LATVIA_BBOX
    shows = phone.evaluate(f"LOCATOR.map.getBounds().contains([[{miny}, {minx}], [{maxy}, {maxx}]])")
    assert shows
    box = phone.locator("#map-canvas").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] and box["width"] >= 380


def test_on_a_phone_the_first_result_is_above_the_fold(site, phone):
    open_map(phone, site + RIGA)
    first = phone.locator("#result-1").bounding_box()
    assert first["y"] + first["height"] <= PHONE["height"]  # no scrolling needed to see it
    seen = phone.evaluate(COVERED_JS)
    assert [m for m in seen if not (m["onTop"] and m["inside"])] == []


def test_with_tiles_that_load_the_offline_labels_step_aside(demo_db_url, page):
    """A tile server on loopback (the app itself, serving one PNG for every tile)."""
    from flask import send_file

    png = Path(__file__).resolve().parent.parent / "locator/static/vendor/leaflet-1.9.3/images/layers.png"
    app = create_app(
        {
            "DATABASE_URL": demo_db_url,
            "TILE_URL": "/test-tiles/{z}/{x}/{y}.png",
            "TILE_ATTRIBUTION": "test tiles",
            "SECRET_KEY": "t",
        }
    )
    app.add_url_rule("/test-tiles/<int:z>/<int:x>/<int:y>.png", "tiles", lambda z, x, y: send_file(png))
    with serve(app) as base:
        open_map(page, base + "/en/")
        page.wait_for_selector(".leaflet-tile-loaded")
        page.wait_for_function("getComputedStyle(LOCATOR.map.getPane('labels')).display === 'none'")
        assert "test tiles" in page.inner_text(".leaflet-control-attribution")
