"""How metric values compare after a round trip through a tracking store."""

from __future__ import annotations

import math
import sys
from typing import Any

T0 = 1_700_000_000_000  # metric timestamps are explicit, so read-backs compare exactly


def same_value(got: float, sent: float) -> bool:
    """``got`` is ``sent`` as a SQL store keeps it: NaN stays NaN, +/-inf may clamp."""
    if math.isnan(sent):
        return math.isnan(got)
    if math.isinf(sent):
        return got in (sent, math.copysign(sys.float_info.max, sent))
    return got == sent


def same_points(got: list[list[Any]], sent: list[list[Any]]) -> bool:
    """Two histories of ``[step, value, timestamp]`` points hold the same points."""
    if len(got) != len(sent):
        return False
    return all(
        g[0] == s[0] and g[2] == s[2] and same_value(g[1], s[1])
        for g, s in zip(sorted(got, key=_order), sorted(sent, key=_order), strict=True)
    )


def _order(point: list[Any]) -> tuple[int, int, float]:
    value = point[1]
    return point[0], point[2], -math.inf if math.isnan(value) else value
