"""Batch scoring on Spark: :func:`spark_udf` turns a pyfunc model into a pandas UDF.

Each Python worker loads the model once per task and predicts whole Arrow batches. The
model is read from its local directory on a local master and shipped with
``SparkContext.addFile`` otherwise. With ``env_manager`` ``virtualenv``/``uv``/``conda`` the
model's environment is built on the driver (cached by content hash) and every task scores
through a ``heron models serve`` process started inside it, as MLflow does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from heron.exceptions import InvalidParameter

_SCALARS = {
    "double": "float64",
    "float": "float32",
    "long": "int64",
    "integer": "int32",
    "int": "int32",
    "short": "int16",
    "byte": "int8",
    "boolean": "bool",
}


def _result_type(result_type: Any, output_schema: Any) -> Any:
    """A Spark DataType from a DDL string, a DataType, or the model's output signature."""
    from pyspark.sql.types import DataType, _parse_datatype_string

    if result_type is None:
        result_type = _type_from_signature(output_schema)
    if isinstance(result_type, DataType):
        return result_type
    if not isinstance(result_type, str):
        raise InvalidParameter(
            f"result_type must be a Spark type or its DDL text, got {result_type!r}"
        )
    try:
        return _parse_datatype_string(result_type)
    except Exception as error:
        raise InvalidParameter(f"Invalid result_type {result_type!r}: {error}") from None


def _spark_ddl(kind: Any) -> str | None:
    """Spark DDL text of a signature type; None when Spark has no plain equivalent."""
    from heron.models.schema import Array
    from heron.models.schema import DataType as Scalar

    if isinstance(kind, Scalar):
        names = {"integer": "int", "datetime": "timestamp"}
        return names.get(kind.name, kind.name)
    if isinstance(kind, Array):
        inner = _spark_ddl(kind.dtype)
        return f"array<{inner}>" if inner is not None else None
    return None


def _type_from_signature(output_schema: Any) -> str:
    if output_schema is None or output_schema.is_tensor_spec():
        return "double"
    types = [_spark_ddl(spec.type) for spec in output_schema.inputs]
    if any(kind is None for kind in types):
        return "double"
    if len(types) == 1:
        return str(types[0])
    names = output_schema.input_names()
    return ", ".join(f"`{name}` {kind}" for name, kind in zip(names, types, strict=True))


def _column(values: Any, spark_type: Any) -> Any:
    """A pandas Series of predictions converted to ``spark_type``."""
    import numpy as np
    import pandas as pd
    from pyspark.sql.types import ArrayType, StringType

    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    if isinstance(spark_type, ArrayType):
        return series.map(lambda item: None if item is None else list(np.asarray(item).ravel()))
    if isinstance(spark_type, StringType):
        return series.map(lambda item: None if item is None else str(item))
    dtype = _SCALARS.get(spark_type.typeName())
    return series.astype(dtype) if dtype is not None else series


def predictions_for_spark(predictions: Any, spark_type: Any) -> Any:
    """The model's predictions as the Series (or DataFrame, for a struct) Spark expects."""
    import numpy as np
    import pandas as pd
    from pyspark.sql.types import ArrayType, StructType

    if isinstance(spark_type, StructType):
        frame = (
            pd.DataFrame(predictions) if not isinstance(predictions, pd.DataFrame) else predictions
        )
        missing = [field.name for field in spark_type.fields if field.name not in frame.columns]
        if missing:
            raise InvalidParameter(
                f"The model's predictions have no column(s) {missing} for the struct result type "
                f"(they have {list(frame.columns)})"
            )
        return pd.DataFrame(
            {field.name: _column(frame[field.name], field.dataType) for field in spark_type.fields}
        )
    if isinstance(predictions, pd.DataFrame):
        if isinstance(spark_type, ArrayType):
            return _column(pd.Series(list(predictions.to_numpy())), spark_type)
        predictions = predictions.iloc[:, 0]
    if isinstance(predictions, np.ndarray) and predictions.ndim > 1:
        if isinstance(spark_type, ArrayType):
            return _column(pd.Series(list(predictions)), spark_type)
        predictions = predictions[:, 0]
    return _column(predictions, spark_type)


def _input_frame(columns: Sequence[Any], names: list[Any]) -> Any:
    import pandas as pd

    if isinstance(columns, pd.DataFrame):
        return columns  # one struct column: its fields name the model's columns
    if isinstance(columns, pd.Series):
        columns = (columns,)
    if len(columns) == 1 and isinstance(columns[0], pd.DataFrame):
        return columns[0]
    labels = names if len(names) == len(columns) else list(range(len(columns)))
    return pd.DataFrame(dict(zip(labels, columns, strict=True)))


