"""The customer page in a real browser (Debian's chromium via Playwright), as a customer uses it.

The app runs on a real server on 127.0.0.1 with the demo data and no tile layer;
every request the page makes is recorded, and none may leave the machine.
"""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from devtools.browser import outside_requests, record_requests, serve
from locator import create_app, migrate
from locator.db import get_engine, session_for
from locator.importers.load import load
from locator.importers.rows import OfferRow, PlaceRow, SourceInfo

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def site(demo_db_url):
    app = create_app({"DATABASE_URL": demo_db_url, "TILE_URL": "", "SECRET_KEY": "browser-tests"})
    with serve(app) as base:
        yield base


def api(base: str, **params) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with urllib.request.urlopen(f"{base}/api/nearest?{query}", timeout=10) as r:
        return json.load(r)["results"]


def listed(page) -> list[str]:
    return page.locator(".results .name").all_inner_texts()


def wait_for_results(page) -> None:
    """The list is drawn and app.js has put its markers on the map (some may sit in a cluster)."""
    page.wait_for_selector(".results li")
    page.wait_for_function("window.LOCATOR && Object.keys(window.LOCATOR.markers).length > 0")


def markers_on_map(page) -> int:
    return page.evaluate("Object.keys(window.LOCATOR.markers).length")


def test_searching_audeju_iela_lists_the_apis_commission_free_answer_in_order(site, page):
    requests = record_requests(page)
    page.goto(f"{site}/en/")
    page.fill("#q", "Audēju iela, Rīga")
    page.click("form.search button[type=submit]")
    wait_for_results(page)
    url = urlsplit(page.url)
    assert "Aud" not in page.url and "q=" not in url.query
    args = parse_qs(url.query)
    expected = api(site, lat=args["lat"][0], lon=args["lon"][0], commission_free="true", k=10)
    assert listed(page) == [r["name"] for r in expected]
    assert markers_on_map(page) == len(expected)
    assert outside_requests(requests) == []


def test_filters_change_the_list_and_the_link(site, page):
    page.goto(f"{site}/en/?lat=56.948&lon=24.109")
    wait_for_results(page)
    page.click("details.filters-box summary")
    page.uncheck("form.filters input[name=commission_free]")
    page.select_option("#kind", "post_office")
    page.click("form.filters button[type=submit]")
    wait_for_results(page)
    expected = api(site, lat="56.948", lon="24.109", kind="post_office", k=10)
    assert listed(page) == [r["name"] for r in expected]
    assert all(fee == "€0.50" for fee in page.locator(".results .fee").all_inner_texts())
    assert "kind=post_office" in page.input_value("#share")


def test_switching_language_keeps_the_search(site, page):
    page.goto(f"{site}/en/?lat=56.948&lon=24.109&salary_card=SEB")
    wait_for_results(page)
    english = listed(page)
    page.click("nav.lang a[hreflang=lv]")
    wait_for_results(page)
    assert page.evaluate("document.documentElement.lang") == "lv"
    assert "salary_card=SEB" in page.url and listed(page) == english
    assert "Tuvākās vietas" in page.inner_text("#results-title")


def test_a_shared_link_reproduces_the_search(site, page, browser):
    page.goto(f"{site}/en/?lat=56.94771&lon=24.10851&filtered=1&kind=atm&salary_card=Citadele")
    wait_for_results(page)
    shared = page.input_value("#share")
    assert "lat=56.948" in shared and "lon=24.109" in shared
    other = browser.new_context().new_page()
    other.goto(shared)
    wait_for_results(other)
    assert listed(other) == listed(page)
    other.context.close()


def test_the_results_are_usable_with_the_keyboard(site, page):
    page.goto(f"{site}/en/?lat=56.948&lon=24.109")
    wait_for_results(page)
    page.focus(".results .pick >> nth=0")
    page.keyboard.press("Tab")  # to the first result's "Details" link
    page.keyboard.press("Tab")  # to the second result's button
    assert page.evaluate("document.activeElement.dataset.n") == "2"
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    assert page.get_attribute("#result-2 .pick", "aria-current") == "true"
    assert listed(page)[1] in page.inner_text(".leaflet-popup-content")


def test_use_my_location_goes_to_the_rounded_point(site, browser):
    context = browser.new_context(
        geolocation={"latitude": 56.94771, "longitude": 24.10851}, permissions=["geolocation"]
    )
    p = context.new_page()
    p.goto(f"{site}/en/")
    p.click("#locate")
    p.wait_for_url(re.compile(r"lat=56\.948&lon=24\.109|lon=24\.109.*lat=56\.948|lat=56\.948.*lon=24\.109"))
    wait_for_results(p)
    context.close()


def test_a_refused_location_is_explained(site, browser):
    context = browser.new_context(permissions=[])
    p = context.new_page()
    p.goto(f"{site}/en/")
    p.click("#locate")
    p.wait_for_function("document.getElementById('locate-message').textContent.length > 0")
    assert "did not allow" in p.inner_text("#locate-message")
    context.close()


def test_an_imported_name_is_text_in_the_list_and_the_popup(tmp_path, page):
    url = f"sqlite+pysqlite:///{tmp_path}/evil.sqlite"
    migrate.upgrade(get_engine(url))
    session = session_for(get_engine(url))
    load(
        session,
        [
            PlaceRow.make(
                source_ref="x",
                kind="atm",
                name=EVIL,
                address=EVIL,
                lat=56.95,
                lon=24.1,
                offers=(OfferRow.make("bill_payment", "0"),),
            )
        ],
        SourceInfo("evil", "test", "CC0", "test"),
    )
    session.commit()
    session.close()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    app = create_app({"DATABASE_URL": url, "TILE_URL": "", "SECRET_KEY": "t"})
    with serve(app) as base:
        page.goto(f"{base}/en/?lat=56.950&lon=24.100")
        wait_for_results(page)
        assert listed(page) == [EVIL]
        page.click(".results .pick")
        page.wait_for_selector(".leaflet-popup-content")
        assert EVIL in page.inner_text(".leaflet-popup-content")
        page.goto(base + page.get_attribute(".results .more", "href"))
        assert EVIL in page.inner_text("h1")
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0


def test_the_map_is_never_blank_offline(site, page):
    requests = record_requests(page)
    page.goto(f"{site}/")
    page.wait_for_selector("path.locator-outline")
    assert page.locator("path.locator-municipality").count() >= 43
    assert page.locator(".centre-marker").count() >= 8
    assert outside_requests(requests) == []
