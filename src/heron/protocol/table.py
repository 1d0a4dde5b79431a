"""Every route of the REST contract, in one table, and lookups into it.

A new service (logged models, the registry, ...) defines its routes in its own module
under ``heron.protocol`` and adds them to :data:`ROUTES` here; the server serves them and
the REST stores call them from this table.
"""

from __future__ import annotations

from heron.protocol.bulk import BULK_ROUTES
from heron.protocol.charts import CHART_ROUTES
from heron.protocol.charts_paired import PAIRED_ROUTES
from heron.protocol.logged_models import LOGGED_MODEL_ROUTES
from heron.protocol.registry import REGISTRY_ROUTES
from heron.protocol.routes import Route
from heron.protocol.tracking import TRACKING_ROUTES

ROUTES: tuple[Route, ...] = (
    *TRACKING_ROUTES,
    *LOGGED_MODEL_ROUTES,
    *REGISTRY_ROUTES,
    *BULK_ROUTES,
    *CHART_ROUTES,
    *PAIRED_ROUTES,
)
"""Every route, in the order of the OpenAPI document."""

_BY_NAME = {route.name: route for route in ROUTES}


def route_named(name: str) -> Route:
    """The route of an RPC, e.g. ``route_named("CreateRun")``."""
    return _BY_NAME[name]
