"""What an autologged ``fit`` records: params, tags, dataset, model, metrics, plots, search.

Before training: the estimator's ``get_params(deep=True)`` (shallow for a parameter search)
as params, truncated as MLflow does, and ``estimator_name``/``estimator_class`` tags, sent in
one batch; the training data as a ``train`` dataset input. After training: the model (with
signature and input example), ``training_*`` metrics, classifier plots, ``estimator.html``,
and for a parameter search its best estimator, best params and score, child runs and
``cv_results.csv``.
"""

from __future__ import annotations

import inspect
import logging
import tempfile
import time
from copy import deepcopy
from typing import Any

from heron.autologging import get_autologging_config
from heron.entities import DatasetInput, InputTag, Metric, Param, RunTag
from heron.entities.dataset import DATASET_CONTEXT_TAG
from heron.flavors.training import make_dataset
from heron.sklearn import autolog_metrics, autolog_search
from heron.tracking.client import MlflowClient

_logger = logging.getLogger(__name__)

FLAVOR_NAME = "sklearn"

INPUT_EXAMPLE_ROWS = 5
MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
# estimator.html as MLflow writes it (charset set so sklearn's toggle arrows render).
_HTML = (
    '\n<!DOCTYPE html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8"/>\n  </head>\n'
    "  <body>\n    {body}\n  </body>\n</html>\n    "
)


def _ellipsize(value: Any, limit: int) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def truncated_params(params: dict[str, Any]) -> dict[str, str]:
    """Params as strings, keys cut to 250 and values to 6000 characters with ``...``."""
    return {
        _ellipsize(key, MAX_KEY_LENGTH): _ellipsize(value, MAX_PARAM_VALUE_LENGTH)
        for key, value in params.items()
    }


def training_data(fit: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, Any]:
    """``(X, y, sample_weight)`` passed to a ``fit``-like method (y/weight may be None)."""
    names = [p for p in inspect.signature(fit).parameters if p != "self"]
    x_name, y_name = [*names, "X", "y"][:2]
    if len(args) >= 2:
        x, y = args[0], args[1]
    elif len(args) == 1:
        x, y = args[0], kwargs.get(y_name)
    else:
        x, y = kwargs.get(x_name), kwargs.get(y_name)
    weight = None
    if "sample_weight" in names:
        index = names.index("sample_weight")
        weight = args[index] if len(args) > index else kwargs.get("sample_weight")
    return x, y, weight


