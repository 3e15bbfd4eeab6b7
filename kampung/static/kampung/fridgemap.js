/* The fridges map: one marker per fridge, coloured by how full it was at the last
   report (grey after 24 hours without one) and labelled with the same words, so colour
   is never the only cue. The table on the page holds the same information. */
(function () {
  "use strict";
  var el = document.getElementById("fridge-map");
  var data = document.getElementById("fridge-data");
  if (!el || !data || !window.L) { return; }
  var rows = JSON.parse(data.textContent);
  var detail = document.getElementById("fridge-detail-url").dataset.url;
  var centre = el.dataset.centre.split(",").map(Number);
  var map = L.map(el, { keyboard: true }).setView(centre, 15);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  var bounds = [];
  rows.forEach(function (r) {
    var label = document.createElement("span");
    label.className = "fridge-marker-label";
    var warm = r.alert === "too_warm";
    label.textContent = warm ? r.short + "!" : r.short;
    var said = r.fill_words + (warm ? " · Too warm (" + r.temperature_c + " °C)" : "");
    var icon = L.divIcon({ className: "fridge-marker fill-badge " + r.css + (warm ? " fridge-too-warm" : ""),
                           html: label.outerHTML, iconSize: [36, 36] });
    var marker = L.marker([r.lat, r.lng], { icon: icon, title: r.name + ": " + said,
                                            alt: r.name + ": " + said });
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = detail.replace("/0/", "/" + r.id + "/");
    link.textContent = r.name;
    box.appendChild(link);
    var words = document.createElement("div");
    words.className = "fridge-popup-state";
    words.textContent = said + " · " + r.reported;
    box.appendChild(words);
    marker.bindPopup(box).addTo(map);
    var node = marker.getElement && marker.getElement();
    if (node) { node.dataset.fridge = r.id; node.dataset.state = said; }
    bounds.push([r.lat, r.lng]);
  });
  if (bounds.length > 1) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 }); }
  else if (bounds.length === 1) { map.setView(bounds[0], 16); }
})();
