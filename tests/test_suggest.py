"""Suggestions as you type: ``GET /api/suggest`` over the gazetteer's in-memory names, and the
search box using them in a real browser, by keyboard.

The API tests run against the demo database on both engines (the gazetteer reads the database
addresses for whole searches); expectations come from the shipped gazetteer files.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from devtools.browser import serve
from locator import create_app
from locator.domain.text import fold
from locator.gazetteer import Gazetteer, files
from locator.gazetteer.suggestions import SUGGESTIONS_MAX, suggest


def get(client, **params):
    return client.get("/api/suggest", query_string=params)


def test_suggestions_have_the_documented_shape(client):
    r = get(client, q="dau", lang="lv")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert body["query"] == "dau"
    assert 1 <= len(body["suggestions"]) <= SUGGESTIONS_MAX
    for s in body["suggestions"]:
        assert set(s) == {"label", "kind", "lat", "lon", "type", "matched_name"}
        assert isinstance(s["label"], str) and isinstance(s["lat"], float) and isinstance(s["lon"], float)
        assert 55.6 < s["lat"] < 58.1 and 20.9 < s["lon"] < 28.3
    assert body["suggestions"][0]["label"] == "Daugavpils"  # the most populous 'Dau…' first


def test_every_prefix_suggestion_starts_like_the_typed_text(client):
    body = get(client, q="Jelg").get_json()
    labels = [s["label"] for s in body["suggestions"]]
    assert labels[0] == "Jelgava"
    for s in body["suggestions"]:  # its own name starts so, or the other name it was found by
        assert fold(s["label"]).startswith("jelg") or fold(s["matched_name"]).startswith("jelg"), s
    own = [fold(x).startswith("jelg") for x in labels]
    assert own == sorted(own, reverse=True)  # own names first
    assert len(labels) == len(set(labels))


def test_a_typo_still_suggests_the_town(client):
    labels = [s["label"] for s in get(client, q="Daugavpls").get_json()["suggestions"]]
    assert labels[0] == "Daugavpils"


def test_old_names_and_cyrillic_suggest_the_latvian_name(client):
    s = get(client, q="Mitau").get_json()["suggestions"][0]
    assert s["label"] == "Jelgava" and s["matched_name"] == "Mitau"
    assert get(client, q="Рига").get_json()["suggestions"][0]["label"] == "Rīga"


@pytest.mark.parametrize("lang,word", [("lv", "stacija"), ("en", "railway station")])
def test_a_station_says_what_it_is_in_the_page_language(client, lang, word):
    found = get(client, q="Rīgas centrālā", lang=lang).get_json()["suggestions"]
    station = next(s for s in found if s["kind"] == "feature")
    assert station["label"].startswith("Rīgas centrālā dzelzceļa stacija")
    assert station["type"] == word


@pytest.mark.parametrize(
    "typed,first",
    [
        ("Jelgva", "Jelgava"),
        ("Valmi", "Valmiera, Valmieras novads"),
        ("Dünaburg", "Daugavpils"),
        ("Libau", "Liepāja"),
        ("Windau", "Ventspils"),
        ("Даугавп", "Daugavpils"),
        ("Rīgas lidosta", "Rīgas starptautiskā lidosta, Mārupes novads"),
        ("Ķīšez", "Ķīšezers, Rīga"),
    ],
)
def test_the_search_cases_suggest_the_same_places(client, typed, first):
    assert get(client, q=typed).get_json()["suggestions"][0]["label"] == first


def test_a_farm_with_its_settlement_is_suggested(client):
    found = get(client, q="Lizums, Kalniņi").get_json()["suggestions"]
    assert found[0]["kind"] == "farmstead"
    assert found[0]["label"].startswith("„Kalniņi”") and "Lizuma pagasts" in found[0]["label"]


def test_text_with_a_comma_or_a_number_is_a_whole_search(client):
    found = get(client, q="Audēju iela 16, Rīga").get_json()["suggestions"]
    assert found[0]["label"] == "Audēju iela 16, Rīga" and found[0]["kind"] == "address"


def test_a_limit_caps_the_list(client):
    assert len(get(client, q="ozo", limit=3).get_json()["suggestions"]) == 3


def test_one_letter_suggests_nothing(client):
    assert get(client, q="d").get_json() == {"query": "d", "suggestions": []}


@pytest.mark.parametrize(
    "params,param",
    [
        ({}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "dau", "lang": "ru"}, "lang"),
        ({"q": "dau", "limit": "0"}, "limit"),
        ({"q": "dau", "limit": "9"}, "limit"),
        ({"q": "dau", "limit": "two"}, "limit"),
        ({"q": "dau", "k": "3"}, "k"),
    ],
)
def test_bad_input_is_a_400_problem(client, params, param):
    r = get(client, **params)
    assert r.status_code == 400
    assert r.mimetype == "application/problem+json"
    body = json.loads(r.data)
    assert body["status"] == 400 and body["param"] == param and body["detail"]


def test_suggestions_come_from_the_offline_names_even_with_a_remote_search_geocoder(demo_db_url):
    app = create_app(
        {
            "DATABASE_URL": demo_db_url,
            "TESTING": True,
            "SECRET_KEY": "t",
            "SEARCH_GEOCODER": "nominatim",
            "GEOCODER_URL": "http://127.0.0.1:9",  # nothing listens: a remote call would fail
        }
    )
    r = app.test_client().get("/api/suggest?q=Jelgava")
    assert r.status_code == 200
    assert r.get_json()["suggestions"][0]["label"] == "Jelgava"


def test_suggest_is_fast_enough_per_keystroke():
    # not a timing test: the work per keystroke is bounded, whatever the prefix
    g = Gazetteer()
    for q in ("ri", "da", "ka", "Ozoli", "Stacija", "Lidosta"):
        assert len(suggest(g, q)) <= SUGGESTIONS_MAX
    assert {s.label for s in suggest(g, "ri")} <= {e.label for e in files.base_data(str(files.DATA_DIR)).names.entries}


# ---------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def site(demo_db_url):
    app = create_app({"DATABASE_URL": demo_db_url, "TILE_URL": "", "SECRET_KEY": "suggest-tests"})
    with serve(app) as base:
        yield base


def test_typing_shows_suggestions_and_the_keyboard_picks_one(site, page):
    page.goto(f"{site}/en/")
    box = page.locator("#q")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("Daugavp", delay=30)
    page.wait_for_selector("#q-suggestions [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    options = page.locator("#q-suggestions [role=option]")
    assert options.first.inner_text().startswith("Daugavpils")
    box.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    assert box.get_attribute("aria-activedescendant") == first_id
    assert options.first.get_attribute("aria-selected") == "true"
    with page.expect_navigation():
        box.press("Enter")
    page.wait_for_selector(".results li")
    args = parse_qs(urlsplit(page.url).query)
    (city,) = [s for s in files.read_settlements() if s.name == "Daugavpils" and s.population]
    assert float(args["lat"][0]) == pytest.approx(city.lat, abs=0.001)
    assert float(args["lon"][0]) == pytest.approx(city.lon, abs=0.001)
    assert "q" not in args  # the URL never holds the typed text


def test_escape_closes_the_list_and_enter_then_submits_the_text(site, page):
    page.goto(f"{site}/en/")
    box = page.locator("#q")
    box.press_sequentially("Jelgav", delay=30)
    page.wait_for_selector("#q-suggestions [role=option]")
    box.press("Escape")
    assert page.locator("#q-suggestions").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("Ozoli")
    with page.expect_navigation():
        box.press("Enter")  # no suggestion chosen: the form's own search, a choice list
    assert page.locator(".choices li").count() > 5


def test_without_javascript_the_search_box_is_a_plain_form(site, browser):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto(f"{site}/en/")
        assert pg.locator("#q").get_attribute("role") is None  # no combobox that cannot open
        pg.fill("#q", "Mitau")
        with pg.expect_navigation():
            pg.click("form.search button[type=submit]")
        args = parse_qs(urlsplit(pg.url).query)
        (town,) = [s for s in files.read_settlements() if s.name == "Jelgava" and s.population]
        assert float(args["lat"][0]) == pytest.approx(town.lat, abs=0.001)
    finally:
        context.close()
