/* Tag picker (assets/_tag_picker.html): a search box over the long list of ticks. Typing
   shows only the tags whose words match; ticked tags always stay in sight, and a group
   with nothing to show hides. Without this script the full grouped list still works. */
(function () {
  "use strict";
  document.querySelectorAll("[data-tag-picker]").forEach(function (picker) {
    var box = picker.querySelector("[data-tag-search-box]");
    var input = picker.querySelector("[data-tag-search]");
    var count = picker.querySelector("[data-tag-count]");
    var tags = Array.prototype.slice.call(picker.querySelectorAll("[data-tag]"));
    var groups = picker.querySelectorAll("[data-tag-group]");
    var timer = null;
    box.hidden = false;

    function filter() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      tags.forEach(function (tag) {
        var ticked = tag.querySelector("input").checked;
        var text = tag.dataset.search;
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        tag.hidden = !(ticked || match);
        if (match && words.length) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-tag]:not([hidden])");
      });
      // Announce how many match once typing pauses, not on every letter; an empty box
      // clears the message at once (the full list is back).
      clearTimeout(timer);
      if (!words.length) { count.textContent = ""; return; }
      timer = setTimeout(function () {
        count.textContent = shown ? count.dataset.some.replace("%s", shown) : count.dataset.none;
      }, 400);
    }

    // "search" is the box's own clear button (and Escape) in some browsers.
    input.addEventListener("input", filter);
    input.addEventListener("search", filter);
    // What is ticked, in one line above the list, so it stays in sight.
    var chosen = picker.querySelector("[data-tag-chosen]");
    picker.addEventListener("change", function (e) {
      if (!e.target.matches("[data-tag] input")) { return; }
      var titles = tags.filter(function (tag) { return tag.querySelector("input").checked; })
        .map(function (tag) { return tag.dataset.title; });
      chosen.textContent = titles.length
        ? chosen.dataset.label + " " + titles.join(", ") : chosen.dataset.empty;
    });
    // Enter in the search box must not send the form half-filled.
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); filter(); }
    });
  });
})();
