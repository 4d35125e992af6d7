"""locator: where to pay a bill without commission, or buy a service, near you.

``create_app(overrides)`` builds the Flask app; nothing is configured at import.
"""

from __future__ import annotations

import secrets
from typing import Any, Mapping

from flask import Flask

__version__ = "0.1.0"


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from defaults, ``LOCATOR_*`` env vars, then ``overrides``."""
    from . import cli, web
    from .config import PROJECT_ROOT, load_settings

    app = Flask(__name__, instance_relative_config=True, template_folder=str(PROJECT_ROOT / "templates"))
    app.config.from_mapping(load_settings(overrides))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from .i18n import init_app as init_i18n

    init_i18n(app)
    web.init_app(app)
    cli.init_app(app)
    return app
