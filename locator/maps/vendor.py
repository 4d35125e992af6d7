"""The vendored map files and the base layers' look, without folium: for pages that draw with Leaflet alone.

The customer page builds its Leaflet map in the browser (``static/app.js``) and needs
only these names; :mod:`locator.maps.base` (folium, about 0.2 s to import) uses them too.
"""

from __future__ import annotations

from ..config import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"
OUTLINE_PATH = DATA_DIR / "latvia_outline.geojson"
MUNICIPALITIES_PATH = DATA_DIR / "municipalities.geojson"

OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
# data/README.md: the outline and municipalities come from geoBoundaries (CC BY 4.0).
BOUNDARIES_ATTRIBUTION = "Boundaries: geoBoundaries, CC BY 4.0"

# folium's link name -> file under the static vendor folder.  The names are the ones
# folium 0.20 uses in folium/folium.py (_default_js, _default_css) and
# folium/plugins/marker_cluster.py; a link folium adds in a later version and this
# table lacks makes _localise() raise, so an upgrade cannot slip a CDN link back in.
VENDOR_FILES: dict[str, str] = {
    # folium.Map
    "leaflet": "leaflet-1.9.3/leaflet.js",
    "jquery": "jquery-3.7.1/jquery.min.js",
    "bootstrap": "bootstrap-5.2.2/js/bootstrap.bundle.min.js",
    "awesome_markers": "leaflet.awesome-markers-2.0.5/leaflet.awesome-markers.js",
    "leaflet_css": "leaflet-1.9.3/leaflet.css",
    "bootstrap_css": "bootstrap-5.2.2/css/bootstrap.min.css",
    "glyphicons_css": "bootstrap-glyphicons-3.4.1/css/bootstrap-glyphicons.css",
    "awesome_markers_font_css": "fontawesome-free-6.2.0/css/all.min.css",
    "awesome_markers_css": "leaflet.awesome-markers-2.0.5/leaflet.awesome-markers.css",
    "awesome_rotate_css": "folium-0.20.0/leaflet.awesome.rotate.min.css",
    # folium.plugins.MarkerCluster
    "markerclusterjs": "leaflet.markercluster-1.1.0/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster-1.1.0/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster-1.1.0/MarkerCluster.Default.css",
}

DEFAULT_STATIC_URL = "/static/vendor"

OUTLINE_STYLE = {"color": "#4a5a6a", "weight": 1.5, "opacity": 0.9, "fillColor": "#eef2f0", "fillOpacity": 1.0}
MUNICIPALITY_STYLE = {"color": "#9aa6b0", "weight": 0.7, "opacity": 0.8, "fill": False, "dashArray": "3 3"}
