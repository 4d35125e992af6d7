"""locator.domain.geography: is a point in Latvia, and in which of the 43 municipalities.

Coordinate tuples below are (lon, lat) in WGS84 degrees (GeoJSON order); the functions take them by keyword.
"""

import math
import time
import unicodedata

import pytest
import shapely

from locator.domain import geography
from locator.domain.geography import in_latvia, latvia_outline, municipalities, municipality_of
from locator.spatial import bbox_around

RIGA_OLD_TOWN = (24.1085, 56.9477)
JURMALA_BEACH = (23.7625, 56.9745)  # Majori beach, 270 m seaward of the simplified coast
LV_3113_GULF = (23.2572, 57.1237)  # GeoNames point of Engure/Ezernieki, 1.42 km off the coast
KADAGA = (24.3659, 57.0953)  # a village in Ādaži parish
VALGA = (26.0470, 57.7770)  # Estonia, about 1 km across the border from Valka

OFFICIAL_43 = {
    "Rīga",
    "Daugavpils",
    "Jelgava",
    "Jūrmala",
    "Liepāja",
    "Rēzekne",
    "Ventspils",
    "Ādažu novads",
    "Aizkraukles novads",
    "Alūksnes novads",
    "Augšdaugavas novads",
    "Balvu novads",
    "Bauskas novads",
    "Cēsu novads",
    "Dienvidkurzemes novads",
    "Dobeles novads",
    "Gulbenes novads",
    "Jēkabpils novads",
    "Jelgavas novads",
    "Ķekavas novads",
    "Krāslavas novads",
    "Kuldīgas novads",
    "Limbažu novads",
    "Līvānu novads",
    "Ludzas novads",
    "Madonas novads",
    "Mārupes novads",
    "Ogres novads",
    "Olaines novads",
    "Preiļu novads",
    "Rēzeknes novads",
    "Ropažu novads",
    "Salaspils novads",
    "Saldus novads",
    "Saulkrastu novads",
    "Siguldas novads",
    "Smiltenes novads",
    "Talsu novads",
    "Tukuma novads",
    "Valkas novads",
    "Valmieras novads",
    "Varakļānu novads",
    "Ventspils novads",
}


def at(lon_lat: tuple[float, float]) -> dict[str, float]:
    """Keyword arguments for a (lon, lat) tuple."""
    lon, lat = lon_lat
    return {"lon": lon, "lat": lat}


def test_bbox_is_the_outline_bounds():
    assert pytest.approx(latvia_outline().bounds, abs=1e-9) == geography.LATVIA_BBOX


def test_riga_old_town_is_in_latvia_and_in_riga():
    assert in_latvia(**at(RIGA_OLD_TOWN))
    assert in_latvia(**at(RIGA_OLD_TOWN), buffer_m=0)
    assert municipality_of(**at(RIGA_OLD_TOWN)) == "Rīga"


@pytest.mark.parametrize(
    "lon, lat",
    [(25.2797, 54.6872), (24.7536, 59.4370), (37.6173, 55.7558), (28.3300, 57.8200), (0.0, 0.0)],
    ids=["Vilnius", "Tallinn", "Moscow", "Pskov", "null island"],
)
def test_foreign_points_are_not_in_latvia(lon, lat):
    assert not in_latvia(lon=lon, lat=lat)
    assert municipality_of(lon=lon, lat=lat) is None


def test_the_buffer_reaches_across_the_land_border_unless_turned_off():
    # Documented trade-off of the default buffer: Valga (Estonia) is within 1.5 km.
    assert in_latvia(**at(VALGA))
    assert not in_latvia(**at(VALGA), buffer_m=0)


def test_a_point_on_the_beach_at_jurmala_is_in_latvia():
    assert not latvia_outline().contains(shapely.Point(JURMALA_BEACH))  # the simplification
    assert in_latvia(**at(JURMALA_BEACH))
    assert municipality_of(**at(JURMALA_BEACH)) == "Jūrmala"


def test_the_lv_3113_points_in_the_gulf_are_inside_the_default_buffer_only():
    assert in_latvia(**at(LV_3113_GULF))  # 1,424 m off the coast < DEFAULT_BUFFER_M = 1,500 m
    assert not in_latvia(**at(LV_3113_GULF), buffer_m=1000)
    assert not in_latvia(**at(LV_3113_GULF), buffer_m=0)
    assert municipality_of(**at(LV_3113_GULF)) == "Tukuma novads"  # nearest polygon within 2 km


