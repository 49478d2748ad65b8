"""Slow clients cost nothing: 50 sockets that dribble their headers for 20 seconds
(slowloris, on loopback only) while a prober asks /healthz five times a second.

Two shipped configurations, attacked at the same time:
- the Docker image's: gunicorn.conf.py alone, as `make run` and the image start it;
- compose's: the same gunicorn behind nginx with deploy/standpoint-proxy.conf.
Every probe must be answered 200, and the 99th percentile under a second, on both.
(STANDPOINT_SLOW_CLIENT_SECONDS shortens or lengthens the attack.)"""

from __future__ import annotations

import os
import socket
import threading
import time
import urllib.request

import pytest

from bench.nginx import MISSING, binary, nginx

from .server import free_port, live_server

pytestmark = pytest.mark.slow
SLOW_SOCKETS = 50
ATTACK_SECONDS = float(os.environ.get("STANDPOINT_SLOW_CLIENT_SECONDS", "20"))


def slowloris(port: int, stop: threading.Event) -> int:
    """Keep SLOW_SOCKETS connections open, each sending an unfinished request one
    header line every half second, until `stop`; a socket the server closes is
    opened again at once, as a real attacker would. Returns the reconnections."""

    def connect(n: int) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(f"GET /healthz?slow={n} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        return sock

    sockets = [connect(n) for n in range(SLOW_SOCKETS)]
    line = reconnections = 0
    while not stop.wait(0.5):
        line += 1
        for n, sock in enumerate(sockets):
            try:
                sock.sendall(f"X-Slow-{line}: {'a' * 8}\r\n".encode())
            except OSError:  # the server gave up on this one: it may
                sock.close()
                sockets[n] = connect(n)
                reconnections += 1
    for sock in sockets:
        sock.close()
    return reconnections


def probe(url: str, stop: threading.Event, latencies: list, failures: list) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
                assert response.status == 200
            latencies.append(time.monotonic() - started)
        except Exception as error:  # a timeout or a refusal is what this test is about
            failures.append(repr(error))
        stop.wait(0.2)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@pytest.mark.skipif(binary() is None, reason=MISSING)
def test_fifty_slow_clients_do_not_stall_healthz(tmp_path):
    for part in ("image", "compose"):
        (tmp_path / part).mkdir()
    with live_server(tmp_path / "image", workers=2) as image, \
            live_server(tmp_path / "compose", workers=2) as upstream, \
            nginx(int(upstream.url.rsplit(":", 1)[1]), free_port(), tmp_path / "nginx") as front:
        targets = {"Docker image (gunicorn.conf.py)": image.url, "compose (nginx in front)": front.url}
        stop = threading.Event()
        latencies = {name: [] for name in targets}
        failures = {name: [] for name in targets}
        reconnections = {}
        attackers = [threading.Thread(target=lambda n=name, u=url: reconnections.__setitem__(
            n, slowloris(int(u.rsplit(":", 1)[1]), stop))) for name, url in targets.items()]
        probers = [threading.Thread(target=probe, args=(url, stop, latencies[name], failures[name]))
                   for name, url in targets.items()]
        for thread in attackers:
            thread.start()
        time.sleep(1)  # every slow socket connected and sending before the first probe
        for thread in probers:
            thread.start()
        time.sleep(ATTACK_SECONDS)
        stop.set()
        for thread in attackers + probers:
            thread.join(timeout=30)
    for name in targets:
        print(f"{name}: {len(latencies[name])} probes answered, p99 {p99(latencies[name]):.3f} s, "
              f"max {max(latencies[name]):.3f} s; the server closed {reconnections[name]} slow "
              "sockets, each opened again at once")
    for name in targets:
        assert failures[name] == [], (name, failures[name][:3])
        assert len(latencies[name]) >= ATTACK_SECONDS * 3, name  # the prober was not starved
        assert p99(latencies[name]) < 1.0, (name, sorted(latencies[name])[-5:])
