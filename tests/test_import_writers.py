"""The one writer of new places per engine (``locator.importers.writers``): whatever the size of the
import, it leaves the spatial index and the triggers as a plain INSERT would, and on a
SpatiaLite layout it does not know it lets the database's own triggers do their work."""

from __future__ import annotations

import pytest
from psycopg import DataError
from sqlalchemy import text

from locator import migrate
from locator.db import get_engine, session_for
from locator.importers.load import load
from locator.importers.readers.csv_reader import read_csv
from locator.importers.rows import PlaceRow
from locator.query import NearestQuery, nearest
from tests.databases import new_database
from tests.test_import_streaming import SOURCE, dump, imported, rows, write


def test_a_one_row_import_leaves_the_index_and_the_triggers_as_they_were(session, tmp_path):
    triggers_before = dump(session)["triggers"]
    path = write(tmp_path / "one.csv", rows(1))
    report = imported(session, list(read_csv(path)), path)  # records: the whole-file path
    assert report.inserted == 1
    after = dump(session)
    assert after["indexed"] == 1 and after["triggers"] == triggers_before
    (row,) = rows(1)
    (match,) = nearest(session, NearestQuery(lat=float(row["lat"].replace(",", ".")), lon=float(row["lon"]), k=1))
    assert match.place.name == row["name"] and match.distance_m < 1


def test_a_spatialite_layout_without_the_known_triggers_keeps_its_own(tmp_path_factory, tmp_path):
    url, drop = new_database("spatialite", tmp_path_factory)
    engine = get_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:  # the R*Tree trigger under another name: not a layout the writer knows
        (sql,) = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'gii_places_geom'")).one()
        conn.execute(text('DROP TRIGGER "gii_places_geom"'))
        conn.execute(text(sql.replace("gii_places_geom", "index_places_geom", 1)))
    session = session_for(engine)
    try:
        triggers_before = dump(session)["triggers"]
        path = write(tmp_path / "atms.csv", rows(600))
        report = imported(session, read_csv(path), path)
        assert report.inserted == 600
        after = dump(session)
        assert after["indexed"] == 600 and after["triggers"] == triggers_before
        assert "index_places_geom" in [name for name, _ in after["triggers"]]
    finally:
        session.close()
        engine.dispose()
        drop()


def test_a_nul_in_text_is_refused_never_stored_cut_short(session):
    """The validator rejects such rows; ``load`` called directly must not store a truncated name.

    SpatiaLite would cut the text at the NUL, so its writer refuses it; PostgreSQL refuses it itself.
    """
    row = PlaceRow(source_ref="x", kind="atm", name="Nul\x00byte", lat=56.95, lon=24.1)
    with pytest.raises((ValueError, DataError), match="NUL"):
        load(session, [row], SOURCE)
    session.rollback()
    assert session.execute(text("SELECT count(*) FROM places")).scalar() == 0
