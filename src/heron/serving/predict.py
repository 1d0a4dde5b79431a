"""Batch predictions from a file, stdin or a Python value: ``heron models predict`` and
:func:`heron.models.predict`.

The input goes through the same parsing as a request to the scoring server. CSV input is
read and predicted in chunks, and the predictions are written as they come, so a file larger
than memory can be scored when the model's predictions are row-wise (lists, arrays, frames).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO, Any

from heron.exceptions import InvalidParameter
from heron.serving.encoding import dumps, jsonable, predictions_body
from heron.serving.scoring import ParsedInput, decode_json, parse_json_input
from heron.serving.scoring import predict as predict_parsed

CONTENT_TYPES = ("json", "csv")
CSV_CHUNK_ROWS = 100_000


def serving_payload(input_data: Any, params: dict[str, Any] | None = None) -> bytes:
    """A Python value as a scoring request body (JSON text is used as it is).

    DataFrames become ``dataframe_split``; anything else ``inputs``.
    """
    if isinstance(input_data, (str, bytes)):
        return input_data.encode() if isinstance(input_data, str) else input_data
    payload: dict[str, Any]
    if type(input_data).__name__ == "DataFrame":
        payload = {"dataframe_split": input_data.to_dict(orient="split")}
        payload["dataframe_split"].pop("index", None)
    else:
        payload = {"inputs": jsonable(input_data)}
    if params:
        payload["params"] = params
    return dumps(payload)


def _csv_chunks(source: str | IO[str], schema: Any, chunk_rows: int) -> Iterator[Any]:
    import pandas as pd

    from heron.serving.frames import dataframe_from_csv

    if chunk_rows <= 0:
        yield dataframe_from_csv(source, schema)
        return
    try:
        reader = pd.read_csv(source, chunksize=chunk_rows, dtype=_csv_dtypes(schema))
        yield from reader
    except InvalidParameter:
        raise
    except Exception as error:
        from heron.exceptions import BadRequest

        raise BadRequest(
            "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid "
            f"CSV-formatted Pandas DataFrame. Error: '{error}'"
        ) from None


def _csv_dtypes(schema: Any) -> dict[str, Any] | None:
    from heron.models.schema import DataType

    if schema is None or not schema.has_input_names() or schema.is_tensor_spec():
        return None
    return {
        name: spec.to_pandas()
        for name, spec in zip(schema.input_names(), schema.input_types(), strict=True)
        if isinstance(spec, DataType)
    }


def predict_local(
    model: Any,
    source: IO[Any] | str | None,
    output: IO[bytes],
    content_type: str = "json",
    chunk_rows: int = CSV_CHUNK_ROWS,
) -> None:
    """Predict an input file (path, stream, or stdin when None) and write the JSON answer.

    Raises:
        InvalidParameter: An unknown content type.
        BadRequest: The input does not parse; HeronError from the model as the server does.
    """
    if content_type not in CONTENT_TYPES:
        raise InvalidParameter(
            f"Unknown content type '{content_type}'; use one of {list(CONTENT_TYPES)}"
        )
    if content_type == "json":
        text = _read_all(source)
        parsed = parse_json_input(decode_json(text), model.metadata, _schema(model))
        output.write(predictions_body(predict_parsed(model, parsed), wrap=not parsed.unwrapped))
        return
    stream = sys.stdin if source is None else source
    chunks = _csv_chunks(stream, _schema(model), chunk_rows)
    first = predict_parsed(model, ParsedInput(next(chunks), None))
    following = next(chunks, None)
    if following is None:  # one chunk: answer exactly as the server would
        output.write(predictions_body(first))
        return
    output.write(b'{"predictions": [')
    _write_items(output, first, True)
    _write_items(output, predict_parsed(model, ParsedInput(following, None)), False)
    for chunk in chunks:
        _write_items(output, predict_parsed(model, ParsedInput(chunk, None)), False)
    output.write(b"]}")


def _write_items(output: IO[bytes], predictions: Any, first: bool) -> None:
    result = jsonable(predictions)
    if not isinstance(result, list):
        raise InvalidParameter(
            "The model's predictions for a chunk of the CSV input are not a list, so they "
            "cannot be joined; predict the file as JSON, or raise the chunk size"
        )
    body = dumps(result)[1:-1]
    if body:
        output.write(body if first else b"," + body)


def _schema(model: Any) -> Any:
    return model.metadata.get_input_schema()


def _read_all(source: IO[Any] | str | None) -> bytes:
    if source is None:
        return sys.stdin.buffer.read()
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return handle.read()
    data = source.read()
    return data.encode() if isinstance(data, str) else data
