"""Goal 5 of `make bench`: PNG renders never stall other requests.

Eight clients (wrk, 8 connections) loop PNG renders of the bundled record's charts
(spectrum and steps, every topic and actor), each request with a `title=` no other
request used, so no cache can answer for the app. Meanwhile two probes, one request every
100 ms each, ask `/healthz` and an uncached `/v1/matrix` (a date and an actor order no
other request used). The same probes run first with no load, in the same run, for the
idle baseline. Goals: `/healthz` p99 under load below 100 ms, and `/v1/matrix` p99 under
load at most twice its idle p99.

Both shipped shapes, one after the other: compose's (nginx with deploy/standpoint-proxy.conf
in front of gunicorn.conf.py) and the image's (gunicorn.conf.py alone, as `make run`).
Servers run on the servers' CPU; wrk and the probes on the other one (bench/run.py, "CPUs").

    python -m bench.run --only renders
    GUNICORN_WORKER_CLASS=gthread GUNICORN_CMD_ARGS="--threads 8" \
        python -m bench.run --only renders --output /tmp/gthread.md   # another worker class
    STANDPOINT_RENDER_PROCESSES=0 python -m bench.run --only renders ...  # renders in the worker
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

GOAL_HEALTHZ_P99_MS = 100.0
GOAL_MATRIX_RATIO = 2.0
RENDER_CONNECTIONS = 8
PROBE_INTERVAL = 0.1
MATRIX_DAYS = 600  # dates counted back from today: after the bundled record's last statement


@dataclass
class Probe:
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def percentile(self, q: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


@dataclass
class Phase:
    healthz: Probe
    matrix: Probe
    renders: object | None = None  # bench.run.Load of the PNG clients


@dataclass
class Target:
    name: str
    idle: Phase | None = None
    loaded: Phase | None = None
    note: str = ""

    @property
    def healthz_p99(self) -> float | None:
        return self.loaded.healthz.percentile(0.99) if self.loaded else None

    @property
    def matrix_ratio(self) -> float | None:
        if not (self.idle and self.loaded):
            return None
        idle, loaded = self.idle.matrix.percentile(0.99), self.loaded.matrix.percentile(0.99)
        return loaded / idle if idle and loaded else None


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")


def _probe(urls, probe: Probe, stop: threading.Event, cpu: int | None) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})  # this thread only: off the servers' CPU
    for url in urls:
        started = time.monotonic()
        try:
            _get(url)
            probe.latencies_ms.append((time.monotonic() - started) * 1000)
        except Exception as error:  # a timeout or an error answer is what this measures
            probe.failures.append(repr(error))
        if stop.wait(max(0.0, PROBE_INTERVAL - (time.monotonic() - started))):
            return


class Urls:
    """The paths of one run: never the same URL twice, so nginx's cache answers none."""

    def __init__(self, base: str, actors: list[str], topics: list[str], token: str):
        self.base, self.actors, self.topics, self.token = base, actors, topics, token
        self.matrix_count = 0

    def matrix(self):
        today = dt.date.today()
        while True:
            n = self.matrix_count
            self.matrix_count += 1
            day = today - dt.timedelta(days=n % MATRIX_DAYS)
            turn = (n // MATRIX_DAYS) % len(self.actors)
            order = ",".join(self.actors[turn:] + self.actors[:turn])
            yield f"{self.base}/v1/matrix?as_of={day.isoformat()}&actors={order}"

    def healthz(self):
        while True:
            yield f"{self.base}/healthz"

    def renders(self, count: int) -> list[str]:
        charts = [f"/embed/topics/{t}/spectrum.png?" for t in self.topics]
        charts += [f"/embed/actors/{a}/steps.png?topic={t}&" for a in self.actors
                   for t in self.topics]
        return [f"{charts[n % len(charts)]}title=Bench+{self.token}+{n}" for n in range(count)]


def phase(urls: Urls, seconds: float, cpu: int | None, wrk=None) -> Phase:
    result = Phase(Probe(), Probe())
    stop = threading.Event()
    probes = [threading.Thread(target=_probe, args=(generator, probe, stop, cpu))
              for generator, probe in ((urls.healthz(), result.healthz),
                                       (urls.matrix(), result.matrix))]
    for thread in probes:
        thread.start()
    if wrk is None:
        time.sleep(seconds)
    else:
        # 8 closed-loop clients; far more distinct URLs than they can ask for in the time.
        result.renders = wrk(urls.base, urls.renders(20_000), seconds, RENDER_CONNECTIONS)
    stop.set()
    for thread in probes:
        thread.join()
    return result


def measure(args, wrk, cpus, work: Path) -> list[Target]:
    from bench.nginx import binary, nginx
    from bench.run import fetch, gunicorn, port_of
    from tests.servers.server import free_port

    database = work / "renders.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # the master seeds it afresh
    token = f"{time.time():.0f}"
    targets = [Target("compose (nginx in front)"), Target("image (gunicorn alone)")]
    print("5. renders beside requests: 8 PNG clients, /healthz and /v1/matrix probed", flush=True)
    with gunicorn(f"sqlite:///{database}") as app:
        ids = {kind: [item["id"] for item in json.loads(fetch(f"{app.url}/v1/{kind}")[2])["items"]]
               for kind in ("actors", "topics")}
        fetch(app.url + "/embed/topics/backstop/spectrum.png?title=warm")  # start the pools
        fetch(app.url + "/embed/topics/backstop/spectrum.png?title=warm2")
        if binary() is None:
            targets[0].note = "nginx is not installed"
        for target in targets:
            if target.note:
                continue
            with contextlib.ExitStack() as stack:
                base = app.url
                if target is targets[0]:
                    base = stack.enter_context(
                        nginx(port_of(app.url), free_port(), work / "nginx-renders")).url
                urls = Urls(base, ids["actors"], ids["topics"], f"{token}{target.name[:1]}")
                target.idle = phase(urls, args.render_seconds, cpus.load)
                target.loaded = phase(urls, args.render_seconds, cpus.load, wrk)
            print(f"  {target.name}: /healthz p99 {_ms(target.idle.healthz.percentile(0.99))} "
                  f"idle, {_ms(target.healthz_p99)} under load; /v1/matrix p99 "
                  f"{_ms(target.idle.matrix.percentile(0.99))} idle, "
                  f"{_ms(target.loaded.matrix.percentile(0.99))} under load; "
                  f"{target.loaded.renders.rps:.1f} PNG/s", flush=True)
    return targets


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} ms"


