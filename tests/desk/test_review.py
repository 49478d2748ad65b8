"""The review queue at the desk: a reporter's proposal beside its source paragraph and
its preview, an editor approves it (once, however often she clicks) or returns it with
a reason, the reporter revises it, and nobody approves her own or posts without a
session, a CSRF token or from another origin (docs/DESK.md, docs/REVIEW.md).

The proposals are invented for the tests; none is in the bundled record. They are made
through the store, as the desk's "code a statement" (and the API) make them."""

from __future__ import annotations

import re

import sqlalchemy as sa

from service.store import proposals, tables
from service.store.engine import write_transaction
from service.store.kinds import PROPOSALS, STATEMENTS
from service.store.read import Record

from ..helpers import data_version
from .conftest import csrf_token

QUOTED = "Australia, Canada, France and Finland say they are open to being involved in some way"
# Canada backing a US backstop, resting on ¶26 of the bundled AP report (invented).
CANADA = {
    "actor": "canada", "topic": "backstop", "stance": "supports",
    "summary": "Invented for a test: Canada backs an American backstop.",
    "quote": QUOTED, "quote_kind": "paraphrase", "conditions": [], "speaker": None,
    "stated_on": "2025-03-20", "date_precision": "on_or_before",
    "source": {"id": "ap-2025-03-20", "location": "¶26"},
    "anchor": {"paragraph": 26, "exact": QUOTED, "prefix": "though countries including ",
               "suffix": "."},
}
# A note cited without a source record: no paragraph to show.
NOTE = {"actor": "germany", "topic": "backstop", "text": "Considered ¶40: invented for a test.",
        "reader_text": "The report quotes no German view on a US guarantee.",
        "source": {"publisher": "Test wire", "published_on": "2025-03-20"}}


def _engine(app):
    return app.extensions["standpoint.engine"]


def _propose(app, by="rita", body=CANADA, kind="statement", action="create", target=None):
    with write_transaction(_engine(app)) as conn:
        proposal, _preview = proposals.propose(conn, kind, action, target, body, by)
    return proposal


def _proposal(app, proposal_id):
    with _engine(app).connect() as conn:
        return Record(conn).current(PROPOSALS, proposal_id)


def _count(app, table, **where) -> int:
    with _engine(app).connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(table).where(
            *(table.c[column] == value for column, value in where.items())))


def _signed_in(desk, name):
    me = desk()
    assert me.sign_in(name).status_code == 303
    return me


def _written(app) -> tuple[int, int, int]:
    """Everything a review could write: proposal revisions, statement revisions, the log."""
    return (_count(app, tables.proposal_revisions), _count(app, tables.statement_revisions),
            _count(app, tables.changes))


def _approve(me, proposal_id, revision=None):
    page = f"/desk/proposals/{proposal_id}"
    if revision is None:
        revision = re.search(r'name="base_revision" type="hidden" value="(\d+)"',
                             me.get(page).text).group(1)
    return me.post(f"{page}/approve", {"base_revision": str(revision)}, token_from=page)


# -- the queue --------------------------------------------------------------------------

def test_the_queue_shows_each_proposal_beside_its_paragraph_and_its_preview(app, desk):
    first = _propose(app)
    second = _propose(app, body=NOTE, kind="note")
    edna = _signed_in(desk, "edna")
    page = edna.get("/desk/review")
    assert page.status_code == 200
    text = page.text
    # Oldest first, each linked, with its proposer.
    assert text.index(first.id) < text.index(second.id)
    assert "Proposed by <strong>rita</strong>" in text
    # The source paragraph, the quoted words marked.
    assert "ap-2025-03-20</strong>, ¶26" in text
    assert re.search(r"Only Britain and France have said they are willing to send troops, though "
                     r"countries including <mark><span class=\"visually-hidden\">quoted: </span>"
                     + re.escape(QUOTED) + "</mark>.", text)
    # What readers would see: the store's preview sentence.
    assert "If approved: Canada" in text
    # The note has no source record: the page says so instead of a paragraph.
    assert "Cited without a source record (Test wire)" in text
    assert "If approved: readers see, beside Germany on backstop" in text
    # The header counts them, on every page.
    assert "Review queue (2)</a>" in edna.get("/desk/").text
    assert "Review queue (2)</a>" in edna.get("/desk/cells/canada/backstop").text


def test_the_queue_is_for_editors(app, desk):
    _propose(app)
    rita = _signed_in(desk, "rita")
    refused = rita.get("/desk/review")
    assert refused.status_code == 403
    assert "Review queue (" not in rita.get("/desk/").text


# -- approving ------------------------------------------------------------------------------

