"""Request parsing: MLflow's rules for query strings, JSON bodies, types and names."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from heron.entities import Metric
from heron.exceptions import InvalidParameter
from heron.protocol import encode_request, parse_request, route_named

JSON = "application/json"


def _post(rpc: str, body: Any, content_type: str | None = JSON) -> dict[str, Any]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return parse_request(route_named(rpc), "POST", b"", raw, content_type)


def _get(rpc: str, query: str) -> dict[str, Any]:
    return parse_request(route_named(rpc), "GET", query.encode())


def test_query_string_repeated_keys_make_a_list() -> None:
    request = _get("GetMetricHistoryBulkInterval", "run_ids=a&run_ids=b&metric_key=m&max_results=5")
    assert request == {"run_ids": ["a", "b"], "metric_key": "m", "max_results": 5}


def test_get_without_query_reads_a_json_body() -> None:
    request = parse_request(route_named("GetRun"), "GET", b"", b'{"run_id": "r"}')
    assert request == {"run_id": "r"}


def test_camel_case_names_are_accepted() -> None:
    assert _post("SearchRuns", {"experimentIds": ["1"], "maxResults": 3}) == {
        "experiment_ids": ["1"],
        "max_results": 3,
    }
    assert _get("GetMetricHistory", "runId=r&metricKey=m") == {"run_id": "r", "metric_key": "m"}


def test_both_spellings_of_a_field_are_refused() -> None:
    with pytest.raises(InvalidParameter, match="both 'max_results' and 'maxResults'"):
        _post("SearchRuns", {"max_results": 1, "maxResults": 2})
    with pytest.raises(InvalidParameter, match="both"):
        _post(
            "LogBatch",
            {
                "run_id": "r",
                "metrics": [
                    {
                        "key": "k",
                        "value": 1,
                        "timestamp": 1,
                        "step": 1,
                        "Step": 2,
                        "runId": "a",
                        "run_id": "b",
                    }
                ],
            },
        )


def test_legacy_run_uuid_is_accepted_and_run_id_wins() -> None:
    assert _get("GetRun", "run_uuid=old") == {"run_id": "old"}
    assert _get("GetRun", "run_uuid=old&run_id=new") == {"run_id": "new"}
    assert _post("SetTag", {"run_id": "new", "run_uuid": "old", "key": "k"})["run_id"] == "new"


def test_missing_required_parameter() -> None:
    with pytest.raises(InvalidParameter) as caught:
        _post("CreateExperiment", {})
    assert caught.value.message == (
        "Missing value for required parameter 'name'. "
        "See the API docs for more information about request parameters."
    )
    with pytest.raises(InvalidParameter, match="'name'"):
        _post("CreateExperiment", {"name": ""})


def test_nested_required_fields_are_named_with_their_path() -> None:
    with pytest.raises(InvalidParameter, match=r"'metrics\[1\]\.timestamp'"):
        _post("LogBatch", {"run_id": "r", "metrics": [
            {"key": "a", "value": 1, "timestamp": 1},
            {"key": "b", "value": 1},
        ]})  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [(5, 5), ("5", 5), (" -7 ", -7), (5.0, 5)])
def test_int64_as_number_or_numeric_string(text: object, expected: int) -> None:
    assert _post("UpdateRun", {"run_id": "r", "end_time": text})["end_time"] == expected


@pytest.mark.parametrize("value", [True, 1.5, "abc", "", 2**63, -(2**63) - 1, [1], {"a": 1}])
def test_bad_int64_is_refused(value: object) -> None:
    with pytest.raises(InvalidParameter, match="end_time"):
        _post("UpdateRun", {"run_id": "r", "end_time": value})


def test_int32_range() -> None:
    with pytest.raises(InvalidParameter, match="max_results"):
        _post("SearchRuns", {"max_results": 2**31})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1.0),
        (-2.5, -2.5),
        ("NaN", math.nan),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("1.0", 1.0),  # protobuf's JSON parser reads numeric strings, so MLflow stores them
        ("inf", math.inf),
    ],
)
def test_double_values(value: object, expected: float) -> None:
    request = _post("LogMetric", {"run_id": "r", "key": "k", "value": value, "timestamp": 1})
    assert request["value"] == expected or (math.isnan(expected) and math.isnan(request["value"]))


@pytest.mark.parametrize("value", [True, "abc", "", [1.0]])
def test_bad_double_is_refused(value: object) -> None:
    with pytest.raises(InvalidParameter, match="'value'"):
        _post("LogMetric", {"run_id": "r", "key": "k", "value": value, "timestamp": 1})


def test_bare_nan_and_overflowing_literals_are_read() -> None:
    body = b'{"run_id": "r", "key": "k", "value": NaN, "timestamp": 1}'
    assert math.isnan(_post("LogMetric", body)["value"])
    body = b'{"run_id": "r", "key": "k", "value": 1e309, "timestamp": 1}'
    assert _post("LogMetric", body)["value"] == math.inf


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("False", False), ("TRUE", True)])
def test_query_booleans(text: str, expected: bool) -> None:
    request = _get("GetLoggedModel", f"model_id=m-1&allow_deleted={text}")
    assert request["allow_deleted"] is expected


def test_bad_boolean_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="must be 'true' or 'false'"):
        _get("GetLoggedModel", "model_id=m-1&allow_deleted=yes")


@pytest.mark.parametrize("value", ["DELETED_ONLY", "deleted_only", 2, "2"])
def test_enums_by_name_or_number(value: object) -> None:
    assert _post("SearchRuns", {"run_view_type": value})["run_view_type"] == "DELETED_ONLY"


def test_unknown_enum_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="ACTIVE_ONLY, DELETED_ONLY, ALL"):
        _post("SearchRuns", {"run_view_type": "SOME"})


def test_strings_must_be_strings() -> None:
    with pytest.raises(InvalidParameter, match="'name'"):
        _post("CreateExperiment", {"name": 123})


def test_repeated_fields_must_be_arrays() -> None:
    with pytest.raises(InvalidParameter, match="experiment_ids"):
        _post("SearchRuns", {"experiment_ids": "1"})


def test_nested_messages_become_entities() -> None:
    request = _post("LogBatch", {"run_id": "r", "metrics": [
        {"key": "m", "value": 0.5, "timestamp": "12", "step": 3, "model_id": "m-1"},
    ]})  # fmt: skip
    assert request["metrics"] == [Metric("m", 0.5, 12, 3, model_id="m-1")]


def test_unknown_fields_and_nulls_are_ignored() -> None:
    assert _post("GetRun", {"run_id": "r", "whatever": 1, "run_uuid": None}) == {"run_id": "r"}


def test_empty_body_is_an_empty_object() -> None:
    assert _post("SearchRuns", b"") == {}
    assert _post("SearchRuns", b"  ") == {}


def test_double_encoded_body_is_decoded_twice() -> None:
    inner = json.dumps({"name": "old-client"})
    assert _post("CreateExperiment", json.dumps(inner).encode()) == {"name": "old-client"}


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2]",
        b"12",
        b"{bad json",
        b'{"name": "x"',
        '{"name": "x"}'.encode("utf-16"),
        b"\xef\xbb\xbf{}",
        b'{"name": "\xff"}',
        b"[" * 100_000,
    ],
)
def test_malformed_bodies_are_refused(body: bytes) -> None:
    with pytest.raises(InvalidParameter):
        _post("CreateExperiment", body)


@pytest.mark.parametrize(
    "content_type", [JSON, "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"]
)
def test_json_content_types_are_accepted(content_type: str) -> None:
    assert _post("CreateExperiment", {"name": "x"}, content_type) == {"name": "x"}


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"],
)
def test_other_content_types_are_refused_on_post(content_type: str | None) -> None:
    with pytest.raises(
        InvalidParameter, match=r"Content-Type must be one of \['application/json'\]"
    ):
        _post("CreateExperiment", {"name": "x"}, content_type)


def test_content_type_is_not_checked_on_patch_and_delete() -> None:
    route = route_named("FinalizeLoggedModel")
    body = b'{"status": "LOGGED_MODEL_READY"}'
    request = parse_request(route, "PATCH", b"", body, "text/plain", {"model_id": "m-1"})
    assert request == {"status": "LOGGED_MODEL_READY", "model_id": "m-1"}


def test_client_requests_are_mlflow_shaped() -> None:
    get = encode_request(
        route_named("GetMetricHistory"),
        {"run_id": "r", "metric_key": "m", "max_results": 10, "page_token": None},
    )
    assert (get.method, get.url, get.body) == ("GET", "/api/2.0/mlflow/metrics/get-history", None)
    assert get.params == [("run_id", "r"), ("metric_key", "m"), ("max_results", "10")]
    post = encode_request(route_named("SearchExperiments"), {"view_type": 1, "max_results": 1000})
    assert json.loads(post.body or b"") == {"max_results": 1000, "view_type": "ACTIVE_ONLY"}


def test_client_path_parameters_are_filled_and_escaped() -> None:
    outgoing = encode_request(
        route_named("DeleteLoggedModelTag"), {"model_id": "m-1", "tag_key": "a/b c"}
    )
    assert outgoing.url == "/api/2.0/mlflow/logged-models/m-1/tags/a%2Fb%20c"
    assert outgoing.method == "DELETE"


def test_client_refuses_values_the_server_would_refuse() -> None:
    with pytest.raises(InvalidParameter):
        encode_request(
            route_named("LogMetric"), {"run_id": "r", "key": "k", "value": "x", "timestamp": 1}
        )
    with pytest.raises(InvalidParameter):
        encode_request(route_named("SearchRuns"), {"run_view_type": "NOPE"})


def test_nul_characters_are_refused() -> None:
    with pytest.raises(InvalidParameter, match="NUL"):
        _post("CreateExperiment", {"name": "a\x00b"})
    with pytest.raises(InvalidParameter, match=r"tags\[0\]\.value"):
        _post("CreateRun", {"tags": [{"key": "k", "value": "\x00"}]})
