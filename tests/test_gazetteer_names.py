"""What people type into the search box: typos, old names, stations and lakes, Cyrillic, names
that many villages share, and farm names with the settlement they are near.

Pure tests over the shipped gazetteer files (real GeoNames and OpenStreetMap data, no database);
expectations that depend on the data are computed from the files, by brute force.
"""

from __future__ import annotations

import csv
import functools
import gzip
from collections import Counter

import pytest

from locator.domain.geodesy import distance_m
from locator.domain.text import fold, words
from locator.gazetteer import Gazetteer, files, search
from locator.gazetteer.cyrillic import to_latin
from locator.gazetteer.farmsteads import FARM_NEAR_M, FARMSTEADS_FILE
from locator.gazetteer.results import CHOICES_CAP


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer()


@pytest.fixture(scope="module")
def farm_rows():
    with gzip.open(files.DATA_DIR / FARMSTEADS_FILE, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@functools.cache
def settlement_points(name):
    return [s for s in files.read_settlements() if s.name == name]


# ---------------------------------------------------------------- typos


@pytest.mark.parametrize(
    "typed,expected",
    [("Daugavpls", "Daugavpils"), ("Jelgva", "Jelgava"), ("Valmira", "Valmiera"), ("Liepja", "Liepāja")],
)
def test_a_typo_finds_the_town_and_says_did_you_mean(gaz, typed, expected):
    result = search(gaz, typed)
    assert result.status == "found"
    assert result.choices[0].label.split(",")[0] == expected
    assert result.hint["en"] == f"Did you mean {expected}? Showing {expected}."
    assert expected in result.hint["lv"] and result.hint["lv"].startswith("Vai domājāt")


def test_a_misspelling_geonames_lists_as_another_name_finds_the_town_too(gaz):
    # GeoNames gives 'Valmeira' among Valmiera's other names
    result = search(gaz, "Valmeira")
    assert result.status == "found" and result.choices[0].label.startswith("Valmiera")
    assert gaz.geocode("Valmeira").raw["matched_name"] == "Valmeira"


def test_a_typo_close_to_several_names_asks_which_was_meant(gaz):
    result = search(gaz, "Ozolx")  # one edit from Ozoli (many villages), Ozols, …
    assert result.status == "ambiguous"
    assert result.hint["en"] == "No place has exactly this name; did you mean one of these?"
    assert result.hint["lv"].startswith("Šāda nosaukuma nav")
    assert all(c.label.split(",")[0] != "Ozolx" for c in result.choices)


@pytest.mark.parametrize("typed,expected", [("Rezekne", "Rēzekne"), ("jurmala", "Jūrmala"), ("CESIS", "Cēsis")])
def test_a_name_without_its_diacritics_is_not_a_typo(gaz, typed, expected):
    result = search(gaz, typed)
    assert result.status == "found"
    assert result.choices[0].label.split(",")[0] == expected
    assert result.hint is None


def _write_gazetteer(tmp_path, settlements):
    with (tmp_path / files.SETTLEMENTS_FILE).open("w", encoding="utf-8") as fh:
        fh.write("\t".join(files.SETTLEMENT_COLUMNS) + "\n")
        for name, lat, lon, pop in settlements:
            fh.write(f"{name}\t{lat:.5f}\t{lon:.5f}\tTukuma novads\t\t{pop}\tvillage\tgeonames\n")
    (tmp_path / files.POSTCODES_FILE).write_text("\t".join(files.POSTCODE_COLUMNS) + "\n", encoding="utf-8")
    return tmp_path


def test_spelling_distance_ranks_before_population(tmp_path):
    data = _write_gazetteer(tmp_path, [("Kalnciems", 56.8, 23.6, 10), ("Kalnciemi", 56.9, 23.7, 90000)])
    g = Gazetteer(data_dir=data)
    hits = g.geocode("Kalncimz", exactly_one=False)  # two edits from either
    assert [h.raw["name"] for h in hits] == ["Kalnciemi", "Kalnciems"]  # a tie: the more populous first
    assert [h.raw["spelling_distance"] for h in hits] == [2, 2]
    hits = g.geocode("Kalnciemsx", exactly_one=False)  # one edit from the small one, two from the big
    assert [(h.raw["name"], h.raw["spelling_distance"]) for h in hits] == [("Kalnciems", 1), ("Kalnciemi", 2)]


def test_the_closer_spelling_wins_over_a_much_bigger_place(tmp_path):
    data = _write_gazetteer(tmp_path, [("Rauna", 57.3, 25.6, 10), ("Raunava", 57.1, 25.1, 900000)])
    result = search(Gazetteer(data_dir=data), "Raunq")
    assert result.status == "found"
    assert result.choices[0].label.startswith("Rauna,")
    assert result.hint["en"] == "Did you mean Rauna? Showing Rauna."


# ---------------------------------------------------------------- old and other names


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("Mitau", "Jelgava"),
        ("Dünaburg", "Daugavpils"),
        ("Dunaburg", "Daugavpils"),
        ("Dvinsk", "Daugavpils"),
        ("Libau", "Liepāja"),
        ("Windau", "Ventspils"),
        ("Wenden", "Cēsis"),
    ],
)
def test_an_old_name_finds_the_town_under_its_latvian_name(gaz, typed, expected):
    result = search(gaz, typed)
    assert result.status == "found"
    (choice,) = result.choices
    assert choice.label.split(",")[0] == expected and choice.kind == "settlement"
    (town,) = [s for s in settlement_points(expected) if s.population > 0]
    assert (choice.lat, choice.lon) == pytest.approx((town.lat, town.lon), abs=1e-4)
    raw = gaz.geocode(typed).raw
    assert fold(raw["matched_name"]) == fold(typed)  # the raw says which other name matched
    assert result.hint["en"] == f"“{raw['matched_name']}” is another name of {expected}; showing {expected}."
    assert result.hint["lv"].startswith(f"“{raw['matched_name']}” ir cits")


