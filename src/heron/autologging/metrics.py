"""Buffered metric logging for autologging callbacks (a metric per epoch or per step).

Training loops report metrics far more often than a tracking store should be called.
:class:`MetricsBatcher` collects them and sends one ``log_batch`` per flush (every
``flush_every`` points, at most every ``flush_seconds``, and at :meth:`flush`), through the
async logger when ``synchronous=False``. A failed write is reported, never raised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heron.autologging.patching import report_failure

if TYPE_CHECKING:
    from heron.entities import Metric, Param, RunTag


def _to_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class MetricsBatcher:
    """Collects metrics, params and tags for one run and writes them in batches.

    Args:
        run_id: The run to log to.
        integration: The flavor name (for failure reports).
        flush_every: Send once this many metric points are waiting.
        flush_seconds: Also send when the last send is older than this.
        synchronous: ``False`` queues writes on the async logger.
    """

    def __init__(
        self,
        run_id: str,
        integration: str,
        flush_every: int = 1000,
        flush_seconds: float = 10.0,
        synchronous: bool = True,
    ):
        self.run_id = run_id
        self.integration = integration
        self._flush_every = flush_every
        self._flush_seconds = flush_seconds
        self._synchronous = synchronous
        self._lock = threading.Lock()
        self._metrics: list[Metric] = []
        self._params: list[Param] = []
        self._tags: list[RunTag] = []
        self._last_flush = time.monotonic()

    def record_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        """Queue metric values (non-numeric ones are skipped) at ``step`` (default 0)."""
        # The entities are imported here, not with the flavors that load models.
        from heron.entities import Metric

        timestamp = int(time.time() * 1000)
        points = []
        for key, raw in metrics.items():
            value = _to_float(raw)
            if value is not None:
                points.append(Metric(str(key), value, timestamp, step or 0))
        with self._lock:
            self._metrics.extend(points)
            due = len(self._metrics) >= self._flush_every
            due = due or time.monotonic() - self._last_flush >= self._flush_seconds
        if due:
            self.flush()

    def record_params(self, params: Mapping[str, Any]) -> None:
        """Queue params (values converted with ``str``, as MLflow does)."""
        from heron.entities import Param

        with self._lock:
            self._params.extend(Param(str(k), str(v)) for k, v in params.items())

    def record_tags(self, tags: Mapping[str, Any]) -> None:
        """Queue run tags."""
        from heron.entities import RunTag

        with self._lock:
            self._tags.extend(RunTag(str(k), str(v)) for k, v in tags.items())

    def flush(self) -> None:
        """Send everything queued in ``log_batch`` calls; failures become warnings."""
        from heron.tracking import session

        with self._lock:
            metrics, params, tags = self._metrics, self._params, self._tags
            self._metrics, self._params, self._tags = [], [], []
            self._last_flush = time.monotonic()
        if not (metrics or params or tags):
            return
        try:
            session.client().log_batch(
                self.run_id, metrics, params, tags, synchronous=self._synchronous
            )
        except Exception as error:
            report_failure(self.integration, "logging metrics failed", error)
