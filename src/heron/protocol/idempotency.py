"""Creates that a client may send again: the rule both the server and Heron's client follow.

A create whose response is lost (a dropped connection, a proxy timeout) is sent again by
clients that retry. Without care that makes a second run, version or logged model. A Heron
server answers a repeated create with the first one's result when either:

- the request carries :data:`REQUEST_ID_HEADER` (Heron's client sends a new random id per
  call and the same id on each retry of it) and the same route, id and body were answered
  within :data:`REQUEST_ID_WINDOW_S`; this covers :data:`REQUEST_ID_ROUTES`;
- or, for clients that retry on their own without an id (MLflow's Python client, known by
  its User-Agent), the same route and byte-identical body came from the same client
  (address and credentials) within the server's fingerprint window (default
  :data:`FINGERPRINT_WINDOW_S` seconds); this covers :data:`FINGERPRINT_ROUTES`.
  ``runs/create`` bodies carry the client's start time, so two runs a user creates are rarely
  alike; child runs (a ``mlflow.parentRunId`` tag) are never fingerprinted, since MLflow's
  autolog creates a parameter search's children with one body; a ``logged-models/create``
  is only answered again while the first model is still PENDING (a finished ``log_model``
  is never mistaken for a retry).

Only successful answers are remembered; a failed create runs again when retried.
"""

from __future__ import annotations

REQUEST_ID_HEADER = "X-Heron-Request-Id"
REQUEST_ID_WINDOW_S = 600.0
"""How long a request id's answer is kept (longer than a client's whole retry schedule)."""
FINGERPRINT_WINDOW_S = 120.0
"""Default for ``HERON_SERVER_IDEMPOTENCY_WINDOW``: how long an identical create from the
same MLflow client is taken for a retry."""
FINGERPRINT_ROUTES = frozenset(
    {"CreateRun", "CreateModelVersion", "CreateLoggedModel", "ImportRun"}
)
REQUEST_ID_ROUTES = FINGERPRINT_ROUTES | {"CreateExperiment", "CreateRegisteredModel"}
"""With an id, also creates of uniquely named objects: a retry of one that succeeded gets
its answer instead of RESOURCE_ALREADY_EXISTS."""
RETRYING_CLIENT_AGENTS = ("mlflow-python-client/",)
"""User-Agent prefixes of clients that re-send creates without a request id."""
