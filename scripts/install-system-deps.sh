#!/usr/bin/env bash
# Install the Debian packages given as arguments, but only those that are not
# installed yet.  `apt-get update` runs only when something has to be installed,
# so a second run costs one dpkg-query (a few milliseconds) and no network.
#
#   scripts/install-system-deps.sh libsqlite3-mod-spatialite postgresql-15-postgis-3 gdal-bin
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 DEBIAN-PACKAGE..." >&2
    exit 2
fi

missing=()
for pkg in "$@"; do
    # "installed" only: a package that was removed but kept its config files
    # ("deinstall ok config-files") must be installed again.
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
done

[ "${#missing[@]}" -eq 0 ] && exit 0

echo "install-system-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-system-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg (e.g. unattended-upgrades) instead of failing.
APT_OPTS=(-q -o DPkg::Lock::Timeout=300)
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" update
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${missing[@]}"
