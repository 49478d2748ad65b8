"""The embeddable pages as a newsroom and its readers meet them (no browser:
see test_embed_browser.py for that)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from service import create_app
from service.store.dataset_io import import_dataset, load_bundled
from service.web.filters import long_date

from ..contract import ContractClient

MATRIX = "/embed/matrix?as_of=2025-03-20"


class Page(HTMLParser):
    """Collects what the tests look at: cells by (actor, topic), asset URLs, scripts."""

    def __init__(self, html: str):
        super().__init__()
        self.cells: dict[tuple[str, str], str] = {}
        self.stances: dict[tuple[str, str], str] = {}
        self.badges: dict[tuple[str, str], str] = {}
        self._in_badge = False
        self.assets: list[str] = []
        self.links: list[str] = []
        self.inline_scripts = 0
        self._cell: tuple[str, str] | None = None
        self._depth = 0
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("td", "li") and "data-actor" in attrs and "data-topic" in attrs:
            self._cell = (attrs["data-actor"], attrs["data-topic"])
            self.cells[self._cell] = ""
            self.stances[self._cell] = attrs.get("data-stance", "")
            self._depth = 0
        elif self._cell and tag in ("td", "li"):
            self._depth += 1
        if self._cell and tag == "span" and "badge" in (attrs.get("class") or "").split():
            self._in_badge = True
            self.badges[self._cell] = ""
        if tag == "script":
            if attrs.get("src"):
                self.assets.append(attrs["src"])
            else:
                self._in_script = True
        if tag == "link":
            self.assets.append(attrs["href"])
        if tag in ("img", "iframe", "source", "video", "audio"):
            self.assets.append(attrs.get("src", ""))
        if tag == "a":
            self.links.append(attrs.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "span":
            self._in_badge = False
        if tag == "script" and self._in_script:
            self._in_script = False
        if self._cell and tag in ("td", "li"):
            if self._depth == 0:
                self._cell = None
            else:
                self._depth -= 1

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1
        if self._cell:
            self.cells[self._cell] += data
            if self._in_badge:
                self.badges[self._cell] += data

    def stance_text(self, actor: str, topic: str) -> str:
        """The stance as written in the cell's badge."""
        return self.badges[(actor, topic)].strip()

    def text(self, actor: str, topic: str) -> str:
        return " ".join(self.cells[(actor, topic)].split())


