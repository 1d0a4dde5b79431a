"""``heron.evaluate``: MLflow's default evaluator for regressors and classifiers.

It predicts (or takes static predictions), computes the builtin metrics, the
``extra_metrics`` and the ``custom_artifacts``, logs the dataset as a run input, the metrics
in one batch (tagged with the dataset and the model) and the artifacts in one upload, to the
active run or a new one, and returns an :class:`EvaluationResult`.
"""

from __future__ import annotations

import logging
import tempfile
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from heron.evaluation import artifacts as artifact_writer
from heron.evaluation import classifier, explain, models, plots, probability_plots
from heron.evaluation.dataset_tag import log_datasets_tag
from heron.evaluation.inputs import EvalData, dataset_entry, prepare
from heron.evaluation.metrics import EvaluationMetric, MetricValue, aggregate, compute_extra_metrics
from heron.evaluation.regressor import regressor_metrics
from heron.evaluation.result import EvaluationResult
from heron.exceptions import InvalidParameter
from heron.tracking import session

_logger = logging.getLogger(__name__)

MODEL_TYPES = ("regressor", "classifier")


def _check(
    model: Any, model_type: str | None, evaluators: Any, targets: Any, predictions: Any
) -> None:
    if model_type is not None and model_type not in MODEL_TYPES:
        raise InvalidParameter(
            f"Unsupported model_type {model_type!r}: Heron's default evaluator handles "
            f"{', '.join(MODEL_TYPES)}."
        )
    names = [evaluators] if isinstance(evaluators, str) else list(evaluators or ["default"])
    unknown = [name for name in names if name not in ("default", "regressor", "classifier")]
    if unknown:
        raise InvalidParameter(f"Unknown evaluators {unknown}: Heron has the 'default' evaluator.")
    if model_type is not None and targets is None:
        raise InvalidParameter(f"The targets argument is required for model_type={model_type!r}.")
    if model is None and predictions is None:
        raise InvalidParameter(
            "Either a model or set of predictions must be specified in order to use the "
            "default evaluator: give the model argument, or the predictions column."
        )


def _predict(predictor: models.Predictor, data: EvalData, predictions: str | None) -> Any:
    try:
        output = predictor.predict(data.features.copy())
    except Exception as error:
        raise InvalidParameter(
            f"The model failed to predict the evaluation data: {type(error).__name__}: {error}"
        ) from error
    y_pred = models.output_column(output, predictions)
    if data.targets is not None and len(y_pred) != len(data.targets):
        raise InvalidParameter(
            f"The model returned {len(y_pred)} predictions for {len(data.targets)} rows."
        )
    return y_pred


def _builtin(
    model_type: str | None,
    predictor: models.Predictor | None,
    data: EvalData,
    y_pred: Any,
    config: dict[str, Any],
    written: artifact_writer.ArtifactSet,
) -> dict[str, Any]:
    weight = config.get("sample_weights")
    values: dict[str, Any] = {}
    if predictor is not None and predictor.sklearn_model is not None and model_type:
        try:
            values["score"] = predictor.sklearn_model.score(
                data.features.copy(), data.targets, sample_weight=weight
            )
        except Exception as error:
            _logger.warning("Computing sklearn model score failed: %r", error)
    if model_type == "regressor":
        values.update(regressor_metrics(data.targets, y_pred, weight))
    elif model_type == "classifier":
        values.update(_classifier(predictor, data, y_pred, config, written))
    if model_type is not None:
        explain.log_explanations(predictor, data.features, data.targets, y_pred, config, written)
    return values


