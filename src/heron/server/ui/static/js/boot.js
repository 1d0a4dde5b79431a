// Runs before the page paints (a classic, blocking script): applies the saved or requested
// theme, and turns the hash links the mlflow client prints (/#/experiments/1/runs/abc)
// into this server's page of the same path.
(function () {
  "use strict";
  var root = document.documentElement;
  var params = new URLSearchParams(location.search);
  var theme = params.get("theme");
  if (theme === "light" || theme === "dark" || theme === "system") {
    try { localStorage.setItem("heron.theme", theme); } catch (e) { /* private mode */ }
  } else {
    try { theme = localStorage.getItem("heron.theme"); } catch (e) { theme = null; }
  }
  if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);

  var hash = location.hash;
  if (hash.indexOf("#/") === 0) {
    var prefixMeta = document.querySelector('meta[name="heron-prefix"]');
    var prefix = prefixMeta ? prefixMeta.getAttribute("content") : "";
    var target = hash.slice(1);
    // Only paths of this server: no scheme, no host, no way out of the prefix.
    if (/^\/[^/\\]/.test(target) || target === "/") {
      location.replace(prefix + target);
    }
  }
})();