def test_alternate_names_leave_out_codes_and_other_scripts():
    alternates = files.read_alternates()
    every = [a for names in alternates.values() for a in names]
    assert "Mitau" in every and "Dünaburg" in every
    assert not [a for a in every if a.isupper() and len(a) <= 5]  # 'DGP', 'LPX'
    assert not [a for a in every if any("CYRILLIC" in __import__("unicodedata").name(c, "") for c in a)]


# ---------------------------------------------------------------- stations, airport, lakes, parks


def _feature(name):
    (f,) = [e for e in files.feature_entries() if e.name == name]
    return f


@pytest.mark.parametrize(
    "typed,name,typ",
    [
        ("Rīgas Centrālā stacija", "Rīgas centrālā dzelzceļa stacija", "station"),
        ("Riga Central Station", "Rīgas centrālā dzelzceļa stacija", "station"),
        ("stacija Zasulauks", "Dzelzceļa Stacija Zasulauks", "station"),
        ("Zasulauka stacija", "Dzelzceļa Stacija Zasulauks", "station"),
        ("Lidosta Rīga", "Rīgas starptautiskā lidosta", "airport"),
        ("Rīgas lidosta", "Rīgas starptautiskā lidosta", "airport"),
        ("Riga airport", "Rīgas starptautiskā lidosta", "airport"),
        ("Daugavpils lidosta", "Daugavpils Starptautiskā Lidosta", "airport"),
        ("Ķīšezers", "Ķīšezers", "lake"),
        ("kisezers", "Ķīšezers", "lake"),
        ("Liepājas ezers", "Liepājas Ezers", "lake"),
        ("Gaujas Nacionālais parks", "Ģaujas Nacionālais Parks", "park"),
    ],
)
def test_stations_airports_lakes_and_parks_are_found_by_their_type_words(gaz, typed, name, typ):
    result = search(gaz, typed)
    assert result.status == "found", result
    (choice,) = result.choices
    feature = _feature(name)
    assert choice.kind == "feature" and feature.feature_type == typ
    assert choice.label.startswith(name)
    assert (choice.lat, choice.lon) == (feature.lat, feature.lon)


def test_a_feature_found_by_its_type_words_claims_no_other_name_that_was_not_typed(gaz):
    """'Rīgas Centrālā stacija' is the station's Latvian name in other words, not its alias 'Riga Central Station'."""
    result = search(gaz, "Rīgas Centrālā stacija")
    assert result.status == "found" and result.hint is None
    assert "matched_name" not in gaz.geocode("Rīgas Centrālā stacija").raw
    assert "another name" in search(gaz, "Riga Central Station").hint["en"]  # the alias typed: said so


