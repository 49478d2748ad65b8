"""The desk's tests: people (an editor, a reporter, an admin) and a browser-like
client that reads each form's CSRF token from the page it posts from."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from service.store import accounts

PASSWORD = "correct horse battery staple"
PEOPLE = {"edna": "editor", "rita": "reporter", "ada": "admin", "eve": "editor"}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2 at its cheapest: the desk's tests hash and check passwords by the dozen,
    and what they test is who gets in, not the cost of a guess (argon2-cffi's own
    defaults are what the desk uses)."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                            parallelism=1))


@pytest.fixture
def people(app):
    engine = app.extensions["standpoint.engine"]
    for name, role in PEOPLE.items():
        accounts.add_account(engine, name, role, PASSWORD)
    return PEOPLE


def csrf_token(page_text: str) -> str:
    return CSRF.search(page_text).group(1)


class Desk:
    """One person's browser: a cookie jar, and forms posted with their page's token."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict, token_from: str | None = None):
        """Post `data` to `path` with the CSRF token of the page at `token_from` (default `path`)."""
        page = self.client.get(token_from or path, follow_redirects=True)
        return self.client.post(path, data={"csrf_token": csrf_token(page.text), **data})

    def sign_in(self, name: str, password: str = PASSWORD):
        return self.post("/desk/sign-in", {"name": name, "password": password})

    def form(self, path: str) -> dict:
        """The values a form's page holds (inputs, checked radios, textareas), as a browser would send them."""
        return self.form_from(self.client.get(path).text)

    @staticmethod
    def form_from(html: str) -> dict:
        html = html[html.index("<main"):]
        values: dict = {}
        for tag in re.findall(r"<input[^>]*>", html):
            name = re.search(r'name="([^"]+)"', tag)
            if not name:
                continue
            kind = re.search(r'type="([^"]+)"', tag)
            if kind and kind.group(1) == "radio" and "checked" not in tag:
                continue
            value = re.search(r'value="([^"]*)"', tag)
            values[name.group(1)] = _unescape(value.group(1)) if value else ""
        for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>', html, re.S):
            values[name] = _unescape(text)
        values.pop("csrf_token", None)
        return values


def _unescape(text: str) -> str:
    import html
    return html.unescape(text)


@pytest.fixture
def desk(app, people):
    """A second browser for the same app: `desk()` opens one."""
    return lambda: Desk(app.test_client())
