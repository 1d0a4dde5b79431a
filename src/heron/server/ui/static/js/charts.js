// Metric charts (uPlot): the experiment chart view and the run page's metric chart.
//
//   <script type="application/json" id="chart-config">  {runs: [{id, name, start}], x, x_metric, smooth, log, band}
//   <article data-chart-card data-key="loss">          one card, drawn when it scrolls into view
//
// Each card asks GET /ajax-api/2.0/heron/metrics/sampled for its key (100 runs a call): a
// long series comes per bucket as first/last/min/max points, so spikes stay. Dragging over
// the plot zooms and asks the server again for that range (at full resolution when it is
// short enough). With another metric on the x axis (x "metric", x_metric its key) the cards
// ask GET .../heron/metrics/paired instead (each y point with the x metric's value at its
// step; steps without one are left out) and zoom in the browser. Every user string reaches the page through textContent; uPlot gets
// numbers and plain labels. window.__charts[key] keeps what each card received (for tests).

import { apiUrl } from "./heron.js";
import { runColor } from "./colors.js";

const BUCKETS = 1000;
const RUNS_PER_CALL = 10;  // the server takes at most 100; smaller calls run in parallel
const config = JSON.parse(document.getElementById("chart-config")?.textContent || "{}");
const runs = config.runs || [];
const runsById = new Map(runs.map((run) => [run.id, run]));
const xMode = config.x || "step";
const xMetric = xMode === "metric" ? config.x_metric : null;
window.__charts = window.__charts || {};

async function fetchChunk(key, range, chunk) {
  const params = new URLSearchParams();
  for (const run of chunk) params.append("run_ids", run.id);
  params.append("metric_keys", key);
  params.set("buckets", String(BUCKETS));
  // Time axes draw the series sampled along steps at their points' times, as MLflow's UI
  // does: a step's buckets are read from the write-time summaries; buckets of time are not.
  if (xMetric !== null) params.set("x_key", xMetric);
  else params.set("x", "step");
  if (range) {
    params.set("start_step", String(Math.floor(range[0])));
    params.set("end_step", String(Math.ceil(range[1])));
  }
  const route = xMetric !== null ? "heron/metrics/paired" : "heron/metrics/sampled";
  const response = await fetch(`${apiUrl(route)}?${params}`, {
    headers: { Accept: "application/json" }, credentials: "same-origin",
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.message || response.statusText);
  // Empty columns are left out of the JSON; a paired series may have no pair at all.
  return (data.series || []).map((s) => ({
    ...s, steps: s.steps || [], timestamps: s.timestamps || [], values: s.values || [],
    ...(xMetric !== null ? { x_values: s.x_values || [] } : {}),
  })).filter((s) => s.steps.length);
}

/** Every run's series of ``key`` (in runs' order), asked in parallel chunks of runs. */
async function fetchSeries(key, range) {
  const chunks = [];
  for (let i = 0; i < runs.length; i += RUNS_PER_CALL) chunks.push(runs.slice(i, i + RUNS_PER_CALL));
  const answers = await Promise.all(chunks.map((chunk) => fetchChunk(key, range, chunk)));
  return answers.flat();
}

function xValues(series) {
  if (xMode === "step") return series.steps;
  if (xMetric !== null) return series.x_values;
  if (xMode === "time") return series.timestamps.map((t) => t / 1000);
  const start = runsById.get(series.run_id)?.start ?? series.timestamps[0] ?? 0;
  return series.timestamps.map((t) => (t - start) / 1000);
}

/** Tick labels of wall time (seconds since the epoch), in UTC and 24 hours like the tables:
 * the clock at the spacing's precision, the date under the first tick of each day. */
function timeTicks(splits, spacing) {
  let lastDay = null;
  return splits.map((seconds) => {
    if (seconds === null || seconds === undefined) return null;
    const iso = new Date(seconds * 1000).toISOString();  // YYYY-MM-DDTHH:MM:SS.sssZ
    const day = iso.slice(0, 10);
    if (spacing >= 86400) return day;
    const clock = iso.slice(11, spacing >= 60 ? 16 : spacing >= 1 ? 19 : 23);
    const label = day !== lastDay ? `${clock}\n${day}` : clock;
    lastDay = day;
    return label;
  });
}

/** Tick spacings of relative time, in seconds: round numbers of seconds, minutes, hours. */
const DURATION_STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30,
  60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
];

/** Tick labels of relative time (seconds since the run started) with their unit: seconds,
 * minutes or hours by the span shown (bare numbers left the unit to guess). */
function durationTicks(splits) {
  const span = Math.max(0, ...splits.map((v) => Math.abs(v)));
  const [unit, seconds] = span >= 7200 ? ["h", 3600] : span >= 120 ? ["min", 60] : ["s", 1];
  return splits.map((v) => `${Number((v / seconds).toFixed(2))} ${unit}`);
}

