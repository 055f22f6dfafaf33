// papersite: the language switch, and pretty links when the site is opened from disk.
// Without JavaScript every page simply shows every language.
(function () {
  "use strict";
  var KEY = "papersite.lang";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try { localStorage.setItem(KEY, value); } catch (e) { /* private mode: not remembered */ }
  }
  function apply(choice) {
    var languages = (root.getAttribute("data-languages") || "").split(" ");
    if (languages.indexOf(choice) === -1) choice = "all";
    if (choice === "all") root.removeAttribute("data-show");
    else root.setAttribute("data-show", choice);
    var buttons = document.querySelectorAll(".lang-switch button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-show") === choice));
    }
  }

  function copy(event) {
    var button = event.currentTarget;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.textContent;
    var done = function () { setLabels(button, "data-done"); setTimeout(function () { setLabels(button, "data-default"); }, 2000); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
    } else {
      // Pages opened from disk or over plain http: select the text so Ctrl+C copies it.
      selectText(source);
      if (document.execCommand && document.execCommand("copy")) done();
    }
  }
  function setLabels(button, attribute) {
    var spans = button.querySelectorAll("span[" + attribute + "]");
    for (var i = 0; i < spans.length; i++) spans[i].textContent = spans[i].getAttribute(attribute);
  }
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Applied before the first paint where possible, so the page does not flash both languages.
  apply(stored() || "all");

  document.addEventListener("DOMContentLoaded", function () {
    apply(stored() || "all");
    var group = document.querySelector(".lang-switch");
    if (group) {
      group.hidden = false;
      group.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-show]");
        if (!button) return;
        var choice = button.getAttribute("data-show");
        store(choice);
        apply(choice);
      });
    }
    // "Copy" buttons beside BibTeX blocks: shown only when JavaScript can copy.
    var copyButtons = document.querySelectorAll("button[data-copy]");
    for (var k = 0; k < copyButtons.length; k++) {
      copyButtons[k].hidden = false;
      copyButtons[k].addEventListener("click", copy);
    }
    // Pretty URLs end in "/"; a browser reading files from disk shows a folder listing for
    // those, so point them at the folder's index.html instead.
    if (location.protocol === "file:") {
      var links = document.querySelectorAll("a[href]");
      for (var j = 0; j < links.length; j++) {
        var href = links[j].getAttribute("href");
        if (!/^[a-z]+:/i.test(href) && !href.startsWith("#")) {
          links[j].setAttribute("href", href.replace(/\/(#|$)/, "/index.html$1"));
        }
      }
    }
  });
})();
