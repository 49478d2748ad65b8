"""HTTP caching as a dashboard or a CDN sees it: strong ETags that follow the
data, 304s with no body, Cache-Control, Vary and compression."""

from __future__ import annotations

import gzip

import brotli
import pytest

from service.store import dataset_io

POSITIONS = "/v1/positions?as_of=2025-04-01&actors=uk&topics=backstop"


def record_statement(app, **changes) -> None:
    """A write through the store, the way every write path lands."""
    engine = app.extensions["standpoint.store"].engine
    with engine.begin() as conn:
        document = dataset_io.export_dataset(conn)
        statement = next(s for s in document["statements"] if s["id"] == "uk-backstop-2025-03-20")
        document["statements"].append({**statement, **changes})
        dataset_io.import_dataset(conn, document, recorded_by="test")


def test_get_has_strong_etag_cache_control_and_vary(client):
    response = client.get(POSITIONS)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    vary = {v.strip() for v in response.headers["Vary"].split(",")}
    assert {"Accept", "Accept-Encoding"} <= vary


def test_if_none_match_answers_304_with_no_body(client):
    first = client.get(POSITIONS)
    again = client.get(POSITIONS, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert "Accept-Encoding" in again.headers["Vary"]
    # A weak comparison applies to If-None-Match, and lists and * match too.
    weak = client.get(POSITIONS, headers={"If-None-Match": "W/" + first.headers["ETag"]})
    assert weak.status_code == 304
    listed = client.get(POSITIONS, headers={"If-None-Match": f'"nope", {first.headers["ETag"]}'})
    assert listed.status_code == 304
    assert client.get(POSITIONS, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(POSITIONS, headers={"If-None-Match": '"other"'}).status_code == 200


def test_cached_answer_is_the_same_as_the_first(client):
    first = client.get(POSITIONS)
    second = client.get(POSITIONS)
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_cache_control_is_configurable(app):
    app.config.update(CACHE_MAX_AGE=5, CACHE_STALE_WHILE_REVALIDATE=30)
    response = app.test_client().get(POSITIONS)
    assert response.headers["Cache-Control"] == "public, max-age=5, stale-while-revalidate=30"


@pytest.mark.parametrize("encoding, decompress", [("gzip", gzip.decompress), ("br", brotli.decompress)])
def test_compressed_variant_has_its_own_strong_etag(client, encoding, decompress):
    plain = client.get("/v1/positions?as_of=2025-04-01")
    packed = client.get("/v1/positions?as_of=2025-04-01", headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert not packed.headers["ETag"].startswith("W/")
    # Each variant revalidates against its own validator, never the other's.
    same = client.get("/v1/positions?as_of=2025-04-01",
                      headers={"Accept-Encoding": encoding, "If-None-Match": packed.headers["ETag"]})
    assert same.status_code == 304 and same.data == b""
    crossed = client.get("/v1/positions?as_of=2025-04-01",
                         headers={"Accept-Encoding": encoding, "If-None-Match": plain.headers["ETag"]})
    assert crossed.status_code == 200
    assert decompress(crossed.data) == plain.data


def test_etag_changes_when_the_shown_data_changes(app, client):
    before = client.get(POSITIONS)
    assert before.get_json()["positions"][0]["stance"] == "requires"
    record_statement(app, id="uk-backstop-2025-03-28", stance="supports", stated_on="2025-03-28")
    after = client.get(POSITIONS, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["positions"][0]["stance"] == "supports"
    assert after.headers["ETag"] != before.headers["ETag"]


def test_etag_stays_when_a_write_does_not_change_what_the_url_shows(app, client):
    """Documented choice: the ETag validates the bytes, so a write elsewhere
    (here a later statement than the as_of asked for) keeps it."""
    before = client.get(POSITIONS)
    record_statement(app, id="uk-backstop-2025-06-01", stance="supports", stated_on="2025-06-01")
    after = client.get(POSITIONS, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 304
    later = client.get("/v1/positions?as_of=2025-07-01&actors=uk&topics=backstop")
    assert later.get_json()["positions"][0]["stance"] == "supports"


def test_default_as_of_is_part_of_the_cache_key(app, client, monkeypatch):
    from service.api import http_cache

    monkeypatch.setattr(http_cache, "today", lambda: __import__("datetime").date(2025, 3, 15))
    earlier = client.get("/v1/positions?as_of=2025-03-15&actors=uk&topics=backstop")
    # A different UTC day must not be answered from the entry of the first.
    monkeypatch.setattr(http_cache, "today", lambda: __import__("datetime").date(2025, 3, 25))
    later = client.get("/v1/positions?as_of=2025-03-25&actors=uk&topics=backstop")
    assert earlier.get_json()["positions"][0]["stance"] == "no_position"
    assert later.get_json()["positions"][0]["stance"] == "requires"
    assert len(app.extensions["standpoint.http_cache"].responses) == 2


PER_REQUEST = {"X-Request-ID", "X-RateLimit-Remaining", "X-RateLimit-Reset"}


@pytest.mark.parametrize("path", [POSITIONS, "/v1/matrix?as_of=2025-03-20", "/embed/matrix?as_of=2025-03-20",
                                  "/v1/statements?actor=uk", "/v1/compare?actors=uk,russia&format=csv"])
@pytest.mark.parametrize("headers", [{}, {"Accept-Encoding": "br"}, {"Origin": "https://news.example"}])
def test_a_cached_answer_is_what_the_app_answered_the_first_time(client, path, headers):
    """The second answer comes from the response cache, outside Flask: same
    bytes, same headers, but its own request id and rate-limit count."""
    client.validate = False  # CSV and HTML: the contract client checks them elsewhere
    first = client.get(path, headers=headers)
    second = client.get(path, headers=headers)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    same = {k: v for k, v in first.headers.items() if k not in PER_REQUEST}
    assert {k: v for k, v in second.headers.items() if k not in PER_REQUEST} == same
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert int(second.headers["X-RateLimit-Remaining"]) == int(first.headers["X-RateLimit-Remaining"]) - 1


def test_cors_headers_follow_the_origin_header_not_the_cache(client):
    """A dashboard's cross-origin read and a server's plain read of one URL
    are cached apart: only the first carries CORS headers."""
    browser = client.get(POSITIONS, headers={"Origin": "https://news.example"})
    plain = client.get(POSITIONS)
    browser_again = client.get(POSITIONS, headers={"Origin": "https://other.example"})
    assert browser.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in plain.headers
    assert browser_again.headers["Access-Control-Allow-Origin"] == "*"
    assert plain.headers["ETag"] == browser.headers["ETag"]  # one representation


def test_a_304_from_the_cache_still_has_cors_and_security_headers(client):
    etag = client.get(POSITIONS).headers["ETag"]
    again = client.get(POSITIONS, headers={"If-None-Match": etag, "Origin": "https://news.example"})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert again.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Type" not in again.headers and "Content-Length" not in again.headers


def test_a_write_is_seen_by_the_next_read_despite_the_cache(app, client):
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


def test_head_before_any_get_is_not_cached_as_an_empty_answer(client):
    client.validate = False
    head = client.head(POSITIONS)
    get = client.get(POSITIONS)
    assert head.status_code == 200 and head.data == b""
    assert get.data and get.headers["Content-Length"] == str(len(get.data))


def test_errors_are_not_cached_as_successes(client):
    missing = client.get("/v1/actors/atlantis")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers


def test_response_cache_is_bounded_in_bytes():
    from service.api.http_cache import CachedResponse, ResponseCache

    cache = ResponseCache(max_bytes=10_000)
    entry = CachedResponse("200 OK", (), b"x" * 1000, "e", ())
    assert cache.get(1, ("a",)) is None  # first sight of version 1
    for i in range(50):
        cache.put(1, (i,), entry)
    assert len(cache) == 10_000 // entry.size
    assert cache.get(1, (49,)) is entry and cache.get(1, (0,)) is None
    # A newer data version drops everything older.
    assert cache.get(2, (49,)) is None and len(cache) == 0


def test_if_match_accepts_the_etag_of_a_compressed_read(app, client):
    """A browser reads the statement gzipped and gets `"<etag>:gzip"`; sending
    that back in If-Match names the same revision."""
    from service.store import keys

    editor = {"Authorization": "Bearer " + keys.create_key(
        app.extensions["standpoint.store"].engine, "desk", "editor")}
    read = client.get("/v1/statements/uk-backstop-2025-03-20", headers={"Accept-Encoding": "gzip"})
    assert read.headers["Content-Encoding"] == "gzip"
    assert read.headers["ETag"].endswith(':gzip"')
    retracted = client.post("/v1/statements/uk-backstop-2025-03-20/retraction",
                            json={"reason": "Misattributed."},
                            headers={**editor, "If-Match": read.headers["ETag"]})
    assert retracted.status_code == 201
