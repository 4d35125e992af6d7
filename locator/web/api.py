"""The JSON API: parse, call the query core, render JSON or GeoJSON."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from .. import catalogue, migrate, query
from ..db import ping
from ..errors import DatabaseUnavailable
from ..nearest_params import check_known
from ..query import Match
from .app_state import app_state
from .params import nearest_query, output_format
from .requests import db_session

bp = Blueprint("api", __name__)


def _result(m: Match, sources: dict[int, catalogue.SourceSummary]) -> dict:
    p = m.place
    return {
        "id": p.id,
        "name": p.name,
        "kind": p.kind,
        "brand": p.brand,
        "address": p.address,
        "municipality": p.municipality,
        "lat": round(p.lat, 7),
        "lon": round(p.lon, 7),
        "distance_m": round(m.distance_m, 1),
        "fee_eur": None if m.fee_eur is None else float(m.fee_eur),
        "fee_known": m.fee_known,
        "commission_free": m.commission_free,
        "opening_hours": p.opening_hours,
        "source": sources[p.source_id].name,
    }


def _sources_block(matches: list[Match], sources: dict[int, catalogue.SourceSummary]) -> list[dict]:
    used = sorted({m.place.source_id for m in matches})
    return [sources[i].as_dict(with_import_time=False) for i in used]


def _feature_collection(results: list[dict], **members) -> dict:
    return {
        "type": "FeatureCollection",
        **members,
        "features": [
            {
                "type": "Feature",
                "id": r["id"],
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": r,
            }
            for r in results
        ],
    }


def _render(results: list[dict], fmt: str, *, sources: list[dict] | None = None, **members):
    """JSON ``{members..., results, sources}`` or a GeoJSON FeatureCollection of the results."""
    tail = {} if sources is None else {"sources": sources}
    if fmt == "geojson":
        resp = jsonify(_feature_collection(results, **members, **tail))
        resp.mimetype = "application/geo+json"
        return resp
    return jsonify({**members, "results": results, **tail})


def _query_echo(q: query.NearestQuery) -> dict:
    return {
        "service": q.service,
        "kinds": list(q.kinds) if q.kinds else None,
        "commission_free": q.commission_free,
        "salary_card": q.customer.salary_card,
        "max_distance_m": q.max_distance_m,
        "k": q.k,
        "offset": q.offset,
        "open_at": q.open_at.isoformat(timespec="minutes") if q.open_at else None,
    }


@bp.get("/api/nearest")
def nearest():
    """Nearest places offering a service to ?lat=&lon=, closest first."""
    fmt = output_format(request.args)
    q = nearest_query(request.args)
    session, state = db_session(), app_state()
    matches = query.nearest(session, q, memory=state.memory)
    sources = state.catalogue.sources(session, {m.place.source_id for m in matches})
    return _render(
        [_result(m, sources) for m in matches],
        fmt,
        origin={"lat": q.lat, "lon": q.lon},
        query=_query_echo(q),
        sources=_sources_block(matches, sources),
    )


def _centre(c: query.CentreSummary) -> dict:
    return {
        "id": c.id,
        "slug": c.slug,
        "name": c.name,
        "address": c.address,
        "municipality": c.municipality,
        "lat": round(c.lat, 7),
        "lon": round(c.lon, 7),
        "closed_on": c.closed_on,
        "nearest_url": url_for("api.centre_nearest", ident=c.slug),
    }


@bp.get("/api/closed-centres")
def closed_centres():
    """Every closed customer-service centre."""
    check_known(request.args, ("f",))
    fmt = output_format(request.args)
    centres = [_centre(c) for c in query.closed_centres(db_session())]
    if fmt == "geojson":
        return _render(centres, fmt)
    return jsonify({"closed_centres": centres})


@bp.get("/api/closed-centres/nearest")
def all_centres_nearest():
    """The batch form: nearest options for every closed centre."""
    fmt = output_format(request.args)
    # The origin is a placeholder: the core asks the query at each centre's point.
    q = nearest_query(request.args, origin={"lat": 0.0, "lon": 0.0})
    session, state = db_session(), app_state()
    everywhere = query.nearest_for_closed_centres(session, q, memory=state.memory)
    sources = state.catalogue.sources(session, {m.place.source_id for o in everywhere for m in o.matches})
    out = []
    for options in everywhere:
        out.append({"centre": _centre(options.centre), "results": [_result(m, sources) for m in options.matches]})
    if fmt == "geojson":
        feats = [dict(r, centre=o["centre"]["slug"]) for o in out for r in o["results"]]
        return _render(feats, fmt, query=_query_echo(q))
    return jsonify({"query": _query_echo(q), "closed_centres": out})


@bp.get("/api/closed-centres/<ident>/nearest")
def centre_nearest(ident: str):
    """Nearest options to one closed centre (by id or slug)."""
    fmt = output_format(request.args)
    session, state = db_session(), app_state()
    centre = query.closed_centre(session, int(ident) if ident.isdigit() else ident)
    q = nearest_query(request.args, origin={"lat": centre.lat, "lon": centre.lon})
    matches = query.nearest(session, q, memory=state.memory)
    sources = state.catalogue.sources(session, {m.place.source_id for m in matches})
    return _render(
        [_result(m, sources) for m in matches],
        fmt,
        centre=_centre(centre),
        origin={"lat": centre.lat, "lon": centre.lon},
        query=_query_echo(q),
        sources=_sources_block(matches, sources),
    )


@bp.get("/api/sources")
def sources():
    """Where the data came from: licence, attribution, and whether it is illustrative."""
    check_known(request.args, ())
    return jsonify({"sources": [s.as_dict() for s in catalogue.sources_by_id(db_session()).values()]})


@bp.get("/healthz")
def healthz():
    """200 when the database answers with its spatial extension and is migrated; else 503."""
    engine = db_session().get_bind()
    versions = ping(engine)
    problems = migrate.problems(engine)
    if problems:
        raise DatabaseUnavailable("; ".join(p.splitlines()[0] for p in problems))
    return jsonify({"status": "ok", "database": versions})