def summary_rows(targets: list[Target], met) -> list[str]:
    rows = []
    for target in targets:
        if target.note:
            rows.append(f"| 5. renders beside requests, {target.name} | | {target.note} | "
                        f"{met(None)} |")
            continue
        rows.append(
            f"| 5. /healthz p99 while 8 clients render PNGs, {target.name} | "
            f"< {GOAL_HEALTHZ_P99_MS:g} ms | {_ms(target.healthz_p99)} | "
            f"{met(None if target.healthz_p99 is None else target.healthz_p99 < GOAL_HEALTHZ_P99_MS)} |")
        ratio = target.matrix_ratio
        rows.append(
            f"| 5. /v1/matrix p99 under that load / idle, {target.name} | "
            f"<= {GOAL_MATRIX_RATIO:g}x | " + ("n/a" if ratio is None else f"{ratio:.2f}x")
            + f" | {met(None if ratio is None else ratio <= GOAL_MATRIX_RATIO)} |")
    return rows


def section(targets: list[Target], args, met) -> list[str]:
    lines = [
        "",
        "## 5. Renders beside requests",
        "",
        f"gunicorn.conf.py as shipped (its worker class, `STANDPOINT_RENDER_PROCESSES` render "
        f"process(es) per worker), bundled dataset. {RENDER_CONNECTIONS} wrk connections loop "
        f"PNG renders (spectrum and steps charts, each with a `title=` used once) for "
        f"{args.render_seconds:g} s; one probe asks `/healthz` and another an uncached "
        f"`/v1/matrix` (a date and actor order used once) every {PROBE_INTERVAL * 1000:.0f} ms. "
        f"The idle row is the same probes for {args.render_seconds:g} s just before, with no "
        "load. Latencies are the probes' own (connection included).",
        "",
        "| shape | probe | idle p50 / p99 ms | under load p50 / p99 ms | probes (idle, load) "
        "| failures | load / idle p99 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target in targets:
        if target.note:
            lines.append(f"| {target.name} | {target.note} | | | | | |")
            continue
        for name in ("healthz", "matrix"):
            idle, loaded = getattr(target.idle, name), getattr(target.loaded, name)
            ratio = (loaded.percentile(0.99) / idle.percentile(0.99)
                     if idle.percentile(0.99) and loaded.percentile(0.99) else None)
            lines.append(
                f"| {target.name} | `{'/healthz' if name == 'healthz' else '/v1/matrix'}` | "
                f"{_num(idle.percentile(0.5))} / {_num(idle.percentile(0.99))} | "
                f"{_num(loaded.percentile(0.5))} / {_num(loaded.percentile(0.99))} | "
                f"{len(idle.latencies_ms)}, {len(loaded.latencies_ms)} | "
                f"{len(idle.failures) + len(loaded.failures)} | "
                + ("n/a" if ratio is None else f"{ratio:.2f}x") + " |")
    lines += ["", "The PNG clients, under load (errors: non-2xx answers and waits over wrk's "
              "10 s timeout; renders queue behind the requests by design):", "",
              "| shape | PNG/s | p50 / p99 ms | errors |", "| --- | ---: | ---: | ---: |"]
    for target in targets:
        if target.loaded and target.loaded.renders:
            load = target.loaded.renders
            lines.append(f"| {target.name} | {load.rps:.1f} | {load.p50_ms:.0f} / "
                         f"{load.p99_ms:.0f} | {load.errors} |")
    return lines


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"
