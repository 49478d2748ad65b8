"""The benchmark's own pieces (bench/): reading wrk, the ratio maths, the
report, the URLs it sends and the nginx config it renders. No timings here:
those live in docs/BENCHMARKS.md."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import random
from pathlib import Path

import pytest

from bench import nginx, run
from bench.run import Load, parse_wrk
from bench.synthetic import (actor_ids, generate, note_ids, source_ids, statement_ids,
                             topic_ids)

ROOT = Path(__file__).resolve().parent.parent

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8710/v1/positions
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    45.12ms   10.01ms 120.50ms   80.00%
    Req/Sec     1.42k   100.00     1.60k    70.00%
  Latency Distribution
     50%   44.00ms
     75%   50.00ms
     90%   60.00ms
     99%    1.20s 
  14210 requests in 10.01s, 20.00MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:   1419.58
Transfer/sec:      2.00MB
"""

WRK_CLEAN = """\
Running 1s test @ http://127.0.0.1:41000/bench-static/0
  1 threads and 1 connections
  Latency Distribution
     50%  612.00us
     75%  700.00us
     90%  800.00us
     99%    2.10ms
  1520 requests in 1.00s, 743.16KB read
Requests/sec:   1519.12
Transfer/sec:    742.44KB
"""


# --------------------------------------------------------------------------- wrk

def test_wrk_report_is_parsed():
    load = parse_wrk(WRK_OUTPUT)
    assert load.rps == 1419.58
    assert load.p50_ms == 44.0 and load.p99_ms == 1200.0
    assert load.requests == 14210
    assert load.errors == 5 + 2  # non-2xx/3xx and timeouts; read errors are closed keep-alives
    assert load.bytes_read == 20 * 1024 ** 2


def test_wrk_report_without_errors_and_in_microseconds():
    load = parse_wrk(WRK_CLEAN)
    assert (load.rps, load.p50_ms, load.p99_ms, load.errors) == (1519.12, 0.612, 2.1, 0)
    assert load.bytes_read == round(743.16 * 1024)
    assert load.bytes_per_request == pytest.approx(743.16 * 1024 / 1520, abs=1)


def test_units():
    assert run._ms("250us") == 0.25
    assert run._ms("1.50m") == 90_000
    assert run._bytes("512B") == 512 and run._bytes("1.50GB") == round(1.5 * 1024 ** 3)


def test_lua_script_cycles_through_the_file(tmp_path):
    script = run.lua_cycle(tmp_path / "paths.txt")
    assert f'io.lines("{tmp_path / "paths.txt"}")' in script
    assert "i = i % #paths + 1" in script and "wrk.format(nil, paths[i])" in script


# --------------------------------------------------------------------------- maths

def load(rps=1000.0, p50=1.0, errors=0, requests=100, bytes_read=0) -> Load:
    return Load(rps=rps, p50_ms=p50, p99_ms=p50 * 2, requests=requests, errors=errors,
                bytes_read=bytes_read)


def test_ratios_pair_rounds_and_take_the_median():
    ours = [load(900), load(500), load(1200)]
    theirs = [load(1000), load(1000), load(1000)]
    assert run.median_ratio(ours, theirs) == 0.9  # of 0.9, 0.5, 1.2
    # pairs, not medians of each side: a slow round slows both sides of its pair
    assert run.median_ratio([load(100), load(1000)], [load(100), load(1000)]) == 1.0
    with pytest.raises(ValueError):
        run.median_ratio([load()], [load(), load()])


def test_growth_is_the_median_of_paired_p50_ratios():
    small = [load(p50=1.0), load(p50=2.0), load(p50=1.0)]
    large = [load(p50=1.5), load(p50=2.0), load(p50=3.0)]
    assert run.paired_growth(small, large) == 1.5  # of 1.5, 1.0, 3.0


def test_rounds_alternate_which_side_goes_first():
    assert list(run.alternate(4)) == [(0, True), (1, False), (2, True), (3, False)]


# --------------------------------------------------------------------------- URLs

def data(host="localhost") -> run.Data:
    return run.Data(tuple(actor_ids()), tuple(topic_ids()), tuple(statement_ids(200)),
                    tuple(note_ids(200)), tuple(source_ids(200)), ("c2VxOjE",), host)


