"""The front door: `/` for people, `/v1` for programs, both in the contract."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.read_only


def test_the_front_page_says_what_standpoint_is_and_links_everywhere(client):
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '<html lang="en">' in html
    for words in ("Methodology", "no recorded position", "licence"):
        assert words in html
    for link in ('href="/docs"', 'href="/openapi.yaml"', 'href="/v1"', 'href="/v1/matrix.csv"',
                 'href="/embed/matrix"'):
        assert link in html
    assert "https://" not in html  # nothing fetched from elsewhere


def test_every_link_on_the_front_page_answers(client):
    import re

    html = client.get("/").get_data(as_text=True)
    client.validate = False  # HTML, CSV and the docs page are checked elsewhere
    for href in set(re.findall(r'href="(/[^"]*)"', html)) - {"/docs"}:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_v1_lists_every_collection_and_each_link_answers(client):
    index = client.get("/v1").get_json()
    rels = {link["rel"] for link in index["links"]}
    assert {"actors", "topics", "statements", "notes", "positions", "matrix", "compare",
            "changes", "openapi"} <= rels
    for link in index["links"]:
        if link["rel"] == "diff":
            continue  # needs its two sides
        assert client.get(link["href"]).status_code == 200, link


def test_both_are_in_the_contract():
    from ..contract import spec_dict

    paths = spec_dict()["paths"]
    assert paths["/"]["get"]["operationId"] == "getFrontPage"
    assert paths["/v1"]["get"]["operationId"] == "getIndex"
