"""Schema JSON encoding: MLflow's strings parse and ours serialize identically."""

from __future__ import annotations

import json

import numpy as np
import pytest

from heron.exceptions import InvalidParameter
from heron.models.schema import (
    AnyType,
    Array,
    ColSpec,
    DataType,
    Map,
    Object,
    ParamSchema,
    ParamSpec,
    Property,
    Schema,
    TensorSpec,
)

# Strings as MLflow 3.x writes them into MLmodel (spec 13.4/13.6).
MLFLOW_COLSPEC = '[{"type": "long", "name": "a", "required": true}]'
MLFLOW_UNNAMED = '[{"type": "double", "required": true}]'
MLFLOW_TENSOR = '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]'
MLFLOW_NAMED_TENSOR = (
    '[{"name": "img", "type": "tensor", "tensor-spec": {"dtype": "uint8", "shape": [-1, 4]}}]'
)
MLFLOW_NESTED = (
    '[{"type": "array", "items": {"type": "string"}, "name": "ids", "required": true}, '
    '{"type": "object", "properties": {"k": {"type": "long", "required": true}, '
    '"v": {"type": "string", "required": false}}, "name": "obj", "required": false}, '
    '{"type": "map", "values": {"type": "double"}, "name": "m", "required": true}, '
    '{"type": "any", "name": "x", "required": true}]'
)
MLFLOW_PARAMS = (
    '[{"name": "temperature", "default": 0.5, "shape": null, "type": "float"}, '
    '{"name": "stops", "default": ["a", "b"], "shape": [-1], "type": "string"}]'
)


@pytest.mark.parametrize(
    "text", [MLFLOW_COLSPEC, MLFLOW_UNNAMED, MLFLOW_TENSOR, MLFLOW_NAMED_TENSOR, MLFLOW_NESTED]
)
def test_schema_round_trips_mlflow_json_exactly(text: str) -> None:
    schema = Schema.from_json(text)
    assert schema.to_json() == text
    assert Schema.from_json(schema.to_json()) == schema


def test_params_round_trip_mlflow_json_exactly() -> None:
    params = ParamSchema.from_json(MLFLOW_PARAMS)
    assert params.to_json() == MLFLOW_PARAMS
    assert params.params[0] == ParamSpec("temperature", DataType.float, 0.5)
    assert params.params[1].shape == (-1,)


def test_param_spec_accepts_dtype_alias_and_checks_default() -> None:
    spec = ParamSpec.from_json_dict(name="n", dtype="long", default=3, shape=None)
    assert spec.type == DataType.long
    with pytest.raises(InvalidParameter):
        ParamSpec("n", DataType.long, "three")


def test_nested_types_parse() -> None:
    schema = Schema.from_json(MLFLOW_NESTED)
    ids, obj, mapping, anything = schema.inputs
    assert ids.type == Array(DataType.string)
    assert obj.type == Object([Property("v", "string", False), Property("k", DataType.long)])
    assert isinstance(obj, ColSpec)
    assert not obj.required
    assert mapping.type == Map(DataType.double)
    assert anything.type == AnyType()


def test_schema_accessors() -> None:
    schema = Schema([ColSpec("long", "a"), ColSpec(DataType.string, "b", required=False)])
    assert schema.input_names() == ["a", "b"]
    assert schema.input_types() == [DataType.long, DataType.string]
    assert schema.required_input_names() == ["a"]
    assert schema.optional_input_names() == ["b"]
    assert schema.has_input_names()
    assert not schema.is_tensor_spec()
    assert schema.numpy_types() == [np.dtype("int64"), np.dtype("str")]
    assert schema.to_dict() == json.loads(schema.to_json())


def test_tensor_spec() -> None:
    spec = TensorSpec(np.dtype("float32"), (-1, 3), "x")
    assert spec.to_dict() == {
        "name": "x",
        "type": "tensor",
        "tensor-spec": {"dtype": "float32", "shape": [-1, 3]},
    }
    assert spec == TensorSpec("float32", [-1, 3], "x")
    assert spec != TensorSpec("float64", [-1, 3], "x")


def test_invalid_schemas_rejected() -> None:
    with pytest.raises(InvalidParameter):
        Schema([])
    with pytest.raises(InvalidParameter):
        Schema([ColSpec("long", "a"), ColSpec("long")])
    with pytest.raises(InvalidParameter):
        ColSpec("nonsense")
    with pytest.raises(InvalidParameter):
        ParamSchema([ParamSpec("a", "long", 1), ParamSpec("a", "long", 2)])


def test_types_facade_reexports() -> None:
    import heron.types
    from heron.types.schema import ColSpec as FacadeColSpec

    assert FacadeColSpec is ColSpec
    assert heron.types.Schema is Schema
