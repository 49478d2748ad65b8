"""The compare, changes, diff, matrix and timeline endpoints on the bundled data.
Every response is checked against openapi.yaml by the ContractClient."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytestmark = pytest.mark.read_only

SIX = "uk,france,russia,us,ukraine,germany"
DAY = "2025-03-20"

PATHS = [
    f"/v1/compare?as_of={DAY}&actors={SIX}",
    f"/v1/compare?as_of={DAY}&actors=uk,russia&topics=peacekeepers",
    "/v1/actors/ukraine/changes?from=2025-03-01&to=2025-03-20",
    "/v1/actors/gb/changes?from=2025-03-01&to=2025-03-20&topics=backstop",
    "/v1/diff?left=us@2025-03-19&right=russia@2025-03-20",
    "/v1/diff?left=ukraine@2025-03-19&right=ukraine@2025-03-20&topics=ceasefire_scope",
    f"/v1/matrix?as_of={DAY}",
    f"/v1/matrix?as_of={DAY}&actors=uk,us&topics=backstop",
    "/v1/topics/ceasefire_scope/timeline",
    "/v1/topics/peacekeepers/timeline?from=2025-03-01&to=2025-03-20&actors=uk,russia",
]


def as_csv(path: str) -> str:
    """The CSV twin of a JSON URL: the same path with `.csv`, the same query."""
    route, _, query = path.partition("?")
    return f"{route}.csv" + (f"?{query}" if query else "")


CSV_PATHS = [as_csv(p) for p in PATHS if "/timeline" not in p] + [as_csv(PATHS[-2])]


@pytest.mark.parametrize("path", PATHS)
def test_diff_endpoints_answer_json_that_matches_the_contract(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/json"


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("path", CSV_PATHS)
def test_the_csv_twin_answers_a_table(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    header = response.get_data(as_text=True).splitlines()[0].split(",")
    assert "topic" in header or "actor" in header
    assert rows(response), "a header with no rows"


def test_format_is_not_a_parameter_the_csv_has_its_own_url(client):
    response = client.get(f"/v1/matrix?as_of={DAY}&format=csv")
    assert response.status_code == 400
    assert f"/v1/matrix.csv?as_of={DAY}" in response.get_json()["errors"]["format"][0]


def test_the_url_alone_chooses_json_or_csv_so_caches_never_mix_them(client):
    json_answer = client.get(f"/v1/matrix?as_of={DAY}")
    csv_answer = client.get(f"/v1/matrix.csv?as_of={DAY}")
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
    # ¶26 Britain and France are willing to send troops (wants_force, +2); ¶28 Russia will
    # not accept troops from NATO countries (rejects_some, -1): three steps, across the middle.
    faults = {(f["topic"], f["left"], f["right"], f["distance"]) for f in body["fault_lines"]}
    assert faults == {("peacekeepers", "uk", "russia", -3),
                      ("peacekeepers", "france", "russia", -3)}
    by_topic = {t["topic"]: t for t in body["topics"]}
    for topic in by_topic.values():
        assert len(topic["positions"]) == 6 and len(topic["pairs"]) == 15
        for pair in topic["pairs"]:
            if "germany" in (pair["left"], pair["right"]):
                assert pair["verdict"] == "unknown" and pair["distance"] is None
    # Only the UK has a backstop position: nothing to agree or disagree with.
    assert {p["verdict"] for p in by_topic["backstop"]["pairs"]} == {"unknown"}
    scope = {(p["left"], p["right"]): p for p in by_topic["ceasefire_scope"]["pairs"]}

    def verdict(left, right):
        pair = scope[(left, right)]
        return pair["verdict"], pair["distance"], pair["direction"]

    # Limited with targets unsettled (Russia; unranked), energy and civilian (Ukraine on 20
    # March), full (the US): all for some ceasefire, so nobody is opposed or agrees; Russia's
    # breadth is left open by the report (¶5), so it is ranked against nobody (issue 21).
    assert verdict("russia", "us") == ("unknown", None, None)
    assert verdict("russia", "ukraine") == ("unknown", None, None)
    assert verdict("us", "ukraine") == ("differ", -1, "narrower")
    uk = by_topic["peacekeepers"]["positions"][0]
    assert uk["statement"]["id"] == "uk-peacekeepers-2025-03-20"


def test_the_us_and_russia_do_not_agree_on_the_ceasefire(client):
    body = client.get(f"/v1/compare?actors=us,russia&topics=ceasefire_scope&as_of={DAY}").get_json()
    ((pair,),) = [t["pairs"] for t in body["topics"]]
    assert (pair["verdict"], pair["distance"], pair["direction"]) == ("unknown", None, None)
    assert pair["summary"] == ("Cannot rank United States against Russia: Full ceasefire vs "
                               "Limited, targets not settled; Limited, targets not settled is "
                               "not ranked on this scale")
    assert body["fault_lines"] == []


def test_compare_csv_has_one_row_per_pair_and_topic(client):
    table = rows(client.get(f"/v1/compare.csv?as_of={DAY}&actors={SIX}"))
    assert len(table) == 15 * 3
    russia_uk = next(r for r in table if r["topic"] == "peacekeepers"
                     and {r["left"], r["right"]} == {"uk", "russia"})
    assert (russia_uk["verdict"], russia_uk["distance"]) == ("opposed", "-3")
    us_russia = next(r for r in table if r["topic"] == "ceasefire_scope"
                     and (r["left"], r["right"]) == ("russia", "us"))
    assert (us_russia["verdict"], us_russia["distance"], us_russia["direction"]) == (
        "unknown", "", "")


def test_ukraine_changes_from_11_to_20_march_first_stated_then_broadened(client):
    # Nothing is recorded before 19 March: the report dates no earlier position.
    body = client.get("/v1/actors/ua/changes?from=2025-03-11&to=2025-03-20"
                      "&topics=ceasefire_scope").get_json()
    assert body["actor"] == "ukraine" and body["from"] == "2025-03-11"
    (change,) = body["topics"]
    assert (change["verdict"], change["distance"], change["direction"]) == (
        "first_stated", None, None)
    assert (change["left"]["stance"], change["right"]["stance"]) == (
        "no_position", "energy_and_civilian")
    assert [s["stated_on"] for s in change["trail"]] == ["2025-03-19", "2025-03-20"]


def test_ukraine_named_the_targets_on_20_march_and_moved_no_steps(client):
    # `from` is the first day of the period: `left` is what Ukraine held on the 19th.
    body = client.get("/v1/actors/ukraine/changes?from=2025-03-20&to=2025-03-20"
                      "&topics=ceasefire_scope").get_json()
    (change,) = body["topics"]
    assert (change["verdict"], change["distance"], change["direction"]) == (
        "shifted", None, None)
    assert (change["left"]["stance"], change["right"]["stance"]) == (
        "limited_targets_unsettled", "energy_and_civilian")
    assert change["summary"] == ("Ukraine named the targets on 20 March 2025: from Limited, "
                                 "targets not settled to Energy and civilian infrastructure")
    assert [s["id"] for s in change["trail"]] == ["ukraine-ceasefire-scope-2025-03-20"]


def test_changes_csv_lists_the_statements_in_between(client):
    table = rows(client.get("/v1/actors/us/changes.csv?from=2025-03-11&to=2025-03-20"))
    scope = next(r for r in table if r["topic"] == "ceasefire_scope")
    assert (scope["verdict"], scope["left_stance"], scope["right_stance"]) == (
        "first_stated", "no_position", "full")
    assert scope["statements_between"] == "us-ceasefire-scope-2025-03-19"
    # "Trump has given no sign" (¶28) is not a statement: no backstop position at all.
    backstop = next(r for r in table if r["topic"] == "backstop")
    assert (backstop["verdict"], backstop["left_stance"], backstop["right_stance"]) == (
        "unknown", "no_position", "no_position")
    assert backstop["statements_between"] == ""


def test_diff_any_actor_at_any_date(client):
    body = client.get("/v1/diff?left=us@2025-03-19&right=russia@2025-03-20"
                      "&topics=ceasefire_scope").get_json()
    assert body["left"] == {"actor": "us", "as_of": "2025-03-19"}
    (d,) = body["topics"]
    assert (d["kind"], d["verdict"], d["distance"], d["direction"]) == (
        "comparison", "unknown", None, None)
    assert d["summary"] == ("Cannot rank United States against Russia: Full ceasefire vs "
                            "Limited, targets not settled; Limited, targets not settled is not "
                            "ranked on this scale")
    # A week earlier the US had no recorded position: the report dates its push no earlier.
    before = client.get("/v1/diff?left=us@2025-03-11&right=russia@2025-03-20"
                        "&topics=ceasefire_scope").get_json()
    (d,) = before["topics"]
    assert (d["verdict"], d["distance"], d["left"]["stance"]) == ("unknown", None, "no_position")
    assert d["summary"] == ("Cannot compare United States and Russia: United States has no "
                            "recorded position")


def test_matrix_gives_every_cell_and_a_legend(client):
    body = client.get(f"/v1/matrix?as_of={DAY}&actors={SIX}").get_json()
    assert [r["actor"] for r in body["rows"]] == SIX.split(",")
    legend = {t["id"]: t for t in body["topics"]}
    assert [s["value"] for s in legend["peacekeepers"]["scale"]] == [
        "rejects_any", "rejects_some", "undecided", "open", "wants_force"]
    assert legend["ceasefire_scope"]["directions"] == {"up": "broader", "down": "narrower"}
    uk = {c["topic"]: c for c in body["rows"][0]["cells"]}
    assert (uk["backstop"]["stance"], uk["backstop"]["level"], uk["backstop"]["side"]) == (
        "requires", 2, 1)
    assert uk["backstop"]["label"] == "Firmly for it"
    assert uk["backstop"]["statement"]["source"] == "Associated Press, 2025-03-20, ¶28"
    germany = body["rows"][-1]["cells"]
    assert all(c["stance"] == "no_position" and c["statement"] is None for c in germany)
    # Germany is silent on all three; only peacekeepers needed a decision (¶30-31).
    assert {c["topic"]: [n["id"] for n in c["notes"]] for c in germany} == {
        "peacekeepers": ["germany-peacekeepers-considered"], "backstop": [], "ceasefire_scope": []}


def test_matrix_csv_has_one_row_per_cell(client):
    table = rows(client.get(f"/v1/matrix.csv?as_of={DAY}&actors={SIX}"))
    assert len(table) == 18
    us_backstop = next(r for r in table if (r["actor"], r["topic"]) == ("us", "backstop"))
    assert (us_backstop["stance"], us_backstop["level"], us_backstop["statement"]) == (
        "no_position", "", "")


def test_matrix_csv_gives_what_a_journalist_needs_to_attribute_a_cell(client):
    response = client.get(f"/v1/matrix.csv?as_of={DAY}&actors=uk,us&topics=backstop")
    header = response.get_data(as_text=True).splitlines()[0].split(",")
    assert header == [
        "as_of", "actor", "actor_name", "topic", "stance", "label", "level", "side",
        "statement", "stated_on", "date_precision", "age_days", "speaker", "speaker_role", "quote",
        "quote_kind", "conditions", "source_publisher", "source_title", "source_url",
        "source_location", "source_published_on", "notes", "reader_notes"]
    uk, us = rows(response)
    # ¶28: "Starmer says the plan won’t work without that U.S. “backstop.”" Only the word
    # "backstop" is in quotation marks, so it is the report's paraphrase; "says" in a
    # report of 20 March dates it on or before that day.
    assert uk == {
        "as_of": DAY, "actor": "uk", "actor_name": "United Kingdom", "topic": "backstop",
        "stance": "requires", "label": "Firmly for it", "level": "2", "side": "1",
        "statement": "uk-backstop-2025-03-20", "stated_on": DAY,
        "date_precision": "on_or_before", "age_days": "0", "speaker": "Keir Starmer",
        "speaker_role": "Prime Minister of the United Kingdom",
        "quote": "Starmer says the plan won’t work without that U.S. “backstop.”",
        "quote_kind": "paraphrase", "conditions": "",
        "source_publisher": "Associated Press", "source_title": "", "source_url": "",
        "source_location": "¶28", "source_published_on": DAY, "notes": "",
        "reader_notes": ""}
    # A silent cell: no statement, but the editors' note says why.
    assert (us["stance"], us["statement"], us["quote"], us["source_location"]) == (
        "no_position", "", "", "")
    assert us["notes"].startswith("Considered ¶28-29. ¶28 records an absence: \"Trump has "
                                  "given no sign the U.S. will guarantee reserve firepower")
    assert us["notes"].endswith("The cell has no statement.")
    # Beside it, the sentence the embeds show readers, without the ¶ working references.
    assert us["reader_notes"] == ("The report says Trump has given no sign the U.S. will "
                                  "guarantee reserve firepower, and quotes no US statement on "
                                  "such a guarantee.")


CSV_FILES = [
    (f"/v1/matrix.csv?as_of={DAY}", "standpoint-matrix-2025-03-20.csv"),
    (f"/v1/compare.csv?as_of={DAY}&actors=uk,russia", "standpoint-compare-2025-03-20.csv"),
    ("/v1/actors/ukraine/changes.csv?from=2025-03-01&to=2025-03-20",
     "standpoint-actors-ukraine-changes-2025-03-20.csv"),
    ("/v1/topics/ceasefire_scope/timeline.csv?to=2025-03-20",
     "standpoint-topics-ceasefire_scope-timeline-2025-03-20.csv"),
]


@pytest.mark.parametrize("path, filename", CSV_FILES)
def test_every_csv_is_a_download_named_by_its_path_and_date(client, path, filename):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_the_diff_csv_is_a_download_too(client):
    response = client.get("/v1/diff.csv?left=us@2025-03-19&right=russia@2025-03-20")
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="standpoint-diff-\d{4}-\d{2}-\d{2}\.csv"',
                        disposition), disposition


def test_the_json_answers_are_not_downloads(client):
    for path, _ in CSV_FILES:
        json_path = path.replace(".csv", "", 1)
        assert "Content-Disposition" not in client.get(json_path).headers, json_path


def test_timeline_of_the_ceasefire_in_date_order(client):
    body = client.get("/v1/topics/ceasefire_scope/timeline?to=2025-03-20").get_json()
    events = [(e["date"], e["actor"], e["verdict"], e["change"]["right"]["stance"])
              for e in body["events"]]
    assert events == [
        ("2025-03-19", "russia", "first_stated", "limited_targets_unsettled"),
        ("2025-03-19", "ukraine", "first_stated", "limited_targets_unsettled"),
        ("2025-03-19", "us", "first_stated", "full"),
        ("2025-03-20", "ukraine", "shifted", "energy_and_civilian"),
    ]
    last = body["events"][-1]
    assert (last["distance"], last["direction"]) == (None, None)
    assert last["summary"].startswith("Ukraine named the targets")
    # Nobody is recorded as narrowing, nor as broadening.
    assert all(e["direction"] is None for e in body["events"])


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
    ("/v1/compare?" + "&".join(f"actors=a{i}" for i in range(51)), 400, "invalid-request",
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
    response = client.get(as_csv(path))  # errors stay problem+json on the CSV twin too
    assert response.status_code == status
    body = response.get_json()
    assert body["type"].endswith("/" + slug)
    if field:
        assert field in body["errors"], body
    if slug == "unknown-actor":
        assert "uk" in body["valid_ids"]