def test_the_airport_is_in_marupe_not_at_the_riga_postcode_point(gaz):
    loc = gaz.geocode("Lidosta Rīga")
    assert loc.raw["feature_type"] == "airport"
    assert distance_m(lat1=loc.latitude, lon1=loc.longitude, lat2=56.9236, lon2=23.9711) < 500


def test_a_bare_town_name_of_a_feature_still_finds_the_town(gaz):
    # the airport is also called plain 'Riga' in GeoNames: that name stays the city's
    assert search(gaz, "Riga").choices[0].label == "Rīga"
    assert search(gaz, "Daugavpils").choices[0].kind == "settlement"


def test_the_airport_is_one_place_though_geonames_lists_it_twice():
    airports = [e for e in files.feature_entries() if e.feature_type == "airport" and "rigas" in words(e.name)]
    assert len(airports) == 1


# ---------------------------------------------------------------- Cyrillic


@pytest.mark.parametrize(
    "cyrillic,latin",
    [
        ("Рига", "Riga"),
        ("Даугавпилс", "Daugavpils"),
        ("\u0415\u043b\u0433\u0430\u0432\u0430", "Jelgava"),  # Елгава, written out: Е is not E
        ("Лиепая", "Liepaja"),
        ("Юрмала", "Jurmala"),
        ("Валмиера", "Valmiera"),
        ("\u0415\u043a\u0430\u0431\u043f\u0438\u043b\u0441", "Jekabpils"),
        ("Резекне", "Rezekne"),
        ("Цесис", "Cesis"),
        ("Латвия", "Latvija"),
        ("Rīga", "Rīga"),
    ],
)
def test_cyrillic_is_written_in_latvian_letters(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("Рига", "Rīga"),
        ("Даугавпилс", "Daugavpils"),
        ("Елгава", "Jelgava"),
        ("Лиепая", "Liepāja"),
        ("ВЕНТСПИЛС", "Ventspils"),
    ],
)
def test_a_town_typed_in_cyrillic_is_found(gaz, typed, expected):
    result = search(gaz, typed)
    assert result.status == "found"
    assert result.choices[0].label.split(",")[0] == expected
    assert result.hint is None


# ---------------------------------------------------------------- shared village names


@pytest.mark.parametrize("name", ["Ozoli", "Jaunzemji", "Sloboda", "Jaunmuiža"])
def test_a_shared_name_lists_every_village_of_it_with_municipality_and_parish(gaz, name):
    same = [s for s in files.read_settlements() if s.name == name]
    result = search(gaz, name)
    assert result.status == "ambiguous"
    labels = [c.label for c in result.choices]
    assert len(labels) == len(set(labels)) > 5  # two villages of one name in one parish are shown once
    by_label = {}
    for s in same:
        by_label.setdefault(files.settlement_label(s.name, s.parish, s.municipality), s)
    assert len(labels) == min(len(by_label), CHOICES_CAP)
    for label, s in list(by_label.items())[:CHOICES_CAP]:
        (c,) = [c for c in result.choices if c.label == label]
        assert c.label.startswith(name + ", ")
        assert s.municipality in c.label and (not s.parish or s.parish in c.label)
        assert c.municipality == s.municipality


def test_choices_come_closest_spelling_first(gaz):
    result = search(gaz, "Ozoli")
    exact = [i for i, c in enumerate(result.choices) if c.label.split(",")[0] == "Ozoli"]
    assert exact == list(range(len(exact)))


# ---------------------------------------------------------------- farmsteads


def _to_place(r, place):
    return min(
        distance_m(lat1=float(r["lat"]), lon1=float(r["lon"]), lat2=t.lat, lon2=t.lon) for t in settlement_points(place)
    )


def _nearest_farm(farm_rows, farm, place):
    """By brute force: the farm of that name nearest any settlement of that name."""
    candidates = [r for r in farm_rows if r["name"] == farm and r["kind"] == "farmstead"]
    return min(candidates, key=lambda r: _to_place(r, place))


