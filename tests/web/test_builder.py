"""The embed builder's answers, without a browser (the browser test is
tests/servers/test_builder_browser.py): its state is its URL, the code it makes
is the embed's, and a form that cannot make an embed yet says why."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytestmark = pytest.mark.read_only

BUILDER = "/embed/builder"


def answer(client, query: str) -> str:
    response = client.get(f"{BUILDER}?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    return response.get_data(as_text=True)


def code(html: str) -> str:
    return unescape(re.search(r'<textarea id="code"[^>]*>(.*?)</textarea>', html, re.S).group(1))


def test_a_compare_in_french_with_every_option(client):
    html = answer(client, "view=compare&actors=uk&actors=russia&topics=peacekeepers&lang=fr"
                          "&date=2025-03-20&title=Qui+envoie+des+troupes&theme=dark"
                          "&hide=editors_notes&hide=data_links&detail=full&subtitle=&notes=")
    snippet = code(html)
    src = unescape(re.search(r'<iframe src="([^"]+)"', snippet).group(1))
    assert src == ("http://localhost/embed/compare?as_of=2025-03-20&actors=uk,russia"
                   "&topics=peacekeepers&title=Qui+envoie+des+troupes&theme=dark&lang=fr"
                   "&detail=full&hide=editors_notes,data_links")
    # The frame starts tall enough for a 280 px frame, and at a height for each width.
    heights = dict(map(int, pair.split(":")) for pair in
                   re.search(r'data-standpoint-heights="([^"]+)"', snippet).group(1).split())
    assert sorted(heights) == [280, 320, 360, 480, 640, 960, 1280]
    assert int(re.search(r' height="(\d+)"', snippet).group(1)) == max(heights.values())
    assert 'title="Qui envoie des troupes"' in snippet
    assert "<script>" in snippet
    # The form remembers what was asked: a link reopens the same embed.
    assert 'value="compare" checked' in html and 'value="russia" checked' in html
    assert '<option value="fr" lang="fr" selected>' in html
    # Previews of the real embed at the four widths.
    widths = re.findall(r'data-preview-width="(\d+)"', html)
    assert {"320", "360", "640", "1280"} <= set(widths)


def test_a_chart_lists_its_downloads_for_each_preset(client):
    html = answer(client, "view=spectrum&topics=peacekeepers&date=2025-03-20&title=Troops")
    links = [unescape(link) for link in re.findall(r'<a href="([^"]+)" download>', html)]
    assert len(links) == 6
    assert ("http://localhost/embed/topics/peacekeepers/spectrum.png?as_of=2025-03-20"
            "&title=Troops&preset=social") in links
    assert any(link.endswith("spectrum.svg?as_of=2025-03-20&title=Troops") for link in links)
    oembed = unescape(re.search(r'id="oembed" type="text" readonly value="([^"]+)"', html).group(1))
    assert client.get(oembed.removeprefix("http://localhost")).status_code == 200


def test_steps_take_the_first_party_and_question(client):
    snippet = code(answer(client, "view=steps&actors=ukraine&actors=russia&topics=ceasefire_scope"
                                  "&from=2025-03-01"))
    assert "/embed/actors/ukraine/steps?from=2025-03-01&amp;topic=ceasefire_scope&amp;actors=russia" in snippet
    # A step chart from a day with no `to` (it ends at the last statement): a page, not a 500.
    assert client.get("/embed/actors/ukraine/steps?from=2025-03-01&topic=ceasefire_scope"
                      "&actors=russia").status_code == 200


@pytest.mark.parametrize("query, words", [
    ("view=compare&actors=uk", "at least two parties"),
    ("view=spectrum", "tick it under Questions"),
    ("view=timeline&topics=backstop", "tick it under Parties"),
    ("view=timeline&actors=uk&from=2025-03-20&date=2025-03-01", "would answer 400"),
])
def test_a_form_that_cannot_make_an_embed_says_why(client, query, words):
    html = answer(client, query)
    assert words in html and 'role="alert"' in html
    assert '<textarea id="code"' not in html


def test_a_bad_value_is_a_400_page(client):
    response = client.get(f"{BUILDER}?view=poster")
    assert response.status_code == 400 and response.mimetype == "text/html"
