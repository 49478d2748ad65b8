"""The desk in a real browser, against a live gunicorn: signed in by keyboard
alone, every desk page (forms, a conflict, a refusal, an error) without a WCAG
2.1 A or AA violation that axe-core finds, at 360 px and at 1280 px, with
nothing wider than a phone's screen but the grid, which scrolls in a region of
its own.

The review pages too: the queue, a proposal (an editor's, its proposer's, one's own),
a return without its reason, an approval of a proposal revised meanwhile, a
reporter's own proposals and the revision forms; an editor approves by keyboard.

`STANDPOINT_UPDATE_SCREENSHOTS=1` (or `make screenshots`) copies desk-grid.png
and desk-conflict.png, both at 360 px, into docs/screenshots/ (the review queue's is
test_desk_journey's, with the journey's real proposal in it).
"""

from __future__ import annotations

import pytest

from .browser import AXE, BROWSER_MARKS, axe_violations, screenshot
from .server import live_server

pytestmark = BROWSER_MARKS

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct horse battery staple"
STATEMENT = "uk-backstop-2025-03-20"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """The server's SQLite file, migrated and seeded, with its people."""
    from service import create_app
    from service.store import accounts

    folder = tmp_path_factory.mktemp("desk")
    url = f"sqlite:///{folder / 'desk.db'}"
    app = create_app({"DATABASE_URL": url})  # migrates and seeds, as a first start would
    engine = app.extensions["standpoint.engine"]
    for name, role in (("edna", "editor"), ("eve", "editor"), ("rita", "reporter")):
        accounts.add_account(engine, name, role, PASSWORD)
    engine.dispose()
    return folder, url


@pytest.fixture(scope="module")
def server(database):
    folder, url = database
    with live_server(folder, url, workers=1, STANDPOINT_SECRET_KEY="browser-test-secret") as running:
        yield running.url


def sign_in_by_keyboard(page, server: str, name: str) -> None:
    """Tab to each field and type; Enter sends the form. No mouse, no script of ours."""
    page.goto(server + "/desk/sign-in")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for field, text in (("name", name), ("password", PASSWORD)):
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == field:
                break
        assert page.evaluate("document.activeElement.name") == field
        # The focused field shows it is focused.
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.type(text)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/desk/")


def no_page_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_desk_works_by_keyboard_alone_on_a_phone(server, watched):
    tab = watched(PHONE)
    page = tab.page
    sign_in_by_keyboard(page, server, "edna")
    # The skip link takes focus past the header to the page's content.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab to a cell of the grid and open it with Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if (page.evaluate("document.activeElement.getAttribute('href') || ''")
                == "/desk/cells/canada/backstop"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/desk/cells/canada/backstop")
    assert no_page_overflow(page)
    assert tab.errors == []
    assert tab.foreign_requests(server) == []


def _conflict(browser_tab, other_tab, server: str):
    """Edna opens a correction; Eve records one first; Edna sends hers: the conflict page."""
    path = f"{server}/desk/statements/{STATEMENT}/correct"
    browser_tab.goto(path)
    other_tab.goto(path)
    other_tab.fill("#summary", "Starmer says a European force cannot work without a US backstop.")
    other_tab.fill("#reason", "Closer to ¶28.")
    with other_tab.expect_navigation():
        other_tab.click("main button[type=submit]")
    browser_tab.fill("#quote", "Starmer says the plan won’t work without that U.S. “backstop.” (checked)")
    browser_tab.fill("#summary", "Starmer: no European force without a US backstop.")
    with browser_tab.expect_navigation():
        browser_tab.click("main button[type=submit]")
    assert browser_tab.locator("#conflict-title").is_visible()


