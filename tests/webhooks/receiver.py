"""A webhook receiver on loopback, in a thread: records every request it gets
and fails the first `fail_first` of them with a 500."""

from __future__ import annotations

import contextlib
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
