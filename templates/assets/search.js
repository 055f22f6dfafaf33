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
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: new URL(element.getAttribute("data-bundle"), here).pathname,
      baseUrl: siteBase,
      showSubResults: false,
      showImages: false,
      resetStyles: false,
      processTerm: prepareQuery,
      processResult: function (result) {
        // Show the title and the digest; the stems are for matching only.
        var meta = { title: result.meta.title };
        if (result.meta.digest) meta[digestLabel] = result.meta.digest;
        result.meta = meta;
        result.url = relink(result.url, siteBase, treeBase);
        return result;
      }
    });
    // Pagefind's input is named only by its title; give it a label screen readers announce.
    var input = element.querySelector("input");
    if (input) input.setAttribute("aria-label", element.getAttribute("data-input-label"));
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) ui.triggerSearch(query);
    // The query typed here goes into the address, so that Back, a reload or a shared link gives
    // its results (without it they gave the query the page was opened with, or none).
    if (input) {
      input.addEventListener("input", function () {
        var params = new URLSearchParams(window.location.search);
        if (input.value) params.set("q", input.value);
        else params.delete("q");
        var search = params.toString();
        history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
      });
    }
  });
})();
