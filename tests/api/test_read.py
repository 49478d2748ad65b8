"""The read API on the bundled dataset, as a reader of the 20 March 2025 report would check it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.read_only

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
    # Read from the report (docs/DATA.md): ¶28 Russia will not accept troops from NATO
    # countries; ¶26 only Britain and France have said they are willing to send troops;
    # ¶28 Starmer says the plan won't work without a US backstop; ¶6 Zelensky on power
    # production and civilian facilities; ¶5 a limited ceasefire whose targets remained to
    # be seen; ¶9 Trump's push for a full 30-day ceasefire.
    assert stance[("russia", "peacekeepers")] == "rejects_some"
    assert stance[("uk", "peacekeepers")] == "wants_force"
    assert stance[("france", "peacekeepers")] == "wants_force"
    assert stance[("uk", "backstop")] == "requires"
    assert stance[("ukraine", "ceasefire_scope")] == "energy_and_civilian"
    assert stance[("russia", "ceasefire_scope")] == "limited_targets_unsettled"
    assert stance[("us", "ceasefire_scope")] == "full"
    assert cells[("us", "ceasefire_scope")]["statement"]["date_precision"] == "on_or_before"
    # The report is silent on these: silence stays silence. "Trump has given no sign" (¶28)
    # is an absence, so the US backstop is no position, with a note that says why.
    for topic in TOPICS:
        assert stance[("germany", topic)] == "no_position"
    assert stance[("us", "backstop")] == "no_position"
    assert [n["id"] for n in cells[("us", "backstop")]["notes"]] == ["us-backstop-considered"]
    assert stance[("ukraine", "peacekeepers")] == "no_position"
    assert stance[("france", "backstop")] == "no_position"
    assert sum(s != "no_position" for s in stance.values()) == 7


def test_default_positions_cover_every_actor_including_those_beyond_the_six(client):
    body = client.get("/v1/positions?as_of=2025-03-20").get_json()
    actors = {p["actor"] for p in body["positions"]}
    assert set(SIX) <= actors and {"australia", "canada", "finland"} <= actors
    assert len(body["positions"]) == len(actors) * 3


def test_as_of_picks_the_statement_in_force_on_that_date(client):
    def ukraine_scope(as_of):
        body = client.get(f"/v1/actors/ukraine/positions?as_of={as_of}&topics=ceasefire_scope").get_json()
        return body["positions"][0]["stance"]

    # Nothing before Wednesday 19 March: the report dates no earlier position (its
    # "originally had sought a broader ceasefire" is a note, not a statement).
    assert ukraine_scope("2025-03-10") == "no_position"
    assert ukraine_scope("2025-03-11") == "no_position"
    assert ukraine_scope("2025-03-18") == "no_position"
    assert ukraine_scope("2025-03-19") == "limited_targets_unsettled"
    assert ukraine_scope("2025-03-20") == "energy_and_civilian"


def test_an_on_or_before_position_counts_from_its_bound_never_earlier(client):
    def us_scope(as_of):
        body = client.get(f"/v1/actors/usa/positions?as_of={as_of}"
                          "&topics=ceasefire_scope").get_json()
        return body["positions"][0]

    assert us_scope("2025-03-18")["stance"] == "no_position"
    held = us_scope("2025-03-19")
    assert held["stance"] == "full"
    assert (held["statement"]["stated_on"], held["statement"]["date_precision"]) == (
        "2025-03-19", "on_or_before")


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
    assert [s["value"] for s in topic["scale"]] == [
        "no_ceasefire", "limited_targets_unsettled", "energy_only", "energy_and_civilian", "full"]
    # Level 0 is the neutral point, empty here; the unsettled limited ceasefire is unranked.
    assert levels == [-1, None, 1, 2, 3]
    # Every ceasefire, however partial, is on the same side; only refusing one is against.
    assert [s["side"] for s in topic["scale"]] == [-1, 1, 1, 1, 1]
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
    assert int(first.headers["X-Total-Count"]) == body["total"] == 11  # the bundled eleven
    links = first.headers["Link"]
    assert 'rel="next"' in links and 'rel="last"' in links and 'rel="prev"' not in links
    last = client.get("/v1/statements?per_page=5&page=3").get_json()
    assert len(last["items"]) == 1
    ids = [s["id"] for p in (1, 2, 3) for s in client.get(f"/v1/statements?per_page=5&page={p}").get_json()["items"]]
    assert len(set(ids)) == 11
    beyond = client.get("/v1/statements?per_page=5&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 11


def test_every_get_has_a_strong_etag_and_honours_if_none_match(client):
    first = client.get("/v1/positions?as_of=2025-03-20")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and "public" in first.headers["Cache-Control"]
    again = client.get("/v1/positions?as_of=2025-03-20", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_health_and_readiness_are_never_cached(client):
    for path in ("/healthz", "/readyz"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


# --- every text of the bundled file reaches the API whole -------------------------------------
# Read with yaml.safe_load and nothing else: a definition cut at a comma (as four were when
# they were written in flow mappings) or a summary trimmed anywhere shows up as a difference.

RECORD = yaml.safe_load((Path(__file__).resolve().parents[2] / "service" / "data"
                         / "dataset.yaml").read_text("utf-8"))


@pytest.mark.parametrize("expected", RECORD["statements"], ids=lambda s: s["id"])
def test_each_statement_reads_whole(client, expected):
    statement = client.get(f"/v1/statements/{expected['id']}").get_json()
    for field in ("actor", "topic", "stance", "summary", "quote", "quote_kind", "conditions",
                  "date_precision"):
        assert statement[field] == expected[field], field
    assert statement["stated_on"] == expected["stated_on"].isoformat()
    assert statement["speaker"] == expected["speaker"]
    assert statement["source"]["location"] == expected["source"]["location"]
    # The byline comes from the source record the statement cites.
    cited = RECORD["sources"][expected["source"]["id"]]
    assert statement["source"]["id"] == expected["source"]["id"]
    assert statement["source"]["byline"] == cited["byline"]


@pytest.mark.parametrize("expected", RECORD["topics"], ids=lambda t: t["id"])
def test_each_topic_reads_whole_with_every_definition(client, expected):
    topic = client.get(f"/v1/topics/{expected['id']}").get_json()
    assert topic["question"] == expected["question"]
    assert topic["directions"] == expected["directions"]
    assert [(s["value"], s["level"], s["side"], s["label"], s["definition"])
            for s in topic["scale"]] == [
        (s["value"], s["level"], s["side"], s["label"], s["definition"])
        for s in expected["scale"]]


def test_the_definitions_once_cut_at_a_comma_are_served_whole(client):
    # docs/DATA.md, "Format": what the flow mappings of the previous record had cut off.
    definitions = {(t["id"], s["value"]): s["definition"]
                   for t in client.get("/v1/topics").get_json()["items"] for s in t["scale"]}
    assert definitions[("backstop", "leans_against")].endswith("short of ruling one out.")
    assert definitions[("ceasefire_scope", "full")].endswith("not limited to kinds of targets.")
    assert definitions[("backstop", "supports")].endswith("would welcome one.")


@pytest.mark.parametrize("expected", RECORD["actors"], ids=lambda a: a["id"])
def test_each_actor_reads_whole(client, expected):
    actor = client.get(f"/v1/actors/{expected['id']}").get_json()
    assert (actor["name"], actor["kind"], actor["country_code"]) == (
        expected["name"], expected["kind"], expected["country_code"])
    assert actor["aliases"] == expected["aliases"]
    assert actor["spokespeople"] == expected["spokespeople"]
