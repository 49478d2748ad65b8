"""`make bench`: Standpoint's performance goals, measured; results in docs/BENCHMARKS.md.

One run measures, on loopback, with the production gunicorn.conf.py and the
shipped nginx rules (deploy/standpoint-proxy.conf, rendered by bench/nginx.py):

  1. hot reads through nginx's proxy cache (/v1/matrix, /v1/compare,
     /embed/matrix) against the same nginx serving the same bytes, with the
     same headers, as static files: requests/s with wrk; goal >= 85%;
  2. revalidations (If-None-Match on unchanged data, answered 304, as nginx's
     own revalidations are) straight to gunicorn, against a bare Flask app
     (bench/baseline_app.py) doing the same under the same gunicorn settings;
     goal >= 80%;
  3. the uncached median latency of every read endpoint of openapi.yaml, at
     1k and at 100k statements, on SQLite and on PostgreSQL: every request a
     URL no earlier request asked for, straight to gunicorn, one connection
     (service time, not queueing); goal p50(100k) / p50(1k) <= 2;
  4. each gunicorn worker's RSS after that load at 100k statements; goal <= 100 MB;
  5. 8 clients looping PNG renders beside /healthz and /v1/matrix probes, through nginx
     and straight to gunicorn (bench/renders.py): /healthz p99 < 100 ms, /v1/matrix p99
     at most 2x its idle p99 in the same run.

Every comparison alternates rounds (A, B, B, A, A, B...) and takes the median
of the per-pair ratios, so a shared machine's drift moves both sides alike.
Servers (gunicorn, nginx) run on CPU 0 and wrk on CPU 1 when there are two.
Synthetic datasets (bench/synthetic.py) are loaded with the operators' CLI
once and kept: SQLite files under instance/bench/, PostgreSQL schemas in the
database `bench` (BENCH_POSTGRES_URL; created if missing).

    python -m bench.run                   # everything: about 9 minutes once the datasets exist
    python -m bench.run --quick           # one short round of everything, to try the harness
    python -m bench.run --only growth --databases sqlite --output /tmp/b.md
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import datetime as dt
import json
import math
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench import renders as bench_renders

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "instance" / "bench"
RESULTS = ROOT / "docs" / "BENCHMARKS.md"
SPEC = ROOT / "openapi.yaml"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "2"))
WORKER_CLASS = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")  # gunicorn.conf.py's default
RENDER_PROCESSES = int(os.environ.get("STANDPOINT_RENDER_PROCESSES", "1"))  # service/config.py's

GOAL_HOT = 0.85      # cached through nginx / static through the same nginx, requests/s
GOAL_304 = 0.80      # Standpoint's 304 / the bare Flask app's 304, requests/s
GOAL_GROWTH = 2.0    # uncached p50 at the largest size / at the smallest
GOAL_RSS_MB = 100.0  # each worker, after the load, at the largest size

SIZES = (1_000, 100_000)
DATABASES = ("sqlite", "postgresql")
HOT_CONNECTIONS = 64
REVALIDATION_CONNECTIONS = 64
GROWTH_CONNECTIONS = 1
# Browsers and HTTP libraries ask for compression; nginx compresses (the app never does).
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
# All load comes from one address: the rate limiter stays on (its cost is part
# of every request) with budgets no benchmark reaches.
SERVER_ENV = {"STANDPOINT_RATE_LIMIT_PER_IP": "100000000 per minute",
              "STANDPOINT_RATE_LIMIT_PER_KEY": "100000000 per minute"}

SIX = "uk,france,russia,us,ukraine,germany"
HOT = (
    ("GET /v1/matrix", "/v1/matrix?as_of=2025-03-20"),
    ("GET /v1/compare (six actors)", f"/v1/compare?actors={SIX}&as_of=2025-03-20"),
    ("GET /embed/matrix", "/embed/matrix?as_of=2025-03-20"),
)
# What the revalidation goal asks again and again (on the 1k synthetic dataset).
REVALIDATED = "/v1/matrix?as_of=2024-06-30"
# GET paths of openapi.yaml that are not data reads: probes, metrics, documents, indexes.
# The probes, the contract, and the embed builder (a tool page for the graphics desk).
NOT_READS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.yaml", "/openapi.json", "/", "/v1",
                       "/embed/builder"})
# Keyed answers, never cached and not the record: webhook subscriptions (admins') and
# proposals (the desk's working papers).
NOT_READ_PREFIXES = ("/v1/subscriptions", "/v1/proposals")
# Keyed reads of the record: a source's text and its candidate sentences are for editors
# (and the synthetic sources keep no text).
NOT_READ_SUFFIXES = ("/paragraphs", "/candidates")
# Another representation of the read at the same path without the suffix (the CSV
# twins, the charts' downloads): covered by it, to keep the run within its time.
TWIN_SUFFIXES = (".csv", ".svg", ".png")


# --------------------------------------------------------------------------- wrk

@dataclass
class Load:
    """One wrk run."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers, connect/write errors and timeouts
    bytes_read: int = 0

    @property
    def bytes_per_request(self) -> float:
        return self.bytes_read / self.requests if self.requests else 0.0


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_UNITS_BYTES = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * _UNITS_MS[unit]


def _bytes(text: str) -> int:
    number, unit = re.fullmatch(r"([\d.]+)([KMGT]?B)", text).groups()
    return round(float(number) * _UNITS_BYTES[unit])


def parse_wrk(out: str) -> Load:
    """wrk's text report (run with --latency) as a Load. Read errors are not
    counted: they are keep-alive connections the server closed (gunicorn's
    sync workers close every connection after one answer; gevent ones after
    the keep-alive timeout)."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += int(socket.group(1)) + int(socket.group(3)) + int(socket.group(4))
    total = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+[KMGT]?B) read", out)
    return Load(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                p50_ms=_ms(latency["50"]), p99_ms=_ms(latency["99"]),
                requests=int(total.group(1)), errors=errors, bytes_read=_bytes(total.group(2)))


def lua_cycle(paths_file: Path) -> str:
    """A wrk script sending, request after request, the next path of
    `paths_file` (one per line), starting again at the end."""
    return f"""\
