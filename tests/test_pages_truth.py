"""The customer page tells the truth: exact filters, what was searched, why nothing matches, honest centre pages.

Expectations are computed from the data through the query core (and, for "open", by evaluating
every place's hours), never from a particular demo place's name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from html import unescape

import pytest
from markupsafe import escape

from locator import query
from locator.domain import hours
from locator.query import NearestQuery, nearest
from locator.web.i18n import LV_MONTHS_ON

AUDEJU = {"lat": 56.948, "lon": 24.109}
EVERYTHING = 100_000


def names_in_list(html: str) -> list[str]:
    return [unescape(n) for n in re.findall(r'<span class="name">(.*?)</span>', html)]


def visible(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<details.*?</details>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def token(client, path="/en/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


# --- item 5: the filters are exact --------------------------------------------------------------


@pytest.mark.parametrize("at", ["2026-12-02T23:00", "2026-12-05T12:00", "2026-11-18T10:00"])
def test_open_at_lists_the_ten_nearest_open_places_of_all(client, demo_session, at):
    html = client.get(f"/en/?lat=56.948&lon=24.109&filtered=1&commission_free=0&open=at&at={at}").get_data(as_text=True)
    moment = datetime.fromisoformat(at).replace(tzinfo=hours.RIGA)
    everyone = nearest(demo_session, NearestQuery(**AUDEJU, k=EVERYTHING))
    expected = [m.place.name for m in everyone if hours.open_at(m.place.opening_hours, moment)][:10]
    assert len(expected) == 10 and names_in_list(html) == expected


def test_open_at_without_a_time_is_a_form_error_not_any_time(client):
    html = client.get("/en/?lat=56.948&lon=24.109&filtered=1&open=at&at=").get_data(as_text=True)
    assert "“Open at” needs a date and time" in html and 'role="alert"' in html
    assert 'aria-invalid="true"' in html and names_in_list(html) == []
    assert '<details class="filters-box" open' in html
    assert 'value="at" checked' in html  # the choice stays, to be completed
    lv = client.get("/?lat=56.948&lon=24.109&filtered=1&open=at").get_data(as_text=True)
    assert "vajag datumu un laiku" in lv


def test_nothing_open_within_the_distance_says_how_many_are_there_and_how_far_the_nearest_open_is(client, demo_session):
    at = "2026-12-02T23:00"  # a Wednesday night: banks and post offices are closed
    moment = datetime.fromisoformat(at).replace(tzinfo=hours.RIGA)
    where = {"lat": 56.948, "lon": 24.109}
    html = visible(
        client.get(
            f"/en/?lat=56.948&lon=24.109&filtered=1&commission_free=1&kind=bank_branch&max_km=5&open=at&at={at}"
        ).get_data(as_text=True)
    )
    q = NearestQuery(**where, kinds=("bank_branch",), commission_free=True, max_distance_m=5000.0, k=50)
    in_range = nearest(demo_session, q)
    assert in_range and not [m for m in in_range if hours.open_at(m.place.opening_hours, moment)]
    assert f"{len(in_range)} places within 5 km, none open Wed 2 Dec 23:00." in html
    open_anywhere = nearest(demo_session, replace(q, max_distance_m=None, k=1, open_at=moment))
    if open_anywhere:
        assert f"The nearest one open Wed 2 Dec 23:00 is {open_anywhere[0].place.name}" in html
    else:
        assert "No place that offers this is open Wed 2 Dec 23:00." in html
    assert "within reach" not in html


def test_nothing_open_anywhere_says_when_the_nearest_opens(client, demo_session):
    html = visible(
        client.get(
            "/en/?lat=56.948&lon=24.109&filtered=1&commission_free=1&kind=bank_branch&open=at&at=2026-12-06T12:00"
        ).get_data(as_text=True)
    )
    nearest_bank = nearest(demo_session, NearestQuery(**AUDEJU, kinds=("bank_branch",), commission_free=True, k=1))
    opens = hours.status(nearest_bank[0].place.opening_hours, datetime(2026, 12, 6, 12, 0, tzinfo=hours.RIGA))
    assert not opens.open, "the demo's bank branches are closed on Sundays"
    assert "No place that offers this is open Sun 6 Dec 12:00." in html
    assert f"The nearest at any time is {nearest_bank[0].place.name}" in html and "opens Mon" in html


def test_a_distance_alone_says_what_is_beyond_it_and_never_within_reach(client):
    html = visible(client.get("/?lat=57.700&lon=21.900&filtered=1&kind=bank_branch&max_km=1").get_data(as_text=True))
    assert "1 km rādiusā nav nevienas atbilstošas vietas." in html and "Tuvākā ir" in html
    assert "Tuvumā nekas neatbilst" not in html


# --- item 6: the same checks as the API ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["", "/en"])
def test_a_point_far_outside_latvia_is_a_400_page_in_its_language_not_distant_places(client, lang):
    r = client.get(f"{lang}/?lat=48.857&lon=2.352&open=now")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert ("This point is outside Latvia" if lang else "Šī vieta ir ārpus Latvijas") in html
    assert names_in_list(html) == []


# --- items 4 and 9: after a search -------------------------------------------------------------------


def page_distance(client, path: str, metres: float) -> str:
    """A distance as the page at ``path`` writes it (its one formatter, in its language)."""
    from locator.web.i18n import distance

    with client.application.test_request_context(path):
        return distance(metres)


def search(client, text: str, lang: str = "/en", **form):
    data = {"csrf_token": token(client, f"{lang}/"), "q": text, **form}
    return client.post(f"{lang}/search", data=data)


def test_after_a_search_a_line_says_what_was_searched_and_found(client, demo_session):
    r = search(client, "Audēju iela 16, Rīga", service="bill_payment", commission_free="1")
    assert r.status_code == 303 and "Aud" not in r.headers["Location"]
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    lat, lon = (float(re.search(rf"{k}=([\d.]+)", r.headers["Location"]).group(1)) for k in ("lat", "lon"))
    core = nearest(demo_session, NearestQuery(lat=lat, lon=lon, commission_free=True, k=10))
    far = {lang: page_distance(client, lang, core[-1].distance_m) for lang in ("/en/", "/")}
    summary = visible(re.search(r'<div id="results-summary".*?</div>', html, re.S).group(0)).strip()
    assert summary == f"10 places within {far['/en/']} of Audēju iela 16, Rīga"
    assert 'data-focus="results-title"' in html and 'id="results-title" tabindex="-1"' in html
    # the label belongs to the point: the same point in Latvian says it too, once focused no more
    lv = client.get(r.headers["Location"].replace("/en/", "/")).get_data(as_text=True)
    assert f"10 vietas {far['/']} rādiusā no Audēju iela 16, Rīga" in lv
    assert "data-focus" not in lv
    # another point does not claim the search
    other = client.get("/en/?lat=56.950&lon=24.120").get_data(as_text=True)
    assert "Audēju" not in visible(re.search(r'<div id="results-summary".*?</div>', other, re.S).group(0))


def test_a_search_where_nothing_matches_still_says_where_it_searched_and_takes_the_focus(client):
    filters = {"kind": "bank_branch", "commission_free": "1", "open": "at", "at": "2026-12-06T12:00"}
    r = search(client, "Audēju iela 16, Rīga", **filters)
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert names_in_list(html) == []
    box = re.search(r'<div id="results-summary".*?</div>', html, re.S).group(0)
    assert 'data-focus="results-title"' in box and "Searched near Audēju iela 16, Rīga." in visible(box)
    assert "No place that offers this is open Sun 6 Dec 12:00." in visible(box)


@pytest.mark.parametrize(
    ("n", "lv"), [(1, "1 vieta"), (2, "2 vietas"), (10, "10 vietas"), (11, "11 vietas"), (21, "21 vieta")]
)
def test_the_summary_counts_in_proper_latvian_plurals(app, n, lv):
    from flask import g
    from flask_babel import ngettext

    with app.test_request_context("/"):
        g.lang = "lv"
        text = ngettext("%(num)d place within %(distance)s", "%(num)d places within %(distance)s", n, distance="1 km")
    assert text == f"{lv} 1 km rādiusā"


def test_an_approximate_find_shows_its_hint_above_the_results(app, client):
    """A street the data lacks falls back to the town: the search's own hint says so on the page."""
    from locator.gazetteer import search as geocode
    from locator.web.app_state import app_state
    from locator.web.requests import db_session

    typed = "Rīga, Nekāda iela 5"
    with app.test_request_context("/"):
        result = geocode(app_state().search_geocoder(app.config, db_session), typed)
    assert result.status == "found" and result.hint
    r = search(client, typed)
    english = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f'<p class="hint">{escape(result.hint["en"])}</p>' in english
    latvian = client.get(r.headers["Location"].replace("/en/", "/")).get_data(as_text=True)
    assert f'<p class="hint">{escape(result.hint["lv"])}</p>' in latvian


