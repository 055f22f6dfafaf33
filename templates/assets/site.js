// papersite: the language switch, and pretty links when the site is opened from disk.
// Without JavaScript the switch's links lead to the page in one language (/en/…, /ko/…).
(function () {
  "use strict";
  var KEY = "papersite.lang";
  var root = document.documentElement;
  var pageLanguage = root.getAttribute("lang");
  // The page's title in each of its languages (base.html: data-title-<lang>), the script being
  // read after it; its own stands for the page in every language and a language not given.
  var titleElement = document.querySelector("head > title");
  var ownTitle = document.title;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try { localStorage.setItem(KEY, value); } catch (e) { /* private mode: not remembered */ }
  }
  function apply(choice) {
    var languages = (root.getAttribute("data-languages") || "").split(" ");
    if (languages.length < 2) return;  // a page in one language has nothing to hide
    if (languages.indexOf(choice) === -1) choice = "all";
    if (choice === "all") root.removeAttribute("data-show");
    else root.setAttribute("data-show", choice);
    // What the page is in now: for screen readers, and for Pagefind's interface words.
    root.setAttribute("lang", choice === "all" ? pageLanguage : choice);
    // And its direction: right to left for a language written so, else the layout's own.
    var rightToLeft = (root.getAttribute("data-right-to-left") || "").split(" ");
    if (rightToLeft.indexOf(choice) !== -1) root.setAttribute("dir", "rtl");
    else root.removeAttribute("dir");
    var title = titleElement && titleElement.getAttribute("data-title-" + choice.toLowerCase());
    if (document.title !== (title || ownTitle)) document.title = title || ownTitle;
    relabel(choice === "all" ? pageLanguage : choice);
    rehint(choice);
    var links = document.querySelectorAll(".lang-switch a[data-show]");
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("data-show") === choice) links[i].setAttribute("aria-current", "true");
      else links[i].removeAttribute("aria-current");
    }
  }

  // The names of landmarks (aria-label) in the language shown, as the title: each element named
  // in several languages carries the name in each (data-label-<lang>, snippets.aria_label), its
  // own language's among them; one without the language shown keeps that one.
  function relabel(language) {
    var own = "data-label-" + pageLanguage.toLowerCase();
    var named = document.querySelectorAll("[" + own + "]");
    for (var i = 0; i < named.length; i++) {
      var label = named[i].getAttribute("data-label-" + language.toLowerCase()) || named[i].getAttribute(own);
      if (named[i].getAttribute("aria-label") !== label) named[i].setAttribute("aria-label", label);
    }
  }

  // A search box's hint (placeholder) likewise: in each language it has one for
  // (data-placeholder-<lang>, snippets.placeholder), the page's own (every language's) kept for
  // "all" and a language not given.
  function rehint(choice) {
    var boxes = document.querySelectorAll("input[data-placeholder-" + pageLanguage.toLowerCase() + "]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (!box.hasAttribute("data-placeholder-all")) box.setAttribute("data-placeholder-all", box.placeholder);
      var hint = box.getAttribute("data-placeholder-" + choice.toLowerCase()) || box.getAttribute("data-placeholder-all");
      if (box.placeholder !== hint) box.placeholder = hint;
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
    for (var i = 0; i < spans.length; i++) {
      // Into the words' own element where they have one: English words on a page in a language
      // without interface words of its own are marked <span lang="en"> (i18n.marked_words).
      var words = spans[i].firstElementChild || spans[i];
      words.textContent = spans[i].getAttribute(attribute);
    }
  }
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // A code block or a table wider than the text scrolls by itself: the keyboard reaches it then
  // (tabindex), as it reaches a formula (whose tabindex markup.py writes, as formulas scroll
  // at any width). Again when the window changes width, as it may then fit or stop fitting.
  var SCROLLER = "main pre:not(.bibtex), main table";
  var MADE_FOCUSABLE = "data-scroll-focus";
  function reachScrollers() {
    var scrollers = document.querySelectorAll(SCROLLER);
    for (var i = 0; i < scrollers.length; i++) {
      var element = scrollers[i];
      if (element.scrollWidth > element.clientWidth) {
        if (!element.hasAttribute("tabindex")) {
          element.setAttribute("tabindex", "0");
          element.setAttribute(MADE_FOCUSABLE, "");
        }
      } else if (element.hasAttribute(MADE_FOCUSABLE)) {
        element.removeAttribute("tabindex");
        element.removeAttribute(MADE_FOCUSABLE);
      }
    }
  }

  // Applied before the first paint where possible, so the page does not flash both languages.
  apply(stored() || "all");

  document.addEventListener("DOMContentLoaded", function () {
    apply(stored() || "all");
    // The switch's links lead to this page in each edition (/en/…, /ko/…). On the bilingual
    // page they switch in place instead; either way the choice is remembered for the next page.
    var group = document.querySelector(".lang-switch");
    if (group) {
      group.addEventListener("click", function (event) {
        var link = event.target.closest("a[data-show]");
        if (!link) return;
        var choice = link.getAttribute("data-show");
        store(choice);
        if ((root.getAttribute("data-languages") || "").split(" ").length > 1) {
          event.preventDefault();
          apply(choice);
          reachScrollers();  // those of the language now shown
        } else {
          // To this page in another edition: with its query (a search) and place on the page.
          link.search = location.search;
          link.hash = location.hash;
        }
      });
    }
    reachScrollers();
    window.addEventListener("resize", reachScrollers);
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
      // The search boxes too, which would otherwise open the search folder's listing.
      var forms = document.querySelectorAll("form[action$='/']");
      for (var f = 0; f < forms.length; f++) {
        forms[f].setAttribute("action", forms[f].getAttribute("action") + "index.html");
      }
    }
  });
})();
