/* The asset map: asks the server for counts per area (zoomed out) or individual
   assets (zoomed in) for the visible part of the map, with the page's filters.
   The list beside the map is rendered by the server and works without this script. */
(function () {
  "use strict";
  var el = document.getElementById("asset-map");
  if (!el || !window.L) { return; }
  var centre = el.dataset.centre.split(",").map(Number);
  var map = L.map(el, { keyboard: true }).setView(centre, 15);
  // "#area=south,west,north,east" (from the gaps page) opens the map on that area.
  var area = /^#area=(-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)$/.exec(window.location.hash);
  if (area) {
    map.fitBounds([[Number(area[1]), Number(area[2])], [Number(area[3]), Number(area[4])]]);
  }
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  var colours = { personal: "#7a3e9d", association: "#0b6e4f", institution: "#1d4ed8",
                  place: "#b45309", connection: "#be123c" };
  var form = document.getElementById("asset-filters");
  var pending = null;

  function params() {
    var p = new URLSearchParams(new FormData(form));
    var b = map.getBounds();
    p.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) {
      return n.toFixed(6); }).join(","));
    p.set("zoom", map.getZoom());
    return p;
  }

  function draw(data) {
    layer.clearLayers();
    if (data.mode === "cells") {
      data.cells.forEach(function (c) {
        var size = 28 + Math.min(30, Math.round(Math.log(c.count + 1) * 6));
        var icon = L.divIcon({ className: "cell-count", html: "<span>" + c.count + "</span>",
                               iconSize: [size, size] });
        L.marker([c.lat, c.lng], { icon: icon, keyboard: false, title: c.count + " assets" })
          .on("click", function () { map.setView([c.lat, c.lng], Math.min(map.getZoom() + 2, 18)); })
          .addTo(layer);
      });
    } else {
      data.points.forEach(function (p) {
        var m = L.circleMarker([p.lat, p.lng], {
          radius: 7, weight: p.stale ? 3 : 1, color: p.stale ? "#000" : "#fff",
          dashArray: p.stale ? "3 3" : null, fillColor: colours[p.category] || "#333",
          fillOpacity: 0.9 });
        var link = document.createElement("a");
        link.href = el.dataset.detail.replace("/0/", "/" + p.id + "/");
        link.textContent = p.name;
        var box = document.createElement("div");
        box.appendChild(link);
        if (p.stale) { var s = document.createElement("div"); s.textContent = "Due a check"; box.appendChild(s); }
        m.bindPopup(box).addTo(layer);
      });
    }
  }

  function load() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(el.dataset.endpoint + "?" + params().toString(),
          { credentials: "same-origin", signal: pending.signal })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { draw(data); } })
      .catch(function () {});
  }
  map.on("moveend", load);
  load();
})();
