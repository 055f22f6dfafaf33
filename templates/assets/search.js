// papersite: the search page. Pagefind's own UI over the index `papersite build` writes to
// pagefind/ at the site's root; nothing is loaded from another host.
(function () {
  "use strict";

  // Korean particles and endings, stripped from the query's words as the build strips them from
  // the indexed words (src/papersite/search.py, PARTICLES: a test checks that both lists agree),
  // so that "모델의" also finds "모델이" and "어텐션" finds "어텐션은" wherever it is indexed.
  var SUFFIXES = ["까지는", "까지도", "됩니다", "부터는", "에게는", "에게서", "에서는", "에서도", "에서의", "으로는", "으로도", "으로서", "으로써", "으로의", "이라고", "이라는", "입니다", "적으로", "합니다", "과는", "과도", "과의", "까지", "께서", "되는", "되어", "된다", "라고", "라는", "로는", "로도", "로서", "로써", "로의", "마다", "밖에", "보다", "부터", "에게", "에는", "에도", "에서", "에의", "와는", "와도", "와의", "으로", "이고", "이다", "이란", "이며", "적인", "조차", "처럼", "하고", "하기", "하는", "하며", "하면", "하여", "하지", "한다", "한테", "해서", "했다", "가", "과", "는", "도", "된", "들", "로", "를", "만", "에", "와", "은", "을", "의", "이", "한", "할"];
  var MIN_STEM = 2;
  var MAX_LAYERS = 3;

  function stem(word) {
    for (var layer = 0; layer < MAX_LAYERS; layer++) {
      var suffix = null;
      for (var i = 0; i < SUFFIXES.length && suffix === null; i++) {
        if (word.slice(-SUFFIXES[i].length) === SUFFIXES[i]) suffix = SUFFIXES[i];
      }
      // Only the longest ending counts, and the stem keeps at least MIN_STEM characters.
      if (suffix === null || word.length - suffix.length < MIN_STEM) break;
      word = word.slice(0, -suffix.length);
    }
    return word;
  }

  function prepareQuery(query) {
    return query.split(/\s+/).map(stem).join(" ");
  }

  // Result URLs from Pagefind start at the site's root; a search page in a language folder
  // (/en/search/) links into that folder's copy of each page.
  function relink(url, siteBase, treeBase) {
    return url.indexOf(siteBase) === 0 ? treeBase + url.slice(siteBase.length) : url;
  }

  window.papersiteSearch = { prepareQuery: prepareQuery };

  // The build gives Pagefind each page's text as one part per language, each with its id
  // (src/papersite/search.py, language_parts). A result's excerpt is cut from the part of a
  // language shown (the one with most of the words found), not across the languages.
  var PART = "papersite-lang-";
  var EXCERPT_WORDS = 30;

  function excerptIn(result, languages) {
    var parts = (result.anchors || []).filter(function (a) { return a.id.indexOf(PART) === 0; })
      .sort(function (a, b) { return a.location - b.location; });
    var words = (result.raw_content || "").split(/[\r\n\s]+/g);
    var best = null;
    parts.forEach(function (part, k) {
      if (languages.indexOf(part.id.slice(PART.length)) === -1) return;
      var end = k + 1 < parts.length ? parts[k + 1].location : words.length;
      var hits = (result.locations || []).filter(function (at) { return at >= part.location && at < end; });
      if (!best || hits.length > best.hits.length) best = { start: part.location, end: end, hits: hits };
    });
    if (!best) return result.excerpt;
    var start = Math.max(best.start, Math.min((best.hits[0] || best.start) - 5, best.end - EXCERPT_WORDS));
    return words.slice(start, Math.min(start + EXCERPT_WORDS, best.end)).map(function (word, k) {
      return best.hits.indexOf(start + k) === -1 ? word : "<mark>" + word + "</mark>";
    }).join(" ").trim();
  }

  // Texts in several languages, which Pagefind's interface writes as plain text: the results'
  // titles and digests (JSON in the index: templates/search_meta.html), the filters' names and
  // the kinds of digest (data-words). Each is shown as one span per language with its `lang`,
  // so that a screen reader reads each in its language; Pagefind's own text node stays where
  // Pagefind updates it, emptied. A result's excerpt cannot be marked: Pagefind cuts it from
  // the page's text, across its languages.
  var MARKED = ".pagefind-ui__result-link, .pagefind-ui__result-tag, .pagefind-ui__filter-name, " +
    ".pagefind-ui__filter-group-label, .pagefind-ui__filter-label";

  // labels: a list of [texts, dates] (or [texts, dates, marks]); texts, one string per site
  // language ("" where it has none), or one string for every language, which takes no `lang` of
  // its own; dates, a weekly digest's, or ""; marks, the language each text is in, where that is
  // not its site language's (interface words: the English ones for a language without its own).
  // Shown as one element, each text in a span, in the `wanted` languages only (all, if not given).
  function shown(labels, languages, wanted) {
    var element = document.createElement("span");
    labels.forEach(function (label, index) {
      if (index) element.append(" · ");
      var parts = typeof label[0] === "string" ? [[label[0], ""]]
        : written(label[0], languages, label[2] || languages, wanted);
      parts.forEach(function (part, k) {
        var span = document.createElement("span");
        if (part[1]) span.lang = part[1];
        span.textContent = part[0];
        element.append(k ? " / " : "", span);
      });
      if (label[1]) element.append(" (" + label[1] + ")");
    });
    return element;
  }

  // [text, lang] of each site language's text: those of the `wanted` languages where the text
  // has any (else every one it has: a missing translation shows the others, marked with their
  // language, as the pages do), each wording once, as the build joins words (i18n.joined_words).
  function written(texts, languages, marks, wanted) {
    var parts = texts.map(function (text, k) { return [text, marks[k], languages[k]]; })
      .filter(function (part) { return part[0]; });
    var chosen = parts.filter(function (part) { return !wanted || wanted.indexOf(part[2]) !== -1; });
    var seen = Object.create(null);
    return (chosen.length ? chosen : parts).filter(function (part) {
      return seen[part[0]] ? false : (seen[part[0]] = true);
    });
  }

  // The page's languages: one on a page of a language folder (/en/search/).
  function pageLanguages() {
    return (document.documentElement.getAttribute("data-languages") || "").split(" ");
  }

  // The languages the page shows now: the one the reader chose (site.js), else all its own.
  function wanted() {
    var chosen = document.documentElement.getAttribute("data-show");
    return chosen ? [chosen] : pageLanguages();
  }

  // The labels in a field of the index, or null where a theme's own search_meta.html writes
  // the field as text.
  function parsed(value) {
    try {
      var labels = JSON.parse(value);
      return Array.isArray(labels) ? labels : null;
    } catch (error) {
      return null;
    }
  }

  // Marks every text of `element` that `labelsOf(textNode)` knows, and again each that Pagefind
  // changes; drops what was shown for a text that Pagefind has removed. Shows each in the
  // languages the page shows, again when the reader chooses another (site.js sets data-show).
  function markLanguages(element, languages, labelsOf) {
    var sources = new WeakMap();  // each span shown → the text node of Pagefind's it shows
    var made = new WeakMap();  // and back
    var shownLabels = new WeakMap();  // each span shown → the labels it shows
    function mark() {
      element.querySelectorAll("[data-papersite-text]").forEach(function (span) {
        var source = sources.get(span);
        if (!source || source.parentNode !== span.parentNode) span.remove();
      });
      element.querySelectorAll(MARKED).forEach(function (holder) {
        Array.prototype.slice.call(holder.childNodes).forEach(function (node) {
          if (node.nodeType !== Node.TEXT_NODE || !node.data) return;
          var labels = labelsOf(node);
          if (!labels) return;
          var span = shown(labels, languages, wanted());
          span.setAttribute("data-papersite-text", "");
          if (made.get(node)) made.get(node).remove();
          holder.insertBefore(span, node);
          sources.set(span, node);
          made.set(node, span);
          shownLabels.set(span, labels);
          node.data = "";
        });
      });
    }
    function showAgain() {
      element.querySelectorAll("[data-papersite-text]").forEach(function (span) {
        var labels = shownLabels.get(span);
        if (labels) span.replaceChildren.apply(span, shown(labels, languages, wanted()).childNodes);
      });
    }
    var observer = new MutationObserver(function () {
      mark();
      observer.takeRecords();  // those of mark's own changes
    });
    observer.observe(element, { childList: true, characterData: true, subtree: true });
    new MutationObserver(function () {
      showAgain();
      observer.takeRecords();
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-show"] });
    mark();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("search");
    if (!element) return;
    if (window.location.protocol === "file:") {
      // Pagefind loads its index as modules, which browsers refuse to pages opened as files.
      document.getElementById("search-needs-server").hidden = false;
      return;
    }
    if (typeof PagefindUI === "undefined") {
      // Built with --no-search (or the bundle failed to load): say so instead of an empty page.
      document.getElementById("search-unavailable").hidden = false;
      return;
    }
    var here = window.location.href;
    var siteBase = new URL(element.getAttribute("data-site-root"), here).pathname;
    var treeBase = new URL(element.getAttribute("data-root"), here).pathname;
    var digestLabel = element.getAttribute("data-digest-label");
    // A theme's own search.html may not give these: its texts are then shown as Pagefind has them.
    var languages = (element.getAttribute("data-languages") || "").split(" ");
    var text = function (labels) { return shown(labels, languages).textContent; };
    // By text, in maps with no keys of their own: a tag may be named "constructor".
    var words = Object.create(null);  // the filters' names and the kinds, as Pagefind shows them
    // The language each word is in (i18n.words_language), where search.html gives it.
    var marks = (element.getAttribute("data-words-languages") || "").split(" ");
    if (marks.length !== languages.length) marks = languages;
    (parsed(element.getAttribute("data-words")) || []).forEach(function (texts) {
      var label = [[texts, "", marks]];
      // As the index has them (every language), and as this page's own labels are (its
      // languages: the result's digest, data-digest-label).
      [text(label), shown(label, languages, pageLanguages()).textContent].forEach(function (name) {
        words[name] = words[name.replace(/^(\w)/, function (c) { return c.toUpperCase(); })] = label;
      });
    });
    var labelled = Object.create(null);  // each result's labels (title, digests), by its URL
    // Made afresh for each start: Pagefind deletes from the options it is given what it reads.
    var options = function () { return {
      element: "#search",
      bundlePath: new URL(element.getAttribute("data-bundle"), here).pathname,
      baseUrl: siteBase,
      showSubResults: false,
      showImages: false,
      resetStyles: false,
      processTerm: prepareQuery,
      processResult: function (result) {
        // Show the title and the digest; the stems are for matching only.
        var title = parsed(result.meta.title), digests = parsed(result.meta.digest || "");
        var meta = { title: title ? text(title) : result.meta.title };
        if (result.meta.digest) meta[digestLabel] = digests ? text(digests) : result.meta.digest;
        result.meta = meta;
        result.excerpt = excerptIn(result, wanted());
        result.url = relink(result.url, siteBase, treeBase);
        labelled[result.url] = [title, digests].filter(Boolean);
        return result;
      }
    }; };
    markLanguages(element, languages, function (node) {
      if (words[node.data]) return words[node.data];
      var result = node.parentNode.closest(".pagefind-ui__result");
      var link = result && result.querySelector(".pagefind-ui__result-link");
      var known = (link && labelled[link.getAttribute("href")]) || [];
      return known.filter(function (labels) { return text(labels) === node.data; })[0];
    });
    announce(element);
    // Pagefind writes its own words ("3 results for …", "Clear") in the page's language when it
    // starts, and keeps them when the reader chooses another in place. Starting it again in the
    // new language made its results come back only sometimes, on a loaded machine: not done.
    // A query of spaces is none (Pagefind said "No results for" an empty term).
    start(options, element, (new URLSearchParams(window.location.search).get("q") || "").trim());
    // The query typed here goes into the address, so that Back, a reload or a shared link gives
    // its results (without it they gave the query the page was opened with, or none); also once
    // Escape or the clear button has emptied the box, which Pagefind does without an input event.
    new MutationObserver(function () { remember(element); })
      .observe(element, { childList: true, subtree: true });
  });

  // Pagefind's interface in #search, made with options(), in the page's language, searching for
  // `query` if given.
  function start(options, element, query) {
    var ui = new PagefindUI(options());
    // Pagefind's input is named only by its title; give it a label screen readers announce: the
    // page's heading where search.html names one, whose words are those of the language shown
    // (the hidden language's are no part of a name), else words of every language.
    var input = element.querySelector("input");
    if (input) {
      var heading = document.getElementById(element.getAttribute("data-input-labelled-by") || "");
      if (heading) input.setAttribute("aria-labelledby", heading.id);
      else input.setAttribute("aria-label", element.getAttribute("data-input-label"));
      input.addEventListener("input", function () { remember(element); });
    }
    if (query) ui.triggerSearch(query);
  }

  // The query in the box of `element` as the address's ?q=; none while Pagefind starts (no box
  // yet).
  function remember(element) {
    var input = element.querySelector("input");
    if (!input || !input.isConnected) return;
    var params = new URLSearchParams(window.location.search);
    if (params.get("q") === input.value || (!input.value && !params.has("q"))) return;
    if (input.value) params.set("q", input.value);
    else params.delete("q");
    var search = params.toString();
    history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
  }

  // Pagefind says how many results a query found ("2 results for …") in a paragraph that is
  // made and remade as it searches, which screen readers do not announce. A live region of our
  // own, there before the first search, repeats each new message.
  function announce(element) {
    var status = document.createElement("p");
    status.className = "visually-hidden search-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-atomic", "true");
    element.after(status);
    new MutationObserver(function () {
      var message = element.querySelector(".pagefind-ui__message");
      var text = message ? message.textContent.trim() : "";
      if (text && text !== status.textContent) status.textContent = text;
    }).observe(element, { childList: true, characterData: true, subtree: true });
  }
})();
