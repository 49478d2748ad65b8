"""Profile the read path in-process with pyinstrument (in the `dev` extra).

Sends the same GET many times straight to the WSGI app (no network, no
gunicorn, no test client: environs are built before the clock starts) and
prints the CPU per request and where the time goes, so a change's effect can
be seen without the noise of a load test. `make bench` (bench/run.py) says
whether a goal is met; this says where the time goes when it is not.

    python -m bench.profile                                   # bundled data
    python -m bench.profile --database sqlite:///instance/bench/synthetic_100000_g1.db \\
        --path '/v1/positions?as_of={date}&actors=actor-01,actor-02'
    python -m bench.profile --uncached                        # a new as_of each time
    python -m bench.profile --if-none-match                   # the 304 path
    python -m bench.profile --baseline                        # the bare Flask app, for scale

(The synthetic databases are made by `make bench`; the PostgreSQL ones are
schemas of the `bench` database: postgresql+psycopg://postgres@127.0.0.1/bench?options=-csearch_path%3Dsynthetic_100000_g1.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import tempfile
import time

from werkzeug.test import EnvironBuilder


def _start_response(status, headers, exc_info=None):
    return None


def call(app, environ: dict) -> int:
    """One request through the whole WSGI stack, body read and closed."""
    body = app(dict(environ), _start_response)
    size = sum(len(chunk) for chunk in body)
    if hasattr(body, "close"):
        body.close()
    return size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite with the bundled data)")
    parser.add_argument("--path", default="/v1/positions?as_of={date}&actors=uk,france,russia,us,ukraine,germany")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--uncached", action="store_true", help="a different as_of on every request")
    parser.add_argument("--if-none-match", action="store_true", help="revalidate with the ETag")
    parser.add_argument("--baseline", action="store_true", help="profile bench/baseline_app.py instead")
    args = parser.parse_args()

    from pyinstrument import Profiler

    if args.baseline:
        from bench.baseline_app import app
        args.path, args.uncached, args.if_none_match = "/", False, False
    else:
        from service import create_app

        url = args.database or f"sqlite:///{tempfile.mkdtemp()}/profile.db"
        # Limits far above this loop, as in the load benchmark: counted, never refused.
        app = create_app({"DATABASE_URL": url, "RATE_LIMIT_PER_IP": "1000000000 per minute"})
        # The access log is part of the cost, but its lines are not wanted on the terminal.
        for handler in logging.getLogger("standpoint.access").handlers:
            handler.setStream(io.StringIO())

    def environ(i: int, headers: dict) -> dict:
        day = dt.date(2025, 3, 20) - dt.timedelta(days=i if args.uncached else 0)
        path = args.path.format(date=day.isoformat())
        return EnvironBuilder(path=path, headers={"Accept-Encoding": "gzip, deflate, br", **headers},
                              environ_base={"REMOTE_ADDR": "192.0.2.1"}).get_environ()

    client = app.test_client()
    first = client.get(args.path.format(date="2025-03-20"), headers={"Accept-Encoding": "gzip, deflate, br"})
    assert first.status_code == 200, first.data[:300]
    headers = {"If-None-Match": first.headers["ETag"]} if args.if_none_match else {}
    if args.uncached:
        print("uncached: a new as_of on every request")
    for i in range(50):  # warm: connections, caches, imports
        call(app, environ(0, headers))
    timed = [environ(i + 1, headers) for i in range(args.requests)]
    start = time.process_time()
    for env in timed:
        call(app, env)
    cpu = time.process_time() - start
    print(f"{args.requests} requests: {cpu / args.requests * 1e6:.1f} us of CPU each (unprofiled)")
    profiled = [environ(args.requests + i + 1, headers) for i in range(args.requests)]
    profiler = Profiler(interval=0.0002)
    with profiler:
        for env in profiled:
            call(app, env)
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
