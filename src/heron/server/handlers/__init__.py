"""Route handlers: one small function per RPC, registered by route name."""

from __future__ import annotations

from heron.server.handlers import (
    bulk,
    charts,
    experiments,
    history,
    logged_models,
    model_versions,
    paired,
    registered_models,
    run_artifacts,
    runs,
    writes,
)
from heron.server.handlers.registry import HANDLERS, QUICK_READS, Handler, handles

__all__ = ["HANDLERS", "QUICK_READS", "Handler", "handles"]

_MODULES = (
    bulk,
    charts,
    experiments,
    history,
    logged_models,
    model_versions,
    paired,
    registered_models,
    run_artifacts,
    runs,
    writes,
)  # imported to register