-- Written by bench/run.py: each request asks for the next path of the file.
local paths = {{}}
for line in io.lines({json.dumps(str(paths_file))}) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
"""


class Wrk:
    def __init__(self, cpu: int | None, directory: Path):
        self.cpu, self.directory = cpu, directory
        self.binary = ensure_wrk()

    def __call__(self, base: str, path: str | list[str], seconds: float, connections: int,
                 headers: dict | None = None) -> Load:
        command = [self.binary, "-t1", f"-c{connections}", f"-d{max(1, math.ceil(seconds))}s",
                   "--latency", "--timeout", "10s"]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        if isinstance(path, list):
            paths_file = self.directory / "paths.txt"
            paths_file.write_text("\n".join(path) + "\n")
            script = self.directory / "paths.lua"
            script.write_text(lua_cycle(paths_file))
            command += ["-s", str(script)]
            path = path[0]
        done = subprocess.run(pinned(self.cpu, command + [base + path]), capture_output=True,
                              text=True, timeout=seconds + 60)
        if done.returncode:
            raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
        return parse_wrk(done.stdout)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sys.exit("The benchmark needs wrk: `apt-get install wrk` (Debian/Ubuntu), "
             "`brew install wrk` (macOS), then run `make bench` again.")


# --------------------------------------------------------------------------- maths

def median_ratio(a: list[Load], b: list[Load]) -> float:
    """The median of a's requests/s over b's, round by round (a[i] ran beside b[i])."""
    return statistics.median(x.rps / y.rps for x, y in zip(a, b, strict=True))


def paired_growth(small: list[Load], large: list[Load]) -> float:
    """The median of large/small p50, round by round (each pair ran back to back)."""
    return statistics.median(y.p50_ms / x.p50_ms for x, y in zip(small, large, strict=True))


def median_of(loads: list[Load], attribute: str) -> float:
    return statistics.median(getattr(load, attribute) for load in loads)


def alternate(rounds: int) -> Iterator[tuple[int, bool]]:
    """(round, a_first): A B, B A, A B... so neither side always runs first."""
    for round_ in range(rounds):
        yield round_, round_ % 2 == 0


# --------------------------------------------------------------------------- CPUs

@dataclass(frozen=True)
class Cpus:
    server: int | None
    load: int | None

    @property
    def text(self) -> str:
        if self.server is None:
            return "not pinned (fewer than two CPUs, or no taskset): servers and wrk share CPUs"
        return (f"servers (gunicorn, nginx) pinned to CPU {self.server}, "
                f"wrk to CPU {self.load} (taskset)")


def cpu_plan() -> Cpus:
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) >= 2 and shutil.which("taskset"):
        return Cpus(cpus[0], cpus[1])
    return Cpus(None, None)


def pinned(cpu: int | None, command: list[str]) -> list[str]:
    return (["taskset", "-c", str(cpu)] if cpu is not None else []) + command


# --------------------------------------------------------------------------- HTTP

def fetch(url: str, headers: dict | None = None, timeout: float = 120):
    """(status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextlib.contextmanager
def gunicorn(database_url: str, wsgi_app: str | None = None, **env) -> Iterator:
    """The suite's gunicorn starter (tests/servers/server.py: gunicorn.conf.py, a free
    port) with the benchmark's settings; its log goes to instance/bench/logs/."""
    from tests.servers.server import live_server

    with live_server(WORK / "logs", database_url, workers=WORKERS, wsgi_app=wsgi_app,
                     **SERVER_ENV, **env) as server:
        yield server


def _getter(base: str) -> Callable[[str], tuple[int, bytes]]:
    def get(path: str) -> tuple[int, bytes]:
        status, _, body = fetch(base + path)
        return status, body
    return get


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def worker_rss_mb(server) -> list[float]:
    sizes = []
    for pid in server.worker_pids():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        sizes += [int(line.split()[1]) / 1024 for line in status.splitlines()
                  if line.startswith("VmRSS:")]
    return sizes


# --------------------------------------------------------------------------- datasets

# `flask --app service data import FILE`, with one change: the CLI reads the
# file with PyYAML's pure-Python parser (JSON is YAML), once for the data and
# once more for the line numbers its error messages give, which takes many
# minutes at 100k statements; here the data comes from json, the same document
# in a second, and there are no line numbers to give.
IMPORT = """\
import json, sys, yaml
yaml.safe_load = lambda stream: json.loads(stream if isinstance(stream, str) else stream.read())
yaml.compose = lambda *args, **kwargs: None
from flask.cli import main
sys.argv = ["flask", "--app", "service", "data", "import", sys.argv[1],
            "--by", "synthetic benchmark data"]
main()
"""


def import_synthetic(database_url: str, size: int) -> None:
    from bench.synthetic import generate

    document = WORK / f"synthetic-{size}.json"
    document.write_text(json.dumps(generate(size)))
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", IMPORT, str(document)], cwd=ROOT,
                              env={**os.environ, "DATABASE_URL": database_url,
                                   "STANDPOINT_PREPARE_DATABASE": "1", "STANDPOINT_SEED": "0"},
                              capture_output=True, text=True)
    finally:
        document.unlink(missing_ok=True)
    if done.returncode:
        raise RuntimeError(f"importing {size:,} statements failed: {done.stderr[-2000:]}")
    print(f"  imported {size:,} statements in {time.monotonic() - started:.0f} s", flush=True)


def dataset_name(size: int) -> str:
    from bench.synthetic import GENERATOR_VERSION

    return f"synthetic_{size}_g{GENERATOR_VERSION}"


def sqlite_dataset(size: int) -> str:
    """A SQLite file holding the synthetic dataset of `size` statements, made once."""
    import sqlite3

    path = WORK / f"{dataset_name(size)}.db"
    if not path.exists():
        print(f"  building the {size:,}-statement SQLite dataset (kept for later runs)", flush=True)
        partial = path.with_suffix(".partial")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        import_synthetic(f"sqlite:///{partial}", size)
        connection = sqlite3.connect(partial)  # fold the WAL back so the file stands alone
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        partial.rename(path)
    return f"sqlite:///{path}"


