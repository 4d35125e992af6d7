"""The nearest search is exact: the same ordered top-k as brute force on the ellipsoid.

2,000 random places over Latvia, 200 random queries, several filter shapes, on
both engines; the reference ranks every candidate with pyproj.Geod(WGS84).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from pyproj import Geod
from sqlalchemy import text

from locator.domain.fees import Customer, is_commission_free
from locator.importers.load import load
from locator.importers.synthetic import SYNTHETIC_SOURCE, fee_of, random_places, random_points_in_latvia
from locator.query import NearestQuery, SearchTrace, explain_nearest, nearest

GEOD = Geod(ellps="WGS84")
N_PLACES, N_QUERIES = 2_000, 200

FILTERS = {
    "any": {},
    "commission_free": {"commission_free": True},
    "atms_with_salary_card": {"kinds": ("atm",), "customer": Customer("Citadele"), "commission_free": True},
    "post_offices": {"kinds": ("post_office",)},
    "within_8km": {"max_distance_m": 8_000.0},
    "buy_services_k10": {"service": "buy_services", "k": 10},
}


@pytest.fixture
def world(session):
    rows = random_places(N_PLACES, seed=42)
    load(session, rows, SYNTHETIC_SOURCE)
    session.commit()
    return rows


def brute_force(rows, q: NearestQuery) -> list[tuple[str, float]]:
    """Every place that qualifies, ranked by pyproj's geodesic distance."""
    cands = []
    for r in rows:
        if q.kinds and r.kind not in q.kinds:
            continue
        fee = fee_of(r, q.service, q.customer)
        if fee is None or (q.commission_free and not is_commission_free(fee)):
            continue
        cands.append(r)
    lons = np.array([r.lon for r in cands])
    lats = np.array([r.lat for r in cands])
    _, _, dist = GEOD.inv(np.full(len(cands), q.lon), np.full(len(cands), q.lat), lons, lats)
    ranked = sorted(zip(dist, (r.source_ref for r in cands)))
    if q.max_distance_m is not None:
        ranked = [x for x in ranked if x[0] <= q.max_distance_m]
    return [(ref, d) for d, ref in ranked[q.offset : q.offset + q.k]]


@pytest.mark.parametrize("filter_name", FILTERS)
def test_same_ordered_top_k_as_brute_force_on_the_ellipsoid(session, world, filter_name):
    refs = {pid: ref for pid, ref in session.execute(text("SELECT id, source_ref FROM places"))}
    origins = random_points_in_latvia(N_QUERIES, seed=7)
    rounds = []
    for lat, lon in origins:
        q = NearestQuery(lat=lat, lon=lon, **FILTERS[filter_name])
        trace = SearchTrace()
        got = nearest(session, q, trace)
        rounds.append(len(trace.radii_m))
        want = brute_force(world, q)
        assert [refs[m.place.id] for m in got] == [ref for ref, _ in want], (lat, lon)
        for m, (_, d) in zip(got, want):
            assert m.distance_m == pytest.approx(d, abs=1e-3)
    # the radius hint makes a typical query a single round
    assert sorted(rounds)[len(rounds) // 2] <= 2


@pytest.mark.parametrize("filter_name", ["any", "atms_with_salary_card", "within_8km"])
def test_later_pages_are_exact_and_continue_the_first(session, world, filter_name):
    refs = {pid: ref for pid, ref in session.execute(text("SELECT id, source_ref FROM places"))}
    for lat, lon in random_points_in_latvia(40, seed=11):
        pages = []
        for offset in (0, 5, 10):
            q = NearestQuery(lat=lat, lon=lon, **FILTERS[filter_name], k=5, offset=offset)
            got = [refs[m.place.id] for m in nearest(session, q)]
            assert got == [ref for ref, _ in brute_force(world, q)], (lat, lon, offset)
            pages += got
        first_fifteen = NearestQuery(lat=lat, lon=lon, **FILTERS[filter_name], k=15)
        assert pages == [refs[m.place.id] for m in nearest(session, first_fifteen)]


def test_the_fee_and_commission_flag_follow_the_customer(session, world):
    lat, lon = 56.9477, 24.1085
    atms = NearestQuery(lat=lat, lon=lon, kinds=("atm",), k=20)
    with_card = NearestQuery(lat=lat, lon=lon, kinds=("atm",), k=20, customer=Customer("swedbank"))
    plain = {m.place.id: m for m in nearest(session, atms)}
    carded = {m.place.id: m for m in nearest(session, with_card)}
    assert all(m.fee_eur == Decimal("1.20") and not m.commission_free for m in plain.values())
    swed = [m for m in carded.values() if m.place.brand == "Swedbank"]
    assert swed and all(m.fee_eur == 0 and m.commission_free for m in swed)
    assert all(m.fee_eur == Decimal("1.20") for m in carded.values() if m.place.brand != "Swedbank")


def test_the_spatial_index_answers_the_window(session, world):
    plan = "\n".join(explain_nearest(session, NearestQuery(lat=56.95, lon=24.1)))
    if session.bind.dialect.name == "sqlite":
        assert "idx_places_geom" in plan and "VIRTUAL TABLE INDEX" in plan, plan
        assert "SCAN places" not in plan, plan
    else:
        assert "idx_places_geom" in plan, plan
        assert "Seq Scan on places" not in plan, plan
