"""Per-request database sessions for the web layer."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..db import get_engine, session_for


def db_session() -> Session:
    """The request's read-only session, opened on first use and closed at teardown.

    It runs in autocommit: a read needs no BEGIN and ROLLBACK, which on PostGIS
    are two network round trips per request.  (Writes, when they come, take a
    transactional session of their own.)
    """
    if "db_session" not in g:
        engine = get_engine(current_app.config["DATABASE_URL"], current_app.config["SPATIALITE_LIBRARY_PATH"])
        g.db_session = session_for(_autocommit(engine))
    return g.db_session


_autocommit_engines: dict[Engine, Engine] = {}


def _autocommit(engine: Engine) -> Engine:
    """The same pool, with connections checked out in autocommit."""
    derived = _autocommit_engines.get(engine)
    if derived is None:
        derived = _autocommit_engines[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return derived


def _close(_exc) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close)