class FitLogger:
    """Logs one autologged ``fit`` of ``estimator`` to ``run``."""

    def __init__(self, client: MlflowClient, run: Any, estimator: Any):
        self.client = client
        self.run = run
        self.run_id: str = run.info.run_id
        self.estimator = estimator
        self.dataset: Any = None
        self.model_id: str | None = None

    @staticmethod
    def _option(key: str, default: Any) -> Any:
        return get_autologging_config(FLAVOR_NAME, key, default)

    def before(self, x: Any, y: Any) -> None:
        """Params, tags and the training dataset input."""
        search = autolog_search.is_parameter_search(self.estimator)
        params = truncated_params(self.estimator.get_params(deep=not search))
        tags = autolog_search.estimator_tags(self.estimator)
        self.client.log_batch(
            self.run_id,
            params=[Param(k, v) for k, v in params.items()],
            tags=[RunTag(k, v) for k, v in tags.items()],
        )
        try:
            self.dataset = make_dataset(x, y)
        except Exception as error:
            _logger.warning("Failed to log training dataset information. Reason: %s", error)
        if self.dataset is not None and self._option("log_datasets", True):
            entry = DatasetInput(
                self.dataset._to_mlflow_entity(), (InputTag(DATASET_CONTEXT_TAG, "train"),)
            )
            self.client.log_inputs(self.run_id, [entry])

    def after(self, x: Any, y: Any, weight: Any) -> None:
        """Model, metrics, plots, estimator HTML and parameter-search results."""
        example, signature = self._example_and_signature(x)
        if self._option("log_models", True):
            self.model_id = self._log_model(self.estimator, "model", example, signature, True)
        self._log_metrics_and_plots(x, y, weight)
        if autolog_search.is_parameter_search(self.estimator):
            self._log_search(example, signature)

    def _example_and_signature(self, x: Any) -> tuple[Any, Any]:
        from heron.models.signature import infer_signature

        want_example = self._option("log_input_examples", False)
        want_signature = self._option("log_model_signatures", True)
        if not (want_example or want_signature) or not self._option("log_models", True):
            return None, None
        try:
            example = deepcopy(x[:INPUT_EXAMPLE_ROWS])
        except Exception as error:
            _logger.warning("Failed to gather input example: %s", error)
            return None, None
        signature = None
        if want_signature:
            try:
                predict = getattr(self.estimator, "predict", None) or self.estimator.transform
                signature = infer_signature(example, predict(deepcopy(example)))
            except Exception as error:
                _logger.warning("Failed to infer model signature: %s", error)
        return (example if want_example else None), signature

    def _log_model(
        self, model: Any, name: str, example: Any, signature: Any, register: bool
    ) -> str | None:
        from heron import sklearn

        info = sklearn.log_model(
            model,
            name=name,
            signature=signature if signature is not None else False,
            input_example=example,
            serialization_format=self._option("serialization_format", "cloudpickle"),
            registered_model_name=self._option("registered_model_name", None) if register else None,
        )
        return info.model_id

    def _log_metrics_and_plots(self, x: Any, y: Any, weight: Any) -> None:
        from sklearn.base import is_classifier
        from sklearn.utils import estimator_html_repr

        prefix = autolog_metrics.TRAINING_PREFIX
        pos_label = self._option("pos_label", None)
        values = autolog_metrics.estimator_metrics(self.estimator, prefix, x, y, weight, pos_label)
        if y is None and not values:
            _logger.warning(
                "Training metrics will not be recorded because training labels were not "
                "specified. To automatically record training metrics, provide training labels "
                "as inputs to the model training function."
            )
        self._log_metrics(values)
        with tempfile.TemporaryDirectory() as directory:
            if is_classifier(self.estimator) and y is not None:
                autolog_metrics.classifier_plots(self.estimator, prefix, x, y, weight, directory)
            html = _HTML.format(body=estimator_html_repr(self.estimator))
            with open(f"{directory}/estimator.html", "w", encoding="utf-8") as out:
                out.write(html)
            self.client.log_artifacts(self.run_id, directory)

    def _log_metrics(self, values: dict[str, Any]) -> None:
        if not values:
            return
        now = int(time.time() * 1000)
        name, digest = (self.dataset.name, self.dataset.digest) if self.dataset else (None, None)
        metrics = [
            Metric(key, float(value), now, 0, self.model_id, name, digest)
            for key, value in values.items()
        ]
        self.client.log_batch(self.run_id, metrics=metrics)

    def _log_search(self, example: Any, signature: Any) -> None:
        search = self.estimator
        if hasattr(search, "best_estimator_") and self._option("log_models", True):
            self._log_model(search.best_estimator_, "best_estimator", example, signature, False)
        if hasattr(search, "best_score_"):
            self._log_metrics({"best_cv_score": search.best_score_})
        if hasattr(search, "best_params_"):
            best = truncated_params({f"best_{k}": v for k, v in search.best_params_.items()})
            self.client.log_batch(self.run_id, params=[Param(k, v) for k, v in best.items()])
        if not hasattr(search, "cv_results_"):
            return
        from heron.autologging import AUTOLOGGING_TAG
        from heron.tracking.context import resolve_tags

        try:
            autolog_search.log_child_runs(
                self.client,
                search,
                self.run,
                self._option("max_tuning_runs", 5),
                {**resolve_tags(), AUTOLOGGING_TAG: FLAVOR_NAME},
                self.dataset,
                truncated_params,
            )
        except Exception as error:
            _logger.warning(
                "Encountered exception during creation of child runs for parameter search. "
                "Child runs may be missing. Exception: %s",
                error,
            )
        autolog_search.log_cv_results(self.client, search, self.run_id)