def _classifier(
    predictor: models.Predictor | None,
    data: EvalData,
    y_pred: Any,
    config: dict[str, Any],
    write: artifact_writer.ArtifactSet,
) -> dict[str, Any]:
    classifier.check_targets_are_classes(data.targets)
    weight = config.get("sample_weights")
    proba = None
    if predictor is not None and predictor.predict_proba is not None:
        proba = predictor.predict_proba(data.features.copy())
    labels = classifier.resolve_labels(
        data.targets, y_pred, config.get("label_list"), config.get("pos_label")
    )
    average = config.get("average", "weighted")
    values = classifier.classifier_metrics(data.targets, y_pred, proba, labels, average, weight)
    prefix = config.get("metric_prefix", "") or ""
    if not labels.binary:
        write.table(
            f"{prefix}per_class_metrics",
            classifier.per_class_table(data.targets, y_pred, labels.values, weight),
        )
    if proba is not None and (
        labels.binary or len(labels.values) <= config.get("max_classes_for_multiclass_roc_pr", 10)
    ):
        for kind, name in (("roc", "roc_curve_plot"), ("pr", "precision_recall_curve_plot")):
            write.image(
                f"{prefix}{name}",
                plots.curve(data.targets, proba, labels.values, labels.pos_label, kind),
            )
    if proba is not None:
        probability_plots.write_plots(data.targets, proba, labels, config, write, prefix)
    write.image(
        f"{prefix}confusion_matrix",
        plots.confusion_matrix(data.targets, y_pred, labels.values, weight),
    )
    return values


def _run_context() -> AbstractContextManager[Any]:
    from heron.tracking.fluent import active_run, start_run

    run = active_run()
    return nullcontext(run) if run is not None else start_run()


def evaluate(
    model: Any = None,
    data: Any = None,
    *,
    model_type: str | None = None,
    targets: Any = None,
    predictions: str | None = None,
    dataset_path: str | None = None,
    feature_names: list[str] | None = None,
    evaluators: str | list[str] | None = None,
    evaluator_config: dict[str, Any] | None = None,
    extra_metrics: list[EvaluationMetric] | None = None,
    custom_artifacts: list[Any] | None = None,
    env_manager: str = "local",
    model_config: dict[str, Any] | None = None,
    inference_params: dict[str, Any] | None = None,
    model_id: str | None = None,
) -> EvaluationResult:
    """Evaluate a model (or static predictions) on labelled data, logging to a run.

    Args:
        model: A model URI (``runs:/...``, ``models:/...``), a ``heron.pyfunc`` model, a
            callable ``f(DataFrame) -> predictions``, or None with ``predictions``.
        data: A pandas DataFrame, numpy array, list, or ``heron.data`` dataset.
        model_type: ``regressor`` or ``classifier`` (None: only ``extra_metrics``).
        targets: The label column (DataFrame) or array (numpy/list).
        predictions: Without a model, the column holding predictions; with one, the column
            of a multi-column model output to use.
        dataset_path: Where the data is stored, recorded in the ``mlflow.datasets`` tag
            (with the dataset's name and hash, when the model is an MLflow model).
        feature_names: Feature columns to use (DataFrame) or names (numpy).
        evaluators: ``"default"`` (or None).
        evaluator_config: ``sample_weights``, ``pos_label``, ``label_list``, ``average``,
            ``metric_prefix``, ``max_classes_for_multiclass_roc_pr``, and for SHAP (when
            installed) ``log_model_explainability``, ``explainability_algorithm``,
            ``explainability_nsamples``, ``explainability_kernel_link``.
        extra_metrics: Custom metrics from :func:`make_metric`.
        custom_artifacts: ``f(eval_df, builtin_metrics, artifacts_dir) -> {name: artifact}``.
        env_manager: Only ``local`` (the model runs in this process).
        model_config: Passed to the pyfunc model on load.
        inference_params: Accepted for MLflow compatibility.
        model_id: The LoggedModel the metrics belong to and the run's inputs link to
            (default: the loaded model's, else the active model's).

    Raises:
        InvalidParameter: Bad arguments: missing targets column, a model that cannot predict
            the data, classifier metrics on continuous targets, ...
    """
    from heron.data import Dataset

    if isinstance(data, Dataset):  # a dataset names its own targets and predictions
        targets = targets if targets is not None else getattr(data, "targets", None)
        if model is None and predictions is None:
            predictions = getattr(data, "predictions", None)
    _check(model, model_type, evaluators, targets, predictions)
    if dataset_path is not None and '"' in dataset_path:
        raise InvalidParameter(
            f'Dataset path cannot include a double quote (") but got {dataset_path}'
        )
    if env_manager != "local":
        raise InvalidParameter("Heron evaluates models in this process: env_manager='local'.")
    config = dict(evaluator_config or {})
    predictor = models.resolve(model, model_config)
    data_in = prepare(data, targets, predictions, feature_names, static=predictor is None)
    y_pred = data_in.predictions if predictor is None else _predict(predictor, data_in, predictions)
    prefix = config.get("metric_prefix", "") or ""
    model_id = _model_id(model_id, predictor)
    with tempfile.TemporaryDirectory() as out_dir, _run_context() as run:
        written = artifact_writer.ArtifactSet(out_dir)
        builtin = _builtin(model_type, predictor, data_in, y_pred, config, written)
        values = {name: MetricValue(aggregate_results={name: v}) for name, v in builtin.items()}
        columns = _columns(data_in, y_pred)
        compute_extra_metrics(list(extra_metrics or []), columns, values)
        metrics = {f"{prefix}{k}": v for k, v in aggregate(values).items()}
        for function in custom_artifacts or []:
            written.custom(function, columns, metrics)
        if predictor is not None and predictor.model_uuid:
            entry = dataset_entry(data_in, dataset_path)
            log_datasets_tag(session.client(), run.info.run_id, entry, predictor.model_uuid)
        _log(run.info.run_id, data_in, metrics, written, prefix, model_id)
        results = written.results(run.info.artifact_uri)
        for artifact in results.values():
            _ = artifact.content  # load while the local copy exists
        return EvaluationResult(metrics, results, run.info.run_id)