def test_picking_one_of_several_places_says_which_one_above_the_results(app, client):
    from locator.gazetteer import search as geocode
    from locator.web.app_state import app_state
    from locator.web.requests import db_session

    with app.test_request_context("/"):
        result = geocode(app_state().search_geocoder(app.config, db_session), "Ozoli")
    assert result.status == "ambiguous" and len(result.choices) > 1
    html = search(client, "Ozoli").get_data(as_text=True)
    buttons = re.findall(r'<button type="submit" class="link" name="pick" value="(\d+)">(.*?)</button>', html)
    assert [unescape(label) for _, label in buttons] == [c.label for c in result.choices]
    r = search(client, "Ozoli", pick=buttons[1][0])
    assert r.status_code == 303 and "Ozoli" not in r.headers["Location"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    summary = visible(re.search(r'<div id="results-summary".*?</div>', page, re.S).group(0))
    assert summary.strip().endswith(f"of {result.choices[1].label}")


# --- item 8: the language switch keeps the search; HTML error pages -------------------------------------


@pytest.mark.parametrize(
    ("typed", "latvian"), [("xyzzy qwerty", "Jūs meklējāt „xyzzy qwerty”."), ("Ozoli", "Kura no tām?")]
)
def test_switching_language_on_a_nothing_found_or_which_one_page_asks_the_same_search_again(client, typed, latvian):
    html = search(client, typed, service="cash_deposit").get_data(as_text=True)
    switch = re.search(r'<form class="lang-switch" method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    assert switch and switch.group(1) == "/search"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', switch.group(2)))
    assert fields["q"] == typed and fields["service"] == "cash_deposit"
    r = client.post(switch.group(1), data=fields)
    assert r.status_code == 200 and r.mimetype == "text/html"
    lv = r.get_data(as_text=True)
    assert '<html lang="lv">' in lv and latvian in lv


