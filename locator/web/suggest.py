"""``GET /api/suggest?q=dau&lang=lv``: place suggestions for the search box as it is typed.

JSON ``{"query": "dau", "suggestions": [{"label", "kind", "lat", "lon", "type", "matched_name"}]}``
(at most 8, best first; ``type`` names a feature's kind in ``lang``). Always from the offline
gazetteer's in-memory index (:mod:`locator.gazetteer.suggestions`), also when the search box
asks a remote geocoder: a remote service is not asked per keystroke. Bad input is a 400
problem+json like the rest of /api.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..errors import InvalidQuery
from ..nearest_params import check_known
from .app_state import app_state
from .requests import db_session

bp = Blueprint("suggest", __name__)

KNOWN = ("q", "lang", "limit")
MAX_QUERY_CHARS = 200
LANGUAGES = ("lv", "en")


def _offline_gazetteer():
    from ..gazetteer import Gazetteer

    geocoder = app_state().search_geocoder(current_app.config, db_session)
    if isinstance(geocoder, Gazetteer):
        return geocoder
    state = app_state().search_geocoders
    return state.setdefault("suggest:offline", Gazetteer())


@bp.get("/api/suggest")
def suggest():
    """Suggestions for ?q= (1–200 characters) in ?lang= (lv or en, default lv), ?limit= 1–8."""
    from ..gazetteer.suggestions import SUGGESTIONS_MAX
    from ..gazetteer.suggestions import suggest as suggestions

    check_known(request.args, KNOWN)
    q = request.args.get("q")
    if q is None or not q.strip():
        raise InvalidQuery("q is required: the text typed so far", param="q")
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"q is longer than {MAX_QUERY_CHARS} characters", param="q")
    lang = request.args.get("lang", "lv")
    if lang not in LANGUAGES:
        raise InvalidQuery(f"lang must be one of: {', '.join(LANGUAGES)}", param="lang")
    raw_limit = request.args.get("limit", str(SUGGESTIONS_MAX))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= SUGGESTIONS_MAX:
        raise InvalidQuery(f"limit must be a whole number from 1 to {SUGGESTIONS_MAX}", param="limit")
    found = suggestions(_offline_gazetteer(), q, limit=int(raw_limit))
    resp = jsonify(
        {
            "query": q,
            "suggestions": [
                {
                    "label": s.label,
                    "kind": s.kind,
                    "lat": s.lat,
                    "lon": s.lon,
                    "type": s.type[lang] if s.type else None,
                    "matched_name": s.matched_name,
                }
                for s in found
            ],
        }
    )
    resp.headers["Cache-Control"] = "public, max-age=300"  # the offline names change only with a release
    return resp
