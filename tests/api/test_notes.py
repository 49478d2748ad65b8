"""/v1/notes: editors' notes on an actor x topic cell, read and written, and shown beside
the cell wherever a position is shown (positions, matrix, compare, the three embeds).

The bundled record carries twelve notes (docs/DATA.md, "Every note"); each explains what was
considered for a cell and not coded. A note is never a position: a cell with only notes is
`no_position`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from .test_writes import make_key, post

REPO = Path(__file__).resolve().parents[2]
RECORD = yaml.safe_load((REPO / "service" / "data" / "dataset.yaml").read_text("utf-8"))
BUNDLED_NOTES = {note["id"]: note for note in RECORD["notes"]}
DAY = "2025-03-20"

NOTE = {
    "id": "russia-backstop-considered",
    "actor": "ru",  # an alias, resolved to russia
    "topic": "backstop",
    "text": "Considered ¶32-33: Peskov's words are about European defence spending, not a "
            "US guarantee.",
    "reader_text": "Peskov's words were about European defence spending, not a US guarantee.",
    "source": {"publisher": "Associated Press", "published_on": DAY, "location": "¶32-33"},
}


@pytest.fixture
def editor(app):
    return {"Authorization": "Bearer " + make_key(app, "ap-desk", "editor")}


def read_note(client, url: str):
    return client.get(url)


def cell(client, actor, topic, as_of=DAY) -> dict:
    body = client.get(f"/v1/positions?as_of={as_of}&actors={actor}&topics={topic}").get_json()
    (position,) = body["positions"]
    return position


def matrix_cell(client, actor, topic, as_of=DAY) -> dict:
    body = client.get(f"/v1/matrix?as_of={as_of}&actors={actor}&topics={topic}").get_json()
    (row,) = body["rows"]
    (found,) = row["cells"]
    return found


# -- reading the bundled notes -----------------------------------------------------------------

def test_every_bundled_note_is_listed_by_id(client):
    body = client.get("/v1/notes?per_page=100").get_json()
    assert body["total"] == 12
    assert [n["id"] for n in body["items"]] == sorted(BUNDLED_NOTES)


@pytest.mark.parametrize("note_id", sorted(BUNDLED_NOTES))
def test_each_bundled_note_reads_whole(client, note_id):
    expected = BUNDLED_NOTES[note_id]
    response = client.get(f"/v1/notes/{note_id}")
    assert response.status_code == 200
    note = response.get_json()
    assert (note["actor"], note["topic"], note["text"], note["reader_text"]) == (
        expected["actor"], expected["topic"], expected["text"], expected["reader_text"])
    # Readers get a plain sentence: the ¶ working references stay in the editors' text.
    assert "¶" in note["text"] and "¶" not in note["reader_text"]
    assert note["source"]["location"] == expected["source"]["location"]
    assert note["source"]["publisher"] == "Associated Press"
    assert note["source"]["published_on"] == DAY
    assert (note["status"], note["revision"]) == ("current", 1)
    assert response.headers["ETag"].startswith('"r1-')


def test_notes_filter_by_actor_and_topic_and_resolve_aliases(client):
    def ids(query):
        return [n["id"] for n in client.get(f"/v1/notes?{query}").get_json()["items"]]

    assert ids("actor=usa") == ["us-backstop-considered", "us-ceasefire-scope-considered",
                                "us-peacekeepers-considered"]
    assert ids("topic=backstop") == ["france-backstop-considered", "ukraine-backstop-considered",
                                     "us-backstop-considered"]
    assert ids("actor=germany&topic=peacekeepers") == ["germany-peacekeepers-considered"]
    assert ids("actor=germany&topic=backstop") == []  # silent, and nothing needed a decision
    unknown = client.get("/v1/notes?actor=narnia")
    assert unknown.status_code == 404 and "uk" in unknown.get_json()["valid_ids"]


def test_notes_are_paginated(client):
    first = client.get("/v1/notes?per_page=5")
    assert int(first.headers["X-Total-Count"]) == 12
    assert 'rel="next"' in first.headers["Link"]
    pages = [client.get(f"/v1/notes?per_page=5&page={p}").get_json()["items"] for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [5, 5, 2]


def test_unknown_note_is_404(client):
    assert client.get("/v1/notes/nope").status_code == 404
    assert client.get("/v1/notes/nope/history").status_code == 404


# -- notes beside positions ----------------------------------------------------------------------

def test_the_us_backstop_cell_is_silent_with_the_note_that_says_why(client):
    # ¶28: "Trump has given no sign": an absence, not a statement.
    position = cell(client, "us", "backstop")
    assert (position["stance"], position["statement"]) == ("no_position", None)
    assert [n["id"] for n in position["notes"]] == ["us-backstop-considered"]
    assert position["notes"][0]["text"] == BUNDLED_NOTES["us-backstop-considered"]["text"]


def test_a_cell_with_a_statement_carries_its_notes_too(client):
    position = cell(client, "russia", "peacekeepers")
    assert position["stance"] == "rejects_some"
    assert [n["id"] for n in position["notes"]] == ["russia-peacekeepers-considered"]
    assert cell(client, "uk", "backstop")["notes"] == []  # nothing else was considered


def test_every_bundled_note_sits_on_its_cell_in_the_positions(client):
    body = client.get(f"/v1/positions?as_of={DAY}").get_json()
    shown = {n["id"]: (p["actor"], p["topic"]) for p in body["positions"] for n in p["notes"]}
    assert shown == {i: (n["actor"], n["topic"]) for i, n in BUNDLED_NOTES.items()}


def test_notes_are_not_shown_before_their_source_was_published(client):
    # The report was published on 20 March: as of the 19th its notes did not exist yet,
    # even on cells that already had a position.
    position = cell(client, "russia", "ceasefire_scope", "2025-03-19")
    assert position["stance"] == "limited_targets_unsettled" and position["notes"] == []
    assert [n["id"] for n in cell(client, "russia", "ceasefire_scope")["notes"]] == [
        "russia-ceasefire-scope-considered"]


def test_matrix_cells_carry_the_notes(client):
    found = matrix_cell(client, "us", "backstop")
    assert (found["stance"], found["statement"]) == ("no_position", None)
    assert [n["text"] for n in found["notes"]] == [BUNDLED_NOTES["us-backstop-considered"]["text"]]


def test_compare_positions_carry_the_notes(client):
    body = client.get(f"/v1/compare?as_of={DAY}&actors=uk,us&topics=backstop").get_json()
    (topic,) = body["topics"]
    notes = {p["actor"]: [n["id"] for n in p["notes"]] for p in topic["positions"]}
    assert notes == {"uk": [], "us": ["us-backstop-considered"]}
    (pair,) = topic["pairs"]
    assert pair["verdict"] == "unknown"  # a note is not a position to compare


# -- writing notes -------------------------------------------------------------------------------

def test_a_note_needs_an_editor_key(client):
    response = client.post("/v1/notes", json=NOTE)
    assert response.status_code == 401
    assert client.get("/v1/notes?actor=russia&topic=backstop").get_json()["total"] == 0


def test_created_note_is_readable_and_shown_beside_the_cell(client, editor):
    before = cell(client, "russia", "backstop")
    assert (before["stance"], before["notes"]) == ("no_position", [])
    response = post(client, "/v1/notes", NOTE, editor)
    assert response.status_code == 201
    assert response.headers["Location"] == "/v1/notes/russia-backstop-considered"
    created = response.get_json()
    assert created["actor"] == "russia"  # the alias was resolved
    assert (created["status"], created["revision"]) == ("current", 1)
    read = read_note(client, response.headers["Location"])
    assert read.get_json() == created and read.headers["ETag"] == response.headers["ETag"]
    after = cell(client, "russia", "backstop")
    assert after["stance"] == "no_position"  # a note is never a position
    assert [n["text"] for n in after["notes"]] == [NOTE["text"]]
    assert [n["reader_text"] for n in after["notes"]] == [NOTE["reader_text"]]
    assert [n["id"] for n in matrix_cell(client, "russia", "backstop")["notes"]] == [
        "russia-backstop-considered"]
    listed = client.get("/v1/notes?actor=russia").get_json()
    assert [n["id"] for n in listed["items"]] == ["russia-backstop-considered",
                                                  "russia-ceasefire-scope-considered",
                                                  "russia-peacekeepers-considered"]


def test_a_note_on_a_later_source_is_not_shown_as_of_an_earlier_date(client, editor):
    later = {**NOTE, "source": {**NOTE["source"], "published_on": "2025-03-25"}}
    assert post(client, "/v1/notes", later, editor).status_code == 201
    assert cell(client, "russia", "backstop", DAY)["notes"] == []
    assert matrix_cell(client, "russia", "backstop", DAY)["notes"] == []
    assert [n["id"] for n in cell(client, "russia", "backstop", "2025-03-25")["notes"]] == [
        "russia-backstop-considered"]


def test_a_note_id_is_generated_from_the_cell_when_absent(client, editor):
    body = {k: v for k, v in NOTE.items() if k != "id"}
    response = post(client, "/v1/notes", body, editor)
    assert response.status_code == 201
    assert response.get_json()["id"].startswith("russia-backstop-")


def test_a_duplicate_note_id_is_409(client, editor):
    response = post(client, "/v1/notes", {**NOTE, "id": "us-backstop-considered"}, editor)
    assert response.status_code == 409
    # the bundled note is untouched
    assert client.get("/v1/notes/us-backstop-considered").get_json()["actor"] == "us"


@pytest.mark.parametrize("change, field", [
    ({"actor": "narnia"}, "actor"),
    ({"topic": "weather"}, "topic"),
])
def test_a_note_on_an_unknown_actor_or_topic_is_422(client, editor, change, field):
    response = post(client, "/v1/notes", {**NOTE, **change}, editor)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert client.get("/v1/notes").get_json()["total"] == 12


@pytest.mark.parametrize("change, field", [
    ({"text": ""}, "text"),
    ({"mood": "grumpy"}, "mood"),
    ({"source": {"publisher": "AP"}}, "source"),
    ({"id": "Has Spaces"}, "id"),
    ({"reader_text": ""}, "reader_text"),
    ({"reader_text": "Considered ¶28: no view."}, "reader_text"),  # an editor's reference
])
def test_a_malformed_note_is_400_naming_the_field(client, editor, change, field):
    response = post(client, "/v1/notes", {**NOTE, **change}, editor)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_retrying_with_the_same_idempotency_key_replays_and_creates_nothing(client, editor):
    body = {k: v for k, v in NOTE.items() if k != "id"}  # a generated id would differ
    first = post(client, "/v1/notes", body, editor, **{"Idempotency-Key": "note-1"})
    again = post(client, "/v1/notes", body, editor, **{"Idempotency-Key": "note-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.get("/v1/notes?actor=russia&topic=backstop").get_json()["total"] == 1
    other = post(client, "/v1/notes", {**body, "text": "Another text."}, editor,
                 **{"Idempotency-Key": "note-1"})
    assert other.status_code == 422
    assert other.get_json()["type"].endswith("/idempotency-key-reused")


# -- revisions and retraction --------------------------------------------------------------------

def test_a_correction_needs_if_match_and_keeps_the_old_text_in_the_history(client, editor):
    created = post(client, "/v1/notes", NOTE, editor)
    url = "/v1/notes/russia-backstop-considered/revisions"
    fix = {"text": "Considered ¶32-33 (Peskov): about defence spending, not a US guarantee.",
           "reason": "Named the speaker."}
    missing = post(client, url, fix, editor)
    assert missing.status_code == 428
    assert missing.get_json()["type"].endswith("/precondition-required")
    assert post(client, url, fix, editor, **{"If-Match": '"r9-nope"'}).status_code == 412
    revised = post(client, url, fix, editor, **{"If-Match": created.headers["ETag"]})
    assert revised.status_code == 201
    assert (revised.get_json()["revision"], revised.get_json()["text"]) == (2, fix["text"])
    assert revised.headers["ETag"] != created.headers["ETag"]
    # the first ETag is stale now
    stale = post(client, url, {"text": "x"}, editor, **{"If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    assert read_note(client, "/v1/notes/russia-backstop-considered").headers["ETag"] == \
        revised.headers["ETag"]
    assert [n["text"] for n in cell(client, "russia", "backstop")["notes"]] == [fix["text"]]
    history = client.get("/v1/notes/russia-backstop-considered/history").get_json()
    assert [(r["revision"], r["text"]) for r in history["revisions"]] == [
        (1, NOTE["text"]), (2, fix["text"])]
    assert history["revisions"][1]["reason"] == "Named the speaker."
    assert {r["recorded_by"] for r in history["revisions"]} == {"ap-desk"}


def test_a_correction_is_validated_like_a_new_note(client, editor):
    etag = read_note(client, "/v1/notes/us-backstop-considered").headers["ETag"]
    response = post(client, "/v1/notes/us-backstop-considered/revisions", {"text": ""}, editor,
                    **{"If-Match": etag})
    assert response.status_code == 400
    unknown = post(client, "/v1/notes/nope/revisions", {"text": "y"}, editor,
                   **{"If-Match": '"r1-x"'})
    assert unknown.status_code == 404


def test_a_retracted_note_leaves_positions_and_the_matrix_but_stays_in_its_history(client,
                                                                                    editor):
    assert cell(client, "us", "backstop")["notes"] != []
    etag = read_note(client, "/v1/notes/us-backstop-considered").headers["ETag"]
    retracted = post(client, "/v1/notes/us-backstop-considered/retraction",
                     {"reason": "Superseded."}, editor, **{"If-Match": etag})
    assert retracted.status_code == 201
    assert (retracted.get_json()["status"], retracted.get_json()["revision"]) == ("retracted", 2)
    assert cell(client, "us", "backstop")["notes"] == []
    assert matrix_cell(client, "us", "backstop")["notes"] == []
    still = client.get("/v1/notes/us-backstop-considered").get_json()
    assert still["status"] == "retracted" and still["text"] == \
        BUNDLED_NOTES["us-backstop-considered"]["text"]
    history = client.get("/v1/notes/us-backstop-considered/history").get_json()
    assert [r["status"] for r in history["revisions"]] == ["current", "retracted"]
    assert history["revisions"][-1]["reason"] == "Superseded."
    assert client.get("/v1/notes").get_json()["total"] == 11
    with_retracted = client.get("/v1/notes?include_retracted=true&actor=us&topic=backstop")
    assert [n["status"] for n in with_retracted.get_json()["items"]] == ["retracted"]
    again = post(client, "/v1/notes/us-backstop-considered/retraction", {"reason": "twice"},
                 editor)
    assert again.status_code == 409
    latest = read_note(client, "/v1/notes/us-backstop-considered").headers["ETag"]
    revise = post(client, "/v1/notes/us-backstop-considered/revisions", {"text": "y"}, editor,
                  **{"If-Match": latest})
    assert revise.status_code == 409


def test_a_retraction_with_a_stale_if_match_is_412(client, editor):
    created = post(client, "/v1/notes", NOTE, editor)
    post(client, "/v1/notes/russia-backstop-considered/revisions", {"text": "Fixed."}, editor,
         **{"If-Match": created.headers["ETag"]})
    stale = post(client, "/v1/notes/russia-backstop-considered/retraction", {"reason": "x"},
                 editor, **{"If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    assert client.get("/v1/notes/russia-backstop-considered").get_json()["status"] == "current"


# -- the embeds ----------------------------------------------------------------------------------

def embed(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


def editors_note(note_id: str, label: str = "Why no position:") -> str:
    """The note as the page prints it for readers: its reader's sentence after its label (a
    silent cell's compact line says why it is silent; full cards say "Editors' note:"),
    HTML-escaped as Jinja escapes."""
    text = str(escape(BUNDLED_NOTES[note_id]["reader_text"]))
    return f'<span class="label">{label}</span> {text}'


def test_the_matrix_embed_prints_the_note_in_its_cell(client):
    page = embed(client, f"/embed/matrix?as_of={DAY}&actors=us,germany"
                         "&topics=backstop,peacekeepers")
    us_backstop = page[page.index('data-actor="us" data-topic="backstop"'):]
    us_backstop = us_backstop[:us_backstop.index("</td>")]
    assert editors_note("us-backstop-considered") in us_backstop
    assert "No recorded position" in us_backstop
    assert editors_note("germany-peacekeepers-considered") in page
    full = embed(client, f"/embed/matrix?as_of={DAY}&actors=us&topics=backstop&detail=full")
    assert editors_note("us-backstop-considered", "Editors' note:") in full


def test_the_embeds_never_print_the_editors_working_text(client):
    pages = [embed(client, f"/embed/matrix?as_of={DAY}&detail={d}") for d in ("compact", "full")]
    pages += [embed(client, f"/embed/actors/{a}/timeline?to={DAY}&detail=full")
              for a in ("us", "ukraine", "germany")]
    pages.append(embed(client, f"/embed/topics/peacekeepers/spectrum?as_of={DAY}"))
    for note in BUNDLED_NOTES.values():
        assert not any(str(escape(note["text"])) in page for page in pages), note["id"]
        assert any(str(escape(note["reader_text"])) in page for page in pages), note["id"]


def test_the_compare_embed_prints_the_notes(client):
    page = embed(client, f"/embed/compare?actors=uk,us&as_of={DAY}&topics=backstop")
    assert editors_note("us-backstop-considered") in page


def test_the_timeline_embed_prints_the_notes_on_each_topic(client):
    page = embed(client, "/embed/actors/ukraine/timeline?to=2025-03-20")
    for note_id in ("ukraine-peacekeepers-considered", "ukraine-backstop-considered",
                    "ukraine-ceasefire-scope-considered"):
        assert editors_note(note_id, "Editors' note:") in page, note_id


def test_a_retracted_note_leaves_the_embeds(client, editor):
    post(client, "/v1/notes/us-backstop-considered/retraction", {"reason": "x"}, editor)
    text = str(escape(BUNDLED_NOTES["us-backstop-considered"]["text"]))
    for detail in ("compact", "full"):
        page = embed(client, f"/embed/matrix?as_of={DAY}&actors=us&topics=backstop&detail={detail}")
        assert "No recorded position" in page
        assert text not in page and "Why no position:" not in page and "Editors' note:" not in page
