"""locator: where to pay a bill without commission, or buy a service, near you.

Importing the package imports nothing else: ``import locator.query`` gives the
query core without Flask.  ``create_app`` (in :mod:`locator.app`) is reached
through the function below, so ``flask --app locator`` and
``gunicorn 'locator:create_app()'`` find the factory here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .config import VERSION as __version__

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["__version__", "create_app"]


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app (see :func:`locator.app.create_app`)."""
    from .app import create_app as build

    return build(overrides)
