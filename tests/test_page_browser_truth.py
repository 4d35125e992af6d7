"""The customer page tells the truth, in a real browser: search summary and focus, exact "open at",
the language switch after a failed search, and the place page's week."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime

import pytest

from devtools.browser import outside_requests, record_requests, serve
from locator import create_app
from locator.domain import hours


@pytest.fixture(scope="module")
def site(demo_db_url):
    app = create_app({"DATABASE_URL": demo_db_url, "TILE_URL": "", "SECRET_KEY": "browser-truth"})
    with serve(app) as base:
        yield base


def api(base: str, query: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/nearest?{query}", timeout=10) as r:
        return json.load(r)["results"]


def listed(page) -> list[str]:
    return page.locator(".results .name").all_inner_texts()


def test_after_a_search_the_results_heading_has_the_focus_and_the_count_is_announced(site, page):
    requests = record_requests(page)
    page.goto(f"{site}/en/")
    page.fill("#q", "Audēju iela 16, Rīga")
    page.click("form.search button[type=submit]")
    page.wait_for_selector(".results li")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'results-title'")
    live = page.locator("#results-summary")
    assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
    summary = live.inner_text()
    n = len(listed(page))
    assert summary.startswith(f"{n} places within ") and summary.endswith("of Audēju iela 16, Rīga")
    assert "Aud" not in page.url
    page.reload()  # a reload is not a new search: the focus stays where the browser puts it
    page.wait_for_selector(".results li")
    page.wait_for_timeout(200)
    assert page.evaluate("document.activeElement.id") != "results-title"
    assert outside_requests(requests) == []


def test_switching_language_after_nothing_was_found_keeps_the_search(site, page):
    page.goto(f"{site}/en/")
    page.fill("#q", "xyzzy qwerty")
    page.click("form.search button[type=submit]")
    page.wait_for_selector(".search-result")
    assert "You searched for “xyzzy qwerty”." in page.inner_text(".search-result")
    page.click("nav.lang button[lang=lv]")
    page.wait_for_selector(".search-result")
    assert page.evaluate("document.documentElement.lang") == "lv"
    assert "Jūs meklējāt „xyzzy qwerty”." in page.inner_text(".search-result")
    assert page.input_value("#q") == "xyzzy qwerty" and "xyzzy" not in page.url


def test_open_at_lists_the_nearest_open_places_as_the_api_ranks_them(site, page):
    at = "2026-12-02T23:00"
    page.goto(f"{site}/en/?lat=56.948&lon=24.109&filtered=1&commission_free=0&open=at&at={at}")
    page.wait_for_selector(".results li")
    expected = api(site, f"lat=56.948&lon=24.109&open_at={at}&k=10")
    assert listed(page) == [r["name"] for r in expected] and len(expected) == 10
    moment = datetime.fromisoformat(at).replace(tzinfo=hours.RIGA)
    assert all(hours.open_at(r["opening_hours"], moment) for r in expected)
    assert "only places open Wed 2 Dec 23:00" in page.inner_text("#results-summary")


def test_open_at_without_a_time_asks_for_one(site, page):
    page.goto(f"{site}/en/?lat=56.948&lon=24.109")
    page.wait_for_selector(".results li")
    page.click("details.filters-box summary")
    page.check("form.filters input[name=open][value=at]")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#at-error")
    assert "needs a date and time" in page.inner_text("#at-error")
    assert page.get_attribute("form.filters input[name=at]", "aria-invalid") == "true"
    assert page.locator(".results li").count() == 0


def test_the_place_page_shows_the_week_with_today_highlighted(site, page):
    first = api(site, "lat=56.948&lon=24.109&kind=bank_branch&k=1")[0]
    page.goto(f"{site}/en/places/{first['id']}")
    rows = page.locator("table.week tbody tr")
    assert rows.count() == 7
    assert [t.split()[0] for t in rows.all_inner_texts()] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    today = page.locator("table.week tr.today")
    assert today.count() == 1 and "today" in today.inner_text()
    assert today.inner_text().split()[0] == datetime.now(hours.RIGA).strftime("%A")
    plain = page.locator("table.week tbody tr:not(.today)").first
    assert today.evaluate("e => getComputedStyle(e).backgroundColor") != plain.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )


def test_a_centre_page_numbers_each_place_once_on_the_list_and_the_map(site, page):
    page.goto(f"{site}/en/centres/riga-audeju-iela")
    page.wait_for_function("window.LOCATOR && Object.keys(window.LOCATOR.markers).length > 0")
    numbers = page.locator(".results li").evaluate_all("items => items.map(li => li.dataset.n)")
    assert numbers and len(set(numbers)) == page.evaluate("Object.keys(window.LOCATOR.markers).length")
    firsts = page.locator(".results li:not(.repeated) .name").all_inner_texts()
    assert len(firsts) == len(set(numbers))
    dealers = page.locator("h2:has-text('Dealers and partner shops nearby') + ol .fee").all_inner_texts()
    assert dealers and all(f.startswith("Buy a service: ") for f in dealers)
