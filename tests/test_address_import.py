"""The national address register (VZD aw_eka.csv) import, on both engines, and what search does with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from locator import create_app
from locator.db import session_for
from locator.domain.geodesy import distance_m
from locator.gazetteer import geocoder_for_search, search
from locator.gazetteer.address_index import read_riga
from locator.importers.address_register import RegisterRejected, import_register
from locator.models import AddressPoint

DATA = Path(__file__).parent / "data" / "addresses"
VALID, BAD, CP1257 = DATA / "aw_eka-valid.csv", DATA / "aw_eka-bad.csv", DATA / "aw_eka-cp1257.csv"


@pytest.fixture
def db(engine):
    """A session on the test database with an empty address table, emptied again afterwards."""
    with engine.begin() as conn:
        conn.execute(delete(AddressPoint.__table__))
    s = session_for(engine)
    yield s
    s.rollback()
    s.close()
    with engine.begin() as conn:
        conn.execute(delete(AddressPoint.__table__))


def rows(session) -> dict[int, AddressPoint]:
    return {a.code: a for a in session.scalars(select(AddressPoint))}


def shipped(street: str, number: str) -> tuple[float, float]:
    (r,) = [r for r in read_riga() if r.street == street and r.number == number]
    return r.lat, r.lon


def test_only_existing_addresses_are_imported_parsed_into_street_house_and_town(db):
    counts = import_register(db, VALID)
    db.commit()
    assert (counts.read, counts.not_existing, counts.inserted, counts.removed) == (9, 1, 8, 0)
    got = rows(db)
    assert 101000004 not in got  # STATUSS DEL
    tvaika = got[101000002]
    assert (tvaika.street, tvaika.house, tvaika.town, tvaika.postcode) == ("Tvaika iela", "54 k-2", "Rīga", "LV-1005")
    bergi = got[103000001]
    assert (bergi.street, bergi.town, bergi.areas) == ("Rīgas iela", "Berģi", "Garkalnes pag., Ropažu nov.")
    farm = got[104000001]
    assert (farm.street, farm.house, farm.town) == (None, "Jāņkrogs", "Lizuma pag.")


def test_lks92_coordinates_are_transformed_to_the_same_point_as_the_shipped_file(db):
    import_register(db, VALID)
    a = rows(db)[101000001]  # only KOORD_X (northing) and KOORD_Y (easting) given
    lat, lon = shipped("Brīvības iela", "90")
    assert distance_m(lat1=a.lat, lon1=a.lon, lat2=lat, lon2=lon) < 1.5


def test_importing_the_same_file_again_changes_nothing(db):
    import_register(db, VALID)
    db.commit()
    before = {c: (a.address, a.lat, a.lon, a.imported_at) for c, a in rows(db).items()}
    again = import_register(db, VALID)
    db.commit()
    assert (again.inserted, again.updated, again.unchanged, again.removed) == (0, 0, 8, 0)
    db.expire_all()
    assert {c: (a.address, a.lat, a.lon, a.imported_at) for c, a in rows(db).items()} == before


def test_a_rejected_row_names_file_line_and_reason_and_nothing_is_written(db):
    import_register(db, VALID)
    db.commit()
    with pytest.raises(RegisterRejected) as exc:
        import_register(db, BAD)
    db.rollback()
    assert exc.value.reasons == [
        f"{BAD}:3: KODS 'abc' is not an address code (a whole number)",
        f"{BAD}:4: STD (the full address) is empty",
        f"{BAD}:5: no coordinates: DD_N and DD_E (degrees) or KOORD_X and KOORD_Y (LKS-92 metres) are empty",
        f"{BAD}:6: DD_N '24.1316', DD_E '56.9609' is outside Latvia (about 55.7–58.1 °N, 21.0–28.2 °E): "
        "check that they are not swapped",
        f"{BAD}:7: KODS 101000001 is given twice",
    ]
    assert db.scalar(select(func.count()).select_from(AddressPoint)) == 8


def test_a_windows_1257_comma_file_is_detected_and_keeps_its_latvian_letters(db):
    counts = import_register(db, CP1257)
    assert counts.inserted == 2
    kekava = rows(db)[105000001]
    assert (kekava.street, kekava.town, kekava.areas) == ("Ūdens iela", "Ķekava", "Ķekavas nov.")


def test_an_address_the_register_now_calls_deleted_leaves_the_table(db, tmp_path):
    import_register(db, VALID)
    text = VALID.read_text(encoding="utf-8-sig").replace("#101000003#;#108#;#EKS#", "#101000003#;#108#;#DEL#")
    changed = tmp_path / "aw_eka.csv"
    changed.write_text(text, encoding="utf-8")
    counts = import_register(db, changed)
    assert (counts.removed, counts.unchanged) == (1, 7)
    assert 101000003 not in rows(db)


def test_replace_removes_the_addresses_the_file_lacks(db):
    import_register(db, VALID)
    counts = import_register(db, CP1257, replace=True)
    assert (counts.unchanged, counts.inserted, counts.removed) == (1, 1, 7)
    assert set(rows(db)) == {102000001, 105000001}


def test_a_dry_run_counts_everything_and_writes_nothing(db, db_url):
    runner = create_app({"DATABASE_URL": db_url}).test_cli_runner()
    dry = runner.invoke(args=["addresses", "import", str(VALID), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "8 inserted" in dry.output and dry.output.strip().endswith("(dry run: nothing written)")
    assert runner.invoke(args=["addresses", "count"]).output.strip().startswith("0 addresses")


def test_the_command_prints_the_counts_and_the_rejections(db, db_url):
    runner = create_app({"DATABASE_URL": db_url}).test_cli_runner()
    ok = runner.invoke(args=["addresses", "import", str(VALID)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip() == (
        "aw_eka-valid.csv: 9 rows read, 8 existing addresses (1 deleted or erroneous skipped): "
        "8 inserted, 0 updated, 0 unchanged, 0 removed"
    )
    assert "0 inserted, 0 updated, 8 unchanged" in runner.invoke(args=["addresses", "import", str(VALID)]).output
    bad = runner.invoke(args=["addresses", "import", str(BAD)])
    assert bad.exit_code == 1
    assert f"{BAD}:3: KODS 'abc' is not an address code" in bad.output
    assert "5 of 7 rows rejected; nothing was written" in bad.output
    assert runner.invoke(args=["addresses", "count"]).output.strip() == "8 addresses, 7 of them on a street"


# ---------------------------------------------------------------- the register in the search


@pytest.fixture
def register_search(db, engine):
    import_register(db, VALID)
    db.commit()
    return geocoder_for_search({}, lambda: session_for(engine), refresh=True)


def test_the_register_adds_towns_beyond_riga(register_search):
    result = search(register_search, "Jelgava, Lielā iela 2")
    assert result.status == "found" and result.hint is None
    assert (result.choices[0].lat, result.choices[0].lon) == pytest.approx((56.6515, 23.7272), abs=1e-6)
    bergi = search(register_search, "Garkalnes novads, Berģi, Rīgas iela 1")
    assert bergi.status == "found" and bergi.choices[0].label == "Rīgas iela 1, Berģi"


def test_a_register_number_missing_between_two_known_is_interpolated(register_search):
    loc = register_search.geocode("Lielā iela 6, Jelgava")
    assert loc.raw["precision"] == "interpolated" and loc.raw["not_found"] == "Lielā iela 6"
    t = (6 - 4) / (10 - 4)
    assert loc.latitude == pytest.approx(56.6508 + t * (56.6480 - 56.6508), abs=1e-9)
    assert search(register_search, "Lielā iela 6, Jelgava").hint["en"].startswith("We don't know Lielā iela 6")


def test_the_register_replaces_the_shipped_point_of_the_same_address(register_search):
    loc = register_search.geocode("Audēju iela 16, Rīga")
    assert (loc.latitude, loc.longitude) == pytest.approx((56.9477, 24.1132), abs=1e-6)
    assert shipped("Audēju iela", "16") != pytest.approx((56.9477, 24.1132), abs=1e-6)
    # and the shipped file still gives what the register lacks
    assert register_search.geocode("Raiņa bulvāris 19, Rīga").raw["precision"] == "house"


def test_the_index_is_rebuilt_only_when_the_register_changes(register_search, db):
    streets = register_search._streets
    register_search.refresh()
    assert register_search._streets is streets  # the same register and places: kept
    assert register_search.geocode("Ķekava, Ūdens iela 5").raw["kind"] != "address"
    import_register(db, CP1257)
    db.commit()
    register_search.refresh()
    assert register_search._streets is not streets
    assert register_search.geocode("Ķekava, Ūdens iela 5").raw["precision"] == "house"


def test_a_gazetteer_from_the_database_reads_the_register(db):
    from locator.gazetteer import Gazetteer

    import_register(db, VALID)
    db.commit()
    loc = Gazetteer.from_database(db).geocode("Lielā iela 4, Jelgava")
    assert (loc.latitude, loc.longitude) == pytest.approx((56.6508, 23.7275), abs=1e-6)


def test_a_changed_register_is_indexed_in_the_background_while_search_answers(db, engine):
    import time

    import_register(db, VALID)
    db.commit()
    g = geocoder_for_search({}, lambda: session_for(engine))  # no refresh: the page's way
    first = g.geocode("Lielā iela 2, Jelgava")  # answered at once, from the shipped points
    assert first.raw["precision"] == "settlement"
    deadline = time.monotonic() + 60
    while g.geocode("Lielā iela 2, Jelgava").raw["precision"] != "house":
        assert time.monotonic() < deadline, "the register was never indexed"
        time.sleep(0.05)
