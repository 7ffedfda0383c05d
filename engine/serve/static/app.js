// The page's one script, served by the app (no inline script anywhere; CSP script-src 'self').
// Everything here is an enhancement: every form works without it.
"use strict";

(function () {
  // -- drag and drop onto a file input ---------------------------------------------------------
  function names(input) {
    return Array.prototype.map.call(input.files || [], function (f) { return f.name; }).join(", ");
  }
  document.querySelectorAll("[data-drop]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var chosen = zone.querySelector(".chosen");
    if (!input) { return; }
    function show() { if (chosen) { chosen.textContent = names(input); } }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) { return; }
      var transfer = new DataTransfer();
      var count = input.multiple ? files.length : 1;
      for (var i = 0; i < count; i++) { transfer.items.add(files[i]); }
      input.files = transfer.files;
      show();
    });
  });

  // -- a ruleset file chosen clears the bundled choice (one of the two is used) ---------------
  document.querySelectorAll("#ruleset-file").forEach(function (file) {
    file.addEventListener("change", function () {
      var form = file.form;
      var select = form && form.querySelector("select[name=ruleset]");
      if (select && file.files && file.files.length) { select.value = ""; }
    });
  });

  // -- a select that chooses what the page shows (the ruleset whose departments are listed) -----
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { if (select.form) { select.form.submit(); } });
  });

  // -- the province summary: sort by a column, filter by text and verdict ---------------------
  var table = document.querySelector("table[data-sortable]");
  if (table) {
    var filters = document.getElementById("filters");
    if (filters) { filters.hidden = false; }
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var type = th.getAttribute("data-type");
      if (!type) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].getAttribute("data-value") || "";
          var y = b.cells[index].getAttribute("data-value") || "";
          var order;
          if (type === "num") {
            var nx = x === "" ? NaN : Number(x), ny = y === "" ? NaN : Number(y);
            if (isNaN(nx) && isNaN(ny)) { order = 0; }
            else if (isNaN(nx)) { return 1; }   // no value: last either way
            else if (isNaN(ny)) { return -1; }
            else { order = nx - ny; }
          } else {
            order = x.localeCompare(y, "zh-CN");
          }
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    var text = document.getElementById("filter-text");
    var verdict = document.getElementById("filter-verdict");
    function filter() {
      var needle = (text && text.value || "").trim().toLowerCase();
      var wanted = verdict && verdict.value || "";
      Array.prototype.forEach.call(body.rows, function (row) {
        var hay = row.textContent.toLowerCase();
        var ok = (!needle || hay.indexOf(needle) >= 0) &&
                 (!wanted || row.getAttribute("data-verdict") === wanted);
        row.hidden = !ok;
      });
    }
    if (text) { text.addEventListener("input", filter); }
    if (verdict) { verdict.addEventListener("change", filter); }
  }

  // -- the what-if: the verdict as values change, through the API (POST /api/assess) ----------
  var form = document.getElementById("what-if-form");
  var live = document.getElementById("what-if-live");
  if (form && live && window.fetch && window.FormData && window.atob) {
    var timer = null;
    var serial = 0;
    function carriedFile(b64, name) {
      var raw = atob(b64);
      var bytes = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
      return new File([bytes], name);
    }
    function field(name) {
      var input = form.querySelector("input[name='" + name + "']");
      return input ? input.value : "";
    }
    function simulate() {
      var data = new FormData();
      data.append("file", carriedFile(field("data_b64"), field("data_name")));
      if (field("ruleset")) { data.append("ruleset", field("ruleset")); }
      if (field("ruleset_b64")) {
        data.append("ruleset_file", carriedFile(field("ruleset_b64"), field("ruleset_name")));
      }
      var changed = 0;
      form.querySelectorAll("input[name^='actual:']").forEach(function (input) {
        var value = input.value.trim();
        if (value !== "" && value !== input.getAttribute("data-original")) {
          data.append("set", input.name.slice("actual:".length) + "=" + value);
          changed++;
        }
      });
      var mine = ++serial;
      if (!changed) { live.textContent = ""; live.className = "live"; return; }
      fetch("/api/assess", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.json().then(function (json) {
          return { ok: response.ok, json: json };
        }); })
        .then(function (answer) {
          if (mine !== serial) { return; }
          var lang = document.body.getAttribute("data-lang") === "en" ? "en" : "zh";
          if (!answer.ok) {
            var errors = (answer.json && answer.json.errors) || [];
            live.className = "live error";
            live.textContent = errors.map(function (e) { return e.message[lang]; }).join(" ");
            return;
          }
          var result = answer.json;
          var word = function (v) { return live.getAttribute(v === "PASS" ? "data-pass" : "data-fail"); };
          live.className = "live " + result.verdict;
          live.setAttribute("data-verdict", result.verdict);
          var before = result.what_if ? result.what_if.verdict_before : result.verdict;
          live.textContent = live.getAttribute("data-label") + ": " + word(result.verdict) +
            " (" + live.getAttribute("data-before") + ": " + word(before) + ")";
        })
        .catch(function () { /* the form still submits */ });
    }
    form.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(simulate, 400);
    });
  }
})();
