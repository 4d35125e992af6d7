"""Per-request database sessions for the web layer."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from ..db import get_engine, session_for


def db_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        engine = get_engine(
            current_app.config["DATABASE_URL"], current_app.config["SPATIALITE_LIBRARY_PATH"]
        )
        g.db_session = session_for(engine)
    return g.db_session


def _close(_exc) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close)
