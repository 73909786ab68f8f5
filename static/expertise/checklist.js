// Checklist form: autosave each mark, keep unsent marks on the device while offline, upload photos at once.
// Without this script the form still works as one plain POST.
(function () {
  "use strict";
  var form = document.getElementById("checklist-form");
  if (!form) return;
  var resultId = form.dataset.result;
  var key = "noko-checklist-" + resultId;
  var markUrl = form.dataset.markUrl;
  var uploadUrl = form.dataset.uploadUrl;
  var state = document.getElementById("sync-state");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var flushing = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function store(queue) {
    if (Object.keys(queue).length) localStorage.setItem(key, JSON.stringify(queue));
    else localStorage.removeItem(key);
  }
  function show(text, kind) {
    state.hidden = !text;
    state.textContent = text || "";
    state.className = "sync " + (kind || "");
  }
  function itemValues(item) {
    var box = form.querySelector('.fill-item[data-item="' + item + '"]');
    var checked = box.querySelector('input[type=radio]:checked');
    return { value: checked ? checked.value : "", comment: box.querySelector("textarea").value, t: Date.now() };
  }
  function remember(item) {
    var queue = load();
    queue[item] = itemValues(item);
    store(queue);
    flush();
  }
  function pendingText(n) {
    return "Нет связи: несохранённых отметок — " + n + ". Они хранятся на устройстве и будут отправлены, когда связь появится.";
  }
  function flush() {
    if (flushing) return;
    var queue = load();
    var items = Object.keys(queue);
    if (!items.length) { show("Сохранено", "ok"); return; }
    if (!navigator.onLine) { show(pendingText(items.length), "offline"); return; }
    flushing = true;
    var item = items[0];
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    if (queue[item].value) body.append("value", queue[item].value);
    body.append("comment", queue[item].comment);
    fetch(markUrl.replace(/\/0\/$/, "/" + item + "/"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        var current = load();
        if (current[item] && current[item].t === queue[item].t) delete current[item];
        store(current);
        flushing = false;
        if (!answer.ok) { show(answer.data.error || "Ошибка сохранения", "error"); return; }
        flush();
      })
      .catch(function () {
        flushing = false;
        show(pendingText(Object.keys(load()).length), "offline");
      });
  }
  function restore() {
    if (sessionStorage.getItem(key + "-posted")) {
      sessionStorage.removeItem(key + "-posted");
      localStorage.removeItem(key);
      return;
    }
    var queue = load();
    Object.keys(queue).forEach(function (item) {
      var box = form.querySelector('.fill-item[data-item="' + item + '"]');
      if (!box) return;
      var radio = box.querySelector('input[type=radio][value="' + queue[item].value + '"]');
      if (radio) radio.checked = true;
      box.querySelector("textarea").value = queue[item].comment;
    });
  }
  function upload(input) {
    var item = input.dataset.item;
    if (!input.files.length) return;
    if (!navigator.onLine) {
      show("Нет связи: фото будет отправлено вместе с формой, когда связь появится.", "offline");
      return;
    }
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("item", item);
    body.append("captured_at", String(input.files[0].lastModified || ""));
    Array.prototype.forEach.call(input.files, function (file) { body.append("file", file); });
    show("Загрузка фото…", "");
    fetch(uploadUrl, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Noko-Fetch": "1" } })
      .then(function (response) { return response.text().then(function (html) { return { ok: response.ok, html: html }; }); })
      .then(function (answer) {
        document.getElementById("photos-" + item).innerHTML = answer.html;
        input.value = "";
        show(answer.ok ? "Фото загружено" : "Фото не принято", answer.ok ? "ok" : "error");
      })
      .catch(function () { show("Нет связи: фото будет отправлено вместе с формой.", "offline"); });
  }

  restore();
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.type === "radio") remember(target.closest(".fill-item").dataset.item);
    else if (target.type === "file" && target.dataset.item) upload(target);
  });
  var timers = {};
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA" || !event.target.closest(".fill-item")) return;
    var item = event.target.closest(".fill-item").dataset.item;
    clearTimeout(timers[item]);
    timers[item] = setTimeout(function () { remember(item); }, 600);
  });
  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) {
      event.preventDefault();
      show(pendingText(Object.keys(load()).length || 0) + " Отправьте чек-лист, когда связь появится.", "offline");
      return;
    }
    sessionStorage.setItem(key + "-posted", "1");
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { show(pendingText(Object.keys(load()).length), "offline"); });
  flush();
})();
