/* The phone's outbox: new files and quarterly updates are kept in localStorage with an idempotency
   key and sent to the API when there is signal, so nothing is lost and nothing is sent twice. */
(function () {
  "use strict";
  var KEY = "shouhu-registry-outbox";
  var flushing = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); render(); }
  function csrf() {
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    if (field && field.value) { return field.value; }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function text(id) {
    var el = document.getElementById(id);
    return el ? el.textContent : "";
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function render() {
    var box = document.querySelector("[data-testid=outbox]");
    if (!box) { return; }
    var queue = load();
    var waiting = queue.filter(function (item) { return !item.error; });
    box.hidden = queue.length === 0;
    box.querySelector("[data-outbox-count]").textContent = String(waiting.length);
    var list = box.querySelector("[data-outbox-list]");
    list.innerHTML = "";
    queue.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = item.label + (item.error ? " — " + item.error : "");
      li.className = item.error ? "text-danger" : "";
      if (item.error) {
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "btn btn-sm btn-outline-secondary ms-2";
        drop.textContent = text("outbox-drop-label");
        drop.addEventListener("click", function () {
          store(load().filter(function (other) { return other.key !== item.key; }));
        });
        li.appendChild(drop);
      }
      list.appendChild(li);
    });
  }

  function settle(key, error) {
    var queue = load();
    if (error) {
      queue.forEach(function (item) { if (item.key === key) { item.error = error; } });
    } else {
      queue = queue.filter(function (item) { return item.key !== key; });
    }
    store(queue);
  }

  function describe(body) {
    if (!body || typeof body !== "object") { return text("outbox-error-label"); }
    var parts = [];
    Object.keys(body).forEach(function (field) {
      var value = body[field];
      parts.push(Array.isArray(value) ? value.join(" ") : String(value));
    });
    return parts.join(" ") || text("outbox-error-label");
  }

  async function flush() {
    if (flushing) { return; }
    flushing = true;
    try {
      var queue = load();
      for (var i = 0; i < queue.length; i++) {
        var item = queue[i];
        if (item.error) { continue; }
        var response;
        try {
          response = await fetch(item.url, {
            method: "POST",
            credentials: "same-origin",
            headers: {
              "Content-Type": "application/json",
              "Accept": "application/json",
              "X-CSRFToken": csrf(),
              "Idempotency-Key": item.key
            },
            body: JSON.stringify(item.body)
          });
        } catch (e) {
          break;  // no signal: try again later
        }
        if (response.ok) {
          var answer = null;
          try { answer = await response.json(); } catch (e) { answer = null; }
          settle(item.key, null);
          document.dispatchEvent(new CustomEvent("outbox:sent", { detail: { item: item, answer: answer } }));
        } else if (response.status === 400 || response.status === 404) {
          var body = null;
          try { body = await response.json(); } catch (e) { body = null; }
          settle(item.key, describe(body));
        } else {
          break;  // logged out, server busy: keep it and try again later
        }
      }
    } finally {
      flushing = false;
      render();
    }
  }

  function formBody(form) {
    var data = new FormData(form);
    var kind = form.getAttribute("data-kind");
    if (kind === "file") {
      return {
        name: data.get("name") || "",
        sex: data.get("sex") || "unknown",
        birth_date: data.get("birth_date") || null,
        location: data.get("location") ? Number(data.get("location")) : null,
        child_type: data.get("child_type") || "",
        category: data.get("category") || "none",
        left_behind: data.get("left_behind") === "on",
        guardian_situation: data.get("guardian_situation") || ""
      };
    }
    var how = data.get("how") || "";
    var summary = (data.get("summary") || "").trim();
    if (how === "same" && !summary) { summary = form.getAttribute("data-no-change"); }
    return {
      child: Number(form.getAttribute("data-child")),
      date: data.get("date") || null,
      summary: summary,
      risk_raised: how === "worried"
    };
  }

  function wire(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var label = form.getAttribute("data-label") || (new FormData(form).get("name") || "");
      var key = (form.querySelector("[name=submission_key]") || {}).value || newKey();
      var queue = load();
      queue.push({ key: key, url: form.getAttribute("data-api"), body: formBody(form), label: label, at: Date.now() });
      store(queue);
      var keyField = form.querySelector("[name=submission_key]");
      if (keyField) { keyField.value = newKey(); }
      form.reset();
      var done = document.querySelector(form.getAttribute("data-done") || "#queued-msg");
      if (done) { done.hidden = false; }
      form.dispatchEvent(new CustomEvent("outbox:queued", { bubbles: true }));
      flush();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-offline-form]").forEach(wire);
    var send = document.querySelector("[data-outbox-send]");
    if (send) { send.addEventListener("click", flush); }
    render();
    flush();
    var worker = document.querySelector("meta[name=shouhu-sw]");
    if ("serviceWorker" in navigator && worker) {
      navigator.serviceWorker.register(worker.content, { scope: worker.getAttribute("data-scope") })
        .catch(function () { /* the outbox works without it */ });
    }
  });
  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine !== false) { flush(); } }, 5000);
  window.shouhuOutbox = { flush: flush, load: load };
})();