def _model_id(given: str | None, predictor: models.Predictor | None) -> str | None:
    """The LoggedModel of the evaluation: given, the model's own, or the active model's.

    Raises:
        InvalidParameter: ``model_id`` contradicts the model's own.
    """
    from heron.tracking.fluent_models import get_active_model_id

    own = predictor.model_id if predictor is not None else None
    if given is not None and own is not None and given != own:
        raise InvalidParameter(
            f"The specified value of the 'model_id' parameter '{given}' contradicts the "
            f"model_id '{own}' associated with the model. Please ensure they match or omit "
            "the 'model_id' parameter."
        )
    return given or own or get_active_model_id()


def _columns(data: EvalData, y_pred: Any) -> dict[str, Any]:
    import pandas as pd

    columns = {str(c): data.features[c] for c in data.features.columns}
    columns["predictions"] = pd.Series(y_pred)
    if data.targets is not None:
        columns["targets"] = pd.Series(data.targets)
    return columns


def _log(
    run_id: str,
    data: EvalData,
    metrics: dict[str, float],
    written: artifact_writer.ArtifactSet,
    prefix: str,
    model_id: str | None,
) -> None:
    from heron.entities import DatasetInput, InputTag, LoggedModelInput, Metric
    from heron.entities.dataset import DATASET_CONTEXT_TAG

    client = session.client()
    name = digest = None
    if data.dataset is not None:
        entity = data.dataset._to_mlflow_entity()
        tags = (InputTag(DATASET_CONTEXT_TAG, prefix),) if prefix else ()
        used = [LoggedModelInput(model_id)] if model_id else None  # MLflow links the model
        client.log_inputs(run_id, [DatasetInput(entity, tags)], models=used)
        name, digest = entity.name, entity.digest
    now = int(time.time() * 1000)
    batch = [Metric(k, float(v), now, 0, model_id, name, digest) for k, v in metrics.items()]
    client.log_batch(run_id, metrics=batch)
    written.upload(client, run_id)