def test_every_read_endpoint_of_the_spec_has_a_url_maker():
    assert run.unmeasured((ROOT / "openapi.yaml").read_text("utf-8")) == []
    spec = ("paths:\n  /v1/new:\n    get: {}\n  /healthz:\n    get: {}\n"
            "  /v1/matrix.csv:\n    get: {}\n  /v1/new.csv:\n    get: {}\n"
            "  /v1/actors/{actor_id}:\n    patch: {}\n")
    assert run.unmeasured(spec) == ["/v1/new", "/v1/new.csv"]


def test_uncached_urls_are_distinct_and_rounds_disjoint():
    endpoint = next(e for e in run.ENDPOINTS if e.name == "GET /v1/matrix")
    paths = run.distinct_paths(endpoint, data(), 500, seed=1)
    assert len(paths) == len(set(paths)) == 500
    assert paths == run.distinct_paths(endpoint, data(), 500, seed=1)  # deterministic
    warm, rounds = run.split_rounds(paths, 3, 20)
    assert warm == paths[:20] and len(rounds) == 3
    assert sorted(sum(rounds, [])) == sorted(paths[20:])  # every path once, no round shares one


def test_small_url_spaces_give_what_they_have():
    endpoint = next(e for e in run.ENDPOINTS if e.name == "GET /v1/topics/{id}")
    assert sorted(run.distinct_paths(endpoint, data(), 500, seed=1)) == \
        sorted(f"/v1/topics/{topic}" for topic in topic_ids())


def test_change_cursors_spread_over_the_feed():
    def get(path):
        return 200, json.dumps({"items": [{"cursor": "c2VxOjE"}]}).encode()  # "seq:1"

    cursors = run.change_cursors(get, 1000)
    positions = {int(base64.urlsafe_b64decode(c + "=" * (-len(c) % 4)).decode()[4:])
                 for c in cursors}
    assert len(positions) > 600 and min(positions) < 50 and max(positions) > 950


def test_opaque_change_cursors_are_collected_by_walking_the_feed():
    pages = {"0": (["x1", "x2"], "x2"), "x2": (["x3"], None)}

    def get(path):
        if "limit=1&" in path + "&":
            return 200, json.dumps({"items": [{"cursor": "!!not base64!!"}]}).encode()
        since = path.rsplit("since=", 1)[1]
        items, following = pages[since]
        return 200, json.dumps({"items": [{"cursor": c} for c in items],
                                "next_cursor": following,
                                "has_more": following is not None}).encode()

    assert run.change_cursors(get, 3) == ("x1", "x2", "x3")


@pytest.fixture(scope="module")
def synthetic_app(tmp_path_factory):
    """A 300-statement synthetic dataset, loaded with the operators' CLI."""
    from service import create_app

    path = tmp_path_factory.mktemp("synthetic")
    document = path / "synthetic.json"
    document.write_text(json.dumps(generate(300)))
    app = create_app({"DATABASE_URL": f"sqlite:///{path / 'syn.db'}", "SEED_DATASET": False})
    result = app.test_cli_runner().invoke(args=["data", "import", str(document)])
    assert result.exit_code == 0, result.output
    return app


def test_every_uncached_url_is_one_the_service_answers(synthetic_app):
    client = synthetic_app.test_client()
    feed = json.loads(client.get("/v1/changes?limit=1").data)
    assert feed["items"], "the import wrote no change-log entries"

    def get(path):
        response = client.get(path)
        return response.status_code, response.data

    sample = run.Data(tuple(actor_ids()), tuple(topic_ids()), tuple(statement_ids(300)),
                      tuple(note_ids(300)), tuple(source_ids(300)), run.change_cursors(get, 385),
                      "localhost")
    for endpoint in run.ENDPOINTS:
        for path in run.distinct_paths(endpoint, sample, 5, seed=3):
            response = client.get(path)
            assert response.status_code == 200, (path, response.data[:300])


