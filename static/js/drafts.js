// Drafts kept in this phone's storage (a visit note written in a village with no signal).
// A draft is the writer's alone and lives only until it is saved:
// - the visit form keeps its draft as the worker types and restores it after a dropped connection;
// - a submitted draft is removed once the next page is not that form again (saved, not refused);
// - logging out, or another account signing in on the same phone, removes every draft.
(function () {
  var PREFIX = "visit-draft-";
  var REFERRAL = ["referral-draft", "referral-outbox"];  // referral-offline.js
  var OWNER = "draft-owner";
  var SUBMITTED = "draft-submitted";

  function clearAll() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && k.indexOf(PREFIX) === 0) localStorage.removeItem(k);
      }
      REFERRAL.forEach(function (k) { localStorage.removeItem(k); });
      localStorage.removeItem(OWNER);
      sessionStorage.removeItem(SUBMITTED);
    } catch (e) {}
  }

  var user = document.body.dataset.user || "";
  try {
    var owner = localStorage.getItem(OWNER);
    if (owner && user && owner !== user) clearAll();  // another account on this phone
    var submitted = sessionStorage.getItem(SUBMITTED);
    if (submitted) {
      sessionStorage.removeItem(SUBMITTED);
      if (!document.querySelector('form[data-draft-key="' + submitted + '"]')) localStorage.removeItem(submitted);
    }
  } catch (e) {}

  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", clearAll);
  });

  var form = document.getElementById("visit-form");
  if (!form || !user) return;
  var key = form.dataset.draftKey;
  var fields = ["kind", "date", "duration_minutes", "summary"];
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) {}
  var hasErrors = form.querySelector(".is-invalid, .invalid-feedback");
  if (saved && !hasErrors) {
    fields.forEach(function (name) { if (saved[name] && form.elements[name]) form.elements[name].value = saved[name]; });
    document.getElementById("draft-note").hidden = false;
  }
  form.addEventListener("input", function () {
    var data = {};
    fields.forEach(function (name) { if (form.elements[name]) data[name] = form.elements[name].value; });
    try {
      localStorage.setItem(OWNER, user);
      localStorage.setItem(key, JSON.stringify(data));
    } catch (e) {}
  });
  form.addEventListener("submit", function () {
    try { sessionStorage.setItem(SUBMITTED, key); } catch (e) {}
  });
})();
