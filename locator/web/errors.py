"""The one place errors become responses: problem+json for the API, an HTML page for the pages.

``/api/...``, ``/healthz`` and the map's ``/geo/`` data answer errors as RFC 9457
problem+json, the shape clients parse.  Every other path is a page a person
reads: ``templates/errors/{status}.html``, else ``errors/error.html``, in the
language of its URL (``/en/...`` English, else Latvian), with a link back.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, json, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..errors import PROBLEM_JSON, DatabaseUnavailable, LocatorError, OutsideServiceArea, problem_body
from .i18n import current_language

log = logging.getLogger(__name__)

PROBLEM_PATHS = ("/api/", "/healthz", "/geo/")
KEPT_HEADERS = ("Allow", "Retry-After")  # what a 405 or 429 tells the client to do next


def wants_problem_json() -> bool:
    """True for the API's paths; the pages get HTML."""
    return request.path == "/api" or request.path.startswith(PROBLEM_PATHS)


def error_page(status: int, *, reason: str | None = None, headers=None) -> Response:
    """The HTML page for ``status``; ``reason`` picks a more specific text (e.g. "outside_service_area")."""
    g.lang = current_language()
    try:
        body = render_template([f"errors/{status}.html", "errors/error.html"], status=status, reason=reason)
    except Exception:  # the error page must never fail: plain text then
        log.exception("error page %s could not be rendered", status)
        return Response(f"Error {status}", status=status, mimetype="text/plain", headers=headers)
    return Response(body, status=status, mimetype="text/html", headers=headers)


def problem_response(err: LocatorError) -> Response:
    if not wants_problem_json():
        return error_page(err.status, reason="outside_service_area" if isinstance(err, OutsideServiceArea) else None)
    return Response(json.dumps(err.to_problem()), status=err.status, mimetype=PROBLEM_JSON)


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k in KEPT_HEADERS}
    if not wants_problem_json():
        return error_page(status, headers=headers)
    body = problem_body(status, exc.name, exc.description or exc.name)
    return Response(body, status=status, mimetype=PROBLEM_JSON, headers=headers)


def _database_down(exc: OperationalError) -> Response:
    """A lost or refused database connection: 503, so clients and balancers retry."""
    log.warning("database unavailable: %s", exc)
    return problem_response(DatabaseUnavailable("the database is not answering; try again shortly"))


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    if not wants_problem_json():
        return error_page(500)
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
