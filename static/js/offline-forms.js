// Forms that keep working with no signal (issue 14, item 7): the referral form, the social worker's visit
// note and the volunteer's visit log — every form with a data-draft-key.
// - What is typed is kept in this phone as a draft (localStorage, under the form's data-draft-key).
// - Sending with no signal keeps the form's answers in one outbox shared by these forms; each is sent by
//   itself when the signal returns. Its submission_key makes the server record it once however often it
//   is sent (referrals.services.referral_submit, cases.services.activity_record,
//   alliance.services.volunteer_log_create).
// - Saved (the answer is not the same form back with the same key): the draft goes. Refused (the same
//   form comes back): the answers become the draft again, for the writer to correct.
// - A draft and the outbox are the writer's alone: logging out, or another account signing in on the same
//   phone, removes them all.
(function () {
  "use strict";
  var OUTBOX = "shouhu-outbox";
  var OWNER = "draft-owner";
  var SUBMITTED = "draft-submitted";  // sessionStorage: the form just posted with a signal
  var SENT = "outbox-sent";  // sessionStorage: the outbox sent something; the next page says so
  var DRAFTS = ["referral-draft", "visit-draft-", "volunteer-log-draft-"];
  var user = document.body.dataset.user || "";
  var sending = false;

  function read(store, key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
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
  function outbox() { return read(localStorage, OUTBOX) || []; }
  function setOutbox(items) {
    if (items.length) write(OUTBOX, items);
    else forget(OUTBOX);
  }

  function clearAll() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && DRAFTS.some(function (prefix) { return k.indexOf(prefix) === 0; })) localStorage.removeItem(k);
      }
      localStorage.removeItem(OUTBOX);
      localStorage.removeItem(OWNER);
      sessionStorage.removeItem(SUBMITTED);
      sessionStorage.removeItem(SENT);
    } catch (e) {}
  }

  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", clearAll);  // before offline-register.js sends the logout
  });
  if (!user) return;
  try {
    var owner = localStorage.getItem(OWNER);
    if (owner && owner !== user) clearAll();  // another account on this phone
  } catch (e) {}

  function formIn(doc, draft) { return doc.querySelector('form[data-draft-key="' + draft + '"]'); }
  function keyOf(form) {
    var field = form.querySelector("[name=submission_key]");
    return field ? field.value : "";
  }
  function csrf() {
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function note(form, which, on) {
    var scope = form.closest("[data-offline-scope]") || form;
    var el = scope.querySelector('[data-offline-note="' + which + '"]');
    if (el) el.hidden = !on;
    return el;
  }

  // The form's answers as [name, value] pairs (what a post of the form would send).
  function answers(form) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.disabled) return;
      if (el.type === "submit" || el.type === "button" || el.type === "file") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }

  function restore(form, pairs) {
    var values = {};
    pairs.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values[el.name].indexOf(el.value) !== -1;
      else if (el.type !== "submit" && el.type !== "file") el.value = values[el.name][0];
    });
    form.dispatchEvent(new Event("change"));  // the referral's age or birth date box and 110 warning follow
  }

  // Send what waits, one at a time, in the order it was kept. No signal, logged out, or the server
  // busy: it stays for the next chance.
  function flush() {
    var items = outbox();
    if (!items.length || sending || navigator.onLine === false) return;
    sending = true;
    var item = items[0];
    var body = new FormData();
    item.answers.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("csrfmiddlewaretoken", csrf());
    var here = formIn(document, item.draft);
    var leaving = false;
    fetch(item.url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.status >= 500 || response.status === 429 || response.status === 405) return false;
        return response.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var gone = response.status === 403 || response.status === 404;  // no longer theirs to write
          if (!gone && (doc.body.dataset.user || "") !== user) return false;  // logged out: wait
          var back = formIn(doc, item.draft);
          setOutbox(outbox().filter(function (other) { return other.key !== item.key; }));
          if (gone || (back && keyOf(back) === item.key)) {
            write(item.draft, { answers: item.answers, refused: true });
            if (here) { leaving = true; window.location.reload(); }
          } else {
            forget(item.draft);
            try { sessionStorage.setItem(SENT, "1"); } catch (e) {}
            if (here) { leaving = true; window.location.assign(response.url); }
            else showSent();
          }
          return true;
        });
      })
      .catch(function () { return false; })
      .then(function (progressed) {
        sending = false;
        if (progressed && !leaving) flush();
      });
  }

  function showSent() {
    var el = document.querySelector("[data-offline-sent]");
    if (!el || !sessionStorage.getItem(SENT)) return;
    sessionStorage.removeItem(SENT);
    el.hidden = false;
  }

  // A form posted with a signal: if this page is not that form back with the same key, it was saved.
  var submitted = read(sessionStorage, SUBMITTED);
  if (submitted) {
    try { sessionStorage.removeItem(SUBMITTED); } catch (e) {}
    var again = formIn(document, submitted.draft);
    if (!(again && keyOf(again) === submitted.key)) forget(submitted.draft);
  }

  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-draft-key]"));
  forms.forEach(function (form) {
    var draft = form.dataset.draftKey;
    var keep = function () { write(draft, { answers: answers(form) }); };
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function (event) {
      if (navigator.onLine !== false) {  // signal: the form is posted as usual
        try { sessionStorage.setItem(SUBMITTED, JSON.stringify({ draft: draft, key: keyOf(form) })); } catch (e) {}
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();  // the button stays usable (referral-form.js would disable it)
      var items = outbox().filter(function (other) { return other.draft !== draft; });
      items.push({ draft: draft, key: keyOf(form), url: form.action || window.location.href, answers: answers(form) });
      setOutbox(items);
      keep();
      note(form, "draft", false);
      note(form, "refused", false);
      var queued = note(form, "queued", true);
      if (queued) queued.scrollIntoView({ block: "nearest", behavior: "instant" });
    });
  });

  // After every deferred script (referral-form.js listens for the restored answers' change).
  document.addEventListener("DOMContentLoaded", function () {
    var items = outbox();
    forms.forEach(function (form) {
      var draft = form.dataset.draftKey;
      var queued = items.filter(function (item) { return item.draft === draft; })[0];
      var saved = read(localStorage, draft);
      var hasErrors = form.querySelector(".is-invalid, .invalid-feedback, .errorlist, [data-form-error]");
      if (queued) {
        restore(form, queued.answers);
        note(form, "queued", true);
      } else if (saved && !hasErrors) {
        restore(form, saved.answers);
        note(form, saved.refused ? "refused" : "draft", true);
      }
    });
    showSent();
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
})();
