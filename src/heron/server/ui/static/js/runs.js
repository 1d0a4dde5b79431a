// The runs table: actions on selected runs, child runs under their parent, the column
// chooser's search, autocomplete of keys in the filter box, and auto-refresh while runs
// are running. Text from the server goes into the page with textContent only.

import { callApi, showError } from "./heron.js";

const form = () => document.getElementById("runs-form");
const results = () => document.getElementById("runs-results");

function selectedRuns() {
  return [...document.querySelectorAll('#runs input[type=checkbox][name="runs"]:checked')].map((box) => box.value);
}

function runsError(message) {
  const box = document.querySelector("[data-runs-error]");
  if (!box) return;
  box.textContent = message || "";
  box.hidden = !message;
}

function refreshResults() {
  if (!window.htmx) { location.reload(); return; }
  window.htmx.ajax("GET", location.href, { target: "#runs-results", swap: "outerHTML" });
}

async function forEachSelected(label, call) {
  const ids = selectedRuns();
  if (!ids.length) return;
  runsError("");
  const failures = [];
  for (const id of ids) {
    try { await call(id); } catch (error) { failures.push(`${id}: ${error.message}`); }
  }
  if (failures.length) runsError(`${label} failed for ${failures.length} run(s): ${failures.join("; ")}`);
  else refreshResults();
}

// -- selection actions ----------------------------------------------------------------

document.addEventListener("click", async (event) => {
  const action = event.target.closest("[data-runs-action]");
  if (action) {
    const ids = selectedRuns();
    if (action.dataset.runsAction === "delete") {
      if (!window.confirm(`Delete ${ids.length} run(s)? They can be restored later.`)) return;
      await forEachSelected("Delete", (id) => callApi("mlflow/runs/delete", { run_id: id }));
    } else if (action.dataset.runsAction === "restore") {
      await forEachSelected("Restore", (id) => callApi("mlflow/runs/restore", { run_id: id }));
    }
    return;
  }
  const expander = event.target.closest("button.expander");
  if (expander) toggleChildren(expander);
});

document.addEventListener("submit", async (event) => {
  const tagForm = event.target.closest("form[data-runs-tag-form]");
  if (!tagForm) return;
  event.preventDefault();
  showError(tagForm, "");
  const key = tagForm.elements.key.value;
  const value = tagForm.elements.value.value;
  const failures = [];
  for (const id of selectedRuns()) {
    try { await callApi("mlflow/runs/set-tag", { run_id: id, key, value }); } catch (error) { failures.push(error.message); }
  }
  if (failures.length) { showError(tagForm, failures[0]); return; }
  tagForm.closest("details")?.removeAttribute("open");
  refreshResults();
});

function updateSelectionCount() {
  const count = selectedRuns().length;
  for (const label of document.querySelectorAll("[data-selection-count]")) {
    label.textContent = count ? `${count} selected` : "";
  }
}

document.addEventListener("change", (event) => {
  if (event.target.matches?.('input[name="runs"], input[data-select-all="runs"]')) updateSelectionCount();
  // Controls outside the form (form="runs-form") submit it like the ones inside.
  if (event.target.matches?.("[data-submit-on-change]") && window.htmx) {
    window.htmx.trigger(form(), "submit");
  }
});

// -- child runs -----------------------------------------------------------------------

function toggleChildren(button) {
  const row = button.closest("tr");
  const id = row.dataset.runId;
  const open = button.getAttribute("aria-expanded") === "true";
  if (open) {
    for (const child of document.querySelectorAll(`#runs tr[data-ancestors~="${CSS.escape(id)}"]`)) child.remove();
    button.setAttribute("aria-expanded", "false");
    button.querySelector("[data-arrow]").textContent = "▸";
    return;
  }
  button.setAttribute("aria-expanded", "true");
  button.querySelector("[data-arrow]").textContent = "▾";
  if (window.htmx) window.htmx.ajax("GET", button.dataset.childrenUrl, { target: row, swap: "afterend" });
}

// -- column chooser -------------------------------------------------------------------

