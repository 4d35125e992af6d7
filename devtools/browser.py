"""Playwright driving Debian's Chromium, never a downloaded browser: for tests, benchmarks, screenshots.

Chromium comes from the Debian package (``scripts/install-browser.sh``, part of the
test dependencies); Playwright only speaks CDP to ``/usr/bin/chromium``.  The
network is closed, so the flags below stop Chromium's own background traffic
(component updates, sync, QUIC probes), and :func:`page` aborts any page request
that is not for the loopback server under test (and records it, so a test can fail
on it).

The pytest fixtures built on it are in ``tests/browser.py``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container: the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def no_download_env() -> None:
    # Belt and braces: with executable_path Playwright downloads nothing, but an
    # accidental `playwright install` in a subprocess would inherit this.
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"


def launch(playwright, **kwargs):
    """``playwright.chromium.launch`` on Debian's Chromium, headless, with the offline flags.

    Playwright gives each launch a fresh temporary profile (user-data-dir).
    Fails with a clear message when Chromium is not installed.
    """
    no_download_env()
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/install-browser.sh (make test installs it)")
    args = CHROMIUM_ARGS + list(kwargs.pop("args", []))
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args, **kwargs)


def is_loopback(url: str) -> bool:
    """True for http(s)/ws URLs on this machine's loopback; ``data:``/``blob:``/``about:`` count too."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOOPBACK_HOSTS or (parts.hostname or "").startswith("127.")


def block_outside(context) -> None:
    """Abort every request of ``context`` that is not for loopback (fails fast, no time-out)."""

    def guard(route):
        if is_loopback(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", guard)


def record_requests(page) -> list[str]:
    """A list that fills with the URL of every request ``page`` makes from now on."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def outside_requests(urls: list[str]) -> list[str]:
    """The URLs in ``urls`` that are not for loopback (should be ``[]``)."""
    return [u for u in urls if not is_loopback(u)]


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """Serve a WSGI ``app`` on a free loopback port in a thread; yields the base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:  # errors are still logged
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
