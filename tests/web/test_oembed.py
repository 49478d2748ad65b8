"""GET /oembed: a CMS turns a pasted embed URL into the iframe code."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from service.web.snippet import RESIZE_SCRIPT

pytestmark = pytest.mark.read_only

EMBED = "http://localhost/embed/matrix?as_of=2025-03-20&actors=uk,russia"


def oembed(client, url: str, **params):
    query = "&".join([f"url={quote(url, safe='')}"] + [f"{k}={v}" for k, v in params.items()])
    return client.get(f"/oembed?{query}")


def test_oembed_answers_rich_json_with_the_iframe(client):
    response = oembed(client, EMBED)
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["provider_name"] == "Standpoint"
    assert body["width"] == 640 and body["height"] > 0
    html = body["html"]
    assert html.startswith('<iframe src="http://localhost/embed/matrix?as_of=2025-03-20&amp;actors=uk,russia"')
    assert f'width="{body["width"]}" height="{body["height"]}"' in html
    assert body["title"] == "Where United Kingdom and Russia stand, as of 20 March 2025"
    assert f'title="{body["title"]}"' in html
    assert html.endswith(RESIZE_SCRIPT)
    # Starting heights by width, the compact matrix being tallest on a phone.
    heights = dict(map(int, pair.split(":")) for pair in
                   re.search(r'data-standpoint-heights="([^"]+)"', html).group(1).split())
    assert sorted(heights) == [360, 640, 1280]
    assert heights[360] > heights[640] >= heights[1280] > 0
    assert body["height"] == heights[640]


def test_oembed_respects_maxwidth_and_maxheight(client):
    body = oembed(client, EMBED, maxwidth=320, maxheight=200).get_json()
    assert (body["width"], body["height"]) == (320, 200)
    assert 'width="320" height="200"' in body["html"]


@pytest.mark.parametrize("url", [
    "http://localhost/embed/compare?actors=uk,russia",
    "http://localhost/embed/actors/ukraine/timeline?from=2025-03-01",
    "https://localhost/embed/matrix",
])
def test_every_embed_page_has_oembed(client, url):
    response = oembed(client, url)
    assert response.status_code == 200
    assert response.get_json()["type"] == "rich"


@pytest.mark.parametrize("url, why", [
    ("http://elsewhere.example/embed/matrix", "its host 'elsewhere.example' is not this server's"),
    ("http://localhost/v1/positions", "is not an embed page"),
    ("http://localhost/embed/nothing", "is no page here"),
    ("http://localhost/embed/matrix?as_of=soon", "the page would answer 400 (as_of: Not a valid date.)"),
    ("http://localhost/embed/compare?actors=uk", "the page would answer 400 (actors:"),
    ("http://localhost/embed/actors/narnia/timeline", "the page would answer 404 (No actor 'narnia'"),
    ("http://localhost/embed/matrix?theme=red", "the page would answer 400 (theme: Must be one of"),
    ("javascript:alert(1)", "only http(s) addresses"),
])
def test_urls_that_are_not_our_embeds_are_404_saying_why(client, url, why):
    response = oembed(client, url)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert why in response.get_json()["detail"]


@pytest.mark.parametrize("url, title", [
    ("http://localhost/embed/matrix?as_of=2025-03-20&actors=uk,france,russia&topics=peacekeepers",
     "Where United Kingdom, France and Russia stand on peacekeepers, as of 20 March 2025"),
    ("http://localhost/embed/matrix?as_of=2025-03-20",
     "Where the parties stand, as of 20 March 2025"),
    ("http://localhost/embed/compare?actors=uk,russia&as_of=2025-03-20&topics=backstop",
     "United Kingdom and Russia on backstop, as of 20 March 2025"),
    ("http://localhost/embed/actors/ua/timeline?from=2025-03-01&to=2025-03-31",
     "How Ukraine moved, 1 March 2025 to 31 March 2025"),
    ("http://localhost/embed/matrix?as_of=2025-03-20&title=Our+own",
     "Our own"),
    ("http://localhost/embed/matrix?as_of=2025-03-20&lang=fr",
     "Où en sont les parties au 20 mars 2025"),
])
def test_oembed_titles_say_what_the_embed_shows(client, url, title):
    assert oembed(client, url).get_json()["title"] == title


def test_tracking_parameters_in_the_embed_url_are_fine(client):
    response = oembed(client, EMBED + "&utm_source=cms&_=123&fbclid=IwAR0&ref=home")
    assert response.status_code == 200
    # The oEmbed answer names nothing ignored: those were the embed URL's, not its own.
    assert "Standpoint-Ignored-Parameters" not in response.headers


def test_oembed_answers_for_the_configured_public_address(database_url):
    from service import create_app

    from ..contract import ContractClient

    app = create_app({"DATABASE_URL": database_url, "TESTING": True,
                      "PUBLIC_URL": "https://data.news.example/standpoint"})
    app.test_client_class = ContractClient
    client = app.test_client()
    public = "https://data.news.example/standpoint/embed/matrix?as_of=2025-03-20"
    body = oembed(client, public).get_json()
    assert body["html"].startswith(f'<iframe src="{public}"')
    assert body["provider_url"] == "https://data.news.example/standpoint/"
    # The public host with another path prefix is not ours.
    other = oembed(client, "https://data.news.example/embed/matrix")
    assert other.status_code == 404 and "not this server's" in other.get_json()["detail"]
    app.extensions["standpoint.engine"].dispose()


def test_xml_is_not_implemented(client):
    response = oembed(client, EMBED, format="xml")
    assert response.status_code == 501
    assert response.get_json()["type"].endswith("unsupported-format")


def test_url_is_required(client):
    response = client.get("/oembed?format=json")
    assert response.status_code == 400
    assert "url" in response.get_json()["errors"]


def test_embed_pages_advertise_their_oembed(client):
    html = client.get("/embed/matrix?as_of=2025-03-20").get_data(as_text=True)
    assert 'rel="alternate" type="application/json+oembed" href="/oembed?url=' in html


def test_the_readme_snippet_is_the_served_resize_script():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    assert RESIZE_SCRIPT in readme


def _heights(body: dict) -> dict[int, int]:
    return dict(map(int, pair.split(":")) for pair in
                re.search(r'data-standpoint-heights="([^"]+)"', body["html"]).group(1).split())


@pytest.mark.parametrize("path", [
    "/embed/matrix?as_of=2025-03-20&actors=uk,france,germany,russia,ukraine,us",
    "/embed/compare?actors=uk,russia,us,germany&as_of=2025-03-20",
    "/embed/actors/ukraine/timeline?from=2025-03-01&to=2025-03-31",
    "/embed/topics/peacekeepers/spectrum?as_of=2025-03-20",
    "/embed/actors/ukraine/steps?topic=ceasefire_scope&from=2025-03-01&to=2025-03-31",
])
def test_oembed_starts_the_frame_without_what_hide_leaves_out(client, path):
    """`hide` shortens the page (no notes, no data or download links): oEmbed's starting
    heights shrink with it, and its iframe keeps the options (the page then reports its
    own height, as always)."""
    url = "http://localhost" + path
    full = oembed(client, url).get_json()
    hidden_url = url + "&hide=editors_notes,data_links,downloads"
    hidden = oembed(client, hidden_url).get_json()
    assert 'src="' + hidden_url.replace("&", "&amp;") + '"' in hidden["html"]
    shorter = {w: full_h - _heights(hidden)[w] for w, full_h in _heights(full).items()}
    assert all(d >= 0 for d in shorter.values()) and shorter[min(shorter)] > 0, shorter
    assert hidden["height"] < full["height"]
    # In the page's language, the title is the page's own, with the record's labels.
    french = oembed(client, hidden_url + "&lang=fr").get_json()
    assert "Ukraine" in french["title"] or "Royaume-Uni" in french["title"] or (
        "maintien de la paix" in french["title"]), french["title"]
