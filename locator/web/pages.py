"""The customer pages: search, nearest places, closed centres and places, in lv and en.

Views parse the URL, call the query core, and render; the map and the list are
drawn from the same results.  The URL is the state (``PageState``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask import Blueprint, abort, current_app, g, redirect, render_template, request
from flask_babel import gettext as _

from .. import catalogue, query
from ..domain import fees, hours
from ..domain.vocabulary import KINDS, SERVICES
from ..errors import UnknownPlace
from .app_state import app_state
from .links import page_url
from .map_view import results_map
from .page_state import MAX_KM, PageState
from .requests import db_session

bp = Blueprint("pages", __name__)
SHOWN = 10


def _lang_routes(rule: str, **options):
    """Register a view at ``rule`` (Latvian) and ``/en`` + ``rule`` (English)."""

    def decorator(view):
        bp.add_url_rule(rule, view_func=view, defaults={"lang": "lv"}, **options)
        bp.add_url_rule(
            "/en" + rule, endpoint=view.__name__ + "_en", view_func=view, defaults={"lang": "en"}, **options
        )
        return view

    return decorator


def _moment(state: PageState) -> datetime:
    if state.open == "at" and state.at:
        return datetime.strptime(state.at, "%Y-%m-%dT%H:%M").replace(tzinfo=hours.RIGA)
    return datetime.now(hours.RIGA)


def find(session, state: PageState):
    """(rows, nearest_outside, moment) for the page: rows of (Match, HoursStatus).

    Raises InvalidQuery for a point the API would refuse (far outside Latvia).
    """
    when = _moment(state)
    app = app_state()
    max_results = int(current_app.config["MAX_RESULTS"])
    q = query.NearestQuery.from_params(
        state.nearest_params(app.params, k=max_results if state.open else min(SHOWN, max_results))
    )
    rows = [(m, hours.status(m.place.opening_hours, when)) for m in query.nearest(session, q, memory=app.memory)]
    if state.open:
        rows = [r for r in rows if r[1].open]
    rows = rows[:SHOWN]
    outside = None
    if not rows:  # nothing in range (or open): say how far the nearest one is
        anywhere = query.nearest(session, replace(q, max_distance_m=None, k=1), memory=app.memory)
        outside = anywhere[0] if anywhere else None
    return rows, outside, when


def render_index(state: PageState, *, search=None, typed: str = "", status: int = 200):
    session = db_session()
    rows, outside, when = find(session, state) if state.has_point else ([], None, None)
    centres = app_state().catalogue.remember(session, "closed_centres", query.closed_centres)  # on every map
    the_map = results_map(state, rows, centres, lang=g.lang, config=current_app.config)
    return render_template(
        "nearest/index.html",
        state=state,
        rows=rows,
        outside=outside,
        when=when,
        search=search,
        typed=typed,
        centres=centres,
        map=the_map,
        services=SERVICES,
        kinds=KINDS,
        banks=app_state().catalogue.bank_brands(session),
        max_km_choices=MAX_KM,
        share_url=request.base_url + ("?" + state.query_string() if state.has_point else ""),
        other_language_url=page_url("index", "en" if g.lang == "lv" else "lv")
        + ("?" + state.query_string() if state.has_point else ""),
    ), status


@_lang_routes("/", methods=["GET"])
def index(lang: str):
    g.lang = lang
    return render_index(PageState.from_args(request.args))


@_lang_routes("/search", methods=["POST"])
def search(lang: str):
    """Geocode what was typed; found: redirect to the rounded point (the URL never holds the text)."""
    from ..gazetteer import SearchUnavailable
    from ..gazetteer import search as geocode_search

    g.lang = lang
    state = PageState.from_args(request.form)
    typed = (request.form.get("q") or "").strip()[:200]
    if not typed:
        return render_index(state, search={"status": "empty"}, status=400)
    try:
        geocoder = app_state().search_geocoder(current_app.config, db_session)
        result = geocode_search(geocoder, typed)
    except SearchUnavailable:
        return render_index(state, search={"status": "unavailable"}, typed=typed, status=503)
    if result.status == "found":
        choice = result.choices[0]
        return redirect(page_url("index") + "?" + state.at_point(lat=choice.lat, lon=choice.lon).query_string(), 303)
    return render_index(state, search=result, typed=typed)


@_lang_routes("/centres/")
def centres(lang: str):
    g.lang = lang
    return render_template("centres/list.html", centres=query.closed_centres(db_session()))


@_lang_routes("/centres/<slug>")
def centre(lang: str, slug: str):
    g.lang = lang
    session = db_session()
    try:
        c = query.closed_centre(session, slug)
    except UnknownPlace:
        abort(404)
    when = datetime.now(hours.RIGA)
    sections = []
    for key, q in (
        ("pay", query.NearestQuery(lat=c.lat, lon=c.lon, commission_free=True, k=5)),
        ("post", query.NearestQuery(lat=c.lat, lon=c.lon, kinds=("post_office",), k=1)),
        (
            "dealers",
            query.NearestQuery(lat=c.lat, lon=c.lon, service="buy_services", kinds=("dealer", "telecom_shop"), k=5),
        ),
    ):
        matches = query.nearest(session, q, memory=app_state().memory)
        sections.append((key, [(m, hours.status(m.place.opening_hours, when)) for m in matches]))
    state = PageState(lat=c.lat, lon=c.lon)
    all_rows = [r for _, rows in sections for r in rows]
    the_map = results_map(state, all_rows, [c], lang=g.lang, config=current_app.config)
    return render_template("centres/detail.html", centre=c, sections=sections, map=the_map)


@_lang_routes("/places/<int:place_id>")
def place(lang: str, place_id: int):
    g.lang = lang
    try:
        details = catalogue.place_details(db_session(), place_id)
    except UnknownPlace:
        abort(404)
    return render_template(
        "places/detail.html", place=details, status=hours.status(details.opening_hours, datetime.now(hours.RIGA))
    )


GEO_FILES = {"latvia_outline": "latvia_outline.geojson", "municipalities": "municipalities.geojson"}


@bp.get("/geo/<name>.geojson")
def geo(name: str):
    """The map's base layers from data/, cached by browsers (a day; then revalidated by ETag)."""
    from flask import send_from_directory

    from ..config import PROJECT_ROOT

    if name not in GEO_FILES:
        abort(404)
    response = send_from_directory(
        PROJECT_ROOT / "data", GEO_FILES[name], max_age=86400, mimetype="application/geo+json"
    )
    return response


def init_app(app) -> None:
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.tests["commission_free"] = fees.is_commission_free  # the one rule, also in templates
    app.jinja_env.globals["_kind"] = lambda k: KIND_TEXT[k]()
    app.jinja_env.globals["_service"] = lambda s: SERVICE_TEXT[s]()


KIND_TEXT = {
    "bank_branch": lambda: _("Bank branch"),
    "atm": lambda: _("ATM"),
    "post_office": lambda: _("Post office"),
    "dealer": lambda: _("Partner dealer"),
    "telecom_shop": lambda: _("Telecom shop"),
}
SERVICE_TEXT = {
    "bill_payment": lambda: _("Pay a bill"),
    "cash_deposit": lambda: _("Deposit cash"),
    "buy_services": lambda: _("Buy a service"),
    "buy_phones": lambda: _("Buy a phone"),
}
