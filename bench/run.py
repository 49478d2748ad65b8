"""`make bench`: load Standpoint under gunicorn with wrk and write docs/BENCHMARKS.md.

One run measures, on loopback, with the production gunicorn.conf.py:
  1. the baseline: a bare Flask app (bench/baseline_app.py) under the same
     gunicorn settings, before and after the endpoints (the mean is the yardstick);
  2. every endpoint in ENDPOINTS on the bundled dataset, plus a 304
     revalidation: requests/s, p50/p99 latency and the ratio to the baseline;
  3. growth: the same endpoints on synthetic datasets of 1k, 10k and 100k
     statements, hot (answers cached per worker) and uncached (a different
     `as_of` on every request, rounds alternating between the sizes), and each
     worker's RSS after the load.

The server is pinned to CPU 0 and wrk to CPU 1 when the machine has two or
more CPUs. Databases are SQLite files under instance/bench/ (the synthetic
ones are kept and reused between runs).

    python -m bench.run                      # everything (about 6 minutes)
    python -m bench.run --quick              # short runs, for trying the harness
    python -m bench.run --sizes 1000 --skip-main
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "instance" / "bench"
RESULTS = ROOT / "docs" / "BENCHMARKS.md"
PORT = int(os.environ.get("BENCH_PORT", "8710"))
CONNECTIONS = 64
# Growth compares service times, not queues: few connections, so the
# median is the time to answer rather than the time spent waiting in line.
GROWTH_CONNECTIONS = 4
SIZES = (1_000, 10_000, 100_000)


@dataclass(frozen=True)
class Endpoint:
    """One URL to load. `{placeholders}` are filled from the dataset in use;
    `revalidate` loads it with If-None-Match set to its current ETag."""

    name: str
    template: str
    revalidate: bool = False
    headers: tuple = (("Accept-Encoding", "gzip, deflate, br"),)  # what browsers and requests send

    def path(self, values: dict) -> str:
        return self.template.format(**values)


# Adding an endpoint to the benchmark is one line here. Endpoints that answer
# anything but 200 in this build are reported as not available.
ENDPOINTS = (
    Endpoint("GET /v1/positions (six actors)", "/v1/positions?as_of={date}&actors={six}"),
    Endpoint("GET /v1/positions (six actors), uncompressed", "/v1/positions?as_of={date}&actors={six}",
             headers=()),
    Endpoint("GET /v1/statements (one actor)", "/v1/statements?actor={actor}&to={date}&per_page=20"),
    Endpoint("GET /v1/actors/{id}/positions", "/v1/actors/{actor}/positions?as_of={date}"),
    Endpoint("GET /v1/compare (six actors)", "/v1/compare?actors={six}&as_of={date}"),
    Endpoint("GET /v1/matrix", "/v1/matrix?as_of={date}"),
    Endpoint("GET /v1/actors/{id}/changes", "/v1/actors/{actor}/changes?from={from}&to={date}"),
    Endpoint("GET /embed/matrix", "/embed/matrix?as_of={date}"),
    Endpoint("304 revalidation of /v1/positions", "/v1/positions?as_of={date}&actors={six}",
             revalidate=True),
)

BUNDLED = {"actor": "uk", "six": "uk,france,russia,us,ukraine,germany", "topic": "peacekeepers",
           "date": "2025-03-20", "from": "2025-03-01"}

TARGET_RATIO = 0.80
TARGET_RATIO_304 = 0.90
TARGET_TAIL = 3.0  # p99 / p50
TARGET_GROWTH = 2.0  # median latency 100k / 1k
TARGET_RSS_MB = 150


# --------------------------------------------------------------------------- tools

def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk missing: installing Debian's package", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=False)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("The benchmark needs wrk: `sudo apt-get install wrk` (Debian/Ubuntu), "
             "`brew install wrk` (macOS), then run `make bench` again.")


def cpu_plan() -> tuple[int | None, int | None, str]:
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) >= 2 and shutil.which("taskset"):
        return cpus[0], cpus[1], (f"server (gunicorn master and workers) pinned to CPU {cpus[0]}, "
                                  f"wrk pinned to CPU {cpus[1]} with taskset")
    return None, None, "not pinned (fewer than two CPUs or no taskset): server and wrk share CPUs"


def pinned(cpu: int | None, command: list[str]) -> list[str]:
    return (["taskset", "-c", str(cpu)] if cpu is not None else []) + command


# --------------------------------------------------------------------------- server

class Server:
    """gunicorn with gunicorn.conf.py, on loopback, as a context manager."""

    def __init__(self, app: str, database_url: str, cpu: int | None, log_name: str,
                 probe: str = "/healthz", port: int = PORT):
        self.app, self.database_url, self.cpu, self.probe = app, database_url, cpu, probe
        self.port = port
        self.log_path = WORK / f"{log_name}.log"
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Server:
        env = {**os.environ, "BIND": f"127.0.0.1:{self.port}", "DATABASE_URL": self.database_url,
               "PYTHONPATH": str(ROOT),
               # All load comes from one address: keep the limiter on (its cost is
               # part of every request) but with limits no benchmark reaches.
               "STANDPOINT_RATE_LIMIT_PER_IP": "100000000 per minute",
               "STANDPOINT_RATE_LIMIT_PER_KEY": "100000000 per minute"}
        env.pop("STANDPOINT_PREPARE_DATABASE", None)
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            pinned(self.cpu, [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"),
                                  "--no-control-socket", self.app]),
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + self.probe, timeout=2):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        time.sleep(0.5)  # let the port go

    def worker_pids(self) -> list[int]:
        master = self.process.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    pids.append(int(entry.name))
        return sorted(pids)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def get(self, path: str, headers: dict | None = None, timeout: float = 120):
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def warm_workers(self, path: str) -> None:
        """Each worker builds its snapshot on its first request: send parallel
        rounds until a whole round is quick, so every worker has one."""
        for _ in range(20):
            durations: list[float] = []

            def one():
                start = time.monotonic()
                self.get(path)
                durations.append(time.monotonic() - start)

            threads = [threading.Thread(target=one) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if max(durations) < 0.5:
                return


# --------------------------------------------------------------------------- wrk

@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers, socket errors and timeouts

    @property
    def tail(self) -> float:
        return self.p99_ms / self.p50_ms if self.p50_ms else float("inf")


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


ROTATE_AS_OF = """
-- A different as_of on every request: every answer is computed, none cached.
-- Days are visited in a stride prime to the number of days, so whatever
-- number of requests a run gets through, its dates spread over the whole
-- eleven years: one day at a time, a run saw only the first year or so, where
-- a small record is nearly empty and a large one full. Round r of R only
-- visits days r, r + R, r + 2R...: a later round never asks for a date an
-- earlier one did, which the worker's response cache would answer.
local step = 0
local template = "%(template)s"
request = function()
  step = step + 1
  local day = ((step * %(stride)d) %% %(days)d) * %(rounds)d + %(round)d
  local date = os.date("!%%Y-%%m-%%d", %(first_day)d + day * 86400)
  return wrk.format(nil, (template:gsub("{date}", date)))
