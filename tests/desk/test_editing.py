"""Writing through the desk: who may publish, a new statement with the topic's
scale, corrections and retractions that meet someone else's change (If-Match),
notes on silent cells, and the history of every record."""

from __future__ import annotations

import re

from service.store.kinds import STATEMENTS
from service.store.read import Record

from ..helpers import data_version

STATEMENT = "uk-backstop-2025-03-20"


def _current(app, kind, item_id):
    with app.extensions["standpoint.engine"].connect() as conn:
        return Record(conn).current(kind, item_id)


def _signed_in(desk, name):
    me = desk()
    assert me.sign_in(name).status_code == 303
    return me


NEW_STATEMENT = {
    "stance": "supports", "summary": "Carney says Canada would back a US backstop.",
    "quote": "Canada supports an American backstop.", "quote_kind": "paraphrase",
    "conditions": "", "speaker_name": "", "speaker_role": "", "stated_on": "2025-03-20",
    "date_precision": "on_or_before", "source_publisher": "Associated Press",
    "source_published_on": "2025-03-20", "source_title": "", "source_byline": "",
    "source_url": "", "source_location": "¶99", "source_published_on_basis": "", "id": "",
}


# -- roles -----------------------------------------------------------------------------------

def test_a_reporter_reads_the_desk_but_cannot_publish(app, desk):
    me = _signed_in(desk, "rita")
    before = data_version(app)
    assert me.get("/desk/").status_code == 200
    cell = me.get("/desk/cells/canada/backstop")
    assert cell.status_code == 200
    assert "New statement" not in cell.text
    assert "reporters do not publish" in cell.text
    for path in ("/desk/cells/canada/backstop/statements/new", "/desk/cells/canada/backstop/notes/new",
                 f"/desk/statements/{STATEMENT}/correct", f"/desk/statements/{STATEMENT}/retract"):
        refused = me.get(path)
        assert refused.status_code == 403, path
        assert "Reporters propose; an editor publishes." in refused.text
    # Posting straight to a write, with a good CSRF token, is refused as well.
    refused = me.post("/desk/cells/canada/backstop/statements/new", NEW_STATEMENT, token_from="/desk/")
    assert refused.status_code == 403
    refused = me.post(f"/desk/statements/{STATEMENT}/retract",
                      {"reason": "I think it is wrong.", "base_revision": "1"}, token_from="/desk/")
    assert refused.status_code == 403
    assert data_version(app) == before


def test_a_reporter_key_holder_is_a_reporter_too(app, desk):
    from service.store import accounts
    holder = accounts.Holder("wire", "reporter", "key")
    assert not holder.may("editor") and holder.may("reporter")
    assert accounts.Holder("boss", "admin", "account").may("editor")


# -- a new statement ---------------------------------------------------------------------------

def test_the_statement_form_shows_the_topics_scale_with_every_definition(app, desk):
    me = _signed_in(desk, "edna")
    page = me.get("/desk/cells/canada/backstop/statements/new")
    assert page.status_code == 200
    with app.extensions["standpoint.engine"].connect() as conn:
        topic = Record(conn).topics["backstop"]
    for stance in topic.scale:
        assert f'value="{stance.value}"' in page.text
        assert stance.definition.replace('"', "&#34;") in page.text or stance.definition in page.text
    assert 'value="unclear"' in page.text
    # The date precision rules, each beside its choice.
    for words in ("names the day the statement was made", "held by a date",
                  "only a month", "a period"):
        assert words in page.text


def test_an_editor_publishes_a_statement_and_the_cell_shows_it(app, desk):
    me = _signed_in(desk, "edna")
    published = me.post("/desk/cells/canada/backstop/statements/new", NEW_STATEMENT)
    assert published.status_code == 303
    item_id = published.headers["Location"].rsplit("/", 1)[1]
    statement = _current(app, STATEMENTS, item_id)
    assert (statement.actor, statement.topic, statement.stance) == ("canada", "backstop", "supports")
    assert statement.recorded_by == "edna"
    assert statement.source.location == "¶99"
    page = me.get(published.headers["Location"])
    assert f"Statement {item_id} recorded (revision 1)." in page.text
    assert "Supports" in me.get("/desk/cells/canada/backstop").text


