"""What the browser tests share: Debian's chromium driven by Playwright (which
never downloads a browser here), a page that writes down what it logs and
requests, and screenshots.

A test module sets `pytestmark = BROWSER_MARKS` and uses the `browser` and
`watched` fixtures (tests/servers/conftest.py: one browser for the session): it
is skipped, with the reason, when the playwright package or a chromium binary
is missing (CI installs `chromium`).
Screenshots go to test-artifacts/, and also to docs/screenshots/ when
STANDPOINT_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = next((path for path in (os.environ.get("STANDPOINT_CHROMIUM"), "/usr/bin/chromium",
                                   shutil.which("chromium"), shutil.which("chromium-browser"))
                 if path and os.path.exists(path)), None)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="the playwright package is not installed"),
    pytest.mark.skipif(CHROMIUM is None, reason=(
        "no chromium binary (looked for $STANDPOINT_CHROMIUM, /usr/bin/chromium, chromium on "
        "PATH): `apt-get install chromium` to run the browser tests")),
]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class Watched:
    """A browser page with everything it logs and requests written down."""

    def __init__(self, browser, viewport):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def foreign_requests(self, *allowed: str) -> list[str]:
        return [url for url in self.requests
                if not url.startswith(allowed) and not url.startswith("data:")]

    def close(self):
        self.context.close()


def screenshot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("STANDPOINT_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    return path
