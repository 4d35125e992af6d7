"""``flask --app locator ...``: the commands, wired into the app by the factory.

With :mod:`locator.app` this is the only place that imports ``importers``: the
import and export commands translate options and errors for the importers'
library functions, which know nothing of Flask or Click.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .addresses import addresses_group
    from .database import COMMANDS
    from .imports import export_group, import_group

    for command in (*COMMANDS, import_group, export_group, addresses_group):
        app.cli.add_command(command)