function filterChooser(input) {
  const text = input.value.trim().toLowerCase();
  const panel = input.closest(".chooser-panel");
  for (const item of panel.querySelectorAll("[data-column-label]")) {
    item.hidden = Boolean(text) && !item.dataset.columnLabel.includes(text);
  }
}

for (const type of ["input", "change", "keydown"]) {
  document.addEventListener(type, (event) => {
    const search = event.target.closest?.("[data-chooser-search]");
    if (!search) return;
    event.stopPropagation(); // not a change of the view: the form must not submit
    if (type === "keydown" && event.key === "Enter") event.preventDefault();
    if (type === "input") filterChooser(search);
  }, true);
}

document.addEventListener("htmx:afterSwap", (event) => {
  if (event.target.id === "chooser-body") {
    const search = document.querySelector("[data-chooser-search]");
    if (search) filterChooser(search);
  }
  updateSelectionCount();
  scheduleRefresh();
});

// -- filter autocomplete --------------------------------------------------------------

const PREFIXES = ["metrics.", "params.", "tags.", "attributes.", "datasets."];
const ATTRIBUTES = ["run_id", "run_name", "status", "user_id", "start_time", "end_time", "artifact_uri"];
let keys = null;
let active = -1;

async function loadKeys() {
  if (keys) return keys;
  const url = form()?.dataset.keysUrl;
  if (!url) return { metrics: [], params: [], tags: [] };
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    keys = response.ok ? await response.json() : { metrics: [], params: [], tags: [] };
  } catch (e) {
    keys = { metrics: [], params: [], tags: [] };
  }
  return keys;
}

function quoteKey(key) {
  return /^[A-Za-z_][\w./-]*$/.test(key) && !/[./-]$/.test(key) ? key : "`" + key.replace(/\\/g, "\\\\").replace(/`/g, "\\`") + "`";
}

/** The word being typed at the cursor: [start, text]. */
function currentWord(input) {
  const upTo = input.value.slice(0, input.selectionStart ?? input.value.length);
  const match = /[A-Za-z_][\w.`/-]*$/.exec(upTo);
  return match ? [match.index, match[0]] : [upTo.length, ""];
}

