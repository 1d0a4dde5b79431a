// The compare page's four plots as ECharts options, built from the JSON the server put in
// the page (see compare.js, which draws them and keeps their choices in the URL).
//
// Names and values come from users: ECharts gets them as plain text (axis names, category
// labels: drawn on the canvas), and every tooltip is a DOM element built with textContent,
// never an HTML string.

import { runColor } from "./colors.js";

export const RUN_COLOURS = "run";
const SCALE = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"];
const keyCounts = new Map();

// The page's data: live bindings, read by compare.js too.
export let state = null;
export let runs = [];
export let fields = new Map();
export let contour = null;

/** Take the page's data (the parsed #compare-data). */
export function load(data) {
  state = data.state;
  runs = data.runs;
  fields = new Map(data.fields.map((field) => [field.id, field]));
  contour = data.contour;
  for (const field of data.fields) keyCounts.set(field.key, (keyCounts.get(field.key) || 0) + 1);
}

/** Replace the contour grid (null while a new one loads). */
export function setContour(value) {
  contour = value;
}

// -- text ---------------------------------------------------------------------------------

/** A field's name as shown: its key, with its kind when a param and a metric share it. */
export function label(field) {
  return keyCounts.get(field.key) > 1 ? `${field.key} (${field.kind})` : field.key;
}

/** A value as text: numbers to 6 significant digits, none as a dash. */
function fmt(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** A number as an axis label: 3 significant digits. */
function short(value) {
  return String(Number(value.toPrecision(3)));
}

/** A tooltip: a title line and "name: value" lines, as DOM built from text. */
function tip(title, lines, color) {
  const box = document.createElement("div");
  box.className = "plot-tip";
  const head = document.createElement("div");
  head.className = "plot-tip-title";
  if (color) {
    const chip = document.createElement("span");
    chip.className = "run-chip";
    chip.style.background = color;
    head.append(chip);
  }
  head.append(document.createTextNode(title));
  box.append(head);
  for (const [name, value] of lines) {
    const line = document.createElement("div");
    const key = document.createElement("span");
    key.className = "plot-tip-key";
    key.textContent = `${name}: `;
    line.append(key, document.createTextNode(value));
    box.append(line);
  }
  return box;
}

// -- theme ----------------------------------------------------------------------------------

export function colours() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  const bg = read("--bg");
  return { fg: read("--fg"), soft: read("--fg-soft"), border: read("--border"), bg, dark: isDark(bg) };
}

/** Whether a #rrggbb background is dark. */
function isDark(colour) {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!match) return false;
  const [r, g, b] = match.slice(1).map((hex) => parseInt(hex, 16));
  return 0.299 * r + 0.587 * g + 0.114 * b < 128;
}

/** The colour scale of lines: on a dark background without its darkest purples, which
 * left the lines of the lowest values invisible. */
function lineScale(c) {
  return c.dark ? SCALE.slice(2) : SCALE;
}

function axisStyle(c) {
  return {
    nameTextStyle: { color: c.fg, width: 140, overflow: "truncate" },
    axisLine: { lineStyle: { color: c.soft } },
    axisTick: { lineStyle: { color: c.soft } },
    axisLabel: { color: c.soft, width: 90, overflow: "truncate" },
    splitLine: { lineStyle: { color: c.border, opacity: 0.6 } },
  };
}

function base(c) {
  return {
    animation: false,
    textStyle: { color: c.fg },
    tooltip: {
      confine: true,
      backgroundColor: c.bg,
      borderColor: c.border,
      textStyle: { color: c.fg },
    },
  };
}

// -- values -----------------------------------------------------------------------------------

