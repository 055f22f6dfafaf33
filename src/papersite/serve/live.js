// papersite serve: reloads this page when the site is rebuilt, and shows a failed rebuild's
// errors over it. The server adds this script to the pages it sends (never to the built files);
// its attributes carry the version of the site the page came from and the current errors.
(function () {
  "use strict";

  var script = document.currentScript;
  var version = script.getAttribute("data-version");
  var OVERLAY = "papersite-problems";

  function element(tag, style, text) {
    var made = document.createElement(tag);
    made.style.cssText = style;
    if (text !== undefined) made.textContent = text; // text only: a message cannot add markup
    return made;
  }

  function show(problems) {
    var previous = document.getElementById(OVERLAY);
    if (previous) previous.remove();
    if (!problems.length) return;
    // Added whole, so that screen readers announce it once (role=alert).
    var overlay = element(
      "section",
      "position:fixed;inset:auto 0 0 0;z-index:2147483647;max-height:60vh;overflow:auto;" +
        "margin:0;padding:1rem 1.25rem;background:#fff;color:#1a1a1a;" +
        "border-top:0.4rem solid #b00020;box-shadow:0 -0.2rem 1rem rgba(0,0,0,0.35);" +
        "font:16px/1.5 system-ui,sans-serif;text-align:left"
    );
    overlay.id = OVERLAY;
    overlay.lang = "en";
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-labelledby", OVERLAY + "-title");
    var title = element(
      "p",
      "margin:0 0 0.5rem;font-weight:bold;color:#b00020",
      "The site could not be rebuilt (" + problems.length + (problems.length === 1 ? " problem" : " problems") + ")"
    );
    title.id = OVERLAY + "-title";
    var list = element(
      "pre",
      "margin:0 0 0.5rem;padding:0.5rem;background:#f6f6f6;color:#1a1a1a;white-space:pre-wrap;" +
        "overflow-wrap:anywhere;font:14px/1.5 ui-monospace,monospace",
      problems.join("\n")
    );
    var note = element(
      "p",
      "margin:0 0 0.5rem",
      "This is the last good version of the page. Fix the file and save: the page reloads."
    );
    var hide = element(
      "button",
      "font:inherit;padding:0.25rem 0.75rem;color:#1a1a1a;background:#e8e8e8;" +
        "border:1px solid #555;border-radius:0.25rem;cursor:pointer",
      "Hide"
    );
    hide.type = "button";
    hide.addEventListener("click", function () {
      overlay.remove();
    });
    overlay.append(title, list, note, hide);
    document.body.append(overlay);
  }

  show(JSON.parse(script.getAttribute("data-problems") || "[]"));

  var events = new EventSource(script.getAttribute("data-events"));
  events.addEventListener("reload", function (message) {
    if (message.data !== version) window.location.reload();
    else show([]); // fixed, and the site is as this page shows it
  });
  events.addEventListener("problems", function (message) {
    show(JSON.parse(message.data));
  });
})();
