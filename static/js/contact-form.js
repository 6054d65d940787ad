// Progressive enhancement for the contact form: focus on the error summary after a failed
// submission, and a live "characters left" count. Without this script the summary is
// still an alert at the top of the page, and the limit is still stated in the help text
// and enforced by maxlength.
(function () {
  "use strict";
  // Focus moves to the summary (as GOV.UK's error summary does), so screen readers read it
  // and the next Tab reaches its links to the invalid fields.
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
  var message = document.querySelector("#contact-form textarea[maxlength]");
  if (!message) {
    return;
  }
  var limit = parseInt(message.getAttribute("maxlength"), 10);
  var counter = document.createElement("p");
  counter.className = "form-text contact-counter";
  counter.id = message.id + "_counter";
  // Not a live region (it would speak on every keystroke); aria-describedby lets
  // screen readers read the count when the field gets focus.
  message.insertAdjacentElement("afterend", counter);
  var describedBy = message.getAttribute("aria-describedby");
  message.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + counter.id);

  function update() {
    var left = limit - message.value.length;
    counter.textContent = left + (left === 1 ? " character left" : " characters left");
  }
  message.addEventListener("input", update);
  update();
})();

// The out-of-state notice (contact/consultation_questions.py) appears as soon as a state
// outside those served is chosen, not only after a first try to send. Without this
// script the server shows it then, keeping everything typed.
(function () {
  "use strict";
  var state = document.querySelector("#contact-form select[data-served-states]");
  var notice = document.getElementById("out-of-state");
  if (!state || !notice) {
    return;
  }
  var served = state.getAttribute("data-served-states").split(" ");
  function update() {
    var outside = state.value !== "" && served.indexOf(state.value) === -1;
    notice.classList.toggle("d-none", !outside);
  }
  state.addEventListener("change", update);
  update();
})();