def test_a_search_url_opened_directly_goes_to_the_start_page_with_its_filters(client):
    r = client.get("/en/search?service=cash_deposit&kind=atm")
    assert r.status_code == 303 and r.headers["Location"].startswith("/en/?")
    assert "service=cash_deposit" in r.headers["Location"] and "kind=atm" in r.headers["Location"]


@pytest.mark.parametrize(
    ("method", "path", "status", "text"),
    [
        ("get", "/en/no-such-page", 404, "Page not found"),
        ("get", "/no-such-page", 404, "Lapa nav atrasta"),
        ("post", "/en/", 405, "This page cannot be used that way"),
        ("post", "/centres/", 405, "Šo lapu nevar izmantot šādi"),
    ],
)
def test_html_routes_answer_errors_with_a_page_in_their_language(client, method, path, status, text):
    r = getattr(client, method)(path)
    assert r.status_code == status and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert text in html
    page = visible(re.search(r'<section class="panel wide error".*?</section>', html, re.S).group(0))
    sentences = [s.strip() for s in re.split(r"[.!?]", page) if s.strip()]
    assert len(sentences) == len(set(sentences))
    assert page.count("start page") + page.count("sākumlap") <= 1  # "the start page" said once


# --- item 7: centre pages ------------------------------------------------------------------------


def test_the_dealers_fee_is_for_buying_a_service_and_says_so(client, demo_session):
    html = client.get("/en/centres/riga-audeju-iela").get_data(as_text=True)
    dealers = html.split("Dealers and partner shops nearby", 1)[1]
    fees = re.findall(r'<span class="fee [^"]+">(.*?)</span>', dealers)
    assert fees and all(f.startswith("Buy a service: ") for f in fees)
    centre = query.closed_centre(demo_session, "riga-audeju-iela")
    expected = nearest(
        demo_session,
        NearestQuery(lat=centre.lat, lon=centre.lon, service="buy_services", kinds=("dealer", "telecom_shop"), k=5),
    )
    first = fees[0].removeprefix("Buy a service: ")
    assert first == ("no commission" if expected[0].commission_free else f"€{expected[0].fee_eur}")


