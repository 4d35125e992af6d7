"""Maps for locator's pages: folium, with every asset served by the app itself.

See :mod:`locator.maps.base` for why (no CDN is reachable; folium's links are class-level).
"""

from locator.maps.base import (
    OSM_ATTRIBUTION,
    OSM_TILES_URL,
    local_links_only,
    offline_map,
    offline_marker_cluster,
    render,
    render_parts,
)

__all__ = [
    "OSM_ATTRIBUTION",
    "OSM_TILES_URL",
    "local_links_only",
    "offline_map",
    "offline_marker_cluster",
    "render",
    "render_parts",
]
