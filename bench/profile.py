"""Profile the read path in-process with pyinstrument (`pip install pyinstrument`).

Sends the same GET many times through the WSGI app (no network, no gunicorn)
and prints where the time goes, so a change's effect can be seen without the
noise of a load test.

    python -m bench.profile                                   # bundled data
    python -m bench.profile --database sqlite:///instance/bench/synthetic-100000-g1.db \\
        --path '/v1/positions?as_of=2024-06-30&actors=actor-01,actor-02'
    python -m bench.profile --uncached                        # a new as_of each time
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite with the bundled data)")
    parser.add_argument("--path", default="/v1/positions?as_of={date}&actors=uk,france,russia,us,ukraine,germany")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--uncached", action="store_true", help="a different as_of on every request")
    parser.add_argument("--if-none-match", action="store_true", help="revalidate with the ETag")
    args = parser.parse_args()

    from pyinstrument import Profiler

    from service import create_app

    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/profile.db"
    app = create_app({"DATABASE_URL": url})
    client = app.test_client()

    def path(i: int) -> str:
        day = dt.date(2025, 3, 20) - dt.timedelta(days=i if args.uncached else 0)
        return args.path.format(date=day.isoformat())

    first = client.get(path(0))
    assert first.status_code == 200, first.data[:300]
    if args.uncached:
        print("uncached: a new as_of on every request")
    headers = {"If-None-Match": first.headers["ETag"]} if args.if_none_match else {}
    for i in range(50):  # warm: snapshot and caches
        client.get(path(0), headers=headers)
    start = time.process_time()
    for i in range(args.requests):
        client.get(path(i + 1), headers=headers)
    cpu = time.process_time() - start
    print(f"{args.requests} requests: {cpu / args.requests * 1e6:.0f} us of CPU each (unprofiled)")
    profiler = Profiler(interval=0.001)
    with profiler:
        for i in range(args.requests):
            client.get(path(args.requests + i + 1), headers=headers)
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
