/* Gap analysis map: each area a rectangle, shaded by how far needs outnumber assets
   (or, before there are needs, by how many assets it has), labelled with its atlas name.
   The table on the page holds the same figures. */
(function () {
  "use strict";
  var el = document.getElementById("gap-map");
  var data = document.getElementById("gap-areas");
  if (!el || !data || !window.L) { return; }
  var areas = JSON.parse(data.textContent);
  var map = L.map(el, { keyboard: true }).setView(el.dataset.centre.split(",").map(Number), 14);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  var byGap = el.dataset.mode === "gap";
  var worst = Math.max(1, Number(el.dataset.worst));
  var most = Math.max(1, Number(el.dataset.most));
  var bounds = [];
  areas.forEach(function (a) {
    var colour, strength;
    if (byGap) {
      colour = a.gap > 0 ? "#a4161a" : "#0b6e4f";
      strength = a.gap > 0 ? a.gap / worst : Math.min(1, -a.gap / most + 0.15);
    } else {
      colour = "#0b6e4f";
      strength = a.n_assets / most;
    }
    var b = [[a.bbox[1], a.bbox[0]], [a.bbox[3], a.bbox[2]]];
    bounds.push(b[0], b[1]);
    var text = a.label + ": " + a.n_assets + " assets" + (byGap ? ", " + (a.n_needs === null ? "0–2" : a.n_needs) + " open needs" : "");
    L.rectangle(b, { color: "#333", weight: 1, fillColor: colour,
                     fillOpacity: 0.1 + 0.6 * Math.max(0, Math.min(1, strength)) })
      .bindTooltip(text).addTo(map);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [10, 10] }); }
})();
