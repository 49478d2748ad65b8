"""CORS: dashboards on any site may read; only allowlisted origins may write."""

from __future__ import annotations

import pytest

from service import create_app

from ..contract import ContractClient

DASHBOARD = "https://dashboard.news.example"


def _exposed(response) -> set[str]:
    value = response.headers.get("Access-Control-Expose-Headers", "")
    return {name.strip().lower() for name in value.split(",") if name.strip()}


def test_simple_get_from_any_origin_is_readable_with_its_headers(client):
    response = client.get("/v1/actors?per_page=2", headers={"Origin": DASHBOARD})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = _exposed(response)
    for name in ("etag", "link", "x-total-count", "x-request-id", "retry-after",
                 "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy",
                 "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
        assert name in exposed, name
    # No cookies or credentials: a wildcard origin must never come with them.
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_errors_are_readable_cross_origin_too(client):
    response = client.get("/v1/actors/narnia", headers={"Origin": DASHBOARD})
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_conditional_get_answers_304_cross_origin(client):
    first = client.get("/v1/positions?as_of=2025-03-20", headers={"Origin": DASHBOARD})
    again = client.get("/v1/positions?as_of=2025-03-20",
                       headers={"Origin": DASHBOARD, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_a_read_without_origin_carries_cors_too_so_a_shared_cache_can_serve_browsers(client):
    # A proxy cache keys on the URL: the copy it keeps from a server-side
    # client must still work for the browser dashboard that gets it next.
    response = client.get("/v1/actors")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Origin" not in response.headers.get("Vary", "")


def test_preflight_for_a_conditional_get_is_allowed(client):
    response = client.options("/v1/positions", headers={
        "Origin": DASHBOARD,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match, x-request-id",
    })
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in allowed and "x-request-id" in allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_preflight_for_a_write_is_refused_by_default(client, method):
    response = client.options("/v1/statements", headers={
        "Origin": DASHBOARD,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type",
    })
    # No Access-Control-Allow-Origin: the browser will not send the write.
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


def test_a_simple_post_from_a_page_gets_no_cors_headers_by_default(client):
    response = client.post("/v1/statements", data="x=1",
                           content_type="application/x-www-form-urlencoded",
                           headers={"Origin": DASHBOARD})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.fixture
def write_app(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True,
                      "CORS_WRITE_ORIGINS": ["https://admin.news.example"]})
    app.test_client_class = ContractClient
    yield app
    app.extensions["standpoint.engine"].dispose()


def test_allowlisted_origin_may_preflight_a_write(write_app):
    client = write_app.test_client()
    response = client.options("/v1/statements", headers={
        "Origin": "https://admin.news.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    })
    assert response.headers["Access-Control-Allow-Origin"] == "https://admin.news.example"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    for name in ("authorization", "content-type", "idempotency-key"):
        assert name in allowed
    assert "Origin" in response.headers.get("Vary", "")


def test_other_origins_still_may_not_write_when_an_allowlist_is_set(write_app):
    client = write_app.test_client()
    response = client.options("/v1/statements", headers={
        "Origin": DASHBOARD, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in response.headers
    # ...but they may still read.
    read = client.get("/v1/actors", headers={"Origin": DASHBOARD})
    assert read.headers["Access-Control-Allow-Origin"] == "*"


def test_write_allowlist_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("STANDPOINT_CORS_WRITE_ORIGINS", "https://a.example, https://b.example")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "TESTING": True})
    assert app.config["CORS_WRITE_ORIGINS"] == ["https://a.example", "https://b.example"]
    app.extensions["standpoint.engine"].dispose()


def test_an_allowlisted_admin_page_can_read_the_answer_to_its_write(write_app):
    from service.store import keys

    key = keys.create_key(write_app.extensions["standpoint.engine"], "admin-tool", "editor")
    client = write_app.test_client()
    statement = {
        "actor": "germany", "topic": "peacekeepers", "stance": "undecided",
        "summary": "Germany is weighing a force.", "quote": "Not now.", "quote_kind": "verbatim",
        "stated_on": "2025-03-21", "date_precision": "day",
        "source": {"publisher": "Test Wire", "published_on": "2025-03-21"},
    }
    allowed = client.post("/v1/statements", json=statement, headers={
        "Origin": "https://admin.news.example", "Authorization": f"Bearer {key}"})
    assert allowed.status_code == 201
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://admin.news.example"
    assert "location" in _exposed(allowed) and "etag" in _exposed(allowed)
    other = client.post("/v1/statements", json={**statement, "stated_on": "2025-03-22"}, headers={
        "Origin": DASHBOARD, "Authorization": f"Bearer {key}"})
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("entry", [
    "https://*.trusted.example",  # a glob: once a prefix regex that admitted attacker hosts
    "*",
    "trusted.example",  # no scheme
    "https://trusted.example/admin",  # a path is not part of an origin
    "ftp://trusted.example",
    "^https://[a-z]+\\.trusted\\.example",  # a pattern anchored at one end only
    "^https://[a-z+\\.trusted\\.example$",  # not a regular expression
])
def test_a_write_origin_that_is_not_exact_or_anchored_stops_the_app(tmp_path, entry):
    from service.api.cors import OriginConfigError

    with pytest.raises(OriginConfigError, match="STANDPOINT_CORS_WRITE_ORIGINS"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "TESTING": True,
                    "CORS_WRITE_ORIGINS": [entry]})


@pytest.mark.parametrize(("origin", "allowed"), [
    ("https://desk.trusted.example", True),
    ("https://DESK.trusted.example", True),  # hosts are case-insensitive
    ("https://trusted.example", True),  # the exact origin, listed beside the pattern
    ("https://xtrusted.example.attacker.net", False),
    ("https://desk.trusted.example.attacker.net", False),
    ("http://desk.trusted.example", False),
    ("https://trusted.example:8443", False),
])
def test_write_origins_match_whole_origins_only(tmp_path, origin, allowed):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "TESTING": True,
                      "CORS_WRITE_ORIGINS": ["https://trusted.example",
                                             "^https://[a-z0-9-]+\\.trusted\\.example$"]})
    app.test_client_class = ContractClient
    response = app.test_client().options("/v1/statements", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert (response.headers.get("Access-Control-Allow-Origin") == origin) is allowed
    app.extensions["standpoint.engine"].dispose()
