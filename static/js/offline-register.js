// What the monitoring register keeps in this phone for work with no signal (the service worker's
// copies of the director's pages, the outbox of files and updates not sent yet) belongs to the
// account signed in (issue 12):
// - logging out removes it before the logout is sent;
// - another account signing in on the same phone removes what the last one left.
(function () {
  "use strict";
  var CACHE_PREFIX = "shouhu-registry";
  var OUTBOX = "shouhu-registry-outbox";
  var OWNER = "shouhu-registry-owner";

  function forget() {
    try {
      localStorage.removeItem(OUTBOX);
      localStorage.removeItem(OWNER);
    } catch (e) {}
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (keys) {
      return Promise.all(
        keys.filter(function (k) { return k.indexOf(CACHE_PREFIX) === 0; }).map(function (k) { return caches.delete(k); })
      );
    }).catch(function () {});
  }

  var user = document.body.dataset.user || "";
  if (user) {
    try {
      var owner = localStorage.getItem(OWNER);
      if (owner && owner !== user) forget();  // another account on this phone
      localStorage.setItem(OWNER, user);
    } catch (e) {}
  }

  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.forgotten) return;
      event.preventDefault();
      var done = false;
      var go = function () {
        if (done) return;
        done = true;
        form.dataset.forgotten = "1";
        form.submit();  // no second submit event: offline-forms.js has already cleared its drafts
      };
      forget().then(go, go);
      setTimeout(go, 2000);  // never keep someone from logging out
    });
  });
  window.shouhuForgetOffline = forget;
})();
