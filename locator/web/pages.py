"""The customer pages: search, nearest places, closed centres and places, in lv and en.

Views parse the URL, call the query core, and render; the map and the list are
drawn from the same results.  The URL is the state (``PageState``).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session
from flask_babel import gettext as _

from .. import catalogue, query
from ..domain import fees, hours
from ..domain.vocabulary import KINDS, SERVICES
from ..errors import UnknownPlace
from . import page_answer, week
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


FOUND = "found_search"  # the session key: the label and hint of the last search that found a point


def remember_found(state: PageState, label: str, hint: dict[str, str] | None) -> None:
    """Keep what a search found for the page it redirects to (the URL holds only the point).

    Kept in the signed session cookie, for the rounded point only: the same point with other
    filters, or in the other language, still says what was searched; another point does not.
    """
    session[FOUND] = {"lat": state.lat, "lon": state.lon, "label": label[:300], "hint": hint, "focus": True}


def found_search(state: PageState) -> dict | None:
    """The remembered search for this page's point (label, hint, focus), or None; focus is given once."""
    found = session.get(FOUND)
    if not found or not state.has_point or (found.get("lat"), found.get("lon")) != (state.lat, state.lon):
        return None
    if found.get("focus"):
        session[FOUND] = {**found, "focus": False}
    return found


def render_index(state: PageState, *, search=None, typed: str = "", status: int = 200):
    db = db_session()
    app = app_state()
    found = answer = None
    if state.has_point and "at" not in state.problems:
        answer = page_answer.answer(
            db, state, app.params, shown=SHOWN, max_results=int(current_app.config["MAX_RESULTS"]), memory=app.memory
        )
        found = found_search(state) if search is None else None
    rows = answer.rows if answer else []
    centres = app.catalogue.remember(db, "closed_centres", query.closed_centres)  # on every map
    the_map = results_map(state, rows, centres, lang=g.lang, config=current_app.config)
    query_part = "?" + state.query_string() if state.has_point else ""
    return render_template(
        "nearest/index.html",
        state=state,
        answer=answer,
        rows=rows,
        found=found,
        search=search,
        typed=typed,
        centres=centres,
        map=the_map,
        services=SERVICES,
        kinds=KINDS,
        banks=app.catalogue.bank_brands(db),
        max_km_choices=MAX_KM,
        share_url=request.base_url + query_part,
        other_language_url=page_url("index", "en" if g.lang == "lv" else "lv") + query_part,
    ), status


@_lang_routes("/", methods=["GET"])
def index(lang: str):
    g.lang = lang
    return render_index(PageState.from_args(request.args))


@_lang_routes("/search", methods=["GET", "POST"])
def search(lang: str):
    """Geocode what was typed; found: redirect to the rounded point (the URL never holds the text).

    A GET (a reloaded or bookmarked search, a language link) goes to the start page with its filters.
    """
    from ..gazetteer import SearchUnavailable
    from ..gazetteer import search as geocode_search

    g.lang = lang
    if request.method == "GET":
        return redirect(page_url("index") + "?" + PageState.from_args(request.args).query_string(), 303)
    state = PageState.from_args(request.form)
    typed = (request.form.get("q") or "").strip()[:200]
    if not typed:
        return render_index(state, search={"status": "empty"}, status=400)
    try:
        geocoder = app_state().search_geocoder(current_app.config, db_session)
        result = geocode_search(geocoder, typed)
    except SearchUnavailable:
        return render_index(state, search={"status": "unavailable"}, typed=typed, status=503)
    pick = request.form.get("pick", "")
    if result.status == "ambiguous" and pick.isdigit() and int(pick) < len(result.choices):
        # "Which one?" answered: the same search again, and the choice picked from its own list
        return _found(state, result.choices[int(pick)], None)
    if result.status == "found":
        return _found(state, result.choices[0], result.hint)
    return render_index(state, search=result, typed=typed)


def _found(state: PageState, choice, hint: dict[str, str] | None):
    there = state.at_point(lat=choice.lat, lon=choice.lon)
    remember_found(there, choice.label, hint)
    return redirect(page_url("index") + "?" + there.query_string(), 303)


@_lang_routes("/centres/")
def centres(lang: str):
    g.lang = lang
    today = datetime.now(hours.RIGA).date().isoformat()
    return render_template("centres/list.html", centres=query.closed_centres(db_session()), today=today)


CENTRE_SECTIONS = (
    # key, what the section's fee is for, the query at the centre's point
    ("pay", "bill_payment", {"commission_free": True, "k": 5}),
    ("post", "bill_payment", {"kinds": ("post_office",), "k": 1}),
    ("dealers", "buy_services", {"kinds": ("dealer", "telecom_shop"), "k": 5}),
)


def _same_place(m: query.Match) -> tuple:
    """Two records of one place (the same kind and name within about 10 m) count once."""
    p = m.place
    return (p.kind, p.name.casefold(), round(p.lat, 4), round(p.lon, 4))


def centre_sections(db, c: query.CentreSummary, when: datetime):
    """(sections, map rows) of a centre page: each section's rows as (Match, HoursStatus, n, repeated).

    Each row's fee is for the section's own service.  A place listed in an earlier section keeps
    its number there (``repeated``) and one marker on the map; a second record of the same place
    within a section is left out.
    """
    numbers: dict[tuple, int] = {}
    sections, map_rows = [], []
    for key, service, options in CENTRE_SECTIONS:
        matches = query.nearest(
            db, query.NearestQuery(lat=c.lat, lon=c.lon, service=service, **options), memory=app_state().memory
        )
        rows, seen = [], set()
        for m in matches:
            same = _same_place(m)
            if same in seen:
                continue
            seen.add(same)
            status = hours.status(m.place.opening_hours, when)
            repeated = same in numbers
            if not repeated:
                numbers[same] = len(numbers) + 1
                map_rows.append((m, status))
            rows.append((m, status, numbers[same], repeated))
        sections.append((key, service, rows))
    return sections, map_rows


@_lang_routes("/centres/<slug>")
def centre(lang: str, slug: str):
    g.lang = lang
    db = db_session()
    try:
        c = query.closed_centre(db, slug)
    except UnknownPlace:
        abort(404)
    when = datetime.now(hours.RIGA)
    sections, map_rows = centre_sections(db, c, when)
    the_map = results_map(PageState(lat=c.lat, lon=c.lon), map_rows, [c], lang=g.lang, config=current_app.config)
    return render_template(
        "centres/detail.html", centre=c, sections=sections, map=the_map, today=when.date().isoformat()
    )


@_lang_routes("/places/<int:place_id>")
def place(lang: str, place_id: int):
    g.lang = lang
    db = db_session()
    try:
        details = catalogue.place_details(db, place_id)
    except UnknownPlace:
        abort(404)
    now = datetime.now(hours.RIGA)
    return render_template(
        "places/detail.html",
        place=details,
        status=hours.status(details.opening_hours, now),
        week=week.week(details.opening_hours, now.date(), g.lang),
        address=full_address(details.address, details.municipality),
        source_description=catalogue.source_description(db, details.source.id),
    )


def full_address(address: str | None, municipality: str | None) -> str:
    """The address as stored, then the municipality unless the address already names it."""
    parts = [p.strip() for p in (address or "").split(",") if p.strip()]
    if municipality and municipality.casefold() not in (p.casefold() for p in parts):
        parts.append(municipality)
    return ", ".join(parts)


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
