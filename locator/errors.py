"""One error hierarchy, rendered in one place as RFC 9457 problem+json.

Each error carries its HTTP meaning.  ``detail`` is safe to show to users;
``param`` names the query parameter at fault so a client can point at it.
"""

from __future__ import annotations

import json
from typing import Any


class LocatorError(Exception):
    """Base of every error locator shows to a caller."""

    status = 500
    type = "about:blank"
    title = "Internal error"

    def __init__(self, detail: str, *, param: str | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.param = param
        self.extra = extra

    def to_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.param is not None:
            body["param"] = self.param
        body.update(self.extra)
        return body


class InvalidQuery(LocatorError):
    """A query parameter is missing, malformed or out of range (400)."""

    status = 400
    type = "/problems/invalid-query"
    title = "Invalid query parameter"


class OutsideServiceArea(InvalidQuery):
    """The point lies far outside Latvia, which is all locator covers (400)."""


class UnknownPlace(LocatorError):
    """A place or closed centre id that does not exist (404)."""

    status = 404
    type = "/problems/not-found"
    title = "Not found"


class DatabaseUnavailable(LocatorError):
    """The database cannot be reached or lacks its spatial extension (503)."""

    status = 503
    type = "/problems/database-unavailable"
    title = "Database unavailable"


PROBLEM_JSON = "application/problem+json"


def problem_body(status: int, title: str, detail: str, type_: str = "about:blank") -> str:
    """The problem+json text for errors raised outside our hierarchy (404 routes, 405)."""
    return json.dumps(
        {"type": type_, "title": title, "status": status, "detail": detail},
        ensure_ascii=False,
    )
