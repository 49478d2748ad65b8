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
import json
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


# axe-core from npm (package.json; `npm ci` installs it) and the rules the pages must pass.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, server: str) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on `page`, each as JSON text. The pages
    run scripts of their own origin only: Playwright answers a URL of that origin
    (on `server`) with axe-core from node_modules, rather than inlining it."""
    url = server + "/__test__/axe.min.js"
    page.route(url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=url)
    result = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(r => r.violations.map(v => ({id: v.id, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))""", WCAG_21_AA)
    return [json.dumps(v) for v in result]


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
