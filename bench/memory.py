"""Where a worker's memory goes: the snapshot's parts and the RSS at each stage.

    python -m bench.memory                                         # the 100k benchmark database
    python -m bench.memory --database sqlite:///instance/bench/synthetic-1000-g1.db

Builds the app and its snapshot in this process (no gunicorn, no load) and
prints VmRSS and CPython's allocator arenas after the import, after the
snapshot, and the sizes of what the snapshot holds. The numbers in
docs/PERFORMANCE.md ("Memory") came from it; the worker figures under load
are `make bench`'s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

MB = 2 ** 20


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def allocator_arenas() -> int:
    """CPython's pymalloc arenas in use (1 MiB each), from sys._debugmallocstats."""
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        for line in out:
            if "arenas allocated current" in line:
                return int(line.split("=")[1])
    return -1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: the 100k one)")
    args = parser.parse_args(argv)
    if args.database is None:
        from bench.run import synthetic_database
        args.database = synthetic_database(100_000)

    from service import create_app

    app = create_app({"DATABASE_URL": args.database, "SEED_DATASET": False})
    print(f"app imported:   {rss_mb():6.0f} MB RSS, {allocator_arenas()} arenas")
    dataset = app.extensions["standpoint.store"].snapshot()
    print(f"snapshot built: {rss_mb():6.0f} MB RSS, {allocator_arenas()} arenas")

    print(f"\n{len(dataset._table):,} rows ({len(dataset.statements):,} current):")
    for label, size in snapshot_parts(dataset):
        print(f"  {label:<45} {size / MB:6.1f} MB")


def snapshot_parts(dataset) -> list[tuple[str, int]]:
    """What the snapshot's data takes, in bytes, part by part, then the total.
    A diagnostic: it reads the snapshot's internals directly."""
    from service.domain.statement_table import HEADER

    table = dataset._table
    rows = len(table)
    arenas = sum(len(arena) for arena in table._arenas)
    text = sum(sum(table.header(row)[-3:]) for row in range(rows))
    headers = HEADER.size * rows
    locations = sum(a.itemsize * len(a) for a in (table._where, table._ordinal))
    indexes = sum(a.itemsize * len(a) for a in (
        dataset._chronological, dataset.statements.by_id, dataset._topic_of, dataset._status_of))
    indexes += sum(a.itemsize * len(a) for index in (
        dataset._by_actor, dataset._by_topic, dataset._trail, dataset._trail_days)
        for a in index.values())
    return [
        (f"record headers ({HEADER.size} B each)", headers),
        ("id, summary and quote (UTF-8)", text),
        (f"{len(table._articles.where):,} articles, {len(table._conditions.where):,} condition lists",
         arenas - headers - text),
        ("row locations and dates", locations),
        ("indexes", indexes),
        ("total", arenas + locations + indexes),
    ]

if __name__ == "__main__":
    main()
