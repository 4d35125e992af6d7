"""Settings: declared once, layered defaults < environment < overrides."""

from __future__ import annotations

import pytest

from locator import create_app
from locator.config import SETTINGS, load_settings


def test_every_setting_has_help():
    assert all(s.help and s.name.isupper() for s in SETTINGS)


def test_environment_then_overrides_win_over_defaults():
    env = {"LOCATOR_MAX_RESULTS": "20", "LOCATOR_DATABASE_URL": "postgresql+psycopg://u@h/db"}
    assert load_settings(environ={})["MAX_RESULTS"] == 50
    assert load_settings(environ=env)["MAX_RESULTS"] == 20
    assert load_settings({"MAX_RESULTS": 3}, environ=env)["MAX_RESULTS"] == 3
    assert load_settings(environ=env)["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


def test_default_database_is_a_spatialite_file_in_instance():
    url = load_settings(environ={})["DATABASE_URL"]
    assert url.startswith("sqlite+pysqlite:///") and url.endswith("instance/locator.sqlite")


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(ValueError, match="LOCATOR_MAX_RESULTS='ten'"):
        load_settings(environ={"LOCATOR_MAX_RESULTS": "ten"})


def test_the_settings_command_prints_every_setting(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite+pysqlite:///{tmp_path}/x.sqlite"})
    out = app.test_cli_runner().invoke(args=["settings"]).output
    for s in SETTINGS:
        assert s.name in out