def postgres_url(schema: str | None = None, database: str | None = None) -> str:
    import sqlalchemy as sa

    url = sa.make_url(POSTGRES_URL)
    if database:
        url = url.set(database=database)
    if schema:
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def postgres_dataset(size: int) -> str:
    """The URL of a schema of the `bench` database holding the synthetic
    dataset of `size` statements, made once (built under another name and
    renamed when complete)."""
    import sqlalchemy as sa

    name = sa.make_url(POSTGRES_URL).database
    server = sa.create_engine(postgres_url(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": name}).first():
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        server.dispose()
    schema = dataset_name(size)
    engine = sa.create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(sa.text(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                {"s": schema}).first()
            if not exists:
                print(f"  building the {size:,}-statement PostgreSQL dataset "
                      f"(schema {schema} of {name}, kept for later runs)", flush=True)
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}_partial" CASCADE')
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}_partial"')
                import_synthetic(postgres_url(f"{schema}_partial"), size)
                conn.exec_driver_sql(f'ALTER SCHEMA "{schema}_partial" RENAME TO "{schema}"')
                conn.exec_driver_sql(f'ANALYZE')
    finally:
        engine.dispose()
    return postgres_url(schema)


def dataset_url(database: str, size: int) -> str:
    return sqlite_dataset(size) if database == "sqlite" else postgres_dataset(size)


# --------------------------------------------------------------------------- uncached URLs

@dataclass(frozen=True)
class Data:
    """What the URL makers need to know about a synthetic dataset and its server."""

    actors: tuple[str, ...]
    topics: tuple[str, ...]
    statements: tuple[str, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    cursors: tuple[str, ...]  # change-feed cursors spread over the whole feed
    host: str  # host:port, for oEmbed's `url`
    first_day: dt.date = dt.date(2015, 1, 1)
    days: int = 11 * 365

    def day(self, rng: random.Random) -> dt.date:
        return self.first_day + dt.timedelta(days=rng.randrange(self.days))

    def six(self, rng: random.Random) -> str:
        return ",".join(rng.sample(self.actors, 6))


@dataclass(frozen=True)
class Endpoint:
    """A read endpoint of openapi.yaml (`spec` is its path there) and how to
    make a random URL of it."""

    name: str
    spec: str
    make: Callable[[random.Random, Data], str]


def _page(rng: random.Random, count: int) -> str:
    per_page = rng.randint(1, 100)
    return f"page={rng.randint(1, math.ceil(count / per_page))}&per_page={per_page}"


def _oembed(rng: random.Random, d: Data) -> str:
    page = f"http://{d.host}/embed/matrix?as_of={d.day(rng)}"
    return f"/oembed?url={urllib.parse.quote(page, safe='')}&maxwidth={rng.randint(200, 1200)}"


def _notes(rng: random.Random, d: Data) -> str:
    by, ids = rng.choice((("actor", d.actors), ("topic", d.topics)))
    return f"/v1/notes?{by}={rng.choice(ids)}&per_page={rng.randint(1, 100)}"


def _timeline(rng: random.Random, d: Data, days: int) -> str:
    to = d.day(rng)
    return f"from={to - dt.timedelta(days=days)}&to={to}"


# Adding an endpoint to the benchmark is one line here; the report lists every
# read path of openapi.yaml that has none.
ENDPOINTS = (
    Endpoint("GET /v1/actors", "/v1/actors", lambda r, d: f"/v1/actors?{_page(r, len(d.actors))}"),
    Endpoint("GET /v1/actors/{id}", "/v1/actors/{actor_id}",
             lambda r, d: f"/v1/actors/{r.choice(d.actors)}"),
    Endpoint("GET /v1/topics", "/v1/topics", lambda r, d: f"/v1/topics?{_page(r, len(d.topics))}"),
    Endpoint("GET /v1/topics/{id}", "/v1/topics/{topic_id}",
             lambda r, d: f"/v1/topics/{r.choice(d.topics)}"),
    Endpoint("GET /v1/statements (one actor, to a date)", "/v1/statements",
             lambda r, d: f"/v1/statements?actor={r.choice(d.actors)}&to={d.day(r)}&per_page=20"),
    Endpoint("GET /v1/statements/{id}", "/v1/statements/{statement_id}",
             lambda r, d: f"/v1/statements/{r.choice(d.statements)}"),
    Endpoint("GET /v1/statements/{id}/history", "/v1/statements/{statement_id}/history",
             lambda r, d: f"/v1/statements/{r.choice(d.statements)}/history"),
    Endpoint("GET /v1/notes (one actor or topic)", "/v1/notes", _notes),
    Endpoint("GET /v1/notes/{id}", "/v1/notes/{note_id}",
             lambda r, d: f"/v1/notes/{r.choice(d.notes)}"),
    Endpoint("GET /v1/notes/{id}/history", "/v1/notes/{note_id}/history",
             lambda r, d: f"/v1/notes/{r.choice(d.notes)}/history"),
    Endpoint("GET /v1/sources", "/v1/sources",
             lambda r, d: f"/v1/sources?{_page(r, len(d.sources))}"),
    Endpoint("GET /v1/sources/{id}", "/v1/sources/{source_id}",
             lambda r, d: f"/v1/sources/{r.choice(d.sources)}"),
    Endpoint("GET /v1/sources/{id}/history", "/v1/sources/{source_id}/history",
             lambda r, d: f"/v1/sources/{r.choice(d.sources)}/history"),
    Endpoint("GET /v1/positions (six actors)", "/v1/positions",
             lambda r, d: f"/v1/positions?as_of={d.day(r)}&actors={d.six(r)}"),
    Endpoint("GET /v1/actors/{id}/positions", "/v1/actors/{actor_id}/positions",
             lambda r, d: f"/v1/actors/{r.choice(d.actors)}/positions?as_of={d.day(r)}"),
    Endpoint("GET /v1/matrix", "/v1/matrix", lambda r, d: f"/v1/matrix?as_of={d.day(r)}"),
    Endpoint("GET /v1/compare (six actors)", "/v1/compare",
             lambda r, d: f"/v1/compare?actors={d.six(r)}&as_of={d.day(r)}"),
    Endpoint("GET /v1/diff", "/v1/diff",
             lambda r, d: f"/v1/diff?left={r.choice(d.actors)}@{d.day(r)}"
                          f"&right={r.choice(d.actors)}@{d.day(r)}"),
    Endpoint("GET /v1/actors/{id}/changes (from the start)", "/v1/actors/{actor_id}/changes",
             lambda r, d: f"/v1/actors/{r.choice(d.actors)}/changes?from={d.first_day}"
                          f"&to={d.day(r)}"),
    Endpoint("GET /v1/topics/{id}/timeline (30 days)", "/v1/topics/{topic_id}/timeline",
             lambda r, d: f"/v1/topics/{r.choice(d.topics)}/timeline?{_timeline(r, d, 30)}"),
    Endpoint("GET /v1/changes (change feed page)", "/v1/changes",
             lambda r, d: f"/v1/changes?since={r.choice(d.cursors)}"),
    Endpoint("GET /embed/matrix", "/embed/matrix", lambda r, d: f"/embed/matrix?as_of={d.day(r)}"),
    Endpoint("GET /embed/compare (six actors)", "/embed/compare",
             lambda r, d: f"/embed/compare?actors={d.six(r)}&as_of={d.day(r)}"),
    Endpoint("GET /embed/actors/{id}/timeline (90 days)", "/embed/actors/{actor_id}/timeline",
             lambda r, d: f"/embed/actors/{r.choice(d.actors)}/timeline?{_timeline(r, d, 90)}"),
    Endpoint("GET /embed/topics/{id}/spectrum", "/embed/topics/{topic_id}/spectrum",
             lambda r, d: f"/embed/topics/{r.choice(d.topics)}/spectrum?as_of={d.day(r)}"),
    Endpoint("GET /embed/actors/{id}/steps (90 days)", "/embed/actors/{actor_id}/steps",
             lambda r, d: f"/embed/actors/{r.choice(d.actors)}/steps?topic={r.choice(d.topics)}"
                          f"&{_timeline(r, d, 90)}"),
    Endpoint("GET /oembed", "/oembed", _oembed),
)


def spec_reads(spec_text: str) -> list[str]:
    """The GET paths of openapi.yaml that read data (not the probes, not the spec)."""
    import yaml

    spec = yaml.safe_load(spec_text)
    return [path for path, operations in spec.get("paths", {}).items()
            if "get" in operations and path not in NOT_READS
            and not path.startswith(NOT_READ_PREFIXES) and not path.endswith(NOT_READ_SUFFIXES)]


def unmeasured(spec_text: str) -> list[str]:
    """Read paths with no URL maker; a twin (`/v1/matrix.csv`, a chart's `.png`)
    counts as covered by the path it is a representation of."""
    covered = {endpoint.spec for endpoint in ENDPOINTS}

    def base(path: str) -> str:
        for suffix in TWIN_SUFFIXES:
            path = path.removesuffix(suffix)
        return path

    return [path for path in spec_reads(spec_text) if base(path) not in covered]


def distinct_paths(endpoint: Endpoint, data: Data, count: int, seed: int) -> list[str]:
    """Up to `count` different URLs of `endpoint`, in a random order (fewer
    when the endpoint has fewer: 50 actors make 50 actor URLs)."""
    rng = random.Random(f"{seed}:{endpoint.name}")
    seen: dict[str, None] = {}
    for _ in range(count * 20):
        seen.setdefault(endpoint.make(rng, data))
        if len(seen) == count:
            break
    return list(seen)


def split_rounds(paths: list[str], rounds: int, warm: int) -> tuple[list[str], list[list[str]]]:
    """A warm-up share and `rounds` disjoint shares of `paths` (round-robin)."""
    warm_paths, rest = paths[:warm], paths[warm:] or paths
    return warm_paths or rest[:1], [rest[r::rounds] or rest for r in range(rounds)]


def change_cursors(get: Callable[[str], tuple[int, bytes]], changes: int) -> tuple[str, ...]:
    """Change-feed cursors spread over the whole feed of about `changes`
    entries; `get(path)` is (status, body) from the server. The cursor is
    opaque to clients; if it reads as base64 of "<prefix><number>" (this
    service's `seq:<n>`), cursors for positions all over the feed are made
    from it, else the feed is walked (500 a page, at most 40 pages) and every
    entry's cursor kept."""
    status, body = get("/v1/changes?limit=1")
    items = json.loads(body).get("items", []) if status == 200 else []
    sample = items[0]["cursor"] if items else ""
    try:
        text = base64.urlsafe_b64decode(sample + "=" * (-len(sample) % 4)).decode("ascii")
        prefix, _ = re.fullmatch(r"(\D*)(\d+)", text).groups()
    except (binascii.Error, UnicodeDecodeError, AttributeError, ValueError):
        cursors, since = [], "0"
        for _ in range(40):
            status, body = get(f"/v1/changes?limit=500&since={since}")
            page = json.loads(body) if status == 200 else {}
            cursors += [item["cursor"] for item in page.get("items", [])]
            if not page.get("has_more"):
                break
            since = page["next_cursor"]
        return tuple(cursors) or ("0",)

    def encode(n: int) -> str:
        return base64.urlsafe_b64encode(f"{prefix}{n}".encode()).decode().rstrip("=")

    rng = random.Random(changes)
    return tuple(encode(rng.randrange(max(1, changes))) for _ in range(5000))


# --------------------------------------------------------------------------- 1: hot reads

@dataclass
class HotRow:
    name: str
    path: str
    body_bytes: int = 0
    cached: list[Load] = field(default_factory=list)
    static: list[Load] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return median_ratio(self.cached, self.static) if self.cached else None


# Headers a static answer gets from nginx itself, or that describe the body's
# encoding and length, which nginx works out for both kinds of answer alike.
_NOT_MIRRORED = {"date", "server", "connection", "keep-alive", "transfer-encoding",
                 "content-length", "content-type", "content-encoding", "x-request-id",
                 "x-cache-status", "last-modified", "accept-ranges"}


def _nginx_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def static_twin(index: int, root: Path, content_type: str, headers: dict) -> str:
    """An nginx location serving file `root`/bench-static/<index> with the
    cached answer's headers (nginx adds the same framing to both)."""
    media_type, _, parameters = content_type.partition(";")
    charset = re.search(r"charset=([\w.-]+)", parameters)
    lines = [f"    location = /bench-static/{index} {{",
             f"        root {root};",
             "        types { }",
             # the type alone, as gzip_types matches it; the charset from nginx's own directive
             f"        default_type {_nginx_string(media_type.strip())};",
             *([f"        charset {charset.group(1)};",
                f"        charset_types {media_type.strip()};"] if charset else []),
             "        etag off;",
             "        max_ranges 0;",
             '        add_header Last-Modified "";']
    for name, value in headers.items():
        if name.lower() not in _NOT_MIRRORED and "$" not in value:
            lines.append(f"        add_header {name} {_nginx_string(value)} always;")
    lines += ["        add_header X-Request-ID $request_id always;",
              "        add_header X-Cache-Status HIT always;",
              "    }"]
    return "\n".join(lines)


def hot_headers(args) -> dict:
    return {} if args.identity else BROWSER


def hot_reads(args, wrk: Wrk) -> list[HotRow]:
    from bench.nginx import binary, nginx
    from tests.servers.server import free_port

    rows = [HotRow(name, path) for name, path in HOT]
    if binary() is None:
        for row in rows:
            row.note = "nginx is not installed"
        return rows
    database = WORK / "bundled.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # the master seeds it afresh
    directory = WORK / "nginx"
    shutil.rmtree(directory, ignore_errors=True)
    root = directory / "static"
    (root / "bench-static").mkdir(parents=True)
    print("1. hot reads: nginx's cache against the same bytes as static files", flush=True)
    with gunicorn(f"sqlite:///{database}") as app:
        twins = []  # the headers come from the app; the bytes, below, from nginx's cache
        for index, row in enumerate(rows):
            status, headers, _ = fetch(app.url + row.path)
            if status != 200:
                row.note = f"the app answered {status}"
                continue
            twins.append(static_twin(index, root, headers.get("Content-Type", ""), headers))
        with nginx(port_of(app.url), free_port(), directory, "\n".join(twins)) as front:
            for index, row in enumerate(rows):
                if row.note:
                    continue
                front.get(row.path)
                _, headers, cached = front.get(row.path)
                if headers.get("X-Cache-Status") != "HIT":
                    row.note = f"not a cache hit through nginx: {headers.get('X-Cache-Status')!r}"
                    continue
                # The answer names the host it was asked at (nginx's): the file
                # holds the very bytes nginx's cache holds.
                (root / "bench-static" / str(index)).write_bytes(cached)
                row.body_bytes = len(cached)
                _, _, static = front.get(f"/bench-static/{index}")
                if cached != static:
                    row.note = "the cached and static bodies differ"
                    continue
                cache_url, static_url = row.path, f"/bench-static/{index}"
                for path in (cache_url, static_url):  # warm-up
                    wrk(front.url, path, args.warm, HOT_CONNECTIONS, hot_headers(args))
                for _, cache_first in alternate(args.hot_rounds):
                    order = [(row.cached, cache_url), (row.static, static_url)]
                    for loads, path in (order if cache_first else order[::-1]):
                        loads.append(wrk(front.url, path, args.hot_seconds, HOT_CONNECTIONS,
                                         hot_headers(args)))
                print(f"  {row.name}: cached {median_of(row.cached, 'rps'):,.0f} req/s, static "
                      f"{median_of(row.static, 'rps'):,.0f} req/s, {row.ratio:.0%}", flush=True)
    return rows


# --------------------------------------------------------------------------- 2: revalidations

@dataclass
class Revalidation:
    database: str
    path: str
    standpoint: list[Load] = field(default_factory=list)
    baseline: list[Load] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return median_ratio(self.standpoint, self.baseline) if self.standpoint else None


def _etag_for_304(base: str, path: str) -> tuple[str | None, str]:
    status, headers, _ = fetch(base + path)
    etag = headers.get("ETag")
    if status != 200 or not etag:
        return None, f"GET {path} answered {status} with ETag {etag!r}"
    status, _, body = fetch(base + path, {"If-None-Match": etag})
    if status != 304:
        return None, f"If-None-Match with the ETag answered {status}, not 304"
    return etag, ""


def revalidations(database: str, server, baseline, args, wrk: Wrk) -> Revalidation:
    result = Revalidation(database, REVALIDATED)
    etag, result.note = _etag_for_304(server.url, REVALIDATED)
    base_etag, note = _etag_for_304(baseline.url, "/")
    if etag is None or base_etag is None:
        result.note = result.note or f"baseline: {note}"
        return result
    ours = (result.standpoint, server.url, REVALIDATED, {"If-None-Match": etag})
    theirs = (result.baseline, baseline.url, "/", {"If-None-Match": base_etag})
    for side in (ours, theirs):  # warm-up
        wrk(side[1], side[2], args.warm, REVALIDATION_CONNECTIONS, side[3])
    for _, ours_first in alternate(args.revalidation_rounds):
        for loads, base, path, headers in ((ours, theirs) if ours_first else (theirs, ours)):
            loads.append(wrk(base, path, args.revalidation_seconds, REVALIDATION_CONNECTIONS,
                             headers))
    print(f"  304 on {database}: {median_of(result.standpoint, 'rps'):,.0f} req/s, baseline "
          f"{median_of(result.baseline, 'rps'):,.0f} req/s, {result.ratio:.0%}", flush=True)
    return result


# --------------------------------------------------------------------------- 3, 4: growth, memory

@dataclass
class Growth:
    endpoint: str
    rounds: dict[int, list[Load]] = field(default_factory=dict)  # size -> one Load per round
    distinct: dict[int, int] = field(default_factory=dict)  # size -> different URLs per round
    note: str = ""

    def p50(self, size: int) -> float:
        return median_of(self.rounds[size], "p50_ms")

    def growth(self, small: int, large: int) -> float:
        return paired_growth(self.rounds[small], self.rounds[large])

    def repeated(self, size: int) -> bool:
        """Did a round send more requests than it had different URLs?"""
        return any(load.requests > self.distinct[size] for load in self.rounds[size])

    def errors(self) -> int:
        return sum(load.errors for loads in self.rounds.values() for load in loads)


@dataclass
class DatabaseRun:
    database: str
    sizes: tuple[int, ...]
    growth: list[Growth] = field(default_factory=list)
    rss_mb: dict[int, list[float]] = field(default_factory=dict)  # size -> each worker, after
    revalidation: Revalidation | None = None
    note: str = ""


GROWTH_SECONDS_CAP = 2.0


def _growth_seconds(args, probe_seconds: float) -> float:
    """Rounds long enough for a few answers from slow endpoints, within the time budget."""
    return max(args.growth_seconds, min(GROWTH_SECONDS_CAP, 20 * probe_seconds))


def database_run(database: str, args, wrk: Wrk, baseline) -> DatabaseRun:
    from bench.synthetic import actor_ids, generate, topic_ids

    run = DatabaseRun(database, tuple(args.sizes))
    print(f"3. uncached reads on {database}, {' and '.join(f'{s:,}' for s in run.sizes)} "
          "statements", flush=True)
    try:
        urls = {size: dataset_url(database, size) for size in run.sizes}
    except Exception as error:  # noqa: BLE001 - no PostgreSQL here: report it, go on
        run.note = f"no dataset: {str(error).splitlines()[0][:300]}"
        print(f"  {run.note}", flush=True)
        return run
    with contextlib.ExitStack() as stack:
        servers = {size: stack.enter_context(gunicorn(url, STANDPOINT_SEED="0"))
                   for size, url in urls.items()}
        data = {}
        for size, server in servers.items():
            document = generate(size)
            data[size] = Data(tuple(actor_ids()), tuple(topic_ids()),
                              tuple(s["id"] for s in document["statements"]),
                              tuple(n["id"] for n in document["notes"]),
                              tuple(document["sources"]),
                              change_cursors(_getter(server.url), sum(map(len, (
                                  document["actors"], document["topics"], document["sources"],
                                  document["statements"], document["notes"])))),
                              server.url.removeprefix("http://"))
            del document
        if baseline is not None and "revalidate" in args.only:
            run.revalidation = revalidations(database, servers[min(run.sizes)], baseline, args,
                                             wrk)
        if "growth" not in args.only:
            return run
        plans = {}  # endpoint -> size -> (probe path, warm paths, [paths of each round])
        for endpoint in ENDPOINTS:
            plans[endpoint.name] = {}
            for size in run.sizes:
                paths = distinct_paths(endpoint, data[size],
                                       args.paths_per_round * args.growth_rounds + 21, args.seed)
                plans[endpoint.name][size] = (paths[0], *split_rounds(paths[1:],
                                                                      args.growth_rounds, 20))
        for size, server in servers.items():  # warm every server on every endpoint
            mixed = [path for plan in plans.values() for path in plan[size][1]]
            random.Random(size).shuffle(mixed)
            wrk(server.url, mixed, args.warm * 2, GROWTH_CONNECTIONS)
        small, large = min(run.sizes), max(run.sizes)
        for endpoint in ENDPOINTS:
            row = Growth(endpoint.name)
            run.growth.append(row)
            try:
                slowest = 0.0  # one URL of its own per size: is it answered, and how fast?
                for size, server in servers.items():
                    probe = plans[endpoint.name][size][0]
                    started = time.monotonic()
                    status, _, body = fetch(server.url + probe)
                    slowest = max(slowest, time.monotonic() - started)
                    if status != 200:
                        raise RuntimeError(f"{probe} answered {status} at {size:,}: "
                                           f"{body[:200]!r}")
                seconds = _growth_seconds(args, slowest)
                sizes = list(run.sizes)
                for round_, in_order in alternate(args.growth_rounds):
                    for size in (sizes if in_order else sizes[::-1]):
                        paths = plans[endpoint.name][size][2][round_]
                        row.distinct[size] = len(paths)
                        row.rounds.setdefault(size, []).append(
                            wrk(servers[size].url, paths, seconds, GROWTH_CONNECTIONS))
            except (RuntimeError, OSError, subprocess.SubprocessError) as error:
                row.note = str(error)[:300]
                print(f"  {endpoint.name}: {row.note}", flush=True)
                continue
            print(f"  {endpoint.name}: p50 {row.p50(small):.2f} ms at {small:,}, "
                  f"{row.p50(large):.2f} ms at {large:,}: {row.growth(small, large):.2f}x",
                  flush=True)
        for size, server in servers.items():
            run.rss_mb[size] = worker_rss_mb(server)
        print("  worker RSS after the load: " + "; ".join(
            f"{size:,}: " + ", ".join(f"{mb:.0f} MB" for mb in mbs)
            for size, mbs in run.rss_mb.items()), flush=True)
    return run


# --------------------------------------------------------------------------- report

def machine() -> dict:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f", {kb / 1024 ** 2:.0f} GB RAM"
    return {"text": f"{os.cpu_count()} CPUs ({model}){memory}, Python {platform.python_version()}, "
                    f"{platform.system()} {platform.release()}"}


def versions() -> str:
    parts = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=30,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}).stdout.strip()
        if commit:
            parts.append(f"commit {commit}" + (" with uncommitted changes" if changed else ""))
    from bench.nginx import binary

    nginx = binary()
    if nginx:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10)
            parts.append((out.stderr or out.stdout).strip().replace("nginx version: ", ""))
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run([shutil.which("wrk") or "wrk", "-v"], capture_output=True,
                             text=True, timeout=10)
        parts.append((out.stdout or out.stderr).split(" [")[0].strip())
    return ", ".join(part for part in parts if part)


