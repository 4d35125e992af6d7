""" "Open now" / "open at" is a filter of the nearest search, applied before the k nearest are chosen.

The reference ranks every place that offers the service (the unfiltered search with a k larger
than the data, whose order tests/test_nearest_exact.py proves against brute force), evaluates
every place's opening hours at the moment in Python, and keeps the first k open ones.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from locator.domain import hours
from locator.domain.fees import Customer
from locator.errors import InvalidQuery
from locator.importers.load import load
from locator.importers.rows import OfferRow, PlaceRow, SourceInfo
from locator.query import NearestQuery, SearchTrace, nearest

EVERYTHING = 100_000  # more places than any test database holds
POINTS = {
    "Audēju iela, Rīga": (56.9477, 24.1085),
    "Daugavpils": (55.8747, 26.5362),
    "Kolka": (57.7480, 22.5900),
    "Zilupe": (56.3870, 28.1220),
}
MOMENTS = {
    "Tuesday evening 21:30": datetime(2026, 12, 1, 21, 30, tzinfo=hours.RIGA),
    "Wednesday night 23:00": datetime(2026, 12, 2, 23, 0, tzinfo=hours.RIGA),
    "Saturday noon": datetime(2026, 12, 5, 12, 0, tzinfo=hours.RIGA),
    "Proclamation Day 10:00": datetime(2026, 11, 18, 10, 0, tzinfo=hours.RIGA),
    "Monday 08:30": datetime(2026, 12, 7, 8, 30, tzinfo=hours.RIGA),
}
FILTERS = {
    "bills": {},
    "bills without commission": {"commission_free": True},
    "ATMs free with a salary card": {"kinds": ("atm",), "commission_free": True, "customer": Customer("Swedbank")},
    "buy a service within 20 km, k=10": {"service": "buy_services", "max_distance_m": 20_000.0, "k": 10},
}


def reference(session, q: NearestQuery) -> list[tuple[int, float]]:
    """Every place offering the service, ranked; their hours evaluated one by one; the first k open."""
    everyone = nearest(session, replace(q, open_at=None, k=EVERYTHING, offset=0))
    open_ones = [m for m in everyone if hours.open_at(m.place.opening_hours, q.open_at) is True]
    return [(m.place.id, m.distance_m) for m in open_ones[q.offset : q.offset + q.k]]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("filters", FILTERS)
def test_the_k_nearest_open_places_are_the_brute_force_answer(demo_session, point, moment, filters):
    lat, lon = POINTS[point]
    q = NearestQuery(lat=lat, lon=lon, open_at=MOMENTS[moment], **{"k": 5, **FILTERS[filters]})
    got = [(m.place.id, m.distance_m) for m in nearest(demo_session, q)]
    expected = reference(demo_session, q)
    assert [i for i, _ in got] == [i for i, _ in expected]
    assert [d for _, d in got] == pytest.approx([d for _, d in expected], abs=0.01)


def test_a_later_page_of_open_places_continues_the_same_ranking(demo_session):
    lat, lon = POINTS["Audēju iela, Rīga"]
    q = NearestQuery(lat=lat, lon=lon, open_at=MOMENTS["Wednesday night 23:00"], k=4)
    first, second = nearest(demo_session, q), nearest(demo_session, replace(q, offset=4))
    both = nearest(demo_session, replace(q, k=8))
    assert [m.place.id for m in first + second] == [m.place.id for m in both]


def hour_row(ref: str, lat: float, lon: float, opening_hours: str | None) -> PlaceRow:
    return PlaceRow.make(
        source_ref=ref,
        kind="atm",
        name=f"ATM {ref}",
        lat=lat,
        lon=lon,
        opening_hours=opening_hours,
        offers=(OfferRow.make("bill_payment", "0"),),
    )


def test_the_open_place_behind_many_closed_ones_is_found(session):
    """200 closed ATMs around the origin, one open 24/7 ATM beyond them: the search keeps widening."""
    rows = [
        hour_row(f"c{i}", 56.95 + (i % 20) * 0.001, 24.10 + (i // 20) * 0.001, "Mo-Fr 09:00-17:00") for i in range(200)
    ]
    rows += [hour_row("unknown", 56.949, 24.099, None), hour_row("open", 57.30, 24.40, "24/7")]
    load(session, rows, SourceInfo("hours-test", "hours test", "CC0", "tests"))
    session.commit()
    trace = SearchTrace()
    q = NearestQuery(lat=56.95, lon=24.10, k=1, open_at=datetime(2026, 12, 2, 23, 0))
    found = nearest(session, q, trace)
    assert [m.place.name for m in found] == ["ATM open"]
    assert len(trace.radii_m) > 1
    # unknown hours are not "open"; a naive moment is Riga wall time (10:00 on a Wednesday: open)
    daytime = nearest(session, replace(q, k=3, open_at=datetime(2026, 12, 2, 10, 0)))
    assert "ATM unknown" not in [m.place.name for m in daytime] and len(daytime) == 3


def test_nothing_open_within_the_distance_gives_an_empty_answer(session):
    load(session, [hour_row("c", 56.95, 24.10, "Mo-Fr 09:00-17:00")], SourceInfo("h", "h", "CC0", "t"))
    session.commit()
    q = NearestQuery(lat=56.95, lon=24.10, max_distance_m=5_000.0, open_at=datetime(2026, 12, 2, 23, 0))
    assert nearest(session, q) == []


def test_the_moment_is_checked_like_the_other_fields():
    with pytest.raises(InvalidQuery, match="open_at must be a date and time") as caught:
        NearestQuery(lat=56.9, lon=24.1, open_at="23:00")
    assert caught.value.param == "open_at"


def test_the_api_asks_the_same_filter(client, demo_session):
    lat, lon = POINTS["Audēju iela, Rīga"]
    r = client.get(f"/api/nearest?lat={lat}&lon={lon}&open_at=2026-12-02T23:00&k=5")
    assert r.status_code == 200
    body = r.get_json()
    assert body["query"]["open_at"] == "2026-12-02T23:00+02:00"
    q = NearestQuery(lat=lat, lon=lon, open_at=MOMENTS["Wednesday night 23:00"], k=5)
    assert [x["id"] for x in body["results"]] == [i for i, _ in reference(demo_session, q)]
    now = client.get(f"/api/nearest?lat={lat}&lon={lon}&open_now=true").get_json()
    assert now["query"]["open_at"] is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("open_at=tonight", "open_at must be a date and time such as 2026-12-24T18:00, not 'tonight'"),
        ("open_now=true&open_at=2026-12-02T23:00", "open_now and open_at ask for two moments; give one"),
        ("open_now=perhaps", "open_now must be true or false"),
    ],
)
def test_a_bad_moment_is_a_400_naming_the_parameter(client, args, message):
    r = client.get(f"/api/nearest?lat=56.95&lon=24.1&{args}")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert message in r.get_json()["detail"] and r.get_json()["param"] in ("open_at", "open_now")
