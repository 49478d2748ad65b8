"""What a statement write costs once a webhook subscription exists, in a cell
with a long history: events read that cell's trail from the write's date on,
not the whole history (docs/WEBHOOKS.md, "Events are steps of a history").

Fills one cell (Germany on the backstop) with `--history` statements, then
times `--writes` new statements there: with no subscription, with one, and
with one reading whole histories as before (`_trails` without `since`).

    python -m bench.webhook_writes                     # SQLite in a temporary folder
    python -m bench.webhook_writes --database postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from unittest import mock

from service import create_app
from service.store import dataset_io, outbox, subscriptions
from service.store import write as w
from service.store.engine import write_transaction

STANCES = ("leans_against", "rules_out")
FIRST_DAY = dt.date(2020, 1, 1)


def statement(n: int) -> dict:
    day = (FIRST_DAY + dt.timedelta(days=n)).isoformat()
    return {"id": f"bench-germany-backstop-{n:05}", "actor": "germany", "topic": "backstop",
            "stance": STANCES[n % 2], "conditions": [], "summary": "A swing.", "quote": "Maybe.",
            "quote_kind": "verbatim", "speaker": None, "stated_on": day,
            "date_precision": "day", "status": "current",
            "source": {"publisher": "Bench wire", "published_on": day, "title": None,
                       "byline": None, "url": None, "location": None}}


def per_write(engine, first: int, writes: int) -> list[float]:
    """Milliseconds of each of `writes` statements appended to the cell."""
    times = []
    for n in range(first, first + writes):
        data = {key: value for key, value in statement(n).items() if key != "status"}
        start = time.perf_counter()
        with write_transaction(engine) as conn:
            w.create_statement(conn, data, "bench")
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a SQLAlchemy URL (wiped); default: SQLite in a temp dir")
    parser.add_argument("--history", type=int, default=1600)
    parser.add_argument("--writes", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/bench.db"
        app = create_app({"DATABASE_URL": url, "SEED_DATASET": False})
        engine = app.extensions["standpoint.engine"]
        data = dataset_io.load_bundled()
        data["statements"] += [statement(n) for n in range(args.history)]
        with write_transaction(engine) as conn:
            dataset_io.import_dataset(conn, dataset_io.parse_dataset(data), "bench")
        next_n = args.history
        results = {}
        results["no subscription"] = per_write(engine, next_n, args.writes)
        next_n += args.writes
        with write_transaction(engine) as conn:
            subscriptions.create(conn, {"url": "https://newsroom.example/hook"}, "bench")
        results["subscription"] = per_write(engine, next_n, args.writes)
        next_n += args.writes
        whole = outbox._trails
        with mock.patch.object(outbox, "_trails", lambda conn, cells, since=None: whole(conn, cells)):
            results["subscription, whole history"] = per_write(engine, next_n, args.writes)
    print(f"{engine.dialect.name}, a cell of {args.history} statements, {args.writes} writes each:")
    base = statistics.median(results["no subscription"])
    for name, times in results.items():
        median = statistics.median(times)
        print(f"  {name:30} median {median:7.2f} ms  p90 {statistics.quantiles(times, n=10)[-1]:7.2f} ms"
              f"  {median / base:5.1f}x no subscription")


if __name__ == "__main__":
    main()