def test_an_editor_approves_and_the_statement_is_published_once(app, desk):
    proposed = _propose(app)
    version = data_version(app)
    edna = _signed_in(desk, "edna")
    page = edna.get(f"/desk/proposals/{proposed.id}")
    assert "Approve and publish" in page.text and "Return with this reason" in page.text
    answer = _approve(edna, proposed.id)
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/desk/proposals/{proposed.id}"
    approved = _proposal(app, proposed.id)
    assert (approved.status, approved.recorded_by) == ("approved", "edna")
    statement = approved.result_id
    assert _count(app, tables.statement_revisions, statement_id=statement) == 1
    assert _count(app, tables.changes, entity_id=statement) == 1
    assert data_version(app) > version
    shown = edna.get(answer.headers["Location"]).text
    assert f"Approved: statement {statement} is recorded (revision 1)" in shown
    assert "Approve and publish" not in shown
    assert statement in edna.get("/desk/cells/canada/backstop").text
    # A second click (the same form, the same revision) finds it approved: recorded once.
    again = _approve(edna, proposed.id, revision=proposed.revision)
    assert again.status_code == 303
    assert "Already approved by edna" in edna.get(again.headers["Location"]).text
    assert _count(app, tables.statement_revisions, statement_id=statement) == 1
    assert _count(app, tables.changes, entity_id=statement) == 1
    assert _count(app, tables.proposal_revisions, proposal_id=proposed.id) == 2
    # The queue is empty again.
    assert "Nothing is waiting for review." in edna.get("/desk/review").text


def test_the_history_says_who_proposed_and_who_approved_each_revision(app, desk):
    proposed = _propose(app)
    edna = _signed_in(desk, "edna")
    _approve(edna, proposed.id)
    statement = _proposal(app, proposed.id).result_id
    history = re.sub(r"\s+", " ", edna.get(f"/desk/statements/{statement}").text)
    assert ("Proposed by <strong>rita</strong>, approved by <strong>edna</strong> "
            f'(<a href="/desk/proposals/{proposed.id}">proposal {proposed.id}</a>)') in history
    # A direct write has no proposal behind it, and its history names none.
    direct = re.sub(r"\s+", " ", edna.get("/desk/statements/ukraine-ceasefire-scope-2025-03-20").text)
    assert "Proposed by" not in direct


def test_an_approval_of_a_proposal_revised_meanwhile_approves_nothing_and_shows_the_change(
        app, desk):
    proposed = _propose(app)
    edna = _signed_in(desk, "edna")
    edna.get(f"/desk/proposals/{proposed.id}")  # she reads revision 1
    with write_transaction(_engine(app)) as conn:
        proposals.revise(conn, proposed.id, {**CANADA, "stance": "requires"}, "Stronger.",
                         "rita", lambda p: True)
    before = _written(app)
    answer = _approve(edna, proposed.id, revision=1)
    assert answer.status_code == 409
    assert "Nothing was approved: the proposal changed since you opened it" in answer.text
    assert "What changed since you opened it (revision 1 → 2)" in answer.text
    assert "<strong>Stance</strong>: <del><span class=\"visually-hidden\">was </span>supports" in answer.text
    assert _written(app) == before
    # The form now carries revision 2: approving it approves what she now sees.
    assert 'name="base_revision" type="hidden" value="2"' in answer.text
    assert _approve(edna, proposed.id, revision=2).status_code == 303
    assert _proposal(app, proposed.id).status == "approved"


def test_nobody_approves_her_own_proposal(app, desk):
    proposed = _propose(app, by="edna")
    edna = _signed_in(desk, "edna")
    page = edna.get(f"/desk/proposals/{proposed.id}")
    assert "You proposed this, so you cannot approve or return it" in page.text
    assert "Approve and publish" not in page.text
    before = _written(app)
    forged = _approve(edna, proposed.id, revision=1)
    assert forged.status_code == 403
    assert "another editor must approve it" in forged.text
    assert _written(app) == before
    # Another editor may.
    assert _approve(_signed_in(desk, "eve"), proposed.id).status_code == 303


def test_a_reporter_cannot_approve_or_return(app, desk):
    proposed = _propose(app, by="eve")
    rita = _signed_in(desk, "rita")
    # Not hers: she cannot even read it.
    assert rita.get(f"/desk/proposals/{proposed.id}").status_code == 403
    before = _written(app)
    for action, data in (("approve", {"base_revision": "1"}),
                         ("return", {"base_revision": "1", "reason": "No."})):
        refused = rita.post(f"/desk/proposals/{proposed.id}/{action}", data, token_from="/desk/")
        assert refused.status_code == 403
        assert "this needs editor" in refused.text
    assert _written(app) == before
    assert _proposal(app, proposed.id).status == "pending"


