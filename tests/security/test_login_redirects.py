"""Attacks on the login page's ``next`` parameter: open redirects through characters a
browser drops from a URL (``/<TAB>/evil.example`` is ``//evil.example`` to it) and header
injection through line breaks. Real basic-auth server, raw HTTP (clients refuse to send or
read such headers)."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest

from fixtures.auth_server import ALICE, AuthServer

pytestmark = pytest.mark.integration

HOSTILE = [
    "/\t/evil.example/",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/x\r\nSet-Cookie: planted=1",
    "/ /evil.example",
    "/\\evil.example",
    "//evil.example",
    "https://evil.example",
    "/\u3000/evil.example",
]


def _login(s: AuthServer, next_: str, password: str) -> tuple[int, str | None, list[str]]:
    parts = urlsplit(s.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    body = urlencode({"username": ALICE[0], "password": password, "next": next_})
    connection.request(
        "POST", "/login", body, {"content-type": "application/x-www-form-urlencoded"}
    )
    response = connection.getresponse()
    response.read()
    cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
    connection.close()
    return response.status, response.getheader("location"), cookies


def _as_browser_reads(location: str) -> str:
    """What a browser's URL parser makes of a Location: tabs and line breaks removed,
    leading and trailing spaces and controls trimmed."""
    return re.sub(r"[\t\r\n]", "", location).strip("\x00- ")


@pytest.mark.parametrize("target", HOSTILE)
@pytest.mark.parametrize("password", [ALICE[1], "wrong-password-123"])
def test_login_redirects_only_to_this_site(
    auth_server: AuthServer, target: str, password: str
) -> None:
    status, location, cookies = _login(auth_server, target, password)
    assert status == 303
    assert location is not None
    seen = _as_browser_reads(location)
    assert seen.startswith("/"), location
    assert not seen.startswith("//"), location
    assert "\\" not in seen
    assert not urlsplit(seen).netloc
    assert not any("planted" in cookie for cookie in cookies)


def test_login_page_keeps_a_safe_next(auth_server: AuthServer) -> None:
    page = auth_server.request("GET", "/login", params={"next": "/\t/evil.example"})
    assert page.status_code == 200
    value = re.search(r'name="next" value="([^"]*)"', page.text)
    assert value is not None
    assert not _as_browser_reads(value.group(1)).startswith("//")


def test_ordinary_next_still_works(auth_server: AuthServer) -> None:
    target = f"/experiments/{auth_server.experiment_id}?filter=a b&x=1"
    status, location, _ = _login(auth_server, target, ALICE[1])
    assert status == 303
    assert location == f"/experiments/{auth_server.experiment_id}?filter=a%20b&x=1"


def _post(s: AuthServer, path: str, origin: str | None) -> tuple[int, list[str]]:
    parts = urlsplit(s.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    body = urlencode({"username": ALICE[0], "password": ALICE[1], "next": "/"})
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if origin:
        headers["origin"] = origin
    connection.request("POST", path, body, headers)
    response = connection.getresponse()
    response.read()
    cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
    connection.close()
    return response.status, cookies


@pytest.mark.parametrize("path", ["/login", "/logout"])
def test_other_sites_cannot_sign_users_in_or_out(auth_server: AuthServer, path: str) -> None:
    # Login CSRF: a page elsewhere signed the victim's browser into the attacker's account
    # (everything the victim then did in the UI went to that account); or signed them out.
    status, cookies = _post(auth_server, path, "http://evil.example")
    assert status == 403
    assert cookies == []
    same_site, _ = _post(auth_server, path, auth_server.url)
    assert same_site == 303
