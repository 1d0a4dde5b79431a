"""Debian's Chromium driven by Playwright: how the UI tests and screenshots open pages.

Playwright's own browser download is not used (it cannot be fetched here): the tests
launch ``/usr/bin/chromium`` (``tests/system-deps.sh`` installs it). Every page opened
through :func:`new_page` records what must never happen on a Heron page: a script of an
attacker running (``window.__xss`` set), a dialog, a Content-Security-Policy violation, an
uncaught error.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]

_WATCH = """
window.__xss = undefined;
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || ""));
});
"""


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium from Debian."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium is missing: run tests/system-deps.sh as root")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)


@dataclass
class Watched:
    """A page and what went wrong on it."""

    page: Page
    context: BrowserContext
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that must not happen: dialogs, page errors, CSP violations, XSS."""
        found = [f"dialog: {d}" for d in self.dialogs] + [f"error: {e}" for e in self.errors]
        if self.page.evaluate("window.__xss") is not None:
            found.append(f"script ran: window.__xss = {self.page.evaluate('window.__xss')!r}")
        found += [f"CSP: {v}" for v in self.page.evaluate("window.__cspViolations || []")]
        return found

    def assert_clean(self) -> None:
        """Fail with the list of problems, if any."""
        problems = self.problems()
        assert not problems, f"{self.page.url}: {problems}"


def new_page(
    browser: Browser, color_scheme: str = "light", accept_dialogs: bool = False
) -> Watched:
    """A fresh context and page that records dialogs, page errors and CSP violations.

    Args:
        browser: The browser.
        color_scheme: ``light`` or ``dark``.
        accept_dialogs: Accept confirm() dialogs (a test that clicks Delete); they are
            still recorded.
    """
    context = browser.new_context(
        color_scheme=color_scheme,  # type: ignore[arg-type]
        viewport={"width": 1400, "height": 900},
        accept_downloads=True,
    )
    context.add_init_script(_WATCH)
    page = context.new_page()
    watched = Watched(page, context)

    def on_dialog(dialog: object) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")  # type: ignore[attr-defined]
        if accept_dialogs:
            dialog.accept()  # type: ignore[attr-defined]
        else:
            dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    return watched
