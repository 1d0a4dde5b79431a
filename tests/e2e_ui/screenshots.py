"""Screenshots of UI pages in light and dark, for a person to look at.

    .venv/bin/python tests/e2e_ui/screenshots.py --out /tmp/shots http://127.0.0.1:5000/ ...

Each URL gives ``<n>-light.png`` and ``<n>-dark.png``; anything that went wrong on the
page (a dialog, an error, a CSP violation) is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e_ui.browser import launch, new_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        for number, url in enumerate(args.urls, 1):
            for scheme in ("light", "dark"):
                watched = new_page(browser, scheme)
                watched.page.goto(url, wait_until="networkidle")
                path = args.out / f"{number}-{scheme}.png"
                watched.page.screenshot(path=str(path), full_page=args.full_page)
                problems = watched.problems()
                print(path, url, problems or "OK")
                watched.context.close()
        browser.close()


if __name__ == "__main__":
    main()
