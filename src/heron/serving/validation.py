"""MLflow's ``validate_serving_input`` and ``convert_input_example_to_serving_input``: check,
before deploying, that a request body the scoring server would get predicts."""

from __future__ import annotations

import json
from typing import Any

from heron.serving.scoring import decode_json, parse_json_input
from heron.serving.scoring import predict as predict_parsed


def convert_input_example_to_serving_input(input_example: Any) -> str | None:
    """The scoring-server request body (JSON text) for an input example, as ``log_model``
    writes it to ``serving_input_example.json``; None for None."""
    from heron.models.example import ExampleEncoder, example_payloads

    if input_example is None:
        return None
    _, _, serving = example_payloads(input_example)
    return json.dumps(serving, cls=ExampleEncoder, indent=2)


def validate_serving_input(model_uri: str, serving_input: str | dict[str, Any]) -> Any:
    """Parse a scoring request body as the server would and predict it with the model.

    Args:
        model_uri: The model (any model URI).
        serving_input: The request body: JSON text or its decoded dict, e.g.
            ``{"dataframe_split": {...}}`` or ``{"inputs": ...}``.

    Returns:
        The model's prediction.

    Raises:
        BadRequest: The body does not parse as the scoring server requires.
    """
    from heron.pyfunc import load_model

    model = load_model(model_uri)
    payload = decode_json(
        serving_input if isinstance(serving_input, str) else json.dumps(serving_input)
    )
    metadata = model.metadata
    schema = metadata.get_input_schema() if metadata is not None else None
    return predict_parsed(model, parse_json_input(payload, metadata, schema))
