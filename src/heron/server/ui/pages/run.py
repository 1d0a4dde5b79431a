"""(being written)"""

from __future__ import annotations

from starlette.routing import BaseRoute

from heron.server.ui.context import UiContext


def routes(ui: UiContext) -> list[BaseRoute]:
    return []
