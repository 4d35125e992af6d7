"""folium maps that work with no network but the app's own server.

folium 0.20 links Leaflet, jQuery, Bootstrap, Font Awesome, Leaflet.awesome-markers
and its plugins (MarkerCluster) from public CDNs.  Those hosts are unreachable where
locator runs (and a customer's page should not depend on them anyway), so every link
is pointed at the copies vendored under ``locator/static/vendor/`` (see its README.md),
which Flask serves at ``/static/vendor``.

Why the links are set on the *instance*: folium keeps them in class-level lists
(``folium.Map.default_js`` is the module-level ``_default_js`` list) and
``add_js_link`` / ``add_css_link`` mutate those lists in place, so "fixing" them
there would silently change every map built afterwards in the process, including a
test's plain ``folium.Map()``.  ``JSCSSMixin.render`` reads ``self.default_js``, so
an instance attribute takes precedence and leaves the class alone.

Why a local base layer: offline (and in tests) tile requests fail and the map would
be a grey rectangle; the national outline and the municipality borders from
``data/`` are drawn first, so the map always shows Latvia.

Why ``max_zoom`` on the Map: with ``tiles=None`` folium gives Leaflet no maxZoom,
and MarkerCluster then renders nothing (it needs ``map.getMaxZoom()``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
from folium.plugins import MarkerCluster

from .vendor import (
    BOUNDARIES_ATTRIBUTION,
    DEFAULT_STATIC_URL,
    MUNICIPALITIES_PATH,
    MUNICIPALITY_STYLE,
    OSM_ATTRIBUTION,
    OSM_TILES_URL,
    OUTLINE_PATH,
    OUTLINE_STYLE,
    VENDOR_FILES,
)

__all__ = [
    "BOUNDARIES_ATTRIBUTION",
    "MUNICIPALITIES_PATH",
    "OSM_ATTRIBUTION",
    "OSM_TILES_URL",
    "OUTLINE_PATH",
    "VENDOR_FILES",
    "local_links_only",
    "offline_map",
    "offline_marker_cluster",
    "render",
    "render_parts",
]


def _localise(links: Iterable[tuple[str, str]], static_url: str) -> list[tuple[str, str]]:
    """folium's (name, CDN url) pairs with each url replaced by the vendored copy.

    Keeps folium's names (they key the <head> children, so a later element that
    links the same name replaces, not duplicates, the tag) and folium's order.
    """
    base = static_url.rstrip("/")
    out = []
    for name, url in links:
        try:
            out.append((name, f"{base}/{VENDOR_FILES[name]}"))
        except KeyError:
            raise LookupError(
                f"folium links {name!r} ({url}) and locator/static/vendor has no copy: "
                "vendor it (scripts/fetch-vendor.sh) and add it to maps.base.VENDOR_FILES"
            ) from None
    return out


def localise_links(element, static_url: str = DEFAULT_STATIC_URL):
    """Point ``element``'s JS/CSS links at the vendored files, on the instance only.

    ``element`` is any folium JSCSSMixin (Map, MarkerCluster, ...).  Reading the
    class attribute and assigning an instance attribute never touches the class list.
    """
    element.default_js = _localise(type(element).default_js, static_url)
    element.default_css = _localise(type(element).default_css, static_url)
    return element


@lru_cache(maxsize=4)
def _geojson_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _load_geojson(path: Path) -> dict:
    # A fresh dict per map: folium.GeoJson writes into the data (it adds feature ids).
    return json.loads(_geojson_text(path))


def _style(style: dict):
    return lambda _feature: style


def offline_map(
    *,
    static_url: str = DEFAULT_STATIC_URL,
    tiles_url: str | None,
    tiles_attribution: str = "",
    center: tuple[float, float] = (56.88, 24.6),
    zoom: int = 7,
    max_zoom: int = 19,
    outline_geojson: dict | None = None,
    municipalities_geojson: dict | None = None,
    base_layers: bool = True,
    **kwargs: Any,
) -> folium.Map:
    """A folium Map that loads nothing from outside ``static_url`` (and the tile server).

    - Every default JS/CSS link is the vendored copy under ``static_url``
      (``/static/vendor`` = ``locator/static/vendor``), set on this instance only.
    - ``tiles_url``: an XYZ template (e.g. :data:`OSM_TILES_URL`) with its
      ``tiles_attribution`` (e.g. :data:`OSM_ATTRIBUTION`, required with a URL: the
      OSM tile policy asks for it), or ``None`` for no tiles at all (tests, offline).
      It is keyword-only with no default so each caller decides.
    - Base layers, added first and non-interactive (clicks reach the map): the
      national outline, filled lightly so the map is never blank, and the
      municipality borders.  ``None`` means the project's ``data/`` files; pass a
      GeoJSON dict to use another (it is copied, never modified).
    - ``base_layers=False`` leaves them out, for a page that loads them itself
      from cached static files (the customer page does: 240 KB less per page).
    - ``max_zoom`` is set on the map itself (MarkerCluster needs it without tiles).
    - Other ``kwargs`` go to :class:`folium.Map` (``width``, ``height``,
      ``control_scale``, ``prefer_canvas``, ...).
    """
    if tiles_url and not tiles_attribution:
        raise ValueError("tiles_url needs its tiles_attribution (e.g. maps.base.OSM_ATTRIBUTION)")
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, **kwargs)
    m.options["max_zoom"] = max_zoom  # camelised to maxZoom by folium's tojavascript
    localise_links(m, static_url)

    if base_layers:
        _add_base_layers(m, outline_geojson, municipalities_geojson)
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url,
            attr=tiles_attribution,
            name="tiles",
            max_zoom=max_zoom,
            control=False,
        ).add_to(m)
    return m


def _add_base_layers(m: folium.Map, outline_geojson: dict | None, municipalities_geojson: dict | None) -> None:
    outline = copy.deepcopy(outline_geojson) if outline_geojson is not None else _load_geojson(OUTLINE_PATH)
    municipalities = (
        copy.deepcopy(municipalities_geojson)
        if municipalities_geojson is not None
        else _load_geojson(MUNICIPALITIES_PATH)
    )
    folium.GeoJson(
        outline,
        name="Latvia",
        style_function=_style({**OUTLINE_STYLE, "className": "locator-outline"}),
        interactive=False,
        control=False,
        attribution=BOUNDARIES_ATTRIBUTION,
    ).add_to(m)
    folium.GeoJson(
        municipalities,
        name="Municipalities",
        style_function=_style({**MUNICIPALITY_STYLE, "className": "locator-municipality"}),
        interactive=False,
        control=False,
    ).add_to(m)


def offline_marker_cluster(*, static_url: str = DEFAULT_STATIC_URL, **kwargs: Any) -> MarkerCluster:
    """A :class:`folium.plugins.MarkerCluster` whose JS/CSS are the vendored copies.

    ``kwargs`` go to MarkerCluster (``name``, ``options``, ``icon_create_function``, ...).
    Add it to a map from :func:`offline_map` (which sets the ``max_zoom`` it needs).
    """
    return localise_links(MarkerCluster(**kwargs), static_url)


_LINK_TAG = re.compile(r"<(script|link)\b[^>]*>", re.IGNORECASE)
_URL_ATTR = re.compile(r"""\b(src|href)\s*=\s*(["']?)([^"'\s>]+)\2""", re.IGNORECASE)


def local_links_only(html: str) -> list[str]:
    """Every ``http://`` / ``https://`` URL in a ``<script src>`` or ``<link href>``.

    An empty list means the page loads its scripts and stylesheets from its own
    server only.  (Tile URLs live inside the map's JavaScript and are not listed:
    they are requested at run time, and only when the map has a tile layer.)
    """
    found = []
    for tag in _LINK_TAG.finditer(html):
        for attr in _URL_ATTR.finditer(tag.group(0)):
            url = attr.group(3)
            if url.lower().startswith(("http://", "https://", "//")):
                found.append(url)
    return found


def render(m: folium.Map) -> str:
    """The whole HTML page of ``m`` (what ``m.save()`` would write)."""
    return m.get_root().render()


def render_parts(m: folium.Map) -> dict[str, str]:
    """``m`` in pieces for a page of our own (Jinja): ``header``, ``html``, ``script``.

    - ``header``: goes in ``<head>``: the vendored ``<script>``/``<link>`` tags and
      folium's styles.  Note that folium's header also sets ``html, body {height:
      100%; margin: 0}``, a ``#map`` rule, a viewport meta tag and Bootstrap 5's CSS,
      which restyle the whole page.
    - ``links``: only the ``<script src>`` / ``<link rel=stylesheet>`` tags of the
      header, for a page that keeps its own styles.
    - ``html``: the map ``<div>`` (height 100% of its container: give the container a
      height).
    - ``script``: JavaScript *without* ``<script>`` tags; put it inside
      ``<script>...</script>`` after the map div (it runs synchronously and needs Leaflet
      loaded: keep the header's script tags non-deferred).
    """
    root = m.get_root()
    root.render()  # populates root.header with the link tags and root.script with the JS
    header = root.header.render()
    links = "\n".join(
        t.group(0) + ("</script>" if t.group(1).lower() == "script" else "")
        for t in _LINK_TAG.finditer(header)
        if _URL_ATTR.search(t.group(0))
    )
    return {
        "header": header,
        "links": links,
        "html": root.html.render(),
        "script": root.script.render(),
    }
