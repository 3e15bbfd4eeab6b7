/* Gap analysis map: each area a square, labelled with its atlas name (A1, B2… as in the
   table), shaded by its gap: red where open requests of a kind outnumber the assets there
   that offer it (darker: more requests left over), green where the requests shown have
   matching assets, pale where only assets are counted. Before requests are shown (for
   people who may not see them), squares are shaded by how many assets they have.
   The table on the page holds the same figures. */
(function () {
  "use strict";
  var el = document.getElementById("gap-map");
  var data = document.getElementById("gap-areas");
  if (!el || !data || !window.L) { return; }
  var areas = JSON.parse(data.textContent);
  var words = el.dataset;
  var map = L.map(el, { keyboard: true, zoomSnap: 0.25 }).setView(el.dataset.centre.split(",").map(Number), 14);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  var byGap = el.dataset.mode === "gap";
  var worst = Math.max(1, Number(el.dataset.worst));
  var most = Math.max(1, Number(el.dataset.most));
  var COLOURS = { gap: "#a4161a", met: "#0b6e4f", assets: "#6b7c74" };
  var bounds = [];
  areas.forEach(function (a) {
    var shade = byGap ? a.shade : "assets";
    var strength;
    if (shade === "gap") {
      strength = 0.35 + 0.5 * (a.gap / worst);
    } else if (shade === "met") {
      strength = 0.3;
    } else {
      strength = byGap ? 0.12 : 0.1 + 0.6 * (a.n_assets / most);
    }
    var colour = byGap ? COLOURS[shade] : COLOURS.met;
    var b = [[a.bbox[1], a.bbox[0]], [a.bbox[3], a.bbox[2]]];
    bounds.push(b[0], b[1]);
    // Where it is, roughly: the place it is near, as in the table's row.
    var where = a.near ? a.label + " — " + a.near : a.label;
    var text = where + ": " + a.n_assets + " " + words.wordAssets;
    if (byGap) {
      text += ", " + (a.n_needs === null ? words.wordFew : a.n_needs) + " " + words.wordRequests;
      if (a.n_needs !== null) { text += ", " + a.gap + " " + words.wordUnmet; }
    }
    L.rectangle(b, { color: shade === "gap" ? "#6b0f12" : "#333", weight: shade === "gap" ? 2 : 1,
                     fillColor: colour, fillOpacity: Math.max(0, Math.min(0.85, strength)),
                     className: "gap-square gap-square-" + shade })
      .bindTooltip(text).addTo(map);
    // The square's label, always shown: the same name as the table's first column
    // (what it is near is in its tooltip, the table and the list under the map).
    var chip = document.createElement("span");
    chip.textContent = a.label;
    L.marker([(a.bbox[1] + a.bbox[3]) / 2, (a.bbox[0] + a.bbox[2]) / 2], {
      icon: L.divIcon({ className: "gap-label gap-label-" + shade, html: chip,
                        iconSize: [0, 0] }),
      interactive: false, keyboard: false
    }).addTo(map);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [6, 6] }); }
})();
