// Progressive enhancement for the contact form: a live "characters left" count.
// Without this script the limit is still stated in the help text and enforced by maxlength.
(function () {
  "use strict";
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
