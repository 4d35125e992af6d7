"""The request's write session commits a success and writes nothing for a failure, on both engines.

A test-only blueprint writes a source row through ``db_write_session()`` and
then succeeds, raises, or answers with an error status.
"""

from __future__ import annotations

import pytest
from flask import Blueprint, abort, request
from sqlalchemy import func, select

from locator import create_app
from locator.db import session_for
from locator.models import Source
from locator.web.requests import db_session, db_write_session


def _writer() -> Blueprint:
    bp = Blueprint("writer", __name__)

    @bp.post("/api/test-write/<name>")
    def write(name: str):
        session = db_write_session()
        session.add(Source(name=name, title=name, licence="CC0", attribution="tests"))
        session.flush()  # the row is in the database's transaction now
        outcome = request.args.get("then", "succeed")
        if outcome == "raise":
            raise RuntimeError("a bug after writing")
        if outcome == "refuse":
            abort(409)
        if outcome == "answer-400":
            return {"written": False}, 400
        return {"written": True}

    @bp.get("/api/test-read-after-write/<name>")
    def read_and_write(name: str):
        db_session().execute(select(func.count()).select_from(Source.__table__)).scalar_one()
        db_write_session().add(Source(name=name, title=name, licence="CC0", attribution="tests"))
        return {"ok": True}

    return bp


@pytest.fixture
def writer_client(db_url, session):  # `session` wipes the database before and after
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False})
    app.register_blueprint(_writer())
    return app.test_client()


def written(engine, name: str) -> bool:
    with session_for(engine) as s:
        return s.execute(select(Source.id).where(Source.name == name)).first() is not None


def test_a_successful_request_commits_its_writes(writer_client, engine):
    r = writer_client.post("/api/test-write/kept")
    assert r.status_code == 200
    assert written(engine, "kept")


@pytest.mark.parametrize(("then", "status"), [("raise", 500), ("refuse", 409), ("answer-400", 400)])
def test_a_failed_request_writes_nothing(writer_client, engine, then, status):
    r = writer_client.post(f"/api/test-write/undone-{then}", query_string={"then": then})
    assert r.status_code == status
    assert not written(engine, f"undone-{then}")


def test_reads_and_writes_in_one_request(writer_client, engine):
    assert writer_client.get("/api/test-read-after-write/both").status_code == 200
    assert written(engine, "both")


def test_the_write_session_is_closed_after_each_request(writer_client, engine):
    for i in range(3):  # a session left open would hold SQLite's write lock and fail the next
        assert writer_client.post(f"/api/test-write/again-{i}").status_code == 200
    assert all(written(engine, f"again-{i}") for i in range(3))
