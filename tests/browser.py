"""Browser fixtures: one headless Chromium per test session, a fresh context per test.

Registered once, in ``tests/conftest.py``; the driver itself is :mod:`devtools.browser`.
"""

from __future__ import annotations

import pytest

from devtools.browser import block_outside, launch, no_download_env


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Playwright started here too).

    Registered once, in ``tests/conftest.py``: imported into several test modules
    it would be several session fixtures, and a second Playwright started while
    the first runs fails ("Sync API inside the asyncio loop").
    """
    no_download_env()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page in a fresh context (no shared cookies/cache between tests).

    Requests to anything but loopback are aborted, so a stray CDN link fails fast
    instead of waiting for a time-out; they still show in :func:`record_requests`.
    """
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    block_outside(context)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
