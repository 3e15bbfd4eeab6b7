/* Asset-mapping workshops.
   - Pick map (participant's form and the facilitator's edit form): tap to mark the place;
     the marked point goes into the form's hidden latitude/longitude fields. Without this
     script (or without map tiles) the address field still works.
   - Board map (facilitator): shows the board's items that have a place, refreshed each
     time the live board updates.
   - kampungBoardIdle(): the live board only refreshes while the facilitator is not in the
     middle of ticking items or typing, so nothing they are doing is swept away. */
(function () {
  "use strict";
  var colours = { personal: "#7a3e9d", association: "#0b6e4f", institution: "#1d4ed8",
                  place: "#b45309", connection: "#be123c" };

  // Names come from participants: always text, never HTML.
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function tiles(map, el) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }

  window.kampungBoardIdle = function () {
    var board = document.getElementById("board");
    if (!board) { return false; }
    if (board.querySelector("input[type=checkbox]:checked")) { return false; }
    return !board.contains(document.activeElement) || document.activeElement === board;
  };

  // --- Pick map ---------------------------------------------------------------------------
  var pick = document.getElementById("pick-map");
  if (pick && window.L) {
    var form = pick.closest("form");
    var lat = form.querySelector("[data-pick=lat]");
    var lng = form.querySelector("[data-pick=lng]");
    var status = form.querySelector("[data-pick-status]");
    var clear = form.querySelector("[data-pick-clear]");
    var centre = pick.dataset.centre.split(",").map(Number);
    var map = L.map(pick, { keyboard: true, tap: true }).setView(centre, 16);
    tiles(map, pick);
    var marker = null;
    function mark(latlng, announce) {
      if (marker) { marker.setLatLng(latlng); } else {
        marker = L.marker(latlng, { keyboard: false, title: "Marked place" }).addTo(map);
      }
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      if (announce) { status.textContent = "Place marked on the map."; }
      clear.hidden = false;
    }
    if (lat.value && lng.value) { mark(L.latLng(Number(lat.value), Number(lng.value)), false); }
    map.on("click", function (e) { mark(e.latlng, true); });
    clear.addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      lat.value = ""; lng.value = "";
      status.textContent = "Mark removed.";
      clear.hidden = true;
    });
    // Only a place needs the map.
    var where = form.querySelectorAll("input[name=location_kind]");
    var block = form.querySelector("[data-when-point]");
    function toggle() {
      var checked = form.querySelector("input[name=location_kind]:checked");
      var point = !checked || checked.value === "point";
      block.hidden = !point;
      if (point) { map.invalidateSize(); }
    }
    where.forEach(function (r) { r.addEventListener("change", toggle); });
    toggle();
  }

  // --- Board map --------------------------------------------------------------------------
  var boardEl = document.getElementById("board-map");
  if (boardEl && window.L) {
    var bmap = L.map(boardEl, { keyboard: true }).setView(boardEl.dataset.centre.split(",").map(Number), 15);
    tiles(bmap, boardEl);
    var layer = L.layerGroup().addTo(bmap);
    var fitted = false;
    function drawBoard() {
      var data = document.getElementById("board-points");
      if (!data) { return; }
      var points = JSON.parse(data.textContent);
      layer.clearLayers();
      var bounds = [];
      points.forEach(function (p) {
        L.circleMarker([p.lat, p.lng], { radius: 8, weight: 2, color: "#fff",
          fillColor: colours[p.category] || "#333", fillOpacity: 0.95 })
          .bindTooltip(textNode(p.name)).addTo(layer);
        bounds.push([p.lat, p.lng]);
      });
      if (bounds.length && !fitted) { bmap.fitBounds(bounds, { maxZoom: 17, padding: [20, 20] }); fitted = true; }
    }
    drawBoard();
    document.body.addEventListener("htmx:afterSwap", drawBoard);
  }
})();
