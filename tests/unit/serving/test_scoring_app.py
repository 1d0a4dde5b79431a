"""The scoring app (real Starlette app, real models saved to disk) answer by answer:
every input format, MLflow's error bodies, encodings, params, timeout and body limit."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import heron.pyfunc
import heron.sklearn
from heron.models import infer_signature
from heron.serving.app import create_app

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

COLUMNS = ["a", "b"]


class Echo(heron.pyfunc.PythonModel):
    def predict(self, context: Any, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        if params and params.get("mode") == "params":
            return params
        return model_input


class Failing(heron.pyfunc.PythonModel):
    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        raise ZeroDivisionError("the model divided by zero")


class Slow(heron.pyfunc.PythonModel):
    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        time.sleep(1.5)
        return [1]


def _client(model_dir: Path, **options: Any) -> Any:
    from starlette.testclient import TestClient

    return TestClient(create_app(heron.pyfunc.load_model(str(model_dir)), **options))


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from sklearn.linear_model import LinearRegression

    root = tmp_path_factory.mktemp("models")
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 0.0]})
    regression = LinearRegression().fit(frame, frame["a"] * 2)
    heron.sklearn.save_model(
        regression, root / "sk", signature=infer_signature(frame, regression.predict(frame))
    )
    heron.pyfunc.save_model(root / "echo", python_model=Echo())
    heron.pyfunc.save_model(
        root / "echo_params",
        python_model=Echo(),
        signature=infer_signature(frame, None, params={"mode": "plain", "k": 1}),
    )
    heron.pyfunc.save_model(root / "failing", python_model=Failing())
    heron.pyfunc.save_model(root / "slow", python_model=Slow())
    return {path.name: path for path in root.iterdir()}


@pytest.fixture(scope="module")
def sk(models: dict[str, Path]) -> Any:
    return _client(models["sk"])


@pytest.fixture(scope="module")
def echo(models: dict[str, Path]) -> Any:
    return _client(models["echo"])


def _post(client: Any, body: Any, content_type: str = "application/json") -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/invocations", content=data, headers={"Content-Type": content_type})


def test_ping_health_and_version(sk: Any) -> None:
    for path in ("/ping", "/health"):
        answer = sk.get(path)
        assert (answer.status_code, answer.text) == (200, "\n")
        assert answer.headers["content-type"] == "application/json"
    assert sk.get("/version").status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ({"dataframe_split": {"columns": COLUMNS, "data": [[1, 0], [2, 1]]}}, "application/json"),
        ({"dataframe_records": [{"a": 1, "b": 0}, {"a": 2, "b": 1}]}, "application/json"),
        ({"instances": [{"a": 1, "b": 0}, {"a": 2, "b": 1}]}, "application/json"),
        ({"inputs": {"a": [1, 2], "b": [0, 1]}}, "application/json"),
        ({"columns": COLUMNS, "data": [[1, 0], [2, 1]]}, "application/json; format=pandas-split"),
        ([{"a": 1, "b": 0}, {"a": 2, "b": 1}], "application/json; format=pandas-records"),
        ("a,b\n1,0\n2,1\n", "text/csv"),
        ("a,b\n1,0\n2,1\n", "text/csv; charset=utf-8"),
    ],
)
def test_every_input_format_predicts_the_same(sk: Any, body: Any, content_type: str) -> None:
    answer = _post(sk, body, content_type)
    assert answer.status_code == 200, answer.text
    assert answer.json()["predictions"] == pytest.approx([2.0, 4.0])


def test_parquet_body(sk: Any) -> None:
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [0.0, 1.0]})
    answer = _post(sk, frame.to_parquet(), "application/vnd.apache.parquet")
    assert answer.json()["predictions"] == pytest.approx([2.0, 4.0])


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        ("{not json", "BAD_REQUEST", "valid JSON"),
        ([1, 2], "BAD_REQUEST", "Received a list"),
        ({"foo": 1}, "BAD_REQUEST", "unknown keys ['foo']"),
        ({"dataframe_split": {"data": [[1, 0]]}, "instances": [[1, 0]]}, "BAD_REQUEST", "exactly"),
        ({"dataframe_split": [[1, 0]]}, "BAD_REQUEST", "must be a dictionary"),
        ({"dataframe_split": {"columns": ["a"], "data": [[1]]}}, "INVALID_PARAMETER_VALUE", "b"),
        ({"dataframe_split": {"columns": COLUMNS, "data": [["x", 0]]}}, "BAD_REQUEST", "column a"),
        ({"inputs": {"a": ["x"], "b": [1]}}, "BAD_REQUEST", "x"),
    ],
)
def test_bad_input_gets_400_with_mlflow_code(sk: Any, body: Any, code: str, fragment: str) -> None:
    answer = _post(sk, body)
    assert answer.status_code == 400
    error = answer.json()
    assert error["error_code"] == code
    assert fragment in error["message"]
    assert _post(sk, {"inputs": {"a": [1], "b": [0]}}).status_code == 200  # still serving


def test_missing_column_is_a_schema_enforcement_failure(sk: Any) -> None:
    error = _post(sk, {"dataframe_records": [{"a": 1}]}).json()
    assert error["error_class"] == "SCHEMA_ENFORCEMENT_FAILED"
    assert error["sqlstate"] == "KAM01"
    assert "Model is missing inputs ['b']" in error["message"]


def test_nan_where_the_schema_wants_an_integer(tmp_path: Path) -> None:
    from heron.models import ModelSignature
    from heron.types.schema import ColSpec, Schema

    signature = ModelSignature(inputs=Schema([ColSpec("long", "n")]))
    heron.pyfunc.save_model(tmp_path / "m", python_model=Echo(), signature=signature)
    answer = _post(
        _client(tmp_path / "m"), {"dataframe_split": {"columns": ["n"], "data": [[None]]}}
    )
    assert answer.status_code == 400
    assert "Failed to convert column n" in answer.json()["message"]


def test_csv_with_another_header(sk: Any) -> None:
    answer = _post(sk, "x,y\n1,2\n", "text/csv")
    assert answer.status_code == 400
    assert "missing inputs" in answer.json()["message"]


@pytest.mark.parametrize(
    ("content_type", "text"),
    [
        ("text/plain", "only supports the following content types"),
        ("application/json; charset=latin-1", "only supports UTF-8"),
        ("application/json; format=pandas-columns", "Unrecognized content type parameters: format"),
        ("application/json; foo=bar", "Unrecognized content type parameters: foo"),
    ],
)
def test_unsupported_content_types_get_415(sk: Any, content_type: str, text: str) -> None:
    answer = _post(sk, {"inputs": [[1, 0]]}, content_type)
    assert answer.status_code == 415
    assert text in answer.text


def test_predictions_are_encoded_as_mlflow_encodes_them(echo: Any) -> None:
    split = {"dataframe_split": {"columns": ["x", "y"], "data": [[1, "u"], [2, "v"]]}}
    assert _post(echo, split).json() == {"predictions": [{"x": 1, "y": "u"}, {"x": 2, "y": "v"}]}
    assert _post(echo, {"inputs": [1, 2, 3]}).json() == {"predictions": [1, 2, 3]}
    assert _post(echo, {"inputs": [[1.5, 2.5]]}).json() == {"predictions": [[1.5, 2.5]]}
    assert _post(echo, {"inputs": {"k": [1, 2]}}).json() == {"predictions": {"k": [1, 2]}}
    assert _post(echo, {"inputs": "text"}).json() == {"predictions": "text"}
    nan = _post(echo, {"dataframe_split": {"columns": ["x"], "data": [[1.0], [None]]}})
    assert nan.text == '{"predictions": [{"x": 1.0}, {"x": NaN}]}'


def test_unified_llm_payload_is_passed_and_answered_unwrapped(echo: Any) -> None:
    body = {"messages": [{"role": "user", "content": "hi"}]}
    assert _post(echo, body).json() == body


def test_params_are_checked_against_the_signature(models: dict[str, Path]) -> None:
    client = _client(models["echo_params"])
    rows = {"dataframe_split": {"columns": COLUMNS, "data": [[1.0, 0.0]]}}
    answer = _post(client, {**rows, "params": {"mode": "params", "k": 5}})
    assert answer.json() == {"predictions": {"mode": "params", "k": 5}}
    defaults = _post(client, {**rows, "params": {"mode": "params"}})
    assert defaults.json()["predictions"]["k"] == 1
    wrong = _post(client, {**rows, "params": {"mode": "params", "k": "many"}})
    assert wrong.status_code == 400
    assert "Invalid parameters found" in wrong.json()["message"]


def test_a_failing_model_answers_500_without_a_traceback(models: dict[str, Path]) -> None:
    answer = _post(_client(models["failing"]), {"inputs": [1]})
    assert answer.status_code == 500
    error = answer.json()
    assert "ZeroDivisionError: the model divided by zero" in error["message"]
    assert "Traceback" not in answer.text
    assert "stack_trace" not in error


def test_request_timeout_answers_504_and_keeps_serving(models: dict[str, Path]) -> None:
    client = _client(models["slow"], timeout=0.3)
    answer = _post(client, {"inputs": [1]})
    assert (answer.status_code, answer.text) == (504, "Request processing time exceeded limit")
    assert client.get("/ping").status_code == 200


def test_body_over_the_limit_is_refused(models: dict[str, Path]) -> None:
    client = _client(models["echo"], max_body_size=1000)
    answer = _post(client, {"inputs": list(range(1000))})
    assert answer.status_code == 400
    assert answer.json()["error_code"] == "BAD_REQUEST"
    assert "limit of 1000 bytes" in answer.json()["message"]
    assert _post(client, {"inputs": [1]}).status_code == 200


def test_numpy_values_are_converted() -> None:
    from heron.serving.encoding import predictions_body

    assert json.loads(predictions_body(np.array([1.5], dtype=np.float32))) == {
        "predictions": [float(np.float32(1.5))]
    }
    assert json.loads(predictions_body(pd.Series([1, 2], name="p"))) == {
        "predictions": [{"p": 1}, {"p": 2}]
    }
    assert json.loads(predictions_body([b"\x00\x01"])) == {"predictions": ["AAE=\n"]}
