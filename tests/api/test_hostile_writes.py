"""Injection text in a valid write is data: stored verbatim, returned verbatim as JSON,
and nothing else in the store is touched. The same write made invalid changes nothing."""

from __future__ import annotations

import json

from service.store import keys

from ..helpers import data_version

SQL = "'); DROP TABLE statements; DELETE FROM changes WHERE ('1'='1"
HTML = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quoted\""


def _statement(**fields) -> dict:
    return {"actor": "uk", "topic": "backstop", "stance": "requires", "summary": SQL,
            "quote": HTML, "quote_kind": "verbatim", "stated_on": "2025-04-03", "date_precision": "day",
            "conditions": [SQL, HTML], "speaker": {"name": "Robert'); DROP TABLE actors;--", "role": HTML},
            "source": {"publisher": HTML, "title": SQL, "url": "https://example.org/a?q=%3Cscript%3E",
                       "published_on": "2025-04-03"}, **fields}


def _headers(app) -> dict:
    key = keys.create_key(app.extensions["standpoint.engine"], "hostile-writes", "editor")
    return {"Authorization": f"Bearer {key}"}


def test_injection_text_in_a_valid_write_is_stored_and_returned_verbatim(app, client):
    before_version = data_version(app)
    before_count = client.get("/v1/statements?include_retracted=true").get_json()["total"]
    created = client.post("/v1/statements", json=_statement(), headers=_headers(app))
    assert created.status_code == 201, created.get_json()
    assert data_version(app) == before_version + 1
    assert client.get("/v1/statements?include_retracted=true").get_json()["total"] == before_count + 1

    stored = client.get(created.headers["Location"]).get_json()
    assert stored["summary"] == SQL and stored["quote"] == HTML
    assert stored["conditions"] == [SQL, HTML]
    assert stored["speaker"] == {"name": "Robert'); DROP TABLE actors;--", "role": HTML}
    assert stored["source"]["publisher"] == HTML and stored["source"]["title"] == SQL
    # Every table the text names is intact: actors, statements and the change log still answer.
    assert client.get("/v1/actors/uk").status_code == 200
    assert client.get("/v1/statements?per_page=100").get_json()["total"] == before_count + 1
    assert client.get("/v1/changes").status_code == 200


def test_the_same_write_made_invalid_changes_nothing(app, client):
    headers = _headers(app)
    before = data_version(app)
    body = json.dumps(_statement()).encode()
    attempts = [
        client.post("/v1/statements", data=body, headers={**headers, "Content-Type": "text/plain"}),
        client.post("/v1/statements", json=_statement(summary="NUL \x00 inside"), headers=headers),
        client.post("/v1/statements", json=_statement(stated_on="2025-02-30"), headers=headers),
        client.post("/v1/statements", json=_statement(stated_on="0000-00-00"), headers=headers),
        client.post("/v1/statements", json=_statement(actor="../../etc/passwd"), headers=headers),
        client.post("/v1/statements", data=body[:-10], headers={**headers, "Content-Type": "application/json"}),
        client.post("/v1/statements", json=_statement(summary="x" * 70_000), headers=headers),
        client.post("/v1/statements", json=_statement(source={
            "publisher": "x", "url": "javascript:alert(1)", "published_on": "2025-04-03"}), headers=headers),
    ]
    assert [a.status_code for a in attempts] == [415, 400, 400, 400, 422, 400, 413, 400]
    assert data_version(app) == before
