"""Real public files from ../shared/data go through the importers as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from locator import create_app
from locator.domain.geography import in_latvia
from locator.models import Place

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SHOPS = SHARED / "osm_latvia_bbox_shops_overpass.geojson"

needs_shared = pytest.mark.skipif(not SHOPS.exists(), reason="../shared/data (the real source files) is not here")


@needs_shared
def test_the_osm_shops_clip_to_latvia_and_name_the_unnamed(db_url, session, tmp_path):
    features = json.loads(SHOPS.read_text(encoding="utf-8"))["features"]
    inside = [f for f in features if in_latvia(**dict(zip(("lon", "lat"), f["geometry"]["coordinates"][:2])))]
    unnamed = [f for f in inside if not (f["properties"].get("name") or "").strip()]
    rejects = tmp_path / "rejected.csv"
    result = (
        create_app({"DATABASE_URL": db_url})
        .test_cli_runner()
        .invoke(
            args=[
                "import",
                "geojson",
                str(SHOPS),
                "--source",
                "osm-shops",
                "--kind",
                "dealer",
                "--licence",
                "ODbL 1.0",
                "--attribution",
                "© OpenStreetMap contributors",
                "--clip",
                "--skip-invalid",
                "--rejects",
                str(rejects),
            ]
        )
    )
    assert result.exit_code == 0, result.output
    assert f"{len(features) - len(inside)} clipped" in result.output
    assert f"{len(unnamed)} rejected" in result.output
    assert session.scalar(select(func.count()).select_from(Place)) == len(inside) - len(unnamed)
    lines = rejects.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) == len(unnamed) and all(line.endswith(",name is empty") for line in lines)
    assert lines[0].startswith(f"{SHOPS}: feature ")
