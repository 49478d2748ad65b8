"""Bad input gets a clear 4xx problem+json naming what is wrong; never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.read_only

BAD_REQUESTS = [
    # (path, status, problem type slug, field named in errors or None)
    ("/v1/positions?as_of=2025-02-30", 400, "invalid-request", "as_of"),
    ("/v1/positions?as_of=0000-00-00", 400, "invalid-request", "as_of"),
    ("/v1/positions?as_of=20-03-2025", 400, "invalid-request", "as_of"),
    ("/v1/positions?as_of=", 400, "invalid-request", "as_of"),
    ("/v1/positions?asof=2025-03-20", 400, "invalid-request", "asof"),
    ("/v1/positions?actors=", 400, "invalid-request", "actors"),
    ("/v1/positions?" + "&".join(f"actors=a{i}" for i in range(51)), 400, "invalid-request", "actors"),
    ("/v1/positions?actors=narnia", 404, "unknown-actor", None),
    ("/v1/positions?topics=nukes", 404, "unknown-topic", None),
    ("/v1/actors/narnia", 404, "unknown-actor", None),
    ("/v1/actors/narnia/positions", 404, "unknown-actor", None),
    ("/v1/actors/uk/positions?actors=uk", 400, "invalid-request", "actors"),
    ("/v1/topics/nukes", 404, "unknown-topic", None),
    ("/v1/statements/nope", 404, "unknown-statement", None),
    ("/v1/statements?page=0", 400, "invalid-request", "page"),
    ("/v1/statements?page=-1", 400, "invalid-request", "page"),
    ("/v1/statements?page=abc", 400, "invalid-request", "page"),
    ("/v1/statements?per_page=0", 400, "invalid-request", "per_page"),
    ("/v1/statements?per_page=101", 400, "invalid-request", "per_page"),
    ("/v1/statements?per_page=1e3", 400, "invalid-request", "per_page"),
    ("/v1/statements?from=2025-03-20&to=2025-03-01", 400, "invalid-request", "to"),
    ("/v1/statements?from=yesterday", 400, "invalid-request", "from"),
    ("/v1/statements?actor=narnia", 404, "unknown-actor", None),
    ("/v1/statements?topic=nukes", 404, "unknown-topic", None),
    ("/v1/statements?include_retracted=maybe", 400, "invalid-request", "include_retracted"),
    ("/v1/actors?sort=name", 400, "invalid-request", "sort"),
    ("/v1/nothing-here", 404, "not-found", None),
    ("/v2/positions", 404, "not-found", None),
]


@pytest.mark.parametrize("path,status,slug,field", BAD_REQUESTS)
def test_bad_requests_get_problem_json(client, path, status, slug, field):
    response = client.get(path)  # ContractClient checks problem+json and the schema
    assert response.status_code == status
    body = response.get_json()
    assert body["type"].endswith("/" + slug)
    assert body["instance"] == path.split("?")[0]
    assert body["request_id"] == response.headers["X-Request-ID"]
    if field:
        assert field in body["errors"], body
        assert field in body["detail"]


def test_unknown_ids_list_the_valid_ones(client):
    body = client.get("/v1/actors/narnia").get_json()
    assert {"uk", "russia", "us"} <= set(body["valid_ids"])
    assert "uk" in body["detail"]
    topics = client.get("/v1/topics/nukes").get_json()
    assert set(topics["valid_ids"]) == {"peacekeepers", "backstop", "ceasefire_scope"}


def test_method_not_allowed_is_problem_json_with_allow(client):
    client.validate = False  # DELETE is not an operation of the contract, by design
    response = client.delete("/v1/actors/uk")
    assert response.mimetype == "application/problem+json"
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_a_bug_is_a_500_problem_without_a_stack_trace(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    client.validate = False  # /boom is a test-only route, not part of the contract
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
