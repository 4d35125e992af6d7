"""Turn query-string arguments into core queries, with a 400 naming the parameter.

What a valid nearest query is, and every message about one, is declared once
in ``locator.nearest_params`` (bounded by this app's settings); here only the
API's own parameter ``f`` and the lists' parameters are read.
"""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.datastructures import MultiDict

from ..errors import InvalidQuery
from ..nearest_params import parse
from ..query import NearestQuery
from .app_state import app_state

FORMATS = ("json", "geojson")


def output_format(args: MultiDict) -> str:
    f = args.get("f") or "json"
    if f not in FORMATS:
        raise InvalidQuery(f"f must be one of: {', '.join(FORMATS)}", param="f")
    return f


def nearest_query(args: MultiDict, *, origin: Mapping[str, float] | None = None) -> NearestQuery:
    """A NearestQuery from request args; ``origin`` (``{"lat": ..., "lon": ...}``) replaces lat/lon when given.

    Raises InvalidQuery (400) for anything a caller got wrong, naming the parameter.
    """
    params = parse(app_state().params, args.to_dict(flat=False), origin=origin, also_known=("f",))
    return NearestQuery.from_params(params)