@pytest.mark.skipif(not AXE.exists(), reason=(
    "node_modules/axe-core is not installed: run `npm ci` at the repository root"))
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_no_wcag_21_aa_violation_on_any_desk_page(server, watched, viewport):
    wide = viewport["width"]
    edna, eve, rita = watched(viewport), watched(viewport), watched(viewport)
    found: dict[str, list[str]] = {}

    def check(name: str, tab) -> None:
        violations = axe_violations(tab.page, server)
        if not no_page_overflow(tab.page):
            violations.append(f"the page is wider than {wide} px")
        if violations:
            found[name] = violations

    edna.page.goto(server + "/desk/sign-in")
    check("sign-in", edna)
    edna.page.fill("#name", "edna")
    edna.page.fill("#password", "not the password")
    with edna.page.expect_navigation():
        edna.page.click("main button[type=submit]")
    check("sign-in failed", edna)
    sign_in_by_keyboard(edna.page, server, "edna")
    sign_in_by_keyboard(eve.page, server, "eve")
    sign_in_by_keyboard(rita.page, server, "rita")
    pages = {"grid": "/desk/", "cell": "/desk/cells/uk/backstop",
             "silent cell": "/desk/cells/canada/backstop",
             "statement and history": f"/desk/statements/{STATEMENT}",
             "note and history": "/desk/notes/us-backstop-considered",
             "new statement": "/desk/cells/canada/backstop/statements/new",
             "new note": "/desk/cells/canada/backstop/notes/new",
             "correct statement": f"/desk/statements/{STATEMENT}/correct",
             "correct note": "/desk/notes/us-backstop-considered/correct",
             "retract": f"/desk/statements/{STATEMENT}/retract",
             "not found": "/desk/statements/no-such-statement"}
    for name, path in pages.items():
        edna.page.goto(server + path)
        check(name, edna)
        if name == "grid" and wide == 360:
            screenshot(edna.page, "desk-grid", full_page=False)
    # A form sent with mistakes: errors marked at their fields.
    edna.page.goto(server + "/desk/cells/canada/backstop/statements/new")
    with edna.page.expect_navigation():
        edna.page.click("main button[type=submit]")
    assert edna.page.locator("[aria-invalid=true]").count() > 0
    check("new statement with errors", edna)
    # A reporter's refusal.
    rita.page.goto(server + "/desk/cells/canada/backstop/statements/new")
    check("refused to a reporter", rita)
    rita.page.goto(server + "/desk/cells/canada/backstop")
    check("cell for a reporter", rita)
    # Two editors at once: the conflict page.
    edna.page.goto(f"{server}/desk/statements/{STATEMENT}")
    revisions = edna.page.locator("ol.history > li").count()
    _conflict(edna.page, eve.page, server)
    check("conflict", edna)
    if wide == 360:  # the top of the page: the conflict, theirs and yours
        edna.page.set_viewport_size({"width": 360, "height": 1100})
        screenshot(edna.page, "desk-conflict", full_page=False)
        edna.page.set_viewport_size(viewport)
    # Sent again, it records both people's work: two revisions more in the history.
    with edna.page.expect_navigation():
        edna.page.click("main button[type=submit]")
    assert edna.page.locator("ol.history > li").count() == revisions + 2
    check("history after a conflict", edna)
    assert found == {}
    for tab in (edna, eve, rita):
        assert [e for e in tab.errors if "(FORBIDDEN)" not in e and "(NOT FOUND)" not in e
                and "(CONFLICT)" not in e and "UNPROCESSABLE" not in e] == []
        assert tab.foreign_requests(server) == []


# -- the review queue --------------------------------------------------------------------

QUOTED = "Australia, Canada, France and Finland say they are open to being involved in some way"
CANADA = {  # invented for the test: Canada backing a US backstop, resting on ¶26
    "actor": "canada", "topic": "backstop", "stance": "supports",
    "summary": "Invented for a test: Canada backs an American backstop.",
    "quote": QUOTED, "quote_kind": "paraphrase", "stated_on": "2025-03-20",
    "date_precision": "on_or_before", "source": {"id": "ap-2025-03-20", "location": "¶26"},
    "anchor": {"paragraph": 26, "exact": QUOTED, "prefix": "though countries including ",
               "suffix": "."}}


def _in_store(url: str, write):
    """A write made straight in the server's database (as another person's session would)."""
    import sqlalchemy as sa

    from service.store.engine import write_transaction

    engine = sa.create_engine(url)
    try:
        with write_transaction(engine) as conn:
            return write(conn)
    finally:
        engine.dispose()


