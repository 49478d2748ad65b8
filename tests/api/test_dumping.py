"""The hand-written dumps (service/api/dumping.py) write exactly what marshmallow
writes: every answer is compared byte for byte with the one marshmallow's own
`dump` gives, on the bundled data and on a synthetic record with every kind of
statement (no speaker, no role, conditions, unclear, retracted, sparse sources)."""

from __future__ import annotations

import datetime as dt
import random

from bench.synthetic import generate
from service import create_app
from service.api import dumping
from service.store import dataset_io


def answers(app, paths: list[str]) -> dict[str, tuple[int, bytes]]:
    client = app.test_client()
    return {path: (r.status_code, r.get_data()) for path in paths for r in [client.get(path)]}


def same_with_and_without(app, paths: list[str], monkeypatch) -> None:
    app.config["RESPONSE_CACHE_BYTES"] = 0
    app.extensions["standpoint.http_cache"].responses.max_bytes = 0  # every answer computed
    fast = answers(app, paths)
    monkeypatch.setattr(dumping, "ENABLED", False)
    reference = answers(app, paths)
    assert [p for p in paths if fast[p] != reference[p]] == []
    assert all(status == 200 for status, _ in fast.values())


def read_paths(six: str, actor: str, topic: str, start: str, dates: list[str]) -> list[str]:
    other = six.split(",")[1]
    paths = []
    for day in dates:
        paths += [f"/v1/positions?as_of={day}&actors={six}", f"/v1/positions?as_of={day}",
                  f"/v1/actors/{actor}/positions?as_of={day}", f"/v1/matrix?as_of={day}",
                  f"/v1/compare?actors={six}&as_of={day}",
                  f"/v1/actors/{actor}/changes?from={start}&to={day}",
                  f"/v1/actors/{actor}/changes?from={start}&to={day}&trail_limit=1",
                  f"/v1/actors/{actor}/changes?from={start}&to={day}&trail_limit=0",
                  f"/v1/diff?left={actor}@{start}&right={other}@{day}",
                  f"/v1/topics/{topic}/timeline?to={day}",
                  f"/v1/statements?to={day}&per_page=100&include_retracted=true",
                  f"/v1/statements?actor={actor}&to={day}"]
    return paths


def test_bundled_answers_are_marshmallows(app, monkeypatch):
    dates = ["2025-02-01", "2025-03-11", "2025-03-20", "2025-06-01"]
    paths = read_paths("uk,france,russia,us,ukraine,germany", "uk", "backstop", "2025-01-01", dates)
    with app.app_context():
        ids = list(app.extensions["standpoint.store"].snapshot().statements)
    paths += [f"/v1/statements/{i}" for i in ids]
    same_with_and_without(app, paths, monkeypatch)


def varied(n: int) -> dict:
    """A synthetic record where statements lack a speaker, a role or parts of
    their source, carry several conditions, are unclear or retracted."""
    document = generate(n, seed=11)
    rng = random.Random(5)
    for statement in document["statements"]:
        roll = rng.random()
        if roll < 0.1:
            statement["speaker"] = None
        elif roll < 0.2:
            statement["speaker"] = {"name": "Someone", "role": None}
        source = statement["source"]
        if rng.random() < 0.2:
            source.update(title=None, url=None, location=None)
        if rng.random() < 0.2:
            source["byline"] = "A. Reporter"
        if rng.random() < 0.1:
            statement["conditions"] = ["First condition.", "Second; with a semicolon."]
        if rng.random() < 0.1:
            statement["stance"] = "unclear"
        if rng.random() < 0.05:
            statement["status"] = "retracted"
    return document


def test_synthetic_answers_are_marshmallows(tmp_path, monkeypatch):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'varied.db'}", "SEED_DATASET": False,
                      "TESTING": True})
    engine = app.extensions["standpoint.store"].engine
    with engine.begin() as conn:
        dataset_io.import_dataset(conn, varied(1500), recorded_by="test")
    try:
        days = [dt.date(2015, 1, 1) + dt.timedelta(days=d) for d in (0, 30, 400, 2000, 4014)]
        six = ",".join(f"actor-{i:02d}" for i in range(1, 7))
        paths = read_paths(six, "actor-01", "topic-01", "2015-01-01", [d.isoformat() for d in days])
        with app.app_context():
            ids = list(app.extensions["standpoint.store"].snapshot().statements)[::25]
        paths += [f"/v1/statements/{i}" for i in ids]
        same_with_and_without(app, paths, monkeypatch)
    finally:
        engine.dispose()


def test_a_subclass_with_more_fields_is_dumped_by_marshmallow():
    # RevisionSchema adds fields to StatementSchema and writes no dump of its own.
    from service.api.statements import RevisionSchema
    from service.domain.model import Source, Statement

    statement = Statement("s1", "uk", "backstop", "requires", "Summary.", "Quote.", "verbatim",
                          dt.date(2025, 3, 20), "day", Source("AP", dt.date(2025, 3, 20)),
                          recorded_by="editor", note="a correction")
    dumped = RevisionSchema().dump(statement)
    assert dumped["recorded_by"] == "editor" and dumped["note"] == "a correction"
