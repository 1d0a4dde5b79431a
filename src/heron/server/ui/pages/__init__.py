"""The UI's pages, one module per area; each exposes ``routes(ui)``."""

from __future__ import annotations

from types import ModuleType

from heron.server.ui.pages import (
    account,
    artifacts,
    charts,
    compare,
    experiments,
    models,
    run,
    runs,
    support,
)

MODULES: tuple[ModuleType, ...] = (
    support,
    experiments,
    runs,
    run,
    artifacts,
    models,
    compare,
    charts,
    account,
)
