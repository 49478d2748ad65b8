"""Sources at the desk and coding a statement from one: the bundled report read
paragraph by paragraph with its candidate sentences marked; Zelensky's 20 March
statement coded from its sentence, filled in by the rules the record itself
follows; the preview made by the real write rolled back; a reporter's proposal
recorded once however often the form is sent; a source's text always shown as
text."""

from __future__ import annotations

import html
import io
import re

from service.domain.candidates import candidates, reading_for
from service.domain.selectors import Anchor, TextQuoteSelector, check
from service.domain.source_text import source_text
from service.store import proposals, records
from service.store.engine import write_transaction
from service.store.kinds import SOURCES, STATEMENTS
from service.store.read import Record

from ..helpers import data_version

SOURCE = "ap-2025-03-20"
ZELENSKY = "ukraine-ceasefire-scope-2025-03-20"
CODE_LINK = re.compile(r'href="(/desk/sources/[^"/]+/code\?[^"]+)"')


def _engine(app):
    return app.extensions["standpoint.engine"]


def _signed_in(desk, name):
    me = desk()
    assert me.sign_in(name).status_code == 303
    return me


def _bundled(app):
    """The bundled report, its candidates as the finder makes them, and Zelensky's statement."""
    with _engine(app).connect() as conn:
        record = Record(conn)
        source = record.current(SOURCES, SOURCE)
        text = source_text(source.text)
        reading = reading_for(record.actors.values(), record.topics.values(),
                              record.reading(source.language))
        found = candidates(text, source.id, source.published_on, reading)
        return source, text, found, record.current(STATEMENTS, ZELENSKY)


def _anchor_of(statement) -> Anchor:
    a = statement.anchor
    return Anchor(statement.source.id, a.paragraph, TextQuoteSelector(a.exact, a.prefix, a.suffix))


def _proposals(app) -> list:
    with _engine(app).connect() as conn:
        return proposals.listing(conn, None, None, 0, 100)[0]


def _code_link_for(page_text: str, paragraph: int, actor: str) -> str:
    links = [html.unescape(link) for link in CODE_LINK.findall(page_text)]
    return next(link for link in links if f"paragraph={paragraph}&" in link and f"actor={actor}" in link)


def _retract_the_bundled_statement(app) -> None:
    """Zelensky's statement is in the bundled record already: take it out, so coding it
    again from its sentence is what puts it back."""
    with write_transaction(_engine(app)) as conn:
        records.retract(STATEMENTS, conn, ZELENSKY, "Coded again from its sentence in this test.",
                        "test", lambda item: True)


def _coded(me, app):
    """Rita opens the bundled report and codes Zelensky's sentence: the filled-in form."""
    _, _, _, statement = _bundled(app)
    page = me.get(f"/desk/sources/{SOURCE}")
    link = _code_link_for(page.text, statement.anchor.paragraph, statement.actor)
    form = me.get(link)
    assert form.status_code == 200
    return link, form


# -- the source page --------------------------------------------------------------------------

def test_the_source_page_marks_the_bundled_reports_candidates(app, desk):
    me = _signed_in(desk, "rita")
    _, text, found, _ = _bundled(app)
    page = me.get(f"/desk/sources/{SOURCE}")
    assert page.status_code == 200
    marks = [html.unescape(m) for m in re.findall(r"<mark id=\"c\d+\">(.*?)</mark>", page.text, re.DOTALL)]
    assert marks == [c.sentence for c in found]
    assert len(CODE_LINK.findall(page.text)) == len(found)
    # Every paragraph, numbered as the record cites it.
    for paragraph in text.paragraphs:
        assert f'id="p{paragraph.number}" data-paragraph="{paragraph.number}"' in page.text
    # Each statement resting on the text is named in its own paragraph.
    with _engine(app).connect() as conn:
        resting = [s for s in Record(conn).statements_on(SOURCE) if s.anchor]
    assert resting
    for statement in resting:
        item = re.search(rf'<li id="p{statement.anchor.paragraph}" .*?</li>\s*</ul>|'
                         rf'<li id="p{statement.anchor.paragraph}" .*?(?=<li id="p)', page.text, re.DOTALL)
        assert item and f"/desk/statements/{statement.id}" in item.group(0), statement.id


