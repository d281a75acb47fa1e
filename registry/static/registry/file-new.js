/* A new file sent from the phone: say so, and name possible duplicates the server found. */
(function () {
  "use strict";
  document.addEventListener("outbox:sent", function (event) {
    document.getElementById("sent-msg").hidden = false;
    document.getElementById("queued-msg").hidden = true;
    var answer = event.detail.answer || {};
    var dups = answer.possible_duplicates || [];
    var box = document.getElementById("dup-msg");
    if (dups.length) {
      box.textContent = box.dataset.intro + " " + dups.map(function (d) { return d.name; }).join("、");
      box.hidden = false;
    }
  });
})();
