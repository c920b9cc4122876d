// Keep the newest message in view and the input ready after each exchange.
(function () {
  function scrollLog() {
    var log = document.getElementById("chat-log");
    if (log) { log.scrollTop = log.scrollHeight; }
  }
  document.addEventListener("DOMContentLoaded", scrollLog);
  document.addEventListener("htmx:afterSwap", function () {
    scrollLog();
    var form = document.getElementById("chat-form");
    if (form) { form.reset(); var input = form.querySelector("input[name=text]"); if (input) { input.focus(); } }
  });
})();
