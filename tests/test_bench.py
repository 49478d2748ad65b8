"""The benchmark's own pieces: the synthetic data imports like real data, and
wrk's report is read right. (No timings here: those live in docs/BENCHMARKS.md.)"""

from __future__ import annotations

from bench.run import ENDPOINTS, _ms, parse_wrk
from bench.synthetic import generate, placeholders
from service import create_app
from service.store import dataset_io

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


def test_synthetic_dataset_imports_through_the_real_import(tmp_path):
    document = generate(300)
    actors, topics, statements = dataset_io.parse_dataset(document)
    assert (len(actors), len(topics), len(statements)) == (50, 20, 300)
    years = {s.stated_on.year for s in statements}
    assert len(years) >= 8  # spread over years, not bunched on one day
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'syn.db'}", "SEED_DATASET": False})
    engine = app.extensions["standpoint.store"].engine
    with engine.begin() as conn:
        assert dataset_io.import_dataset(conn, document, "test")["statements"] == 300
    client = app.test_client()
    values = placeholders()
    for endpoint in ENDPOINTS:
        response = client.get(endpoint.path(values))
        assert response.status_code in (200, 404), (endpoint.path(values), response.status_code)
    engine.dispose()


def test_same_seed_same_dataset():
    assert generate(50) == generate(50)
    assert generate(50, seed=1) != generate(50, seed=2)


def test_wrk_report_is_parsed():
    load = parse_wrk(WRK_OUTPUT)
    assert load.rps == 1419.58
    assert load.p50_ms == 44.0 and load.p99_ms == 1200.0
    assert load.requests == 14210
    assert load.errors == 5 + 2  # non-2xx/3xx and timeouts; read errors are closed keep-alives
    assert _ms("250us") == 0.25


def test_memory_report_accounts_for_the_whole_snapshot(tmp_path, capsys):
    """bench.memory's parts are the snapshot's: the text it counts is the
    statements' own, byte for byte, and the parts add up to its total."""
    from bench import memory
    from service.domain.dataset import Dataset
    from service.domain.statement_table import HEADER

    document = generate(300)
    parts = dict(memory.snapshot_parts(Dataset(*dataset_io.parse_dataset(document))))
    text = sum(len(s[k].encode()) for s in document["statements"] for k in ("id", "summary", "quote"))
    assert parts["id, summary and quote (UTF-8)"] == text
    assert parts[f"record headers ({HEADER.size} B each)"] == 300 * HEADER.size
    assert sum(size for label, size in parts.items() if label != "total") == parts["total"]
    # and the command prints them for a database
    url = f"sqlite:///{tmp_path / 'syn.db'}"
    app = create_app({"DATABASE_URL": url, "SEED_DATASET": False})
    with app.extensions["standpoint.store"].engine.begin() as conn:
        dataset_io.import_dataset(conn, document, "test")
    memory.main(["--database", url])
    assert "300 rows (300 current)" in capsys.readouterr().out
