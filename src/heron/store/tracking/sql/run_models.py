"""Links between runs and logged models: models a run produced (its outputs) or used (its
inputs), and metric points a run logged for a model."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from heron.entities import LoggedModelInput, LoggedModelOutput
from heron.exceptions import InvalidParameter
from heron.store.db import Database
from heron.store.db.dialect import Dialect
from heron.store.db.drivers import Cursor
from heron.store.tracking.sql.logged_models import require_models
from heron.store.tracking.sql.runs import require_active_run
from heron.validation import INT64_MAX, INT64_MIN

_INSERT_OUTPUT = (
    "INSERT INTO run_outputs (run_uuid, model_id, step) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
)
# A model input is an edge of ``inputs``, as MLflow stores it: (MODEL, model_id) -> (RUN, run).
_INSERT_MODEL_INPUT = (
    "INSERT INTO inputs (destination_type, destination_id, source_type, source_id, input_uuid) "
    "VALUES ('RUN', ?, 'MODEL', ?, ?) ON CONFLICT DO NOTHING"
)
_INSERT_MODEL_POINT = (
    "INSERT INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan, run_uuid, "
    "dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)

ModelPointRow = tuple[str, str, int, int, float, bool, str, str | None, str | None]


def log_outputs(db: Database, run_id: str, models: Sequence[LoggedModelOutput]) -> None:
    """Record models an active run produced; a model already recorded keeps its step."""
    rows = [(run_id, _model_id(output.model_id), _step(output.step)) for output in models]

    def work(cursor: Cursor) -> None:
        require_active_run(cursor, run_id)
        if rows:
            require_models(cursor, db.dialect, [row[1] for row in rows])
            cursor.executemany(_INSERT_OUTPUT, rows)

    db.write(work)


def log_model_inputs(
    cursor: Cursor, dialect: Dialect, run_id: str, models: Sequence[LoggedModelInput]
) -> None:
    """Record models a run used (in the caller's transaction, after its run check)."""
    ids = [_model_id(model.model_id) for model in models]
    if ids:
        require_models(cursor, dialect, ids)
        cursor.executemany(
            _INSERT_MODEL_INPUT, [(run_id, model_id, uuid.uuid4().hex) for model_id in ids]
        )


def log_model_points(cursor: Cursor, dialect: Dialect, rows: Sequence[ModelPointRow]) -> None:
    """Store metric points of logged models (a retried point is stored once).

    Raises:
        NotFound: a point names a model that does not exist.
    """
    if rows:
        require_models(cursor, dialect, [row[0] for row in rows])
        cursor.executemany(_INSERT_MODEL_POINT, rows)


def load_model_links(
    cursor: Cursor, dialect: Dialect, run_ids: Sequence[str]
) -> tuple[dict[str, list[LoggedModelInput]], dict[str, list[LoggedModelOutput]]]:
    """The model inputs and the model outputs (in step order) of each run, in one query;
    runs without any are absent."""
    inputs: dict[str, list[LoggedModelInput]] = {}
    outputs: dict[str, list[LoggedModelOutput]] = {}
    if not run_ids:
        return inputs, outputs
    in_condition, in_params = dialect.one_of("destination_id", run_ids)
    out_condition, out_params = dialect.one_of("run_uuid", run_ids)
    cursor.execute(
        "SELECT 0, destination_id, source_id, 0 FROM inputs WHERE destination_type = 'RUN' "
        f"AND source_type = 'MODEL' AND {in_condition} UNION ALL "
        f"SELECT 1, run_uuid, model_id, step FROM run_outputs WHERE {out_condition} "
        "ORDER BY 1, 2, 4, 3",
        [*in_params, *out_params],
    )
    for is_output, run_id, model_id, step in cursor.fetchall():
        if is_output:
            outputs.setdefault(run_id, []).append(LoggedModelOutput(model_id, step))
        else:
            inputs.setdefault(run_id, []).append(LoggedModelInput(model_id))
    return inputs, outputs


def _model_id(model_id: object) -> str:
    if not isinstance(model_id, str) or not model_id:
        raise InvalidParameter(f"Invalid model ID: {model_id!r}")
    return model_id


def _step(step: object) -> int:
    if isinstance(step, bool) or not isinstance(step, int) or not INT64_MIN <= step <= INT64_MAX:
        raise InvalidParameter(f"Invalid step {step!r}: it must be a 64-bit integer")
    return step