def spark_udf(
    spark: Any,
    model_uri: str,
    result_type: Any = None,
    env_manager: str | None = None,
    params: dict[str, Any] | None = None,
    extra_env: dict[str, str] | None = None,
    model_config: dict[str, Any] | None = None,
) -> Any:
    """A Spark pandas UDF that predicts with a pyfunc model (MLflow's ``spark_udf``).

    Call it on columns (``udf("a", "b")`` or ``udf(struct("a", "b"))``), or without
    arguments to read the columns the model's signature names.

    Args:
        spark: The SparkSession.
        model_uri: Any model URI Heron loads.
        result_type: The result's Spark type or DDL text (``"double"``, ``"array<double>"``,
            ``"label string, score double"``); default: from the output signature, else
            ``double``.
        env_manager: ``local`` (default: this Python on the workers), ``virtualenv``,
            ``uv`` or ``conda`` (the model's own environment).
        params: Inference params passed with every batch.
        extra_env: Environment variables set on the workers while predicting.
        model_config: Overrides of the model's configuration (local env only).

    Raises:
        InvalidParameter: An invalid result type or env manager.
    """
    from pyspark.sql.functions import col
    from pyspark.sql.pandas.functions import pandas_udf

    from heron.models.model import Model
    from heron.serving.isolation import ENV_MANAGERS, local_model

    manager = (env_manager or "local").lower()
    if manager not in ENV_MANAGERS:
        raise InvalidParameter(f"Invalid env_manager {env_manager!r}; use one of {ENV_MANAGERS}")
    path = local_model(model_uri)
    meta = Model.load(path)
    spark_type = _result_type(result_type, meta.signature.outputs if meta.signature else None)
    inputs = meta.get_input_schema()
    names: list[Any] = list(inputs.input_names()) if inputs and inputs.has_input_names() else []
    path = _ship(spark, path)
    environment = None
    if manager != "local":
        from heron.serving.isolation import prepare_model_environment

        environment = prepare_model_environment(path, manager)
    predictor = Predictor(path, names, spark_type, params, dict(extra_env or {}), model_config)
    predictor.python = str(environment.python) if environment is not None else None
    predictor.environ = environment.environ() if environment is not None else None

    def batches(iterator: Iterator[tuple[Any, ...]]) -> Iterator[Any]:
        yield from predictor.batches(iterator)

    import pandas as pd

    # pandas_udf reads the iterator form from real annotations (not strings).
    result_class = pd.DataFrame if _is_struct(spark_type) else pd.Series
    batches.__annotations__ = {
        "iterator": Iterator[tuple[pd.Series, ...]],
        "return": Iterator[result_class],  # type: ignore[valid-type]
    }
    udf = pandas_udf(batches, returnType=spark_type)  # type: ignore[call-overload]

    def call(*columns: Any) -> Any:
        if not columns:
            if not names:
                raise InvalidParameter(
                    "The model has no named input signature: call the UDF with its columns"
                )
            columns = tuple(col(str(name)) for name in names)
        return udf(*columns)

    call.__name__ = "heron_pyfunc_udf"
    return call


def _ship(spark: Any, path: str) -> str:
    """The model path the workers read: in place on a local master, else via addFile."""
    master = spark.sparkContext.master
    if master.startswith("local"):
        return path
    spark.sparkContext.addFile(path, recursive=True)
    return "sparkfiles:" + os.path.basename(path)


class Predictor:
    """What the pandas UDF runs on a worker (pickled with the UDF)."""

    def __init__(
        self,
        path: str,
        names: list[Any],
        spark_type: Any,
        params: dict[str, Any] | None,
        extra_env: dict[str, str],
        model_config: dict[str, Any] | None,
    ) -> None:
        self.path = path
        self.names = names
        self.spark_type = spark_type
        self.params = params
        self.extra_env = extra_env
        self.model_config = model_config
        self.python: str | None = None
        self.environ: dict[str, str] | None = None

    def local_path(self) -> str:
        """The model directory on this worker."""
        if self.path.startswith("sparkfiles:"):
            from pyspark import SparkFiles

            return SparkFiles.get(self.path[len("sparkfiles:") :])
        return self.path

    def input_frame(self, columns: Sequence[Any]) -> Any:
        """One batch's columns as the model's input DataFrame."""
        return _input_frame(columns, self.names)

    def batches(self, iterator: Iterator[tuple[Any, ...]]) -> Iterator[Any]:
        """Predictions for each batch of columns."""
        os.environ.update(self.extra_env)
        if self.python is not None:
            from heron.serving.remote import remote_batches

            yield from remote_batches(self, iterator)
            return
        from heron.pyfunc import load_model

        model = load_model(self.local_path(), model_config=self.model_config)
        for columns in iterator:
            frame = _input_frame(columns, self.names)
            yield predictions_for_spark(model.predict(frame, params=self.params), self.spark_type)


def _is_struct(spark_type: Any) -> bool:
    from pyspark.sql.types import StructType

    return isinstance(spark_type, StructType)
