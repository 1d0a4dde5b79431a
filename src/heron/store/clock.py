"""The time the client stamps on runs and metrics."""

from __future__ import annotations

import time


def now_millis() -> int:
    """Milliseconds since the epoch, MLflow's unit for every timestamp."""
    return time.time_ns() // 1_000_000
