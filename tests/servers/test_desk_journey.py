"""A reporter's morning at the desk, in a real browser against a live gunicorn: the
reporter adds the bundled AP report as a source by pasting its text, opens it,
codes Zelensky's 20 March statement from its marked sentence, previews what
readers will see and submits it for review; a second editor approves it and the
public embed shows it.

Counted: the reporter's actions from the source page to submitted (each click and
each key pressed, except the characters of the quote she types), on a phone
(360 px) with a pointer, and by keyboard alone. axe-core finds no WCAG 2.1 A or AA
violation on any page of sources and coding, at 360 and 1280 px.

The approval is a second editor's, in the desk's review queue: she opens the
queue, the proposal, and presses "Approve and publish".

`STANDPOINT_UPDATE_SCREENSHOTS=1` (or `make screenshots`) copies desk-source.png,
desk-coding-preview.png and desk-review-queue.png, all at 360 px, into docs/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .browser import AXE, BROWSER_MARKS, axe_violations, screenshot
from .server import live_server
from .test_desk_browser import PASSWORD, sign_in_by_keyboard

pytestmark = BROWSER_MARKS

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "service" / "data" / "sources" / "ap-2025-03-20.txt"
ZELENSKY = "ukraine-ceasefire-scope-2025-03-20"
EMBED = "/embed/actors/ukraine/timeline?topics=ceasefire_scope"
MOST_ACTIONS = 10


class Desk:
    """The live server, and the bundled record's own account of Zelensky's statement."""

    def __init__(self, url: str, database_url: str, statement):
        self.url, self.database_url, self.statement = url, database_url, statement


@pytest.fixture
def desk(tmp_path):
    """A new server per test: the journey records things. The bundled statement is
    retracted first, so that coding it again from its sentence is what puts it back."""
    from service import create_app
    from service.store import accounts, records
    from service.store.engine import write_transaction
    from service.store.kinds import STATEMENTS
    from service.store.read import Record

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    app = create_app({"DATABASE_URL": url})
    engine = app.extensions["standpoint.engine"]
    for name, role in (("edna", "editor"), ("eve", "editor"), ("rita", "reporter")):
        accounts.add_account(engine, name, role, PASSWORD)
    with engine.connect() as conn:
        statement = Record(conn).current(STATEMENTS, ZELENSKY)
    with write_transaction(engine) as conn:
        records.retract(STATEMENTS, conn, ZELENSKY, "The journey codes it again.", "test",
                        lambda item: True)
    engine.dispose()
    with live_server(tmp_path, url, workers=1, STANDPOINT_SECRET_KEY="journey-secret") as running:
        yield Desk(running.url, url, statement)


def add_the_report_by_pasting(page, server: str, source_id: str) -> None:
    """The reporter pastes the bundled report into the new-source form (reporters add
    sources, as at the API)."""
    page.goto(server + "/desk/sources/new")
    page.fill("#text", REPORT.read_text("utf-8"))
    page.fill("#publisher", "Associated Press")
    page.fill("#published_on", "2025-03-20")
    page.fill("#published_on_basis", "AP's dateline, outside the report's text.")
    page.fill("#id", source_id)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith(f"/desk/sources/{source_id}")


def approve_as_second_editor(page, server: str, proposal_id: str, found: dict) -> None:
    """Eve, an editor who did not propose it, approves it in the review queue."""
    page.goto(server + "/desk/review")
    check_axe(page, server, "review queue", found)
    # The queue as it is in the docs: the reporter's real proposal beside its paragraph.
    screenshot(page, "desk-review-queue", full_page=False)
    with page.expect_navigation():
        page.click(f"a[href='/desk/proposals/{proposal_id}']")
    check_axe(page, server, "proposal", found)
    with page.expect_navigation():
        page.click("button:has-text('Approve and publish')")
    assert page.locator(".flash").inner_text().startswith("Approved: statement")


def submitted_proposal(page) -> str:
    flash = page.locator(".flash").inner_text()
    found = re.search(r"Proposal (\S+) submitted for review", flash)
    assert found, flash
    return found.group(1)


def embed_shows_it(page, server: str, statement) -> bool:
    page.goto(server + EMBED)
    text = re.sub(r"\s+", " ", page.locator("body").inner_text())
    return "20 March 2025" in text and "Energy and civilian infrastructure" in text


def check_axe(page, server: str, name: str, found: dict) -> None:
    if not AXE.exists():
        return
    violations = axe_violations(page, server)
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        violations.append("the page is wider than the screen")
    if violations:
        found[name] = violations


def test_a_reporter_codes_zelenskys_statement_from_its_sentence_on_a_phone(desk, watched):
    server, statement = desk.url, desk.statement
    edna, rita, eve = watched(PHONE), watched(PHONE), watched(PHONE)
    found: dict[str, list[str]] = {}
    sign_in_by_keyboard(edna.page, server, "edna")
    sign_in_by_keyboard(eve.page, server, "eve")
    # The reporter adds the report she codes from (a source asserts no position).
    sign_in_by_keyboard(rita.page, server, "rita")
    add_the_report_by_pasting(rita.page, server, "ap-pasted")
    page = rita.page
    assert not embed_shows_it(page, server, statement)

    page.goto(server + "/desk/sources/ap-pasted")
    check_axe(page, server, "source", found)
    page.locator(f"#p{statement.anchor.paragraph}").scroll_into_view_if_needed()
    screenshot(page, "desk-source", full_page=False)
    actions = 0
    # 1: the candidate's "Code this".
    with page.expect_navigation():
        page.locator(f"#p{statement.anchor.paragraph} a", has_text="Code this").first.click()
    actions += 1
    check_axe(page, server, "coding form", found)
    assert page.locator("#speaker_name").input_value() == statement.speaker.name
    assert page.locator("#stated_on").input_value() == statement.stated_on.isoformat()
    # 2-3: into the quote, select all; the quote's own characters are not counted.
    page.click("#quote")
    page.keyboard.press("Control+A")
    actions += 2
    page.keyboard.type(statement.quote)
    # 4: the stance, read off the scale.
    page.check(f"input[name=stance][value={statement.stance}]")
    actions += 1
    # 5: Preview.
    with page.expect_navigation():
        page.click("button[value=preview]")
    actions += 1
    preview = page.locator("section.preview")
    assert preview.is_visible()
    assert "If approved: Ukraine" in preview.inner_text()
    assert page.locator("#anchor_exact").input_value() == statement.anchor.exact
    check_axe(page, server, "coding preview", found)
    page.set_viewport_size({"width": 360, "height": 1000})  # the preview and its buttons
    preview.scroll_into_view_if_needed()
    screenshot(page, "desk-coding-preview", full_page=False)
    page.set_viewport_size(PHONE)
    # 6: Submit for review.
    with page.expect_navigation():
        page.click("button[value=submit]")
    actions += 1
    proposal_id = submitted_proposal(page)
    assert actions <= MOST_ACTIONS
    assert actions == 6
    # Nothing public yet; a second editor approves; the embed shows it.
    assert page.url.endswith(f"/desk/proposals/{proposal_id}#main")
    assert not embed_shows_it(page, server, statement)
    approve_as_second_editor(eve.page, server, proposal_id, found)
    assert embed_shows_it(page, server, statement)
    assert found == {}
    for tab in (edna, rita, eve):
        assert tab.errors == []
        assert tab.foreign_requests(server) == []


def _tab_to(page, test: str, most: int = 120) -> int:
    """Press Tab until `test` (a JS expression on document.activeElement) holds: the presses."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!({test}); }})()"):
            return presses
    raise AssertionError(f"never reached {test}")