@pytest.mark.parametrize(
    "lon, lat, expected",
    [
        (26.5333, 55.8833, "Daugavpils"),
        (23.7128, 56.6500, "Jelgava"),
        (21.0109, 56.5047, "Liepāja"),
        (27.3400, 56.5103, "Rēzekne"),
        (23.7704, 56.9680, "Jūrmala"),
        (21.5612, 57.3948, "Ventspils"),
        (*KADAGA, "Ādažu novads"),
        (25.4275, 57.5411, "Valmieras novads"),  # a state city inside its novads
        (26.7000, 55.9500, "Augšdaugavas novads"),  # around the Daugavpils hole
    ],
)
def test_municipality_of_towns(lon, lat, expected):
    assert municipality_of(lon=lon, lat=lat) == expected


def test_a_point_in_a_sliver_between_polygons_gets_the_nearest_municipality():
    pieces = shapely.get_parts(latvia_outline().difference(shapely.union_all([g for _, g in municipalities()])))
    sliver = max(pieces, key=lambda p: p.area).representative_point()
    assert not any(g.contains(sliver) for _, g in municipalities())
    assert municipality_of(lon=sliver.x, lat=sliver.y) in OFFICIAL_43


def test_nan_is_nowhere():
    assert not in_latvia(lon=math.nan, lat=56.9)
    assert municipality_of(lon=24.1, lat=math.nan) is None


def test_there_are_43_distinct_official_names_with_latvian_diacritics():
    names = [name for name, _ in municipalities()]
    assert len(names) == 43
    assert set(names) == OFFICIAL_43
    assert set(geography.OFFICIAL_NAMES.values()) == OFFICIAL_43
    for name in names:
        assert name == unicodedata.normalize("NFC", name)
    # the genitive forms of the source are gone
    assert not {"Jelgavas", "Rēzeknes", "Jūrmalas", "Liepājas"} & set(names)
    assert {
        "Rīga",
        "Daugavpils",
        "Jelgava",
        "Jūrmala",
        "Liepāja",
        "Rēzekne",
        "Ventspils",
    } == geography.STATE_CITY_MUNICIPALITIES


def test_polygons_are_valid_after_repair():
    for name, geom in municipalities():
        assert geom.is_valid, name
        assert geom.geom_type in ("Polygon", "MultiPolygon"), name
    assert latvia_outline().is_valid


def test_in_latvia_takes_microseconds():
    in_latvia(**at(RIGA_OLD_TOWN))  # build and cache the buffered outline
    calls = 2000
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            in_latvia(**at(RIGA_OLD_TOWN))
        best = min(best, (time.perf_counter() - start) / calls)
    assert best < 20e-6


def _awkward_points(n=4000, seed=7):
    """Random points over and around Latvia, plus points on and near the outline's vertices
    and the municipalities' borders (where the fallbacks of municipality_of apply)."""
    import random

    rng = random.Random(seed)
    minx, miny, maxx, maxy = geography.LATVIA_BBOX
    points = [(rng.uniform(minx - 0.3, maxx + 0.3), rng.uniform(miny - 0.2, maxy + 0.2)) for _ in range(n)]
    for _, polygon in municipalities()[:10]:
        ring = shapely.get_coordinates(polygon.boundary)[::25]
        points += [(x + rng.uniform(-0.003, 0.003), y + rng.uniform(-0.002, 0.002)) for x, y in ring]
    points += [(float("nan"), 56.9), (24.1, float("inf"))]
    return points


def test_in_latvia_many_answers_as_in_latvia_point_by_point():
    points = _awkward_points()
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    for buffer_m in (0, geography.DEFAULT_BUFFER_M):
        many = geography.in_latvia_many(lons=lons, lats=lats, buffer_m=buffer_m)
        assert many.tolist() == [in_latvia(lon=lon, lat=lat, buffer_m=buffer_m) for lon, lat in points]
        assert 0 < many.sum() < len(points)


def test_municipalities_of_answers_as_municipality_of_point_by_point():
    points = [p for p in _awkward_points() if all(map(math.isfinite, p))]
    many = geography.municipalities_of(lons=[p[0] for p in points], lats=[p[1] for p in points])
    assert many == [municipality_of(lon=lon, lat=lat) for lon, lat in points]
    assert None in many and len(set(many)) > 30


@pytest.mark.parametrize(
    "call",
    [
        lambda: in_latvia(24.1085, 56.9477),
        lambda: municipality_of(24.1085, 56.9477),
        lambda: geography.in_latvia_many([24.1], [56.9]),
        lambda: geography.municipalities_of([24.1], [56.9]),
        lambda: geography.project(24.1, 56.9),
        lambda: bbox_around(56.9, 24.1, 1000.0),
    ],
)
def test_coordinates_are_only_taken_by_keyword(call):
    """(lon, lat) and (lat, lon) orders both exist in the wild; a positional call cannot say which."""
    with pytest.raises(TypeError, match="positional argument"):
        call()
