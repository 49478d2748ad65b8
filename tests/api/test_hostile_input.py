"""Hostile input: every case is a 4xx problem+json, never a 500, and changes nothing stored.

The corpus (tests/hostile.py) is generated from openapi.yaml: path traversal, NUL
bytes, invalid UTF-8, SQL and HTML injection in every path parameter; impossible dates,
huge lists and strings in every query parameter; malformed, truncated, deeply nested,
oversized and mistyped bodies for every operation that takes one; undocumented methods.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from service import create_app
from service.store import keys

from ..helpers import data_version

from ..conftest import DATABASES, POSTGRES_URL, wipe_postgres
from ..contract import ContractClient
from .hostile import all_cases

CASES = all_cases()
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "hostile-input.md"
OUTCOMES: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))


@pytest.fixture(scope="module", autouse=True)
def outcome_table():
    """Writes test-artifacts/hostile-input.md: requests by category and the statuses they got."""
    yield
    if not OUTCOMES:
        return
    lines = []
    for database, by_category in OUTCOMES.items():
        total = sum(sum(c.values()) for c in by_category.values())
        lines += [f"### {database}: {total} requests", "",
                  "| category | requests | answers |", "| --- | ---: | --- |"]
        for category, statuses in sorted(by_category.items()):
            answers = ", ".join(f"{status} x{count}" for status, count in sorted(statuses.items()))
            lines.append(f"| {category} | {sum(statuses.values())} | {answers} |")
        lines.append("")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines))


@pytest.fixture(scope="module", params=DATABASES)
def hostile_app(request, tmp_path_factory):
    """One app per database for the whole corpus: no case may change its data anyway."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'standpoint.db'}"
    else:
        wipe_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    app = create_app({"DATABASE_URL": url, "TESTING": True, "RATE_LIMIT_ENABLED": False})
    app.test_client_class = ContractClient
    # Every case carries an admin key, so that a write's body is parsed rather than the
    # request stopping at 401: the attack must meet the code it is aimed at.
    app.config["HOSTILE_KEY"] = keys.create_key(app.extensions["standpoint.engine"],
                                                "hostile-input", "admin")
    yield app
    app.extensions["standpoint.engine"].dispose()


def test_the_corpus_is_large_and_reaches_every_operation():
    from .hostile import operations

    assert len(CASES) >= 100
    attacked = {case.path.split("?")[0] for case in CASES}
    assert len({case.id for case in CASES}) == len(CASES)
    assert len(attacked) >= len({path for path, _m, _o in operations()})
    print(Counter(case.category for case in CASES))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_request_is_refused_with_a_problem(hostile_app, case):
    before = data_version(hostile_app)
    client = hostile_app.test_client()
    headers = {"Authorization": f"Bearer {hostile_app.config['HOSTILE_KEY']}", **case.headers}
    response = client.open(case.path, method=case.method.upper(), query_string=case.query,
                           data=case.body, headers=headers)
    database = hostile_app.config["DATABASE_URL"].split(":")[0].split("+")[0]
    OUTCOMES[database][case.category][response.status_code] += 1
    # The ContractClient already checked: problem+json, valid against the spec, status in body.
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    if case.expected:
        assert response.status_code in case.expected, (response.status_code, response.get_json())
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Traceback" not in response.data
    # Echoed text (an unknown id, say) comes back as JSON data that browsers will not sniff as a page.
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert data_version(hostile_app) == before, "a refused request changed stored data"