def test_the_same_journey_by_keyboard_alone(desk, watched):
    server, statement = desk.url, desk.statement
    edna, rita, eve = watched(PHONE), watched(PHONE), watched(PHONE)
    sign_in_by_keyboard(edna.page, server, "edna")
    sign_in_by_keyboard(rita.page, server, "rita")
    add_the_report_by_pasting(rita.page, server, "ap-pasted")
    sign_in_by_keyboard(eve.page, server, "eve")
    page = rita.page
    page.goto(server + "/desk/sources/ap-pasted")
    keys = _tab_to(page, f"e.textContent.startsWith('Code this') && e.closest('#p{statement.anchor.paragraph}')"
                         f" && e.getAttribute('href').includes('actor={statement.actor}')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    keys += 1
    # The stance: Tab into the scale's radio group, arrows to the value, which checks it.
    keys += _tab_to(page, "e.name === 'stance'")
    values = page.eval_on_selector_all("input[name=stance]", "els => els.map(e => e.value)")
    for _ in range(values.index(statement.stance)):
        page.keyboard.press("ArrowDown")
        keys += 1
    if values.index(statement.stance) == 0:
        page.keyboard.press("Space")
        keys += 1
    assert page.locator(f"input[name=stance][value={statement.stance}]").is_checked()
    keys += _tab_to(page, "e.name === 'quote'")
    page.keyboard.press("Control+A")
    keys += 1
    page.keyboard.type(statement.quote)
    keys += _tab_to(page, "e.value === 'preview'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    keys += 1
    assert "If approved: Ukraine" in page.locator("section.preview").inner_text()
    keys += _tab_to(page, "e.value === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    keys += 1
    proposal_id = submitted_proposal(page)
    print(f"keyboard alone: {keys} key presses from the source page to submitted")
    approve_as_second_editor(eve.page, server, proposal_id, {})
    assert embed_shows_it(page, server, statement)
    assert rita.errors == [] and rita.foreign_requests(server) == []


@pytest.mark.skipif(not AXE.exists(), reason=(
    "node_modules/axe-core is not installed: run `npm ci` at the repository root"))
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_no_wcag_21_aa_violation_on_any_page_of_sources_and_coding(desk, watched, viewport):
    server = desk.url
    edna, rita = watched(viewport), watched(viewport)
    found: dict[str, list[str]] = {}
    sign_in_by_keyboard(edna.page, server, "edna")
    sign_in_by_keyboard(rita.page, server, "rita")
    for name, path in (("sources", "/desk/sources"), ("new source", "/desk/sources/new"),
                       ("source", "/desk/sources/ap-2025-03-20")):
        edna.page.goto(server + path)
        check_axe(edna.page, server, name, found)
    # The new-source form sent empty: the errors at their fields.
    edna.page.goto(server + "/desk/sources/new")
    with edna.page.expect_navigation():
        edna.page.click("main button[type=submit]")
    assert edna.page.locator("[aria-invalid=true]").count() > 0
    check_axe(edna.page, server, "new source with errors", found)
    # Words selected outside any candidate (the page's script): choose the cell.
    page = rita.page
    page.goto(server + "/desk/sources/ap-2025-03-20")
    check_axe(page, server, "source for a reporter", found)
    page.evaluate("""() => {
        const text = document.querySelector('#p2 .ptext').firstChild;
        const range = document.createRange();
        range.setStart(text, 0); range.setEnd(text, 26);
        const selection = window.getSelection();
        selection.removeAllRanges(); selection.addRange(range);
    }""")
    page.wait_for_function("!document.getElementById('code-selection').disabled")
    with page.expect_navigation():
        page.click("#code-selection")
    assert "paragraph=2" in page.url
    check_axe(page, server, "choose the cell", found)
    page.select_option("#actor", "uk")
    page.select_option("#topic", "peacekeepers")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    check_axe(page, server, "coding selected words", found)
    # The coding form sent without a stance: errors marked.
    with page.expect_navigation():
        page.click("button[value=preview]")
    assert page.locator("fieldset.invalid .error").first.inner_text()
    check_axe(page, server, "coding form with errors", found)
    assert found == {}
    for tab in (edna, rita):
        assert [e for e in tab.errors if "UNPROCESSABLE" not in e] == []
        assert tab.foreign_requests(server) == []
