"""Every error has one shape per audience: problem+json for the API, an HTML page for people.

The pages (``/``, ``/en/...``, ``/centres/...``, ``/places/...``) answer in the
language of their URL with a link back; ``/api/...`` and ``/healthz`` keep
``application/problem+json``.  A test-only blueprint raises each status.
"""

from __future__ import annotations

import re

import pytest
from flask import Blueprint, abort

from locator import create_app
from locator.errors import DatabaseUnavailable

PROBLEM = "application/problem+json"
STATUSES = (400, 403, 404, 405, 429, 500, 503)

# (status, Latvian title, English title)
TITLES = {
    400: ("Šo saiti nevar nolasīt", "This link cannot be read"),
    403: ("Jums nav atļauts atvērt šo lapu", "You may not open this page"),
    404: ("Lapa nav atrasta", "Page not found"),
    405: ("Šo lapu nevar izmantot šādi", "This page cannot be used that way"),
    429: ("Pārāk daudz pieprasījumu", "Too many requests"),
    500: ("Radās kļūda", "Something went wrong"),
    503: ("Pakalpojums neatbild", "The service is not answering"),
}


def _raiser(code: int):
    if code == 500:
        raise RuntimeError("a bug")
    if code == 503:
        raise DatabaseUnavailable("the database is not answering")
    abort(code)


def _failing_blueprint() -> Blueprint:
    bp = Blueprint("failing", __name__)
    for prefix in ("", "/en", "/api"):
        bp.add_url_rule(f"{prefix}/failing/<int:code>", endpoint=f"fail{prefix.replace('/', '_')}", view_func=_raiser)
    # a page that only takes GET, for the 405s
    bp.add_url_rule("/failing/get-only", endpoint="get_only", view_func=lambda: "ok")
    bp.add_url_rule("/en/failing/get-only", endpoint="get_only_en", view_func=lambda: "ok")
    return bp


@pytest.fixture(scope="module")
def failing_client(tmp_path_factory):
    path = tmp_path_factory.mktemp("errors") / "empty.sqlite"
    app = create_app({"DATABASE_URL": f"sqlite+pysqlite:///{path}", "TESTING": True, "SECRET_KEY": "t"})
    app.register_blueprint(_failing_blueprint())
    return app.test_client()


def _request(client, prefix: str, status: int):
    if status == 405:
        return client.post(f"{prefix}/failing/get-only")
    return client.get(f"{prefix}/failing/{status}")


def title_of(html: str) -> str:
    return re.search(r'<h1 id="error-title">(.*?)</h1>', html, re.S).group(1).strip()


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize(("prefix", "lang"), [("", "lv"), ("/en", "en")])
def test_a_page_error_is_an_html_page_in_the_language_of_its_url(failing_client, status, prefix, lang):
    r = _request(failing_client, prefix, status)
    assert r.status_code == status and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert title_of(html) == TITLES[status][0 if lang == "lv" else 1]
    back = "/" if lang == "lv" else "/en/"
    assert (
        f'<a href="{back}">' in html and ("Atpakaļ uz sākumlapu" if lang == "lv" else "Back to the start page") in html
    )
    assert ("Kļūda" if lang == "lv" else "Error") + f" {status}" in html


@pytest.mark.parametrize("status", STATUSES)
def test_an_api_error_stays_problem_json(failing_client, status):
    r = failing_client.post("/api/nearest") if status == 405 else failing_client.get(f"/api/failing/{status}")
    assert r.status_code == status and r.mimetype == PROBLEM
    body = r.get_json()
    assert body["status"] == status and body["title"] and body["detail"]


def test_a_405_says_which_methods_are_allowed_on_both(failing_client):
    assert "GET" in failing_client.post("/failing/get-only").headers["Allow"]
    assert "GET" in failing_client.post("/api/nearest").headers["Allow"]


def test_an_unknown_page_is_an_html_404_that_does_not_echo_the_path_as_markup(failing_client):
    r = failing_client.get("/en/<script>alert(1)</script>")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "<script>alert(1)" not in html


def test_the_routes_404s_are_html_on_pages_and_problems_on_the_api(client):
    for path in ("/places/99999999", "/en/places/99999999", "/centres/no-such-centre", "/en/no-such-page"):
        r = client.get(path)
        assert r.status_code == 404 and r.mimetype == "text/html", path
    for path in ("/api/no-such-endpoint", "/api/closed-centres/no-such-centre/nearest"):
        r = client.get(path)
        assert r.status_code == 404 and r.mimetype == PROBLEM, path


def test_a_page_without_its_database_gives_the_503_page():
    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none", "SECRET_KEY": "t"})
    client = app.test_client()
    for path, title in (("/", TITLES[503][0]), ("/en/centres/", TITLES[503][1])):
        r = client.get(path)
        assert r.status_code == 503 and r.mimetype == "text/html", path
        assert title_of(r.get_data(as_text=True)) == title
    assert client.get("/healthz").mimetype == PROBLEM
