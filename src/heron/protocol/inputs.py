"""A run's inputs and outputs on the wire: datasets, dataset inputs, logged-model links.

Shapes are MLflow's: a dataset input's ``tags`` are omitted when empty, unset dataset
fields (``schema``, ``profile``) are omitted, and a run without inputs or outputs has
``{}`` for them.
"""

from __future__ import annotations

from typing import Any

from heron.entities import (
    Dataset,
    DatasetInput,
    InputTag,
    LoggedModelInput,
    LoggedModelOutput,
    RunInputs,
    RunOutputs,
)
from heron.protocol.codec import register_codec, register_key_value
from heron.protocol.schema import define, int64, nested, string

define("InputTag", string("key", required=True), string("value", required=True))
register_key_value("InputTag", InputTag)
define(
    "Dataset",
    string("name", required=True),
    string("digest", required=True),
    string("source_type", required=True),
    string("source", required=True),
    string("schema"),
    string("profile"),
)
define(
    "DatasetInput",
    nested("tags", "InputTag", repeated=True),
    nested("dataset", "Dataset", required=True),
)
define("ModelInput", string("model_id", required=True))
define("ModelOutput", string("model_id", required=True), int64("step", required=True))
define(
    "RunInputs",
    nested("dataset_inputs", "DatasetInput", repeated=True),
    nested("model_inputs", "ModelInput", repeated=True),
)
define("RunOutputs", nested("model_outputs", "ModelOutput", repeated=True))


def set_fields(entity: Any) -> dict[str, Any]:
    return {name: value for name, value in entity if value is not None}


def encode_dataset_input(item: DatasetInput) -> dict[str, Any]:
    """A dataset input: its tags (omitted when none) and its dataset."""
    out: dict[str, Any] = {}
    if item.tags:
        out["tags"] = [{"key": tag.key, "value": tag.value} for tag in item.tags]
    out["dataset"] = set_fields(item.dataset)
    return out


def encode_run_inputs(inputs: RunInputs) -> dict[str, Any]:
    """A run's dataset and model inputs; empty lists are omitted."""
    out: dict[str, Any] = {}
    if inputs.dataset_inputs:
        out["dataset_inputs"] = [encode_dataset_input(item) for item in inputs.dataset_inputs]
    if inputs.model_inputs:
        out["model_inputs"] = [{"model_id": item.model_id} for item in inputs.model_inputs]
    return out


def encode_run_outputs(outputs: RunOutputs) -> dict[str, Any]:
    """A run's logged-model outputs; ``{}`` when none."""
    if not outputs.model_outputs:
        return {}
    return {
        "model_outputs": [
            {"model_id": item.model_id, "step": item.step} for item in outputs.model_outputs
        ]
    }


register_codec("Dataset", set_fields, lambda fields: Dataset(**fields))
register_codec(
    "DatasetInput",
    encode_dataset_input,
    lambda fields: DatasetInput(fields["dataset"], tuple(fields.get("tags", ()))),
)
register_codec(
    "ModelInput",
    lambda item: {"model_id": item.model_id},
    lambda fields: LoggedModelInput(fields["model_id"]),
)
register_codec(
    "ModelOutput",
    lambda item: {"model_id": item.model_id, "step": item.step},
    lambda fields: LoggedModelOutput(fields["model_id"], fields.get("step", 0)),
)
register_codec(
    "RunInputs",
    encode_run_inputs,
    lambda fields: RunInputs(
        tuple(fields.get("dataset_inputs", ())), tuple(fields.get("model_inputs", ()))
    ),
)
register_codec(
    "RunOutputs",
    encode_run_outputs,
    lambda fields: RunOutputs(tuple(fields.get("model_outputs", ()))),
)
