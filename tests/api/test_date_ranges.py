"""`from` and `to` mean one thing on every endpoint that takes them: both days
are inside the period."""

from __future__ import annotations

import pytest

from .test_writes import STATEMENT, editor, post  # noqa: F401 (a fixture)

FROM, TO = "2025-04-01", "2025-04-10"


@pytest.fixture
def edges(client, editor):
    """UK statements on the backstop the day before `from`, on `from`, on `to`
    and the day after `to`."""
    made = {}
    for name, day, stance in (("before", "2025-03-31", "leans_against"), ("on-from", FROM, "supports"),
                              ("on-to", TO, "undecided"), ("after", "2025-04-11", "requires")):
        body = {**STATEMENT, "id": f"uk-backstop-{name}", "stance": stance, "stated_on": day,
                "source": {**STATEMENT["source"], "published_on": day}}
        assert post(client, "/v1/statements", body, editor).status_code == 201
        made[name] = body["id"]
    return made


def test_statements_from_to(client, edges):
    listed = client.get(f"/v1/statements?actor=uk&topic=backstop&from={FROM}&to={TO}").get_json()
    assert [s["id"] for s in listed["items"]] == [edges["on-from"], edges["on-to"]]


def test_actor_changes_from_to(client, edges):
    answer = client.get(f"/v1/actors/uk/changes?from={FROM}&to={TO}&topics=backstop"
                        "&trail_limit=100").get_json()
    (topic,) = answer["topics"]
    assert [s["id"] for s in topic["trail"]] == [edges["on-from"], edges["on-to"]]
    assert topic["left"]["statement"]["id"] == edges["before"]  # held just before `from`
    assert topic["right"]["statement"]["id"] == edges["on-to"]


def test_topic_timeline_from_to(client, edges):
    events = client.get(f"/v1/topics/backstop/timeline?actors=uk&from={FROM}&to={TO}").get_json()
    assert [e["change"]["right"]["statement"]["id"] for e in events["events"]] == [
        edges["on-from"], edges["on-to"]]
    assert events["events"][0]["change"]["left"]["statement"]["id"] == edges["before"]


def test_timeline_embed_from_to(client, edges):
    html = client.get(f"/embed/actors/uk/timeline?from={FROM}&to={TO}&topics=backstop")
    text = html.get_data(as_text=True)
    assert text.count('class="step stance-border') == 2  # the two changes inside the period
    assert "Before 1 April 2025" in text


def test_the_csv_twins_follow_the_same_rule(client, edges):
    rows = client.get(f"/v1/topics/backstop/timeline.csv?actors=uk&from={FROM}&to={TO}")
    assert rows.status_code == 200
    body = rows.get_data(as_text=True)
    assert edges["on-from"] in body and edges["on-to"] in body
    assert edges["before"] not in body and edges["after"] not in body
