"""What a page may leave out for its readers (issue 26, item 7): `hide=editors_notes`,
`data_links`, `downloads`, comma-separated or repeated as a GET form sends them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.read_only

MATRIX = "/embed/matrix?as_of=2025-03-20&actors=us,uk&topics=backstop"
SPECTRUM = "/embed/topics/peacekeepers/spectrum?as_of=2025-03-20"
TIMELINE = "/embed/actors/us/timeline?to=2025-03-31&topics=backstop"
US_BACKSTOP_NOTE = "The report says Trump has given no sign"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("detail", ["compact", "full"])
def test_editors_notes_show_by_their_reader_text_or_not_at_all(client, detail):
    shown = page(client, f"{MATRIX}&detail={detail}")
    assert US_BACKSTOP_NOTE in shown and "Considered ¶" not in shown
    hidden = page(client, f"{MATRIX}&detail={detail}&hide=editors_notes")
    assert US_BACKSTOP_NOTE not in hidden
    assert "Editors' note" not in hidden and "Why no position" not in hidden
    # The stance itself stays: only the note goes.
    assert "No recorded position" in hidden


def test_hidden_notes_leave_the_spectrum_and_the_timeline_too(client):
    assert "The report quotes no US view" in page(client, SPECTRUM)
    spectrum = page(client, f"{SPECTRUM}&hide=editors_notes")
    assert "The report quotes no US view" not in spectrum
    assert 'data-actor="us"' in spectrum  # still named among the silent
    assert US_BACKSTOP_NOTE in page(client, TIMELINE)
    assert US_BACKSTOP_NOTE not in page(client, f"{TIMELINE}&hide=editors_notes")


def test_data_links_and_downloads_can_be_hidden(client):
    html = page(client, SPECTRUM)
    assert "Get the data (CSV)" in html and "Download PNG" in html
    html = page(client, f"{SPECTRUM}&hide=data_links")
    assert "Get the data (CSV)" not in html and ">JSON<" not in html and "Download PNG" in html
    html = page(client, f"{SPECTRUM}&hide=downloads&hide=data_links")  # as a form sends it
    assert "Download PNG" not in html and "Get the data (CSV)" not in html
    # The credit stays: who the page rests on is not an option.
    assert "Source:" in html and "via" in html


def test_everything_hidden_at_once(client):
    html = page(client, f"{SPECTRUM}&hide=editors_notes,data_links,downloads")
    assert "Download SVG" not in html and "Get the data" not in html
    assert "The report quotes no US view" not in html


@pytest.mark.parametrize("value", ["legend", "editors_notes,credit", "x" * 70])
def test_hiding_anything_else_is_a_400_page_saying_what_can_be(client, value):
    response = client.get(f"{MATRIX}&hide={value}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "hide" in response.get_data(as_text=True)
