"""Engines and sessions for both spatial databases, kept out of the web layer.

``sqlite+pysqlite:///PATH`` opens a SpatiaLite file through pysqlite3 (the
pyenv stdlib ``sqlite3`` cannot load extensions); ``postgresql+psycopg://``
opens PostGIS.  One engine (one pool) per URL per process.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .errors import DatabaseUnavailable


class SpatiaLiteMissing(DatabaseUnavailable):
    """SQLite could not load the SpatiaLite extension."""


def is_spatialite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def _spatialite_on_connect(library: str):
    """A connect hook: load SpatiaLite, create its WGS84-only metadata once, set WAL.

    ``InitSpatialMetaData('WGS84')`` in one transaction writes the one reference
    system locator uses; the default writes the whole EPSG table row by row,
    slow on every new file.
    """

    def on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.enable_load_extension(True)
        try:
            dbapi_conn.load_extension(library)
        except Exception as exc:  # pysqlite3.OperationalError
            raise SpatiaLiteMissing(
                f"SQLite could not load the SpatiaLite extension {library!r} ({exc}). "
                "Install it with: apt-get install libsqlite3-mod-spatialite "
                "(or set LOCATOR_SPATIALITE_LIBRARY_PATH)."
            ) from exc
        finally:
            dbapi_conn.enable_load_extension(False)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        if cur.execute("SELECT CheckSpatialMetaData()").fetchone()[0] < 1:
            cur.execute("SELECT InitSpatialMetaData(1, 'WGS84')")
        cur.close()

    return on_connect


_engines: dict[tuple[str, str], Engine] = {}
_engines_lock = threading.Lock()


def get_engine(url: str, spatialite_library: str = "mod_spatialite") -> Engine:
    """The process-wide engine for ``url`` (created on first use)."""
    key = (url, spatialite_library)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _create_engine(url, spatialite_library)
        return engine


def _create_engine(url: str, spatialite_library: str) -> Engine:
    if is_spatialite(url):
        import pysqlite3.dbapi2 as sqlite

        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, module=sqlite, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _spatialite_on_connect(spatialite_library))
        return engine
    # No pool_pre_ping: it costs a round trip per checkout; connections are
    # recycled instead, and a dropped one fails one request with a 503.
    return create_engine(url, pool_recycle=1800)


def dispose_engines() -> None:
    """Close every pool (tests, and gunicorn workers after fork)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def session_for(engine: Engine) -> Session:
    """A new session on ``engine``; objects stay readable after commit (``expire_on_commit=False``)."""
    return Session(engine, expire_on_commit=False)


@contextlib.contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    session = session_for(engine)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping(engine: Engine) -> dict[str, str]:
    """Versions of the database and its spatial extension; raises DatabaseUnavailable."""
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return {
                    "engine": "spatialite",
                    "sqlite": conn.execute(text("SELECT sqlite_version()")).scalar_one(),
                    "spatialite": conn.execute(text("SELECT spatialite_version()")).scalar_one(),
                }
            return {
                "engine": "postgis",
                "postgresql": conn.execute(text("SHOW server_version")).scalar_one(),
                "postgis": conn.execute(text("SELECT postgis_lib_version()")).scalar_one(),
            }
    except DatabaseUnavailable:
        raise
    except Exception as exc:
        raise DatabaseUnavailable(f"database check failed: {type(exc).__name__}: {exc}") from exc
