"""Fixtures of the browser tests (tests/servers/browser.py): one chromium per test
module. Not one per session: Playwright's sync API keeps an asyncio loop running in
the main thread while it is open, and a later module on the same worker that runs
asyncio itself (the webhook worker's tests) would find it there."""

from __future__ import annotations

import pytest

from ..conftest import DATABASES, POSTGRES_URL, wipe_postgres
from .browser import Watched, launch


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def watched(browser):
    opened: list[Watched] = []

    def open_(viewport):
        item = Watched(browser, viewport)
        opened.append(item)
        return item

    yield open_
    for item in opened:
        item.close()


@pytest.fixture(params=DATABASES)
def server_database_url(request, tmp_path):
    """An empty database of each kind for a live server of the test's own (a SQLite
    file, or the PostgreSQL test database wiped)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    wipe_postgres(POSTGRES_URL)
    return POSTGRES_URL
