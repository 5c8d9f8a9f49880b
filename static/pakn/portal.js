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

  // Preview and confirm before sending (without JavaScript the form is sent directly).
  var dialog = document.getElementById("confirm-dialog");
  if (form && dialog && typeof dialog.showModal === "function") {
    var confirmed = false;
    var pending = null;
    var confirmList = dialog.querySelector("#confirm-summary");
    var labelText = function (el) {
      var label = el && el.id ? form.querySelector("label[for='" + el.id + "']") : null;
      return label ? label.childNodes[0].textContent.trim() : "";
    };
    var add = function (term, value) {
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = term;
      dd.textContent = value || dialog.getAttribute("data-empty");
      dd.className = "prewrap";
      confirmList.appendChild(dt);
      confirmList.appendChild(dd);
    };
    var valueOf = function (name) {
      var el = form.elements[name];
      if (!el) return "";
      if (el.tagName === "SELECT") return el.value ? el.options[el.selectedIndex].text : "";
      if (el.type === "checkbox") {
        return el.checked ? dialog.getAttribute("data-yes") : dialog.getAttribute("data-no");
      }
      if (el.length !== undefined && el[0] && el[0].type === "radio") {
        for (var i = 0; i < el.length; i++) {
          if (el[i].checked) return labelText(el[i]) || el[i].parentNode.textContent.trim();
        }
        return "";
      }
      return el.value;
    };
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (confirmed || !button || !button.hasAttribute("data-once")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      pending = button;
      confirmList.innerHTML = "";
      var kindLegend = form.querySelector("#id_kind legend");
      add(kindLegend ? kindLegend.childNodes[0].textContent.trim() : "", valueOf("kind"));
      ["field", "title", "body", "province", "commune", "address", "submitter_name",
       "organisation_name", "phone", "email", "is_anonymous"].forEach(function (name) {
        var el = form.elements[name];
        if (!el || (name === "organisation_name" && !el.value)) return;
        var value = valueOf(name);
        if (name === "body" && value.length > 300) value = value.slice(0, 300) + "…";
        add(labelText(el), value);
      });
      var files = 0;
      form.querySelectorAll("input[type=file]").forEach(function (f) { files += f.files ? f.files.length : 0; });
      add(labelText(form.elements["attachments"][0] || form.elements["attachments"]),
          files + " " + dialog.getAttribute("data-files"));
      dialog.showModal();
    });
    dialog.querySelector("[data-confirm]").addEventListener("click", function () {
      confirmed = true;
      dialog.close();
      if (form.requestSubmit) form.requestSubmit(pending); else form.submit();
    });
    dialog.querySelector("[data-cancel]").addEventListener("click", function () { dialog.close(); });
  }

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
