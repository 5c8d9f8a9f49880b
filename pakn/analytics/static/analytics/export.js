/* Polls the export's progress until its file is ready. */
(function () {
  "use strict";
  var root = document.getElementById("an-export");
  if (!root) { return; }
  var bar = document.getElementById("an-progress");
  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      bar.value = s.percent;
      bar.textContent = s.percent + "%";
      document.getElementById("an-status").textContent = s.label;
      document.getElementById("an-count").textContent = s.done + (s.total ? " / " + s.total : "");
      if (s.status === "done") { document.getElementById("an-download").hidden = false; return; }
      if (s.status === "failed") { document.getElementById("an-failed").hidden = false; return; }
      window.setTimeout(poll, 1000);
    }).catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
