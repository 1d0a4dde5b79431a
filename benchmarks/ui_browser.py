"""Time from navigation to the first paint of a page's content, in Debian's Chromium.

Each measurement opens a fresh browser context (empty cache, no cookies or storage), injects a
watcher before any page script runs, and navigates. The watcher's ``ready`` test (a
JavaScript expression, e.g. "100 rows of the runs table are in the DOM and the first is the
expected run", giving the elements that show that content) is checked in every animation
frame, just before the browser paints it. In the first frame where it holds, the watcher
records ``performance.now()`` (``ready``), marks those elements for Element Timing, and
queues a task that runs once that frame is done (``frame_done``). The figure is the
Element Timing render time of the marked elements (when the frame showing them reached the
screen, which on a loaded machine can be well after ``frame_done``), or ``frame_done`` for
a page where some navigation got no Element Timing entry (content below the fold), for
every UI alike. All times are ms since the navigation started. Checking once a frame costs
both UIs alike and little, however busy their DOM.
"""

from __future__ import annotations

import contextlib
import json
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Request

VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 180_000
RENDER_WAIT_MS = 3000
MLFLOW_HEADER_ROWS = 2

_WATCHER = """
(() => {
  if (window.top !== window) return;
  const bench = { renders: [] };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier === "bench") bench.renders.push(entry.renderTime || entry.loadTime);
    }
  }).observe({ type: "element", buffered: true });
  const ready = () => (READY);
  const check = () => {
    let found = null;
    try { found = ready(); } catch (error) { found = null; }
    if (!found || !found.length) { requestAnimationFrame(check); return; }
    bench.ready = performance.now();
    for (const element of found) {
      for (const node of [element, ...element.querySelectorAll("*")]) {
        node.setAttribute("elementtiming", "bench");
      }
    }
    setTimeout(() => { bench.painted = performance.now(); }, 0);
  };
  requestAnimationFrame(check);
})();
"""


@dataclass
class Paint:
    """One navigation: ms from its start to the content's readiness and its paint."""

    ready_ms: float
    painted_ms: float
    rendered_ms: float | None
    requests: list[dict[str, Any]] = field(default_factory=list)


def measure(browser: Browser, url: str, ready_js: str, watch_requests: str = "") -> Paint:
    """Navigate a fresh context to ``url`` and time the first paint after ``ready_js`` holds.

    Args:
        browser: The browser.
        url: The page.
        ready_js: A JavaScript expression, true once the content is in the DOM.
        watch_requests: Record the POST bodies of requests whose URL contains this.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        context.add_init_script(_WATCHER.replace("READY", ready_js))
        page = context.new_page()
        seen: list[dict[str, Any]] = []
        if watch_requests:

            def record(request: Request) -> None:
                if watch_requests in request.url:
                    seen.append({"url": request.url, "body": request.post_data})

            page.on("request", record)
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => window.__bench && window.__bench.painted", timeout=TIMEOUT_MS, polling=50
        )
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function("() => window.__bench.renders.length", timeout=RENDER_WAIT_MS)
        bench = page.evaluate("window.__bench")
        rendered = max(bench["renders"], default=None)
        return Paint(float(bench["ready"]), float(bench["painted"]), rendered, seen)
    finally:
        context.close()


def medians(paints: list[Paint], element_timed: bool) -> dict[str, float | int]:
    """Medians (and the spread) of the paint times, in ms.

    Args:
        paints: The navigations.
        element_timed: ``median_ms`` is when the browser reports the frame showing the content
            painted (Element Timing; only for content in the viewport), else the main thread's
            time once that frame is done. The caller picks one for every UI of a page.
    """
    times = [p.rendered_ms if element_timed and p.rendered_ms else p.painted_ms for p in paints]
    return {
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "ready_median_ms": round(statistics.median(p.ready_ms for p in paints), 1),
        "frame_done_median_ms": round(statistics.median(p.painted_ms for p in paints), 1),
        "element_timed": element_timed,
    }


def js_string(text: str) -> str:
    """A JavaScript string literal of ``text``."""
    return json.dumps(text)


def heron_runs_ready(rows: int, first_run: str) -> str:
    """Heron's runs table: ``rows`` rows in the DOM, the first one ``first_run`` (timed: the
    first and the last of them)."""
    return (
        "(() => { const rows = document.querySelectorAll('table#runs tbody tr[data-run-id]');"
        f" return rows.length >= {rows}"
        f" && rows[0].textContent.includes({js_string(first_run)})"
        f" ? [rows[0], rows[{rows - 1}]] : null; }})()"
    )


def mlflow_runs_ready(rows: int, first_run: str) -> str:
    """MLflow's runs grid (ag-grid, which keeps only the visible rows in the DOM): the grid
    holds ``rows`` rows (its ``aria-rowcount`` counts them plus its two header rows, the
    column groups and the columns) and its first row is ``first_run`` (timed: that row, in
    each of the grid's column containers)."""
    return (
        "(() => { const grid = document.querySelector('.ag-root[aria-rowcount]');"
        " if (!grid || Number(grid.getAttribute('aria-rowcount')) < "
        f"{rows + MLFLOW_HEADER_ROWS}) return null;"
        " const cells = Array.from(document.querySelectorAll('.ag-row[row-index=\"0\"]'));"
        " return cells.some("
        f"(row) => row.textContent.includes({js_string(first_run)})) ? cells : null; }})()"
    )


def heron_run_ready(last_param: str, last_metric: str) -> str:
    """Heron's run page: the params and metrics tables, with the last param and metric
    (timed: the rows of both)."""
    return (
        "(() => { const p = document.querySelector('#params');"
        " const m = document.querySelector('#metrics');"
        f" return p && m && p.textContent.includes({js_string(last_param)})"
        f" && m.textContent.includes({js_string(last_metric)})"
        " ? [p.querySelector('tbody tr:last-child') || p,"
        " m.querySelector('tbody tr:last-child') || m] : null; })()"
    )


def mlflow_run_ready(last_param: str, last_metric: str) -> str:
    """MLflow's run page: its params and metrics tables (it renders every row) show the last
    param and the last metric (timed: the elements holding those names)."""
    return (
        "(() => { const text = document.body ? document.body.textContent : '';"
        f" if (!text.includes({js_string(last_param)})"
        f" || !text.includes({js_string(last_metric)})) return null;"
        ' const find = (name) => document.evaluate(`//*[text()="${name}"]`, document,'
        " null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;"
        f" return [find({js_string(last_param)}), find({js_string(last_metric)})]"
        ".filter(Boolean); })()"
    )