def test_a_place_is_numbered_once_on_a_centre_page(client):
    html = client.get("/en/centres/riga-audeju-iela").get_data(as_text=True)
    ids = re.findall(r'<li class="result[^"]*" id="(result-\d+)"', html)
    assert len(ids) == len(set(ids))
    place_ids = re.findall(r'<li class="result(?![^"]*repeated)[^"]*".*?/places/(\d+)', html, re.S)
    assert len(place_ids) == len(set(place_ids))


def test_a_closing_date_in_the_future_reads_closes_on_and_latvian_dates_take_the_locative(client, demo_session):
    today = datetime.now(hours.RIGA).date()
    centres = query.closed_centres(demo_session)
    listing = client.get("/centres/").get_data(as_text=True)
    english = client.get("/en/centres/").get_data(as_text=True)
    for c in centres:
        d = date.fromisoformat(c.closed_on)
        lv_date = f"{d.year}. gada {d.day}. {LV_MONTHS_ON[d.month - 1]}"
        assert ("tiks slēgts " if d > today else "slēgts ") + lv_date in listing
        assert ("closes on " if d > today else "closed on ") + f"{d.day} {d:%B} {d.year}" in english
    assert "31. martā" in client.get("/centres/riga-audeju-iela").get_data(as_text=True)


# --- item 10: place pages --------------------------------------------------------------------------------


def test_the_place_page_has_a_week_table_with_today_marked_and_its_source_in_latvian(client, demo_session):
    bank = nearest(demo_session, NearestQuery(**AUDEJU, kinds=("bank_branch",), k=1))[0]
    html = client.get(f"/places/{bank.place.id}").get_data(as_text=True)
    table = re.search(r'<table class="week">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr(?: [^>]*)?>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>", table, re.S)
    weekdays = [visible(day).split()[0] for day, _ in rows]
    assert weekdays == ["pirmdiena", "otrdiena", "trešdiena", "ceturtdiena", "piektdiena", "sestdiena", "svētdiena"]
    today = datetime.now(hours.RIGA).date()
    assert table.count('aria-current="date"') == 1 and "šodien" in rows[today.weekday()][0]
    for weekday, (_day, text) in enumerate(rows):
        d = today + timedelta(days=(weekday - today.weekday()) % 7)  # that weekday's date in the coming week
        ranges = hours.day_ranges(bank.place.opening_hours, d)
        assert text == (", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b, _ in ranges) or "slēgts")
    assert "OpenStreetMap banku filiāles, bankomāti" in html and "© OpenStreetMap līdzautori" in html
    assert "Īstas vietas: OpenStreetMap punkti" in html  # the source's description, translated
    english = client.get(f"/en/places/{bank.place.id}").get_data(as_text=True)
    assert "Real places: the OpenStreetMap nodes" in english and "Īstas vietas" not in english


def test_every_demo_source_is_described_in_latvian_too():
    """A source the demo loads shows its title and description in the page's language: none lacks Latvian."""
    import json

    from babel.messages.pofile import read_po

    from locator.config import PROJECT_ROOT

    with (PROJECT_ROOT / "translations/lv/LC_MESSAGES/messages.po").open("rb") as fh:
        latvian = {m.id: m.string for m in read_po(fh) if m.id and m.string}
    sources = json.loads((PROJECT_ROOT / "data/demo/sources.json").read_text(encoding="utf-8"))
    untranslated = [(s["name"], k) for s in sources for k in ("title", "description") if s.get(k) not in latvian]
    assert untranslated == []


def test_the_place_page_gives_the_address_with_its_municipality_once(client, demo_session):
    from locator import catalogue

    bank = nearest(demo_session, NearestQuery(**AUDEJU, kinds=("bank_branch",), k=1))[0]
    details = catalogue.place_details(demo_session, bank.place.id)
    html = client.get(f"/en/places/{bank.place.id}").get_data(as_text=True)
    shown = unescape(re.search(r'<p class="address">(.*?)</p>', html).group(1))
    assert details.municipality in shown and shown.count(details.municipality) == 1
    for part in (details.address or "").split(","):
        assert part.strip() in shown
