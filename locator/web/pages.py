"""HTML pages. For now a landing page; the customer map (issue 5) replaces it."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import catalogue, query
from .requests import db_session

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    session = db_session()
    return render_template(
        "index.html",
        centres=query.closed_centres(session),
        sources=list(catalogue.sources_by_id(session).values()),
    )
