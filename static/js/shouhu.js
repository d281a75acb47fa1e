/* Behaviour the pages ask for with data attributes, so that no template needs an inline script or style
   (the Content Security Policy allows scripts and styles from our own files only: config/settings.py).

   data-autosubmit            on a <select>: choosing an option sends its form
   data-toggle-show="ID"      on a button: shows or hides the element with that id (Bootstrap's .show)
   data-check-all="NAME"      on a button: ticks every checkbox named NAME (data-check-value="false": unticks)
   data-history-back          on a link: goes back one page
   data-width="N"             on a progress bar: N % wide (set through the style property, which CSP allows)
*/
(function () {
  "use strict";

  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var n = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(n)) { el.style.width = Math.max(0, Math.min(100, n)) + "%"; }
    });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-toggle-show], [data-check-all], [data-history-back]") : null;
    if (!el) { return; }
    if (el.hasAttribute("data-toggle-show")) {
      var target = document.getElementById(el.getAttribute("data-toggle-show"));
      if (target) { target.classList.toggle("show"); }
    } else if (el.hasAttribute("data-check-all")) {
      var checked = el.getAttribute("data-check-value") !== "false";
      document.querySelectorAll('input[type=checkbox][name="' + el.getAttribute("data-check-all") + '"]').forEach(function (box) {
        box.checked = checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      });
    } else if (el.hasAttribute("data-history-back")) {
      event.preventDefault();
      history.back();
    }
  });

  if (window.htmx) {
    window.htmx.onLoad(applyWidths);  // the first page and every swapped fragment
  } else {
    document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  }
})();
