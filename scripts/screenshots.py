#!/usr/bin/env python
"""Screenshots of the customer pages for the README, with the demo data, offline.

Builds a temporary SpatiaLite database (``migrate.upgrade`` + ``load_demo``),
serves ``create_app`` with tiles off (``TILE_URL=""``: the map shows the local
outline and municipality borders only) on a loopback werkzeug server
(``devtools.browser.serve``), and saves PNGs with Debian's Chromium
(``devtools.browser.launch``; no browser is ever downloaded):

* docs/screenshots/search-lv.png   1280x800  /?lat=56.948&lon=24.109, result 1 clicked (popup open)
* docs/screenshots/search-en.png   1280x800  /en/?...&service=bill_payment&commission_free=1&salary_card=SEB&filtered=1
* docs/screenshots/centre-en.png   1280x800  /en/centres/riga-audeju-iela
* docs/screenshots/phone-lv.png     390x844  /?lat=56.948&lon=24.109

Any request that is not for 127.0.0.1 is aborted and fails the script, and so
does a JavaScript error on a page.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"

from locator import create_app, migrate  # noqa: E402
from locator.db import dispose_engines, get_engine, session_scope  # noqa: E402
from locator.importers.demo import load_demo  # noqa: E402

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_BYTES = 300_000
SETTLE_MS = 700  # Leaflet's fitBounds / popup auto-pan animations

SHOTS = [
    # file, path, viewport, click result 1 first
    ("search-lv.png", "/?lat=56.948&lon=24.109", DESKTOP, True),
    (
        "search-en.png",
        "/en/?lat=56.948&lon=24.109&service=bill_payment&commission_free=1&salary_card=SEB&filtered=1",
        DESKTOP,
        False,
    ),
    ("centre-en.png", "/en/centres/riga-audeju-iela", DESKTOP, False),
    ("phone-lv.png", "/?lat=56.948&lon=24.109", PHONE, False),
]

READY_JS = """
() => {
  // every result drawn as its numbered marker (a place listed twice has one), the borders
  // and the settlement names on the base layer
  return document.querySelector('path.locator-outline') !== null
    && document.querySelector('.place-label') !== null
    && document.querySelectorAll('.num-marker').length > 0
    && document.querySelectorAll('.num-marker').length === document.querySelectorAll('.results li[id^=result-]').length;
}
"""


def shoot(browser, base: str, out_dir: Path) -> list[tuple[Path, int]]:
    from devtools.browser import is_loopback

    saved = []
    for name, path, viewport, click_first in SHOTS:
        phone = viewport is PHONE
        context = browser.new_context(
            viewport=viewport,
            device_scale_factor=1,
            is_mobile=phone,
            has_touch=phone,
            locale="en-GB" if path.startswith("/en/") else "lv-LV",
        )
        outside: list[str] = []
        errors: list[str] = []

        def guard(route):
            if is_loopback(route.request.url):
                route.continue_()
            else:
                outside.append(route.request.url)  # noqa: B023 (the route is handled within this iteration)
                route.abort("blockedbyclient")

        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))  # noqa: B023 (same)
        response = page.goto(base + path, wait_until="load")
        if response is None or response.status != 200:
            raise SystemExit(f"{path}: status {response and response.status}")
        page.wait_for_function(READY_JS)
        page.wait_for_timeout(SETTLE_MS)
        if click_first:
            page.click('.pick[data-n="1"]')
            page.wait_for_selector(".leaflet-popup", state="visible")
            page.wait_for_timeout(SETTLE_MS)
        target = out_dir / name
        page.screenshot(path=str(target), animations="disabled", caret="hide")
        context.close()
        if outside:
            raise SystemExit(f"{path}: requests left 127.0.0.1: {outside}")
        if errors:
            raise SystemExit(f"{path}: JavaScript errors: {errors}")
        size = target.stat().st_size
        saved.append((target, size))
        print(
            f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
            f"{viewport['width']}x{viewport['height']}, {size / 1024:.0f} KiB",
            flush=True,
        )
        if size > MAX_BYTES:
            print(f"  warning: larger than {MAX_BYTES // 1000} KB", file=sys.stderr)
    return saved


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="scripts/screenshots.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    args = p.parse_args(argv)

    from devtools.browser import CHROMIUM, launch, serve

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: run scripts/install-browser.sh", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="locator-shots.") as tmp:
        url = f"sqlite+pysqlite:///{tmp}/demo.sqlite"
        engine = get_engine(url)
        migrate.upgrade(engine)
        with session_scope(engine) as session:
            load_demo(session)
        app = create_app({"DATABASE_URL": url, "TILE_URL": "", "SECRET_KEY": "screenshots"})
        try:
            with serve(app) as base, sync_playwright() as pw:
                browser = launch(pw)
                try:
                    shoot(browser, base, args.out)
                finally:
                    browser.close()
        finally:
            dispose_engines()
    return 0


if __name__ == "__main__":
    sys.exit(main())
