"""Fixtures of the browser tests: one Chromium per pytest process, a watched page per test,
and the session's live Heron server (``heron_server``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e_ui.browser import Watched, launch, new_page

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Headless Debian Chromium, shared by the tests of one module.

    Not by the whole session: while Playwright's sync API is started, its event loop counts
    as running in this thread, and any other test of the process calling ``asyncio.run()``
    would fail. pytest ends a module's fixtures before it runs a test of another module.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def watched(chromium: object) -> Iterator[Watched]:
    """A fresh page that records dialogs, page errors, CSP violations and XSS."""
    page = new_page(chromium)  # type: ignore[arg-type]
    yield page
    page.context.close()


@pytest.fixture
def confirming(chromium: object) -> Iterator[Watched]:
    """A watched page that accepts confirm() dialogs (still recorded in ``dialogs``)."""
    page = new_page(chromium, accept_dialogs=True)  # type: ignore[arg-type]
    yield page
    page.context.close()


@pytest.fixture
def dark_page(chromium: object) -> Iterator[Watched]:
    """The same in the dark colour scheme."""
    page = new_page(chromium, "dark")  # type: ignore[arg-type]
    yield page
    page.context.close()