# -- returning and revising --------------------------------------------------------------------

def test_a_returned_note_is_revised_in_the_note_form_and_a_statement_in_the_statement_form(
        app, desk):
    edna, rita = _signed_in(desk, "edna"), _signed_in(desk, "rita")
    for body, kind, own_field, other_field in ((NOTE, "note", "reader_text", "quote_kind"),
                                               (CANADA, "statement", "quote_kind", "reader_text")):
        proposed = _propose(app, body=body, kind=kind)
        page = f"/desk/proposals/{proposed.id}"
        assert edna.post(f"{page}/return", {"base_revision": "1", "reason": "Shorter."},
                         token_from=page).status_code == 303
        form = rita.get(f"{page}/revise")
        assert form.status_code == 200
        assert f'name="{own_field}"' in form.text and f'name="{other_field}"' not in form.text
        assert "Send it for review again" in form.text and "Shorter." in form.text


def test_a_return_needs_a_reason_and_the_reporter_revises_it_for_approval(app, desk):
    proposed = _propose(app)
    edna = _signed_in(desk, "edna")
    page = f"/desk/proposals/{proposed.id}"
    before = _written(app)
    empty = edna.post(f"{page}/return", {"base_revision": "1", "reason": "  "}, token_from=page)
    assert empty.status_code == 422
    assert "This field is required." in empty.text
    assert _written(app) == before
    reason = "¶26 says Canada is open to being involved, not that it backs a backstop."
    returned = edna.post(f"{page}/return", {"base_revision": "1", "reason": reason},
                         token_from=page)
    assert returned.status_code == 303
    assert _proposal(app, proposed.id).status == "returned"
    assert "Nothing is waiting for review." in edna.get("/desk/review").text

    rita = _signed_in(desk, "rita")
    assert "Returned to you (1)</a>" in rita.get("/desk/").text
    mine = rita.get("/desk/proposals/mine").text
    assert "Returned to you: revise or withdraw (1)" in mine
    assert reason.replace("'", "&#39;") in mine
    # The form comes filled from her proposal.
    form = rita.form(f"{page}/revise")
    assert (form["stance"], form["summary"], form["anchor_paragraph"], form["source_id"]) == (
        "supports", CANADA["summary"], "26", "ap-2025-03-20")
    form.update(stance="undecided", summary="Invented for a test: Canada is open to a role.",
                change="Stance as ¶26 says it.")
    sent = rita.post(f"{page}/revise", form)
    assert sent.status_code == 303, sent.text
    revised = _proposal(app, proposed.id)
    assert (revised.status, revised.revision, revised.reason) == ("pending", 3,
                                                                  "Stance as ¶26 says it.")
    assert revised.body["stance"] == "undecided"
    assert revised.body["anchor"]["paragraph"] == 26

    history = edna.get(page).text
    assert "Returned</strong> by <strong>edna</strong>" in history
    assert "Revised</strong> by <strong>rita</strong>" in history
    assert _approve(edna, proposed.id).status_code == 303
    approved = _proposal(app, proposed.id)
    statement = approved.result_id
    with _engine(app).connect() as conn:
        assert Record(conn).current(STATEMENTS, statement).stance == "undecided"
    assert "Approved (1)" in rita.get("/desk/proposals/mine").text


def test_only_its_proposer_revises_or_withdraws_and_a_withdrawal_needs_a_reason(app, desk):
    proposed = _propose(app)
    page = f"/desk/proposals/{proposed.id}"
    eve = _signed_in(desk, "eve")
    assert eve.get(f"{page}/revise").status_code == 403
    before = _written(app)
    refused = eve.post(f"{page}/withdraw", {"base_revision": "1", "reason": "Mine now."},
                       token_from=page)
    assert refused.status_code == 403
    assert _written(app) == before
    rita = _signed_in(desk, "rita")
    assert rita.post(f"{page}/withdraw", {"base_revision": "1", "reason": ""},
                     token_from=page).status_code == 422
    assert _written(app) == before
    assert rita.post(f"{page}/withdraw", {"base_revision": "1", "reason": "A duplicate."},
                     token_from=page).status_code == 303
    assert _proposal(app, proposed.id).status == "withdrawn"
    assert "Withdrawn (1)" in rita.get("/desk/proposals/mine").text


# -- a correction ---------------------------------------------------------------------------