/** The x of the point under the cursor, as the tables show it: times in UTC, durations
 * with their unit, steps as integers. */
function xText(x) {
  if (xMetric !== null) return `${xMetric} = ${Number(x.toPrecision(6))}`;
  if (xMode === "time") return new Date(x * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  if (xMode === "relative") return durationTicks([x])[0];
  return `Step ${x}`;
}

function ema(values, weight) {
  const out = new Array(values.length);
  let last = null;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) { out[i] = null; continue; }
    last = last === null ? v : last * weight + v * (1 - weight);
    out[i] = last;
  }
  return out;
}

function positive(values) {
  return config.log ? values.map((v) => (v !== null && v > 0 ? v : null)) : values;
}

/** Per point, the smallest and largest value of its bucket (the kept points hold both). */
function bucketBand(s) {
  const bucketOf = s.steps.map((x) => Math.floor((x - s.bucket_start) / s.bucket_width));
  const low = new Map();
  const high = new Map();
  s.values.forEach((v, i) => {
    if (v === null) return;
    const b = bucketOf[i];
    if (!low.has(b) || v < low.get(b)) low.set(b, v);
    if (!high.has(b) || v > high.get(b)) high.set(b, v);
  });
  return { lows: bucketOf.map((b) => low.get(b) ?? null), highs: bucketOf.map((b) => high.get(b) ?? null) };
}

function fade(color) {
  return `${color}40`;
}

/** The columns (null ones stay null) reordered by ascending x (uPlot joins series on sorted
 * x; series come in step order, and times or another metric need not grow with the step). */
function byX(xs, columns) {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
  return [order.map((i) => xs[i]), ...columns.map((column) => column && order.map((i) => column[i]))];
}

/** The steps to read again to draw the x window [low, high] of a time axis: those of the
 * points shown in it, and of each series' nearest point on either side (so its line reaches
 * the window's edges); null when no series has a point in or around it. */
function stepsShown(received, low, high) {
  let first = Infinity;
  let last = -Infinity;
  for (const s of received) {
    const xs = xValues(s);
    let before = null;
    let after = null;
    for (let i = 0; i < xs.length; i += 1) {
      const x = xs[i];
      const step = s.steps[i];
      if (x >= low && x <= high) {
        first = Math.min(first, step);
        last = Math.max(last, step);
      } else if (x < low && (before === null || x > before[0])) before = [x, step];
      else if (x > high && (after === null || x < after[0])) after = [x, step];
    }
    if (before !== null) first = Math.min(first, before[1]);
    if (after !== null) last = Math.max(last, after[1]);
  }
  return first <= last ? [first, last] : null;
}

/** uPlot's aligned data and series options for the received series. */
function plotData(received) {
  const tables = [];
  const series = [{}];
  const bands = [];
  for (const s of received) {
    const run = runsById.get(s.run_id);
    const name = run ? run.name : s.run_id;
    const color = runColor(s.run_id);
    const banded = config.band && s.sampled && s.bucket_width && xMetric === null;
    const band = banded ? bucketBand(s) : null;
    const columns = [
      positive(s.values),
      config.smooth > 0 ? positive(ema(s.values, config.smooth)) : null,
      band && band.highs,
      band && band.lows,
    ];
    // Series come in step order; times and another metric need not grow with the step.
    const [xs, raw, smooth, highs, lows] = xMode === "step" ? [xValues(s), ...columns] : byX(xValues(s), columns);
    if (config.smooth > 0) {
      tables.push([xs, raw]);
      series.push({ label: `${name} (raw)`, stroke: fade(color), width: 1, spanGaps: true, raw: true });
      tables.push([xs, smooth]);
      series.push({ label: name, stroke: color, width: 1.5, spanGaps: true, runId: s.run_id });
    } else {
      tables.push([xs, raw]);
      series.push({ label: name, stroke: color, width: 1.5, spanGaps: true, runId: s.run_id });
    }
    if (banded) {
      tables.push([xs, positive(highs)]);
      series.push({ label: `${name} (max)`, stroke: "transparent", spanGaps: true, raw: true });
      tables.push([xs, positive(lows)]);
      series.push({ label: `${name} (min)`, stroke: "transparent", spanGaps: true, raw: true });
      bands.push({ series: [series.length - 2, series.length - 1], fill: fade(color) });
    }
  }
  return { data: tables.length ? window.uPlot.join(tables) : [[]], series, bands };
}

