/* The customer page: numbered markers synced with the results list, "use my location",
   and the share link. Everything shown from the data is set with textContent: imported
   names never become HTML. */
(function () {
  "use strict";
  var ROUND = 1000; // 3 decimals, about 100 m: the URL never holds a precise point

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setupMap() {
    var map = window[window.LOCATOR_MAP];
    var dataNode = document.getElementById("map-data");
    if (!map || !dataNode || typeof L === "undefined") return;
    var data = JSON.parse(dataNode.textContent);
    // The national outline and municipality borders, from cached files of the app
    // (never blank offline). Both are loaded before either is drawn, so the
    // outline's opaque fill always lies under the borders, and both under the markers.
    Promise.all((data.base || []).map(function (layer) {
      return fetch(layer.url).then(function (r) { return r.json(); });
    })).then(function (geojsons) {
      geojsons.reverse().forEach(function (geojson, i) {  // last first: each goes to the back
        var layer = data.base[data.base.length - 1 - i];
        L.geoJSON(geojson, {style: layer.style, interactive: false, attribution: layer.attribution})
          .addTo(map).bringToBack();
      });
    });
    var markers = {};
    // Clustered, with a small radius: only markers that would overlap (the demo has 43 post
    // offices on one Rīga point) gather into a cluster, which spreads out when clicked.
    var group = L.markerClusterGroup
      ? L.markerClusterGroup({maxClusterRadius: 24, spiderfyOnMaxZoom: true, showCoverageOnHover: false})
      : L.featureGroup();
    data.markers.forEach(function (m) {
      var icon = L.divIcon({className: "num-marker" + (m.free ? " free" : ""), html: String(m.n),
                            iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -12]});
      var marker = L.marker([m.lat, m.lon], {icon: icon, title: m.name, keyboard: false});
      var box = el("div", "popup");
      box.appendChild(el("strong", "", m.n + ". " + m.name));
      if (m.address) box.appendChild(el("div", "", m.address));
      box.appendChild(el("div", "", m.distance + " · " + m.fee));
      var link = el("a", "", document.documentElement.lang === "en" ? "Details" : "Sīkāk");
      link.href = m.url;
      box.appendChild(link);
      marker.bindPopup(box);
      marker.on("click", function () { highlight(m.n, true); });
      markers[m.n] = marker;
      group.addLayer(marker);
    });
    var lang = document.documentElement.lang;
    (data.centres || []).forEach(function (c) {
      var box = el("div", "popup");
      box.appendChild(el("strong", "", c.name));
      box.appendChild(el("div", "", c.address));
      var link = el("a", "", lang === "en" ? "Where to pay instead" : "Kur maksāt tagad");
      link.href = c.url;
      box.appendChild(link);
      L.marker([c.lat, c.lon], {icon: L.divIcon({className: "centre-marker", html: "×", iconSize: [20, 20]}),
                                title: c.name, keyboard: false}).bindPopup(box).addTo(map);
    });
    // Fit first, then add the cluster group: added before, it would cluster at the
    // old zoom and again at the new one (about a third of a second in the page bench).
    var points = data.markers.map(function (m) { return [m.lat, m.lon]; });
    if (data.origin) points.push([data.origin.lat, data.origin.lon]);
    if (data.origin) {  // "you are here": above every other marker
      L.marker([data.origin.lat, data.origin.lon], {
        icon: L.divIcon({className: "origin-marker", iconSize: [18, 18]}),
        zIndexOffset: 1000, keyboard: false, interactive: false}).addTo(map);
    }
    // Not animated: a zoom still running would swallow zoomToShowLayer's callback.
    if (data.markers.length) map.fitBounds(L.latLngBounds(points), {padding: [30, 30], maxZoom: 16, animate: false});
    group.addTo(map);

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
        if (group.zoomToShowLayer) group.zoomToShowLayer(marker, function () { marker.openPopup(); });
        else { map.panTo(marker.getLatLng()); marker.openPopup(); }
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
