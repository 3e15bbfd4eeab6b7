/* Asset-mapping workshops (the pick map on the forms is kampung/pickmap.js).
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

  // The board polls every few seconds (hx-trigger="every 3s" in _board.html); a poll
  // is skipped while the facilitator is busy. This is a listener, not an hx-trigger
  // filter, because htmx evaluates filters as code, which the Content-Security-Policy
  // (rightly) forbids.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.id === "board" && !window.kampungBoardIdle()) { event.preventDefault(); }
  });

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
