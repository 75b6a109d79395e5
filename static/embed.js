/* KICK Forms: shows a consultation's answering form on your website.
 * <div data-kick-form="https://…/embed/r/<region>/c/<consultation>"><a href="…">…</a></div>
 * <script src="https://…/static/embed.js" async></script>
 * The link stays until the form has loaded and greeted the page, so a site that may not frame
 * the form shows the link instead of an empty frame. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin;
  try {
    origin = new URL(script.src, location.href).origin;
  } catch (e) {
    return;
  }

  function mount(holder) {
    if (holder.getAttribute("data-kick-mounted")) return;
    var url = new URL(holder.getAttribute("data-kick-form"), location.href);
    if (url.origin !== origin) return;
    holder.setAttribute("data-kick-mounted", "1");
    var link = holder.querySelector("a");
    var frame = document.createElement("iframe");
    var shown = false;
    frame.src = url.href;
    frame.title = link ? link.textContent : "KICK Forms";
    frame.style.cssText = "display:block;width:100%;height:0;border:0;visibility:hidden";
    frame.addEventListener("load", function () {
      frame.contentWindow.postMessage({ kick: "hello" }, origin);
    });
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      if (!data || typeof data.height !== "number") return;
      frame.style.height = data.height + "px";
      if (data.kick === "scroll" && typeof data.top === "number") {
        // A link inside the form to a place in it: bring that place to the top of the window.
        window.scrollTo(0, window.pageYOffset + frame.getBoundingClientRect().top + data.top);
        return;
      }
      if (!shown) {
        shown = true;
        frame.style.visibility = "visible";
        if (link) link.hidden = true;
      } else if (data.kick === "page" && frame.getBoundingClientRect().top < 0) {
        frame.scrollIntoView();
      }
    });
    holder.appendChild(frame);
  }

  function start() {
    var holders = document.querySelectorAll("[data-kick-form]");
    for (var i = 0; i < holders.length; i++) {
      try {
        mount(holders[i]);
      } catch (e) {
        /* one broken placeholder must not stop the others, or the host page */
      }
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
