"""Model serving: the scoring server, its input parsing and output encoding, batch predict,
Dockerfile generation and the Spark UDF, with ``mlflow models``' protocol.

Nothing heavy is imported here; each module imports pandas, numpy or starlette on first use.
"""

from __future__ import annotations
