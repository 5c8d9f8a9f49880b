/* Dashboard charts (Chart.js) and hot-spot map (Leaflet); tables stay as the accessible source. */
(function () {
  "use strict";
  var dataNode = document.getElementById("an-charts");
  var charts = dataNode ? JSON.parse(dataNode.textContent) : {};
  var palette = ["#1f5fa8", "#d9822b", "#2e8b57", "#9b1c1c", "#6a4c93", "#0f7c8c", "#b8860b", "#555", "#c2185b", "#00897b", "#5d4037", "#7cb342"];
  if (window.Chart) {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec || !spec.counts.length) { canvas.parentNode.hidden = true; return; }
      var horizontal = canvas.dataset.chart === "funnel" || canvas.dataset.chart === "field" || canvas.dataset.chart === "province";
      new window.Chart(canvas, {
        type: canvas.dataset.chart === "kind" || canvas.dataset.chart === "channel" ? "doughnut" : "bar",
        data: { labels: spec.labels, datasets: [{ data: spec.counts, backgroundColor: palette }] },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          plugins: { legend: { display: !horizontal, position: "right" } },
          onClick: function (event, elements) {
            if (elements.length) { window.location.href = spec.links[elements[0].index]; }
          }
        }
      });
    });
  }
  var mapNode = document.getElementById("an-map");
  if (!mapNode || !window.L) { return; }
  var map = window.L.map(mapNode).setView([16.2, 106.5], 5);
  window.L.tileLayer(mapNode.dataset.tileUrl, {
    maxZoom: 18, attribution: "&copy; OpenStreetMap"
  }).addTo(map);
  var layer = window.L.layerGroup().addTo(map);
  var first = true;
  function load() {
    var url = mapNode.dataset.url + "&zoom=" + map.getZoom();
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      layer.clearLayers();
      var bounds = [];
      data.clusters.forEach(function (c) {
        var size = Math.round(24 + Math.min(40, Math.sqrt(c.count) * 3));
        var icon = window.L.divIcon({ className: "", html: '<div class="an-cluster" style="width:' + size + "px;height:" + size + 'px">' + c.count + "</div>", iconSize: [size, size] });
        var marker = window.L.marker([c.lat, c.lng], { icon: icon, title: c.count + " phản ánh", keyboard: true });
        // The cluster's cases in the inbox (drill-down with its bounding box), or a closer look.
        var popup = document.createElement("p");
        var open = document.createElement("a");
        open.href = c.link;
        open.textContent = mapNode.dataset.openLabel + " (" + c.count + ")";
        var zoom = document.createElement("button");
        zoom.type = "button";
        zoom.textContent = mapNode.dataset.zoomLabel;
        zoom.addEventListener("click", function () { map.closePopup(); map.fitBounds(c.bounds); });
        popup.appendChild(open);
        popup.appendChild(document.createElement("br"));
        popup.appendChild(zoom);
        marker.bindPopup(popup);
        layer.addLayer(marker);
        // A cell, not its centre: a coarse cluster merges places that the next zoom separates.
        bounds.push(c.bounds[0], c.bounds[1]);
      });
      if (first && bounds.length) { map.fitBounds(bounds, { maxZoom: 11, padding: [20, 20] }); }
      first = false;
    });
  }
  map.on("moveend", load);
  load();
})();
