/* The attendance roster: an unticked child's row turns red, and the save button counts those present. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-attendance]");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches("input[name=present]")) { return; }
    box.parentNode.classList.toggle("absent", !box.checked);
    document.getElementById("present-count").textContent = form.querySelectorAll("input[name=present]:checked").length;
  });
})();
