// After a search the page's results heading takes the focus, and the summary of what was found
// (a live region) is announced: set afresh after load so screen readers read it.
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus]");
  if (!summary) return;
  var heading = document.getElementById(summary.getAttribute("data-focus"));
  var text = summary.innerHTML;
  summary.innerHTML = "";
  window.setTimeout(function () {
    summary.innerHTML = text;
    if (heading) heading.focus();
  }, 50);
})();
