"""The default classifier metrics and tables, with MLflow's names and values.

Binary problems (two labels; the positive one is ``pos_label``, else the larger label):
confusion counts, accuracy, precision, recall, F1 (binary average), log loss, ROC-AUC and
PR-AUC (average precision) of the positive class. Multiclass: accuracy, precision, recall,
F1 (``average``, weighted by default), log loss, ROC-AUC (one-vs-rest), and a per-class table
of one-vs-rest binary metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from heron.exceptions import InvalidParameter


@dataclass
class Labels:
    """The sorted label list (positive label last for binary problems) and its index."""

    values: Any
    pos_label: Any
    pos_index: int

    @property
    def binary(self) -> bool:
        """Whether there are exactly two labels."""
        return len(self.values) == 2


def resolve_labels(y_true: Any, y_pred: Any, label_list: Any, pos_label: Any) -> Labels:
    """The label list as MLflow builds it (``label_list`` or the labels seen).

    Raises:
        InvalidParameter: Fewer than two labels, or ``pos_label`` not among them.
    """
    import numpy as np

    if pos_label is not None and label_list is not None and pos_label not in label_list:
        raise InvalidParameter(f"'pos_label' {pos_label} must exist in 'label_list' {label_list}.")
    if label_list is None:
        values = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]))
    else:
        values = np.sort(np.array(label_list))
    if len(values) < 2:
        raise InvalidParameter(
            "Evaluation dataset for classification must contain at least two unique labels, "
            f"but only {len(values)} unique labels were found. Please provide a 'label_list' "
            "parameter in 'evaluator_config' with all possible classes."
        )
    if len(values) != 2:
        return Labels(values, pos_label, 1)
    index = 1
    if pos_label is not None and pos_label in values:
        index = int(np.where(values == pos_label)[0][0])
        values = np.append(np.delete(values, np.where(values == pos_label)), pos_label)
    elif pos_label is None:
        pos_label = values[-1]
    return Labels(values, pos_label, index)


def _common(
    y_true: Any, y_pred: Any, proba: Any, labels: Any, average: str, pos_label: Any, weight: Any
) -> dict[str, float]:
    from sklearn import metrics

    scored = {"average": average, "pos_label": pos_label, "sample_weight": weight}
    values: dict[str, float] = {
        "example_count": len(y_true),
        "accuracy_score": metrics.accuracy_score(y_true, y_pred, sample_weight=weight),
        "recall_score": metrics.recall_score(y_true, y_pred, **scored),
        "precision_score": metrics.precision_score(y_true, y_pred, **scored),
        "f1_score": metrics.f1_score(y_true, y_pred, **scored),
    }
    if proba is not None:
        values["log_loss"] = metrics.log_loss(y_true, proba, labels=labels, sample_weight=weight)
    return values


def binary_metrics(
    y_true: Any, y_pred: Any, proba: Any, labels: Any, pos_label: Any, weight: Any
) -> dict[str, float]:
    """Confusion counts plus the common metrics, binary average."""
    from sklearn import metrics

    tn, fp, fn, tp = metrics.confusion_matrix(y_true, y_pred, labels=labels).ravel()
    return {
        "true_negatives": tn,
        "false_positives": fp,
        "false_negatives": fn,
        "true_positives": tp,
        **_common(y_true, y_pred, proba, labels, "binary", pos_label, weight),
    }


def classifier_metrics(
    y_true: Any, y_pred: Any, proba: Any, labels: Labels, average: str, weight: Any
) -> dict[str, float]:
    """The builtin classifier metrics for a binary or multiclass problem."""
    import numpy as np
    from sklearn import metrics

    if labels.binary:
        values = binary_metrics(y_true, y_pred, proba, labels.values, labels.pos_label, weight)
        if proba is not None:
            positive = np.asarray(proba)[:, labels.pos_index]
            values["roc_auc"] = metrics.roc_auc_score(
                y_true=np.asarray(y_true) == labels.pos_label,
                y_score=positive,
                sample_weight=weight,
            )
            values["precision_recall_auc"] = metrics.average_precision_score(
                y_true=y_true, y_score=positive, pos_label=labels.pos_label, sample_weight=weight
            )
        return values
    values = _common(y_true, y_pred, proba, labels.values, average, None, weight)
    if average in ("macro", "weighted") and proba is not None:
        values["roc_auc"] = metrics.roc_auc_score(
            y_true=y_true, y_score=proba, sample_weight=weight, average=average, multi_class="ovr"
        )
    return values


def per_class_table(y_true: Any, y_pred: Any, labels: Any, weight: Any) -> Any:
    """One row per class: one-vs-rest binary metrics (MLflow's ``per_class_metrics``)."""
    import numpy as np
    import pandas as pd

    rows = []
    y = np.asarray(y_true)
    predicted = np.asarray(y_pred)
    for label in labels:
        y_bin = np.where(y == label, 1, 0)
        pred_bin = np.where(predicted == label, 1, 0)
        row = {"positive_class": label}
        row.update(binary_metrics(y_bin, pred_bin, None, [0, 1], 1, weight))
        rows.append(row)
    return pd.DataFrame(rows)


def check_targets_are_classes(y_true: Any) -> None:
    """Refuse continuous targets for a classifier (non-integral floats).

    Raises:
        InvalidParameter: The targets look like a regression target.
    """
    import numpy as np

    y = np.asarray(y_true)
    if y.dtype.kind == "f" and not np.all(np.isnan(y) | (np.mod(y, 1) == 0)):
        raise InvalidParameter(
            "The targets are continuous (non-integral float values) but model_type is "
            "'classifier': classifier metrics need class labels. Use model_type='regressor' "
            "or convert the targets to classes."
        )
