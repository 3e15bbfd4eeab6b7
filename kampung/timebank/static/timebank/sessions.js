// Group sessions: filter the long list of people by name as you type. Without
// JavaScript the whole list shows; ticked boxes always stay visible.
(function () {
  var box = document.querySelector(".tb-filter");
  var list = document.getElementById("id_attendees");
  if (!box || !list) return;
  var input = document.getElementById("attendee-filter");
  var count = document.getElementById("attendee-count");
  var labels = Array.prototype.slice.call(list.querySelectorAll("label"));
  box.hidden = false;
  function update() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    labels.forEach(function (label) {
      var ticked = label.querySelector("input").checked;
      var match = !q || label.textContent.toLowerCase().indexOf(q) !== -1;
      label.hidden = !(match || ticked);
      if (!label.hidden) shown += 1;
    });
    var ticked = list.querySelectorAll("input:checked").length;
    count.textContent = (count.dataset.template || "{shown} shown, {ticked} ticked")
      .replace("{shown}", shown)
      .replace("{ticked}", ticked);
  }
  // Enter in the search box finds; it must not send the half-filled form.
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();
  });
  input.addEventListener("input", update);
  list.addEventListener("change", update);
  update();
})();

// The host is one of many people: typing narrows the list of names to choose from
// (the chosen name always stays), and picks the only match when one is left.
(function () {
  var box = document.querySelector(".tb-host-filter");
  var select = document.getElementById("id_host");
  if (!box || !select) return;
  var input = document.getElementById("host-filter");
  var count = document.getElementById("host-count");
  var options = Array.prototype.slice.call(select.options).filter(function (o) {
    return o.value !== "";
  });
  box.hidden = false;
  function update() {
    var q = input.value.trim().toLowerCase();
    var matching = [];
    options.forEach(function (option) {
      var match = !q || option.text.toLowerCase().indexOf(q) !== -1;
      option.hidden = !(match || option.selected);
      if (match) matching.push(option);
    });
    if (q && matching.length === 1) matching[0].selected = true;
    count.textContent = (count.dataset.template || "{shown}").replace(
      "{shown}",
      matching.length
    );
  }
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();
  });
  input.addEventListener("input", update);
})();
