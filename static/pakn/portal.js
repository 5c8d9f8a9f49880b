/* Progressive enhancement for the citizen forms: every form works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Character counter under a textarea with maxlength.
  document.querySelectorAll("[data-counter-for]").forEach(function (out) {
    var input = document.getElementById(out.getAttribute("data-counter-for"));
    if (!input) return;
    var max = parseInt(input.getAttribute("maxlength") || "0", 10);
    var template = out.getAttribute("data-template") || "{n} / {max}";
    function update() {
      out.textContent = template.replace("{n}", input.value.length).replace("{max}", max);
      out.classList.toggle("counter--near", max > 0 && input.value.length > max * 0.9);
    }
    input.addEventListener("input", update);
    update();
  });

  // Communes of the chosen province without reloading the page.
  var form = document.getElementById("submit-form");
  if (form && window.fetch) {
    var province = form.querySelector("select[name=province]");
    var commune = form.querySelector("select[name=commune]");
    var url = form.getAttribute("data-communes-url");
    if (province && commune && url) {
      province.addEventListener("change", function () {
        var first = document.createElement("option");
        first.value = "";
        first.textContent = form.getAttribute("data-commune-placeholder") || "";
        commune.disabled = true;
        fetch(url + "?province=" + encodeURIComponent(province.value), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            commune.innerHTML = "";
            commune.appendChild(first);
            data.communes.forEach(function (c) {
              var opt = document.createElement("option");
              opt.value = c.id;
              opt.textContent = c.name;
              commune.appendChild(opt);
            });
          })
          .finally(function () { commune.disabled = false; });
      });
    }
  }

  // Thumbnails of the chosen images, names of other files.
  document.querySelectorAll("[data-thumbs-for]").forEach(function (list) {
    var inputs = list.getAttribute("data-thumbs-for").split(" ").map(function (id) {
      return document.getElementById(id);
    }).filter(Boolean);
    function render() {
      list.innerHTML = "";
      inputs.forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (file) {
          var item = document.createElement("li");
          if (file.type.indexOf("image/") === 0 && window.URL) {
            var img = document.createElement("img");
            img.src = URL.createObjectURL(file);
            img.alt = file.name;
            item.appendChild(img);
          } else {
            item.textContent = file.name;
          }
          list.appendChild(item);
        });
      });
    }
    inputs.forEach(function (input) { input.addEventListener("change", render); });
  });

  // Warn before sending files the server will refuse (too large, too many): on a phone a big
  // photo would otherwise upload completely first. The server's check stays the authority.
  document.querySelectorAll("[data-upload-check-for]").forEach(function (out) {
    var inputs = out.getAttribute("data-upload-check-for").split(" ").map(function (id) {
      return document.getElementById(id);
    }).filter(Boolean);
    if (!inputs.length) return;
    var owner = inputs[0].form;
    var lang = document.documentElement.lang || "vi";
    function megabytes(bytes) {
      return (bytes / 1048576).toLocaleString(lang, {maximumFractionDigits: 1});
    }
    function check() {
      var problems = [];
      // Files already held for this form count too, unless ticked off.
      var count = owner ? owner.querySelectorAll("input[name=drop_held]:not(:checked)").length : 0;
      var maxFiles = parseInt(inputs[0].getAttribute("data-max-files") || "0", 10);
      inputs.forEach(function (input) {
        var maxMb = parseFloat(input.getAttribute("data-max-upload-mb") || "0");
        Array.prototype.forEach.call(input.files || [], function (file) {
          count += 1;
          if (maxMb > 0 && file.size > maxMb * 1048576) {
            problems.push(out.getAttribute("data-too-big").replace("{name}", file.name)
              .replace("{size}", megabytes(file.size)).replace("{max}", maxMb));
          }
        });
      });
      if (maxFiles > 0 && count > maxFiles) {
        problems.push(out.getAttribute("data-too-many").replace("{max}", maxFiles).replace("{n}", count));
      }
      out.textContent = problems.join(" ");
      out.hidden = problems.length === 0;
      // The form is not sent while the choice would be refused anyway.
      inputs[0].setCustomValidity(problems.join(" "));
    }
    inputs.forEach(function (input) { input.addEventListener("change", check); });
    if (owner) {
      owner.querySelectorAll("input[name=drop_held]").forEach(function (box) {
        box.addEventListener("change", check);
      });
    }
  });

  // One click sends once; the server's idempotency key covers retries anyway.
  document.querySelectorAll("form").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.hasAttribute("data-once")) {
        if (f.getAttribute("data-sent")) { event.preventDefault(); return; }
        f.setAttribute("data-sent", "1");
        button.setAttribute("aria-disabled", "true");
      }
    });
  });

  // Similar published answers while the title is typed (keyword search on the server).
  var similar = document.getElementById("similar");
  if (similar && window.fetch) {
    var titleInput = document.getElementById(similar.getAttribute("data-for"));
    var list = similar.querySelector("ul");
    var timer = null;
    var last = "";
    var lookup = function () {
      var q = titleInput.value.trim();
      if (q.length < 6 || q === last) return;
      last = q;
      fetch(similar.getAttribute("data-similar-url") + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          list.innerHTML = "";
          data.results.forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = item.url;
            a.target = "_blank";
            a.rel = "noopener";
            a.textContent = item.title;
            li.appendChild(a);
            li.appendChild(document.createTextNode(" — " + item.agency));
            list.appendChild(li);
          });
          similar.hidden = data.results.length === 0;
        })
        .catch(function () {});
    };
    if (titleInput) {
      titleInput.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(lookup, 600);
      });
      titleInput.addEventListener("blur", lookup);
    }
  }

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
