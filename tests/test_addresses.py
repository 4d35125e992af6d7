"""Addresses as people write them find the building, on both engines, and every fallback says so.

Each expected point is read from the sources the search uses (the register test file imported into
the database, then the shipped Rīga file), never written here: a house must come back within 100 m
of its point, a street within 100 m of one of its houses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete

from locator.db import get_engine, session_for
from locator.domain.geodesy import distance_m
from locator.gazetteer import Gazetteer, geocoder_for_search, search
from locator.gazetteer.address_hints import genitive_lv
from locator.gazetteer.address_index import read_riga
from locator.gazetteer.addresses import number_key, short_forms, split_number, street_words, without_initial
from locator.importers.address_register import import_register, read_register
from locator.models import AddressPoint

VALID = Path(__file__).parent / "data" / "addresses" / "aw_eka-valid.csv"
NEAR_M = 100.0


def _register_points() -> list[tuple[str, str, str, float, float]]:
    out = []
    for _, _, cols in read_register(VALID):
        if isinstance(cols, tuple) and cols[1]:
            _, street, house, town, _, _, lat, lon = cols
            out.append((street, house, town, lat, lon))
    return out


REGISTER = _register_points()
RIGA = [(r.street, r.number, r.town, r.lat, r.lon) for r in read_riga()]


def houses(street: str, town: str, number: str | None = None) -> list[tuple[float, float]]:
    """Points of house ``number`` of ``street`` in ``town`` (the register's before the shipped one,
    as the index ranks them), or of all its houses."""
    if number is None:
        return [(lat, lon) for s, _, t, lat, lon in REGISTER + RIGA if s == street and t == town]
    for source in (REGISTER, RIGA):
        found = [
            (lat, lon)
            for s, n, t, lat, lon in source
            if (s, t) == (street, town) and number_key(n) == number_key(number)
        ]
        if found:
            return found
    return []


def on_street(lat: float, lon: float, points: list[tuple[float, float]]) -> bool:
    """Within NEAR_M of a house of the street, or inside the box of its houses (between two of them)."""
    if min(distance_m(lat1=lat, lon1=lon, lat2=a, lon2=o) for a, o in points) < NEAR_M:
        return True
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return min(lats) <= lat <= max(lats) and min(lons) <= lon <= max(lons)


@pytest.fixture(scope="module")
def gazetteer(db_url):
    """The search geocoder of a database holding the register test file (once per engine)."""
    engine = get_engine(db_url)
    with engine.begin() as conn:
        conn.execute(delete(AddressPoint.__table__))
    s = session_for(engine)
    import_register(s, VALID)
    s.commit()
    s.close()
    yield geocoder_for_search({}, lambda: session_for(engine), refresh=True)
    with engine.begin() as conn:
        conn.execute(delete(AddressPoint.__table__))


HOUSES = [
    ("Brīvības iela 90, Rīga", "Brīvības iela", "90", "Rīga"),
    ("RĪGA, Brīvības ielā 90", "Brīvības iela", "90", "Rīga"),
    ("Brīvības 90", "Brīvības iela", "90", "Rīga"),
    ("brivibas iela 90 riga", "Brīvības iela", "90", "Rīga"),
    ("Rīga, Brīvības iela 90A", "Brīvības iela", "90A", "Rīga"),
    ("Brīvības iela 90a, Rīga", "Brīvības iela", "90A", "Rīga"),
    ("LV-1011, Rīga, Brīvības iela 90", "Brīvības iela", "90", "Rīga"),
    ("Brīvības iela 90, Rīga, LV-1011", "Brīvības iela", "90", "Rīga"),
    ("Brīvības iela 90, LV-1011", "Brīvības iela", "90", "Rīga"),
    ("Rīga, “Brīvības iela 90”", "Brīvības iela", "90", "Rīga"),
    ("Brīvības iela 90 dz. 5, Rīga", "Brīvības iela", "90", "Rīga"),
    ("Tvaika iela 54 k-2, Rīga", "Tvaika iela", "54 k-2", "Rīga"),
    ("Rīga, Tvaika iela 54 k-2", "Tvaika iela", "54 k-2", "Rīga"),
    ("Tvaika iela 54k2, Rīga", "Tvaika iela", "54 k-2", "Rīga"),
    ("Tvaika iela 54 k 2", "Tvaika iela", "54 k-2", "Rīga"),
    ("Tvaika iela 54 korpuss 2, Rīga", "Tvaika iela", "54 k-2", "Rīga"),
    ("Tvaika ielā 54 k-4", "Tvaika iela", "54 k-4", "Rīga"),
    ("Eksporta iela 15 k-42, Rīga", "Eksporta iela", "15 k-42", "Rīga"),
    ("Raiņa bulvāris 19, Rīga", "Raiņa bulvāris", "19", "Rīga"),
    ("Rīga, Raiņa bulvārī 19", "Raiņa bulvāris", "19", "Rīga"),
    ("Raiņa bulv. 19, Rīga", "Raiņa bulvāris", "19", "Rīga"),
    ("Dārziņu 1. līnija 12F, Rīga", "Dārziņu 1. līnija", "12F", "Rīga"),
    ("Rīga, Dārziņu 1. līnijā 12F", "Dārziņu 1. līnija", "12F", "Rīga"),
    ("Brīvības gatve 214, Rīga", "Brīvības gatve", "214", "Rīga"),
    ("Brīvības gatvē 214", "Brīvības gatve", "214", "Rīga"),
    ("Kāpu prospektā 2, Rīga", "Kāpu prospekts", "2", "Rīga"),
    ("Akadēmijas laukumā 1", "Akadēmijas laukums", "1", "Rīga"),
    ("Daugavgrīvas šosejā 1, Rīga", "Daugavgrīvas šoseja", "1", "Rīga"),
    ("Balasta dambī 1", "Balasta dambis", "1", "Rīga"),
    ("11. novembra krastmalā 9, Rīga", "11. novembra krastmala", "9", "Rīga"),
    ("Birutas Baumanes aleja 8", "Birutas Baumanes aleja", "8", "Rīga"),
    ("Audēju iela 16, Rīga", "Audēju iela", "16", "Rīga"),  # the register's point, not the shipped one
    ("Jelgava, Lielā iela 2", "Lielā iela", "2", "Jelgava"),
    ("Lielā iela 4, Jelgava", "Lielā iela", "4", "Jelgava"),
    ("JELGAVA, Lielajā ielā 10", "Lielā iela", "10", "Jelgava"),
    ("Lielā iela 2, Jelgava, LV-3001", "Lielā iela", "2", "Jelgava"),
    ("Garkalnes novads, Berģi, Rīgas iela 1", "Rīgas iela", "1", "Berģi"),
    ("Rīgas iela 1, Berģi, Ropažu novads", "Rīgas iela", "1", "Berģi"),
    ("Berģi, Rīgas ielā 1", "Rīgas iela", "1", "Berģi"),
    # a street named after a person, as banks and people shorten it
    ("Kr. Valdemāra iela 1, Rīga", "Krišjāņa Valdemāra iela", "1", "Rīga"),
    ("Valdemāra 21", "Krišjāņa Valdemāra iela", "21", "Rīga"),
    ("K. Barona iela 10, Rīga", "Krišjāņa Barona iela", "10", "Rīga"),
    ("Rīga, Barona ielā 10", "Krišjāņa Barona iela", "10", "Rīga"),
    ("A. Čaka ielā 50", "Aleksandra Čaka iela", "50", "Rīga"),
]
STREETS = [
    ("Brīvības iela, Rīga", "Brīvības iela", "Rīga", "street"),
    ("Rīga, Raiņa bulvārī", "Raiņa bulvāris", "Rīga", "street"),
    ("Tvaika iela", "Tvaika iela", "Rīga", "street"),
    ("Brīvības iela 9999, Rīga", "Brīvības iela", "Rīga", "street"),
    ("Tvaika iela 54 k-9, Rīga", "Tvaika iela", "Rīga", "interpolated"),
    ("Lielā iela 6, Jelgava", "Lielā iela", "Jelgava", "interpolated"),
]


def test_a_street_named_after_a_person_is_also_found_by_its_short_forms():
    assert short_forms("Krišjāņa Barona iela") == ("Barona iela",)
    assert short_forms("Brīvības iela") == () == short_forms("K. Barona iela")
    assert short_forms("Dārziņu 1. līnija") == () == short_forms("Mazā Kalna iela")  # no first name
    assert without_initial(street_words("Kr. Valdemāra ielā")) == ["valdemara", "iela"]
    assert without_initial(street_words("Brīvības iela")) is None


def test_the_table_has_at_least_forty_addresses():
    assert len(HOUSES) + len(STREETS) >= 40


@pytest.mark.parametrize(("query", "street", "number", "town"), HOUSES)
def test_an_address_in_the_sources_finds_that_house(gazetteer, query, street, number, town):
    (lat, lon), *_ = houses(street, town, number)
    loc = gazetteer.geocode(query)
    assert loc is not None, query
    assert loc.raw["kind"] == "address" and loc.raw["precision"] == "house", loc.raw
    assert distance_m(lat1=loc.latitude, lon1=loc.longitude, lat2=lat, lon2=lon) < NEAR_M
    result = search(gazetteer, query)
    assert result.status == "found" and result.hint is None


@pytest.mark.parametrize(("query", "street", "town", "precision"), STREETS)
def test_a_street_or_an_unknown_number_gives_a_point_on_the_street(gazetteer, query, street, town, precision):
    loc = gazetteer.geocode(query)
    assert loc.raw["precision"] == precision
    assert on_street(loc.latitude, loc.longitude, houses(street, town))
    if precision == "street":  # the street's middle is one of its houses
        assert (loc.latitude, loc.longitude) in [pytest.approx(p, abs=1e-9) for p in houses(street, town)]


def test_brivibas_iela_90_finds_that_building(gazetteer):
    ((lat, lon),) = houses("Brīvības iela", "Rīga", "90")
    result = search(gazetteer, "Brīvības iela 90, Rīga")
    assert result.status == "found"
    (choice,) = result.choices
    assert choice.label == "Brīvības iela 90, Rīga"
    assert (choice.lat, choice.lon) == pytest.approx((lat, lon), abs=1e-5)


def test_an_unknown_number_says_so_and_shows_the_middle_of_the_street():
    g = Gazetteer()
    result = search(g, "Brīvības iela 9999, Rīga")
    assert result.status == "found"
    assert result.hint == {
        "lv": "Adrese Brīvības iela 9999 nav zināma: rādām ielas vidu (Brīvības iela, Rīga).",
        "en": "We don't know Brīvības iela 9999: showing the middle of Brīvības iela, Rīga.",
    }
    assert (result.choices[0].lat, result.choices[0].lon) in houses("Brīvības iela", "Rīga")
    loc = g.geocode("Brīvības iela 9999, Rīga")
    assert loc.raw["not_found"] == "Brīvības iela 9999" and loc.raw["house_number_found"] is False


def test_a_number_between_two_known_ones_of_its_parity_is_interpolated_and_says_so():
    g = Gazetteer()
    numbers = {int(n): (lat, lon) for s, n, t, lat, lon in RIGA if s == "Brīvības iela" and n.isdigit()}
    missing = next(n for n in range(2, 400) if n not in numbers and n - 2 in numbers and n + 2 in numbers)
    loc = g.geocode(f"Brīvības iela {missing}, Rīga")
    assert loc.raw["precision"] == "interpolated"
    (a, b), (c, d) = numbers[missing - 2], numbers[missing + 2]
    assert (loc.latitude, loc.longitude) == pytest.approx(((a + c) / 2, (b + d) / 2), abs=1e-9)
    hint = search(g, f"Brīvības iela {missing}, Rīga").hint
    assert hint["en"] == (
        f"We don't know Brīvības iela {missing}: showing an estimate on Brīvības iela, Rīga from the neighbouring numbers."
    )
    assert hint["lv"].startswith(f"Adrese Brīvības iela {missing} nav zināma: rādām aptuvenu vietu")


def test_an_unknown_street_falls_back_to_the_town_and_says_so():
    g = Gazetteer()
    town = search(g, "Rīga").choices[0]
    result = search(g, "Nezināmā iela 5, Rīga")
    assert result.status == "found"
    assert (result.choices[0].lat, result.choices[0].lon) == (town.lat, town.lon)
    assert result.hint == {
        "lv": "Rādām Rīgas centru: adrese Nezināmā iela 5 nav zināma.",
        "en": "Showing Rīga centre: we don't know Nezināmā iela 5.",
    }
    assert g.geocode("Nezināmā iela 5, Rīga").raw["precision"] == "settlement"


def test_without_the_register_a_jelgava_street_falls_back_to_jelgava_with_a_notice():
    result = search(Gazetteer(), "Jelgava, Lielā iela 2")
    assert result.choices[0].label == "Jelgava"
    assert result.hint["en"] == "Showing Jelgava centre: we don't know Lielā iela 2."
    assert result.hint["lv"] == "Rādām Jelgavas centru: adrese Lielā iela 2 nav zināma."


def test_quotes_around_a_farm_name_do_not_break_the_parse():
    g = Gazetteer()
    for query in ("„Jāņkrogs”, Rīga", '"Jāņkrogs", Rīga', "Rīga, «Jāņkrogs»"):
        result = search(g, query)
        assert result.status == "found" and result.choices[0].label == "Rīga", query


@pytest.mark.parametrize(
    ("typed", "street", "number"),
    [
        ("Brīvības ielā 90", ["brivibas", "iela"], "90"),
        ("Brīvības iela 90 k-2", ["brivibas", "iela"], "90 k 2"),
        ("Brīvības iela 90k2", ["brivibas", "iela"], "90 k 2"),
        ("Brīvības iela 90A", ["brivibas", "iela"], "90 a"),
        ("Brīvības iela 16 a", ["brivibas", "iela"], "16 a"),
        ("Dārziņu 1. līnija 12F", ["darzinu", "1", "linija"], "12 f"),
        ("13. janvāra iela", ["13", "janvara", "iela"], None),
        ("Raiņa bulvārī", ["raina", "bulvaris"], None),
        ("Mazajā Pils ielā 3", ["maza", "pils", "iela"], "3"),
    ],
)
def test_the_number_is_split_off_the_street_and_the_locative_read_as_nominative(typed, street, number):
    from locator.domain.text import words

    name, key = split_number(words(typed))
    assert (street_words(name), key) == (street, number)


@pytest.mark.parametrize(
    ("town", "genitive"),
    [
        ("Rīga", "Rīgas"),
        ("Ogre", "Ogres"),
        ("Tukums", "Tukuma"),
        ("Cēsis", "Cēsu"),
        ("Talsi", "Talsu"),
        ("Daugavpils", "Daugavpils"),
        ("Saldus", "Saldus"),
        ("Jūrmala", "Jūrmalas"),
        ("Sala Nova", None),
    ],
)
def test_the_latvian_notice_puts_the_town_in_the_genitive(town, genitive):
    assert genitive_lv(town) == genitive


def test_a_town_named_in_full_beats_a_town_that_only_starts_alike():
    g = Gazetteer(
        [
            ("Ārlavas iela 1, Bille", 57.0, 25.0, "Smiltenes novads"),
            ("Ārlavas iela 1, Biļļumuiža", 57.2, 25.2, "Smiltenes novads"),
        ],
        shipped_addresses=False,
    )
    result = search(g, "BILLE, Ārlavas ielā 1")
    assert result.status == "found" and [c.label for c in result.choices] == ["Ārlavas iela 1, Bille"]
