/* Keep a draft in this phone's storage: a dropped connection in the village loses nothing. */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }
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
    localStorage.setItem(key, JSON.stringify(data));
  });
  if (document.querySelector(".alert-success")) localStorage.removeItem(key);
})();
