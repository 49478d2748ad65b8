"""Webhook receivers on loopback, in threads: a well-behaved one that records
every request it gets and fails the first `fail_first` of them with a 500, and
hostile ones that answer as they like, slowly or not at all."""

from __future__ import annotations

import contextlib
import select
import socketserver
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..servers.server import free_port


@dataclass
class Received:
    at: float  # time.monotonic()
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    url: str
    fail_first: int = 0
    calls: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self) -> set[str]:
        with self.lock:
            return {c.headers["webhook-id"] for c in self.calls if c.status < 300}

    def wait_for(self, predicate, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return True
            time.sleep(0.02)
        return False


@contextlib.contextmanager
def receiver(fail_first: int = 0):
    port = free_port()
    state = Receiver(f"http://127.0.0.1:{port}/hooks", fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                status = 500 if len(state.calls) < state.fail_first else 204
                state.calls.append(Received(time.monotonic(),
                                            {k.lower(): v for k, v in self.headers.items()},
                                            body, status))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Connection:
    """One request a hostile receiver took: when, and when the worker let go."""
    accepted_at: float
    closed_at: float | None = None  # the worker closed the connection
    sent: int = 0  # bytes of answer written before that


def _read_request(sock) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += sock.recv(65536)


def _closed_by_peer(sock, wait: float) -> bool:
    try:
        readable, _, _ = select.select([sock], [], [], wait)
        return bool(readable) and sock.recv(65536) == b""
    except OSError:  # reset
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def hostile_receiver(answer):
    """A receiver on loopback that reads each request whole, then answers with
    `answer(send, closed)` for as long as it likes: `send(bytes)` writes, and
    `closed(wait)` waits up to `wait` s, True once the worker hung up."""
    connections: list[Connection] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            record = Connection(time.monotonic())
            connections.append(record)
            sock = self.request
            _read_request(sock)

            def send(data: bytes) -> None:
                sock.sendall(data)
                record.sent += len(data)

            def closed(wait: float) -> bool:
                return _closed_by_peer(sock, wait)

            try:
                answer(send, closed)
            except OSError:  # the worker hung up while we wrote
                pass
            deadline = time.monotonic() + 60
            while not closed(0.05) and time.monotonic() < deadline:
                pass
            record.closed_at = time.monotonic()

    port = free_port()
    server = _Server(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/hooks", connections
    finally:
        server.shutdown()
        server.server_close()


def silent(send, closed):
    """A hostile answer: takes the request, then says nothing for 30 s."""
    closed(30)


def trickling(head: bytes, interval: float, count: int):
    """A hostile answer: `head` at once, then one byte every `interval` s, `count` times."""
    def answer(send, closed):
        send(head)
        for _ in range(count):
            if closed(interval):
                return
            send(b"X")
    return answer