@pytest.mark.parametrize(
    "typed",
    ["Lizums, „Kalniņi”", "„Kalniņi”, Lizums", 'Lizums, "Kalniņi"', "Lizums «Kalniņi»", "lizums, 'kalnini'"],
)
def test_a_farm_name_with_a_settlement_is_the_farm_of_that_name_nearest_it(gaz, farm_rows, typed):
    expected = _nearest_farm(farm_rows, "Kalniņi", "Lizums")
    assert sum(r["name"] == "Kalniņi" for r in farm_rows) > 100  # hundreds of farms share the name
    result = search(gaz, typed)
    assert result.status == "found"
    (choice,) = result.choices
    assert choice.kind == "farmstead" and choice.label.startswith("„Kalniņi”")
    assert (choice.lat, choice.lon) == (float(expected["lat"]), float(expected["lon"]))


@pytest.mark.parametrize("farm,place", [("Ozoliņi", "Tērvete"), ("Strautiņi", "Skrunda"), ("Avotiņi", "Ērgļi")])
def test_other_farms_near_other_settlements(gaz, farm_rows, farm, place):
    expected = _nearest_farm(farm_rows, farm, place)
    d = _to_place(expected, place)
    choice = search(gaz, f"{place}, „{farm}”").choices[0]
    assert search(gaz, f"{place}, {farm}").choices == [choice]  # the most populous reading without quotes
    if d <= FARM_NEAR_M:
        assert (choice.lat, choice.lon) == (float(expected["lat"]), float(expected["lon"]))
    else:  # too far to be meant: the settlement, and a word that not all was found
        assert choice.kind == "settlement"


def test_a_farm_with_its_parish_is_found_in_that_parish(gaz, farm_rows):
    kalnini = [r for r in farm_rows if r["name"] == "Kalniņi" and r["parish"]]
    parish = Counter(r["parish"] for r in kalnini)
    one = next(p for p, n in sorted(parish.items()) if n == 1)
    (expected,) = [r for r in kalnini if r["parish"] == one]
    result = search(gaz, f"Kalniņi, {one}")
    assert result.status == "found"
    assert (result.choices[0].lat, result.choices[0].lon) == (float(expected["lat"]), float(expected["lon"]))


def test_a_bare_farm_name_shared_by_many_is_a_capped_choice_list(gaz, farm_rows):
    counts = Counter(r["name"] for r in farm_rows)
    settlement_names = {fold(s.name) for s in files.read_settlements()}
    name = next(
        n
        for n, c in counts.most_common()
        if c > CHOICES_CAP and fold(n) not in settlement_names and gaz.names.match(" ".join(words(n)), False)[0] > 1
    )
    result = search(gaz, name)
    assert result.status == "ambiguous"
    assert 5 < len(result.choices) <= CHOICES_CAP  # the same label twice is shown once
    assert all(c.kind in ("farmstead", "hamlet") and name in c.label for c in result.choices)


def test_a_unique_farm_name_alone_is_found(gaz, farm_rows):
    counts = Counter(r["name"] for r in farm_rows)
    unique = [r for r in farm_rows if counts[r["name"]] == 1 and len(r["name"]) > 6 and r["kind"] == "farmstead"]
    tried = 0
    for r in unique[::500]:
        if gaz.names.match(" ".join(words(r["name"])), fuzzy=True)[1]:
            continue  # a settlement or feature of that name (or one like it) comes first
        result = search(gaz, r["name"])
        assert result.status == "found", r
        assert (result.choices[0].lat, result.choices[0].lon) == (float(r["lat"]), float(r["lon"]))
        tried += 1
    assert tried >= 5


def test_each_farm_names_its_nearest_settlement_and_the_parish_near_it(farm_rows):
    # brute force over every settlement, geodesic, for a sample of the farms
    import numpy as np

    from locator.domain.geodesy import distances_m
    from locator.gazetteer.farmsteads import PARISH_NEAR_M

    settlements = files.read_settlements()
    lats, lons = np.array([s.lat for s in settlements]), np.array([s.lon for s in settlements])
    has_parish = np.array([bool(s.parish) for s in settlements])
    for r in farm_rows[::350]:
        d = distances_m(lat1=float(r["lat"]), lon1=float(r["lon"]), lat2=lats, lon2=lons)
        nearest = {settlements[i].name for i in np.flatnonzero(d == d.min())}
        assert r["near"] in nearest, r
        dp = np.where(has_parish, d, np.inf)
        parishes = (
            {settlements[i].parish for i in np.flatnonzero(dp == dp.min())} if dp.min() <= PARISH_NEAR_M else {""}
        )
        assert r["parish"] in parishes, r