end
"""
ROTATION_FIRST_DAY = 1420070400  # 2015-01-01, where the synthetic record starts (Unix time)
ROTATION_DAYS = 4000
ROTATION_STRIDE = 997


def rotation_days(rounds: int) -> int:
    """How many distinct dates each of `rounds` rounds has to itself."""
    return ROTATION_DAYS // rounds


def rotate_as_of(template: str, round_: int, rounds: int) -> str:
    days = rotation_days(rounds)
    assert math.gcd(ROTATION_STRIDE, days) == 1, "the stride must visit every day"
    return ROTATE_AS_OF % {"template": template, "stride": ROTATION_STRIDE, "days": days,
                           "rounds": rounds, "round": round_, "first_day": ROTATION_FIRST_DAY}


def wrk(url: str, seconds: float, cpu: int | None, headers: dict | None = None,
        script: str | None = None, connections: int = CONNECTIONS) -> Load:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
               "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        script_path = WORK / "rotate.lua"
        script_path.write_text(script)
        command += ["-s", str(script_path)]
    return parse_wrk(subprocess.run(pinned(cpu, command + [url]), capture_output=True,
                                    text=True, check=True).stdout)


def parse_wrk(out: str) -> Load:
    """wrk's text report (with --latency) as a Load. Read errors are not
    counted: they are keep-alive connections the server closed."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += int(socket.group(1)) + int(socket.group(3)) + int(socket.group(4))
    return Load(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                p50_ms=_ms(latency["50"]), p99_ms=_ms(latency["99"]),
                requests=int(re.search(r"(\d+) requests in", out).group(1)), errors=errors)


