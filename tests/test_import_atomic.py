"""An import is one transaction: killed half-way, it leaves the database exactly as it was."""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from locator import create_app
from locator.importers.synthetic import random_points_in_latvia

ROWS = 60_000


def fingerprint(url: str) -> tuple[int, int, str]:
    """(places, offers, a hash of every place's id, ref, name and coordinates)."""
    from locator.db import get_engine

    with get_engine(url).connect() as conn:
        places = conn.execute(text("SELECT count(*) FROM places")).scalar_one()
        offers = conn.execute(text("SELECT count(*) FROM offers")).scalar_one()
        digest = hashlib.sha256()
        for row in conn.execute(text("SELECT id, source_ref, name, ST_X(geom), ST_Y(geom) FROM places ORDER BY id")):
            digest.update(repr(tuple(row)).encode())
    return places, offers, digest.hexdigest()


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "lat", "lon", "fee_bill_payment"])
        for i, (lat, lon) in enumerate(random_points_in_latvia(ROWS, seed=5)):
            w.writerow([f"b{i}", f"Bankomāts {i}", f"{lat:.6f}", f"{lon:.6f}", "0,50"])
    return path


def _writing(url: str, wal: Path | None) -> bool:
    """True once the importer has started writing places inside its transaction."""
    if wal is not None:
        return wal.exists() and wal.stat().st_size > 2_000_000
    with create_engine(url).connect() as conn:
        rows = (
            conn.execute(text("SELECT query FROM pg_stat_activity WHERE application_name = 'locator-kill-test'"))
            .scalars()
            .all()
        )
    return any(("INSERT INTO places" in q or "INSERT INTO offers" in q or "COPY" in q) for q in rows)


def test_a_killed_import_leaves_the_database_as_it_was(db_url, session, big_csv, tmp_path):
    runner = create_app({"DATABASE_URL": db_url}).test_cli_runner()
    small = tmp_path / "small.csv"
    small.write_text("id,name,lat,lon\n1,Rīgas bankomāts,56.95,24.11\n", encoding="utf-8")
    first = runner.invoke(
        args=[
            "import",
            "csv",
            str(small),
            "--source",
            "small",
            "--kind",
            "atm",
            "--licence",
            "CC0",
            "--attribution",
            "test",
            "--quiet",
        ]
    )
    assert first.exit_code == 0, first.output
    before = fingerprint(db_url)

    sqlite_path = db_url.split("///", 1)[1] if db_url.startswith("sqlite") else None
    wal = Path(sqlite_path + "-wal") if sqlite_path else None
    env = {**os.environ, "LOCATOR_DATABASE_URL": db_url, "PGAPPNAME": "locator-kill-test"}
    flask = str(Path(sys.executable).with_name("flask"))
    proc = subprocess.Popen(
        [
            flask,
            "--app",
            "locator",
            "import",
            "csv",
            str(big_csv),
            "--source",
            "big",
            "--kind",
            "atm",
            "--licence",
            "CC0",
            "--attribution",
            "test",
            "--quiet",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).parent.parent,
    )
    deadline = time.monotonic() + 120
    while not _writing(db_url, wal):
        assert proc.poll() is None, "the import ended before it was killed:\n" + proc.stdout.read().decode()
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert fingerprint(db_url) == before
    again = runner.invoke(args=["import", "csv", str(small), "--source", "small", "--kind", "atm", "--quiet"])
    assert again.exit_code == 0 and "1 unchanged" in again.output, again.output
