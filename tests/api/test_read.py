"""The read API on the bundled dataset, as a reader of the 20 March 2025 report would check it."""

from __future__ import annotations

import pytest

SIX = ["uk", "france", "russia", "us", "ukraine", "germany"]
TOPICS = ["peacekeepers", "backstop", "ceasefire_scope"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/actors",
        "/v1/actors/uk",
        "/v1/topics",
        "/v1/topics/backstop",
        "/v1/statements",
        "/v1/statements/uk-backstop-2025-03-20",
        "/v1/positions?as_of=2025-03-20",
        "/v1/actors/russia/positions?as_of=2025-03-20",
        "/healthz",
        "/readyz",
        "/openapi.yaml",
    ],
)
def test_read_endpoints_answer_json_that_matches_the_contract(client, path):
    response = client.get(path)  # ContractClient validates against openapi.yaml
    assert response.status_code == 200
    assert response.headers["X-Request-ID"]


def test_positions_on_20_march_give_18_sourced_cells_for_the_six_actors(client):
    body = client.get("/v1/positions?as_of=2025-03-20&actors=" + ",".join(SIX)).get_json()
    cells = {(p["actor"], p["topic"]): p for p in body["positions"]}
    assert len(body["positions"]) == 18 and set(cells) == {(a, t) for a in SIX for t in TOPICS}
    for cell in body["positions"]:
        if cell["stance"] == "no_position":
            assert cell["statement"] is None and cell["level"] is None
            continue
        statement = cell["statement"]
        assert statement["actor"] == cell["actor"] and statement["topic"] == cell["topic"]
        assert statement["quote"] and statement["stated_on"] <= "2025-03-20"
        assert statement["source"]["publisher"] == "Associated Press"
        assert statement["source"]["published_on"] == "2025-03-20"
    stance = {key: cell["stance"] for key, cell in cells.items()}
    assert stance[("russia", "peacekeepers")] == "rejects"
    assert stance[("uk", "peacekeepers")] == "will_send_troops"
    assert stance[("france", "peacekeepers")] == "will_send_troops"
    assert stance[("uk", "backstop")] == "requires"
    assert stance[("us", "backstop")] == "unclear"
    assert stance[("ukraine", "ceasefire_scope")] == "energy_and_civilian"
    assert stance[("russia", "ceasefire_scope")] == "energy_only"
    # The report is silent on these: silence stays silence.
    for topic in TOPICS:
        assert stance[("germany", topic)] == "no_position"
    assert stance[("ukraine", "peacekeepers")] == "no_position"
    assert stance[("france", "backstop")] == "no_position"


def test_default_positions_cover_every_actor_including_those_beyond_the_six(client):
    body = client.get("/v1/positions?as_of=2025-03-20").get_json()
    actors = {p["actor"] for p in body["positions"]}
    assert set(SIX) <= actors and {"australia", "canada", "finland"} <= actors
    assert len(body["positions"]) == len(actors) * 3


def test_as_of_picks_the_statement_in_force_on_that_date(client):
    def ukraine_scope(as_of):
        body = client.get(f"/v1/actors/ukraine/positions?as_of={as_of}&topics=ceasefire_scope").get_json()
        return body["positions"][0]["stance"]

    assert ukraine_scope("2025-03-10") == "no_position"
    assert ukraine_scope("2025-03-11") == "full"
    assert ukraine_scope("2025-03-19") == "energy_only"
    assert ukraine_scope("2025-03-20") == "energy_and_civilian"


def test_as_of_defaults_to_today(client):
    import datetime as dt

    body = client.get("/v1/positions?actors=uk&topics=backstop").get_json()
    assert body["as_of"] == dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert body["positions"][0]["stance"] == "requires"


@pytest.mark.parametrize("alias", ["gb", "GB", "united-kingdom", "britain"])
def test_aliases_resolve_to_the_canonical_actor(client, alias):
    body = client.get(f"/v1/actors/{alias}").get_json()
    assert body["id"] == "uk"
    positions = client.get(f"/v1/positions?as_of=2025-03-20&actors={alias}&topics=backstop").get_json()
    assert positions["positions"][0]["actor"] == "uk"


def test_usa_alias_and_repeated_ids_collapse_to_one_actor(client):
    body = client.get("/v1/positions?as_of=2025-03-20&actors=us,usa&topics=backstop").get_json()
    assert [p["actor"] for p in body["positions"]] == ["us"]


def test_topic_carries_its_ordered_scale(client):
    topic = client.get("/v1/topics/ceasefire_scope").get_json()
    levels = [s["level"] for s in topic["scale"]]
    assert levels == sorted(levels)
    assert [s["value"] for s in topic["scale"]] == ["no_ceasefire", "energy_only", "energy_and_civilian", "full"]
    assert topic["directions"] == {"up": "broader", "down": "narrower"}


def test_statements_filter_by_actor_topic_and_dates(client):
    body = client.get("/v1/statements?actor=ukraine&topic=ceasefire_scope&from=2025-03-12&to=2025-03-20").get_json()
    assert [s["id"] for s in body["items"]] == [
        "ukraine-ceasefire-scope-2025-03-19",
        "ukraine-ceasefire-scope-2025-03-20",
    ]
    assert body["total"] == 2


def test_statements_are_paginated_with_total_and_links(client):
    first = client.get("/v1/statements?per_page=5")
    body = first.get_json()
    assert body["page"] == 1 and body["per_page"] == 5 and len(body["items"]) == 5
    assert int(first.headers["X-Total-Count"]) == body["total"] == 14
    links = first.headers["Link"]
    assert 'rel="next"' in links and 'rel="last"' in links and 'rel="prev"' not in links
    last = client.get("/v1/statements?per_page=5&page=3").get_json()
    assert len(last["items"]) == 4
    ids = [s["id"] for p in (1, 2, 3) for s in client.get(f"/v1/statements?per_page=5&page={p}").get_json()["items"]]
    assert len(set(ids)) == 14
    beyond = client.get("/v1/statements?per_page=5&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 14


def test_every_get_has_a_strong_etag_and_honours_if_none_match(client):
    first = client.get("/v1/positions?as_of=2025-03-20")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and "public" in first.headers["Cache-Control"]
    again = client.get("/v1/positions?as_of=2025-03-20", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_health_and_readiness_are_never_cached(client):
    for path in ("/healthz", "/readyz"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
