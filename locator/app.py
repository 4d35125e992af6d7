"""The app factory: the one place, with the CLI, that wires the layers together.

``create_app(overrides)`` builds the Flask app; nothing is configured at import.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import PROJECT_ROOT, load_settings


def _instance_secret(instance: Path) -> str:
    """The secret in ``instance/secret_key``, created once (mode 600) when missing.

    Every worker process must sign sessions and CSRF tokens with the same key,
    or a form served by one gunicorn worker fails when posted to another.
    """
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race: use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from defaults, ``LOCATOR_*`` env vars, then ``overrides``."""
    from . import cli, web

    app = Flask("locator", instance_relative_config=True, template_folder=str(PROJECT_ROOT / "templates"))
    app.config.from_mapping(load_settings(overrides))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    web.init_app(app)
    cli.init_app(app)
    return app
