/* Pick map (kampung/_pick_map.html): tap the map to mark a place; the point goes into
   the form's hidden latitude/longitude fields ([data-pick=lat|lng]). The map shows only
   while the form's radio group named data-toggle says a place matters (data-show-when:
   that value; data-hide-when: any value but that). Without this script, or without map
   tiles, the rest of the form still works. */
(function () {
  "use strict";
  var pick = document.getElementById("pick-map");
  if (!pick || !window.L) { return; }
  var form = pick.closest("form");
  var lat = form.querySelector("[data-pick=lat]");
  var lng = form.querySelector("[data-pick=lng]");
  var status = form.querySelector("[data-pick-status]");
  var clear = form.querySelector("[data-pick-clear]");
  var centre = pick.dataset.centre.split(",").map(Number);
  var map = L.map(pick, { keyboard: true, tap: true }).setView(centre, 16);
  L.tileLayer(pick.dataset.tiles, { maxZoom: 19, attribution: pick.dataset.attribution }).addTo(map);
  var marker = null;
  function mark(latlng, announce) {
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.marker(latlng, { keyboard: false, title: status.dataset.marked }).addTo(map);
    }
    // Only a tap writes the fields: showing a saved place must not round it (an edit
    // that moved nothing would otherwise record a move).
    if (announce) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      status.textContent = status.dataset.marked;
      // A position typed in the fallback box would win over the tap: empty it.
      var typed = form.querySelector("[data-pick-typed]");
      if (typed) { typed.value = ""; }
    }
    clear.hidden = false;
  }
  if (lat.value && lng.value) { mark(L.latLng(Number(lat.value), Number(lng.value)), false); }
  map.on("click", function (e) { mark(e.latlng, true); });
  clear.addEventListener("click", function () {
    if (marker) { map.removeLayer(marker); marker = null; }
    lat.value = ""; lng.value = "";
    status.textContent = status.dataset.removed;
    clear.hidden = true;
  });
  var name = pick.dataset.toggle;
  var block = form.querySelector("[data-when-point]");
  function toggle() {
    var checked = form.querySelector("input[name=" + name + "]:checked");
    var value = checked ? checked.value : "";
    var show = pick.dataset.hideWhen !== undefined
      ? value !== pick.dataset.hideWhen
      : !checked || value === pick.dataset.showWhen;
    block.hidden = !show;
    if (show) { map.invalidateSize(); }
  }
  form.querySelectorAll("input[name=" + name + "]").forEach(function (r) {
    r.addEventListener("change", toggle);
  });
  toggle();
})();
