"""A CSV or GeoJSON import is validated and written chunk by chunk, and ends exactly as if the
whole file had been validated first and written afterwards.

``run_import`` hands a reader's Table to the chunked path (on SpatiaLite a writer thread stores
each chunk while the next is validated); a plain list of records takes the whole-file path.
The chunks are made small here (``CHUNK_ROWS``) so that a few thousand rows make many of them.
"""

from __future__ import annotations

import csv
import random
import threading

import pytest
from sqlalchemy import create_engine, text

import locator.importers.pipeline as pipeline
from locator.importers.options import Rules
from locator.importers.pipeline import ImportRejected, run_import
from locator.importers.readers.csv_reader import read_csv
from locator.importers.rows import SourceInfo
from locator.importers.synthetic import random_points_in_latvia

SOURCE = SourceInfo(name="bank-atms", title="Bank ATMs", licence="test", attribution="locator tests")
N = 2_500


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 400)
    monkeypatch.setattr(pipeline, "FIRST_CHUNK_ROWS", 150)


def rows(n: int = N, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i, (lat, lon) in enumerate(random_points_in_latvia(n, seed)):
        kind = rng.choice(("atm", "bank_branch", "post_office", "dealer"))
        out.append(
            {
                "id": f"r-{i:05d}",
                "name": f"{rng.choice(('Swedbank', 'SEB', 'Pasts'))} Nr. {i} Rīgā",
                "kind": kind,
                "brand": rng.choice(("Swedbank", "SEB", "")),
                "address": rng.choice(("Audēju iela 16, Rīga", "Ģimnāzijas iela 1, Daugavpils", "")),
                "lat": f"{lat:.6f}".replace(".", ",") if i % 7 == 0 else repr(lat),
                "lon": repr(lon),
                "fee_bill_payment": rng.choice(("0", "0,50", "1.20", "")),
                "condition_bill_payment": "",
            }
        )
    return out


def write(path, table: list[dict]):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    return path


def dump(session) -> dict:
    """Everything an import writes, keyed by the source's ids (database ids differ between runs)."""
    postgis = session.connection().dialect.name == "postgresql"
    geom = "encode(ST_AsEWKB(geom), 'hex')" if postgis else "hex(geom)"
    places = session.execute(
        text(
            f"SELECT source_ref, kind, name, brand, address, municipality, opening_hours, {geom} "
            "FROM places ORDER BY source_ref"
        )
    ).all()
    offers = session.execute(
        text(
            "SELECT p.source_ref, o.service, o.fee_eur, o.condition, o.note FROM offers o "
            "JOIN places p ON p.id = o.place_id ORDER BY p.source_ref, o.service, o.fee_eur"
        )
    ).all()
    if postgis:
        indexed = session.execute(
            text("SELECT count(*) FROM places WHERE geom && ST_MakeEnvelope(20, 55, 29, 59, 4326)")
        ).scalar()
        triggers = []
    else:
        indexed = session.execute(
            text(
                'SELECT count(*) FROM "idx_places_geom" r JOIN places p ON p.id = r.pkid '
                "WHERE r.xmin <= ST_X(p.geom) AND ST_X(p.geom) <= r.xmax "
                "AND r.ymin <= ST_Y(p.geom) AND ST_Y(p.geom) <= r.ymax"
            )
        ).scalar()
        triggers = session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'places' ORDER BY name")
        ).all()
    return {"places": places, "offers": offers, "indexed": indexed, "triggers": triggers}


def wipe(session) -> None:
    session.rollback()
    for table in ("imports", "offers", "places", "sources"):
        session.execute(text(f"DELETE FROM {table}"))
    session.commit()


def imported(session, records, path, **options):
    report = run_import(
        session,
        records,
        SOURCE,
        file=str(path),
        file_format="csv",
        sha256="0" * 64,
        rules=options.pop("rules", Rules()),
        **options,
    )
    session.commit()
    return report


def writer_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "locator-import-writer"]


def test_a_chunked_import_writes_what_a_whole_file_import_writes(session, tmp_path):
    path = write(tmp_path / "atms.csv", rows())
    streamed = imported(session, read_csv(path), path)
    assert streamed.inserted == N and not streamed.rejected
    chunked = dump(session)
    wipe(session)
    whole = imported(session, list(read_csv(path)), path)  # records, not a Table: the whole-file path
    assert whole.inserted == N
    assert dump(session) == chunked
    assert chunked["indexed"] == N and len(chunked["offers"]) > N / 2
    assert not writer_threads()


def test_importing_the_same_file_again_changes_nothing_and_replace_source_removes(session, tmp_path):
    table = rows()
    path = write(tmp_path / "atms.csv", table)
    imported(session, read_csv(path), path)
    before = dump(session)
    again = imported(session, read_csv(path), path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, N)
    assert dump(session) == before
    table[5]["name"] = "Renamed"
    shorter = write(tmp_path / "shorter.csv", table[: N - 100])
    report = imported(session, read_csv(shorter), shorter, replace_source=True)
    assert (report.inserted, report.updated, report.unchanged, report.removed) == (0, 1, N - 101, 100)