# --------------------------------------------------------------------------- datasets

def bundled_database() -> str:
    path = WORK / "bundled.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"  # gunicorn's master migrates and seeds it


def synthetic_database(size: int) -> str:
    from bench.synthetic import GENERATOR_VERSION, generate
    from service import create_app
    from service.store import dataset_io

    path = WORK / f"synthetic-{size}-g{GENERATOR_VERSION}.db"
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    print(f"  building the {size:,}-statement dataset (kept for later runs)", flush=True)
    partial = path.with_suffix(".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    app = create_app({"DATABASE_URL": f"sqlite:///{partial}", "SEED_DATASET": False})
    engine = app.extensions["standpoint.store"].engine
    with engine.begin() as conn:
        dataset_io.import_dataset(conn, generate(size), recorded_by="synthetic benchmark data")
    with engine.connect() as conn:  # fold the WAL back so the file stands alone
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    partial.rename(path)
    return url


# --------------------------------------------------------------------------- runs

@dataclass
class Row:
    endpoint: Endpoint
    load: Load | None = None
    note: str = ""
    baseline: Load | None = None  # the baseline rounds alternated with this endpoint's


def available(server: Server, endpoint: Endpoint, values: dict) -> tuple[dict, str]:
    """Headers for loading `endpoint` ({} or If-None-Match), or why it cannot be loaded."""
    sent = dict(endpoint.headers)
    status, headers, _ = server.get(endpoint.path(values), sent)
    if status != 200:
        return {}, f"not available in this build (answers {status})"
    if not endpoint.revalidate:
        return sent, ""
    etag = headers.get("ETag")
    status, _, body = server.get(endpoint.path(values), {**sent, "If-None-Match": etag})
    if status != 304 or body:
        return {}, f"revalidation answered {status}, not an empty 304"
    return {**sent, "If-None-Match": etag}, ""


def combine(loads: list[Load]) -> Load:
    """Rounds of one measurement as one: total requests over total time, and
    the median of the rounds' percentiles."""
    return Load(rps=statistics.mean(l.rps for l in loads),
                p50_ms=statistics.median(l.p50_ms for l in loads),
                p99_ms=statistics.median(l.p99_ms for l in loads),
                requests=sum(l.requests for l in loads), errors=sum(l.errors for l in loads))


def main_run(seconds: float, rounds: int, cpus) -> tuple[list[Load], list[Row]]:
    """Standpoint and the baseline run side by side (both pinned to the
    server CPU, only one loaded at a time), and every endpoint's rounds
    alternate with rounds of the baseline: on a shared machine the ratio
    compares like with like, even when the machine's speed drifts."""
    database_url = bundled_database()
    baselines: list[Load] = []
    rows = []
    with Server("bench.baseline_app:app", database_url, cpus[0], "baseline", probe="/",
                port=PORT + 1) as baseline, \
            Server("service.wsgi:app", database_url, cpus[0], "standpoint") as server:
        wrk(baseline.base + "/", 1, cpus[1])
        server.warm_workers(ENDPOINTS[0].path(BUNDLED))
        for endpoint in ENDPOINTS:
            headers, note = available(server, endpoint, BUNDLED)
            if note:
                rows.append(Row(endpoint, note=note))
                continue
            url = server.base + endpoint.path(BUNDLED)
            wrk(url, 1, cpus[1], headers)  # fill every worker's response cache
            own, base = [], []
            for _ in range(rounds):
                base.append(wrk(baseline.base + "/", seconds, cpus[1], dict(endpoint.headers)))
                own.append(wrk(url, seconds, cpus[1], headers))
            baselines.extend(base)
            row = Row(endpoint, combine(own))
            row.baseline = combine(base)
            rows.append(row)
            print(f"  {endpoint.name}: {row.load.rps:,.0f} req/s, baseline "
                  f"{row.baseline.rps:,.0f} req/s", flush=True)
    return baselines, rows


@dataclass
class GrowthPoint:
    size: int
    hot: dict = field(default_factory=dict)    # endpoint name -> Load
    cold_rounds: dict = field(default_factory=dict)  # endpoint name -> [Load] (uncached), in order
    rss_mb: list = field(default_factory=list)  # after the load
    built_rss_mb: list = field(default_factory=list)  # snapshot built, before any load
    notes: dict = field(default_factory=dict)

    @property
    def cold(self) -> dict:
        """endpoint name -> its uncached rounds as one Load."""
        return {name: combine(loads) for name, loads in self.cold_rounds.items()}


def paired_growth(small: list[Load], large: list[Load]) -> float:
    """The median over rounds of large/small p50, each pair run back to back:
    a machine that drifts over a minute moves both sides of a pair alike."""
    return statistics.median(b.p50_ms / a.p50_ms for a, b in zip(small, large))


def growth_run(sizes, seconds: float, rounds: int, cpus) -> list[GrowthPoint]:
    """One server per size, all up at once (pinned to the server CPU, only one
    loaded at a time), and each endpoint's uncached rounds alternate between
    the sizes, as the main run alternates with the baseline. Run one size
    after another, the ratio of two medians taken minutes apart moved by up
    to 1.8x between two runs on a quiet machine."""
    from bench.synthetic import placeholders

    values = placeholders()
    points = {size: GrowthPoint(size) for size in sizes}
    with contextlib.ExitStack() as stack:
        servers = {}
        for offset, size in enumerate(sizes, start=2):  # PORT + 1 is the baseline's
            print(f"growth: serving {size:,} statements", flush=True)
            server = stack.enter_context(Server("service.wsgi:app", synthetic_database(size),
                                                cpus[0], f"standpoint-{size}", port=PORT + offset))
            server.warm_workers(ENDPOINTS[0].path(values))
            points[size].built_rss_mb = server.worker_rss_mb()
            servers[size] = server
        for endpoint in ENDPOINTS:
            path, loaded = endpoint.path(values), {}
            for size, server in servers.items():
                headers, note = available(server, endpoint, values)
                if note:
                    points[size].notes[endpoint.name] = note
                    continue
                loaded[size] = headers
                wrk(server.base + path, 1, cpus[1], headers)
                points[size].hot[endpoint.name] = wrk(server.base + path, seconds, cpus[1],
                                                      headers, connections=GROWTH_CONNECTIONS)
            if endpoint.revalidate:
                continue
            template = endpoint.template.format(**{**values, "date": "{date}"})
            cold: dict[int, list[Load]] = {size: [] for size in loaded}
            for round_ in range(rounds):
                for size, headers in loaded.items():
                    cold[size].append(wrk(servers[size].base + path, seconds, cpus[1], headers,
                                          connections=GROWTH_CONNECTIONS,
                                          script=rotate_as_of(template, round_, rounds)))
            for size, loads in cold.items():
                if max(load.requests for load in loads) > rotation_days(rounds):
                    points[size].notes[endpoint.name] = (
                        "some uncached requests repeated a date (a round outran its dates)")
                points[size].cold_rounds[endpoint.name] = loads
            print(f"  {endpoint.name}: uncached p50 " + ", ".join(
                f"{combine(loads).p50_ms:.2f} ms" for loads in cold.values()), flush=True)
        for size, server in servers.items():
            points[size].rss_mb = server.worker_rss_mb()
            print(f"  worker RSS at {size:,}: "
                  f"{', '.join(f'{m:.0f} MB' for m in points[size].rss_mb)}", flush=True)
    return list(points.values())


# --------------------------------------------------------------------------- report

def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(args, plan: str, baselines: list[Load], rows: list[Row],
           points: list[GrowthPoint], started: dt.datetime, elapsed: float) -> str:
    info = machine()
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; the run took {elapsed / 60:.1f} minutes.",
        f"- Command: `{args.command}`",
        f"- Machine: {info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, {info['system']}.",
        f"- Server: gunicorn with gunicorn.conf.py ({workers} sync workers), SQLite, loopback; {plan}.",
        f"- Load: wrk, 1 thread, {CONNECTIONS} connections, {args.rounds} rounds of "
        f"{args.duration:g} s per endpoint alternating with the baseline, after a 1 s warm-up; "
        f"growth: one server per size, all up at once; {args.growth_duration:g} s runs at "
        f"{GROWTH_CONNECTIONS} connections, one hot run per size and {args.growth_rounds} "
        "uncached rounds per size alternating between the sizes (the median of their p50s; "
        "growth is the median of the rounds' largest/smallest ratios). "
        "Requests send `Accept-Encoding: gzip, deflate, br` (as browsers and Python's requests "
        "do; the baseline gets it too) unless marked uncompressed.",
    ]
    if args.note:
        lines.append(f"- Note: {args.note}")
    lines.append("- What the read path does and what the profiles showed: "
                 "[PERFORMANCE.md](PERFORMANCE.md).")
    if baselines:
        base = statistics.mean(b.rps for b in baselines)
        lines += [
            "",
            "## Read endpoints against the baseline (bundled dataset)",
            "",
            "Baseline: a bare Flask app returning a small fixed JSON document under the same "
            "gunicorn configuration, run beside Standpoint; each endpoint's rounds alternate "
            "with rounds of the baseline and its ratio is to those rounds (so a machine that "
            f"slows down for a while slows both). Baseline over the whole run: {base:,.0f} req/s "
            f"(rounds from {min(b.rps for b in baselines):,.0f} to "
            f"{max(b.rps for b in baselines):,.0f}), p50 "
            f"{statistics.median(b.p50_ms for b in baselines):.2f} ms, p99 "
            f"{statistics.median(b.p99_ms for b in baselines):.2f} ms.",
            "",
            f"Targets: requests/s at least {TARGET_RATIO:.0%} of the baseline "
            f"({TARGET_RATIO_304:.0%} for the 304 path); p99 at most {TARGET_TAIL:g}x p50.",
            "",
            "| endpoint | req/s | p50 ms | p99 ms | baseline req/s (paired) | vs baseline | errors | throughput target | p99 <= 3x p50 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for row in rows:
            if row.load is None:
                lines.append(f"| {row.endpoint.name} | | | | | | | {row.note} | |")
                continue
            load = row.load
            ratio = load.rps / row.baseline.rps
            goal = TARGET_RATIO_304 if row.endpoint.revalidate else TARGET_RATIO
            lines.append(
                f"| {row.endpoint.name} | {load.rps:,.0f} | {load.p50_ms:.2f} | {load.p99_ms:.2f} "
                f"| {row.baseline.rps:,.0f} | {ratio:.0%} | {load.errors} | {met(ratio >= goal and not load.errors)} "
                f"| {met(load.tail <= TARGET_TAIL)} ({load.tail:.1f}x) |")
    if points:
        first, last = points[0], points[-1]
        lines += [
            "",
            "## Growth (synthetic datasets: 50 actors, 20 topics, statements over eleven years)",
            "",
            "Median (p50) latency at each size, hot (the same URL again and again, answered "
            "from each worker's response cache) and uncached (wrk changes `as_of` on every "
            "request, so every answer is computed from the in-memory snapshot). Target: the "
            f"median grows at most {TARGET_GROWTH:g}x from the smallest to the largest size.",
            "",
            "| endpoint | " + " | ".join(f"{p.size:,} hot / uncached ms" for p in points)
            + f" | growth hot / uncached | target |",
            "| --- | " + " | ".join("---:" for _ in points) + " | ---: | --- |",
        ]
        for endpoint in ENDPOINTS:
            if endpoint.name not in first.hot or endpoint.name not in last.hot:
                note = first.notes.get(endpoint.name) or last.notes.get(endpoint.name, "")
                lines.append(f"| {endpoint.name} | " + " | ".join("" for _ in points)
                             + f" | | {note} |")
                continue
            cells, growths = [], []
            for p in points:
                hot = p.hot.get(endpoint.name)
                cold = p.cold.get(endpoint.name)
                cells.append(f"{hot.p50_ms:.2f} / {cold.p50_ms:.2f}" if cold else f"{hot.p50_ms:.2f} / -")
            growths.append(last.hot[endpoint.name].p50_ms / first.hot[endpoint.name].p50_ms)
            growth = f"{growths[0]:.2f}x"
            if endpoint.name in first.cold and endpoint.name in last.cold:
                growths.append(paired_growth(first.cold_rounds[endpoint.name],
                                             last.cold_rounds[endpoint.name]))
                growth += f" / {growths[1]:.2f}x"
            caveats = "; ".join(f"{p.size:,}: {p.notes[endpoint.name]}" for p in points
                                if endpoint.name in p.notes)
            lines.append(f"| {endpoint.name} | " + " | ".join(cells)
                         + f" | {growth} | {met(all(g <= TARGET_GROWTH for g in growths))}"
                         + (f" ({caveats})" if caveats else "") + " |")
        lines += [
            "",
            f"Worker memory (VmRSS of each gunicorn worker once its snapshot is built, and "
            f"after the load, which adds the response cache and what requests leave in the "
            f"heap). Target: under {TARGET_RSS_MB} MB per worker after the load.",
            "",
            "| statements | worker RSS MB, snapshot built | worker RSS MB, after the load | target |",
            "| ---: | --- | --- | --- |",
        ]
        for p in points:
            lines.append(f"| {p.size:,} | {', '.join(f'{m:.0f}' for m in p.built_rss_mb)} "
                         f"| {', '.join(f'{m:.0f}' for m in p.rss_mb)} "
                         f"| {met(bool(p.rss_mb) and max(p.rss_mb) < TARGET_RSS_MB)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per endpoint")
    parser.add_argument("--growth-duration", type=float, default=1,
                        help="seconds per growth run")
    parser.add_argument("--growth-rounds", type=int, default=4,
                        help="uncached rounds per endpoint and size, alternating sizes")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--skip-main", action="store_true")
    parser.add_argument("--quick", action="store_true", help="2 s runs, sizes 1k and 10k")
    parser.add_argument("--note", default=os.environ.get("BENCH_NOTE", ""),
                        help="a sentence for the report, e.g. that the machine was shared")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.rounds, args.growth_duration, args.sizes = 1, 2, 1, [1_000, 10_000]
        args.growth_rounds = 1
    args.command = "make bench" if argv is None and len(sys.argv) == 1 else \
        "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv)
    ensure_wrk()
    WORK.mkdir(parents=True, exist_ok=True)
    server_cpu, wrk_cpu, plan = cpu_plan()
    cpus = (server_cpu, wrk_cpu)
    print(f"bench: {plan}", flush=True)
    started, clock = dt.datetime.now(dt.timezone.utc), time.monotonic()
    baselines, rows = ([], []) if args.skip_main else main_run(args.duration, args.rounds, cpus)
    points = growth_run(args.sizes, args.growth_duration, args.growth_rounds, cpus) \
        if args.sizes else []
    text = report(args, plan, baselines, rows, points, started, time.monotonic() - clock)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