/** Sorted distinct values of a non-numeric field (numbers in text sort as numbers). */
export function categories(field) {
  const values = [...new Set(field.values.filter((v) => v !== null).map(String))];
  return values.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Whether a param reads better on a log scale (learning rates...): positive values
 * spanning 100x or more, as the server's contour grid decides too. */
function logScale(field) {
  if (field.kind !== "param") return false;
  const numbers = field.values.filter((v) => typeof v === "number");
  if (!numbers.length || Math.min(...numbers) <= 0) return false;
  return Math.max(...numbers) / Math.min(...numbers) >= 100;
}

function axisFor(field, c, extra = {}) {
  const style = axisStyle(c);
  if (field.numeric) {
    const type = logScale(field) ? "log" : "value";
    return { type, scale: true, name: label(field), ...style, ...extra };
  }
  return { type: "category", data: categories(field), name: label(field), ...style, ...extra };
}

function extent(values) {
  const numbers = values.filter((v) => typeof v === "number");
  if (!numbers.length) return null;
  let low = Math.min(...numbers);
  let high = Math.max(...numbers);
  if (low === high) { low -= 1; high += 1; }
  return [low, high];
}

/** Quantile of sorted numbers, interpolated linearly. */
function quantile(sorted, q) {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

// -- the four plots -------------------------------------------------------------------------

function parallelOption(c) {
  const axes = state.parallel_axes.map((id) => fields.get(id)).filter(Boolean);
  if (axes.length < 2) return { problem: "Choose two axes or more." };
  const colour = state.parallel_color === RUN_COLOURS ? null : fields.get(state.parallel_color);
  const range = colour && extent(colour.values);
  const line = (run, index) => {
    const value = axes.map((field) => field.values[index]);
    if (range) value.push(colour.values[index]);  // the visual map's own (last) dimension
    const item = { value, name: run.name, runIndex: index };
    if (!colour) item.lineStyle = { color: runColor(run.id) };
    return item;
  };
  const series = (data, extra = {}) => ({
    type: "parallel",
    smooth: false,
    inactiveOpacity: 0.06,
    activeOpacity: 1,
    lineStyle: { width: 1.6, opacity: 0.75 },
    emphasis: { lineStyle: { width: 3, opacity: 1 } },
    data,
    ...extra,
  });
  // ECharts draws no line for an empty value in the visual map's dimension: runs without
  // the colour metric are a second series, drawn grey.
  const coloured = range ? runs.map(line).filter((item) => typeof item.value[axes.length] === "number") : runs.map(line);
  const grey = range ? runs.map(line).filter((item) => typeof item.value[axes.length] !== "number") : [];
  const option = {
    ...base(c),
    parallel: { left: 70, right: colour ? 190 : 70, top: 70, bottom: 40, parallelAxisDefault: { realtime: true } },
    parallelAxis: axes.map((field, index) => ({
      ...axisFor(field, c),
      id: `axis-${index}`,
      dim: index,
      nameLocation: "end",
      nameGap: 18,
      nameRotate: axes.length > 8 ? 20 : 0,
    })),
    series: [series(coloured)],
  };
  if (grey.length) {
    option.series.push(series(grey, { name: "without colour", lineStyle: { width: 1.2, opacity: 0.6, color: c.soft, type: "dashed" } }));
  }
  const incomplete = runs.filter((run, index) => axes.some((field) => field.values[index] === null)).length;
  if (incomplete) option.note = `${incomplete} of ${runs.length} runs lack a value on some axis: their lines skip it.`;
  option.tooltip.trigger = "item";
  option.tooltip.formatter = (params) => {
    const index = params.data.runIndex;
    const lines = axes.map((field) => [label(field), fmt(field.values[index])]);
    return tip(runs[index].name, lines, runColor(runs[index].id));
  };
  if (range) {
    option.visualMap = {
      type: "continuous",
      seriesIndex: 0,
      dimension: axes.length,
      min: range[0],
      max: range[1],
      calculable: true,
      precision: 4,
      right: 24,
      top: "middle",
      itemHeight: 220,
      text: [label(colour), ""],
      textStyle: { color: c.fg, width: 120, overflow: "truncate" },
      inRange: { color: lineScale(c) },
    };
  }
  return option;
}

function scatterOption(c) {
  const x = fields.get(state.scatter_x);
  const y = fields.get(state.scatter_y);
  if (!x || !y) return { problem: "Choose a field for each axis." };
  const points = [];
  runs.forEach((run, index) => {
    const px = x.values[index];
    const py = y.values[index];
    if (px === null || py === null) return;
    points.push({
      value: [x.numeric ? px : String(px), y.numeric ? py : String(py)],
      name: run.name,
      runIndex: index,
      itemStyle: { color: runColor(run.id) },
    });
  });
  if (!points.length) return { problem: "No run has both values." };
  const option = {
    ...base(c),
    grid: { left: 80, right: 40, top: 56, bottom: 60, containLabel: false },
    xAxis: axisFor(x, c, { nameLocation: "middle", nameGap: 32 }),
    yAxis: axisFor(y, c, { nameLocation: "end", nameGap: 14 }),
    series: [{ type: "scatter", symbolSize: 11, data: points, emphasis: { scale: 1.6 } }],
  };
  if (points.length < runs.length) option.note = `${runs.length - points.length} of ${runs.length} runs lack one of the values.`;
  option.tooltip.trigger = "item";
  option.tooltip.formatter = (params) => {
    const index = params.data.runIndex;
    const lines = [[label(x), fmt(x.values[index])], [label(y), fmt(y.values[index])]];
    return tip(runs[index].name, lines, runColor(runs[index].id));
  };
  return option;
}

function boxOption(c) {
  const by = fields.get(state.box_x);
  const metric = fields.get(state.box_y);
  if (!by || !metric) return { problem: "A box plot needs a metric and a param." };
  const groups = new Map();
  runs.forEach((run, index) => {
    const value = metric.values[index];
    if (value === null) return;
    const key = by.values[index] === null ? "–" : fmt(by.values[index]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(index);
  });
  if (!groups.size) return { problem: "No run has this metric." };
  const names = [...groups.keys()].sort((a, b) => {
    const [na, nb] = [Number(a), Number(b)];
    return by.numeric && !Number.isNaN(na) && !Number.isNaN(nb) ? na - nb : a.localeCompare(b, undefined, { numeric: true });
  });
  const stats = names.map((name) => {
    const values = groups.get(name).map((index) => metric.values[index]).sort((a, b) => a - b);
    return [values[0], quantile(values, 0.25), quantile(values, 0.5), quantile(values, 0.75), values[values.length - 1]];
  });
  const points = [];
  names.forEach((name) => {
    for (const index of groups.get(name)) {
      points.push({ value: [name, metric.values[index]], runIndex: index, itemStyle: { color: runColor(runs[index].id) } });
    }
  });
  const option = {
    ...base(c),
    grid: { left: 80, right: 40, top: 56, bottom: 60 },
    xAxis: { ...axisFor({ ...by, numeric: false, values: names }, c), data: names, nameLocation: "middle", nameGap: 32 },
    yAxis: axisFor(metric, c, { nameLocation: "end", nameGap: 14 }),
    series: [
      { type: "boxplot", name: "box", data: stats, itemStyle: { color: "transparent", borderColor: c.soft } },
      { type: "scatter", name: "runs", data: points, symbolSize: 8 },
    ],
  };
  if (points.length < runs.length) option.note = `${runs.length - points.length} of ${runs.length} runs lack this metric.`;
  option.tooltip.trigger = "item";
  option.tooltip.formatter = (params) => {
    if (params.seriesType === "boxplot") {
      const [low, q1, median, q3, high] = stats[params.dataIndex];
      const count = groups.get(names[params.dataIndex]).length;
      return tip(`${label(by)} = ${names[params.dataIndex]}`, [
        ["runs", String(count)], ["max", fmt(high)], ["Q3", fmt(q3)], ["median", fmt(median)],
        ["Q1", fmt(q1)], ["min", fmt(low)],
      ]);
    }
    const index = params.data.runIndex;
    return tip(runs[index].name, [[label(by), fmt(by.values[index])], [label(metric), fmt(metric.values[index])]], runColor(runs[index].id));
  };
  return option;
}

function padded(centres, log) {
  const first = centres[0];
  const last = centres[centres.length - 1];
  if (log) {
    const step = (Math.log10(last) - Math.log10(first)) / (centres.length - 1);
    return [10 ** (Math.log10(first) - step / 2), 10 ** (Math.log10(last) + step / 2)];
  }
  const step = (last - first) / (centres.length - 1);
  return [first - step / 2, last + step / 2];
}

function contourOption(c) {
  if (!contour) return { problem: "Loading…" };
  if (!contour.grid) return { problem: contour.message || "No contour for these choices." };
  const grid = contour.grid;
  const [x, y, z] = [fields.get(contour.x), fields.get(contour.y), fields.get(contour.z)];
  if (!x || !y || !z) return { problem: "No contour for these choices." };
  const cells = [];
  let low = Infinity;
  let high = -Infinity;
  grid.values.forEach((row, j) => row.forEach((value, i) => {
    cells.push([i, j, value]);
    low = Math.min(low, value);
    high = Math.max(high, value);
  }));
  if (low === high) high = low + 1;
  const points = [];
  runs.forEach((run, index) => {
    const [px, py, pz] = [x.values[index], y.values[index], z.values[index]];
    if (typeof px !== "number" || typeof py !== "number" || typeof pz !== "number") return;
    points.push({ value: [px, py], runIndex: index });
  });
  const style = axisStyle(c);
  const hidden = { show: false, splitLine: { show: false } };
  const every = Math.ceil(grid.x.length / 6);
  const sparse = { axisTick: { interval: every - 1 } };
  sparse.axisLabel = { ...style.axisLabel, interval: every - 1 };
  const [xMin, xMax] = padded(grid.x, grid.log_x);
  const [yMin, yMax] = padded(grid.y, grid.log_y);
  const option = {
    ...base(c),
    grid: { left: 80, right: 170, top: 56, bottom: 60 },
    xAxis: [
      { type: "category", data: grid.x.map(short), name: label(x), nameLocation: "middle", nameGap: 32, ...style, ...sparse, splitLine: { show: false } },
      { type: grid.log_x ? "log" : "value", min: xMin, max: xMax, ...hidden },
    ],
    yAxis: [
      { type: "category", data: grid.y.map(short), name: label(y), nameLocation: "end", nameGap: 14, ...style, ...sparse, splitLine: { show: false } },
      { type: grid.log_y ? "log" : "value", min: yMin, max: yMax, ...hidden },
    ],
    visualMap: {
      type: "piecewise",
      seriesIndex: 0,
      dimension: 2,
      min: low,
      max: high,
      splitNumber: 8,
      showLabel: true,
      formatter: (low, high) => `${short(low)} – ${short(high)}`,
      right: 10,
      top: "middle",
      text: [label(z), ""],
      textStyle: { color: c.fg },
      inRange: { color: SCALE },
    },
    series: [
      { type: "heatmap", data: cells, progressive: 0 },
      {
        type: "scatter", xAxisIndex: 1, yAxisIndex: 1, data: points, symbolSize: 9,
        itemStyle: { color: "#ffffff", borderColor: "#111111", borderWidth: 1.5 },
      },
    ],
  };
  option.tooltip.trigger = "item";
  option.tooltip.formatter = (params) => {
    if (params.seriesType === "heatmap") {
      const [i, j, value] = params.data;
      return tip(`${label(z)} ≈ ${fmt(value)}`, [[label(x), fmt(grid.x[i])], [label(y), fmt(grid.y[j])]]);
    }
    const index = params.data.runIndex;
    const lines = [x, y, z].map((field) => [label(field), fmt(field.values[index])]);
    return tip(runs[index].name, lines, runColor(runs[index].id));
  };
  return option;
}

/** The option of each plot (or `{ problem }` saying why there is none). */
export const BUILDERS = { parallel: parallelOption, scatter: scatterOption, box: boxOption, contour: contourOption };
