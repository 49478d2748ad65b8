"""GET /oembed: a CMS turns a pasted embed URL into the iframe code."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from service.web.snippet import RESIZE_SCRIPT

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
    assert 'title="Where the parties stand (Standpoint)"' in html
    assert html.endswith(RESIZE_SCRIPT)


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


@pytest.mark.parametrize("url", [
    "http://elsewhere.example/embed/matrix",        # another host
    "http://localhost/v1/positions",                # ours, but not an embed
    "http://localhost/embed/nothing",               # no such page
    "http://localhost/embed/matrix?as_of=soon",     # the page would be a 400
    "http://localhost/embed/compare?actors=uk",     # ditto
    "http://localhost/embed/actors/narnia/timeline",  # the page would be a 404
    "javascript:alert(1)",
])
def test_urls_that_are_not_our_embeds_are_404(client, url):
    response = oembed(client, url)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


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
