// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Confirm irreversible actions (the server also requires the confirmation box).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Selects marked data-autosubmit submit on change (agency switcher).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Keyboard: "/" search, j/k move through the inbox rows, Enter opens the highlighted case.
  // Rows are looked up on each key press: htmx may have swapped the list since the last one.
  function move(step) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.case-row"));
    if (!rows.length) { return; }
    var active = rows.findIndex(function (row) { return row.classList.contains("is-active"); });
    if (active >= 0) { rows[active].classList.remove("is-active"); }
    var current = active < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, active + step));
    rows[current].classList.add("is-active");
    var link = rows[current].querySelector("a.case-link");
    if (link) { link.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "/") {
      var search = document.getElementById("bo-search");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "j") { move(1); }
    else if (event.key === "k") { move(-1); }
  });
})();