def _propose(url: str, by: str, body: dict, kind="statement", action="create", target=None):
    from service.store import proposals

    return _in_store(url, lambda conn: proposals.propose(conn, kind, action, target, body,
                                                         by)[0].id)


def _press_by_keyboard(page, label: str) -> None:
    """Tab to the button called `label` and press Enter: no mouse."""
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == label:
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == label
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.skipif(not AXE.exists(), reason=(
    "node_modules/axe-core is not installed: run `npm ci` at the repository root"))
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_the_review_pages_pass_axe_and_an_editor_approves_by_keyboard(server, database, watched,
                                                                        viewport):
    from service.store import proposals

    url = database[1]
    wide = viewport["width"]
    new = _propose(url, "rita", CANADA)
    correction = _propose(url, "rita", {"summary": "Invented for a test: a shorter summary.",
                                        "note": "Shorter."},
                          action="revise", target="ukraine-ceasefire-scope-2025-03-20")
    retraction = _propose(url, "rita", {"reason": "Invented for a test."}, kind="note",
                          action="retract", target="uk-peacekeepers-considered")
    own = _propose(url, "edna", {**CANADA, "stance": "undecided"})
    edna, rita = watched(viewport), watched(viewport)
    found: dict[str, list[str]] = {}

    def check(name: str, tab) -> None:
        violations = axe_violations(tab.page, server)
        if not no_page_overflow(tab.page):
            violations.append(f"the page is wider than {wide} px")
        if violations:
            found[name] = violations

    sign_in_by_keyboard(edna.page, server, "edna")
    sign_in_by_keyboard(rita.page, server, "rita")
    edna.page.goto(server + "/desk/review")
    assert edna.page.locator("mark").first.is_visible()
    check("review queue", edna)
    for name, proposal in (("proposal: new statement", new), ("proposal: correction", correction),
                           ("proposal: retraction", retraction), ("proposal: own", own)):
        edna.page.goto(f"{server}/desk/proposals/{proposal}")
        check(name, edna)
    # A return without its reason: the error at the field.
    edna.page.goto(f"{server}/desk/proposals/{correction}")
    with edna.page.expect_navigation():
        edna.page.click("text=Return with this reason")
    assert edna.page.locator("#reason[aria-invalid=true]").count() == 1
    check("return without a reason", edna)
    edna.page.fill("#reason", "Which paragraph says it is shorter?")
    with edna.page.expect_navigation():
        edna.page.click("text=Return with this reason")
    check("returned", edna)
    # Her own proposals, and the forms that revise them.
    rita.page.goto(server + "/desk/proposals/mine")
    assert rita.page.locator("text=Which paragraph says it is shorter?").first.is_visible()
    check("your proposals", rita)
    for name, proposal in (("revise a correction", correction), ("revise a new statement", new),
                           ("revise a retraction", retraction)):
        rita.page.goto(f"{server}/desk/proposals/{proposal}/revise")
        check(name, rita)
    rita.page.goto(f"{server}/desk/proposals/{new}")
    check("proposal to its proposer", rita)
    # Edna opens the new statement; Rita revises it before Edna approves: nothing is approved,
    # and Edna sees what changed. Then she approves what she now sees, by keyboard.
    edna.page.goto(f"{server}/desk/proposals/{new}")
    _in_store(url, lambda conn: proposals.revise(
        conn, new, {**CANADA, "summary": "Invented for a test: Canada would back it."},
        "Closer to ¶26.", "rita", lambda proposal: True))
    _press_by_keyboard(edna.page, "Approve and publish")
    assert edna.page.locator("#since-title").is_visible()
    check("approval of a proposal revised meanwhile", edna)
    _press_by_keyboard(edna.page, "Approve and publish")
    assert edna.page.locator(".flash").inner_text().startswith("Approved: statement")
    check("approved", edna)
    assert found == {}
    for tab in (edna, rita):
        assert [e for e in tab.errors if "(CONFLICT)" not in e and "UNPROCESSABLE" not in e] == []
        assert tab.foreign_requests(server) == []
