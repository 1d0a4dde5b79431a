// The artifact browser: folders of the tree load their entries when first opened (an
// HTMX fragment the server renders), and the chosen entry is marked. Nothing here builds
// HTML from strings: the tree's fragments come from the server, escaped there.

function loadChildren(details) {
  const children = details.querySelector(":scope > [data-children]");
  if (!children || details.hasAttribute("data-loaded") || !window.htmx) return;
  details.setAttribute("data-loaded", "");
  window.htmx.ajax("GET", children.dataset.src, { target: children, swap: "innerHTML" });
}

function markCurrent(entry) {
  for (const other of document.querySelectorAll("[data-artifact-entry][aria-current]")) {
    other.removeAttribute("aria-current");
  }
  entry.setAttribute("aria-current", "true");
}

// "toggle" does not bubble: listen in the capture phase.
document.addEventListener("toggle", (event) => {
  const details = event.target;
  if (details instanceof HTMLDetailsElement && details.matches("[data-folder]") && details.open) {
    loadChildren(details);
  }
}, true);

document.addEventListener("click", (event) => {
  const entry = event.target.closest("[data-artifact-entry]");
  if (!entry) return;
  markCurrent(entry);
  // A folder's name opens the folder too (the link itself shows the folder's pane).
  const details = entry.closest("summary")?.parentElement;
  if (details instanceof HTMLDetailsElement && !details.open) details.open = true;
});

// A fragment of the browser that failed (a file deleted meanwhile, a refused path) comes
// with its message: show it in place rather than leave the old content.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status >= 400 && status < 500 && event.detail.target?.closest?.("[data-artifacts]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