def test_the_sources_list_names_the_bundled_report_and_a_reporter_adds_one(app, desk):
    rita = _signed_in(desk, "rita")
    listed = rita.get("/desk/sources")
    assert f"/desk/sources/{SOURCE}" in listed.text
    # A reporter records the article she codes from, as at the API (POST /v1/sources,
    # scope reporter); what she codes from it still goes to review.
    assert "/desk/sources/new" in listed.text
    before = data_version(app)
    sent = rita.post("/desk/sources/new", {"publisher": "Wire", "published_on": "2025-03-20",
                                           "language": "en", "text": "One line.",
                                           "id": "wire-2025-03-20"},
                     token_from="/desk/sources")
    assert sent.status_code == 303
    assert data_version(app) == before + 1
    with _engine(app).connect() as conn:
        assert Record(conn).current(SOURCES, "wire-2025-03-20").recorded_by == "rita"


def test_an_editor_adds_the_bundled_report_by_pasting_it_and_it_reads_the_same(app, desk):
    me = _signed_in(desk, "edna")
    bundled, text, found, _ = _bundled(app)
    # A browser sends a textarea's lines with CRLF: the text kept is the one pasted.
    sent = me.post("/desk/sources/new", {
        "text": bundled.text.replace("\n", "\r\n"), "publisher": "Associated Press",
        "published_on": "2025-03-20", "language": "en", "byline": bundled.byline,
        "published_on_basis": bundled.published_on_basis, "id": "ap-again"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == "/desk/sources/ap-again"
    with _engine(app).connect() as conn:
        again = Record(conn).current(SOURCES, "ap-again")
    assert again.sha256 == bundled.sha256 and again.recorded_by == "edna"
    page = me.get("/desk/sources/ap-again")
    assert f"{len(text.paragraphs)} paragraphs recorded" in page.text or \
        f"{len(text.paragraphs)} paragraphs" in page.text
    assert page.text.count("<mark ") == len(found)


def test_an_editor_adds_a_saved_page_reduced_to_its_main_text(app, desk):
    me = _signed_in(desk, "edna")
    page_html = ("<html><head><title>t</title></head><body><nav>Home | World</nav><article>"
                 "<h1>Talks</h1><p>Zelensky said on Thursday that Ukraine would identify what it "
                 "considers civilian infrastructure for a ceasefire.</p><p>Russia rejected the "
                 "plan.</p></article><footer>© Example</footer></body></html>")
    page = me.get("/desk/sources/new")
    from tests.desk.conftest import csrf_token
    sent = me.client.post("/desk/sources/new", data={
        "csrf_token": csrf_token(page.text), "publisher": "Example News",
        "published_on": "2025-03-21", "language": "en", "id": "example-page",
        "page": (io.BytesIO(page_html.encode()), "talks.html")},
        content_type="multipart/form-data")
    assert sent.status_code == 303, sent.text
    with _engine(app).connect() as conn:
        kept = Record(conn).current(SOURCES, "example-page")
    lines = [line for line in kept.text.splitlines() if line.strip()]
    assert any("Zelensky said on Thursday" in line for line in lines)
    assert not any("Home | World" in line for line in lines)


def test_a_new_source_needs_exactly_one_of_text_page_or_why_none(app, desk):
    me = _signed_in(desk, "edna")
    before = data_version(app)
    neither = me.post("/desk/sources/new", {"publisher": "Wire", "published_on": "2025-03-20",
                                            "language": "en"})
    assert neither.status_code == 422
    assert "Paste the text, upload the page, or say why no text is kept." in neither.text
    both = me.post("/desk/sources/new", {"publisher": "Wire", "published_on": "2025-03-20",
                                         "language": "en", "text": "A line.",
                                         "text_withheld": "Rights."})
    assert both.status_code == 422
    assert data_version(app) == before


def test_a_source_with_script_in_its_text_shows_it_as_text(app, desk):
    me = _signed_in(desk, "edna")
    hostile = ("Zelensky said on Thursday <script>alert('x')</script> that Ukraine wants a "
               "ceasefire.\n<img src=x onerror=alert(1)> Russia said no.")
    sent = me.post("/desk/sources/new", {"publisher": "Hostile", "published_on": "2025-03-20",
                                         "language": "en", "text": hostile, "id": "hostile"})
    assert sent.status_code == 303
    page = me.get("/desk/sources/hostile")
    body = page.text[page.text.index("<main"):]
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    # The page's only script is the desk's own file (CSP script-src 'self').
    assert re.findall(r"<script[^>]*>", body) == [
        m for m in re.findall(r"<script[^>]*>", body) if 'src="/desk/assets/select.js' in m]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


# -- coding a statement from its sentence ---------------------------------------------------------

def test_coding_zelenskys_sentence_fills_the_form_by_the_records_rules(app, desk):
    me = _signed_in(desk, "rita")
    source, text, found, statement = _bundled(app)
    _, page = _coded(me, app)
    form = me.form_from(page.text)
    assert "New statement: Ukraine on ceasefire_scope" in page.text
    candidate = next(c for c in found if c.paragraph == statement.anchor.paragraph
                     and statement.actor in c.actors)
    # The candidate's sentence, as quote and anchor, selecting it in its paragraph.
    assert form["anchor_paragraph"] == str(statement.anchor.paragraph)
    assert form["anchor_exact"] == form["quote"] == candidate.sentence
    sentence = check(text, Anchor(SOURCE, int(form["anchor_paragraph"]), TextQuoteSelector(
        form["anchor_exact"], form["anchor_prefix"], form["anchor_suffix"]))).match
    rests_on = check(text, _anchor_of(statement)).match
    assert sentence.start <= rests_on.start and rests_on.end <= sentence.end
    # The date and precision the record has, from "on Thursday"; the speaker the sentence names.
    assert (form["stated_on"], form["date_precision"]) == (
        statement.stated_on.isoformat(), statement.date_precision)
    assert form["speaker_name"] == statement.speaker.name
    assert form["quote_kind"] == statement.quote_kind == "paraphrase"
    assert form["source_id"] == statement.source.id
    assert form["source_location"] == f"¶{statement.anchor.paragraph}"
    assert form["source_publisher"] == source.publisher
    assert "stance" not in form  # the stance is the editor's judgement
    # The stance picker: the topic's whole scale, each with its definition.
    with _engine(app).connect() as conn:
        topic = Record(conn).topics[statement.topic]
    for stance in topic.scale:
        assert f'value="{stance.value}"' in page.text
        assert html.escape(stance.definition, quote=True).replace("&#x27;", "&#39;") in page.text \
            or stance.definition in page.text


def test_coding_selected_words_anchors_them_where_the_record_does(app, desk):
    me = _signed_in(desk, "rita")
    _, text, _, statement = _bundled(app)
    page = me.get(f"/desk/sources/{SOURCE}/code", query_string={
        "paragraph": statement.anchor.paragraph, "exact": statement.anchor.exact})
    assert page.status_code == 200
    form = me.form_from(page.text)
    assert form["quote"] == form["anchor_exact"] == statement.anchor.exact
    mine = check(text, Anchor(SOURCE, int(form["anchor_paragraph"]), TextQuoteSelector(
        form["anchor_exact"], form["anchor_prefix"], form["anchor_suffix"]))).match
    assert mine is not None
    assert (mine.start, mine.end) == (check(text, _anchor_of(statement)).match.start,
                                      check(text, _anchor_of(statement)).match.end)
    assert (form["stated_on"], form["date_precision"]) == (
        statement.stated_on.isoformat(), statement.date_precision)


def test_words_not_in_the_paragraph_are_refused_with_a_page_saying_so(app, desk):
    me = _signed_in(desk, "rita")
    page = me.get(f"/desk/sources/{SOURCE}/code",
                  query_string={"paragraph": 6, "exact": "words the report never had"})
    assert page.status_code == 422
    assert "is not in ¶6" in page.text
    assert me.get(f"/desk/sources/{SOURCE}/code", query_string={"paragraph": 99, "exact": "x"}
                  ).status_code == 422


def _previewed(me, app, link, page, **changes):
    _, _, _, statement = _bundled(app)
    form = me.form_from(page.text)
    form.update(quote=statement.quote, stance=statement.stance, action="preview", **changes)
    from tests.desk.conftest import csrf_token
    return me.client.post(link, data={"csrf_token": csrf_token(page.text), **form})


def test_the_preview_shows_the_sentence_readers_would_see_and_writes_nothing(app, desk):
    _retract_the_bundled_statement(app)
    me = _signed_in(desk, "rita")
    link, page = _coded(me, app)
    before = data_version(app)
    previewed = _previewed(me, app, link, page)
    assert previewed.status_code == 200
    assert data_version(app) == before and _proposals(app) == []
    shown = [html.unescape(s) for s in re.findall(
        r'<section class="preview coding".*?<ul>(.*?)</ul>', previewed.text, re.DOTALL)[0].split("<li>")[1:]]
    shown = [s.replace("</li>", "").strip() for s in shown]
    # The quote, cut down to the words the record rests on, narrowed the anchor to them.
    form = me.form_from(previewed.text)
    statement = _bundled(app)[3]
    assert form["anchor_exact"] == statement.anchor.exact
    # What the preview said is what the proposal, once made, says approval would do.
    form["action"] = "submit"
    from tests.desk.conftest import csrf_token
    sent = me.client.post(link, data={"csrf_token": csrf_token(previewed.text), **form})
    assert sent.status_code == 303
    (proposal,) = _proposals(app)
    _, found = proposals.preview(_engine(app), proposal.id)
    assert shown == found.sentences
    assert shown and shown[0].startswith("If approved: Ukraine")
    # And the cell as the embeds will show it: the new position, with its words.
    assert "Once published" in previewed.text
    assert html.escape(statement.quote, quote=False) in previewed.text


def test_a_reporter_submits_one_proposal_however_often_the_form_is_sent(app, desk):
    _retract_the_bundled_statement(app)
    me = _signed_in(desk, "rita")
    link, page = _coded(me, app)
    previewed = _previewed(me, app, link, page)
    form = {**me.form_from(previewed.text), "action": "submit"}
    from tests.desk.conftest import csrf_token
    token = csrf_token(previewed.text)
    before = data_version(app)
    first = me.client.post(link, data={"csrf_token": token, **form})
    second = me.client.post(link, data={"csrf_token": token, **form})  # a double click
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    (proposal,) = _proposals(app)
    assert proposal.proposed_by == "rita" and proposal.status == "pending"
    assert proposal.body["anchor"]["exact"] == _bundled(app)[3].anchor.exact
    assert data_version(app) == before  # a proposal is not the record
    shown = me.get(second.headers["Location"])
    assert "This form was sent already: nothing more was recorded." in shown.text
    # A second editor approves it: the statement is on the record once.
    with write_transaction(_engine(app)) as conn:
        _, written = proposals.approve(conn, proposal.id, "edna", lambda p: True)
    with _engine(app).connect() as conn:
        record = Record(conn)
        on_cell = [s for s in record.statements_on(SOURCE)
                   if (s.actor, s.topic, s.stated_on) == ("ukraine", "ceasefire_scope",
                                                          written.stated_on)]
    assert [s.id for s in on_cell] == [written.id]
    # A new form (a new token) is a new proposal.
    link, page = _coded(me, app)
    again = _previewed(me, app, link, page)
    third = me.client.post(link, data={"csrf_token": csrf_token(again.text),
                                       **me.form_from(again.text), "action": "submit"})
    assert third.status_code == 303
    assert len(_proposals(app)) == 2


def test_a_reporter_cannot_publish_from_the_coding_form(app, desk):
    me = _signed_in(desk, "rita")
    link, page = _coded(me, app)
    assert 'value="publish"' not in page.text
    previewed = _previewed(me, app, link, page)
    assert 'value="submit"' in previewed.text and 'value="publish"' not in previewed.text
    before = data_version(app)
    from tests.desk.conftest import csrf_token
    refused = me.client.post(link, data={"csrf_token": csrf_token(previewed.text),
                                         **me.form_from(previewed.text), "action": "publish"})
    assert refused.status_code == 403
    assert "reporters propose" in refused.text
    assert data_version(app) == before and _proposals(app) == []


def test_an_editor_publishes_from_the_coding_form_unless_review_is_required(app, desk, monkeypatch):
    _retract_the_bundled_statement(app)
    me = _signed_in(desk, "edna")
    link, page = _coded(me, app)
    previewed = _previewed(me, app, link, page)
    assert 'value="publish"' in previewed.text
    form = {**me.form_from(previewed.text), "action": "publish"}
    from tests.desk.conftest import csrf_token
    monkeypatch.setitem(app.config, "REVIEW_REQUIRED", True)
    refused = me.client.post(link, data={"csrf_token": csrf_token(previewed.text), **form})
    assert refused.status_code == 403
    monkeypatch.setitem(app.config, "REVIEW_REQUIRED", False)
    published = me.client.post(link, data={"csrf_token": csrf_token(previewed.text), **form})
    assert published.status_code == 303
    item_id = published.headers["Location"].split("#")[0].rsplit("/", 1)[1]
    with _engine(app).connect() as conn:
        record = Record(conn)
        statement = record.current(STATEMENTS, item_id)
        position = record.positions([record.actors["ukraine"]], [record.topics["ceasefire_scope"]],
                                    statement.stated_on)[("ukraine", "ceasefire_scope")]
    assert statement.recorded_by == "edna" and statement.anchor.verified
    assert position.statement.id == item_id


def test_a_form_without_its_one_time_token_records_nothing(app, desk):
    me = _signed_in(desk, "rita")
    link, page = _coded(me, app)
    previewed = _previewed(me, app, link, page)
    form = {**me.form_from(previewed.text), "action": "submit", "once": ""}
    from tests.desk.conftest import csrf_token
    refused = me.client.post(link, data={"csrf_token": csrf_token(previewed.text), **form})
    assert refused.status_code == 400
    assert _proposals(app) == []


def test_a_form_sent_twice_at_once_records_one_proposal(app, desk):
    """A double click: the same form, with the same session and token, posted twice at
    the same moment. The token's row decides: one proposal, and both answers lead to it."""
    import threading

    me = _signed_in(desk, "rita")
    link, page = _coded(me, app)
    previewed = _previewed(me, app, link, page)
    from tests.desk.conftest import csrf_token
    data = {"csrf_token": csrf_token(previewed.text), **me.form_from(previewed.text),
            "action": "submit"}
    cookie = me.client.get_cookie("standpoint_desk", path="/desk/")
    answers, start = [], threading.Barrier(2)

    def click():
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value, path="/desk/")
        start.wait()
        answers.append(client.post(link, data=data))

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert len(_proposals(app)) == 1


def test_a_cells_new_statement_form_fills_in_from_a_sources_words_too(app, desk):
    """seams.statement_prefill: the cell's own form takes ?source=&paragraph=&exact=."""
    me = _signed_in(desk, "edna")
    _, _, _, statement = _bundled(app)
    path = f"/desk/cells/{statement.actor}/{statement.topic}/statements/new"
    form = me.form_from(me.get(path, query_string={
        "source": SOURCE, "paragraph": statement.anchor.paragraph,
        "exact": statement.anchor.exact}).text)
    assert (form["quote"], form["anchor_paragraph"], form["stated_on"], form["speaker_name"]) == (
        statement.anchor.exact, str(statement.anchor.paragraph), statement.stated_on.isoformat(),
        statement.speaker.name)
    # Words that are not there: the empty form, as before.
    empty = me.form_from(me.get(path, query_string={"source": SOURCE, "paragraph": 6,
                                                    "exact": "not in the report"}).text)
    assert empty["quote"] == "" and empty["source_id"] == ""


def test_one_time_tokens_are_forgotten_once_no_session_could_send_their_form(app, desk):
    import datetime as dt

    import sqlalchemy as sa

    from service.store import form_tokens, tables
    engine = _engine(app)
    url, made = form_tokens.once(engine, "rita", "a" * 32, lambda conn: "/desk/somewhere")
    assert (url, made) == ("/desk/somewhere", True)
    assert form_tokens.once(engine, "rita", "a" * 32, lambda conn: "/elsewhere") == (
        "/desk/somewhere", False)
    with write_transaction(engine) as conn:
        conn.execute(tables.desk_form_tokens.update().values(
            created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(
                hours=app.config["DESK_SESSION_HOURS"], minutes=1)))
    _signed_in(desk, "edna")  # each sign-in forgets what no session can send any more
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(
            tables.desk_form_tokens)).scalar_one() == 0


def test_a_page_without_main_text_or_not_in_utf8_is_refused_saying_why(app, desk):
    from tests.desk.conftest import csrf_token
    me = _signed_in(desk, "edna")
    before = data_version(app)
    latin = ("<html><body><article><p>Café crème, said Zelensky on Thursday, in a long enough "
             "paragraph to be the main text.</p></article></body></html>").encode("latin-1")
    for page_bytes, why in ((b"<html><body><script>var a = 1;</script></body></html>", "no main text found"),
                            (latin, "not UTF-8")):
        form = me.get("/desk/sources/new")
        sent = me.client.post("/desk/sources/new", data={
            "csrf_token": csrf_token(form.text), "publisher": "Example News",
            "published_on": "2025-03-21", "language": "en",
            "page": (io.BytesIO(page_bytes), "page.html")}, content_type="multipart/form-data")
        assert sent.status_code == 422
        assert why in sent.text
    assert data_version(app) == before
