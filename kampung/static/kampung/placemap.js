/* A small map on an asset's page with its marker (assets/detail.html). The page says
   where it is in words; this only draws it. Without this script, or without tiles, the
   words are still there. */
(function () {
  "use strict";
  var el = document.getElementById("place-map");
  if (!el || !window.L) { return; }
  var spot = [Number(el.dataset.lat), Number(el.dataset.lng)];
  // A one-finger swipe over a small map should scroll the page, not the map.
  var map = L.map(el, {
    keyboard: false, scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false
  }).setView(spot, 17);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  L.marker(spot, { keyboard: false, title: el.dataset.title, alt: el.dataset.title }).addTo(map);
})();
