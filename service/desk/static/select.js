// The source page: words selected inside one paragraph become a statement form filled
// in from them (?paragraph=N&exact=...). Without this script the candidates' "Code this"
// links do the same for whole sentences. Loaded from the desk's own origin (CSP script-src 'self').
(function () {
  "use strict";
  var list = document.querySelector("ol.paragraphs[data-code-url]");
  var help = document.getElementById("selection-help");
  var button = document.getElementById("code-selection");
  var words = document.getElementById("selection-words");
  if (!list || !help || !button) { return; }
  help.hidden = false;
  var chosen = null;

  function paragraphOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var item = element && element.closest("li[data-paragraph]");
    var text = element && element.closest(".ptext");
    return item && text && list.contains(item) ? item : null;
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    var text = selection ? selection.toString().replace(/\s+/g, " ").trim() : "";
    var start = selection && selection.rangeCount ? paragraphOf(selection.anchorNode) : null;
    var end = selection && selection.rangeCount ? paragraphOf(selection.focusNode) : null;
    if (text && start && start === end) {
      chosen = { paragraph: start.getAttribute("data-paragraph"), exact: text };
      button.disabled = false;
      words.textContent = "¶" + chosen.paragraph + ": “" + (text.length > 80 ? text.slice(0, 79) + "…" : text) + "”";
    } else if (document.activeElement !== button) {
      chosen = null;
      button.disabled = true;
      words.textContent = "Select words inside one paragraph first.";
    }
  });

  button.addEventListener("click", function () {
    if (!chosen) { return; }
    var query = new URLSearchParams({ paragraph: chosen.paragraph, exact: chosen.exact });
    window.location.assign(list.getAttribute("data-code-url") + "?" + query.toString());
  });
}());
