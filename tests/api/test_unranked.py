"""An unranked stance (its breadth left open by the source) has no level and no distance
anywhere the API or its CSVs show it, and sentences about it count no steps (issue 21)."""

from __future__ import annotations

import csv
import io

import pytest

from .test_admin_writes import admin  # noqa: F401  (fixture)
from .test_writes import post

UNRANKED = "limited_targets_unsettled"


def test_the_topic_marks_the_stance_unranked_and_says_what_naming_it_is(client):
    scale = {s["value"]: s for s in client.get("/v1/topics/ceasefire_scope").get_json()["scale"]}
    assert scale[UNRANKED]["level"] is None
    assert scale[UNRANKED]["settled_word"] == "named the targets"
    # Level 0 is the neutral point: this scale has no neutral stance, so nothing sits there.
    assert [s["level"] for s in scale.values() if s["level"] is not None] == [-1, 1, 2, 3]


def test_positions_of_an_unranked_stance_have_no_level(client):
    positions = client.get("/v1/positions?topics=ceasefire_scope&as_of=2025-03-20").get_json()
    russia = next(p for p in positions["positions"] if p["actor"] == "russia")
    assert (russia["stance"], russia["level"], russia["side"]) == (UNRANKED, None, 1)
    rows = csv.DictReader(io.StringIO(client.get(
        "/v1/matrix.csv?topics=ceasefire_scope&as_of=2025-03-20").get_data(as_text=True)))
    assert [r["level"] for r in rows if r["actor"] == "russia"] == [""]


def test_compare_does_not_rank_russia_against_ukraine(client):
    answer = client.get("/v1/compare?actors=russia,ukraine,us&topics=ceasefire_scope"
                        "&as_of=2025-03-20").get_json()
    pairs = {(p["left"], p["right"]): p for p in answer["topics"][0]["pairs"]}
    for key in (("russia", "ukraine"), ("russia", "us")):
        pair = pairs[key]
        assert (pair["verdict"], pair["distance"], pair["direction"]) == ("unknown", None, None)
        assert "step" not in pair["summary"] and "broader" not in pair["summary"]
    assert pairs["russia", "ukraine"]["summary"] == (
        "Cannot rank Russia against Ukraine: Limited, targets not settled vs Energy and "
        "civilian infrastructure; Limited, targets not settled is not ranked on this scale")


def test_the_ceasefire_timeline_says_ukraine_named_the_targets(client):
    events = client.get("/v1/topics/ceasefire_scope/timeline?to=2025-03-20").get_json()["events"]
    ukraine = [e for e in events if e["actor"] == "ukraine" and e["date"] == "2025-03-20"]
    assert [(e["verdict"], e["distance"], e["direction"], e["summary"]) for e in ukraine] == [
        ("shifted", None, None, "Ukraine named the targets on 20 March 2025: from Limited, "
                                "targets not settled to Energy and civilian infrastructure")]
    rows = csv.DictReader(io.StringIO(client.get(
        "/v1/topics/ceasefire_scope/timeline.csv?to=2025-03-20").get_data(as_text=True)))
    assert [(r["distance"], r["direction"]) for r in rows if r["actor"] == "ukraine"
            and r["to_stance"] == "energy_and_civilian"] == [("", "")]


def test_the_diff_counts_no_steps_from_an_unranked_stance(client):
    answer = client.get("/v1/diff?left=ukraine@2025-03-19&right=ukraine@2025-03-20"
                        "&topics=ceasefire_scope").get_json()
    (d,) = answer["topics"]
    assert (d["distance"], d["direction"], d["left"]["level"]) == (None, None, None)
    assert d["summary"].startswith("Ukraine named the targets")


SCALE = [
    {"value": "no", "level": -1, "side": -1, "label": "No", "definition": "No deal."},
    {"value": "some_unsettled", "level": None, "side": 1, "label": "Some, unsettled",
     "definition": "A deal whose terms are open.", "settled_word": "settled the terms"},
    {"value": "yes", "level": 1, "side": 1, "label": "Yes", "definition": "A deal."},
]


@pytest.mark.parametrize("scale,status", [
    (SCALE, 201),
    # settled_word belongs to an unranked stance only
    ([SCALE[0], SCALE[1], {**SCALE[2], "settled_word": "x"}], 422),
    # a scale needs at least one ranked stance to count steps on
    ([SCALE[1]], 422),
])
def test_a_topic_can_have_an_unranked_stance_and_its_rules_are_checked(client, admin,  # noqa: F811
                                                                        scale, status):
    topic = {"id": "deal", "question": "A deal?", "scale": scale,
             "directions": {"up": "more", "down": "less"}}
    response = post(client, "/v1/topics", topic, admin)
    assert response.status_code == status, response.get_json()
    if status == 201:
        stored = client.get("/v1/topics/deal").get_json()["scale"]
        assert stored[1]["level"] is None and stored[1]["settled_word"] == "settled the terms"