def met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**not met**")


def _mb(value: float) -> str:
    return f"{value / 1024:.1f} KB" if value < 1024 ** 2 else f"{value / 1024 ** 2:.2f} MB"


@dataclass
class Meta:
    command: str
    started: dt.datetime
    elapsed_s: float
    cpus: str
    machine: str
    versions: str
    settings: str
    note: str = ""
    identity: bool = False


def report(meta: Meta, hot: list[HotRow], databases: list[DatabaseRun],
           unmeasured_paths: list[str], renders: list | None = None, args=None) -> str:
    """docs/BENCHMARKS.md, from the results."""
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand. What the goals are, how "
        "they are measured and why: [PERFORMANCE.md](PERFORMANCE.md).",
        "",
        f"- Command: `{meta.command}`",
        f"- Date: {meta.started:%Y-%m-%d %H:%M} UTC; the run took {meta.elapsed_s / 60:.1f} minutes.",
        f"- Machine: {meta.machine}.",
        f"- Software: {meta.versions or 'unknown'}.",
        f"- Servers: gunicorn with gunicorn.conf.py ({WORKERS} {WORKER_CLASS} workers"
        + (f" with `{os.environ['GUNICORN_CMD_ARGS']}`" if os.environ.get("GUNICORN_CMD_ARGS") else "")
        + f", PNG renders in {RENDER_PROCESSES or 'no'} process(es) of their own per worker"
        + (" (in the worker itself)" if not RENDER_PROCESSES else "") + ", rate limiter on "
        f"with budgets no run reaches), nginx with deploy/standpoint-proxy.conf (one worker); "
        f"{meta.cpus}.",
        f"- Load: {meta.settings}",
    ]
    if meta.note:
        lines.append(f"- Note: {meta.note}")

    # ------------------------------------------------------------------ summary
    summary = ["", "## Goals", "", "| goal | target | result | |", "| --- | --- | --- | --- |"]
    measured_hot = [row for row in hot if row.ratio is not None]
    if hot:
        worst = min(measured_hot, key=lambda row: row.ratio) if measured_hot else None
        summary.append(
            f"| 1. hot reads through nginx's cache, vs the same bytes as static files | "
            f">= {GOAL_HOT:.0%} of the static req/s | "
            + (f"{worst.ratio:.0%} (lowest: {worst.name})" if worst else "not measured")
            + f" | {met(None if len(measured_hot) < len(hot) else all(map(_hot_met, hot)))} |")
    for run in databases:
        rv = run.revalidation
        if rv is not None:
            summary.append(
                f"| 2. 304 to If-None-Match straight to gunicorn ({run.database}), vs bare Flask | "
                f">= {GOAL_304:.0%} of its req/s | "
                + (f"{rv.ratio:.0%}" if rv.ratio is not None else rv.note)
                + f" | {met(None if rv.ratio is None else rv.ratio >= GOAL_304)} |")
    for run in databases:
        small, large = min(run.sizes), max(run.sizes)
        rows = [row for row in run.growth if not row.note]
        if run.growth or run.note:
            if rows:
                worst = max(rows, key=lambda row: row.growth(small, large))
                over = [row for row in rows if row.growth(small, large) > GOAL_GROWTH]
                result = (f"worst {worst.growth(small, large):.2f}x ({worst.endpoint}); "
                          f"{len(over)} of {len(rows)} endpoints over {GOAL_GROWTH:g}x")
            else:
                result = run.note or "not measured"
            failed = [row for row in run.growth if row.note]
            if failed:
                result += f"; {len(failed)} not measured"
            ok = None if not rows else not (over or failed or any(r.errors() for r in rows))
            summary.append(
                f"| 3. uncached p50 growth, {small:,} to {large:,} statements ({run.database}) | "
                f"<= {GOAL_GROWTH:g}x, every read endpoint | {result} | {met(ok)} |")
    for run in databases:
        large = max(run.sizes)
        if large in run.rss_mb:
            rss = run.rss_mb[large]
            summary.append(
                f"| 4. worker RSS after the load at {large:,} statements ({run.database}) | "
                f"<= {GOAL_RSS_MB:g} MB each | "
                + (", ".join(f"{mb:.0f} MB" for mb in rss) or "no workers found")
                + f" | {met(bool(rss) and max(rss) <= GOAL_RSS_MB)} |")
    if renders:
        summary += bench_renders.summary_rows(renders, met)
    lines += summary

    # ------------------------------------------------------------------ 1
    if hot:
        lines += [
            "",
            "## 1. Hot reads through nginx's proxy cache",
            "",
            "gunicorn on the bundled dataset behind nginx. Each answer, as nginx's cache holds "
            "it, is written to a file that the same nginx (same server block, same gzip rules) "
            "serves with the app's headers and Content-Type; wrk then loads the cached "
            "URL and the static file in alternating rounds, "
            + ("without Accept-Encoding (`--identity`: no compression on either side). "
               if meta.identity else
               f"with `Accept-Encoding: {BROWSER['Accept-Encoding']}`, so nginx gzips both on "
               "the fly. ")
            + "The ratio is the median of the rounds' ratios.",
            "",
            "| endpoint | answer (identity) | cached req/s | static req/s | cached / static "
            "(rounds) | p50 cached / static ms | errors | goal |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in hot:
            if row.ratio is None:
                lines.append(f"| {row.name} | | | | | | | {row.note or 'not measured'} |")
                continue
            ratios = [a.rps / b.rps for a, b in zip(row.cached, row.static)]
            lines.append(
                f"| {row.name} | {_mb(row.body_bytes)} | {median_of(row.cached, 'rps'):,.0f} "
                f"| {median_of(row.static, 'rps'):,.0f} | {row.ratio:.0%} "
                f"({min(ratios):.0%}-{max(ratios):.0%}) "
                f"| {median_of(row.cached, 'p50_ms'):.2f} / {median_of(row.static, 'p50_ms'):.2f} "
                f"| {_errors(row.cached) + _errors(row.static)} | {met(_hot_met(row))} |")

    # ------------------------------------------------------------------ 2
    revalidated = [run.revalidation for run in databases if run.revalidation is not None]
    if revalidated:
        lines += [
            "",
            "## 2. Revalidation (304) straight to gunicorn",
            "",
            f"`GET {REVALIDATED}` with `If-None-Match` set to its current ETag, on the "
            f"{min(databases[0].sizes):,}-statement dataset, against bench/baseline_app.py "
            "(Flask's `add_etag` and `make_conditional`) under the same gunicorn settings on the "
            "same CPU, in alternating rounds; this is what nginx sends when a cached copy "
            "expires.",
            "",
            "| database | Standpoint 304 req/s | baseline 304 req/s | ratio (rounds) | "
            "p50 Standpoint / baseline ms | goal |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for rv in revalidated:
            if rv.ratio is None:
                lines.append(f"| {rv.database} | | | | | {rv.note} |")
                continue
            ratios = [a.rps / b.rps for a, b in zip(rv.standpoint, rv.baseline)]
            lines.append(
                f"| {rv.database} | {median_of(rv.standpoint, 'rps'):,.0f} "
                f"| {median_of(rv.baseline, 'rps'):,.0f} | {rv.ratio:.0%} "
                f"({min(ratios):.0%}-{max(ratios):.0%}) "
                f"| {median_of(rv.standpoint, 'p50_ms'):.2f} / {median_of(rv.baseline, 'p50_ms'):.2f} "
                f"| {met(rv.ratio >= GOAL_304 and not _errors(rv.standpoint))} |")

    # ------------------------------------------------------------------ 3, 4
    for run in databases:
        if not run.growth and not run.note:
            continue
        small, large = min(run.sizes), max(run.sizes)
        lines += [
            "",
            f"## 3. Uncached reads, {small:,} and {large:,} statements, {run.database}",
            "",
        ]
        if run.note:
            lines += [run.note]
            continue
        lines += [
            "Synthetic datasets (bench/synthetic.py: 50 actors, 20 topics, statements over "
            "eleven years). Every request is a URL no other request of the run asked for (a "
            "random date, actor, statement... per request), straight to gunicorn, "
            f"{GROWTH_CONNECTIONS} connection: the median is the time to answer, not to queue. "
            "Rounds alternate between the sizes; growth is the median of the rounds' "
            f"{large:,}/{small:,} ratios. Answer sizes are the mean bytes read per request.",
            "",
            f"| endpoint | p50 ms at {small:,} | p50 ms at {large:,} | growth | mean answer "
            f"{small:,} / {large:,} | goal |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in run.growth:
            if row.note:
                lines.append(f"| {row.endpoint} | | | | | not measured: {_cell(row.note)} |")
                continue
            caveats = []
            repeated = [f"{size:,}" for size in run.sizes if row.repeated(size)]
            if repeated:
                caveats.append("URLs repeated within a round at " + ", ".join(repeated)
                               + f" ({min(row.distinct.values())} different URLs per round)")
            if row.errors():
                caveats.append(f"{row.errors()} errors")
            growth = row.growth(small, large)
            lines.append(
                f"| {row.endpoint} | {row.p50(small):.2f} | {row.p50(large):.2f} | {growth:.2f}x "
                f"| {_mb(median_of(row.rounds[small], 'bytes_per_request'))} / "
                f"{_mb(median_of(row.rounds[large], 'bytes_per_request'))} "
                f"| {met(growth <= GOAL_GROWTH and not row.errors())}"
                + (f" ({'; '.join(caveats)})" if caveats else "") + " |")
        if run.rss_mb:
            lines += [
                "",
                f"Worker memory (VmRSS of each gunicorn worker after the load above), "
                f"{run.database}; goal at {large:,}: at most {GOAL_RSS_MB:g} MB each.",
                "",
                "| statements | worker RSS after the load | goal |",
                "| ---: | --- | --- |",
            ]
            for size, rss in run.rss_mb.items():
                lines.append(f"| {size:,} | {', '.join(f'{mb:.0f} MB' for mb in rss)} | "
                             + (met(bool(rss) and max(rss) <= GOAL_RSS_MB) if size == large
                                else "") + " |")
    if unmeasured_paths and any(run.growth for run in databases):
        lines += ["", "Read endpoints of openapi.yaml without a URL maker in bench/run.py "
                  "(not measured): " + ", ".join(f"`{p}`" for p in unmeasured_paths) + "."]
    if renders:
        lines += bench_renders.section(renders, args, met)
    return "\n".join(lines) + "\n"


def _hot_met(row: HotRow) -> bool:
    return row.ratio is not None and row.ratio >= GOAL_HOT and not _errors(row.cached)


def _errors(loads: list[Load]) -> int:
    return sum(load.errors for load in loads)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------- main

PARTS = ("hot", "revalidate", "growth", "renders")


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="one or two short rounds of everything, for trying the harness")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES))
    parser.add_argument("--sizes", nargs=2, type=int, default=list(SIZES), metavar=("SMALL", "LARGE"))
    parser.add_argument("--identity", action="store_true",
                        help="hot reads without Accept-Encoding: the cache's own cost, no gzip")
    parser.add_argument("--hot-rounds", type=int, default=5)
    parser.add_argument("--hot-seconds", type=float, default=2)
    parser.add_argument("--revalidation-rounds", type=int, default=5)
    parser.add_argument("--revalidation-seconds", type=float, default=2)
    parser.add_argument("--growth-rounds", type=int, default=3)
    parser.add_argument("--growth-seconds", type=float, default=1)
    parser.add_argument("--render-seconds", type=float, default=30,
                        help="seconds of each phase (idle, under load) of the renders goal")
    parser.add_argument("--warm", type=float, default=1, help="seconds of warm-up per target")
    parser.add_argument("--paths-per-round", type=int, default=3000,
                        help="different URLs made for each uncached round")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--note", default=os.environ.get("BENCH_NOTE", ""),
                        help="a sentence for the report, e.g. that the machine was shared")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.hot_rounds = args.revalidation_rounds = 2
        args.hot_seconds = args.revalidation_seconds = args.growth_seconds = args.warm = 1
        args.growth_rounds = 1
        args.render_seconds = 5
    args.sizes = sorted(args.sizes)
    args.command = "make bench" if argv is None and len(sys.argv) == 1 else \
        "python -m bench.run " + shlex.join(sys.argv[1:] if argv is None else argv)
    return args


