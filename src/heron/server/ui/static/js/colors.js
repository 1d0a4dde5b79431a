// One colour per run, the same on every page and chart: a hash of the run id picks a
// palette entry, so a run keeps its colour whatever else is shown next to it.

/** Colours readable on the light and the dark theme alike. */
export const PALETTE = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b",
  "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e",
];

/** FNV-1a hash of a string, as an unsigned 32-bit number. */
export function hashText(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The colour of a run, from its id. */
export function runColor(runId) {
  return PALETTE[hashText(String(runId)) % PALETTE.length];
}
