#!/usr/bin/env bash
# Re-fetch the front-end files that folium 0.20 links from CDNs into
# locator/static/vendor/, from the npm registry (and folium's own sdist on PyPI
# for one stylesheet).  The result is committed: `make run` and the tests need
# neither npm nor this script.  Run it only to change a version, then check
# `git diff --stat locator/static/vendor` and tests/test_maps.py.
#
#   scripts/fetch-vendor.sh            # needs npm, tar, and a python with pip
#
# The versions are the ones folium 0.20.0 links (folium/folium.py _default_js /
# _default_css, folium/plugins/marker_cluster.py); see locator/static/vendor/README.md
# for the two that npm does not have (Leaflet.awesome-markers 2.0.2, bootstrap
# 3.0.0's glyphicons stylesheet) and what stands in for them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$root/locator/static/vendor"
PYTHON=${PYTHON:-$root/.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pack() {  # pack NPM-SPEC -> extracts into $work/<dir>/package, echoes that path
    local spec=$1 dir=$2
    mkdir -p "$work/$dir"
    (cd "$work/$dir" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
    echo "$work/$dir/package"
}

put() {  # put SRC DEST-RELATIVE
    mkdir -p "$(dirname "$dest/$2")"
    cp "$1" "$dest/$2"
}

# Keep README.md (hand-written); replace everything else.
find "$dest" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
mkdir -p "$dest"

p=$(pack leaflet@1.9.3 leaflet)
d=leaflet-1.9.3
put "$p/LICENSE" "$d/LICENSE"
put "$p/dist/leaflet.js" "$d/leaflet.js"
put "$p/dist/leaflet.css" "$d/leaflet.css"
for f in "$p"/dist/images/*.png; do put "$f" "$d/images/$(basename "$f")"; done
sed -i '/^\/\/# sourceMappingURL=/d' "$dest/$d/leaflet.js"   # the .map is left out

p=$(pack leaflet.markercluster@1.1.0 markercluster)
d=leaflet.markercluster-1.1.0
put "$p/MIT-LICENCE.txt" "$d/MIT-LICENCE.txt"
put "$p/dist/leaflet.markercluster.js" "$d/leaflet.markercluster.js"
put "$p/dist/MarkerCluster.css" "$d/MarkerCluster.css"
put "$p/dist/MarkerCluster.Default.css" "$d/MarkerCluster.Default.css"

p=$(pack jquery@3.7.1 jquery)
d=jquery-3.7.1
put "$p/LICENSE.txt" "$d/LICENSE.txt"
put "$p/dist/jquery.min.js" "$d/jquery.min.js"
# The min file ends with a sourceMappingURL comment; the map is left out, so drop it
# (otherwise DevTools asks for a file that is not there).
sed -i '/^\/\/# sourceMappingURL=/d' "$dest/$d/jquery.min.js"

p=$(pack bootstrap@5.2.2 bootstrap5)
d=bootstrap-5.2.2
put "$p/LICENSE" "$d/LICENSE"
put "$p/dist/js/bootstrap.bundle.min.js" "$d/js/bootstrap.bundle.min.js"
put "$p/dist/css/bootstrap.min.css" "$d/css/bootstrap.min.css"
sed -i '/^\/\/# sourceMappingURL=/d; s#/\*\# sourceMappingURL=[^*]*\*/##' \
    "$dest/$d/js/bootstrap.bundle.min.js" "$dest/$d/css/bootstrap.min.css"

p=$(pack leaflet.awesome-markers@2.0.5 awesome)
d=leaflet.awesome-markers-2.0.5
put "$p/LICENSE" "$d/LICENSE"
put "$p/dist/leaflet.awesome-markers.js" "$d/leaflet.awesome-markers.js"
put "$p/dist/leaflet.awesome-markers.css" "$d/leaflet.awesome-markers.css"
# Only the images the stylesheet uses (matte/plain variants are unused).
for f in markers-soft.png markers-soft@2x.png markers-shadow.png markers-shadow@2x.png; do
    put "$p/dist/images/$f" "$d/images/$f"
done

p=$(pack @fortawesome/fontawesome-free@6.2.0 fontawesome)
d=fontawesome-free-6.2.0
put "$p/LICENSE.txt" "$d/LICENSE.txt"
put "$p/css/all.min.css" "$d/css/all.min.css"
for f in "$p"/webfonts/*; do put "$f" "$d/webfonts/$(basename "$f")"; done

# folium links bootstrap 3.0.0's bootstrap-glyphicons.css (for Icon(prefix="glyphicon"),
# folium's default).  npm has no such file: cut the same rules (@font-face + .glyphicon*)
# out of bootstrap 3.4.1's stylesheet and keep the woff2/woff fonts.
p=$(pack bootstrap@3.4.1 bootstrap3)
d=bootstrap-glyphicons-3.4.1
put "$p/LICENSE" "$d/LICENSE"
mkdir -p "$dest/$d/css"
{
    echo "/* Glyphicons Halflings rules cut from bootstrap 3.4.1 dist/css/bootstrap.css"
    echo " * (MIT, (c) Twitter, Inc.; fonts (c) Jan Kovarik, glyphicons.com, licensed to"
    echo " * Bootstrap under MIT) by scripts/fetch-vendor.sh; woff2/woff only. */"
    awk '/^@font-face/ {on=1} /^\* \{/ {exit} on' "$p/dist/css/bootstrap.css" \
        | sed -E 's#src: url\("\.\./fonts/glyphicons-halflings-regular\.eot"\);##;
                  s#src: url\("\.\./fonts/glyphicons-halflings-regular\.eot\?\#iefix"\) format\("embedded-opentype"\), #src: #;
                  s#, url\("\.\./fonts/glyphicons-halflings-regular\.ttf"\) format\("truetype"\), url\("\.\./fonts/glyphicons-halflings-regular\.svg\#glyphicons_halflingsregular"\) format\("svg"\)##'
} > "$dest/$d/css/bootstrap-glyphicons.css"
for f in woff2 woff; do
    put "$p/dist/fonts/glyphicons-halflings-regular.$f" "$d/fonts/glyphicons-halflings-regular.$f"
done

# folium's own rotation classes (fa-rotate-N, used by Icon(angle=...)); folium links
# them from its GitHub repository, and the file is only in folium's sdist.
d=folium-0.20.0
"$PYTHON" -m pip download -q --no-deps --no-binary :all: folium==0.20.0 -d "$work/folium"
tar xzf "$work"/folium/folium-0.20.0.tar.gz -C "$work/folium"
put "$work/folium/folium-0.20.0/LICENSE.txt" "$d/LICENSE.txt"
sed -E 's/^[[:space:]]+//; /^$/d' "$work/folium/folium-0.20.0/folium/templates/leaflet.awesome.rotate.css" \
    | tr -d '\n' > "$dest/$d/leaflet.awesome.rotate.min.css"
echo >> "$dest/$d/leaflet.awesome.rotate.min.css"

du -sh "$dest"
find "$dest" -type f | sed "s#^$dest/##" | sort
