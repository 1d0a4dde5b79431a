// The compare page's plots (ECharts): parallel coordinates, scatter, box plot and contour,
// drawn from the JSON the server put in #compare-data (options: compare_plots.js). Every
// choice is written back to the URL (history.replaceState), so a view can be shared.
// Both scripts load async: the plot is drawn while the tables below it are still arriving.

import { runColor } from "./colors.js";
import {
  BUILDERS, categories, colours, contour, fields, label, load, runs, setContour, state,
} from "./compare_plots.js";

let element;
let message;
const CHOICES = ["parallel_color", "scatter_x", "scatter_y", "box_x", "box_y", "contour_x", "contour_y", "contour_z"];
const STATE_KEYS = ["plot", "parallel_axes", ...CHOICES];
let chart = null;
let brushed = new Map();  // parallel axis id -> intervals
let contourRequest = 0;
let contourUrl = "";

// -- drawing --------------------------------------------------------------------------------

function draw() {
  if (!window.echarts || !state) return;
  if (!chart) {
    chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.on("axisareaselected", (event) => {
      brushed.set(event.parallelAxisId, event.intervals || []);
      showBrushed();
    });
    new ResizeObserver(resizeChart).observe(element);  // its first call is no change
  }
  const option = BUILDERS[state.plot](colours());
  message.hidden = !option.problem;
  message.textContent = option.problem || "";
  element.hidden = Boolean(option.problem);
  const note = document.querySelector("[data-plot-note]");
  note.textContent = option.note || "";
  note.hidden = !option.note;
  delete option.note;
  if (option.problem) { chart.clear(); return; }
  chart.setOption(option, { notMerge: true });
  resizeChart();  // after a hidden plot shows again
}

/** Fit the chart to its element: a second full render, so only when the size changed. */
function resizeChart() {
  if (chart.getWidth() !== element.clientWidth || chart.getHeight() !== element.clientHeight) chart.resize();
}

/** How many runs the brushed ranges of the parallel axes keep, and a link comparing them. */
function showBrushed() {
  const box = document.querySelector("[data-brushed]");
  const axes = state.parallel_axes.map((id) => fields.get(id)).filter(Boolean);
  const active = [...brushed.entries()].filter(([, intervals]) => intervals.length);
  if (!active.length) { box.hidden = true; return; }
  const kept = runs.filter((run, index) => active.every(([id, intervals]) => {
    const field = axes[Number(id.replace("axis-", ""))];
    if (!field) return true;
    let value = field.values[index];
    if (value === null) return false;
    if (!field.numeric) value = categories(field).indexOf(String(value));
    return intervals.some(([low, high]) => low <= value && value <= high);
  }));
  box.hidden = false;
  box.querySelector("[data-brushed-count]").textContent = `${kept.length} of ${runs.length} runs in the ranges.`;
  const link = box.querySelector("[data-brushed-link]");
  const params = new URLSearchParams();
  for (const run of kept) params.append("runs", run.id);
  link.href = `${location.pathname}?${params}`;
  link.hidden = !kept.length;
}

// -- state in the URL -----------------------------------------------------------------------

function writeUrl() {
  const params = new URLSearchParams(location.search);
  for (const key of STATE_KEYS) params.delete(key);
  if (state.plot !== "parallel") params.set("plot", state.plot);
  for (const axis of state.parallel_axes) params.append("parallel_axes", axis);
  for (const key of CHOICES) if (state[key]) params.set(key, state[key]);
  history.replaceState(null, "", `${location.pathname}?${params}`);
  // The table's links (differences only, transpose) keep the plots' choices.
  for (const link of document.querySelectorAll("a[data-view-link], a[data-plot-tab]")) {
    const url = new URL(link.href);
    for (const key of STATE_KEYS) url.searchParams.delete(key);
    for (const [key, value] of params) if (STATE_KEYS.includes(key)) url.searchParams.append(key, value);
    if (link.dataset.plotTab) {
      url.searchParams.delete("plot");
      if (link.dataset.plotTab !== "parallel") url.searchParams.set("plot", link.dataset.plotTab);
    }
    link.href = url.pathname + url.search;
  }
}

async function loadContour() {
  const request = ++contourRequest;
  const params = new URLSearchParams(location.search);
  for (const key of ["contour_x", "contour_y", "contour_z"]) params.set(key, state[key] || "");
  setContour(null);
  draw();
  let answer;
  try {
    const response = await fetch(`${contourUrl}?${params}`, { headers: { Accept: "application/json" } });
    answer = await response.json();
    if (!response.ok) answer = { message: answer.message || response.statusText };
  } catch (error) {
    answer = { message: `The contour could not be loaded: ${error.message}` };
  }
  if (request !== contourRequest) return;
  setContour(answer);
  if (state.plot === "contour") draw();
}

