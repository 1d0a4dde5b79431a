"""search_registered_models and search_model_versions over the folder's models, in Python:
the same grammar, defaults and prompt rule as the SQL store (MLflow's)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from heron.entities import PagedList
from heron.entities.paging import decode_page_token, encode_page_token
from heron.entities.registry import PROMPT_TAG, ModelVersion, RegisteredModel
from heron.search import And, Node, Or, OrderKey, parse_filter, parse_order_by
from heron.search.evaluate import compare
from heron.store.registry.base import (
    SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
    SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD,
    SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
    SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD,
)
from heron.store.registry.prompt_filter import without_prompts
from heron.validation import validate_max_results

_T = TypeVar("_T", RegisteredModel, ModelVersion)


def registered_models(
    models: list[RegisteredModel],
    filter_string: str | None,
    max_results: int | None,
    order_by: Sequence[str] | None,
    page_token: str | None,
) -> PagedList[RegisteredModel]:
    """One page of ``models`` matching the filter; order ending ``name ASC``."""
    size = validate_max_results(
        SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT if max_results is None else max_results,
        SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD,
    )
    keys = parse_order_by(_as_list(order_by), "registered_models")
    defaults = [OrderKey("attribute", "name")]
    return _search(models, "registered_models", filter_string, keys, defaults, size, page_token)


def model_versions(
    versions: list[ModelVersion],
    filter_string: str | None,
    max_results: int | None,
    order_by: Sequence[str] | None,
    page_token: str | None,
) -> PagedList[ModelVersion]:
    """One page of live ``versions``; newest update first without ``order_by``, any order
    ending ``name ASC, version DESC``."""
    size = validate_max_results(
        SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT if max_results is None else max_results,
        SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD,
    )
    keys = parse_order_by(_as_list(order_by), "model_versions") or [
        OrderKey("attribute", "last_updated_timestamp", False)
    ]
    defaults = [OrderKey("attribute", "name"), OrderKey("attribute", "version", False)]
    return _search(versions, "model_versions", filter_string, keys, defaults, size, page_token)


def _as_list(order_by: Sequence[str] | None) -> Sequence[str] | None:
    return [order_by] if isinstance(order_by, str) else order_by


def _search(
    items: list[_T],
    target: str,
    filter_string: str | None,
    keys: list[OrderKey],
    defaults: list[OrderKey],
    size: int,
    page_token: str | None,
) -> PagedList[_T]:
    offset = decode_page_token(page_token)
    node = without_prompts(parse_filter(filter_string, target))
    found = [item for item in items if _holds(node, item)]
    named: set[str] = {key.key for key in keys}
    for key in reversed([*keys, *(k for k in defaults if k.key not in named)]):
        found = _sorted(found, key)
    more = len(found) > offset + size
    return PagedList(
        found[offset : offset + size], encode_page_token(offset + size) if more else None
    )


def _holds(node: Node, item: RegisteredModel | ModelVersion) -> bool:
    if isinstance(node, And):
        return all(_holds(term, item) for term in node.terms)
    if isinstance(node, Or):
        return any(_holds(term, item) for term in node.terms)
    return compare(node.op, _value(item, node.entity, node.key), node.value)


def _value(item: RegisteredModel | ModelVersion, entity: str, key: str) -> Any:
    if entity == "tag":
        default = "false" if key == PROMPT_TAG else None
        return item.tags.get(key, default)
    return getattr(item, key, None)


def _sorted(items: list[_T], key: OrderKey) -> list[_T]:
    value: Callable[[_T], Any] = lambda item: _value(item, key.entity, key.key)  # noqa: E731
    present = [item for item in items if value(item) is not None]
    missing = [item for item in items if value(item) is None]
    present.sort(key=value, reverse=not key.ascending)
    return present + missing
