"""/v1/sources: sources are append-only records with their archived text; statements anchor
to them by a W3C TextQuoteSelector that every write checks against that text; candidate
sentences are proposed from it (docs/SOURCES.md)."""

from __future__ import annotations

import pytest

from .test_writes import make_key, post

BUNDLED = "ap-2025-03-20"
DAY = "2025-03-20"
BACKSTOP = "Starmer says the plan won’t work without that U.S. “backstop.”"

# A statement resting on ¶28 of the bundled report, as an editor types it (straight quotes).
STATEMENT = {
    "actor": "uk", "topic": "backstop", "stance": "requires",
    "summary": "Starmer says a European force needs a US backstop.",
    "quote": "Starmer says the plan won't work without that U.S. \"backstop.\"",
    "quote_kind": "paraphrase", "stated_on": DAY, "date_precision": "on_or_before",
    "source": {"id": BUNDLED, "location": "¶28"},
    "anchor": {"paragraph": 28, "prefix": "of any breaches of a truce.",
               "exact": "Starmer says the plan won't work without that U.S. \"backstop.\"",
               "suffix": ""},
}


@pytest.fixture
def editor(app):
    return {"Authorization": "Bearer " + make_key(app, "ap-desk", "editor")}


def anchored(**anchor) -> dict:
    return {**STATEMENT, "anchor": {**STATEMENT["anchor"], **anchor}}


# -- the bundled source --------------------------------------------------------------------

def test_the_bundled_report_is_a_source_with_its_text_pinned(client):
    source = client.get(f"/v1/sources/{BUNDLED}").get_json()
    assert source["publisher"] == "Associated Press" and source["language"] == "en"
    assert source["text_kept"] is True and source["text_withheld"] is None
    assert source["sha256"] == "b1f6580e38385ba61da99c00e7d59cf5e2f7361e898b6e84a6df250ae12dc426"
    assert source["paragraphs"] == 34
    assert "text" not in source  # the text itself is for editors (docs/DATA.md)
    listing = client.get("/v1/sources").get_json()
    assert [s["id"] for s in listing["items"]] == [BUNDLED]


def test_every_bundled_statement_is_anchored_and_verified(client):
    body = client.get("/v1/statements?per_page=100").get_json()
    assert body["total"] == 11
    for statement in body["items"]:
        assert statement["source"]["id"] == BUNDLED
        assert statement["source"]["publisher"] == "Associated Press"  # as before, derived
        assert statement["anchor"]["verified"] is True, statement["id"]
    one = client.get("/v1/statements/uk-backstop-2025-03-20").get_json()
    assert one["anchor"] == {"paragraph": 28, "prefix": "of any breaches of a truce. ",
                             "exact": BACKSTOP, "suffix": "", "verified": True,
                             "unverified": None}


def test_the_paragraphs_are_for_the_newsrooms_keys_only(app, client, editor):
    assert client.get(f"/v1/sources/{BUNDLED}/paragraphs").status_code == 401
    assert client.get(f"/v1/sources/{BUNDLED}/candidates").status_code == 401
    body = client.get(f"/v1/sources/{BUNDLED}/paragraphs", headers=editor).get_json()
    assert len(body["paragraphs"]) == 34
    assert body["paragraphs"][27] == {"number": 28, "text": body["paragraphs"][27]["text"]}
    assert body["paragraphs"][27]["text"].endswith(BACKSTOP)
    # A reporter codes from the text, so her key reads it too.
    reporter = {"Authorization": "Bearer " + make_key(app, "stringer", "reporter")}
    assert client.get(f"/v1/sources/{BUNDLED}/paragraphs", headers=reporter).get_json() == body
    assert client.get(f"/v1/sources/{BUNDLED}/candidates", headers=reporter).status_code == 200


def test_a_reporter_records_a_source_and_only_an_editor_corrects_or_retracts_it(app, client):
    reporter = {"Authorization": "Bearer " + make_key(app, "stringer", "reporter")}
    created = client.post("/v1/sources", json={
        "id": "wire-2025-03-21", "publisher": "Wire", "published_on": "2025-03-21",
        "language": "en", "text": "Kyiv said on Friday it would talk."}, headers=reporter)
    assert created.status_code == 201, created.get_json()
    history = client.get("/v1/sources/wire-2025-03-21/history").get_json()
    assert [item["recorded_by"] for item in history["revisions"]] == ["stringer"]
    etag = {"If-Match": created.headers["ETag"]}
    for url, body in (("/v1/sources/wire-2025-03-21/revisions", {"title": "Changed"}),
                      ("/v1/sources/wire-2025-03-21/retraction", {"reason": "Wrong."})):
        refused = client.post(url, json=body, headers={**reporter, **etag})
        assert refused.status_code == 403, url
    assert client.get("/v1/sources/wire-2025-03-21").get_json()["revision"] == 1