function openTab(plot) {
  state.plot = plot;
  for (const tab of document.querySelectorAll("[data-plot-tab]")) {
    if (tab.dataset.plotTab === plot) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
  }
  for (const controls of document.querySelectorAll("[data-plot-controls]")) controls.hidden = controls.dataset.plotControls !== plot;
  writeUrl();
  if (plot === "contour" && !contour) loadContour(); else draw();
}

// -- the axes of the parallel coordinates ------------------------------------------------------

function renderChips() {
  const list = document.querySelector("[data-axis-chips]");
  const chips = state.parallel_axes.map((id, index) => {
    const field = fields.get(id);
    const name = field ? label(field) : id;
    const item = document.createElement("li");
    item.className = "axis-chip";
    const text = document.createElement("span");
    text.textContent = name;
    text.title = name;
    item.append(text);
    for (const [move, symbol, what] of [[-1, "←", "left"], [1, "→", "right"], [0, "×", "remove"]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "icon-button";
      button.textContent = symbol;
      button.setAttribute("aria-label", move ? `Move ${name} ${what}` : `Remove axis ${name}`);
      button.disabled = (move === -1 && index === 0) || (move === 1 && index === state.parallel_axes.length - 1);
      button.addEventListener("click", () => moveAxis(index, move));
      item.append(button);
    }
    return item;
  });
  list.replaceChildren(...chips);
  for (const box of document.querySelectorAll("[data-parallel-axis]")) box.checked = state.parallel_axes.includes(box.value);
}

function moveAxis(index, move) {
  const axes = state.parallel_axes;
  if (move === 0) axes.splice(index, 1);
  else [axes[index], axes[index + move]] = [axes[index + move], axes[index]];
  axesChanged();
}

function axesChanged() {
  brushed = new Map();
  showBrushed();
  renderChips();
  writeUrl();
  draw();
}

// -- wiring -----------------------------------------------------------------------------------

document.addEventListener("click", (event) => {
  const tab = event.target.closest("[data-plot-tab]");
  if (tab && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
    event.preventDefault();
    openTab(tab.dataset.plotTab);
  }
  if (event.target.closest("[data-plot-download]") && chart) {
    const link = document.createElement("a");
    link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: colours().bg });
    link.download = `compare-${state.plot}.png`;
    link.click();
  }
});

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("[data-plot-choice]")) {
    state[target.name] = target.value;
    writeUrl();
    if (target.name.startsWith("contour_")) loadContour(); else draw();
  } else if (target.matches("[data-parallel-axis]")) {
    const axes = state.parallel_axes.filter((id) => id !== target.value);
    if (target.checked) axes.push(target.value);
    state.parallel_axes = axes;
    axesChanged();
  }
});

function colourChips() {
  for (const chip of document.querySelectorAll("[data-run-color]:not([data-coloured])")) {
    chip.style.background = runColor(chip.dataset.runColor);
    chip.dataset.coloured = "";
  }
}

/** Resolves once the parser is past the plots' JSON (the tables' toolbar follows it). */
function dataParsed() {
  const present = () => document.getElementById("compare-tables");
  if (present() || document.readyState !== "loading") return Promise.resolve();
  return new Promise((resolve) => {
    const watcher = new MutationObserver(() => {
      if (present()) { watcher.disconnect(); resolve(); }
    });
    watcher.observe(document.documentElement, { childList: true, subtree: true });
  });
}

function echartsLoaded() {
  if (window.echarts) return Promise.resolve();
  const script = document.querySelector("script[data-echarts]");
  return new Promise((resolve) => script.addEventListener("load", resolve, { once: true }));
}

async function start() {
  await dataParsed();
  const data = JSON.parse(document.getElementById("compare-data").textContent);
  load(data);
  contourUrl = data.contour_url;
  element = document.querySelector("[data-plot]");
  message = document.querySelector("[data-plot-message]");
  colourChips();
  renderChips();
  await echartsLoaded();
  if (state.plot === "contour" && !contour) loadContour(); else draw();
  // Redraw in the other theme's colours.
  new MutationObserver(draw).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", draw);
}

document.addEventListener("htmx:afterSettle", colourChips);  // the rows after the first screen
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", colourChips);
else colourChips();
start();
