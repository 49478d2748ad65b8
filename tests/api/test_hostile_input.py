"""Hostile input: every case is a 4xx problem+json, never a 500, and changes nothing stored.

The corpus (tests/api/hostile.py) is generated from openapi.yaml: path traversal, NUL
bytes, invalid UTF-8, SQL and HTML injection in every path parameter; impossible dates,
huge lists and strings in every query parameter; malformed, truncated, deeply nested,
oversized and mistyped bodies for every operation that takes one; undocumented methods.
Every path is filled with real ids, so a case meets the part it attacks, not a 404.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.store import keys, proposals, subscriptions, tables
from service.store import write as w
from service.store.engine import write_transaction

from ..conftest import DATABASES, app_on
from ..helpers import data_version
from .hostile import KNOWN_IDS, PLACEHOLDER, all_cases, operations

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


def _a_subscription_with_a_delivery(engine) -> dict:
    """The ids of a subscription and of a delivery queued for it by a write."""
    with write_transaction(engine) as conn:
        subscription = subscriptions.create(conn, {"url": "https://newsroom.example/hook"}, "hostile")[0]
    with write_transaction(engine) as conn:
        w.create_statement(conn, {
            "actor": "germany", "topic": "backstop", "stance": "leans_against",
            "summary": "A statement that queues a delivery.", "quote": "We doubt it.",
            "quote_kind": "verbatim", "stated_on": "2025-03-01", "date_precision": "day",
            "source": {"publisher": "Associated Press", "published_on": "2025-03-01"}}, "hostile")
    with engine.connect() as conn:
        delivery = conn.scalar(sa.select(tables.webhook_deliveries.c.id)
                               .where(tables.webhook_deliveries.c.subscription_id == subscription.id))
    return {"subscription_id": subscription.id, "delivery_id": delivery}


def _a_proposal(engine) -> dict:
    """The id of a pending proposal (a reporter's new note), which the corpus's proposal paths
    name: proposal ids are generated, so no fixed id can (KNOWN_IDS)."""
    with write_transaction(engine) as conn:
        proposal, _preview = proposals.propose(conn, "note", "create", None, {
            "actor": "germany", "topic": "backstop", "text": "Proposed for the hostile corpus.",
            "source": {"publisher": "Associated Press", "published_on": "2025-03-20"}},
            "hostile-reporter")
    return {"proposal_id": proposal.id}


def stored(app) -> tuple[int, int]:
    """What a refused request must leave as it was: the data version, and the proposals'
    revisions (which are not the record, so the data version does not count them)."""
    with app.extensions["standpoint.engine"].connect() as conn:
        revisions = conn.scalar(sa.select(sa.func.count()).select_from(tables.proposal_revisions))
    return data_version(app), revisions


@pytest.fixture(scope="module", params=DATABASES)
def hostile_app(request, databases, tmp_path_factory):
    """One app and database for the whole corpus: no case may change its data anyway."""
    url = databases.fresh(request.param, tmp_path_factory.mktemp("hostile"))
    with app_on(databases, url) as app:
        engine = app.extensions["standpoint.engine"]
        app.config["RATE_LIMIT_ENABLED"] = False
        for limiter in app.extensions.get("limiter", ()):
            limiter.enabled = False
        # Every case carries an admin key, so that a write's body is parsed rather than the
        # request stopping at 401: the attack must meet the code it is aimed at.
        app.config["HOSTILE_KEY"] = keys.create_key(engine, "hostile-input", "admin")
        app.config["HOSTILE_IDS"] = {**KNOWN_IDS, **_a_subscription_with_a_delivery(engine),
                                     **_a_proposal(engine)}
        yield app
        for limiter in app.extensions.get("limiter", ()):
            limiter.enabled = True


def test_the_corpus_reaches_every_operation_without_repeating_itself():
    # Each category reached once where it applies, not once per route: the corpus grows
    # with the API (sources, proposals, the builder) by about three cases an operation.
    assert 100 <= len(CASES) <= 3 * len(list(operations()))
    assert len({case.id for case in CASES}) == len(CASES)
    attacked = {(case.method, case.path) for case in CASES if case.category != "undocumented method"}
    taking_input = {(method, path) for path, method, operation in operations()
                    if "requestBody" in operation
                    or any(p["in"] in ("path", "query") for p in operation["parameters"])}
    assert attacked == taking_input
    assert {case.path for case in CASES if case.category == "undocumented method"} == {
        path for path, _m, _o in operations()}
    print(Counter(case.category for case in CASES))


def test_no_case_requests_an_unfilled_path(hostile_app):
    """A {placeholder} left in a path is a 404 from routing, passing whatever it attacks."""
    ids = hostile_app.config["HOSTILE_IDS"]
    unfilled = {case.id: case.url(ids) for case in CASES if PLACEHOLDER.search(case.url(ids))}
    assert not unfilled, unfilled


def test_the_real_ids_name_what_exists(hostile_app):
    """Every path the corpus attacks, read without the attack, is no 404: the ids are real."""
    client = hostile_app.test_client()
    client.validate = False  # some of these answer images and pages the contract describes loosely
    ids = hostile_app.config["HOSTILE_IDS"]
    headers = {"Authorization": f"Bearer {hostile_app.config['HOSTILE_KEY']}"}
    for path in sorted({case.path for case in CASES if case.method == "get" and "{" in case.path}):
        real = PLACEHOLDER.sub(lambda m: ids[m[0][1:-1]], path)
        assert client.get(real, headers=headers).status_code != 404, real


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_request_is_refused_with_a_problem(hostile_app, case):
    before = stored(hostile_app)
    client = hostile_app.test_client()
    headers = {"Authorization": f"Bearer {hostile_app.config['HOSTILE_KEY']}", **case.headers}
    url = case.url(hostile_app.config["HOSTILE_IDS"])
    assert not PLACEHOLDER.search(url), f"{url} still holds a placeholder: it would meet a 404"
    response = client.open(url, method=case.method.upper(), query_string=case.query,
                           data=case.body, headers=headers)
    database = hostile_app.config["DATABASE_URL"].split(":")[0].split("+")[0]
    OUTCOMES[database][case.category][response.status_code] += 1
    # The ContractClient already checked: problem+json, valid against the spec, status in body.
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    if case.expected:
        assert response.status_code in case.expected, (response.status_code, response.data[:300])
    if case.proof and response.mimetype == "application/problem+json":  # embeds answer pages
        assert case.proof in response.get_data(as_text=True), "the refusal is not the attacked part's"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Traceback" not in response.data
    # Echoed text (an unknown id, say) comes back as JSON data that browsers will not sniff as a page.
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert stored(hostile_app) == before, "a refused request changed stored data"