def test_synthetic_data_is_deterministic_and_spread_over_years():
    from service.store.dataset_io import FORMAT

    document = generate(300)
    assert document["format"] == FORMAT
    assert generate(50) == generate(50) and generate(50, seed=1) != generate(50, seed=2)
    assert len({s["stated_on"][:4] for s in document["statements"]}) >= 8
    assert statement_ids(300) == [s["id"] for s in document["statements"]]
    assert note_ids(300) == [n["id"] for n in document["notes"]]
    # Every statement and note cites a source record the document files.
    cited = {item["source"]["id"] for item in document["statements"] + document["notes"]}
    assert cited == set(source_ids(300)) == set(document["sources"])
    # Notes explain cells: about one cell in five has one, at any size of the record.
    assert len(note_ids(300)) == len(note_ids(30_000)) and 100 <= len(note_ids(300)) <= 300


# --------------------------------------------------------------------------- nginx

def test_static_twin_mirrors_the_answer_headers(tmp_path):
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Length": "10",
               "Cache-Control": "public, max-age=60", "ETag": '"abc"',
               "Content-Security-Policy": "default-src 'none'", "X-Request-ID": "r1",
               "Date": "today", "X-Odd": "has $dollar"}
    text = run.static_twin(3, tmp_path, headers["Content-Type"], headers)
    assert "location = /bench-static/3 {" in text and f"root {tmp_path};" in text
    # gzip_types match the bare type: the charset comes from nginx's charset directive
    assert 'default_type "text/html";' in text and "charset utf-8;" in text
    assert 'add_header ETag "\\"abc\\"" always;' in text
    assert "add_header Content-Security-Policy \"default-src 'none'\" always;" in text
    assert 'add_header Cache-Control "public, max-age=60" always;' in text
    for dropped in ("Content-Length", "Date", "X-Odd", '"r1"'):
        assert dropped not in text  # nginx's own, or not expressible in its config
    assert "add_header X-Request-ID $request_id always;" in text


def test_nginx_config_includes_the_shipped_rules(tmp_path):
    text = nginx.config(8001, 8002, tmp_path, server_extra="    location = /x { }")
    assert f"include {ROOT / 'deploy' / 'standpoint-proxy.conf'};" in text
    assert "server 127.0.0.1:8001;" in text and "listen 127.0.0.1:8002;" in text
    assert f"proxy_cache_path {tmp_path.resolve()}/cache " in text
    assert "keys_zone=standpoint:" in text and "location = /x { }" in text
    assert ("user root;" in text) == (os.geteuid() == 0)
    assert "access_log off;" in text and "log_subrequest" not in text
    assert "log_subrequest on;" in nginx.config(8001, 8002, tmp_path, access_log=True)


def test_compose_and_the_bench_share_the_rules():
    deploy = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    assert "include standpoint-proxy.conf;" in deploy
    assert "keys_zone=standpoint:" in deploy and "upstream standpoint {" in deploy
    rules = (ROOT / "deploy" / "standpoint-proxy.conf").read_text("utf-8")
    for rule in ("proxy_cache standpoint;", "proxy_cache_revalidate on;",
                 "proxy_cache_background_update on;", "proxy_cache_lock on;",
                 "proxy_cache_bypass $http_authorization;", "proxy_no_cache $http_authorization;",
                 "add_header X-Cache-Status $upstream_cache_status always;", "gzip on;"):
        assert rule in rules


# --------------------------------------------------------------------------- report

def meta() -> run.Meta:
    return run.Meta("make bench", dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc), 420.0,
                    "servers pinned to CPU 0, wrk to CPU 1", "2 CPUs (test)", "commit abc",
                    "wrk 1 thread.")


def growth(name, small_p50, large_p50, rounds=2) -> run.Growth:
    row = run.Growth(name)
    # 100 requests a round: 1 KB and 5 KB an answer
    row.rounds = {1000: [load(p50=small_p50, bytes_read=100 * 1024) for _ in range(rounds)],
                  100_000: [load(p50=large_p50, bytes_read=500 * 1024) for _ in range(rounds)]}
    row.distinct = {1000: 500, 100_000: 500}
    return row


