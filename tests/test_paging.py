"""The lists page with limit and offset: each page is a slice of the whole list, in its order."""

from __future__ import annotations

from locator import catalogue, query


def test_closed_centres_page_through_the_whole_list(demo_session):
    every = query.closed_centres(demo_session)
    assert len(every) >= 8
    pages = [query.closed_centres(demo_session, limit=3, offset=o) for o in range(0, len(every), 3)]
    assert [c for page in pages for c in page] == every
    assert query.closed_centres(demo_session, offset=len(every)) == []


def test_sources_page_through_the_whole_list(demo_session):
    every = catalogue.sources(demo_session)
    assert len(every) >= 2 and [s.name for s in every] == sorted(s.name for s in every)
    assert catalogue.sources(demo_session, limit=1, offset=1) == every[1:2]
    assert list(catalogue.sources_by_id(demo_session).values()) == every
