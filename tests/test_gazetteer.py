"""The search geocoder: the offline gazetteer, `search`, and Nominatim swapped in by configuration.

Pure tests need no database; the one `demo_session` test needs both engines (run under
`scripts/pg-test-cluster.sh run -- ...` or `make test`). The Nominatim tests talk to a
Nominatim-shaped server on 127.0.0.1 in a thread: nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.geocoders import Nominatim, Photon
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from locator.domain.text import fold
from locator.gazetteer import (
    Gazetteer,
    ParsedAddress,
    SearchUnavailable,
    build_gazetteer_files,
    farmsteads,
    files,
    geocoder_for_search,
    parse_address,
    search,
)
from locator.gazetteer.names import KIND_WEIGHT
from locator.gazetteer.results import CHOICES_CAP

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LOCATOR_SHARED_DATA") or REPO.parent / "shared" / "data")  # the source files

AUDEJU = ("Audēju iela 16, Rīga", 56.9477, 24.1085)
RIGA = (56.946, 24.10589)


@pytest.fixture(scope="module")
def plain():
    return Gazetteer()


@pytest.fixture(scope="module")
def with_addresses():
    return Gazetteer(
        [
            AUDEJU,
            ("LV-1050, Rīga", 56.946, 24.1059),
            ("Āgenskalns, Rīga", 56.934, 24.071),
            ("pilsētas centrs, Daugavpils", 55.8833, 26.5333),
        ],
        shipped_addresses=False,
    )


# ---------------------------------------------------------------- folding and parsing


def test_fold_drops_case_and_latvian_diacritics():
    assert fold("RĪGA") == fold("Rīga") == fold("riga") == "riga"
    assert fold("Audēju iela") == "audeju iela"
    assert fold("ĶĢĻŅŠŽČĀĒĪŪ") == "kglnszcaeiu"


def test_parse_address_finds_street_number_and_town():
    assert parse_address("Audēju iela 16, Rīga") == ParsedAddress("Audēju iela", "16", "Rīga")
    assert parse_address("LV-1010, Rīga, Brīvības iela 10a") == ParsedAddress("Brīvības iela", "10a", "Rīga")
    assert parse_address("Krasta iela 68", "Rīga") == ParsedAddress("Krasta iela", "68", "Rīga")


def test_parse_address_without_a_street_is_none():
    assert parse_address("Āgenskalns, Rīga") is None
    assert parse_address("LV-3113, Ķesterciems, Tukuma novads") is None
    assert parse_address("pilsētas centrs, Daugavpils") is None


# ---------------------------------------------------------------- the gazetteer as a geopy geocoder


def test_gazetteer_is_a_geopy_geocoder_returning_locations(plain):
    assert isinstance(plain, Geocoder)
    one = plain.geocode("Rīga")
    assert isinstance(one, Location)
    many = plain.geocode("Ozoli", exactly_one=False, limit=3)
    assert isinstance(many, list) and len(many) == 3 and all(isinstance(x, Location) for x in many)
    assert plain.geocode("xyzzy") is None
    assert plain.geocode("xyzzy", exactly_one=False) is None


@pytest.mark.parametrize("query", ["riga", "RĪGA", "Rīga", "  rīga ", "Riga."])
def test_riga_in_any_case_or_spelling_finds_the_city(plain, query):
    loc = plain.geocode(query)
    assert loc.address == "Rīga"
    assert (loc.latitude, loc.longitude) == pytest.approx(RIGA, abs=1e-4)
    assert loc.raw["kind"] == "settlement"
    assert loc.raw["settlement_kind"] == "city"
    assert loc.raw["municipality"] == "Rīga"
    assert loc.raw["population"] == 742572


def test_daugavpils_lowercase_finds_the_state_city(plain):
    result = search(plain, "daugavpils")
    assert result.status == "found"
    (choice,) = result.choices
    assert choice.label == "Daugavpils" and choice.kind == "settlement"
    assert (choice.lat, choice.lon) == pytest.approx((55.88333, 26.53333), abs=1e-4)


@pytest.mark.parametrize("query", ["Kjekava", "kekava", "Ķekava"])
def test_ascii_spellings_of_latvian_letters_are_accepted(plain, query):
    assert plain.geocode(query).address == "Ķekava, Ķekavas novads"


@pytest.mark.parametrize(
    "query,expected", [("Liepaaja", "Liepāja"), ("daugavp", "Daugavpils"), ("Daugavpilss", "Daugavpils")]
)
def test_doubled_letters_prefixes_and_typos_still_find_the_town(plain, query, expected):
    loc = plain.geocode(query)
    assert loc.address == expected
    assert loc.raw["match"] in ("loose", "prefix", "fuzzy")


def test_exact_match_beats_prefix_match(plain):
    loc = plain.geocode("Ogre")
    assert loc.address == "Ogre" or loc.address.startswith("Ogre,")
    assert loc.raw["match"] == "exact"


@pytest.mark.parametrize("query", ["LV-1050", "1050", "lv 1050", "LV1050", "lv-1050 "])
def test_postcode_in_any_form_finds_the_postcode_point(plain, query):
    loc = plain.geocode(query)
    assert loc.raw["kind"] == "postcode"
    assert loc.raw["postcode"] == "LV-1050"
    assert loc.address == "LV-1050, Rīga"
    assert (loc.latitude, loc.longitude) == pytest.approx(RIGA, abs=1e-3)


def test_postcode_place_names_get_their_diacritics(plain):
    assert plain.geocode("LV-3401").raw["place"] == "Liepāja"
    assert plain.geocode("LV-4601").raw["place"] == "Rēzekne"


def test_unknown_postcode_is_not_found(plain):
    assert search(plain, "LV-9999").status == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        "audeju iela 1",
        "Audēju iela 16, Rīga",
        "AUDEJU IELA, riga",
        "Rīga, Audēju iela 16",
        "riga audeju iela 16",
        "Audēju 16",
        "audeju",
    ],
)
def test_street_addresses_of_the_database_are_found(with_addresses, query):
    result = search(with_addresses, query)
    assert result.status == "found"
    (choice,) = result.choices
    assert choice.kind == "address"
    assert choice.label.startswith("Audēju iela")
    assert (choice.lat, choice.lon) == pytest.approx((56.9477, 24.1085), abs=1e-6)


def test_a_known_house_number_gives_that_house_and_an_unknown_one_the_street(with_addresses):
    house = with_addresses.geocode("Audēju iela 16, Rīga")
    assert house.address == "Audēju iela 16, Rīga"
    assert house.raw["house_number"] == "16" and house.raw["house_number_found"]
    street = with_addresses.geocode("audeju iela 1")
    assert street.address == "Audēju iela, Rīga"
    assert street.raw["house_number_found"] is False


def test_a_street_without_a_number_is_the_centre_of_its_points():
    g = Gazetteer(
        [
            ("Brīvības iela 10, Rīga", 56.95, 24.11),
            ("Brīvības iela 20, Rīga", 56.96, 24.13),
            ("Brīvības iela 5, Jelgava", 56.65, 23.72),
        ],
        shipped_addresses=False,
    )
    loc = g.geocode("Brīvības iela, Rīga")
    assert loc.address == "Brīvības iela, Rīga"
    assert (loc.latitude, loc.longitude) in [(56.95, 24.11), (56.96, 24.13)]  # a house of the street's middle
    assert loc.raw["points"] == 2
    # the same street name in two towns is ambiguous without the town
    assert search(g, "brivibas iela").status == "ambiguous"
    assert search(g, "brivibas iela, jelgava").choices[0].label == "Brīvības iela, Jelgava"


def test_a_street_unknown_in_that_town_falls_back_to_the_town(with_addresses):
    result = search(with_addresses, "Audēju iela 5, Liepāja")
    assert result.status == "found"
    assert result.choices[0].label == "Liepāja"
    assert result.hint["en"] == "Showing Liepāja centre: we don't know Audēju iela 5."


def test_addresses_without_a_street_add_nothing(with_addresses):
    assert with_addresses.street_count == 1


def test_a_qualifier_picks_the_settlement_in_that_municipality(plain):
    result = search(plain, "Ozoli, Saldus novads")
    assert result.status == "found"
    assert result.choices[0].label == "Ozoli, Zirņu pagasts, Saldus novads"
    assert search(plain, "ozoli saldus").choices == result.choices
    assert search(plain, "Āgenskalns, Rīga").choices[0].label == "Āgenskalns, Rīga"


@pytest.mark.parametrize("name", ["Ozoli", "Sloboda", "Jaunmuiža", "Jaunzemji"])
def test_a_name_shared_by_several_villages_is_ambiguous_with_municipality_labels(plain, name):
    result = search(plain, name, limit=5)
    assert result.status == "ambiguous"
    assert len(result.choices) >= 3
    labels = [c.label for c in result.choices]
    assert len(set(labels)) == len(labels)
    assert all(label.startswith(f"{name}, ") and label.endswith(" novads") for label in labels)
    assert result.hint["lv"] and result.hint["en"]


def test_a_town_with_a_population_beats_villages_of_the_same_name(plain):
    # Baloži: a town of 6,780 in Ķekavas novads and seven villages
    result = search(plain, "Baloži")
    assert result.status == "found"
    assert result.choices[0].label == "Baloži, Ķekavas novads"


def test_jaunpils_is_one_place_in_the_shipped_data(plain):
    result = search(plain, "Jaunpils")
    assert result.status == "found"
    assert result.choices[0].label == "Jaunpils, Tukuma novads"


@pytest.mark.parametrize("query", ["xyzzy", "", "   ", "qqqq wwww"])
def test_nothing_found_says_so_and_suggests_what_to_type_in_both_languages(plain, query):
    result = search(plain, query)
    assert result.status == "not_found"
    assert result.choices == []
    assert "LV-1050" in result.hint["en"] and "LV-1050" in result.hint["lv"]
    assert "Audēju iela, Rīga" in result.hint["en"] and "Audēju iela, Rīga" in result.hint["lv"]


def test_reverse_gives_the_nearest_settlement(plain):
    loc = plain.reverse((55.8833, 26.5333))
    assert loc.address == "Daugavpils"


def test_the_address_loader_is_called_lazily_and_refreshed_when_stale():
    calls = []

    def loader():
        calls.append(1)
        return [AUDEJU] if len(calls) > 1 else []

    g = Gazetteer(address_loader=loader, refresh_s=3600, shipped_addresses=False)
    assert calls == []
    assert g.geocode("audeju iela 16") is None  # the first load had no addresses
    assert calls == [1]
    g.geocode("riga")
    assert calls == [1]  # fresh: not reloaded
    g.refresh()
    assert calls == [1, 1]
    assert g.geocode("audeju iela 16").raw["kind"] == "address"


def test_a_failing_loader_keeps_search_working():
    def loader():
        raise RuntimeError("database down")

    assert Gazetteer(address_loader=loader).geocode("Rīga").address == "Rīga"


# ---------------------------------------------------------------- configuration


def test_the_default_search_geocoder_is_a_gazetteer_sharing_the_loaded_files():
    a = geocoder_for_search({})
    b = geocoder_for_search({"SEARCH_GEOCODER": "gazetteer"})
    assert isinstance(a, Gazetteer) and isinstance(b, Gazetteer)
    assert a is not b  # no module-global cache: the caller keeps the one it built
    assert a.names is b.names and a.postcodes is b.postcodes  # the shipped files are read once


def test_the_gazetteer_reads_addresses_through_the_session_factory(monkeypatch):
    opened = []

    class FakeSession:
        def close(self):
            opened.append("closed")

    monkeypatch.setattr("locator.gazetteer.address_index.place_records", lambda session: [AUDEJU])
    factory = lambda: FakeSession()  # noqa: E731
    g = geocoder_for_search({}, factory)
    assert opened == []  # read when first asked, not when built
    assert g.geocode("audeju iela 16").raw["kind"] == "address"
    assert opened == ["closed"]
    assert g.geocode("audeju iela 16").raw["kind"] == "address"
    assert opened == ["closed"]  # not again within ADDRESS_REFRESH_S
    fresh = geocoder_for_search({}, factory, refresh=True)
    assert opened == ["closed", "closed"]  # refresh: read now
    assert fresh.street_count == Gazetteer().street_count + 1  # the shipped Rīga streets and AUDEJU's


def test_photon_and_nominatim_are_built_from_the_settings():
    cfg = {
        "GEOCODER_URL": "http://127.0.0.1:9/nominatim/",
        "GEOCODER_USER_AGENT": "locator-test",
        "GEOCODER_TIMEOUT_S": 3,
    }
    n = geocoder_for_search({**cfg, "SEARCH_GEOCODER": "nominatim"})
    assert isinstance(n, Nominatim)
    assert n.domain == "127.0.0.1:9/nominatim" and n.scheme == "http"
    assert n.headers["User-Agent"] == "locator-test" and n.timeout == 3.0
    p = geocoder_for_search({**cfg, "SEARCH_GEOCODER": "Photon"})
    assert isinstance(p, Photon) and p.domain == "127.0.0.1:9/nominatim"
    default = geocoder_for_search({"SEARCH_GEOCODER": "photon", "GEOCODER_URL": "https://nominatim.openstreetmap.org"})
    assert default.domain == "photon.komoot.io"
    with pytest.raises(ValueError, match="SEARCH_GEOCODER"):
        geocoder_for_search({"SEARCH_GEOCODER": "google"})


# ---------------------------------------------------------------- a Nominatim on loopback


class FakeNominatim(BaseHTTPRequestHandler):
    requests: list = []
    delay_s = 0.0
    answer: list = []

    def do_GET(self):
        url = urlsplit(self.path)
        type(self).requests.append((url.path, parse_qs(url.query), dict(self.headers)))
        if self.delay_s:
            time.sleep(self.delay_s)
        body = json.dumps(self.answer if url.path.endswith("/search") else []).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (the timeout test)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim_server():
    handler = type("Handler", (FakeNominatim,), {"requests": [], "delay_s": 0.0, "answer": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def nominatim_place(display_name, lat, lon, **extra):
    return {
        "place_id": 1,
        "osm_type": "node",
        "osm_id": 1,
        "lat": str(lat),
        "lon": str(lon),
        "display_name": display_name,
        "boundingbox": [str(lat), str(lat), str(lon), str(lon)],
        **extra,
    }


def test_nominatim_on_loopback_finds_the_address_and_gets_the_query_intact(nominatim_server):
    handler, url = nominatim_server
    handler.answer = [
        nominatim_place(
            "16, Audēju iela, Vecrīga, Rīga, LV-1050, Latvija",
            56.94771,
            24.10853,
            importance=0.31,
            addresstype="building",
            **{"class": "building", "type": "yes"},
        )
    ]
    geocoder = geocoder_for_search(
        {
            "SEARCH_GEOCODER": "nominatim",
            "GEOCODER_URL": url,
            "GEOCODER_USER_AGENT": "locator-test",
            "GEOCODER_TIMEOUT_S": 5,
        }
    )
    result = search(geocoder, "Audēju iela 16, Rīga")
    assert result.status == "found"
    (choice,) = result.choices
    assert (choice.lat, choice.lon) == (56.94771, 24.10853)
    assert choice.label == "16, Audēju iela, Vecrīga, Rīga, LV-1050, Latvija"
    assert choice.kind == "address"
    ((path, params, headers),) = handler.requests
    assert path == "/search"
    assert params["q"] == ["Audēju iela 16, Rīga"]
    assert params["countrycodes"] == ["lv"]
    assert params["limit"] == [str(CHOICES_CAP)]  # a shared name may need more than 5 choices
    assert headers["User-Agent"] == "locator-test"


def test_nominatim_with_several_distinct_places_is_ambiguous(nominatim_server):
    handler, url = nominatim_server
    handler.answer = [
        nominatim_place(
            "Ozoli, Zirņu pagasts, Saldus novads, Latvija", 56.7167, 22.2, importance=0.2, addresstype="hamlet"
        ),
        nominatim_place(
            "Ozoli, Rendas pagasts, Kuldīgas novads, Latvija", 57.0421, 22.1292, importance=0.2, addresstype="hamlet"
        ),
        nominatim_place(
            "Ozoli, Zirņu pagasts, Saldus novads, Latvija", 56.7170, 22.2001, importance=0.19, addresstype="hamlet"
        ),  # the same place again: merged
    ]
    geocoder = geocoder_for_search({"SEARCH_GEOCODER": "nominatim", "GEOCODER_URL": url})
    result = search(geocoder, "Ozoli")
    assert result.status == "ambiguous"
    assert [c.label for c in result.choices] == [
        "Ozoli, Zirņu pagasts, Saldus novads, Latvija",
        "Ozoli, Rendas pagasts, Kuldīgas novads, Latvija",
    ]
    assert {c.kind for c in result.choices} == {"settlement"}


def test_nominatim_finding_nothing_is_not_found_with_the_hint(nominatim_server):
    handler, url = nominatim_server
    handler.answer = []
    result = search(geocoder_for_search({"SEARCH_GEOCODER": "nominatim", "GEOCODER_URL": url}), "xyzzy")
    assert result.status == "not_found" and result.hint["en"]


def test_nominatim_timing_out_raises_search_unavailable(nominatim_server):
    handler, url = nominatim_server
    handler.delay_s = 2.0
    geocoder = geocoder_for_search({"SEARCH_GEOCODER": "nominatim", "GEOCODER_URL": url, "GEOCODER_TIMEOUT_S": 0.3})
    started = time.monotonic()
    with pytest.raises(SearchUnavailable, match="in time"):
        search(geocoder, "Rīga")
    assert time.monotonic() - started < 1.5  # one timeout, no retries


def test_nominatim_refusing_connections_raises_search_unavailable():
    from tests.conftest import free_port

    geocoder = geocoder_for_search(
        {"SEARCH_GEOCODER": "nominatim", "GEOCODER_URL": f"http://127.0.0.1:{free_port()}", "GEOCODER_TIMEOUT_S": 2}
    )
    with pytest.raises(SearchUnavailable):
        search(geocoder, "Rīga")


# ---------------------------------------------------------------- the data files


def test_shipped_files_have_the_expected_shape():
    settlements = files.read_settlements()
    postcodes = files.read_postcodes()
    assert len(postcodes) == 697
    assert len({p.code for p in postcodes}) == 697
    assert len(settlements) > 8000
    assert {s.kind for s in settlements} <= set(KIND_WEIGHT)
    assert all(55.6 < s.lat < 58.1 and 20.9 < s.lon < 28.3 for s in settlements)
    names = {s.name for s in settlements}
    assert {"Rīga", "Liepāja", "Rēzekne", "Jūrmala", "Jēkabpils"} <= names
    assert not {"Riga", "Liepaja", "Rezekne", "Jurmala"} & names
    assert {p.place for p in postcodes if p.code.startswith("LV-10")} == {"Rīga", "Lidosta Rīga"}


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data (the source files) is not here")
def test_the_builder_reproduces_the_shipped_files(tmp_path):
    counts = build_gazetteer_files(SHARED, tmp_path)
    assert counts["postcodes"] == 697
    for name in (
        files.SETTLEMENTS_FILE,
        files.POSTCODES_FILE,
        files.ALTERNATES_FILE,
        files.FEATURES_FILE,
        farmsteads.FARMSTEADS_FILE,
    ):
        assert (tmp_path / name).read_bytes() == (files.DATA_DIR / name).read_bytes(), name


# ---------------------------------------------------------------- with the database


def test_from_database_finds_the_demo_closed_centre_address(demo_session):
    g = Gazetteer.from_database(demo_session, shipped_addresses=False)
    assert g.street_count >= 1
    result = search(g, "audeju iela 16, riga")
    assert result.status == "found"
    (choice,) = result.choices
    assert choice.label == "Audēju iela 16, Rīga" and choice.kind == "address"
    assert (choice.lat, choice.lon) == pytest.approx((56.9477, 24.1085), abs=1e-6)
    assert choice.municipality == "Rīga"
