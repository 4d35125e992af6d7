"""One geodesic distance (locator.domain.geodesy): it agrees with pyproj and with known lengths,
the duplicate finder's grid never hides a place within its radius, and no second formula appears."""

from __future__ import annotations

import ast
import random

import numpy as np
import pytest
from pyproj import Geod

from locator.domain.geodesy import distance_m, distances_m
from locator.importers.duplicates import NEAR_M, _Grid
from tests.source_scan import dotted, project_sources

GEOD = Geod(ellps="WGS84")


def random_pairs(n: int, seed: int, box=(-180.0, -89.0, 180.0, 89.0)):
    rng = random.Random(seed)
    min_lon, min_lat, max_lon, max_lat = box
    return [
        (
            rng.uniform(min_lat, max_lat),
            rng.uniform(min_lon, max_lon),
            rng.uniform(min_lat, max_lat),
            rng.uniform(min_lon, max_lon),
        )
        for _ in range(n)
    ]


def test_distance_agrees_with_pyproj_in_latvia_and_worldwide():
    for box in ((20.9, 55.6, 28.3, 58.1), (-180.0, -89.0, 180.0, 89.0)):
        for lat1, lon1, lat2, lon2 in random_pairs(500, seed=7, box=box):
            _, _, expected = GEOD.inv(lon1, lat1, lon2, lat2)
            assert distance_m(lat1=lat1, lon1=lon1, lat2=lat2, lon2=lon2) == pytest.approx(expected, abs=1e-6)


def test_distance_matches_known_lengths_on_the_ellipsoid():
    # One degree along the equator is a * pi / 180; one degree of meridian at the equator is shorter.
    assert distance_m(lat1=0, lon1=0, lat2=0, lon2=1) == pytest.approx(111_319.490793, abs=1e-5)
    assert distance_m(lat1=0, lon1=0, lat2=1, lon2=0) == pytest.approx(110_574.388563, abs=1e-5)
    # At Rīga's latitude a degree of longitude is 0.55 of one of latitude, not 1.
    east = distance_m(lat1=56.95, lon1=24.1, lat2=56.95, lon2=25.1)
    north = distance_m(lat1=56.95, lon1=24.1, lat2=57.95, lon2=24.1)
    assert 0.54 < east / north < 0.55
    assert distance_m(lat1=56.95, lon1=24.1, lat2=56.95, lon2=24.1) == 0.0


def test_distance_is_keyword_only():
    with pytest.raises(TypeError):
        distance_m(56.95, 24.1, 56.9, 24.2)  # lat/lon order mix-ups are what this prevents


def test_vectorised_distances_equal_the_scalar_one():
    pairs = np.array(random_pairs(200, seed=3, box=(20.9, 55.6, 28.3, 58.1)))
    d = distances_m(lat1=pairs[:, 0], lon1=pairs[:, 1], lat2=pairs[:, 2], lon2=pairs[:, 3])
    assert d.shape == (200,)
    for (lat1, lon1, lat2, lon2), value in zip(pairs, d):
        assert value == pytest.approx(distance_m(lat1=lat1, lon1=lon1, lat2=lat2, lon2=lon2), abs=1e-6)
    one_to_many = distances_m(lat1=56.95, lon1=24.1, lat2=pairs[:, 2], lon2=pairs[:, 3])
    assert one_to_many.shape == (200,)
    assert one_to_many[5] == pytest.approx(distance_m(lat1=56.95, lon1=24.1, lat2=pairs[5, 2], lon2=pairs[5, 3]))
    assert distances_m(lat1=[], lon1=[], lat2=[], lon2=[]).shape == (0,)


@pytest.mark.parametrize("lat", [55.67, 56.95, 58.08, 70.0])
def test_the_duplicate_grid_keeps_every_point_within_near_m_in_a_neighbouring_cell(lat):
    grid = _Grid.for_latitudes([lat, 56.0])
    rng = random.Random(lat)
    for _ in range(300):
        lon0 = rng.uniform(20.9, 28.3)
        lat0 = lat - rng.uniform(0, 0.01)
        lon1, lat1, _ = GEOD.fwd(lon0, lat0, rng.uniform(0, 360), NEAR_M)
        (i0, j0), (i1, j1) = grid.cell(lat0, lon0), grid.cell(lat1, lon1)
        assert abs(i0 - i1) <= 1 and abs(j0 - j1) <= 1


# ---------------------------------------------------------------- no second formula


ALLOWED = {"locator/domain/geodesy.py", "locator/spatial.py"}
"""geodesy is the distance; spatial's bbox_around is the proven box around a radius (an index, not a distance)."""
EARTH_CONSTANTS = ((111_000, 111_400), (6_371_000, 6_371_010), (6_378_137, 6_378_137.1))
"""Metres per degree and Earth radii, the makings of a hand-written distance."""


def _computes_distance(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        name = dotted(node.func).split(".")[-1]
        inner = node.args[0] if node.args else None
        cos_of_degrees = (
            name == "cos"
            and isinstance(inner, ast.Call)
            and dotted(inner.func).split(".")[-1] in ("radians", "deg2rad")
        )
        return cos_of_degrees or name in ("Geod", "hypot")
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return any(lo <= node.value < hi for lo, hi in EARTH_CONSTANTS)
    return False


def distance_formulas(tree: ast.AST) -> list[int]:
    """Lines of ``tree`` with cos(radians(...)) / cos(deg2rad(...)), a Geod of its own, a planar
    hypot (projected or scaled degrees), or a metres-per-degree or Earth-radius literal."""
    return [node.lineno for node in ast.walk(tree) if _computes_distance(node)]


@pytest.mark.parametrize(
    "snippet",
    [
        "dx = (a.lon - b.lon) * k * math.cos(math.radians(lat))",
        "dx = np.cos(np.deg2rad(lat)) * dlon",
        "d = 111_195 * dlat",
        "d = math.hypot(ax - bx, ay - by)",
        "R = 6371008.8",
        'g = pyproj.Geod(ellps="WGS84")',
    ],
)
def test_the_check_sees_a_hand_written_distance(snippet):
    assert distance_formulas(ast.parse(snippet)) == [1]


def test_no_module_but_geodesy_computes_a_distance_itself():
    found = {
        path: lines for path, tree in project_sources() if path not in ALLOWED and (lines := distance_formulas(tree))
    }
    assert found == {}, "use locator.domain.geodesy.distance_m / distances_m instead"
