// The referral form with no signal (issue 14, item 7): what she types is kept in this phone as a draft;
// tapping "send" with no signal keeps the referral in an outbox and sends it, once, when the signal returns
// (the server takes the same referral sent twice as one: referrals.services.referral_submit).
// A draft and the outbox are the writer's alone: drafts.js removes them at logout and when another
// account signs in on the same phone; a referral that was received removes both.
(function () {
  "use strict";
  var DRAFT = "referral-draft";
  var OUTBOX = "referral-outbox";
  var OWNER = "draft-owner";
  var user = document.body.dataset.user || "";
  if (!user) return;
  var form = document.getElementById("referral-form");
  var sending = false;

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write(key, value) {
    try {
      localStorage.setItem(OWNER, user);
      localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {}
  }
  function forget(key) {
    try { localStorage.removeItem(key); } catch (e) {}
  }
  function csrf() {
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function show(id, on) {
    var el = document.getElementById(id);
    if (el) el.hidden = !on;
  }

  // The form's answers as [name, value] pairs (what a post of the form would send).
  function answers() {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.disabled) return;
      if (el.type === "submit" || el.type === "button" || el.type === "file") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }

  function restore(pairs) {
    var values = {};
    pairs.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values[el.name].indexOf(el.value) !== -1;
      else if (el.type !== "submit" && el.type !== "file") el.value = values[el.name][0];
    });
    form.dispatchEvent(new Event("change"));  // the age or birth date box and the 110 warning follow
  }

  // Send what waits, once at a time. Received (the thanks page): both stores go and, on the form, she
  // sees the thanks page. Refused (the form comes back): it becomes the draft again for her to correct.
  // No signal, or logged out: it waits for the next chance.
  function flush() {
    var queued = read(OUTBOX);
    if (!queued || sending || navigator.onLine === false) return;
    sending = true;
    var body = new FormData();
    queued.answers.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("csrfmiddlewaretoken", csrf());
    fetch(queued.url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        var path = new URL(response.url).pathname;
        if (response.ok && /\/referrals\/\d+\/thanks\/$/.test(path)) {
          forget(OUTBOX);
          forget(DRAFT);
          if (form) window.location.assign(response.url);
        } else if (response.ok && path === new URL(queued.url, window.location.href).pathname) {
          forget(OUTBOX);
          write(DRAFT, { answers: queued.answers, refused: true });
          if (form) window.location.reload();
        }
      })
      .catch(function () {})
      .then(function () { sending = false; });
  }

  if (document.querySelector("[data-referral-received]")) {
    forget(DRAFT);  // sent and received: the draft has done its work
    if (!read(OUTBOX)) return;
  }
  window.addEventListener("online", flush);
  flush();
  if (!form) return;

  var hasErrors = form.querySelector(".is-invalid, .invalid-feedback, .errorlist");
  var draft = read(DRAFT);
  var queued = read(OUTBOX);
  if (queued) {
    restore(queued.answers);
    show("referral-queued", true);
  } else if (draft && !hasErrors) {
    restore(draft.answers);
    show(draft.refused ? "referral-refused" : "referral-draft-note", true);
  }
  form.addEventListener("input", function () { write(DRAFT, { answers: answers() }); });
  form.addEventListener("change", function () { write(DRAFT, { answers: answers() }); });
  form.addEventListener("submit", function (event) {
    if (navigator.onLine !== false) return;  // signal: the form is posted as usual
    event.preventDefault();
    event.stopImmediatePropagation();  // the button stays usable (referral-form.js would disable it)
    write(OUTBOX, { url: form.action || window.location.href, answers: answers() });
    show("referral-draft-note", false);
    show("referral-refused", false);
    show("referral-queued", true);
    document.getElementById("referral-queued").scrollIntoView({ block: "nearest", behavior: "instant" });
  });
})();
