#!/usr/bin/env bash
# Install the pinned Python packages into a venv: scripts/install-python-deps.sh VENV
#
# pyproj and shapely are compiled against Debian's PROJ and GEOS (the ones
# SpatiaLite links), never taken as wheels that bundle their own copies: see
# requirements.txt for why. pyproj first, with the pinned Cython and no build
# isolation; then everything else.
set -euo pipefail
venv=${1:-.venv}
cd "$(dirname "$0")/.."
pip() {
    # The machine's pip.conf names index folders that may not exist: drop that noise.
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}
pip -r requirements-build.txt
# --no-cache-dir: never reuse a pyproj wheel that some other build (with another
# Cython) left in pip's cache.
pip --no-cache-dir --no-build-isolation --no-binary pyproj "$(grep -E '^pyproj==' requirements.txt)"
pip -r requirements.txt
"$venv/bin/python" - <<'PY'
import pyproj, shapely
pyproj.CRS("EPSG:3059")  # fails loudly if pyproj was miscompiled
print(f"pyproj {pyproj.__version__} on PROJ {pyproj.proj_version_str}, "
      f"shapely {shapely.__version__} on GEOS {'.'.join(map(str, shapely.geos_version))}")
PY
