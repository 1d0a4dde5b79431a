"""The UI's pages, one module per area; each exposes ``routes(ui)``."""

from __future__ import annotations

from types import ModuleType

from heron.server.ui.pages import experiments, models

MODULES: tuple[ModuleType, ...] = (experiments, models)
