"""The one place errors become responses: problem+json for the API."""

from __future__ import annotations

import logging

from flask import Flask, Response
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..errors import PROBLEM_JSON, DatabaseUnavailable, LocatorError, problem_body

log = logging.getLogger(__name__)


def problem_response(err: LocatorError) -> Response:
    from flask import json

    return Response(json.dumps(err.to_problem()), status=err.status, mimetype=PROBLEM_JSON)


def _http_error(exc: HTTPException) -> Response:
    return Response(
        problem_body(exc.code or 500, exc.name, exc.description or exc.name),
        status=exc.code or 500,
        mimetype=PROBLEM_JSON,
    )


def _database_down(exc: OperationalError) -> Response:
    """A lost or refused database connection: 503, so clients and balancers retry."""
    log.warning("database unavailable: %s", exc)
    return problem_response(DatabaseUnavailable("the database is not answering; try again shortly"))


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    return Response(
        problem_body(500, "Internal error", "Something went wrong on our side; it has been logged."),
        status=500,
        mimetype=PROBLEM_JSON,
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(LocatorError, problem_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(Exception, _unexpected)
