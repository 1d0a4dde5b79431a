"""The web UI of a basic-auth server in Chromium: sign in, manage users and permissions on
the admin page, create a token on the account page (a CSRF-protected API call from the
page's script), sign out; no page breaks its CSP or shows a script error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from e2e_ui.browser import Watched
from fixtures.server import HeronServer, start_server

pytestmark = pytest.mark.ui

ADMIN = ("admin", "admin-password-123")


@pytest.fixture(scope="module")
def auth_ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeronServer]:
    directory = tmp_path_factory.mktemp("auth-ui")
    config = directory / "basic_auth.ini"
    config.write_text(
        "[mlflow]\ndefault_permission = NO_PERMISSIONS\n"
        f"database_uri = sqlite:///{directory / 'auth.db'}\n"
        f"admin_username = {ADMIN[0]}\nadmin_password = {ADMIN[1]}\n"
    )
    server = start_server(
        directory, "--app-name", "basic-auth", env={"HERON_AUTH_CONFIG_PATH": str(config)}
    )
    httpx.post(server.url + "/api/2.0/mlflow/experiments/create", json={"name": "e1"}, auth=ADMIN)
    yield server
    server.stop()


def _sign_in(page: Page, url: str, user: tuple[str, str]) -> None:
    page.goto(url + "/experiments")
    expect(page).to_have_url(url + "/login?next=%2Fexperiments")
    page.get_by_label("Username").fill(user[0])
    page.get_by_label("Password").fill(user[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url + "/experiments")


def test_sign_in_manage_users_tokens_and_sign_out(
    confirming: Watched, auth_ui_server: HeronServer, tmp_path: Path
) -> None:
    page, url = confirming.page, auth_ui_server.url
    page.goto(url + "/login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("wrong-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    _sign_in(page, url, ADMIN)
    expect(page.locator(".user-menu")).to_contain_text("admin")

    page.goto(url + "/admin")
    page.locator("#create-user summary").click()
    form = page.locator("#create-user form")
    form.get_by_label("Username").fill("carol")
    form.get_by_label("Password").fill("carol-password-1")
    form.get_by_role("button", name="Create").click()
    expect(page.locator("#users-table")).to_contain_text("carol")
    grant = page.locator("form[data-api$='permissions/grant']")
    grant.get_by_label("User").select_option("carol")
    grant.get_by_label("Id or name").fill("1")
    grant.get_by_label("Permission").select_option("EDIT")
    grant.get_by_role("button", name="Grant").click()
    expect(page.locator("#users-table")).to_contain_text("experiment 1 EDIT")
    page.screenshot(path=str(tmp_path / "admin.png"))

    page.goto(url + "/account")
    page.get_by_label("Name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("[data-token-value]")
    expect(token).to_contain_text("hrn_")
    answer = httpx.get(
        url + "/api/2.0/mlflow/users/current",
        headers={"Authorization": f"Bearer {token.inner_text()}"},
    )
    assert answer.json()["user"]["username"] == "admin"

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(url + "/login")
    page.goto(url + "/admin")
    expect(page).to_have_url(url + "/login?next=%2Fadmin")
    confirming.assert_clean()


def test_a_user_without_permission_sees_no_admin_link(
    watched: Watched, auth_ui_server: HeronServer
) -> None:
    user = ("dave", "dave-password-12")
    body = {"username": user[0], "password": user[1]}
    httpx.post(auth_ui_server.url + "/api/2.0/mlflow/users/create", json=body, auth=ADMIN)
    page, url = watched.page, auth_ui_server.url
    page.goto(url + "/login?next=%2Faccount")
    page.get_by_label("Username").fill(user[0])
    page.get_by_label("Password").fill(user[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url + "/account")
    expect(page.locator(".user-menu")).not_to_contain_text("Admin")
    response = page.goto(url + "/experiments/1")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Permission denied")).to_be_visible()
    watched.assert_clean()
