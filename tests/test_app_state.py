"""What the app keeps between requests lives on the app: two apps in one process share none of it."""

from __future__ import annotations

from locator import create_app
from locator.query import NearestQuery, nearest
from locator.query_memory import NearestMemory

AUDEJU = "/api/nearest?lat=56.9477&lon=24.1085"


def state(app):
    return app.extensions["locator"]


def test_two_apps_do_not_share_hints_caches_or_engine_views(demo_db_url):
    first = create_app({"DATABASE_URL": demo_db_url, "SECRET_KEY": "t"})
    second = create_app({"DATABASE_URL": demo_db_url, "SECRET_KEY": "t"})
    assert first.test_client().get(AUDEJU).status_code == 200
    assert first.test_client().get("/?lat=56.948&lon=24.109").status_code == 200
    one, other = state(first), state(second)
    assert one.memory is not other.memory and one.catalogue is not other.catalogue
    assert one.memory.hinted() > 0 and one.autocommit_engines
    assert other.memory.hinted() == 0 and not other.autocommit_engines
    assert other.catalogue._entries == {} and one.catalogue._entries
    assert second.test_client().get(AUDEJU).get_json() == first.test_client().get(AUDEJU).get_json()
    assert other.memory.hinted() > 0


def test_each_app_bounds_k_by_its_own_settings(demo_db_url):
    small = create_app({"DATABASE_URL": demo_db_url, "SECRET_KEY": "t", "MAX_RESULTS": 8, "DEFAULT_RESULTS": 3})
    large = create_app({"DATABASE_URL": demo_db_url, "SECRET_KEY": "t"})
    r = small.test_client().get(AUDEJU + "&k=9")
    assert r.status_code == 400 and r.get_json()["detail"] == "k must be between 1 and 8"
    assert len(small.test_client().get(AUDEJU).get_json()["results"]) == 3
    assert len(large.test_client().get(AUDEJU + "&k=9").get_json()["results"]) == 9


def test_the_core_keeps_hints_in_the_memory_it_is_given(demo_session):
    mine, yours = NearestMemory(), NearestMemory()
    q = NearestQuery(lat=56.9477, lon=24.1085, k=5)
    assert nearest(demo_session, q, memory=mine) == nearest(demo_session, q, memory=yours)
    assert mine.hinted() == 1 and yours.hinted() == 1
    nearest(demo_session, NearestQuery(lat=56.9477, lon=24.1085, kinds=("atm",)), memory=mine)
    assert mine.hinted() == 2 and yours.hinted() == 1
    # without one, the session keeps its own
    nearest(demo_session, q)
    assert demo_session.info["locator.nearest_memory"].hinted() == 1


def test_the_search_geocoder_is_built_once_per_app_and_per_search_setting(demo_db_url):
    first = create_app({"DATABASE_URL": demo_db_url, "SECRET_KEY": "t"})
    second = create_app({"DATABASE_URL": demo_db_url, "SECRET_KEY": "t"})

    def built(app):
        with app.app_context():
            return state(app).search_geocoder(app.config, lambda: None)

    assert built(first) is built(first)
    assert built(first) is not built(second)
    first.config["SEARCH_GEOCODER"] = "nominatim"
    assert type(built(first)).__name__ == "LatviaNominatim"
