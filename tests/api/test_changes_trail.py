"""An actor's changes carry a bounded trail: the most recent `trail_limit`
statements of each topic, how many there are in all, and where to list them all."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.test_writes import STATEMENT, make_key, post

FROM, TO = "2025-03-21", "2025-04-30"
CHANGES = f"/v1/actors/uk/changes?from={FROM}&to={TO}&topics=backstop"


@pytest.fixture
def long_trail(app, client):
    """One UK statement on the backstop on 21 March, `from` itself (inside the
    trail: both ends are inclusive), then eight after it (one of them
    retracted, so it never counts). The bundled one of 20 March is outside."""
    editor = {"Authorization": "Bearer " + make_key(app, "trail-desk", "editor")}
    stances = ["supports", "requires", "supports", "requires", "supports",
               "requires", "supports", "supports"]
    ids = []
    for day, stance in enumerate(stances, start=1):
        stated_on = (dt.date(2025, 3, 21) + dt.timedelta(days=day)).isoformat()
        body = {**STATEMENT, "id": f"uk-backstop-{day}", "stance": stance, "stated_on": stated_on,
                "source": {**STATEMENT["source"], "published_on": stated_on}}
        assert post(client, "/v1/statements", body, editor).status_code == 201
        ids.append(body["id"])
    assert post(client, "/v1/statements/uk-backstop-4/retraction", {"reason": "Misquoted."},
                editor).status_code == 201
    ids.remove("uk-backstop-4")
    on_from = {**STATEMENT, "id": "uk-backstop-on-from", "stated_on": FROM,
               "source": {**STATEMENT["source"], "published_on": FROM}}
    assert post(client, "/v1/statements", on_from, editor).status_code == 201
    return [on_from["id"], *ids]  # the trail, oldest first


def change(client, query: str = "") -> dict:
    response = client.get(CHANGES + query)
    assert response.status_code == 200, response.get_json()
    (topic,) = response.get_json()["topics"]
    return topic


@pytest.mark.parametrize("limit", [0, 1, 3, 7, 8, 9, 100])
def test_the_trail_is_its_last_statements_and_counts_them_all(client, long_trail, limit):
    topic = change(client, f"&trail_limit={limit}")
    shown = long_trail[-limit:] if limit else []
    assert [s["id"] for s in topic["trail"]] == shown
    assert topic["trail_total"] == len(long_trail) == 8
    assert (topic["trail_more"] is None) == (limit >= 8)


def test_by_default_three_statements_are_shown(client, long_trail):
    topic = change(client)
    assert [s["id"] for s in topic["trail"]] == long_trail[-3:]
    assert topic["trail_total"] == 8


def test_the_left_side_is_what_was_held_just_before_from(client, long_trail):
    """`from` is inclusive: the statement of 21 March is a change inside the
    period, and `left` is the position held before it (the bundled one of 20 March)."""
    topic = change(client)
    assert topic["left"]["statement"]["id"] == "uk-backstop-2025-03-20"
    assert topic["trail_total"] == 8


def test_trail_more_lists_the_whole_trail_in_order(client, long_trail):
    more = change(client, "&trail_limit=2")["trail_more"]
    listed = client.get(more + "&per_page=100").get_json()
    assert [s["id"] for s in listed["items"]] == long_trail
    # It is the same list the widest trail shows, statement for statement.
    assert listed["items"] == change(client, "&trail_limit=100")["trail"]


def test_the_verdict_does_not_depend_on_how_much_trail_is_shown(client, long_trail):
    full, short = change(client, "&trail_limit=100"), change(client, "&trail_limit=0")
    for answer in (full, short):
        del answer["trail"], answer["trail_more"]
    assert full == short


def test_a_short_trail_is_whole_and_has_no_more(client):
    topic = next(t for t in client.get("/v1/actors/ukraine/changes?from=2025-03-19&to=2025-03-20")
                 .get_json()["topics"] if t["topic"] == "ceasefire_scope")
    assert (len(topic["trail"]), topic["trail_total"], topic["trail_more"]) == (2, 2, None)


def test_csv_counts_the_whole_trail(client, long_trail):
    csv_url = CHANGES.replace("/changes?", "/changes.csv?")
    text = client.get(csv_url + "&trail_limit=2").get_data(as_text=True)
    header, row = text.splitlines()[:2]
    columns = dict(zip(header.split(","), row.split(",")))
    assert columns["statements_between"] == "; ".join(long_trail[-2:])
    assert columns["statements_between_total"] == "8"


@pytest.mark.parametrize("value", ["-1", "101", "five", "2.5", ""])
def test_a_bad_trail_limit_is_a_400_naming_it(client, value):
    response = client.get(CHANGES + f"&trail_limit={value}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["trail_limit"]


def test_the_last_day_there_is_has_an_empty_trail(client):
    # The last day of the record's span (issue 22: later dates are a 400).
    response = client.get("/v1/actors/uk/changes?from=2100-12-31&to=2100-12-31&trail_limit=0")
    assert response.status_code == 200
    assert {(t["trail_total"], t["trail_more"]) for t in response.get_json()["topics"]} == {(0, None)}
