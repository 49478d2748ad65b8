"""The compare, changes, diff, matrix and timeline endpoints on the bundled data.
Every response is checked against openapi.yaml by the ContractClient."""

from __future__ import annotations

import csv
import io

import pytest

SIX = "uk,france,russia,us,ukraine,germany"
DAY = "2025-03-20"

PATHS = [
    f"/v1/compare?as_of={DAY}&actors={SIX}",
    f"/v1/compare?as_of={DAY}&actors=uk,russia&topics=peacekeepers",
    "/v1/actors/ukraine/changes?from=2025-03-01&to=2025-03-20",
    "/v1/actors/gb/changes?from=2025-03-01&to=2025-03-20&topics=backstop",
    "/v1/diff?left=us@2025-03-11&right=russia@2025-03-20",
    "/v1/diff?left=ukraine@2025-03-11&right=ukraine@2025-03-20&topics=ceasefire_scope",
    f"/v1/matrix?as_of={DAY}",
    f"/v1/matrix?as_of={DAY}&actors=uk,us&topics=backstop",
    "/v1/topics/ceasefire_scope/timeline",
    "/v1/topics/peacekeepers/timeline?from=2025-03-01&to=2025-03-20&actors=uk,russia",
]
CSV_PATHS = [p for p in PATHS if "/timeline" not in p] + [PATHS[-2]]


