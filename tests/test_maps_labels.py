"""Settlement names on the offline base layer: which places, from which zoom (locator.maps.labels).

The expectations are computed from the gazetteer's own file, so they hold whatever
settlements it lists.
"""

from __future__ import annotations

from locator.gazetteer.files import read_settlements
from locator.maps.labels import min_zoom, settlement_labels


def test_every_city_is_named_in_the_country_view_and_villages_never():
    settlements = read_settlements()
    labels = settlement_labels()
    named = {(label["name"], label["lat"], label["lon"]) for label in labels}
    for s in settlements:
        key = (s.name, round(s.lat, 5), round(s.lon, 5))
        if s.kind == "city":
            assert min_zoom(s.kind, s.population) == 6 and key in named, s
        if s.kind in ("village", "abandoned", "locality"):
            assert min_zoom(s.kind, s.population) is None and key not in named, s
    cities = sum(1 for s in settlements if s.kind == "city")
    towns = sum(1 for s in settlements if s.kind == "town")
    assert cities >= 7 and len(labels) >= cities + towns


def test_bigger_places_appear_first():
    assert min_zoom("city", 30_000) < min_zoom("town", 20_000)
    assert min_zoom("town", 20_000) < min_zoom("town", 3_000) < min_zoom("town", 0) < min_zoom("district", 0)
    zooms = [label["z"] for label in settlement_labels()]
    assert zooms == sorted(zooms)  # drawn in this order: a city's name lies above a neighbourhood's
    assert min(zooms) == 6 and max(zooms) <= 12


def test_labels_are_plain_data_within_latvia():
    for label in settlement_labels():
        assert set(label) == {"name", "lat", "lon", "z"} and label["name"].strip()
        assert 55.6 < label["lat"] < 58.1 and 20.9 < label["lon"] < 28.3, label
