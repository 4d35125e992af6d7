"""The thin web layer: blueprints that parse a request, call the core, render."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import CSRFProtect

    from . import api, app_state, assets, errors, i18n, map_view, pages, requests, suggest

    app_state.init_app(app)
    i18n.init_app(app)
    requests.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    CSRFProtect(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(suggest.bp)
    app.register_blueprint(map_view.bp)
    pages.init_app(app)
