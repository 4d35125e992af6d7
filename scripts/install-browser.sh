#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/test_browser_smoke.py) and
# print its version.  Playwright drives it through executable_path=/usr/bin/chromium;
# it never downloads a browser of its own (the network reaches no browser CDN).
# chromium-driver is not needed: Playwright speaks CDP to the browser directly.
#
# Idempotent: a second run costs one dpkg-query (install-system-deps.sh skips
# apt when the package is installed).
#
#   scripts/install-browser.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$here/install-system-deps.sh" chromium

CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM missing after installing the chromium package" >&2
    exit 1
fi
# --version needs no display and opens no network connection.
"$CHROMIUM" --version
