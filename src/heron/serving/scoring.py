"""One ``/invocations`` request: content type, body parsing, prediction, the answer.

:func:`invocations` is what the web app and ``heron models predict`` both call, so a file
predicts exactly as a request would. MLflow 1.x's ``format=pandas-split`` and
``format=pandas-records`` content types (bodies that are the bare DataFrame JSON) are
still accepted.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, NamedTuple

import orjson

from heron.exceptions import BadRequest, HeronError
from heron.models.schema import Schema
from heron.serving.encoding import predictions_body
from heron.serving.frames import dataframe_from_csv, dataframe_from_json, invalid_input
from heron.serving.tensors import parse_tf_serving

_logger = logging.getLogger(__name__)

CONTENT_TYPE_CSV = "text/csv"
CONTENT_TYPE_JSON = "application/json"
CONTENT_TYPE_PARQUET = "application/vnd.apache.parquet"
CONTENT_TYPES = [CONTENT_TYPE_CSV, CONTENT_TYPE_JSON, CONTENT_TYPE_PARQUET]
INPUT_KEYS = ("dataframe_split", "dataframe_records", "instances", "inputs")
LLM_KEYS = ("messages", "prompt", "input")
_LLM_KEY_SET = frozenset(LLM_KEYS)
_LEGACY_FORMATS = {"pandas-split": "split", "pandas-records": "records"}

_REQUIRED_FORMAT = (
    "The input must be a JSON dictionary with exactly one of the input fields "
    "{'dataframe_split', 'dataframe_records', 'instances', 'inputs'}"
)
PROTOCOL_CHANGE_INFO = (
    "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are "
    "seeing this error, you are likely using an outdated scoring request format. Wrap the "
    'input in one of the fields above, e.g. {"dataframe_split": <DataFrame as '
    "to_json(orient='split')>}, or send it with the content type "
    "'application/json; format=pandas-split'."
)


class Answer(NamedTuple):
    """An HTTP answer: body, status and media type."""

    body: bytes
    status: int
    media_type: str


class ParsedInput(NamedTuple):
    """A request body as model input and params; ``unwrapped`` for unified LLM payloads."""

    data: Any
    params: dict[str, Any] | None
    unwrapped: bool = False


def decode_json(body: bytes | str) -> dict[str, Any]:
    """The JSON object of a request body.

    Raises:
        BadRequest: Not JSON, or not an object.
    """
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise invalid_input(
            f"Ensure that input is a valid JSON formatted string. Error: '{error}'"
        ) from None
    if isinstance(decoded, dict):
        return decoded
    if isinstance(decoded, list):
        raise invalid_input(f"{_REQUIRED_FORMAT}. Received a list.")
    raise invalid_input(f"{_REQUIRED_FORMAT}. Received unexpected input type '{type(decoded)}.")


def parse_json_input(payload: dict[str, Any], metadata: Any, schema: Schema | None) -> ParsedInput:
    """Model input and params of a decoded JSON body.

    Raises:
        BadRequest: Not exactly one input field, or an input that does not convert.
    """
    if not _LLM_KEY_SET.isdisjoint(payload):
        signature = getattr(metadata, "signature", None)
        names = (
            {p.name for p in signature.params.params} if signature and signature.params else set()
        )
        data = {k: v for k, v in payload.items() if k not in names}
        return ParsedInput(data, {k: v for k, v in payload.items() if k in names}, True)
    params = payload.get("params")
    if params is not None and not isinstance(params, dict):
        raise invalid_input(f"'params' must be a JSON object of parameter values, got {params!r}")
    fields = {k: v for k, v in payload.items() if k in INPUT_KEYS}
    if len(fields) != 1:
        unknown = [key for key in payload if key not in INPUT_KEYS and key != "params"]
        extra = f" and unknown keys {unknown}" if unknown else ""
        raise BadRequest(
            f"{_REQUIRED_FORMAT}. Received dictionary with input fields: {list(fields)}"
            f"{extra}. {PROTOCOL_CHANGE_INFO}"
        )
    if getattr(metadata, "is_signature_from_type_hint", False):
        if "inputs" not in fields:
            raise HeronError.from_code(
                "INVALID_PARAMETER_VALUE",
                "Request payload must be a dictionary with 'inputs' key when the model contains "
                f"a valid type hint. Found keys in payload: {list(fields)}.",
            )
        return ParsedInput(fields["inputs"], params)
    ((key, value),) = fields.items()
    if key in ("instances", "inputs"):
        return ParsedInput(parse_tf_serving(fields, schema), params)
    return ParsedInput(dataframe_from_json(value, key[len("dataframe_") :], schema), params)


@functools.lru_cache(maxsize=64)
def _content_type(header: str | None) -> tuple[str, str | None] | Answer:
    """The media type and legacy ``format`` of a Content-Type header, or the 415 answer.

    Clients send the same few headers again and again: the verdict is cached.
    """
    parts = [part.strip() for part in (header or "").split(";")]
    options = {}
    for pair in parts[1:]:
        if pair:
            key, _, value = pair.partition("=")
            options[key.strip().lower()] = value.strip()
    mime = parts[0].lower()
    if options.get("charset", "utf-8").lower() != "utf-8":
        return Answer(b"The scoring server only supports UTF-8", 415, "text/plain")
    legacy = options.pop("format", None)
    unknown = set(options) - {"charset"}
    if unknown or (
        legacy is not None and (legacy not in _LEGACY_FORMATS or mime != CONTENT_TYPE_JSON)
    ):
        names = ", ".join(sorted(unknown | ({"format"} if legacy is not None else set())))
        text = f"Unrecognized content type parameters: {names}. {PROTOCOL_CHANGE_INFO}"
        return Answer(text.encode(), 415, "text/plain")
    return mime, legacy


def parse_request(body: bytes, content_type: str | None, model: Any) -> ParsedInput | Answer:
    """The request as model input, or the 415 answer for a content type it cannot be.

    Raises:
        BadRequest: The body does not parse as its content type says.
    """
    verdict = _content_type(content_type)
    if isinstance(verdict, Answer):
        return verdict
    mime, legacy = verdict
    schema = model.metadata.get_input_schema()
    if mime == CONTENT_TYPE_JSON:
        if legacy is not None:
            decoded = _decode_any(body)
            return ParsedInput(dataframe_from_json(decoded, _LEGACY_FORMATS[legacy], schema), None)
        return parse_json_input(decode_json(body), model.metadata, schema)
    if mime == CONTENT_TYPE_CSV:
        return ParsedInput(dataframe_from_csv(_text_stream(body), schema), None)
    if mime == CONTENT_TYPE_PARQUET:
        return ParsedInput(_parquet(body), None)
    text = (
        "This predictor only supports the following content types: "
        f"Types: {CONTENT_TYPES}. Got '{content_type or ''}'."
    )
    return Answer(text.encode(), 415, "text/plain")


def _decode_any(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise invalid_input(
            f"Ensure that input is a valid JSON formatted string. Error: '{error}'"
        ) from None


def _text_stream(body: bytes) -> Any:
    import io

    try:
        return io.StringIO(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise invalid_input(
            f"Ensure that input is a valid UTF-8 encoded string. Error: '{error!r}'"
        ) from None


def _parquet(body: bytes) -> Any:
    import io

    import pandas as pd

    try:
        return pd.read_parquet(io.BytesIO(body))
    except Exception as error:
        raise BadRequest(
            "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid "
            "Parquet Pandas DataFrame produced using the `pandas.DataFrame.to_parquet()` "
            f"method. Error: '{error}'"
        ) from None


def predict(model: Any, parsed: ParsedInput) -> Any:
    """The model's predictions for parsed input.

    Raises:
        HeronError: The input does not fit the signature (the message quotes the data), or
            the model's own code failed (500, its error class and message, no traceback).
    """
    try:
        return model.predict(parsed.data, params=parsed.params)
    except HeronError as error:
        error.message = f"Failed to predict data '{parsed.data}'. \nError: {error.message}"
        error.args = (error.message,)
        raise
    except Exception as error:
        _logger.exception("The model failed to predict")
        raise HeronError(
            "Encountered an unexpected error while evaluating the model: "
            f"{type(error).__name__}: {error}. Verify that the input is compatible with the "
            "model for inference."
        ) from None


def invocations(body: bytes, content_type: str | None, model: Any) -> Answer:
    """The answer to one ``/invocations`` request (errors raise :class:`HeronError`)."""
    parsed = parse_request(body, content_type, model)
    if isinstance(parsed, Answer):
        return parsed
    predictions = predict(model, parsed)
    return Answer(predictions_body(predictions, wrap=not parsed.unwrapped), 200, CONTENT_TYPE_JSON)
