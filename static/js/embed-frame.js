// Inside the embedded form: tell the host page how tall the form is, and when it shows a new
// page, but only a page that greeted us from an origin allowed to frame the form.
(function () {
  "use strict";
  if (window.parent === window) return;
  var allowed = (document.documentElement.getAttribute("data-kick-parents") || "").split(" ");
  var host = null;

  function height() {
    return Math.ceil(document.documentElement.getBoundingClientRect().height);
  }

  function tell(kind) {
    if (host) window.parent.postMessage({ kick: kind, height: height() }, host);
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || allowed.indexOf(event.origin) < 0) return;
    if (!event.data || event.data.kick !== "hello") return;
    host = event.origin;
    tell("page");
  });

  if (window.ResizeObserver) {
    new ResizeObserver(function () { tell("height"); }).observe(document.documentElement);
  }
})();