def test_a_statement_form_with_mistakes_comes_back_with_them_marked_and_the_input_kept(app, desk):
    me = _signed_in(desk, "edna")
    before = data_version(app)
    sent = {**NEW_STATEMENT, "stance": "", "stated_on": "2025-03-21",
            "source_published_on": "2025-03-20", "summary": "Kept as typed."}
    response = me.post("/desk/cells/canada/backstop/statements/new", sent)
    assert response.status_code == 422
    assert "A source cannot be published before the statement was made." in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Kept as typed." in response.text
    assert data_version(app) == before


def test_a_stance_off_the_scale_is_refused(app, desk):
    me = _signed_in(desk, "edna")
    response = me.post("/desk/cells/canada/backstop/statements/new",
                       {**NEW_STATEMENT, "stance": "wants_force"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.text


# -- corrections and retractions: If-Match --------------------------------------------------------

def test_a_correction_records_a_revision_and_the_history_shows_who_changed_what(app, desk):
    me = _signed_in(desk, "edna")
    form = me.form(f"/desk/statements/{STATEMENT}/correct")
    assert form["base_revision"] == "1"
    response = me.post(f"/desk/statements/{STATEMENT}/correct", {
        **form, "summary": "Starmer says a European force needs a US backstop.",
        "reason": "Shorter summary."})
    assert response.status_code == 303
    history = me.get(f"/desk/statements/{STATEMENT}")
    assert "Correction recorded" in history.text
    text = re.sub(r"\s+", " ", history.text)
    assert "Revision 2" in text and "Revision 1" in text
    assert "Corrected by <strong>edna</strong>" in text
    assert "“Shorter summary.”" in text
    assert "Created by <strong>bundled dataset</strong>" in text
    assert "<strong>Summary</strong>: <del>" in text
    assert "Starmer says a European force needs a US backstop." in text


def test_a_correction_meeting_someone_elses_shows_both_and_loses_neither(app, desk):
    edna, eve = _signed_in(desk, "edna"), _signed_in(desk, "eve")
    path = f"/desk/statements/{STATEMENT}/correct"
    ednas_form, eves_form = edna.form(path), eve.form(path)
    original = _current(app, STATEMENTS, STATEMENT)
    # Eve corrects the summary and the paragraph first.
    assert eve.post(path, {**eves_form, "summary": "Eve's summary.", "source_location": "¶28-29",
                           "reason": "Paragraphs."}).status_code == 303
    before = data_version(app)
    # Edna, from revision 1, corrects the summary and the quote.
    response = edna.post(path, {**ednas_form, "summary": "Edna's summary.",
                                "quote": "Edna's quote.", "reason": "Quote checked."})
    assert response.status_code == 409
    assert data_version(app) == before  # nothing recorded
    page = re.sub(r"\s+", " ", response.text)
    assert "Someone else changed this while you were working on it" in page
    assert "eve recorded revision 2" in page
    # Field by field: theirs and yours.
    summary = page[page.index("<h3>Summary"):page.index("</div>", page.index("<h3>Summary"))]
    assert "you both changed this" in summary
    assert "Eve&#39;s summary." in summary and "Edna&#39;s summary." in summary
    quote = page[page.index("<h3>Quote"):page.index("</div>", page.index("<h3>Quote"))]
    assert "you changed this" in quote and "Edna&#39;s quote." in quote
    location = page[page.index("<h3>Where in the source"):]
    assert "they changed this" in location[:200]
    # The form holds Edna's changes on Eve's version, and is now based on revision 2.
    resent = edna.form_from(response.text)
    assert resent["summary"] == "Edna's summary."
    assert resent["quote"] == "Edna's quote."
    assert resent["source_location"] == "¶28-29"  # Eve's, which Edna did not touch
    assert resent["reason"] == "Quote checked."
    assert resent["base_revision"] == "2"
    assert resent["stance"] == original.stance
    # Sending it again records revision 3 with both people's work.
    assert edna.post(path, resent).status_code == 303
    stored = _current(app, STATEMENTS, STATEMENT)
    assert (stored.revision, stored.summary, stored.quote, stored.source.location, stored.recorded_by) == (
        3, "Edna's summary.", "Edna's quote.", "¶28-29", "edna")


def test_a_retraction_meeting_a_correction_shows_it_and_keeps_the_reason(app, desk):
    edna, eve = _signed_in(desk, "edna"), _signed_in(desk, "eve")
    retract_form = edna.form(f"/desk/statements/{STATEMENT}/retract")
    correct = f"/desk/statements/{STATEMENT}/correct"
    assert eve.post(correct, {**eve.form(correct), "quote": "Corrected quote."}).status_code == 303
    response = edna.post(f"/desk/statements/{STATEMENT}/retract",
                         {**retract_form, "reason": "Misattributed: another minister said it."})
    assert response.status_code == 409
    assert "Corrected quote." in response.text
    assert _current(app, STATEMENTS, STATEMENT).status == "current"
    resent = edna.form_from(response.text)
    assert resent["reason"] == "Misattributed: another minister said it."
    assert resent["base_revision"] == "2"
    assert edna.post(f"/desk/statements/{STATEMENT}/retract", resent).status_code == 303
    stored = _current(app, STATEMENTS, STATEMENT)
    assert (stored.status, stored.revision, stored.reason) == (
        "retracted", 3, "Misattributed: another minister said it.")
    # Retracted: the cell is silent again, and the record cannot be corrected.
    assert "silent" in edna.get("/desk/cells/uk/backstop").text
    assert edna.get(correct).status_code == 409


def test_a_correction_of_something_retracted_meanwhile_keeps_the_input(app, desk):
    edna, eve = _signed_in(desk, "edna"), _signed_in(desk, "eve")
    path = f"/desk/statements/{STATEMENT}/correct"
    form = edna.form(path)
    retract = f"/desk/statements/{STATEMENT}/retract"
    assert eve.post(retract, {**eve.form(retract), "reason": "Wrong."}).status_code == 303
    response = edna.post(path, {**form, "summary": "My careful new summary."})
    assert response.status_code == 409
    assert "My careful new summary." in response.text


def test_a_form_without_its_base_revision_is_refused(app, desk):
    me = _signed_in(desk, "edna")
    form = me.form(f"/desk/statements/{STATEMENT}/correct")
    del form["base_revision"]
    assert me.post(f"/desk/statements/{STATEMENT}/correct", form).status_code == 400


# -- notes ---------------------------------------------------------------------------------------

def test_a_note_on_a_silent_cell_has_the_readers_text_and_the_editors(app, client, desk):
    me = _signed_in(desk, "edna")
    cell = me.get("/desk/cells/canada/backstop")
    assert "Note why this cell is silent" in cell.text
    response = me.post("/desk/cells/canada/backstop/notes/new", {
        "text": "Considered ¶28: about the US, not Canada.",
        "reader_text": "The report quotes no Canadian view on a US backstop.",
        "source_publisher": "Associated Press", "source_published_on": "2025-03-20",
        "source_location": "¶28", "id": "canada-backstop-considered"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/desk/notes/canada-backstop-considered"
    cell = me.get("/desk/cells/canada/backstop").text
    assert "Considered ¶28: about the US, not Canada." in cell
    assert "The report quotes no Canadian view on a US backstop." in cell
    assert "silent" in cell  # a note is never a position
    grid = me.get("/desk/").text
    assert "1 note" in grid
    # What readers get from the API is the reader's text, beside the editors'.
    note = client.get("/v1/notes/canada-backstop-considered").get_json()
    assert note["reader_text"] == "The report quotes no Canadian view on a US backstop."
    assert note["text"] == "Considered ¶28: about the US, not Canada."


def test_a_readers_text_with_a_paragraph_reference_is_refused(app, desk):
    me = _signed_in(desk, "edna")
    response = me.post("/desk/cells/canada/backstop/notes/new", {
        "text": "Considered ¶28.", "reader_text": "See ¶28.",
        "source_publisher": "Associated Press", "source_published_on": "2025-03-20"})
    assert response.status_code == 422
    assert "no ¶ references" in response.text


def test_a_note_is_corrected_with_the_same_conflict_rules(app, desk):
    edna, eve = _signed_in(desk, "edna"), _signed_in(desk, "eve")
    path = "/desk/notes/us-backstop-considered/correct"
    ednas = edna.form(path)
    assert eve.post(path, {**eve.form(path), "reader_text": "Eve's sentence."}).status_code == 303
    response = edna.post(path, {**ednas, "text": "Edna's working note."})
    assert response.status_code == 409
    resent = edna.form_from(response.text)
    assert resent["text"] == "Edna's working note."
    assert resent["reader_text"] == "Eve's sentence."
    assert edna.post(path, resent).status_code == 303


# -- reading -------------------------------------------------------------------------------------------

def test_the_grid_links_every_cell_and_each_cell_links_its_records_history(app, desk):
    me = _signed_in(desk, "rita")
    grid = me.get("/desk/").text
    with app.extensions["standpoint.engine"].connect() as conn:
        record = Record(conn)
        cells = [(a, t) for a in record.actors for t in record.topics]
    for actor, topic in cells:
        assert f'href="/desk/cells/{actor}/{topic}"' in grid
    cell = me.get("/desk/cells/uk/backstop").text
    assert f'href="/desk/statements/{STATEMENT}"' in cell
    history = me.get(f"/desk/statements/{STATEMENT}")
    assert history.status_code == 200
    assert "History: every revision" in history.text
    assert me.get("/desk/statements/no-such-statement").status_code == 404
    assert me.get("/desk/cells/narnia/backstop").status_code == 404


def test_a_correction_keeps_the_anchor_and_checks_changed_words_against_the_source(app, desk):
    """The bundled statements rest on the report's words: the form carries the source
    record and the anchor, a correction that leaves them alone keeps them, and words the
    source does not hold are refused at the field, as the API refuses them."""
    me = _signed_in(desk, "edna")
    form = me.form(f"/desk/statements/{STATEMENT}/correct")
    assert form["source_id"] == "ap-2025-03-20" and form["anchor_paragraph"] == "28"
    assert "backstop" in form["anchor_exact"]
    before = data_version(app)
    refused = me.post(f"/desk/statements/{STATEMENT}/correct", {
        **form, "anchor_exact": "Starmer says the plan will work without the U.S.",
        "reason": "Misread."})
    assert refused.status_code == 422
    assert "Starmer says the plan will work without the U.S." in refused.text  # kept as typed
    assert data_version(app) == before
    kept = me.post(f"/desk/statements/{STATEMENT}/correct", {
        **form, "summary": "Starmer says a European force needs a US backstop.",
        "reason": "Shorter summary."})
    assert kept.status_code == 303
    statement = app.test_client().get(f"/v1/statements/{STATEMENT}").get_json()
    assert statement["anchor"]["exact"] == form["anchor_exact"]
    assert statement["anchor"]["verified"] is True


def test_with_review_required_an_editor_proposes_and_only_an_admin_publishes(app, desk,
                                                                              monkeypatch):
    """STANDPOINT_REVIEW_REQUIRED holds at the desk as at the API: nothing reaches readers
    on one editor's word."""
    monkeypatch.setitem(app.config, "REVIEW_REQUIRED", True)
    before = data_version(app)
    editor = _signed_in(desk, "edna")
    refused = editor.post("/desk/cells/canada/backstop/statements/new", NEW_STATEMENT,
                          token_from="/desk/")
    assert refused.status_code == 403
    assert "/v1/proposals" in refused.text
    assert data_version(app) == before
