// The referral form: the "call 110" warning appears beside the urgency choice the moment
// "immediate" is ticked, and one tap sends once (a double tap on a slow network sends one referral).
(function () {
  var form = document.getElementById("referral-form");
  if (!form) return;
  var warn = document.getElementById("call-110");
  // Age or birth date: only the box of the chosen answer is shown.
  function showAgeOrBirthDate() {
    var picked = form.querySelector("input[name=age_or_birth_date]:checked");
    var mode = picked ? picked.value : "age";
    var age = document.getElementById("div_id_child_age");
    var birth = document.getElementById("div_id_child_birth_date");
    if (age) age.hidden = mode !== "age";
    if (birth) birth.hidden = mode !== "birth_date";
  }
  showAgeOrBirthDate();
  form.addEventListener("change", showAgeOrBirthDate);
  form.addEventListener("change", function () {
    var picked = form.querySelector("input[name=urgency]:checked");
    var now = !!(picked && picked.value === "immediate");
    if (warn.hidden && now) {
      warn.hidden = false;
      warn.scrollIntoView({ block: "nearest" });
    } else {
      warn.hidden = !now;
    }
  });
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
