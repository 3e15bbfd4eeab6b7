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
