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

  // A link to a place on the same page (the skip link, an error summary's links): the frame is as
  // tall as its content and never scrolls, so move focus to the target here and ask the host page
  // to scroll it into view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!host || !link || event.defaultPrevented) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    event.preventDefault();
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    var top = Math.max(0, Math.floor(target.getBoundingClientRect().top + window.scrollY));
    window.parent.postMessage({ kick: "scroll", height: height(), top: top }, host);
  });

  if (window.ResizeObserver) {
    new ResizeObserver(function () { tell("height"); }).observe(document.documentElement);
  }
})();
