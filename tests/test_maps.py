"""locator.maps.base: folium maps whose every script and stylesheet is served by the app (no browser)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import folium
import pytest
from folium.plugins import MarkerCluster

from locator.maps.base import (
    OSM_ATTRIBUTION,
    OSM_TILES_URL,
    OUTLINE_PATH,
    VENDOR_FILES,
    local_links_only,
    offline_map,
    offline_marker_cluster,
    render,
    render_parts,
)

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "locator" / "static" / "vendor"


def busy_map(**kwargs) -> folium.Map:
    """A map using everything folium links: cluster, awesome markers (glyphicon and fa)."""
    m = offline_map(tiles_url=None, **kwargs)
    cluster = offline_marker_cluster(name="places").add_to(m)
    folium.Marker((56.9496, 24.1052), icon=folium.Icon(), popup="Rīga").add_to(cluster)
    folium.Marker((56.5, 21.0), icon=folium.Icon(prefix="fa", icon="money-bill", angle=45)).add_to(cluster)
    return m


def test_rendered_page_links_nothing_outside():
    html = render(busy_map())
    assert local_links_only(html) == []
    srcs = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', html)
    assert srcs and all(s.startswith("/static/vendor/") for s in srcs), srcs
    assert "markercluster" in html and "leaflet.js" in html


def test_static_url_prefix_is_used():
    html = render(offline_map(tiles_url=None, static_url="/app/static/vendor/"))
    assert '<script src="/app/static/vendor/leaflet-1.9.3/leaflet.js">' in html
    assert local_links_only(html) == []


def test_local_links_only_finds_external_links():
    html = (
        '<script src="https://cdn.example/x.js"></script><script src="/static/a.js"></script>'
        "<link rel='stylesheet' href='http://cdn.example/y.css'/><link href=//cdn.example/z.css>"
        '<a href="https://www.openstreetmap.org/copyright">not a resource</a>'
    )
    assert local_links_only(html) == ["https://cdn.example/x.js", "http://cdn.example/y.css", "//cdn.example/z.css"]


def test_folium_class_defaults_are_untouched():
    before = (
        copy.deepcopy(folium.Map.default_js),
        copy.deepcopy(folium.Map.default_css),
        copy.deepcopy(MarkerCluster.default_js),
        copy.deepcopy(MarkerCluster.default_css),
    )
    render(busy_map())
    after = (folium.Map.default_js, folium.Map.default_css, MarkerCluster.default_js, MarkerCluster.default_css)
    assert after == before
    # A plain folium map built afterwards still links the CDNs (it is folium's, not ours).
    plain = folium.Map()
    MarkerCluster().add_to(plain)
    external = local_links_only(render(plain))
    assert any("leaflet@1.9.3" in u for u in external)
    assert any("leaflet.markercluster/1.1.0" in u for u in external)


def test_every_folium_link_has_a_vendored_file():
    names = {
        n
        for n, _ in folium.Map.default_js
        + folium.Map.default_css
        + MarkerCluster.default_js
        + MarkerCluster.default_css
    }
    assert names <= set(VENDOR_FILES), names - set(VENDOR_FILES)
    for name, rel in VENDOR_FILES.items():
        assert (VENDOR / rel).is_file(), f"{name}: {rel} is missing"


def test_vendored_css_references_resolve():
    """Fonts and images that the vendored stylesheets load are vendored too (woff2 at least)."""
    missing = []
    for css in VENDOR.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert not ref.startswith(("http:", "https:", "//")), f"{css.name} loads {ref}"
            target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
            if not target.is_file():
                missing.append(f"{css.relative_to(VENDOR)} -> {ref}")
    assert missing == []


def test_vendor_tree_is_small_and_documented():
    files = [p for p in VENDOR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 3_000_000
    assert not [p for p in files if p.suffix == ".map"]
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for d in VENDOR.iterdir():
        if d.is_dir():
            assert d.name in readme, f"{d.name} not in vendor README"
            assert any(p.name.upper().startswith(("LICENSE", "MIT-LICEN")) for p in d.iterdir()), d.name


def test_base_layers_and_max_zoom():
    parts = render_parts(offline_map(tiles_url=None, max_zoom=17))
    js = parts["script"]
    assert '"maxZoom": 17' in js
    assert js.count("L.geoJson(") == 2  # outline and municipalities
    assert "locator-outline" in js and "locator-municipality" in js
    assert "geoBoundaries" in js  # the boundaries' attribution (CC BY 4.0)
    assert "L.tileLayer" not in js  # tiles_url=None: no tile requests at all
    assert 'class="folium-map"' in parts["html"]
    assert local_links_only(parts["header"]) == [] and local_links_only(parts["links"]) == []
    assert "<style>" not in parts["links"] and parts["links"].count("<script src=") == 4


def test_tiles_need_their_attribution():
    js = render_parts(offline_map(tiles_url=OSM_TILES_URL, tiles_attribution=OSM_ATTRIBUTION))["script"]
    assert "L.tileLayer" in js and "tile.openstreetmap.org" in js and "OpenStreetMap" in js
    with pytest.raises(ValueError):
        offline_map(tiles_url=OSM_TILES_URL)


def test_callers_geojson_is_not_modified():
    outline = json.loads(OUTLINE_PATH.read_text(encoding="utf-8"))
    municipalities = {"type": "FeatureCollection", "features": []}
    kept = copy.deepcopy((outline, municipalities))
    render(offline_map(tiles_url=None, outline_geojson=outline, municipalities_geojson=municipalities))
    assert (outline, municipalities) == kept


def test_flask_serves_the_vendor_files(tmp_path):
    from locator import create_app

    app = create_app({"DATABASE_URL": f"sqlite+pysqlite:///{tmp_path}/x.sqlite", "TESTING": True, "SECRET_KEY": "test"})
    client = app.test_client()
    for rel in (
        "leaflet-1.9.3/leaflet.js",
        "leaflet-1.9.3/images/marker-icon.png",
        "fontawesome-free-6.2.0/webfonts/fa-solid-900.woff2",
    ):
        r = client.get(f"/static/vendor/{rel}")
        assert r.status_code == 200, rel
        assert r.data == (VENDOR / rel).read_bytes()
        r.close()
