"""HTTP caching as a dashboard or a CDN sees it: ETags named by the data
version, 304s that cost one query and no rendering, Cache-Control, and one
representation per URL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from service.store import dataset_io

pytestmark = pytest.mark.read_only

POSITIONS = "/v1/positions?as_of=2025-04-01&actors=uk&topics=backstop"


def record_statement(app, **changes) -> None:
    """A write through the store, the way every write path lands."""
    engine = app.extensions["standpoint.engine"]
    with engine.begin() as conn:
        document = dataset_io.export_dataset(conn)
        statement = next(s for s in document["statements"] if s["id"] == "uk-backstop-2025-03-20")
        document["statements"].append({**statement, **changes})
        dataset_io.import_dataset(conn, document, recorded_by="test")


@pytest.fixture
def queries(app):
    """The SQL statements the app sends, as they are sent."""
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        sent.append(statement)

    engine = app.extensions["standpoint.engine"]
    sa.event.listen(engine, "before_cursor_execute", count)
    yield sent
    sa.event.remove(engine, "before_cursor_execute", count)


def test_get_has_an_etag_and_cache_control_and_no_vary(client):
    response = client.get(POSITIONS)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    # JSON or CSV is chosen by the URL and compression is the front's job:
    # nothing varies by request header, so any cache keyed on the URL is right.
    assert "Vary" not in response.headers
    assert "Content-Encoding" not in client.get(POSITIONS, headers={"Accept-Encoding": "gzip"}).headers


def test_if_none_match_answers_304_with_no_body(client):
    first = client.get(POSITIONS)
    again = client.get(POSITIONS, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    # A weak comparison applies to If-None-Match (an nginx that gzipped the
    # answer sends it back weak), and lists and * match too.
    weak = client.get(POSITIONS, headers={"If-None-Match": "W/" + first.headers["ETag"]})
    assert weak.status_code == 304
    listed = client.get(POSITIONS, headers={"If-None-Match": f'"nope", {first.headers["ETag"]}'})
    assert listed.status_code == 304
    assert client.get(POSITIONS, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(POSITIONS, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("path", [POSITIONS, "/v1/matrix?as_of=2025-03-20",
                                  "/v1/compare.csv?actors=uk,russia",
                                  "/embed/matrix?as_of=2025-03-20", "/v1/statements?actor=uk"])
def test_a_304_costs_one_query_and_no_rendering(client, queries, path):
    client.validate = False  # CSV and HTML are checked against the spec elsewhere
    etag = client.get(path).headers["ETag"]
    queries.clear()
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    reads = [q for q in queries if q.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and "max(changes.seq)" in reads[0].lower(), reads


def test_cache_control_is_configurable(app):
    app.config.update(CACHE_MAX_AGE=5, CACHE_STALE_WHILE_REVALIDATE=30)
    response = app.test_client().get(POSITIONS)
    assert response.headers["Cache-Control"] == "public, max-age=5, stale-while-revalidate=30"


@pytest.mark.writes
def test_every_write_renames_every_answer(app, client):
    """The ETag names the data version, so any write, even one a URL does not
    show, makes its next conditional GET a 200: a little re-rendering on rare
    writes buys a 304 that needs no rendering at all."""
    before = client.get(POSITIONS)
    assert before.get_json()["positions"][0]["stance"] == "requires"
    record_statement(app, id="uk-backstop-2025-03-28", stance="supports", stated_on="2025-03-28")
    after = client.get(POSITIONS, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["positions"][0]["stance"] == "supports"
    assert after.headers["ETag"] != before.headers["ETag"]


def test_the_default_as_of_is_part_of_the_name(client, monkeypatch):
    from service.http import caching

    monkeypatch.setattr(caching, "today", lambda: dt.date(2025, 3, 15))
    earlier = client.get("/v1/actors/uk/positions")
    monkeypatch.setattr(caching, "today", lambda: dt.date(2025, 3, 25))
    later = client.get("/v1/actors/uk/positions",
                       headers={"If-None-Match": earlier.headers["ETag"]})
    assert later.status_code == 200  # another day, another "today"


def test_a_304_still_has_cors_and_security_headers(client):
    etag = client.get(POSITIONS).headers["ETag"]
    again = client.get(POSITIONS, headers={"If-None-Match": etag, "Origin": "https://news.example"})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Type" not in again.headers


@pytest.mark.writes
def test_a_write_is_seen_by_the_next_read(app, client):
    before = client.get(POSITIONS)
    record_statement(app, id="uk-backstop-2025-03-28", stance="supports", stated_on="2025-03-28")
    after = client.get(POSITIONS)
    assert before.get_json()["positions"][0]["stance"] == "requires"
    assert after.get_json()["positions"][0]["stance"] == "supports"


def test_credentialed_reads_are_private(client):
    response = client.get(POSITIONS, headers={"Authorization": "Bearer something"})
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["ETag"]


def test_probes_are_never_cached(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers


def test_head_answers_headers_only(client):
    get = client.get(POSITIONS)
    client.validate = False  # openapi.yaml documents GET; HEAD is HTTP's own
    head = client.head(POSITIONS)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    revalidated = client.head(POSITIONS, headers={"If-None-Match": get.headers["ETag"]})
    assert revalidated.status_code == 304


def test_errors_carry_no_validators_for_a_cache_to_keep(client):
    missing = client.get("/v1/actors/atlantis")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers
    assert "public" not in missing.headers.get("Cache-Control", "")


@pytest.mark.writes
def test_a_statement_is_named_by_its_revision_for_reads_and_corrections(app, client):
    from service.store import keys

    path = "/v1/statements/uk-backstop-2025-03-20"
    read = client.get(path)
    assert read.headers["Cache-Control"].startswith("public")
    assert client.get(path, headers={"If-None-Match": read.headers["ETag"]}).status_code == 304
    editor = {"Authorization": "Bearer " + keys.create_key(
        app.extensions["standpoint.engine"], "desk", "editor")}
    retracted = client.post(path + "/retraction", json={"reason": "Misattributed."},
                            headers={**editor, "If-Match": read.headers["ETag"]})
    assert retracted.status_code == 201
    assert client.get(path, headers={"If-None-Match": read.headers["ETag"]}).status_code == 200
