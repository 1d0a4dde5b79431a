// Behaviour every page shares, wired by data- attributes (no inline script anywhere):
//
//   <form data-api="mlflow/runs/set-tag" data-then="reload">  POST the form's fields as
//       JSON to the REST API; on an error show MLflow's message in the form's
//       [data-form-error]; on success reload the page (or data-then="refresh:#id" to
//       re-fetch that part of it through HTMX, or "go:<url>" to open a page).
//       Extra fixed fields: hidden inputs. data-json="field" inputs are parsed as JSON.
//   <button data-copy="text">             copy text to the clipboard
//   <input data-hotkey="/">               the key that focuses it
//   <button data-theme-toggle>            light -> dark -> system
//   <input type=checkbox data-select-all="name">  (un)check every checkbox of that name
//   <button data-needs-selection="name">  enabled only while a checkbox of that name is checked
//
// Text from the server is put in the page with textContent only, never as HTML.

const prefix = document.querySelector('meta[name="heron-prefix"]')?.getAttribute("content") ?? "";

const csrf = document.querySelector('meta[name="heron-csrf"]')?.getAttribute("content") ?? "";

/** The REST API's URL for a path such as "mlflow/runs/set-tag" (or "3.0/mlflow/..."). */
export function apiUrl(path) {
  const clean = path.replace(/^\/+/, "");
  return /^\d\.0\//.test(clean) ? `${prefix}/ajax-api/${clean}` : `${prefix}/ajax-api/2.0/${clean}`;
}

/** Call the REST API; resolves to the JSON answer, rejects with MLflow's error message. */
export async function callApi(path, body, method = "POST") {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (csrf) init.headers["X-Heron-CSRF"] = csrf;  // a signed-in session's token (auth on)
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(apiUrl(path), init);
  const text = await response.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { message: text }; }
  if (!response.ok) {
    const code = data.error_code ? `${data.error_code}: ` : "";
    throw new Error(`${code}${data.message || response.statusText}`);
  }
  return data;
}

/** Show an error (or clear it) in a form's [data-form-error] element. */
export function showError(container, message) {
  const box = container.querySelector("[data-form-error]");
  if (!box) { if (message) console.error(message); return; }
  box.textContent = message || "";
  box.hidden = !message;
}

function formBody(form) {
  const body = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if ((element.type === "checkbox" || element.type === "radio") && !element.checked) continue;
    let value = element.value;
    if (element.dataset.json !== undefined) {
      try { value = JSON.parse(value); } catch (e) { throw new Error(`${element.name}: not valid JSON`); }
    }
    body[element.name] = value;
  }
  return body;
}

/** What to do after a successful call: reload, refresh a part, or go elsewhere. */
export function afterSuccess(then) {
  if (!then || then === "reload") { location.reload(); return; }
  if (then.startsWith("go:")) { location.assign(then.slice(3)); return; }
  if (then.startsWith("refresh:") && window.htmx) {
    const target = then.slice(8);
    window.htmx.ajax("GET", location.href, { target, select: target, swap: "outerHTML" });
    return;
  }
  location.reload();
}

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-api]");
  if (!form) return;
  event.preventDefault();
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  showError(form, "");
  const submit = form.querySelector("[type=submit]");
  if (submit) submit.disabled = true;
  try {
    await callApi(form.dataset.api, formBody(form), form.dataset.method || "POST");
    afterSuccess(form.dataset.then);
  } catch (error) {
    showError(form, error.message);
  } finally {
    if (submit) submit.disabled = false;
  }
});

document.addEventListener("click", async (event) => {
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    try {
      await navigator.clipboard.writeText(copy.dataset.copy);
      copy.classList.add("copied");
      setTimeout(() => copy.classList.remove("copied"), 1200);
    } catch (e) { /* clipboard refused: nothing to do */ }
    return;
  }
  if (event.target.closest("[data-theme-toggle]")) cycleTheme();
});

document.addEventListener("change", (event) => {
  const all = event.target.closest("input[data-select-all]");
  if (!all) return;
  const scope = all.closest("form, table, section") || document;
  for (const box of scope.querySelectorAll(`input[type=checkbox][name="${CSS.escape(all.dataset.selectAll)}"]`)) {
    box.checked = all.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const active = document.activeElement;
  if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
  const target = document.querySelector(`[data-hotkey="${CSS.escape(event.key)}"]`);
  if (target) { event.preventDefault(); target.focus(); target.select?.(); }
});

/** Enable the buttons that act on a selection only while something is selected. */
export function updateSelectionButtons() {
  for (const button of document.querySelectorAll("[data-needs-selection]")) {
    const name = CSS.escape(button.dataset.needsSelection);
    button.disabled = !document.querySelector(`input[type=checkbox][name="${name}"]:checked`);
  }
}

document.addEventListener("change", updateSelectionButtons);
document.addEventListener("htmx:afterSettle", updateSelectionButtons);
updateSelectionButtons();

// Menus (<details class="menu">): one open at a time, closed by a click elsewhere or
// Escape. A menu inside a scrolling table frame is placed over the page (fixed), above its
// button when there is no room below: the frame clipped the menus of the last rows.

function placeMenu(menu) {
  const body = menu.querySelector(":scope > .menu-body");
  const summary = menu.querySelector(":scope > summary");
  if (!body || !summary || !menu.closest(".table-wrap")) return;
  const anchor = summary.getBoundingClientRect();
  Object.assign(body.style, { position: "fixed", right: "auto", left: "0px", top: "0px" });
  const width = body.offsetWidth;
  const height = body.offsetHeight;
  const left = Math.max(8, Math.min(anchor.right - width, window.innerWidth - width - 8));
  const roomBelow = window.innerHeight - anchor.bottom - 12;
  const above = height > roomBelow && anchor.top - height - 4 > 8;
  body.style.left = `${left}px`;
  body.style.top = `${above ? anchor.top - height - 4 : anchor.bottom + 4}px`;
}

document.addEventListener("toggle", (event) => {
  const menu = event.target;
  if (!(menu instanceof HTMLDetailsElement) || !menu.matches("details.menu") || !menu.open) return;
  for (const other of document.querySelectorAll("details.menu[open]")) {
    if (other !== menu && !other.contains(menu)) other.open = false;
  }
  placeMenu(menu);
}, true);  // toggle does not bubble: caught on its way down

document.addEventListener("click", (event) => {
  if (!event.target.isConnected) return;  // replaced by the click's own update
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    menu.open = false;
    if (menu.contains(document.activeElement)) menu.querySelector(":scope > summary")?.focus();
  }
});

// A fixed menu follows its button when the page or the table scrolls.
document.addEventListener("scroll", () => {
  for (const menu of document.querySelectorAll("details.menu[open]")) placeMenu(menu);
}, true);

const THEMES = ["light", "dark", "system"];

function currentTheme() {
  try { return localStorage.getItem("heron.theme") || "system"; } catch (e) { return "system"; }
}

function applyTheme(theme) {
  const root = document.documentElement;
  if (theme === "system") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", theme);
  for (const label of document.querySelectorAll("[data-theme-label]")) {
    label.textContent = theme === "system" ? "Theme: system" : `Theme: ${theme}`;
  }
}

function cycleTheme() {
  const next = THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length];
  try { localStorage.setItem("heron.theme", next); } catch (e) { /* private mode */ }
  applyTheme(next);
}

applyTheme(currentTheme());
