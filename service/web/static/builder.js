/* The embed builder's script (the page works without it): refresh the answer as the
   form changes, keep the address in step (the form's state is its URL), and write
   the heights the previews report (the embeds' own resize messages) into the code,
   so the article's frame starts at the height its page will have. */
(function () {
  "use strict";
  var form = document.getElementById("builder");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var measured = {};

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    return params.toString();
  }

  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll("iframe[data-preview-width]"));
  }

  function writeHeights() {
    var code = document.getElementById("code");
    var widths = frames().map(function (f) { return Number(f.getAttribute("data-preview-width")); });
    if (!code || !widths.length || widths.some(function (w) { return !(measured[w] > 0); })) return;
    widths.sort(function (a, b) { return a - b; });
    var pairs = widths.map(function (w) { return w + ":" + measured[w]; }).join(" ");
    // Without script, the frame is as tall as the narrowest width needs: nothing cut off.
    var tallest = Math.max.apply(null, widths.map(function (w) { return measured[w]; }));
    code.value = code.value
      .replace(/ height="\d+"/, ' height="' + tallest + '"')
      .replace(/data-standpoint-heights="[^"]*"/, 'data-standpoint-heights="' + pairs + '"');
    code.setAttribute("data-measured", "true");
    var note = document.getElementById("heights");
    if (note) note.textContent = "Starting heights: measured in the previews below (" +
      widths.map(function (w) { return measured[w] + " px at " + w; }).join(", ") + ").";
  }

  function record(frame, height) {
    if (!(height > 0)) return;
    measured[Number(frame.getAttribute("data-preview-width"))] = height;
    frame.style.height = height + "px";
    writeHeights();
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "standpoint:resize") return;
    frames().forEach(function (frame) {
      if (frame.contentWindow === event.source) record(frame, data.height);
    });
  });

  // A preview that loaded before this script ran has already sent its height: read it
  // (the embed is this page's origin) as its script measures it, the body's box.
  function read(frame) {
    try {
      var doc = frame.contentDocument;
      if (doc && doc.readyState === "complete" && doc.body && doc.body.childElementCount) {
        record(frame, Math.ceil(doc.body.getBoundingClientRect().height));
      }
    } catch (e) { /* another origin: its messages say it */ }
  }
  function watch() {
    frames().forEach(function (frame) {
      frame.addEventListener("load", function () { read(frame); });
      read(frame);
    });
  }

  function showCopyButtons() {
    document.querySelectorAll("button.copy").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.getAttribute("data-copy"));
        var done = function () { button.textContent = "Copied"; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(done, function () {
            field.select(); document.execCommand("copy"); done();
          });
        } else { field.select(); document.execCommand("copy"); done(); }
      });
    });
  }

  var timer = null, asked = 0;
  function refresh() {
    var search = query(), ticket = ++asked;
    history.replaceState(null, "", "?" + search);
    fetch("?" + search, { headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (ticket !== asked) return;  // a later change is on its way
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("result");
        var result = document.getElementById("result");
        if (!fresh || !result) return;
        measured = {};
        result.innerHTML = fresh.innerHTML;
        showCopyButtons();
        watch();
      });
  }
  form.addEventListener("input", function (event) {
    if (event.target.type === "text" || event.target.tagName === "TEXTAREA") {
      clearTimeout(timer); timer = setTimeout(refresh, 500);
    }
  });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); refresh(); });
  showCopyButtons();
  watch();
})();
