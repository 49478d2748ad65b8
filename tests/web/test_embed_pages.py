"""The embeddable pages as a newsroom and its readers meet them (no browser:
see test_embed_browser.py for that)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from service import create_app
from service.store.dataset_io import import_dataset, load_bundled
from service.web.filters import long_date

from ..contract import ContractClient

pytestmark = pytest.mark.read_only

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
    assert matrix.stance_text("russia", "peacekeepers") == "Rejects some countries' troops"
    assert matrix.stance_text("uk", "backstop") == "Firmly for it"
    assert matrix.stance_text("uk", "peacekeepers") == "Wants a force"
    assert matrix.stance_text("us", "ceasefire_scope") == "Full ceasefire"
    assert matrix.stance_text("russia", "ceasefire_scope") == "Limited, targets not settled"
    # "Trump has given no sign" (¶28) is an absence: no position, and the note says why.
    assert matrix.stance_text("us", "backstop") == "No recorded position"
    assert matrix.stances[("us", "backstop")] == "no_position"
    assert "Source" not in matrix.text("us", "backstop")
    # Why, in the reader's words: the editors' ¶ working note stays in the API.
    assert ("Why no position: The report says Trump has given no sign the U.S. will guarantee"
            in matrix.text("us", "backstop"))
    assert "¶" not in matrix.text("us", "backstop")
    for topic in ("peacekeepers", "backstop", "ceasefire_scope"):
        assert matrix.stance_text("germany", topic) == "No recorded position"
        assert matrix.stances[("germany", topic)] == "no_position"
        # ... and nothing else: no quote, no source, no guess.
        assert "Source" not in matrix.text("germany", topic)


def test_each_cell_cites_quote_speaker_date_with_precision_and_source(client):
    matrix = page(client, MATRIX)
    cell = matrix.text("ukraine", "ceasefire_scope")
    assert "Energy and civilian infrastructure" in cell
    # ¶6 carries the stance and is the report's sentence, not Zelensky's words: a paraphrase.
    assert ("Reported: he was committed to working with the U.S. to stop arms being directed "
            "at power production and civilian facilities") in cell
    assert "Volodymyr Zelensky, President of Ukraine" in cell
    assert "20 March 2025" in cell and "on or before" not in cell  # "on Thursday": a day
    assert "Source: Associated Press, 20 March 2025, ¶6-7" in cell
    paraphrase = matrix.text("russia", "peacekeepers")
    assert "Reported: Russia has said it will not accept any troops" in paraphrase
    assert "on or before 20 March 2025" in paraphrase  # "has said": held by that day


def test_an_on_or_before_date_says_so_in_the_matrix(client):
    matrix = page(client, MATRIX)
    # ¶28 "Starmer says ...": held by the day of the report, first said who knows when.
    assert "Keir Starmer, Prime Minister of the United Kingdom · on or before 20 March 2025" in \
        matrix.text("uk", "backstop")
    # ¶9: the push for a full ceasefire came before Wednesday's deal.
    assert "on or before 19 March 2025" in matrix.text("us", "ceasefire_scope")
    html = client.get(MATRIX).get_data(as_text=True)
    assert '<time class="date" datetime="2025-03-19">on or before 19 March 2025</time>' in html


@pytest.mark.writes
def test_a_verbatim_quote_is_set_in_quotation_marks(app, client):
    _add_statement(app, quote="We are not sending troops.", quote_kind="verbatim")
    cell = page(client, "/embed/matrix?as_of=2025-03-20&actors=germany&topics=peacekeepers")
    text = cell.text("germany", "peacekeepers")
    assert "“We are not sending troops.”" in text and "Reported:" not in text
    assert "Test Speaker · 18 March 2025" in text


def test_matrix_as_of_an_earlier_date_shows_the_earlier_positions(client):
    url = "/embed/matrix?as_of={}&actors=ukraine,russia&topics=ceasefire_scope"
    early = page(client, url.format("2025-03-19"))
    assert early.stance_text("ukraine", "ceasefire_scope") == "Limited, targets not settled"
    assert early.stance_text("russia", "ceasefire_scope") == "Limited, targets not settled"
    assert set(early.cells) == {("ukraine", "ceasefire_scope"), ("russia", "ceasefire_scope")}
    # Nothing before Wednesday 19 March.
    before = page(client, url.format("2025-03-18"))
    assert before.stances == {("ukraine", "ceasefire_scope"): "no_position",
                              ("russia", "ceasefire_scope"): "no_position"}


def test_matrix_has_a_legend_of_every_scale_value(client):
    html = client.get(MATRIX).get_data(as_text=True)
    legend = html[html.index('class="legend"'):]
    for label in ("Rejects any foreign force", "Rejects some countries' troops", "Undecided",
                  "Open to a force", "Wants a force", "Rules it out", "Leans against",
                  "Supports", "Firmly for it", "No ceasefire", "Limited, targets not settled",
                  "Energy infrastructure only", "Energy and civilian infrastructure",
                  "Full ceasefire", "No recorded position", "Unclear"):
        assert f">{escape(label)}</span>" in legend, label
    for old in ("Will send troops", "Requires it", "Open to involvement", "Resists"):
        assert old not in html, old


def test_aliases_resolve_in_embed_queries(client):
    matrix = page(client, "/embed/matrix?as_of=2025-03-20&actors=gb&topics=backstop")
    assert list(matrix.cells) == [("uk", "backstop")]


# --- compare -----------------------------------------------------------------

def test_compare_marks_the_fault_lines(client):
    response = client.get("/embed/compare?actors=uk,russia,germany&as_of=2025-03-20")
    html = response.get_data(as_text=True)
    compare = Page(html)
    assert compare.text("uk", "peacekeepers").startswith("United Kingdom On a fault line")
    assert compare.stance_text("uk", "peacekeepers") == "Wants a force"
    assert compare.text("russia", "peacekeepers").startswith("Russia On a fault line")
    assert compare.stance_text("russia", "peacekeepers") == "Rejects some countries' troops"
    assert "On a fault line" not in compare.text("germany", "peacekeepers")
    assert 'data-pair="uk russia"' in html
    # The diff engine's own words, as /v1/compare gives them: three steps, across the middle.
    assert escape("United Kingdom and Russia are opposed: Wants a force vs Rejects some "
                  "countries' troops; Russia is 3 steps less willing") in html
    # Silence is not a fault line.
    backstop = html[html.index('data-topic="backstop"'):html.index('data-topic="ceasefire_scope"')]
    assert "None: no two of these parties are on opposite sides" in backstop


def test_compare_of_the_ceasefire_shows_two_different_scopes_and_no_fault_line(client):
    html = client.get("/embed/compare?actors=us,russia&as_of=2025-03-20"
                      "&topics=ceasefire_scope").get_data(as_text=True)
    compare = Page(html)
    assert compare.stance_text("us", "ceasefire_scope") == "Full ceasefire"
    assert compare.stance_text("russia", "ceasefire_scope") == "Limited, targets not settled"
    # Both are for some ceasefire: they differ, but are not on opposite sides.
    assert "None: no two of these parties are on opposite sides" in html
    assert "On a fault line" not in html


# --- timeline ----------------------------------------------------------------

def test_timeline_shows_each_change_with_its_verdict(client):
    html = client.get("/embed/actors/ua/timeline?to=2025-03-31&topics=ceasefire_scope").get_data(as_text=True)
    verdicts = re.findall(r'data-verdict="([a-z_]+)" data-stance="([a-z_]+)"', html)
    assert verdicts == [("first_stated", "limited_targets_unsettled"),
                        ("shifted", "energy_and_civilian")]
    assert "Ukraine first stated a position: Limited, targets not settled, on 19 March 2025" in html
    # Naming the targets of an unranked stance is told in words, never as steps (issue 21).
    assert ("Ukraine named the targets on 20 March 2025: from Limited, targets not settled to "
            "Energy and civilian infrastructure") in html
    assert "narrower" not in html and "moved broader" not in html and "steps)" not in html


def test_timeline_from_a_date_starts_from_where_the_actor_stood(client):
    html = client.get("/embed/actors/ukraine/timeline?from=2025-03-20&to=2025-03-20"
                      "&topics=ceasefire_scope").get_data(as_text=True)
    assert 'class="step start" data-stance="limited_targets_unsettled"' in html
    assert "Before 20 March 2025" in html
    assert re.findall(r'data-verdict="([a-z_]+)"', html) == ["shifted"]


def test_timeline_agrees_with_the_topic_timeline_api(client):
    api = client.get("/v1/topics/ceasefire_scope/timeline?actors=us").get_json()
    html = client.get("/embed/actors/us/timeline?topics=ceasefire_scope").get_data(as_text=True)
    api_verdicts = [(e["change"]["verdict"], e["change"]["right"]["stance"]) for e in api["events"]]
    assert re.findall(r'data-verdict="([a-z_]+)" data-stance="([a-z_]+)"', html) == api_verdicts


# --- errors: frameable pages, never JSON in a frame ------------------------------

@pytest.mark.parametrize("url, field", [
    ("/embed/matrix?as_of=2025-02-30", "as_of"),
    ("/embed/matrix?theme=purple", "theme"),
    ("/embed/matrix?detail=some", "detail"),
    ("/embed/compare?actors=uk", "actors"),
    ("/embed/compare?as_of=2025-03-20", "actors"),
    ("/embed/actors/uk/timeline?from=2025-03-20&to=2025-03-01", "to"),
])
def test_bad_query_parameters_are_400_pages_saying_which(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "This embed cannot be shown" in html
    assert f"<li><code>{field}</code>:" in html
    # Framed like the pages themselves, not refused like the API.
    csp = response.headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors *") and "frame-ancestors 'none'" not in csp
    assert Page(html).inline_scripts == 0


@pytest.mark.parametrize("url", [
    "/embed/actors/narnia/timeline",
    "/embed/matrix?actors=uk,narnia",
    "/embed/compare?actors=uk,narnia",
])
def test_unknown_actors_are_404_pages_listing_the_valid_ids(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "No actor &#39;narnia&#39;" in html
    for valid in ("uk", "russia", "ukraine"):
        assert f"<code>{valid}</code>" in html
    assert '<a href="/embed/compare?actors=uk,russia"' in html


def test_a_mistyped_embed_path_is_a_frameable_404_page(client):
    response = client.get("/embed/matrx?as_of=2025-03-20&lang=fr&theme=dark")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="fr" data-theme="dark">' in html
    assert "<code>peacekeepers</code>" in html and "<code>uk</code>" in html
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]


def test_api_errors_stay_problem_json(client):
    response = client.get("/v1/positions?colour=red")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# --- a graphics desk's options ------------------------------------------------------

@pytest.mark.parametrize("tracking", ["utm_source=newsletter&utm_medium=email", "_=1732870000",
                                      "utm_campaign=talks&_=1"])
def test_tracking_parameters_are_ignored(client, tracking):
    plain = client.get(MATRIX).get_data(as_text=True)
    tracked = client.get(f"{MATRIX}&{tracking}")
    assert tracked.status_code == 200
    # The same page, down to its embed id.
    assert tracked.get_data(as_text=True).replace(tracking.replace("&", "%26").replace("=", "%3D"), "") \
        .split("<main>")[1] == plain.split("<main>")[1]
    assert re.search(r'data-embed-id="([^"]+)"', tracked.get_data(as_text=True)).group(1) == \
        re.search(r'data-embed-id="([^"]+)"', plain).group(1)


EVERY_EMBED = [MATRIX, "/embed/compare?actors=uk,russia&as_of=2025-03-20",
               "/embed/actors/ukraine/timeline?from=2025-03-01&to=2025-03-31",
               "/embed/topics/peacekeepers/spectrum?as_of=2025-03-20",
               "/embed/topics/peacekeepers/spectrum.svg?as_of=2025-03-20",
               "/embed/topics/peacekeepers/spectrum.png?as_of=2025-03-20",
               "/embed/actors/ukraine/steps?topic=ceasefire_scope&from=2025-03-01&to=2025-03-31",
               "/embed/actors/ukraine/steps.svg?topic=ceasefire_scope",
               "/embed/actors/ukraine/steps.png?topic=ceasefire_scope"]


@pytest.mark.parametrize("url", EVERY_EMBED)
def test_parameters_an_embed_does_not_know_are_ignored_and_named(client, url):
    # What Facebook, CMSs and newsletters add to a link: the page must still show.
    plain = client.get(url)
    assert "Standpoint-Ignored-Parameters" not in plain.headers
    added = client.get(f"{url}&fbclid=IwAR0x&ref=homepage&utm_source=x&colour=red&_=17")
    assert added.status_code == 200
    assert added.headers["Standpoint-Ignored-Parameters"] == "fbclid, ref, utm_source, colour, _"
    assert added.mimetype == plain.mimetype
    if plain.mimetype == "text/html":
        body = added.get_data(as_text=True)
        # The same page, down to its embed id (the oEmbed link carries the URL as given).
        assert body.split("<main>")[1] == plain.get_data(as_text=True).split("<main>")[1]
        assert re.search(r'data-embed-id="([^"]+)"', body).group(1) == \
            re.search(r'data-embed-id="([^"]+)"', plain.get_data(as_text=True)).group(1)
    else:
        assert added.data == plain.data


def test_ignored_names_are_percent_encoded_in_the_header(client):
    response = client.get(f"{MATRIX}&a%0D%0Ab=1&caf%C3%A9=2")
    assert response.status_code == 200
    assert response.headers["Standpoint-Ignored-Parameters"] == "a%0D%0Ab, caf%C3%A9"


def test_a_bad_value_of_a_known_parameter_is_still_a_400_page(client):
    response = client.get(f"{MATRIX}&fbclid=x&theme=purple")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "<li><code>theme</code>:" in response.get_data(as_text=True)
    assert response.headers["Standpoint-Ignored-Parameters"] == "fbclid"


@pytest.mark.parametrize("url", ["/v1/positions?fbclid=x", "/v1/positions?ref=home",
                                 "/v1/positions?utm_source=x", "/v1/matrix.csv?fbclid=x"])
def test_the_api_stays_strict(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "Standpoint-Ignored-Parameters" not in response.headers


@pytest.mark.parametrize("url", [MATRIX, "/embed/topics/peacekeepers/spectrum?as_of=2025-03-20",
                                 "/embed/actors/ukraine/steps?topic=ceasefire_scope",
                                 "/embed/actors/narnia/timeline"])
@pytest.mark.parametrize("lang", ["es", "xx", "pt-BR", "zh-Hant-TW", "%FF"])
def test_an_unsupported_language_is_english_never_an_error(client, url, lang):
    response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
    assert response.status_code == (404 if "narnia" in url else 200)
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en"' in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, page_lang", [("fr", "fr"), ("fr-CA", "fr"), ("DE", "de"),
                                             ("uk_UA", "uk"), ("en-GB", "en")])
def test_a_supported_language_with_a_region_is_that_language(client, lang, page_lang):
    response = client.get(f"{MATRIX}&lang={lang}")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == page_lang
    assert f'<html lang="{page_lang}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("theme, scheme", [("light", "light"), ("dark", "dark"),
                                           ("auto", "light dark")])
def test_theme(client, theme, scheme):
    html = client.get(f"{MATRIX}&theme={theme}").get_data(as_text=True)
    assert f'data-theme="{theme}"' in html
    assert f'<meta name="color-scheme" content="{scheme}">' in html


def test_the_desks_own_title_subtitle_and_notes(client):
    html = client.get(f"{MATRIX}&title=Who+backs+a+force%3F&subtitle=As+of+Thursday"
                      "&notes=Compiled+by+our+desk+%3Cb%3E").get_data(as_text=True)
    assert "<h1>Who backs a force?</h1>" in html
    assert "<title>Who backs a force? · Standpoint</title>" in html
    assert '<p class="subtitle">As of Thursday</p>' in html
    assert '<p class="desk-notes">Compiled by our desk &lt;b&gt;</p>' in html


def test_legend_can_be_left_out(client):
    assert 'class="legend"' in client.get(MATRIX).get_data(as_text=True)
    assert 'class="legend"' not in client.get(f"{MATRIX}&legend=0").get_data(as_text=True)


def test_compact_cells_open_in_place_and_full_keeps_the_cards(client):
    compact = client.get(MATRIX).get_data(as_text=True)
    cell = compact[compact.index('data-actor="ukraine" data-topic="ceasefire_scope"'):]
    cell = cell[:cell.index("</td>")]
    # Badge, then one line that opens, with no script, on the quote and source.
    assert '<details class="more">' in cell and "<summary>" in cell
    assert cell.index("badge") < cell.index("<details")
    assert cell.index("<summary>") < cell.index("Reported:") > cell.index("</summary>")
    full = client.get(f"{MATRIX}&detail=full").get_data(as_text=True)
    assert "<details" not in full
    assert 'body class="embed embed-matrix detail-full"' in full
    for html in (compact, full):
        assert "Source: Associated Press, 20 March 2025, ¶6-7" in " ".join(
            Page(html).text("ukraine", "ceasefire_scope").split())


def test_attribution_names_the_sources_the_date_and_the_csv(client):
    html = client.get(MATRIX).get_data(as_text=True)
    footer = html[html.index('<footer class="credit">'):]
    text = " ".join(re.sub(r"<[^>]+>", "", footer).split())
    assert text.startswith("Source: Associated Press, 20 March 2025, via Standpoint.")
    assert re.search(r"Last updated \d{1,2} [A-Z][a-z]+ \d{4}\.", text)
    assert '<a href="/" target="_blank" rel="noopener">Standpoint</a>' in footer
    csv = re.search(r'<a href="([^"]+)"[^>]*>Get the data \(CSV\)</a>', footer).group(1)
    assert csv.startswith("/v1/matrix.csv?")
    response = client.get(csv.replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "text/csv"


def test_every_page_links_its_csv_twin(client):
    for url in ("/embed/compare?actors=uk,russia&as_of=2025-03-20",
                "/embed/actors/ukraine/timeline?from=2025-03-01&to=2025-03-31",
                "/embed/actors/ukraine/timeline?to=2025-03-31"):
        html = client.get(url).get_data(as_text=True)
        csv = re.search(r'<a href="([^"]+)"[^>]*>Get the data \(CSV\)</a>', html).group(1)
        response = client.get(csv.replace("&amp;", "&"))
        assert response.status_code == 200 and response.mimetype == "text/csv", csv


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
        "stance": "rejects_some", "conditions": ["<i>no</i> & conditions"],
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


@pytest.mark.writes
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


@pytest.mark.writes
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


@pytest.mark.writes
def test_the_matrix_etag_changes_when_its_data_changes(app, client):
    etag = client.get(MATRIX).headers["ETag"]
    _add_statement(app)
    changed = client.get(MATRIX, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert Page(changed.get_data(as_text=True)).stance_text("germany", "peacekeepers") == \
        "Rejects some countries' troops"


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
    assert f"<h1>United Kingdom on backstop, as of {long_date(today)}</h1>" not in html
    assert f"<h1>Where United Kingdom stands on backstop, as of {long_date(today)}</h1>" in html


@pytest.mark.parametrize("url", [MATRIX, "/embed/topics/backstop/spectrum?as_of=2025-03-20",
                                 "/embed/actors/ukraine/timeline?to=2025-03-31"])
@pytest.mark.parametrize("name", ["title", "subtitle", "notes"])
def test_a_desks_words_are_text_whatever_they_hold(client, url, name):
    hostile = "%3Cscript%3Ealert(1)%3C%2Fscript%3E%27%20OR%20%271%27%3D%271"
    response = client.get(f"{url}&{name}={hostile}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#39; OR &#39;1&#39;=&#39;1" in html
    # Bytes that are not UTF-8 make a broken link, not a headline.
    assert client.get(f"{url}&{name}=%FF%FE").status_code == 400
