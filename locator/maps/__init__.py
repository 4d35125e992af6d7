"""Maps for locator's pages, with every asset served by the app itself.

- :mod:`locator.maps.vendor`: the vendored Leaflet files and the base layers' look (no folium);
- :mod:`locator.maps.labels`: the settlement names drawn on the offline base layer;
- :mod:`locator.maps.base`: folium maps whose every link is a vendored file (why: see there).

Nothing is imported here, so a page that needs only the first two never loads folium.
"""
