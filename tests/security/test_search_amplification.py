"""Attack: a filtered search as a user who may read little of a large store. Each call
refilled its page from the store until full, so ``experiments/search?max_results=1`` read
the whole store one experiment at a time (seconds for a few thousand experiments, minutes
for more: a few such calls took the server). A call now reads a bounded number of further
pages and answers a short page with a token; paging on still lists everything readable
exactly once. Real basic-auth server, real requests."""

from __future__ import annotations

import pytest

from fixtures.auth_server import ALICE, BOB, AuthServer
from heron.auth.refill import MAX_FOLLOW_UPS

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"


def _make(s: AuthServer, user: tuple[str, str], name: str) -> str:
    made = s.request("POST", f"{API}/experiments/create", auth=user, json={"name": name})
    assert made.status_code == 200, made.text
    return str(made.json()["experiment_id"])


def test_filtered_search_reads_a_bounded_number_of_pages(auth_server: AuthServer) -> None:
    hidden = 4 * (MAX_FOLLOW_UPS + 1)
    mine = [_make(auth_server, BOB, "bob-1"), _make(auth_server, BOB, "bob-2")]
    for i in range(hidden):  # newer: listed first
        _make(auth_server, ALICE, f"alice-{i}")
    first = auth_server.request(
        "GET", f"{API}/experiments/search", auth=BOB, params={"max_results": 1}
    ).json()
    assert first.get("experiments", []) == []  # not the whole store read for one item
    seen: list[str] = [e["experiment_id"] for e in first.get("experiments", [])]
    token, calls = first.get("next_page_token"), 1
    assert token, "a short page must say where to go on"
    while token:
        page = auth_server.request(
            "GET",
            f"{API}/experiments/search",
            auth=BOB,
            params={"max_results": 1, "page_token": token},
        ).json()
        seen += [e["experiment_id"] for e in page.get("experiments", [])]
        token, calls = page.get("next_page_token"), calls + 1
        assert calls < 100
    assert sorted(seen) == sorted(mine)  # everything readable, once
    assert calls >= hidden // (MAX_FOLLOW_UPS + 1)  # the work was spread over calls
