/* Standpoint embeds: tell the parent page how tall this page is, so the
   iframe can fit it without a scrollbar. The page reads fine without this.

   Two messages, for the two conventions newsroom pages already handle:
   - Datawrapper's: {"datawrapper-height": {"<embed id>": height}}
   - a generic one, shaped like Flourish's resize message:
     {type: "standpoint:resize", sender: "Standpoint", context: "iframe.resize",
      method: "resize", id, height, src}
   Heights are not secret, so any parent origin may receive them. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var id = document.documentElement.getAttribute("data-embed-id") || "standpoint";
  var last = -1;

  function measure() {
    // The body's own box: unlike scrollHeight it can shrink when the iframe
    // is taller than the content.
    return Math.ceil(document.body.getBoundingClientRect().height);
  }

  function post() {
    var height = measure();
    if (height === last || height <= 0) return;
    last = height;
    var datawrapper = {};
    datawrapper[id] = height;
    window.parent.postMessage({ "datawrapper-height": datawrapper }, "*");
    window.parent.postMessage({
      type: "standpoint:resize", sender: "Standpoint", context: "iframe.resize",
      method: "resize", id: id, height: height, src: window.location.href
    }, "*");
  }

  if (typeof ResizeObserver === "function") {
    new ResizeObserver(post).observe(document.body);
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  if (document.readyState !== "loading") post();
  else document.addEventListener("DOMContentLoaded", post);
})();
