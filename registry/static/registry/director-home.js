/* The director's list: a visit saved on the phone closes its form and says it waits to be sent. */
(function () {
  "use strict";
  var sent = document.getElementById("sent-msg");
  document.addEventListener("outbox:queued", function (event) {
    var box = event.target.closest(".collapse");
    if (box) { box.classList.remove("show"); }
    var card = event.target.closest(".reg-card");
    if (card) {
      var due = card.querySelector("[data-testid^=due-]");
      if (due) { due.textContent = sent.dataset.waitingText; }
    }
  });
  document.addEventListener("outbox:sent", function () { sent.hidden = false; });
})();
