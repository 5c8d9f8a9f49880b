/* Leaflet maps of the portal and the back office. Every page works without this file: the pin
   is optional (address and administrative unit are typed), the public map has the list view, and
   the coordinates are also written as text. Tiles may fail to load (no network): the pin, the
   markers and the buttons still work on the blank map. */
(function () {
  "use strict";
  if (!window.L) return;
  var L = window.L;
  var VIETNAM = [16.2, 106.5];

  function tiles(map, node) {
    var url = node.getAttribute("data-tile-url");
    if (url) {
      L.tileLayer(url, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
  }

  function number(value) {
    var n = parseFloat(value);
    return isFinite(n) ? n : null;
  }

  // Pin on the submit form: fills the hidden latitude / longitude inputs.
  document.querySelectorAll("[data-map-pin]").forEach(function (box) {
    var lat = document.getElementById(box.getAttribute("data-lat-input"));
    var lng = document.getElementById(box.getAttribute("data-lng-input"));
    var node = box.querySelector(".map");
    var status = box.querySelector("[data-pin-status]");
    if (!lat || !lng || !node) return;
    box.hidden = false;
    var start = number(lat.value) !== null && number(lng.value) !== null;
    var map = L.map(node, { keyboard: true }).setView(
      start ? [number(lat.value), number(lng.value)] : VIETNAM, start ? 16 : 5);
    tiles(map, box);
    var marker = null;

    function say(text) { if (status) status.textContent = text; }
    function place(latlng, quiet) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { keyboard: false, alt: box.getAttribute("data-marker-label") || "" }).addTo(map);
      }
      if (!quiet) {
        say((box.getAttribute("data-placed") || "{lat}, {lng}")
          .replace("{lat}", lat.value).replace("{lng}", lng.value));
      }
    }
    function clear() {
      lat.value = "";
      lng.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      say(box.getAttribute("data-cleared") || "");
    }
    if (start) place(L.latLng(number(lat.value), number(lng.value)), true);
    map.on("click", function (event) { place(event.latlng); });

    var center = box.querySelector("[data-pin-center]");
    if (center) center.addEventListener("click", function () { place(map.getCenter()); });
    var remove = box.querySelector("[data-pin-clear]");
    if (remove) remove.addEventListener("click", clear);
    var locate = box.querySelector("[data-pin-locate]");
    if (locate) {
      if (!navigator.geolocation) {
        locate.hidden = true;
      } else {
        locate.addEventListener("click", function () {
          say(box.getAttribute("data-locating") || "");
          navigator.geolocation.getCurrentPosition(function (pos) {
            var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
            map.setView(here, 17);
            place(here);
          }, function () {
            say(box.getAttribute("data-locate-failed") || "");
          }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
        });
      }
    }
  });

  // One point, read-only (preview, public detail, back-office case).
  document.querySelectorAll("[data-map-point]").forEach(function (node) {
    var lat = number(node.getAttribute("data-lat"));
    var lng = number(node.getAttribute("data-lng"));
    if (lat === null || lng === null) return;
    node.hidden = false;
    var map = L.map(node, { scrollWheelZoom: false }).setView([lat, lng], parseInt(node.getAttribute("data-zoom") || "16", 10));
    tiles(map, node);
    var approx = node.getAttribute("data-approx-m");
    if (approx) {
      L.circle([lat, lng], { radius: parseInt(approx, 10), weight: 2 }).addTo(map);
    } else {
      L.marker([lat, lng], { keyboard: false, alt: node.getAttribute("aria-label") || "" }).addTo(map);
    }
  });

  // Published answers as server-side grid clusters; each marker opens its answer(s).
  document.querySelectorAll("[data-map-clusters]").forEach(function (node) {
    node.hidden = false;
    var map = L.map(node).setView(VIETNAM, 5);
    tiles(map, node);
    var layer = L.layerGroup().addTo(map);
    var first = true;
    var count = document.querySelector("[data-map-count]");
    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
      var url = node.getAttribute("data-url");
      url += (url.indexOf("?") < 0 ? "?" : "&") + "zoom=" + map.getZoom() + (first ? "" : "&bbox=" + bbox);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        layer.clearLayers();
        var bounds = [];
        data.clusters.forEach(function (c) {
          var size = Math.round(28 + Math.min(36, Math.sqrt(c.count) * 4));
          var html = '<span class="map-cluster" style="width:' + size + "px;height:" + size + "px;line-height:" + size + 'px">' + c.count + "</span>";
          var label = c.count === 1 && c.items.length ? c.items[0].title : c.count + " " + (node.getAttribute("data-answers") || "");
          var marker = L.marker([c.lat, c.lng], {
            icon: L.divIcon({ className: "map-cluster-icon", html: html, iconSize: [size, size] }),
            title: label, alt: label, keyboard: true
          });
          if (c.items.length) {
            var list = document.createElement("ul");
            list.className = "map-popup";
            c.items.forEach(function (item) {
              var li = document.createElement("li");
              var a = document.createElement("a");
              a.href = item.url;
              a.textContent = item.title;
              li.appendChild(a);
              list.appendChild(li);
            });
            marker.bindPopup(list);
          } else {
            marker.on("click", function () { map.fitBounds(c.bounds); });
          }
          layer.addLayer(marker);
          bounds.push([c.lat, c.lng]);
        });
        if (count) count.textContent = (count.getAttribute("data-total") || "{n}").replace("{n}", data.total);
        if (first && bounds.length) map.fitBounds(bounds, { maxZoom: 12, padding: [24, 24] });
        first = false;
      }).catch(function () {});
    }
    map.on("moveend", function () { if (!first) load(); });
    load();
  });
})();
