/* Survey form: keep answers in this browser so a closed tab can be resumed.
   The form works without this script; nothing here is needed to submit. */
(function () {
  "use strict";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    var done = document.querySelector("[data-clear-store]");
    if (done && store) { store.removeItem(done.getAttribute("data-clear-store")); }

    var form = document.getElementById("survey-form");
    if (!form || !store) { return; }
    var key = form.getAttribute("data-store");
    var maxAge = 14 * 24 * 3600 * 1000;

    function save() {
      var data = {};
      var fields = form.querySelectorAll("input, textarea");
      for (var i = 0; i < fields.length; i++) {
        var f = fields[i];
        if (!f.name || f.name === "csrfmiddlewaretoken") { continue; }
        if (f.type === "radio" && !f.checked) { continue; }
        data[f.name] = f.value;
      }
      try { store.setItem(key, JSON.stringify({ saved: Date.now(), data: data })); } catch (e) { /* full */ }
    }

    function restore() {
      var raw = store.getItem(key);
      if (!raw) { return false; }
      var stored;
      try { stored = JSON.parse(raw); } catch (e) { store.removeItem(key); return false; }
      if (!stored || !stored.data || Date.now() - stored.saved > maxAge) { store.removeItem(key); return false; }
      if (document.getElementById("error-summary")) { return false; } /* the server already shows the answers */
      var any = false;
      Object.keys(stored.data).forEach(function (name) {
        var value = stored.data[name];
        var fields = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
        for (var i = 0; i < fields.length; i++) {
          var f = fields[i];
          if (f.type === "radio") {
            if (f.value === value) { f.checked = true; any = true; }
          } else {
            f.value = value;
            if (f.type !== "hidden" && value) { any = true; }
          }
        }
      });
      return any;
    }

    if (restore()) {
      var note = document.getElementById("resume-note");
      if (note) { note.hidden = false; }
      /* let the server apply the skip logic to the restored gate answers */
      window.setTimeout(function () {
        if (!window.htmx) { return; }
        var gates = form.querySelectorAll("fieldset[hx-get]");
        for (var i = 0; i < gates.length; i++) {
          if (gates[i].querySelector("input:checked")) { window.htmx.trigger(gates[i], "change"); }
        }
      }, 0);
    }
    var reset = document.getElementById("resume-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        store.removeItem(key);
        window.location.reload();
      });
    }
    form.addEventListener("change", save);
    form.addEventListener("input", save);
    document.body.addEventListener("htmx:afterSwap", save);
  });
}());
