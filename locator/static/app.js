/* The customer page: the Leaflet map built from the JSON the server gives (web/map_view.py),
   its numbered markers synced with the results list, "use my location", and the share link.
   Everything shown from the data is set with textContent: imported names never become HTML. */
(function () {
  "use strict";
  var ROUND = 1000; // 3 decimals, about 100 m: the URL never holds a precise point

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var MARKER = 28;  // px: a numbered marker's size, and the least distance between two of them

  // Each numbered marker keeps its number on top: 1 above 2 above 3..., all above the
  // closed centres, and those above the origin (Leaflet adds the marker's pixel y).
  function zFor(n) { return 1000000 - n * 10000; }
  var Z_CENTRE = -500000, Z_ORIGIN = -1000000;

  function numberIcon(m, off) {
    return L.divIcon({className: "num-marker" + (m.free ? " free" : "") + (off.x || off.y ? " spread" : ""),
                      html: String(m.n), iconSize: [MARKER, MARKER],
                      iconAnchor: [MARKER / 2 - off.x, MARKER / 2 - off.y],
                      popupAnchor: [off.x, off.y - MARKER / 2]});
  }

  // Candidate offsets from a marker's true point, nearest first: itself, then rings.
  var OFFSETS = [[0, 0]];
  [[1.1, 8], [2.2, 12], [3.3, 16]].forEach(function (ring) {
    for (var i = 0; i < ring[1]; i++) {
      var a = -Math.PI / 2 + 2 * Math.PI * i / ring[1];
      OFFSETS.push([Math.round(ring[0] * MARKER * Math.cos(a)), Math.round(ring[0] * MARKER * Math.sin(a))]);
    }
  });

  // Markers that would overlap at this zoom (the demo has 43 post offices on one Rīga
  // point) are moved apart, in number order, each to the nearest free place around its
  // point, with a thin line back to it: no number is ever hidden under another.
  // Returns how far (px, along x or y) the farthest one was moved.
  function spread(map, list, leaders) {
    var placed = [], farthest = 0;
    leaders.clearLayers();
    list.forEach(function (item) {
      var p = map.latLngToLayerPoint(item.marker.getLatLng()), off = {x: 0, y: 0};
      for (var i = 0; i < OFFSETS.length; i++) {
        var c = L.point(p.x + OFFSETS[i][0], p.y + OFFSETS[i][1]);
        if (placed.every(function (q) { return q.distanceTo(c) >= MARKER; })) {
          off = {x: OFFSETS[i][0], y: OFFSETS[i][1]};
          break;
        }
      }
      placed.push(L.point(p.x + off.x, p.y + off.y));
      farthest = Math.max(farthest, Math.abs(off.x), Math.abs(off.y));
      if (!item.off || item.off.x !== off.x || item.off.y !== off.y) {
        item.marker.setIcon(numberIcon(item.m, off));
        item.off = off;
      }
      if (off.x || off.y) {
        L.polyline([item.marker.getLatLng(), map.layerPointToLatLng(L.point(p.x + off.x, p.y + off.y))],
                   {className: "leader", interactive: false, weight: 1.5}).addTo(leaders);
      }
    });
    return farthest;  // px: how far the farthest marker was moved
  }

  function popupBox(lines, linkText, url) {
    var box = el("div", "popup");
    box.appendChild(el("strong", "", lines[0]));
    lines.slice(1).forEach(function (line) { if (line) box.appendChild(el("div", "", line)); });
    var link = el("a", "", linkText);
    link.href = url;
    box.appendChild(link);
    return box;
  }

  // What the list's row n says (name, address, distance and fee, its link): the popup repeats it.
  function rowText(n) {
    var li = document.getElementById("result-" + n);
    function text(sel) { var e = li && li.querySelector(sel); return e ? e.textContent.trim() : ""; }
    var more = li && li.querySelector("a.more");
    var facts = [text(".dist"), text(".fee")].filter(Boolean).join(" · ");
    return {name: text(".name"), address: text(".addr"), facts: facts,
            more: more ? more.firstChild.textContent : "", url: more ? more.getAttribute("href") : ""};
  }

  // Names of towns and neighbourhoods, each from its own zoom on (maps/labels.py).
  function addLabels(map, url) {
    var layer = L.layerGroup().addTo(map), labels = [];
    function show() {
      var z = map.getZoom();
      labels.forEach(function (l) {
        var want = z >= l.z;
        if (want !== l.shown) { if (want) layer.addLayer(l.marker); else layer.removeLayer(l.marker); l.shown = want; }
      });
    }
    fetch(url).then(function (r) { return r.json(); }).then(function (rows) {
      rows.forEach(function (l) {
        var span = el("span", "", l.name);
        l.marker = L.marker([l.lat, l.lon], {icon: L.divIcon({className: "place-label z" + l.z, html: span, iconSize: null}),
                                             pane: "labels", interactive: false, keyboard: false});
        l.shown = false;
        labels.push(l);
      });
      show();
      map.on("zoomend", show);
    });
  }

  function setupMap() {
    var dataNode = document.getElementById("map-data"), canvas = document.getElementById("map-canvas");
    if (!dataNode || !canvas || typeof L === "undefined") return;
    var data = JSON.parse(dataNode.textContent), text = data.text || {};
    var map = L.map(canvas, {maxZoom: data.max_zoom, zoomSnap: 0.5});
    // The local base layers lie under the tiles (so tiles, when they load, are what shows),
    // the labels above them and under every marker.
    map.createPane("base").style.zIndex = 150;
    map.createPane("labels").style.zIndex = 450;
    map.getPane("labels").style.pointerEvents = "none";
    if (data.view) map.setView([data.view.lat, data.view.lon], data.view.zoom, {animate: false});
    else map.fitBounds(data.latvia, {animate: false});  // all of Latvia, on a phone too
    if (data.tiles) {
      // Tiles that load have their own names: the offline labels step aside for them.
      L.tileLayer(data.tiles.url, {attribution: data.tiles.attribution, maxZoom: data.max_zoom}).addTo(map)
        .once("tileload", function () { map.getPane("labels").style.display = "none"; });
    }
    // The national outline and municipality borders, from cached files of the app
    // (never blank offline). Both are loaded before either is drawn, so the
    // outline's opaque fill always lies under the borders.
    Promise.all((data.base || []).map(function (layer) {
      return fetch(layer.url).then(function (r) { return r.json(); });
    })).then(function (geojsons) {
      geojsons.forEach(function (geojson, i) {
        var layer = data.base[i];
        L.geoJSON(geojson, {style: layer.style, interactive: false, attribution: layer.attribution, pane: "base"})
          .addTo(map);
      });
    });
    if (data.labels) addLabels(map, data.labels);

    var markers = {}, list = [], leaders = L.layerGroup().addTo(map);
    data.markers.forEach(function (m) {
      var row = rowText(m.n);
      var marker = L.marker([m.lat, m.lon], {icon: numberIcon(m, {x: 0, y: 0}), title: row.name, keyboard: false,
                                             zIndexOffset: zFor(m.n)});
      marker.bindPopup(popupBox([m.n + ". " + row.name, row.address, row.facts], row.more, row.url));
      marker.on("click", function () { highlight(m.n, true); });
      markers[m.n] = marker;
      list.push({m: m, marker: marker, off: {x: 0, y: 0}});
      marker.addTo(map);
    });
    var atOrigin = false;
    (data.centres || []).forEach(function (c) {
      if (data.origin && Math.abs(c.lat - data.origin.lat) < 1e-6 && Math.abs(c.lon - data.origin.lon) < 1e-6) atOrigin = true;
      L.marker([c.lat, c.lon], {
        icon: L.divIcon({className: "centre-marker", html: '<span class="pin"></span>', iconSize: [26, 26], iconAnchor: [13, 31],
                         popupAnchor: [0, -28]}),
        title: (text.closed_centre ? text.closed_centre + ": " : "") + c.name, keyboard: false, zIndexOffset: Z_CENTRE})
        .bindPopup(popupBox([c.name, c.address], text.centre_link, c.url)).addTo(map);
    });
    if (data.origin && !atOrigin) {  // "you are here" (on a centre's page the centre's own marker says it)
      L.marker([data.origin.lat, data.origin.lon], {
        icon: L.divIcon({className: "origin-marker", iconSize: [18, 18]}),
        zIndexOffset: Z_ORIGIN, keyboard: false, interactive: false}).addTo(map);
    }
    var points = data.markers.map(function (m) { return [m.lat, m.lon]; });
    if (data.origin) points.push([data.origin.lat, data.origin.lon]);
    if (data.markers.length) {
      // Fit the results, then again with room for the farthest marker that spreading moved,
      // so every number starts inside the map (as long as the map is big enough for it).
      var bounds = L.latLngBounds(points), size = map.getSize();
      var most = Math.max(0, Math.min(size.x, size.y) / 2 - MARKER);
      map.fitBounds(bounds, {padding: [MARKER * 1.5, MARKER * 1.5], maxZoom: data.result_zoom, animate: false});
      var moved = spread(map, list, leaders);
      if (moved) {
        var pad = Math.min(most, MARKER * 1.5 + moved);
        map.fitBounds(bounds, {padding: [pad, pad], maxZoom: data.result_zoom, animate: false});
      }
    }
    spread(map, list, leaders);
    map.on("zoomend", function () { spread(map, list, leaders); });

    function highlight(n, fromMap) {
      document.querySelectorAll(".result.current").forEach(function (li) {
        li.classList.remove("current");
        li.querySelector(".pick").removeAttribute("aria-current");
      });
      var li = document.getElementById("result-" + n);
      if (!li) return;
      li.classList.add("current");
      li.querySelector(".pick").setAttribute("aria-current", "true");
      if (fromMap) { li.scrollIntoView({block: "nearest"}); li.querySelector(".pick").focus(); }
    }
    document.querySelectorAll(".pick").forEach(function (button) {
      button.addEventListener("click", function () {
        var n = Number(button.dataset.n), marker = markers[n];
        highlight(n, false);
        if (!marker) return;
        if (!map.getBounds().contains(marker.getLatLng())) map.panTo(marker.getLatLng(), {animate: false});
        marker.openPopup();
      });
    });
    window.LOCATOR = {map: map, markers: markers};
  }

  function setupLocate() {
    var button = document.getElementById("locate"), out = document.getElementById("locate-message");
    if (!button) return;
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { out.textContent = button.dataset.unsupported; return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var params = new URLSearchParams(new FormData(document.querySelector("form.filters")));
        params.set("lat", (Math.round(pos.coords.latitude * ROUND) / ROUND).toFixed(3));
        params.set("lon", (Math.round(pos.coords.longitude * ROUND) / ROUND).toFixed(3));
        window.location.assign(document.querySelector("form.filters").getAttribute("action") + "?" + params);
      }, function (err) {
        out.textContent = err.code === err.PERMISSION_DENIED ? button.dataset.refused : button.dataset.failed;
      }, {timeout: 10000});
    });
  }

  function setupShare() {
    var copy = document.getElementById("copy-share"), input = document.getElementById("share");
    if (!copy || !input) return;
    copy.addEventListener("click", function () {
      input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value);
    });
  }

  setupMap();
  setupLocate();
  setupShare();
})();
