"""Per-request database sessions for the web layer: a read one, and a write one beside it."""

from __future__ import annotations

from flask import Flask, Response, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..db import get_engine, session_for
from .app_state import app_state


def _engine() -> Engine:
    return get_engine(current_app.config["DATABASE_URL"], current_app.config["SPATIALITE_LIBRARY_PATH"])


def db_session() -> Session:
    """The request's read-only session, opened on first use and closed at teardown.

    It runs in autocommit: a read needs no BEGIN and ROLLBACK, which on PostGIS
    are two network round trips per request.  Writes take :func:`db_write_session`.
    """
    if "db_session" not in g:
        g.db_session = session_for(_autocommit(_engine()))
    return g.db_session


def db_write_session() -> Session:
    """The request's transactional session, opened on first use.

    Committed after the view when the response is a success (below 400);
    rolled back when the view raised or the response is an error (4xx, 5xx),
    so a failed request writes nothing; closed at teardown either way.
    """
    if "db_write_session" not in g:
        g.db_write_session = session_for(_engine())
    return g.db_write_session


def _autocommit(engine: Engine) -> Engine:
    """The same pool, with connections checked out in autocommit (one view per engine, kept on the app)."""
    views = app_state().autocommit_engines
    derived = views.get(engine)
    if derived is None:
        derived = views[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return derived


def _finish_writes(response: Response) -> Response:
    session = g.get("db_write_session")
    if session is not None:
        if response.status_code < 400:
            session.commit()  # a failed commit raises: the error handlers answer 500 or 503
        else:
            session.rollback()
    return response


def _close(_exc) -> None:
    for name in ("db_write_session", "db_session"):
        session = g.pop(name, None)
        if session is not None:
            session.rollback()  # nothing left to commit after _finish_writes; undoes a raised request
            session.close()


def init_app(app: Flask) -> None:
    app.after_request(_finish_writes)
    app.teardown_appcontext(_close)