def settings_text(args) -> str:
    return (f"wrk 1 thread. (1) {HOT_CONNECTIONS} connections, {args.hot_rounds} rounds of "
            f"{args.hot_seconds:g} s per side after {args.warm:g} s of warm-up; "
            f"(2) {REVALIDATION_CONNECTIONS} connections, {args.revalidation_rounds} rounds of "
            f"{args.revalidation_seconds:g} s per side; (3) {GROWTH_CONNECTIONS} connection, "
            f"{args.growth_rounds} round(s) per size of {args.growth_seconds:g} s "
            f"({GROWTH_SECONDS_CAP:g} s for endpoints slower than 50 ms), after a warm-up over "
            "every endpoint.")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORK / "logs", ignore_errors=True)
    (WORK / "logs").mkdir()
    cpus = cpu_plan()
    if cpus.server is not None:
        os.sched_setaffinity(0, {cpus.server})  # every server started from here inherits it
    wrk = Wrk(cpus.load, WORK)
    print(f"bench: {cpus.text}", flush=True)
    started, clock = dt.datetime.now(dt.timezone.utc), time.monotonic()
    hot = hot_reads(args, wrk) if "hot" in args.only else []
    databases = []
    if "growth" in args.only or "revalidate" in args.only:
        with contextlib.ExitStack() as stack:
            baseline = None
            if "revalidate" in args.only:
                print("2. revalidations against the bare Flask app", flush=True)
                baseline = stack.enter_context(
                    gunicorn(f"sqlite:///{WORK / 'baseline.db'}", "bench.baseline_app:app"))
            for database in args.databases:
                databases.append(database_run(database, args, wrk, baseline))
    renders = bench_renders.measure(args, wrk, cpus, WORK) if "renders" in args.only else []
    meta = Meta(args.command, started, time.monotonic() - clock, cpus.text, machine()["text"],
                versions(), settings_text(args), args.note, args.identity)
    text = report(meta, hot, databases, unmeasured(SPEC.read_text("utf-8")), renders, args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
