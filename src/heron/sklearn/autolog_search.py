"""Parameter searches (``GridSearchCV``, ``RandomizedSearchCV``) under autologging.

The search's run gets ``best_cv_score``, ``best_<param>`` params, the best estimator as a
model, ``cv_results.csv``, and one child run per candidate for the ``max_tuning_runs`` best
ones (ranked by ``rank_test_score``, else the first ``rank_test_*`` column), each with the
seed estimator's params overridden by the candidate's, and its numeric ``cv_results_``
columns (``mean_test_score``, ``mean_fit_time``, ...) as metrics, as MLflow creates them.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import warnings
from numbers import Number
from typing import Any

from heron.entities import DatasetInput, InputTag, Metric, Param
from heron.entities.dataset import DATASET_CONTEXT_TAG
from heron.tracking.client import PARENT_RUN_ID_TAG, MlflowClient

_logger = logging.getLogger(__name__)


def is_parameter_search(estimator: Any) -> bool:
    """Whether ``estimator`` is a ``GridSearchCV`` or ``RandomizedSearchCV``."""
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    return isinstance(estimator, (GridSearchCV, RandomizedSearchCV))


def estimator_tags(estimator: Any) -> dict[str, str]:
    """``estimator_name`` and ``estimator_class`` run tags."""
    cls = type(estimator)
    return {"estimator_name": cls.__name__, "estimator_class": f"{cls.__module__}.{cls.__name__}"}


def _best_rows(frame: Any, max_tuning_runs: int | None) -> Any:
    if max_tuning_runs is None:
        return frame
    rank = "rank_test_score"
    if rank not in frame.columns:
        rank = next(c for c in frame.columns if "rank_test_" in c)
        warnings.warn(
            f"Top {max_tuning_runs} child runs will be created based on ordering in {rank} "
            "column.  You can choose not to limit the number of child runs created by setting "
            "`max_tuning_runs=None`.",
            stacklevel=2,
        )
    return frame.nsmallest(max_tuning_runs, rank)


def log_child_runs(
    client: MlflowClient,
    search: Any,
    parent: Any,
    max_tuning_runs: int | None,
    child_tags: dict[str, str],
    dataset: Any | None,
    params_of: Any,
) -> None:
    """Create the finished child runs of a fitted parameter search.

    Args:
        client: The client to log with.
        search: The fitted search estimator.
        parent: The search's run.
        max_tuning_runs: How many of the best candidates get a run (None: all).
        child_tags: Tags every child gets (context tags and ``mlflow.autologging``).
        dataset: The training dataset (logged as a ``train`` input), or None.
        params_of: ``params_of(estimator) -> dict`` (the truncation autologging applies).
    """
    import pandas as pd

    seed = search.estimator
    base = seed.get_params(deep=not is_parameter_search(seed))
    frame = pd.DataFrame.from_dict(search.cv_results_)
    rows = _best_rows(frame, max_tuning_runs)
    end_time = int(time.time() * 1000)
    tags = {**child_tags, PARENT_RUN_ID_TAG: parent.info.run_id, **estimator_tags(seed)}
    inputs = []
    if dataset is not None:
        entity = dataset._to_mlflow_entity()
        inputs = [DatasetInput(entity, (InputTag(DATASET_CONTEXT_TAG, "train"),))]
    for _, row in rows.iterrows():
        child = client.create_run(parent.info.experiment_id, parent.info.start_time, tags)
        run_id = child.info.run_id
        params = params_of({**base, **row.get("params", {})})
        metrics = [
            Metric(str(key), float(value), end_time, 0, None, *_dataset_ids(dataset))  # type: ignore[arg-type]
            for key, value in row.items()
            if not str(key).startswith(("param", "split")) and isinstance(value, Number)
        ]
        client.log_batch(run_id, metrics, [Param(k, v) for k, v in params.items()], ())
        if inputs:
            client.log_inputs(run_id, inputs)
        client.set_terminated(run_id, end_time=end_time)


def _dataset_ids(dataset: Any | None) -> tuple[str | None, str | None]:
    if dataset is None:
        return None, None
    return dataset.name, dataset.digest


def log_cv_results(client: MlflowClient, search: Any, run_id: str) -> None:
    """Log ``cv_results_`` as the run's ``cv_results.csv`` artifact."""
    import pandas as pd

    frame = pd.DataFrame.from_dict(search.cv_results_)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "cv_results.csv")
        frame.to_csv(path, index=False)
        client.log_artifact(run_id, path)
