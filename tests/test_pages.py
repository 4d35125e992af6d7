"""The customer pages, server side: what they show for a URL, in Latvian and English."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from locator import create_app
from locator.importers.load import load
from locator.importers.rows import OfferRow, PlaceRow, SourceInfo
from locator.query import NearestQuery, nearest

AUDEJU = "lat=56.948&lon=24.109"
EVIL = "<img src=x onerror=alert(1)>"


def names_in_list(html: str) -> list[str]:
    return re.findall(r'<span class="name">(.*?)</span>', html)


def test_the_latvian_page_lists_the_closed_centres_and_credits_the_data(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="lv">' in html and "Kur samaksāt bez komisijas?" in html
    assert "Audēju iela 16" in html and "© OpenStreetMap contributors" in html and "ilustratīvi" in html
    english = client.get("/en/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Where can I pay without commission?" in english
    assert "illustrative" in english


def test_the_list_is_the_nearest_commission_free_answer_in_order(client, demo_session):
    html = client.get(f"/?{AUDEJU}").get_data(as_text=True)
    core = nearest(demo_session, NearestQuery(lat=56.948, lon=24.109, commission_free=True, k=10))
    assert names_in_list(html) == [m.place.name.replace('"', "&#34;") for m in core]
    assert "bez komisijas" in html


def test_filters_change_the_list(client, demo_session):
    html = client.get(f"/en/?{AUDEJU}&filtered=1&service=bill_payment&kind=post_office").get_data(as_text=True)
    core = nearest(demo_session, NearestQuery(lat=56.948, lon=24.109, kinds=("post_office",), k=10))
    assert names_in_list(html) == [m.place.name for m in core]
    assert "€0.50" in html  # the post office fee, English number format
    lv = client.get(f"/?{AUDEJU}&filtered=1&kind=post_office").get_data(as_text=True)
    assert "€0,50" in lv  # Latvian decimal comma


def test_nothing_in_range_still_says_how_far_the_nearest_is(client):
    html = client.get("/en/?lat=57.700&lon=21.900&filtered=1&commission_free=1&kind=bank_branch&max_km=1").get_data(
        as_text=True
    )
    assert "No place within 1 km matches." in html and "The nearest is" in html and " km away" in html
    assert "within reach" not in html


def test_a_shared_link_holds_the_rounded_point_and_the_filters_never_an_address(client):
    html = client.get("/en/?lat=56.94771234&lon=24.10851234&salary_card=SEB").get_data(as_text=True)
    share = re.search(r'id="share" type="text" readonly value="([^"]+)"', html).group(1).replace("&amp;", "&")
    args = parse_qs(urlsplit(share).query)
    assert args["lat"] == ["56.948"] and args["lon"] == ["24.109"] and args["salary_card"] == ["SEB"]
    assert client.get(urlsplit(share).path + "?" + urlsplit(share).query).status_code == 200


def test_the_search_form_is_protected_against_csrf(client):
    r = client.post("/search", data={"q": "Rīga"})
    assert r.status_code == 400


def test_a_search_redirects_to_the_rounded_point_and_forgets_the_text(client):
    page = client.get("/en/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/en/search", data={"csrf_token": token, "q": "Audēju iela 16, Rīga", "service": "bill_payment"})
    assert r.status_code == 303
    target = r.headers["Location"]
    assert "Aud" not in target and "q=" not in target
    args = parse_qs(urlsplit(target).query)
    assert abs(float(args["lat"][0]) - 56.9477) < 0.002 and len(args["lat"][0].split(".")[1]) == 3


def test_an_unknown_search_says_so_and_suggests_what_to_type(client):
    page = client.get("/en/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    html = client.post("/en/search", data={"csrf_token": token, "q": "xyzzy qwerty"}).get_data(as_text=True)
    assert "You searched for “xyzzy qwerty”." in html and "LV-1050" in html
    assert html.count("Nothing found") == 1  # the hint's words, not repeated by the page


def test_the_centre_page_shows_where_to_pay_the_post_office_and_dealers(client):
    html = client.get("/en/centres/riga-audeju-iela").get_data(as_text=True)
    assert "Pay without commission nearby" in html and "Nearest post office" in html
    assert "Dealers and partner shops nearby" in html and "closed on" in html
    assert client.get("/centres/no-such-centre").status_code == 404


def test_the_place_page_shows_fees_hours_and_source(client, demo_session):
    nearby = nearest(demo_session, NearestQuery(lat=56.948, lon=24.109, kinds=("atm",), k=30))
    atm = next(m for m in nearby if m.place.brand)  # many ATMs in OSM name no bank
    html = client.get(f"/en/places/{atm.place.id}").get_data(as_text=True)
    assert "free with a salary card of" in html and "€1.20" in html
    assert "OpenStreetMap bank branches, ATMs" in html and "illustrative" in html
    assert client.get("/places/99999999").status_code == 404


def test_imported_names_are_text_in_the_list_the_map_data_and_the_place_page(db_url, session):
    load(
        session,
        [
            PlaceRow.make(
                source_ref="x",
                kind="atm",
                name=EVIL,
                lat=56.95,
                lon=24.1,
                address=EVIL,
                offers=(OfferRow.make("bill_payment", "0"),),
            )
        ],
        SourceInfo("evil", "test <b>source</b>", "CC0", "<script>x</script>"),
    )
    session.commit()
    client = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "t"}).test_client()
    html = client.get("/?lat=56.950&lon=24.100").get_data(as_text=True)
    assert EVIL not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    data = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S).group(1)
    assert "img src" not in data  # the map's popups take the name from the list's text, not from data
    place_id = re.search(r"/places/(\d+)", html).group(1)
    page = client.get(f"/places/{place_id}").get_data(as_text=True)
    assert EVIL not in page and "<script>x</script>" not in page and "<b>source</b>" not in page


@pytest.mark.parametrize(
    "path", ["/?lat=abc&lon=24.1", "/?lat=91&lon=24.1", "/?service=teleport", "/?open=sometimes", "/?max_km=7"]
)
def test_a_bad_link_still_renders_the_page(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert '<details class="filters-box" open' in r.get_data(as_text=True)  # the filters open to fix it


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/?lat=48.857&lon=2.352", "Šī vieta ir ārpus Latvijas"),
        ("/en/?lat=54.687&lon=25.280&salary_card=SEB", "This point is outside Latvia"),
    ],
)
def test_a_point_far_outside_latvia_gets_the_apis_refusal_as_a_page(client, path, title):
    r = client.get(path)
    assert r.status_code == 400 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert f'<h1 id="error-title">{title}</h1>' in html and "locator" in html
    api = client.get("/api/nearest?" + path.split("?", 1)[1])
    assert api.status_code == 400 and "far outside Latvia" in api.get_json()["detail"]


def test_the_salary_card_choices_are_the_banks_in_the_data(client, demo_session):
    from locator import catalogue

    banks = catalogue.bank_brands(demo_session)
    assert {"Swedbank", "SEB", "Citadele", "Luminor"} <= set(banks)
    html = client.get("/en/?lat=56.948&lon=24.109&salary_card=seb").get_data(as_text=True)
    select = re.search(r'<select id="salary_card".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]+)</option>", select)[1:] == banks
    assert re.search(r"<option selected>SEB</option>", select)


def test_the_place_page_says_no_commission_by_the_one_rule(client, demo_session):
    from locator import catalogue
    from locator.domain.fees import is_commission_free

    bank = nearest(demo_session, NearestQuery(lat=56.948, lon=24.109, kinds=("bank_branch",), k=1))[0]
    details = catalogue.place_details(demo_session, bank.place.id)
    free = [o for o in details.offers if is_commission_free(o.fee_eur)]
    html = client.get(f"/en/places/{bank.place.id}").get_data(as_text=True)
    assert free and html.count("<td>no commission</td>") == len(free)


def test_the_map_borders_are_cached_files_not_part_of_every_page(client):
    page = client.get("/?lat=56.948&lon=24.109")
    assert len(page.data) < 60_000  # the 240 KB of municipality borders are not inlined
    linked = re.search(r'"(/geo/municipalities\.geojson\?v=[0-9a-f]+)"', page.get_data(as_text=True)).group(1)
    r = client.get(linked)  # the versioned URL the page links: cached for a year (web.assets)
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    assert "immutable" in r.headers["Cache-Control"] and len(r.get_json()["features"]) == 43
    assert client.get("/geo/municipalities.geojson", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    assert client.get("/geo/secret_key.geojson").status_code == 404
