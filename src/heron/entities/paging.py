"""Paged results and the opaque page tokens that continue them."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import TypeVar

from heron.exceptions import InvalidParameter

T = TypeVar("T")


class PagedList(list[T]):
    """One page of results; ``token`` continues the search, or is None on the last page."""

    def __init__(self, items: Iterable[T], token: str | None):
        super().__init__(items)
        self.token = token


def encode_page_token(offset: int) -> str:
    """MLflow's token format: base64 of ``{"offset": N}``."""
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    """The offset a token stands for; 0 for no token. Bad tokens are INVALID_PARAMETER_VALUE."""
    if not token:
        return 0
    try:
        data = json.loads(base64.b64decode(token.encode(), validate=True))
        offset = data["offset"]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise InvalidParameter(f"Invalid page token, could not base64-decode: {token!r}") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise InvalidParameter(f"Invalid page token, bad offset: {token!r}")
    return offset