async function suggestionsFor(word) {
  const dot = word.indexOf(".");
  if (dot < 0) {
    if (!word) return [];
    return PREFIXES.filter((p) => p.startsWith(word.toLowerCase()) && p !== word);
  }
  const prefix = word.slice(0, dot).toLowerCase();
  const partial = word.slice(dot + 1).replace(/^`/, "").toLowerCase();
  const all = await loadKeys();
  const lists = { metrics: all.metrics, metric: all.metrics, params: all.params, param: all.params, tags: all.tags, tag: all.tags, attributes: ATTRIBUTES, attribute: ATTRIBUTES, datasets: ["name", "digest", "context"] };
  const list = lists[prefix] || [];
  return list.filter((key) => key.toLowerCase().includes(partial)).slice(0, 50).map((key) => `${word.slice(0, dot)}.${quoteKey(key)}`);
}

function listbox() { return document.getElementById("runs-suggestions"); }

function closeSuggestions(input) {
  const box = listbox();
  if (box) { box.hidden = true; box.replaceChildren(); }
  input?.setAttribute("aria-expanded", "false");
  active = -1;
}

function pick(input, text) {
  const [start, word] = currentWord(input);
  const end = start + word.length;
  const rest = input.value.slice(input.selectionStart ?? end);
  const addSpace = !text.endsWith(".");
  input.value = input.value.slice(0, start) + text + (addSpace ? " " : "") + rest.replace(/^\S*/, "");
  const caret = start + text.length + (addSpace ? 1 : 0);
  input.setSelectionRange(caret, caret);
  closeSuggestions(input);
  input.focus();
  if (!addSpace) showSuggestions(input);
}

let suggestionRound = 0;

async function showSuggestions(input) {
  // Keystrokes ask faster than the keys arrive: only the latest answer is drawn, and the
  // option the user moved to stays chosen when the list is drawn again.
  const round = ++suggestionRound;
  const [, word] = currentWord(input);
  const items = await suggestionsFor(word);
  if (round !== suggestionRound) return;
  const box = listbox();
  if (!box) return;
  const chosen = active >= 0 && box.children[active] ? box.children[active].textContent : null;
  box.replaceChildren();
  active = -1;
  input.removeAttribute("aria-activedescendant");
  if (!items.length) { closeSuggestions(input); return; }
  items.forEach((text, index) => {
    const option = document.createElement("li");
    option.setAttribute("role", "option");
    option.id = `runs-suggestion-${index}`;
    option.textContent = text;
    option.addEventListener("mousedown", (event) => { event.preventDefault(); pick(input, text); });
    box.append(option);
  });
  box.hidden = false;
  input.setAttribute("aria-expanded", "true");
  if (chosen !== null && items.includes(chosen)) moveActive(input, items.indexOf(chosen) + 1);
}

function moveActive(input, step) {
  const options = [...listbox().children];
  if (!options.length) return;
  active = (active + step + options.length) % options.length;
  options.forEach((option, index) => option.setAttribute("aria-selected", String(index === active)));
  input.setAttribute("aria-activedescendant", options[active].id);
  options[active].scrollIntoView({ block: "nearest" });
}

document.addEventListener("input", (event) => {
  if (event.target.id === "runs-filter") showSuggestions(event.target);
});

document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (input.id !== "runs-filter") return;
  const box = listbox();
  const open = box && !box.hidden;
  if (event.key === "ArrowDown" && open) { event.preventDefault(); moveActive(input, 1); }
  else if (event.key === "ArrowUp" && open) { event.preventDefault(); moveActive(input, -1); }
  else if ((event.key === "Enter" || event.key === "Tab") && open && active >= 0) {
    event.preventDefault();
    pick(input, box.children[active].textContent);
  } else if (event.key === "Escape" && open) { event.preventDefault(); closeSuggestions(input); }
}, true);

document.addEventListener("focusout", (event) => {
  if (event.target.id === "runs-filter") setTimeout(() => closeSuggestions(event.target), 150);
});

// The typed filter stays as typed when the server says it is wrong (the form is not
// replaced); put the caret where the parser stopped.
document.addEventListener("htmx:afterSettle", () => {
  const error = document.querySelector("[data-filter-error]");
  const input = document.getElementById("runs-filter");
  if (!error || !input) return;
  const match = /at position (\d+)/.exec(error.textContent);
  if (match) {
    const position = Math.min(Number(match[1]), input.value.length);
    input.focus();
    input.setSelectionRange(position, position);
  }
});

// -- auto-refresh ---------------------------------------------------------------------

let timer = null;

function refreshWanted() {
  try { return localStorage.getItem("heron.runs.autorefresh") !== "off"; } catch (e) { return true; }
}

function busy() {
  return selectedRuns().length > 0
    || document.querySelector("#runs button.expander[aria-expanded=true]")
    || document.querySelector("details.menu[open]")
    || document.activeElement?.id === "runs-filter"
    || document.hidden;
}

function scheduleRefresh() {
  clearTimeout(timer);
  const box = results();
  const every = Number(box?.dataset.refreshEvery || 0);
  const toggle = document.querySelector("[data-auto-refresh]");
  if (toggle) toggle.checked = refreshWanted();
  if (!every || !refreshWanted()) return;
  timer = setTimeout(() => {
    if (busy()) { scheduleRefresh(); return; }
    refreshResults();
  }, every);
}

document.addEventListener("change", (event) => {
  if (!event.target.matches?.("[data-auto-refresh]")) return;
  event.stopPropagation();
  try { localStorage.setItem("heron.runs.autorefresh", event.target.checked ? "on" : "off"); } catch (e) { /* private mode */ }
  scheduleRefresh();
}, true);

scheduleRefresh();
updateSelectionCount();

// The CSV link downloads what the URL shows: keep it in step as HTMX changes the URL.
document.addEventListener("htmx:pushedIntoHistory", () => {
  for (const link of document.querySelectorAll("[data-csv-link]")) {
    link.href = `${location.pathname.replace(/\/$/, "")}/runs.csv${location.search}`;
  }
  for (const link of document.querySelectorAll("[data-charts-link]")) {
    link.href = `${location.pathname.replace(/\/$/, "")}/charts${location.search}`;
  }
});