def test_a_proposed_correction_shows_the_record_now_against_the_proposal(app, desk):
    target = "uk-backstop-2025-03-20"
    proposed = _propose(app, action="revise", target=target, body={
        "summary": "Invented for a test: Starmer wants a US backstop.", "note": "Shorter."})
    page = _signed_in(desk, "edna").get(f"/desk/proposals/{proposed.id}").text
    assert f"Correction of statement {target}" in page
    assert "field by field against revision 1, because: “Shorter.”" in page
    assert "<h3>Summary</h3>" in page and "Invented for a test: Starmer wants a US backstop." in page
    assert "<h3>Quote</h3>" not in page  # unchanged fields are counted, not listed
    assert "ap-2025-03-20</strong>, ¶28" in page


# -- posts refused -----------------------------------------------------------------------------

def test_posts_without_a_token_from_another_origin_or_signed_out_write_nothing(app, desk):
    proposed = _propose(app)
    path = f"/desk/proposals/{proposed.id}/approve"
    before = _written(app)
    edna = _signed_in(desk, "edna")
    # No CSRF token.
    missing = edna.client.post(path, data={"base_revision": "1"})
    assert missing.status_code == 400
    assert "CSRF token is missing" in missing.text
    # Over HTTPS, from another site's page: the Referer is not this host.
    secure = desk()
    sign_in = secure.client.get("/desk/sign-in", base_url="https://desk.example")
    assert secure.client.post("/desk/sign-in", base_url="https://desk.example", data={
        "csrf_token": csrf_token(sign_in.text), "name": "edna",
        "password": "correct horse battery staple"},
        headers={"Referer": "https://desk.example/desk/sign-in"}).status_code == 303
    token = csrf_token(secure.client.get(f"/desk/proposals/{proposed.id}",
                                         base_url="https://desk.example").text)
    foreign = secure.client.post(path, base_url="https://desk.example",
                                 data={"csrf_token": token, "base_revision": "1"},
                                 headers={"Referer": "https://evil.example/page"})
    assert foreign.status_code == 400
    assert "does not match" in foreign.text
    # Signed out: the sign-in page, nothing written.
    nobody = desk()
    token = csrf_token(nobody.get("/desk/sign-in").text)
    signed_out = nobody.client.post(path, data={"csrf_token": token, "base_revision": "1"})
    assert signed_out.status_code == 401
    assert _written(app) == before
    assert _proposal(app, proposed.id).status == "pending"


def test_a_revision_sent_after_a_return_keeps_what_she_typed(app, desk):
    proposed = _propose(app)
    page = f"/desk/proposals/{proposed.id}"
    rita = _signed_in(desk, "rita")
    form = rita.form(f"{page}/revise")  # at revision 1, pending
    with write_transaction(_engine(app)) as conn:
        proposals.send_back(conn, proposed.id, "Check the date.", "edna", lambda p: True)
    form.update(summary="Invented for a test: Canada is open to a role.")
    before = _written(app)
    late = rita.post(f"{page}/revise", form)
    assert late.status_code == 409
    assert "returned by edna: “Check the date.”" in late.text
    assert "Invented for a test: Canada is open to a role." in late.text
    assert _written(app) == before
    again = rita.form_from(late.text)
    assert again["base_revision"] == "2"
    assert rita.post(f"{page}/revise", again).status_code == 303
    assert _proposal(app, proposed.id).body["summary"] == "Invented for a test: Canada is open to a role."


def test_an_unknown_proposal_is_a_404_page(app, desk):
    missing = _signed_in(desk, "edna").get("/desk/proposals/proposal-nothing")
    assert missing.status_code == 404
    assert missing.mimetype == "text/html"


def test_a_correction_whose_statement_changed_since_is_not_approved(app, desk):
    target = "uk-backstop-2025-03-20"
    proposed = _propose(app, action="revise", target=target, body={
        "summary": "Invented for a test: Starmer wants a US backstop.", "note": "Shorter."})
    edna = _signed_in(desk, "edna")
    # Eve corrects the statement directly meanwhile.
    fields = edna.form(f"/desk/statements/{target}/correct")
    eve = _signed_in(desk, "eve")
    assert eve.post(f"/desk/statements/{target}/correct",
                    {**fields, "quote": fields["quote"] + " (checked)", "reason": "Checked."}
                    ).status_code == 303
    page = edna.get(f"/desk/proposals/{proposed.id}").text
    assert "changed after this was proposed (proposed against revision 1; it is at revision 2" in page
    assert "Approval would be refused" in page
    before = _written(app)
    refused = _approve(edna, proposed.id)
    assert refused.status_code == 409
    assert "Nothing was approved: Statement &#39;uk-backstop-2025-03-20&#39; changed after" in refused.text
    assert _written(app) == before