def page(client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


# --- matrix ------------------------------------------------------------------

def test_matrix_writes_each_stance_in_words_in_the_right_cell(client):
    matrix = page(client, MATRIX)
    assert matrix.stance_text("russia", "peacekeepers") == "Rejects"
    assert matrix.stance_text("uk", "backstop") == "Requires it"
    assert matrix.stance_text("uk", "peacekeepers") == "Will send troops"
    assert matrix.stance_text("us", "backstop") == "Unclear"
    for topic in ("peacekeepers", "backstop", "ceasefire_scope"):
        assert matrix.stance_text("germany", topic) == "No recorded position"
        assert matrix.stances[("germany", topic)] == "no_position"
        # ... and nothing else: no quote, no source, no guess.
        assert "Source" not in matrix.text("germany", topic)


def test_each_cell_cites_quote_speaker_date_with_precision_and_source(client):
    cell = page(client, MATRIX).text("ukraine", "ceasefire_scope")
    assert "Energy and civilian infrastructure" in cell
    assert "“I raised this issue with President Trump" in cell  # verbatim quote
    assert "Volodymyr Zelensky, President of Ukraine" in cell
    assert "20 March 2025" in cell
    assert "Source: Associated Press, 20 March 2025, ¶" in cell
    paraphrase = page(client, MATRIX).text("russia", "peacekeepers")
    assert "Reported: Russia has said it will not accept any troops" in paraphrase
    assert "about 20 March 2025" in paraphrase  # an approximate date says so


def test_matrix_as_of_an_earlier_date_shows_the_earlier_positions(client):
    early = page(client, "/embed/matrix?as_of=2025-03-12&actors=ukraine,russia&topics=ceasefire_scope")
    assert early.stance_text("ukraine", "ceasefire_scope") == "Full ceasefire"
    assert early.stances[("russia", "ceasefire_scope")] == "no_position"
    assert set(early.cells) == {("ukraine", "ceasefire_scope"), ("russia", "ceasefire_scope")}


def test_matrix_has_a_legend_of_every_scale_value(client):
    html = client.get(MATRIX).get_data(as_text=True)
    legend = html[html.index('class="legend"'):]
    for label in ("Rejects", "Resists", "Undecided", "Open to involvement", "Will send troops",
                  "Rules it out", "Requires it", "No ceasefire", "Energy infrastructure only",
                  "Full ceasefire", "No recorded position", "Unclear"):
        assert f">{label}</span>" in legend, label


def test_aliases_resolve_in_embed_queries(client):
    matrix = page(client, "/embed/matrix?as_of=2025-03-20&actors=gb&topics=backstop")
    assert list(matrix.cells) == [("uk", "backstop")]


# --- compare -----------------------------------------------------------------

def test_compare_marks_the_fault_lines(client):
    response = client.get("/embed/compare?actors=uk,russia,germany&as_of=2025-03-20")
    html = response.get_data(as_text=True)
    compare = Page(html)
    assert compare.text("uk", "peacekeepers").startswith("United Kingdom On a fault line")
    assert compare.stance_text("uk", "peacekeepers") == "Will send troops"
    assert compare.text("russia", "peacekeepers").startswith("Russia On a fault line")
    assert compare.stance_text("russia", "peacekeepers") == "Rejects"
    assert "On a fault line" not in compare.text("germany", "peacekeepers")
    assert 'data-pair="uk russia"' in html
    # The diff engine's own words, as /v1/compare gives them.
    assert ("United Kingdom and Russia are opposed: Will send troops vs Rejects; "
            "Russia is 4 steps less willing") in html
    # Silence is not a fault line.
    backstop = html[html.index('data-topic="backstop"'):html.index('data-topic="ceasefire_scope"')]
    assert "None: no two of these parties are on opposite sides" in backstop


# --- timeline ----------------------------------------------------------------

def test_timeline_shows_each_change_with_its_verdict(client):
    html = client.get("/embed/actors/ua/timeline?to=2025-03-31&topics=ceasefire_scope").get_data(as_text=True)
    verdicts = re.findall(r'data-verdict="([a-z_]+)" data-stance="([a-z_]+)"', html)
    assert verdicts == [("first_stated", "full"), ("shifted", "energy_only"),
                        ("shifted", "energy_and_civilian")]
    assert "Ukraine moved narrower: from Full ceasefire to Energy infrastructure only" in html
    assert "Ukraine moved broader: from Energy infrastructure only to Energy and civilian infrastructure" in html


def test_timeline_from_a_date_starts_from_where_the_actor_stood(client):
    html = client.get("/embed/actors/ukraine/timeline?from=2025-03-18&to=2025-03-19"
                      "&topics=ceasefire_scope").get_data(as_text=True)
    assert 'class="step start" data-stance="full"' in html
    assert "On 18 March 2025" in html
    assert re.findall(r'data-verdict="([a-z_]+)"', html) == ["shifted"]


def test_timeline_agrees_with_the_topic_timeline_api(client):
    api = client.get("/v1/topics/ceasefire_scope/timeline?actors=us").get_json()
    html = client.get("/embed/actors/us/timeline?topics=ceasefire_scope").get_data(as_text=True)
    api_verdicts = [(e["change"]["verdict"], e["change"]["right"]["stance"]) for e in api["events"]]
    assert re.findall(r'data-verdict="([a-z_]+)" data-stance="([a-z_]+)"', html) == api_verdicts


# --- errors: the same problem+json as the API --------------------------------

@pytest.mark.parametrize("url, field", [
    ("/embed/matrix?as_of=2025-02-30", "as_of"),
    ("/embed/matrix?colour=red", "colour"),
    ("/embed/compare?actors=uk", "actors"),
    ("/embed/compare?as_of=2025-03-20", "actors"),
    ("/embed/actors/uk/timeline?from=2025-03-20&to=2025-03-01", "to"),
])
def test_bad_query_parameters_are_400_problems(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize("url", [
    "/embed/actors/narnia/timeline",
    "/embed/matrix?actors=uk,narnia",
    "/embed/compare?actors=uk,narnia",
])
def test_unknown_actors_are_404_problems_listing_the_valid_ids(client, url):
    response = client.get(url)
    assert response.status_code == 404
    body = response.get_json()
    assert body["type"].endswith("unknown-actor") and "uk" in body["valid_ids"]


# --- security: CSP, escaping, only local assets ------------------------------

def test_pages_send_a_strict_content_security_policy(client):
    for url in (MATRIX, "/embed/compare?actors=uk,russia", "/embed/actors/uk/timeline"):
        csp = client.get(url).headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["default-src"] == "'none'"
        assert directives["frame-ancestors"] == "*"
        assert "unsafe" not in csp


def test_pages_load_only_their_own_assets_and_no_inline_script(client):
    for url in (MATRIX, "/embed/compare?actors=uk,russia", "/embed/actors/uk/timeline"):
        parsed = page(client, url)
        assert parsed.inline_scripts == 0
        assert parsed.assets, url
        for asset in parsed.assets:
            assert asset.startswith("/") or asset.startswith("data:"), asset
        for asset in parsed.assets:
            if asset.startswith("/embed/assets/"):
                assert client.get(asset).status_code == 200


def test_frame_ancestors_come_from_the_configuration(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True,
                      "EMBED_FRAME_ANCESTORS": "'self' https://news.example"})
    app.test_client_class = ContractClient
    csp = app.test_client().get(MATRIX).headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors 'self' https://news.example")
    app.extensions["standpoint.engine"].dispose()


def _add_statement(app, **fields) -> None:
    data = load_bundled()
    statement = {
        "id": "germany-peacekeepers-test", "actor": "germany", "topic": "peacekeepers",
        "stance": "resists", "conditions": ["<i>no</i> & conditions"],
        "summary": "A test statement.", "quote": "Plain words.", "quote_kind": "verbatim",
        "speaker": {"name": "Test Speaker", "role": None}, "stated_on": "2025-03-18",
        "date_precision": "day",
        "source": {"publisher": "Test Wire", "title": None, "byline": None, "url": None,
                   "published_on": "2025-03-18", "location": None},
    }
    statement.update(fields)
    data["statements"].append(statement)
    with app.extensions["standpoint.engine"].begin() as conn:
        import_dataset(conn, data, recorded_by="test")


def test_a_statement_containing_html_shows_as_text(app, client):
    _add_statement(
        app,
        quote='<script>alert("pwned")</script><img src=x onerror=alert(1)>',
        speaker={"name": "<b>Bold</b> Name", "role": "Minister & \"spokesman\""},
        source={"publisher": "Wire <em>", "title": None, "byline": None,
                "url": "javascript:alert(1)", "published_on": "2025-03-18",
                "location": "¶<1>"},
    )
    response = client.get("/embed/matrix?as_of=2025-03-20&actors=germany&topics=peacekeepers")
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Name" in html
    assert "&lt;i&gt;no&lt;/i&gt; &amp; conditions" in html
    parsed = Page(html)
    assert parsed.inline_scripts == 0
    assert not any(link.startswith("javascript:") for link in parsed.links)
    assert 'alert("pwned")</script><img src=x onerror=alert(1)>' in parsed.text("germany", "peacekeepers")


def test_a_source_with_a_web_address_is_linked(app, client):
    _add_statement(app, source={"publisher": "Test Wire", "title": None, "byline": None,
                                "url": "https://wire.example/story?id=1&x=2",
                                "published_on": "2025-03-18", "location": "¶3"})
    html = client.get("/embed/matrix?as_of=2025-03-20&actors=germany&topics=peacekeepers").get_data(as_text=True)
    assert ('<a href="https://wire.example/story?id=1&amp;x=2" target="_blank" '
            'rel="noopener noreferrer">Test Wire</a>') in html


# --- caching: a dashboard's polling pattern -----------------------------------

def test_conditional_get_of_an_unchanged_matrix_is_304_with_an_empty_body(client):
    first = client.get(MATRIX)
    etag = first.headers["ETag"]
    assert etag.startswith('"')  # strong
    again = client.get(MATRIX, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_the_matrix_etag_changes_when_its_data_changes(app, client):
    etag = client.get(MATRIX).headers["ETag"]
    _add_statement(app)
    changed = client.get(MATRIX, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert Page(changed.get_data(as_text=True)).stance_text("germany", "peacekeepers") == "Resists"


# --- assets --------------------------------------------------------------------

def test_resize_script_follows_datawrapper_and_flourish_conventions(client):
    matrix = page(client, MATRIX)
    script = next(a for a in matrix.assets if "embed.js" in a)
    response = client.get(script)
    assert response.status_code == 200
    js = response.get_data(as_text=True)
    assert '"datawrapper-height"' in js
    assert 'type: "standpoint:resize"' in js and 'context: "iframe.resize"' in js
    assert "http" not in js.replace("window.location.href", "")  # fetches nothing


def test_asset_urls_change_with_their_content(client):
    matrix = page(client, MATRIX)
    css = next(a for a in matrix.assets if "embed.css" in a)
    assert re.search(r"\?v=[0-9a-f]{12}$", css)
    response = client.get(css)
    assert response.mimetype == "text/css"
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_default_as_of_is_today(client):
    html = client.get("/embed/matrix?actors=uk&topics=backstop").get_data(as_text=True)
    today = dt.datetime.now(dt.timezone.utc).date()
    assert f"<h1>Where the parties stand on {long_date(today)}</h1>" in html
