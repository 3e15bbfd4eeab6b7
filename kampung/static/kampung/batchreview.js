// The batch review page: keep "Send N suggestions" in step with the ticked boxes.
(function () {
  "use strict";
  var form = document.querySelector("[data-batch-review]");
  if (!form) return;
  var button = form.querySelector("[data-batch-send]");
  var note = form.querySelector("[data-batch-count-text]");
  function update() {
    var n = form.querySelectorAll("[data-batch-pick]:checked").length;
    function words(el) {
      return n === 0 ? el.dataset.none
        : n === 1 ? el.dataset.one : el.dataset.many.replace("N", String(n));
    }
    button.textContent = words(button);
    button.disabled = n === 0;
    if (note) note.textContent = words(note);
  }
  form.addEventListener("change", update);
})();