def test_report_says_which_goals_are_met():
    hot = [run.HotRow("GET /v1/matrix", "/v1/matrix", 2048, [load(900)] * 3, [load(1000)] * 3),
           run.HotRow("GET /embed/matrix", "/embed/matrix", 4096, [load(500)] * 3,
                      [load(1000)] * 3)]
    sqlite = run.DatabaseRun("sqlite", (1000, 100_000))
    sqlite.revalidation = run.Revalidation("sqlite", run.REVALIDATED, [load(850)] * 3,
                                           [load(1000)] * 3)
    sqlite.growth = [growth("GET /v1/matrix", 10.0, 15.0), growth("GET /v1/diff", 1.0, 2.5)]
    sqlite.rss_mb = {1000: [60.0, 61.0], 100_000: [80.0, 99.5]}
    postgres = run.DatabaseRun("postgresql", (1000, 100_000), note="no dataset: refused")
    text = run.report(meta(), hot, [sqlite, postgres], ["/v1/new"])

    assert text.startswith("# Benchmarks\n")
    assert "- Command: `make bench`" in text and "2026-12-01 09:30 UTC" in text
    assert "took 7.0 minutes" in text and "- Machine: 2 CPUs (test)." in text
    goals = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| ")}
    assert goals["| 1. hot reads through nginx's cache, vs the same bytes as static files"] \
        .endswith("| 50% (lowest: GET /embed/matrix) | **not met** |")
    assert "| 85% | met |" in goals[
        "| 2. 304 to If-None-Match straight to gunicorn (sqlite), vs bare Flask"]
    assert "worst 2.50x (GET /v1/diff); 1 of 2 endpoints over 2x | **not met** |" in goals[
        "| 3. uncached p50 growth, 1,000 to 100,000 statements (sqlite)"]
    assert "| no dataset: refused | n/a |" in goals[
        "| 3. uncached p50 growth, 1,000 to 100,000 statements (postgresql)"]
    assert goals["| 4. worker RSS after the load at 100,000 statements (sqlite)"] \
        .endswith("| 80 MB, 100 MB | met |")
    # the detail tables
    assert "| GET /v1/matrix | 2.0 KB | 900 | 1,000 | 90% (90%-90%) |" in text
    assert "| GET /v1/matrix | 10.00 | 15.00 | 1.50x | 1.0 KB / 5.0 KB | met |" in text
    assert "| GET /v1/diff | 1.00 | 2.50 | 2.50x | 1.0 KB / 5.0 KB | **not met** |" in text
    assert "| 100,000 | 80 MB, 100 MB | met |" in text
    assert "(not measured): `/v1/new`." in text


def test_report_flags_repeated_urls_and_errors():
    row = growth("GET /v1/actors/{id}", 1.0, 1.0)
    row.distinct = {1000: 50, 100_000: 50}  # rounds of 100 requests over 50 URLs
    row.rounds[100_000][0].errors = 3
    run_ = run.DatabaseRun("sqlite", (1000, 100_000), growth=[row])
    text = run.report(meta(), [], [run_], [])
    line = next(line for line in text.splitlines() if line.startswith("| GET /v1/actors/{id} |"))
    assert "**not met**" in line and "3 errors" in line
    assert "URLs repeated within a round at 1,000, 100,000 (50 different URLs per round)" in line


def test_report_of_an_endpoint_that_could_not_be_loaded():
    row = run.Growth("GET /v1/matrix", note="/v1/matrix?as_of=x answered 500 at 1,000: b'oops'")
    run_ = run.DatabaseRun("postgresql", (1000, 100_000), growth=[row, growth("GET /v1/x", 1, 1)])
    text = run.report(meta(), [], [run_], [])
    assert "| GET /v1/matrix | | | | | not measured: /v1/matrix?as_of=x answered 500" in text
    assert "1 of 1 endpoints over 2x" not in text
    assert "worst 1.00x (GET /v1/x); 0 of 1 endpoints over 2x; 1 not measured | **not met** |" \
        in text


def test_random_is_not_left_seeded():
    # distinct_paths seeds its own generator, never the module's
    state = random.getstate()
    run.distinct_paths(run.ENDPOINTS[0], data(), 5, seed=1)
    assert random.getstate() == state