def test_a_rejected_row_in_a_late_chunk_stops_the_writes_and_every_reason_is_listed(session, tmp_path):
    table = rows()
    table[2300]["lat"] = "56.9x"
    table[10]["name"] = ""
    path = write(tmp_path / "atms.csv", table)
    with pytest.raises(ImportRejected) as caught:
        imported(session, read_csv(path), path)
    assert caught.value.report.reasons() == [
        f"{path}:12: name is empty",
        f"{path}:2302: lat '56.9x' is not a number",
    ]
    assert not writer_threads()
    session.rollback()  # as the CLI does: what the first chunks wrote goes
    assert session.execute(text("SELECT count(*) FROM places")).scalar() == 0
    assert session.execute(text("SELECT count(*) FROM sources")).scalar() == 0


def test_with_skip_invalid_every_chunk_writes_its_valid_rows(session, tmp_path):
    table = rows()
    for i in (0, 399, 1234, N - 1):
        table[i]["lon"] = "12.5"  # outside Latvia
    table[2000]["id"] = table[100]["id"]  # the same id, chunks apart
    path = write(tmp_path / "atms.csv", table)
    report = imported(session, read_csv(path), path, skip_invalid=True)
    assert report.inserted == N - 5 and len(report.rejected) == 5
    assert report.rejected[-2] == (
        f"{path}:2002",
        f"duplicate id 'r-00100' in the file (first at {path}:102) (source_ref from column 'id')",
    )
    assert session.execute(text("SELECT count(*) FROM places")).scalar() == N - 5


def test_a_negative_zero_fee_is_written_as_the_whole_file_path_writes_it(session, tmp_path):
    table = rows()
    table[1500]["fee_bill_payment"] = "-0"  # -0.00: as whole cents, 0; SQLite's NUMERIC column stores 0 either way
    path = write(tmp_path / "atms.csv", table)
    imported(session, read_csv(path), path)
    chunked = dump(session)
    wipe(session)
    imported(session, list(read_csv(path)), path)
    assert dump(session) == chunked
    assert session.execute(text("SELECT count(*) FROM offers")).scalar() == len(chunked["offers"])


def test_a_nul_character_is_a_rejected_row_on_both_engines(session, tmp_path):
    table = rows()
    table[1500]["name"] = "Nul\x00byte"  # PostgreSQL cannot store it; a UTF-16 file read as UTF-8 has many
    path = write(tmp_path / "atms.csv", table)
    report = imported(session, read_csv(path), path, skip_invalid=True)
    assert report.rejected == [
        (f"{path}:1502", "name contains a NUL character (0x00); is the file UTF-16? (give --encoding)")
    ]
    assert report.inserted == N - 1


def test_duplicates_of_other_sources_are_found_in_every_chunk(session, tmp_path):
    table = rows()
    other = SourceInfo(name="osm", title="OSM", licence="ODbL 1.0", attribution="© OpenStreetMap contributors")
    twins = [dict(table[i], id=f"osm-{i}") for i in (3, 1700, 2400)]
    osm = write(tmp_path / "osm.csv", twins)
    run_import(session, read_csv(osm), other, file=str(osm), file_format="csv", sha256="1" * 64, rules=Rules())
    session.commit()
    path = write(tmp_path / "atms.csv", table)
    report = imported(session, read_csv(path), path)
    assert sorted(d.source_ref for d in report.duplicates) == ["r-00003", "r-01700", "r-02400"]


def test_a_row_that_cannot_be_split_late_in_the_file_fails_the_import_and_writes_nothing(session, tmp_path):
    from locator.importers.records import FileProblem

    path = write(tmp_path / "atms.csv", rows())
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('r-99999,"Never closed,atm,,,56.9,24.1,,\n')
    table = read_csv(path)  # the rows are split as the import asks for them
    with pytest.raises(FileProblem) as caught:
        imported(session, table, path)
    assert str(caught.value).startswith(f'{path}:{N + 2}: a " opened in this row is never closed')
    assert not writer_threads()
    session.rollback()
    assert session.execute(text("SELECT count(*) FROM places")).scalar() == 0


def test_readers_are_answered_while_an_import_holds_its_transaction(session, engine, tmp_path):
    """The reason the import keeps its indexes live: the web service keeps answering during it."""
    from locator.db import session_for
    from locator.query import NearestQuery, nearest

    table = rows()
    first = write(tmp_path / "first.csv", table[:50])
    imported(session, read_csv(first), first)  # committed: what readers see meanwhile
    seen: list[int] = []
    if engine.dialect.name == "postgresql":  # a blocked reader fails after 2 s instead of waiting
        engine = create_engine(engine.url, connect_args={"options": "-c lock_timeout=2s"})
    reader = session_for(engine)

    def read_now(n: int) -> None:
        matches = nearest(reader, NearestQuery(lat=56.95, lon=24.1, k=3))
        seen.append(len(matches))
        reader.rollback()

    rest = write(tmp_path / "rest.csv", table[50:])
    report = run_import(
        session,
        read_csv(rest),
        SourceInfo(name="more", title="More", licence="test", attribution="locator tests"),
        file=str(rest),
        file_format="csv",
        sha256="2" * 64,
        rules=Rules(),
        on_rows=read_now,
    )
    session.commit()
    reader.close()
    engine.dispose()
    assert report.inserted == N - 50
    assert len(seen) >= 5 and set(seen) == {3}  # answered between every chunk, from the first file
