"""Turn query-string arguments into core queries, with a 400 naming the parameter.

Only parsing and web policy live here (the service area, MAX_RESULTS); what a
valid query is, is decided by ``locator.query.NearestQuery``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from werkzeug.datastructures import MultiDict

from ..domain.fees import Customer
from ..domain.geography import in_latvia
from ..errors import InvalidQuery
from ..query import NearestQuery

NEAREST_PARAMS = ("lat", "lon", "service", "kind", "commission_free", "salary_card", "max_distance_m", "k", "f")
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")
FORMATS = ("json", "geojson")


def _number(args: MultiDict, name: str, *, required: bool) -> float | None:
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        if required:
            raise InvalidQuery(f"{name} is required", param=name)
        return None
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise InvalidQuery(f"{name} must be a number, not {raw!r}", param=name) from None
    if not math.isfinite(value):
        raise InvalidQuery(f"{name} must be a finite number, not {raw!r}", param=name)
    return value


def _boolean(args: MultiDict, name: str, default: bool) -> bool:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise InvalidQuery(f"{name} must be true or false, not {raw!r}", param=name)


def _k(args: MultiDict, config: Mapping) -> int:
    raw = args.get("k")
    if raw is None or raw == "":
        return int(config["DEFAULT_RESULTS"])
    try:
        k = int(raw)
    except ValueError:
        raise InvalidQuery(f"k must be a whole number, not {raw!r}", param="k") from None
    if not 1 <= k <= int(config["MAX_RESULTS"]):
        raise InvalidQuery(f"k must be between 1 and {config['MAX_RESULTS']}", param="k")
    return k


def _kinds(args: MultiDict) -> tuple[str, ...] | None:
    values = [v.strip() for raw in args.getlist("kind") for v in raw.split(",") if v.strip()]
    return tuple(dict.fromkeys(values)) if values else None


def check_known(args: MultiDict, known: tuple[str, ...]) -> None:
    for name in args:
        if name not in known:
            raise InvalidQuery(f"unknown parameter {name!r}; known parameters: {', '.join(known)}", param=name)


def output_format(args: MultiDict) -> str:
    f = args.get("f") or "json"
    if f not in FORMATS:
        raise InvalidQuery(f"f must be one of: {', '.join(FORMATS)}", param="f")
    return f


def nearest_query(args: MultiDict, config: Mapping, *, origin: tuple[float, float] | None = None) -> NearestQuery:
    """A NearestQuery from request args; ``origin`` (lat, lon) replaces lat/lon when given.

    Raises InvalidQuery (400) for anything a caller got wrong, naming the parameter.
    """
    known = NEAREST_PARAMS if origin is None else tuple(p for p in NEAREST_PARAMS if p not in ("lat", "lon"))
    check_known(args, known)
    if origin is None:
        lat = _number(args, "lat", required=True)
        lon = _number(args, "lon", required=True)
    else:
        lat, lon = origin
    max_distance = _number(args, "max_distance_m", required=False)
    salary_card = (args.get("salary_card") or "").strip() or None
    if salary_card is not None and len(salary_card) > 60:
        raise InvalidQuery("salary_card must be a bank name of at most 60 characters", param="salary_card")
    query = NearestQuery(
        lat=lat,
        lon=lon,
        service=args.get("service") or "bill_payment",
        kinds=_kinds(args),
        commission_free=_boolean(args, "commission_free", False),
        customer=Customer(salary_card=salary_card),
        max_distance_m=max_distance,
        k=_k(args, config),
    )
    if origin is None and not in_latvia(lat=lat, lon=lon, buffer_m=float(config["SERVICE_AREA_BUFFER_M"])):
        raise InvalidQuery(
            f"the point lat={lat}, lon={lon} is far outside Latvia; locator covers Latvia only",
            param="lat",
        )
    return query