@pytest.mark.parametrize("path", PATHS)
def test_diff_endpoints_answer_json_that_matches_the_contract(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/json"


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("path", CSV_PATHS)
def test_format_csv_answers_a_table(client, path):
    response = client.get(path + "&format=csv" if "?" in path else path + "?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    header = response.get_data(as_text=True).splitlines()[0].split(",")
    assert "topic" in header or "actor" in header
    assert rows(response), "a header with no rows"


def test_format_json_is_the_default_spelled_out(client):
    response = client.get(f"/v1/matrix?as_of={DAY}&format=json")
    assert response.mimetype == "application/json"
    assert response.data == client.get(f"/v1/matrix?as_of={DAY}").data


def test_the_url_alone_chooses_json_or_csv_so_caches_never_mix_them(client):
    json_answer = client.get(f"/v1/matrix?as_of={DAY}")
    csv_answer = client.get(f"/v1/matrix?as_of={DAY}&format=csv")
    assert csv_answer.mimetype == "text/csv" and json_answer.mimetype == "application/json"
    assert json_answer.headers["ETag"] != csv_answer.headers["ETag"]
    # Accept does not change what a URL answers: no Vary for a CDN to ignore.
    asked_for_csv = client.get(f"/v1/matrix?as_of={DAY}", headers={"Accept": "text/csv"})
    assert asked_for_csv.mimetype == "application/json"
    assert asked_for_csv.headers["ETag"] == json_answer.headers["ETag"]
    assert "Accept" not in asked_for_csv.headers.get("Vary", "")
    stale = client.get(f"/v1/matrix?as_of={DAY}",
                       headers={"If-None-Match": csv_answer.headers["ETag"]})
    assert stale.status_code == 200


# --- what a reader of the report would check --------------------------------

def test_compare_on_20_march_finds_the_peacekeeper_fault_lines(client):
    body = client.get(f"/v1/compare?as_of={DAY}&actors={SIX}").get_json()
    assert body["actors"] == SIX.split(",")
    faults = {(f["topic"], f["left"], f["right"], f["distance"]) for f in body["fault_lines"]}
    assert faults == {("peacekeepers", "uk", "russia", -4),
                      ("peacekeepers", "france", "russia", -4)}
    by_topic = {t["topic"]: t for t in body["topics"]}
    for topic in by_topic.values():
        assert len(topic["positions"]) == 6 and len(topic["pairs"]) == 15
        for pair in topic["pairs"]:
            if "germany" in (pair["left"], pair["right"]):
                assert pair["verdict"] == "unknown" and pair["distance"] is None
    scope = {(p["left"], p["right"]): p for p in by_topic["ceasefire_scope"]["pairs"]}
    assert scope[("russia", "us")]["verdict"] == "agree"
    assert (scope[("russia", "ukraine")]["verdict"], scope[("russia", "ukraine")]["distance"],
            scope[("russia", "ukraine")]["direction"]) == ("differ", 1, "broader")
    uk = by_topic["peacekeepers"]["positions"][0]
    assert uk["statement"]["id"] == "uk-peacekeepers-2025-03-20"


def test_compare_csv_has_one_row_per_pair_and_topic(client):
    table = rows(client.get(f"/v1/compare?as_of={DAY}&actors={SIX}&format=csv"))
    assert len(table) == 15 * 3
    russia_uk = next(r for r in table if r["topic"] == "peacekeepers"
                     and {r["left"], r["right"]} == {"uk", "russia"})
    assert (russia_uk["verdict"], russia_uk["distance"]) == ("opposed", "-4")


def test_ukraine_changes_from_11_to_20_march_narrowed_its_ceasefire(client):
    body = client.get("/v1/actors/ua/changes?from=2025-03-11&to=2025-03-20"
                      "&topics=ceasefire_scope").get_json()
    assert body["actor"] == "ukraine" and body["from"] == "2025-03-11"
    (change,) = body["topics"]
    assert (change["verdict"], change["distance"], change["direction"]) == (
        "shifted", -1, "narrower")
    assert (change["left"]["stance"], change["right"]["stance"]) == ("full", "energy_and_civilian")
    assert [s["stated_on"] for s in change["trail"]] == ["2025-03-19", "2025-03-20"]


def test_changes_csv_lists_the_statements_in_between(client):
    table = rows(client.get("/v1/actors/us/changes?from=2025-03-11&to=2025-03-20&format=csv"))
    scope = next(r for r in table if r["topic"] == "ceasefire_scope")
    assert (scope["verdict"], scope["left_stance"], scope["right_stance"]) == (
        "shifted", "full", "energy_only")
    assert scope["statements_between"] == "us-ceasefire-scope-2025-03-19"
    backstop = next(r for r in table if r["topic"] == "backstop")
    assert (backstop["verdict"], backstop["right_stance"]) == ("unknown", "unclear")


def test_diff_any_actor_at_any_date(client):
    body = client.get("/v1/diff?left=us@2025-03-11&right=russia@2025-03-20"
                      "&topics=ceasefire_scope").get_json()
    assert body["left"] == {"actor": "us", "as_of": "2025-03-11"}
    (d,) = body["topics"]
    assert (d["kind"], d["verdict"], d["distance"], d["direction"]) == (
        "comparison", "differ", -2, "narrower")
    assert d["summary"] == ("United States and Russia differ: Full ceasefire vs Energy "
                            "infrastructure only; Russia is 2 steps narrower")


def test_matrix_gives_every_cell_and_a_legend(client):
    body = client.get(f"/v1/matrix?as_of={DAY}&actors={SIX}").get_json()
    assert [r["actor"] for r in body["rows"]] == SIX.split(",")
    legend = {t["id"]: t for t in body["topics"]}
    assert [s["value"] for s in legend["peacekeepers"]["scale"]][0] == "rejects"
    assert legend["ceasefire_scope"]["directions"] == {"up": "broader", "down": "narrower"}
    uk = {c["topic"]: c for c in body["rows"][0]["cells"]}
    assert (uk["backstop"]["stance"], uk["backstop"]["level"], uk["backstop"]["side"]) == (
        "requires", 2, 1)
    assert uk["backstop"]["statement"]["source"] == "Associated Press, 2025-03-20, ¶28"
    germany = body["rows"][-1]["cells"]
    assert all(c["stance"] == "no_position" and c["statement"] is None for c in germany)


def test_matrix_csv_has_one_row_per_cell(client):
    table = rows(client.get(f"/v1/matrix?as_of={DAY}&actors={SIX}&format=csv"))
    assert len(table) == 18
    us_backstop = next(r for r in table if (r["actor"], r["topic"]) == ("us", "backstop"))
    assert (us_backstop["stance"], us_backstop["level"], us_backstop["statement"]) == (
        "unclear", "", "us-backstop-2025-03-20")


def test_timeline_of_the_ceasefire_in_date_order(client):
    body = client.get("/v1/topics/ceasefire_scope/timeline?to=2025-03-20").get_json()
    events = [(e["date"], e["actor"], e["verdict"]) for e in body["events"]]
    assert events == sorted(events, key=lambda e: e[0])
    assert ("2025-03-19", "ukraine", "shifted") in events
    assert ("2025-03-20", "ukraine", "shifted") in events
    assert len(events) == 6


# --- bad input -----------------------------------------------------------------

BAD_REQUESTS = [
    ("/v1/diff?left=us@2025-3-11&right=russia@2025-03-20", 400, "invalid-request", "left"),
    ("/v1/diff?left=us-2025-03-11&right=russia@2025-03-20", 400, "invalid-request", "left"),
    ("/v1/diff?left=us@2025-02-30&right=russia@2025-03-20", 400, "invalid-request", "left"),
    ("/v1/diff?left=us@2025-03-11&right=russia", 400, "invalid-request", "right"),
    ("/v1/diff?left=us@2025-03-11", 400, "invalid-request", "right"),
    ("/v1/diff?left=narnia@2025-03-11&right=russia@2025-03-20", 404, "unknown-actor", None),
    ("/v1/diff?left=us@2025-03-11&right=narnia@2025-03-20", 404, "unknown-actor", None),
    ("/v1/diff?left=us@2025-03-11&right=uk@2025-03-20&topics=nukes", 404, "unknown-topic", None),
    ("/v1/compare?actors=uk,narnia", 404, "unknown-actor", None),
    ("/v1/compare?as_of=soon", 400, "invalid-request", "as_of"),
    ("/v1/compare?format=xml", 400, "invalid-request", "format"),
    ("/v1/compare?actors=" + ",".join(f"a{i}" for i in range(51)), 400, "invalid-request",
     "actors"),
    ("/v1/actors/narnia/changes?from=2025-03-01", 404, "unknown-actor", None),
    ("/v1/actors/uk/changes", 400, "invalid-request", "from"),
    ("/v1/actors/uk/changes?from=2025-03-20&to=2025-03-01", 400, "invalid-request", "to"),
    ("/v1/matrix?topics=nukes", 404, "unknown-topic", None),
    ("/v1/matrix?format=pdf", 400, "invalid-request", "format"),
    ("/v1/matrix?actor=uk", 400, "invalid-request", "actor"),
    ("/v1/topics/nukes/timeline", 404, "unknown-topic", None),
    ("/v1/topics/backstop/timeline?from=2025-03-20&to=2025-03-01", 400, "invalid-request", "to"),
    ("/v1/topics/backstop/timeline?actors=narnia", 404, "unknown-actor", None),
]


@pytest.mark.parametrize("path,status,slug,field", BAD_REQUESTS)
def test_bad_input_gets_problem_json_naming_the_field(client, path, status, slug, field):
    response = client.get(path + ("&" if "?" in path else "?") + "format=csv")  # errors stay problem+json
    assert response.status_code == status
    body = response.get_json()
    assert body["type"].endswith("/" + slug)
    if field:
        assert field in body["errors"], body
    if slug == "unknown-actor":
        assert "uk" in body["valid_ids"]