function downloadBlob(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function csvCell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@\t\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(key, received) {
  const paired = xMetric !== null;
  const lines = [`run_id,run_name,key,step,timestamp,value${paired ? ",x_key,x_value" : ""}`];
  for (const s of received) {
    const name = runsById.get(s.run_id)?.name ?? s.run_id;
    for (let i = 0; i < s.steps.length; i += 1) {
      const cells = [s.run_id, name, key, s.steps[i], s.timestamps[i], s.values[i]];
      if (paired) cells.push(xMetric, s.x_values[i]);
      lines.push(cells.map(csvCell).join(","));
    }
  }
  return new Blob([`${lines.join("\n")}\n`], { type: "text/csv" });
}

function fileName(key, extension) {
  return `${key.replace(/[^A-Za-z0-9._-]+/g, "_") || "metric"}.${extension}`;
}

/** The legend: one row per run (name, value under the cursor), text only. */
function drawLegend(card, plot, series) {
  const body = card.querySelector("[data-chart-legend] tbody");
  if (!body) return () => {};
  body.replaceChildren();
  const cells = [];
  series.forEach((s, index) => {
    if (index === 0 || s.raw) return;
    const row = document.createElement("tr");
    const swatch = document.createElement("td");
    const mark = document.createElement("span");
    mark.className = "swatch";
    mark.style.background = s.stroke;
    swatch.appendChild(mark);
    const name = document.createElement("td");
    name.className = "legend-name";
    name.textContent = s.label;
    const value = document.createElement("td");
    value.className = "num";
    value.textContent = "";
    row.append(swatch, name, value);
    body.appendChild(row);
    cells.push([index, value]);
  });
  return (u) => {
    const idx = u.cursor.idx;
    for (const [index, cell] of cells) {
      const v = idx === null || idx === undefined ? null : u.data[index][idx];
      cell.textContent = v === null || v === undefined ? "" : String(Number(v.toPrecision(6)));
    }
    const x = card.querySelector("[data-chart-x]");
    if (x) x.textContent = idx === null || idx === undefined ? "" : xText(u.data[0][idx]);
  };
}

function drawBars(card, key, received) {
  const plot = card.querySelector("[data-chart-plot]");
  plot.replaceChildren();
  const values = received.map((s) => s.values[0]).filter((v) => v !== null);
  const top = Math.max(...values.map((v) => Math.abs(v)), 1e-300);
  const list = document.createElement("div");
  list.className = "bars";
  for (const s of received) {
    const row = document.createElement("div");
    row.className = "bar-row";
    const label = document.createElement("span");
    label.className = "bar-label";
    label.textContent = runsById.get(s.run_id)?.name ?? s.run_id;
    const track = document.createElement("span");
    track.className = "bar-track";
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = `${s.values[0] === null ? 0 : (Math.abs(s.values[0]) / top) * 100}%`;
    bar.style.background = runColor(s.run_id);
    track.appendChild(bar);
    const value = document.createElement("span");
    value.className = "num";
    value.textContent = s.values[0] === null ? "NaN" : String(Number(s.values[0].toPrecision(6)));
    row.append(label, track, value);
    list.appendChild(row);
  }
  plot.appendChild(list);
  card.querySelector("[data-chart-legend]")?.replaceChildren();
}

function record(key, received, kind) {
  window.__charts[key] = {
    kind,
    series: received.length,
    runs: received.map((s) => ({
      run_id: s.run_id, steps: s.steps, timestamps: s.timestamps, values: s.values, x_values: s.x_values,
      sampled: s.sampled, count: s.count, bucket_start: s.bucket_start, bucket_width: s.bucket_width,
    })),
  };
}

async function drawCard(card) {
  const key = card.dataset.key;
  const plotBox = card.querySelector("[data-chart-plot]");
  const status = card.querySelector("[data-chart-status]");
  let received;
  try {
    received = await fetchSeries(key, null);
  } catch (error) {
    if (status) status.textContent = `Could not load: ${error.message}`;
    return;
  }
  if (!received.length) {
    if (status) {
      status.textContent = xMetric === null ? "No point to draw." : `No step where both this metric and ${xMetric} have a value.`;
    }
    record(key, received, "empty");
    return;
  }
  let current = received;
  const tools = card.querySelector(".chart-tools");
  tools?.addEventListener("click", (event) => {
    const action = event.target.closest("[data-chart-action]")?.dataset.chartAction;
    if (action === "csv") downloadBlob(toCsv(key, current), fileName(key, "csv"));
    if (action === "fullscreen") {
      if (document.fullscreenElement) document.exitFullscreen(); else card.requestFullscreen?.();
    }
    if (action === "png") card.querySelector("canvas")?.toBlob((blob) => blob && downloadBlob(blob, fileName(key, "png")));
    if (action === "reset") zoomTo(null);
  });
  if (xMetric === null && received.every((s) => s.values.length === 1)) {
    drawBars(card, key, received);
    record(key, received, "bars");
    return;
  }
  let plot = null;
  let zooming = false;
  let view = null;  // the x window a time axis shows, within the steps read for it
  const reset = card.querySelector('[data-chart-action="reset"]');
  const width = () => Math.max(plotBox.clientWidth, 200);
  const height = () => (document.fullscreenElement === card ? Math.max(window.innerHeight - 160, 200) : 260);

  function render(series) {
    record(key, series, "lines");
    const built = plotData(series);
    let legendUpdate = () => {};
    const serverZoom = xMetric === null;
    // Canvas text cannot use CSS's currentColor (it was drawn black on the dark theme):
    // the plot's own text colour, read at each drawing.
    const ink = getComputedStyle(plotBox).color || "#888888";
    window.__charts[key].axisColor = ink;
    const options = {
      width: width(),
      height: height(),
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: !serverZoom } },
      scales: { x: { time: xMode === "time" }, y: { distr: config.log ? 3 : 1 } },
      // Times in UTC, as every table of the UI shows them (uPlot's default is the browser's zone).
      tzDate: (seconds) => window.uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
      series: built.series,
      bands: built.bands,
      axes: [
        // the x metric's name: canvas text, never markup
        {
          stroke: ink, grid: { stroke: "rgba(128,128,128,0.2)" }, ticks: { stroke: "rgba(128,128,128,0.35)" },
          ...(xMetric !== null ? { label: xMetric } : {}),
          ...(xMode === "time" ? {
            values: (u, splits, axis, space, spacing) => (window.__charts[key].xTicks = timeTicks(splits, spacing)),
          } : {}),
          ...(xMode === "relative" ? {
            incrs: DURATION_STEPS,
            values: (u, splits) => (window.__charts[key].xTicks = durationTicks(splits)),
          } : {}),
        },
        { stroke: ink, grid: { stroke: "rgba(128,128,128,0.2)" }, ticks: { stroke: "rgba(128,128,128,0.35)" }, size: 60 },
      ],
      hooks: {
        setCursor: [(u) => legendUpdate(u)],
        setSelect: [(u) => {
          if (!serverZoom || u.select.width < 2) return;
          const low = u.posToVal(u.select.left, "x");
          const high = u.posToVal(u.select.left + u.select.width, "x");
          u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
          if (xMode === "step") zoomTo([low, high]);
          else zoomTo(stepsShown(current, low, high), [low, high]);
        }],
      },
    };
    plot?.destroy();
    plotBox.replaceChildren();
    plot = new window.uPlot(options, built.data, plotBox);
    if (view !== null) plot.setScale("x", { min: view[0], max: view[1] });
    legendUpdate = drawLegend(card, plot, built.series);
  }

  /** ``range``: the steps to read (null: all); ``shown``: the x window a time axis shows. */
  async function zoomTo(range, shown = null) {
    if (zooming || (range === null && shown !== null)) return;
    zooming = true;
    try {
      current = await fetchSeries(key, range);
      view = shown;
      render(current);
      window.__charts[key].range = range;
      window.__charts[key].view = view;
      if (reset) reset.hidden = range === null;
    } catch (error) {
      if (status) status.textContent = `Could not load: ${error.message}`;
    } finally {
      zooming = false;
    }
  }

  render(received);
  // The theme button or the system's theme changes the colours: draw again in the new ones.
  new MutationObserver(() => render(current)).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => render(current));
  new ResizeObserver(() => plot?.setSize({ width: width(), height: height() })).observe(plotBox);
  document.addEventListener("fullscreenchange", () => plot?.setSize({ width: width(), height: height() }));
}

/** The search box: shows the cards whose metric key holds the text (any case), and the
 * sections that still have one. Cards scrolled into view by it are drawn then. */
function searchCharts(input) {
  const text = input.value.trim().toLowerCase();
  let shown = 0;
  const cards = [...document.querySelectorAll("[data-chart-card]")];
  for (const card of cards) {
    const match = !text || card.dataset.key.toLowerCase().includes(text);
    card.hidden = !match;
    if (match) shown += 1;
  }
  for (const section of document.querySelectorAll("[data-chart-section]")) {
    section.hidden = !section.querySelector("[data-chart-card]:not([hidden])");
  }
  const count = document.querySelector("[data-chart-search-count]");
  if (count) count.textContent = text ? `${shown} of ${cards.length} charts` : "";
}

document.addEventListener("input", (event) => {
  if (event.target.matches("[data-chart-search]")) searchCharts(event.target);
});

function start() {
  const cards = [...document.querySelectorAll("[data-chart-card]")];
  if (!cards.length) return;
  if (!window.uPlot) { setTimeout(start, 20); return; }
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      drawCard(entry.target);
    }
  }, { rootMargin: "200px" });
  for (const card of cards) observer.observe(card);
}

start();