def test_every_bundled_statement_is_among_the_candidates(client, editor):
    body = client.get(f"/v1/sources/{BUNDLED}/candidates", headers=editor).get_json()
    assert (body["statements"], body["statements_found"]) == (11, 11)
    assert len(body["candidates"]) == 9 and body["sentences"] == 49
    assert [c["paragraph"] for c in body["candidates"]] == [5, 6, 7, 9, 9, 18, 26, 28, 28]
    starmer = body["candidates"][-1]
    assert (starmer["actor"], starmer["topic"], starmer["sentence"]) == ("uk", "backstop",
                                                                          BACKSTOP)
    assert starmer["statements"] == ["uk-backstop-2025-03-20"]
    zelensky = body["candidates"][1]
    assert [(d["date"], d["date_precision"]) for d in zelensky["dates"]] == [
        (DAY, "day"), (DAY, "on_or_before")]


def test_a_topics_vocabulary_is_data_an_editor_changes(client, app):
    admin = {"Authorization": "Bearer " + make_key(app, "chief", "admin")}
    response = client.patch("/v1/topics/peacekeepers", headers=admin,
                            json={"vocabulary": ["peacekeep*"]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["vocabulary"] == ["peacekeep*"]
    body = client.get(f"/v1/sources/{BUNDLED}/candidates", headers=admin).get_json()
    # Without "troops" the ¶26 and ¶28 sentences on troops are no longer proposed.
    assert body["statements_found"] == 5
    assert 26 not in [c["paragraph"] for c in body["candidates"]]


# -- anchors checked on every write ----------------------------------------------------------

def test_a_statement_anchored_in_its_source_is_stored_verbatim_and_verified(client, editor):
    response = post(client, "/v1/statements", STATEMENT, editor)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["anchor"]["exact"] == BACKSTOP  # the report's curly quotes, not the typed ones
    assert body["anchor"]["prefix"] == "of any breaches of a truce. "
    assert body["anchor"]["verified"] is True
    assert body["source"]["publisher"] == "Associated Press"
    assert body["source"]["published_on_basis"].startswith("AP's dateline")


def test_a_quote_not_in_its_source_is_refused_naming_anchor_exact(client, editor):
    response = post(client, "/v1/statements",
                    anchored(exact="Starmer says the plan will work without a backstop"), editor)
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert list(problem["errors"]) == ["anchor.exact"]
    assert "is not in ¶28" in problem["errors"]["anchor.exact"][0]


def test_a_changed_prefix_is_refused_naming_anchor_prefix(client, editor):
    response = post(client, "/v1/statements", anchored(prefix="in case of any breach."), editor)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["anchor.prefix"]
    assert "does not precede exact in ¶28" in errors["anchor.prefix"][0]


def test_a_wrong_suffix_or_paragraph_names_its_field(client, editor):
    suffix = post(client, "/v1/statements", anchored(suffix="And Trump"), editor)
    assert list(suffix.get_json()["errors"]) == ["anchor.suffix"]
    elsewhere = post(client, "/v1/statements",
                     {**anchored(paragraph=26), "source": {"id": BUNDLED, "location": "¶26"}},
                     editor)
    assert elsewhere.status_code == 422
    assert "but in ¶28" in elsewhere.get_json()["errors"]["anchor.exact"][0]
    uncited = post(client, "/v1/statements", {**STATEMENT, "source": {"id": BUNDLED,
                                                                     "location": "¶26"}}, editor)
    assert list(uncited.get_json()["errors"]) == ["anchor.paragraph"]


def test_a_verbatim_quote_outside_exact_is_refused_naming_quote(client, editor):
    response = post(client, "/v1/statements", {**STATEMENT, "quote_kind": "verbatim",
                                               "speaker": {"name": "Keir Starmer"},
                                               "quote": "It will not work."}, editor)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["quote"]


def test_a_correction_is_checked_too(client, editor):
    created = post(client, "/v1/statements", STATEMENT, editor)
    etag = created.headers["ETag"]
    location = created.headers["Location"]
    response = client.post(f"{location}/revisions", headers={**editor, "If-Match": etag},
                           json={"anchor": {**STATEMENT["anchor"], "exact": "Starmer says"}})
    # "Starmer says" opens the sentence, so the prefix still fits and so does the span...
    assert response.status_code == 201, response.get_json()
    etag = response.headers["ETag"]
    refused = client.post(f"{location}/revisions", headers={**editor, "If-Match": etag},
                          json={"anchor": {**STATEMENT["anchor"], "exact": "Starmer said"}})
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["anchor.exact"]


def test_a_translation_is_accepted_and_shown_unverified(client, editor):
    translated = {**STATEMENT, "quote_kind": "translation",
                  "quote": "Starmer dit que le plan ne marchera pas sans ce « filet » américain.",
                  "anchor": {"paragraph": 28,
                             "exact": "Starmer dit que le plan ne marchera pas sans ce filet"}}
    response = post(client, "/v1/statements", translated, editor)
    assert response.status_code == 201, response.get_json()
    anchor = response.get_json()["anchor"]
    assert anchor["verified"] is None
    assert "translation" in anchor["unverified"]
    stored = client.get(response.headers["Location"]).get_json()
    assert stored["quote_kind"] == "translation" and stored["anchor"] == anchor


def test_a_citation_that_disagrees_with_its_source_record_is_refused(client, editor):
    response = post(client, "/v1/statements",
                    {**STATEMENT, "source": {"id": BUNDLED, "location": "¶28",
                                             "publisher": "Reuters"}}, editor)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["source.publisher"]
    unknown = post(client, "/v1/statements", {**STATEMENT, "source": {"id": "nowhere"}}, editor)
    assert list(unknown.get_json()["errors"]) == ["source.id"]


def test_a_statement_without_a_source_record_works_as_before(client, editor):
    legacy = {key: value for key, value in STATEMENT.items() if key != "anchor"}
    legacy["source"] = {"publisher": "Associated Press", "published_on": DAY, "location": "¶28"}
    response = post(client, "/v1/statements", legacy, editor)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["anchor"] is None and body["source"]["id"] is None
    missing = post(client, "/v1/statements", {**legacy, "source": {"location": "¶28"}}, editor)
    assert missing.status_code == 400
    assert set(missing.get_json()["errors"]["source"]) == {"publisher", "published_on"}


# -- new sources -----------------------------------------------------------------------------

TEXT = ("Leaders met in Paris on Monday.\n\n"
        "Macron said France is willing to send troops to Ukraine.\n")


def test_a_source_with_its_text_then_a_statement_anchored_in_it(client, editor):
    created = post(client, "/v1/sources", {
        "id": "afp-2025-03-21", "publisher": "AFP", "published_on": "2025-03-21",
        "language": "en", "text": TEXT}, editor)
    assert created.status_code == 201, created.get_json()
    source = created.get_json()
    assert (source["paragraphs"], source["text_kept"]) == (2, True)
    assert len(source["sha256"]) == 64
    statement = post(client, "/v1/statements", {
        "actor": "france", "topic": "peacekeepers", "stance": "wants_force",
        "summary": "Macron said France is willing to send troops.",
        "quote": "France is willing to send troops", "quote_kind": "paraphrase",
        "stated_on": "2025-03-21", "date_precision": "on_or_before",
        "source": {"id": "afp-2025-03-21"},
        "anchor": {"paragraph": 2, "exact": "France is willing to send troops",
                   "prefix": "Macron said"}}, editor)
    assert statement.status_code == 201, statement.get_json()
    assert statement.get_json()["source"]["location"] == "¶2"
    candidates = client.get("/v1/sources/afp-2025-03-21/candidates", headers=editor).get_json()
    assert [(c["paragraph"], c["actor"], c["topic"]) for c in candidates["candidates"]] == [
        (2, "france", "peacekeepers")]
    assert candidates["statements_found"] == 1


def test_a_source_from_html_keeps_its_main_text(client, editor):
    html = ("<html><head><title>t</title></head><body><nav>Home | World</nav><article>"
            "<h1>Talks in Paris</h1><p>Leaders met in Paris on Monday to discuss a force.</p>"
            "<p>Macron said France is willing to send troops to Ukraine after a deal.</p>"
            "</article><footer>© AFP</footer></body></html>")
    created = post(client, "/v1/sources", {"publisher": "AFP", "published_on": "2025-03-21",
                                           "language": "en", "html": html}, editor)
    assert created.status_code == 201, created.get_json()
    source_id = created.get_json()["id"]
    paragraphs = client.get(f"/v1/sources/{source_id}/paragraphs", headers=editor).get_json()
    texts = [p["text"] for p in paragraphs["paragraphs"]]
    assert "Macron said France is willing to send troops to Ukraine after a deal." in texts
    assert not any("Home | World" in t for t in texts)
    empty = post(client, "/v1/sources", {"publisher": "AFP", "published_on": "2025-03-21",
                                         "language": "en", "html": "<html><body></body></html>"},
                 editor)
    assert empty.status_code == 422
    assert list(empty.get_json()["errors"]) == ["html"]


def test_a_source_without_text_says_why_and_its_anchors_are_unverified(client, editor):
    refused = post(client, "/v1/sources", {"id": "bbc-radio", "publisher": "BBC Radio 4",
                                           "published_on": "2025-03-21", "language": "en"},
                   editor)
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["text_withheld"]
    created = post(client, "/v1/sources", {
        "id": "bbc-radio", "publisher": "BBC Radio 4", "published_on": "2025-03-21",
        "language": "en", "text_withheld": "A broadcast: no transcript may be kept."}, editor)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["text_kept"], body["sha256"], body["paragraphs"]) == (False, None, None)
    assert client.get("/v1/sources/bbc-radio/paragraphs", headers=editor).status_code == 404
    statement = post(client, "/v1/statements", {
        **STATEMENT, "stated_on": "2025-03-21", "source": {"id": "bbc-radio"},
        "anchor": {"paragraph": 1, "exact": "the plan won't work without it"}}, editor)
    assert statement.status_code == 201, statement.get_json()
    anchor = statement.get_json()["anchor"]
    assert anchor["verified"] is None and "keeps no text" in anchor["unverified"]


def test_a_sources_text_is_fixed_its_citation_correctable(client, editor):
    created = post(client, "/v1/sources", {"id": "afp-fixed", "publisher": "AFP",
                                           "published_on": "2025-03-21", "language": "en",
                                           "text": TEXT}, editor)
    etag = created.headers["ETag"]
    changed = client.post("/v1/sources/afp-fixed/revisions", headers={**editor, "If-Match": etag},
                          json={"text": TEXT + "Another paragraph.\n"})
    assert changed.status_code == 422
    assert list(changed.get_json()["errors"]) == ["text"]
    titled = client.post("/v1/sources/afp-fixed/revisions", headers={**editor, "If-Match": etag},
                         json={"title": "Talks in Paris", "reason": "Headline added."})
    assert titled.status_code == 201, titled.get_json()
    assert titled.get_json()["revision"] == 2
    history = client.get("/v1/sources/afp-fixed/history").get_json()
    assert [r["title"] for r in history["revisions"]] == [None, "Talks in Paris"]
    assert history["revisions"][1]["reason"] == "Headline added."
    retracted = client.post("/v1/sources/afp-fixed/retraction", headers=editor,
                            json={"reason": "Duplicate of the AP report."})
    assert retracted.status_code == 201
    cited = post(client, "/v1/statements", {**STATEMENT, "source": {"id": "afp-fixed"}}, editor)
    assert cited.status_code == 422 and list(cited.get_json()["errors"]) == ["source.id"]


def test_writing_a_source_needs_an_editor_key(client):
    response = post(client, "/v1/sources", {"publisher": "AFP", "published_on": DAY,
                                            "language": "en", "text": TEXT}, {})
    assert response.status_code == 401


def test_the_cli_adds_a_source_from_a_file(app, client, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><nav>Menu</nav><article><p>Macron said France is willing to "
                    "send troops to Ukraine after a deal.</p><p>Scholz said nothing.</p>"
                    "</article></body></html>", "utf-8")
    result = app.test_cli_runner().invoke(args=[
        "sources", "add", str(page), "--publisher", "AFP", "--published-on", "2025-03-21",
        "--id", "afp-page", "--html"])
    assert result.exit_code == 0, result.output
    assert '"id": "afp-page"' in result.output
    source = client.get("/v1/sources/afp-page").get_json()
    assert (source["publisher"], source["language"], source["text_kept"]) == ("AFP", "en", True)
    again = app.test_cli_runner().invoke(args=[
        "sources", "add", str(page), "--publisher", "AFP", "--published-on", "2025-03-21",
        "--id", "afp-page", "--html"])
    assert again.exit_code == 1 and "already exists" in again.output
