"""The landing page lists the closed centres and the data's attribution, escaped."""

from __future__ import annotations

from importers.centres import CentreRow, load_centres
from importers.rows import SourceInfo
from locator import create_app


def test_the_landing_page_lists_centres_and_attribution(client):
    html = client.get("/").get_data(as_text=True)
    assert "Audēju iela 16" in html
    assert "© OpenStreetMap contributors" in html and "illustrative" in html
    assert "/api/closed-centres/" in html


def test_imported_names_are_escaped(db_url, session):
    evil = "<img src=x onerror=alert(1)>"
    load_centres(session, [CentreRow.make(slug="x", name=evil, address="Rīga", lat=56.95, lon=24.1,
                                          closed_on="2026-01-31")],
                 SourceInfo("t", "test <b>", "CC0", "t"))
    session.commit()
    html = create_app({"DATABASE_URL": db_url}).test_client().get("/").get_data(as_text=True)
    assert evil not in html and "test <b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
