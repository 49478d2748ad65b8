"""The embed pages in a real browser: Debian's chromium driven by Playwright
against a live gunicorn server. Skipped, with the reason, when there is no
chromium (CI installs the `chromium` package; Playwright never downloads one).

Screenshots go to test-artifacts/; `make screenshots` also copies them into
docs/screenshots/. The browser, the watched page and screenshots are shared
with the other browser tests (tests/servers/browser.py).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from service.store.dataset_io import bundled

from .browser import ARTIFACTS, AXE, BROWSER_MARKS, ROOT, axe_violations, screenshot
from .server import free_port

pytestmark = BROWSER_MARKS

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
PAGES = {
    "matrix": "/embed/matrix?as_of=2025-03-20&actors=uk,france,germany,russia,ukraine,us",
    "compare": "/embed/compare?actors=uk,russia,us,germany&as_of=2025-03-20",
    "timeline": "/embed/actors/ukraine/timeline?from=2025-03-01&to=2025-03-31",
}


class Newsroom:
    """Article pages on other origins, written to a temporary folder and served
    on two ports: `origin` is the newsroom allowed to frame the embeds,
    `other_origin` a site that is not. (Both on 127.0.0.1: Chromium's local
    network access checks stall a page of a public or `localhost` origin
    framing 127.0.0.1.)"""

    def __init__(self, folder: Path):
        self.folder = folder
        self.ports = (free_port(), free_port())
        self.origin, self.other_origin = (f"http://127.0.0.1:{port}" for port in self.ports)
        self.servers: list[http.server.ThreadingHTTPServer] = []

    def start(self) -> None:
        handler = functools.partial(_QuietHandler, directory=str(self.folder))
        for port in self.ports:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def publish(self, name: str, html: str) -> str:
        (self.folder / name).write_text(html, "utf-8")
        return f"{self.origin}/{name}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def newsroom(tmp_path_factory):
    site = Newsroom(tmp_path_factory.mktemp("newsroom"))
    site.start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, newsroom):
    """gunicorn serving a fresh SQLite database seeded with the bundled data."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    db = tmp_path_factory.mktemp("live") / "standpoint.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "1", "STANDPOINT_PREPARE_DATABASE": "1",
           # Only the newsroom may frame the pages here, to see the browser enforce it.
           "STANDPOINT_EMBED_FRAME_ANCESTORS": f"'self' {newsroom.origin}"}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + process.stderr.read().decode()[-2000:])
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def badge(page, actor: str, topic: str) -> str:
    return page.inner_text(f'[data-actor="{actor}"][data-topic="{topic}"] .badge').strip()


def check_stances(name: str, page) -> None:
    if name == "matrix":
        assert badge(page, "russia", "peacekeepers") == "Rejects some countries' troops"
        assert badge(page, "uk", "backstop") == "Firmly for it"
        assert badge(page, "uk", "peacekeepers") == "Wants a force"
        # Compact: the date and source are in the cell, one tap away.
        cell = page.locator('[data-actor="uk"][data-topic="backstop"]')
        assert not cell.locator(".date").is_visible()
        cell.locator("summary").click()
        assert "on or before 20 March 2025" in cell.inner_text()
        for topic in ("peacekeepers", "backstop", "ceasefire_scope"):
            assert badge(page, "germany", topic) == "No recorded position"
        # A silent cell shows why it is silent.
        assert badge(page, "us", "backstop") == "No recorded position"
        line = page.locator('[data-actor="us"][data-topic="backstop"] summary')
        assert line.is_visible()
        # In the reader's words: the editors' working note (¶ references) stays in the API.
        assert line.inner_text().startswith("Why no position: The report says Trump has given no "
                                            "sign the U.S. will guarantee reserve firepower")
    elif name == "compare":
        assert badge(page, "russia", "peacekeepers") == "Rejects some countries' troops"
        assert badge(page, "uk", "backstop") == "Firmly for it"
        assert badge(page, "germany", "backstop") == "No recorded position"
        assert badge(page, "us", "backstop") == "No recorded position"
        fault = page.inner_text('[data-topic="peacekeepers"] [data-pair="uk russia"]')
        assert ("United Kingdom and Russia are opposed: Wants a force vs Rejects some countries' "
                "troops; Russia is 3 steps less willing") in fault
        assert page.is_visible('[data-actor="russia"][data-topic="peacekeepers"] .fault-flag')
    else:
        steps = page.locator('[data-topic="ceasefire_scope"] [data-verdict]')
        verdicts = [steps.nth(i).get_attribute("data-verdict") for i in range(steps.count())]
        assert verdicts == ["first_stated", "shifted"]
        assert ("Ukraine named the targets on 20 March 2025: from Limited, targets not settled to "
                "Energy and civilian infrastructure") in page.inner_text('[data-topic="ceasefire_scope"]')


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("viewport_name, viewport", [("desktop", DESKTOP), ("360", PHONE)])
def test_page_in_the_browser(live_server, watched, name, viewport_name, viewport):
    tab = watched(viewport)
    response = tab.page.goto(live_server + PAGES[name], wait_until="load")
    assert response.status == 200
    check_stances(name, tab.page)
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{name} scrolls sideways at {viewport['width']} px: {width}"
    # The stylesheet is applied (CSP allowed it), and the stance colour is on the badge.
    assert tab.page.evaluate("getComputedStyle(document.body).margin") == "0px"
    screenshot(tab.page, f"{name}-{viewport_name}")
    assert tab.errors == []
    assert tab.foreign_requests(live_server) == []


def test_matrix_on_a_phone_is_one_card_per_party(live_server, watched):
    tab = watched(PHONE)
    tab.page.goto(live_server + PAGES["matrix"])
    assert tab.page.is_visible('[data-actor="uk"][data-topic="backstop"] .cell-topic')
    uk = tab.page.locator('tr[data-actor="uk"]').bounding_box()
    assert uk["width"] <= PHONE["width"]
    # Cells are stacked, one under the other, not side by side.
    first = tab.page.locator('tr[data-actor="uk"] td').nth(0).bounding_box()
    second = tab.page.locator('tr[data-actor="uk"] td').nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1


def test_pages_read_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server + PAGES["matrix"])
        # Everything is in the HTML and the layout is CSS: no script is needed to read it.
        assert badge(page, "russia", "peacekeepers") == "Rejects some countries' troops"
        assert badge(page, "germany", "backstop") == "No recorded position"
        assert page.is_visible('[data-actor="uk"][data-topic="backstop"] .cell-topic')
    finally:
        context.close()


def readme_snippet(base: str) -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- standpoint-embed-snippet:start -->\s*```html\n(.*?)```\s*"
                      r"<!-- standpoint-embed-snippet:end -->", readme, re.S)
    assert block, "README lost its embed snippet markers"
    return block.group(1).replace("https://standpoint.example", base)


def article(snippet: str) -> str:
    # A newsroom article with the README snippet pasted in, and a recorder of
    # every message the page receives.
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Article</title>
<link rel="icon" href="data:,">
<script>window.__messages = []; window.addEventListener("message", function (e) {{
  window.__messages.push({{origin: e.origin, data: e.data}}); }});</script>
<style>body {{ font-family: serif; max-width: 680px; margin: 0 auto; padding: 8px; }}</style>
</head><body><h1>Where the talks stand</h1><p>Text of the article before the embed.</p>
{snippet}
<p>Text of the article after the embed.</p></body></html>"""


@pytest.mark.parametrize("viewport_name, viewport", [("desktop", DESKTOP), ("360", PHONE)])
def test_readme_snippet_frames_the_matrix_and_fits_its_height(live_server, newsroom, watched,
                                                              viewport_name, viewport):
    tab = watched(viewport)
    url = newsroom.publish("article.html", article(readme_snippet(live_server)))
    tab.page.goto(url, wait_until="load")
    # Wait until the snippet has applied the page's latest reported height.
    tab.page.wait_for_function("""() => {
        const ours = window.__messages.filter(m => m.data && m.data.type === "standpoint:resize");
        const frame = document.querySelector("iframe");
        return ours.length > 0 && frame.style.height === ours[ours.length - 1].data.height + "px";
    }""")
    messages = [m["data"] for m in tab.page.evaluate("window.__messages")]
    ours = [m for m in messages if isinstance(m, dict) and m.get("type") == "standpoint:resize"]
    datawrapper = [m for m in messages if isinstance(m, dict) and "datawrapper-height" in m]
    assert ours and datawrapper
    height = ours[-1]["height"]
    assert list(datawrapper[-1]["datawrapper-height"].values()) == [height]
    assert ours[-1]["id"] in datawrapper[-1]["datawrapper-height"]
    assert ours[-1]["context"] == "iframe.resize" and ours[-1]["method"] == "resize"

    iframe = tab.page.locator("iframe")
    assert iframe.evaluate("f => f.style.height") == f"{height}px"
    frame = tab.page.frames[1]
    content = frame.evaluate("document.documentElement.scrollHeight")
    assert content <= height + 1, "the iframe is shorter than its page: a scrollbar shows"
    assert frame.evaluate("document.documentElement.scrollWidth") <= iframe.bounding_box()["width"] + 1
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert badge(frame, "russia", "peacekeepers") == "Rejects some countries' troops"
    screenshot(tab.page, f"newsroom-article-{viewport_name}")
    assert tab.errors == []
    assert tab.foreign_requests(live_server, newsroom.origin) == []


def test_a_site_outside_frame_ancestors_cannot_frame_the_pages(live_server, newsroom, watched):
    tab = watched(DESKTOP)
    newsroom.publish("elsewhere.html", article(readme_snippet(live_server)))
    tab.page.goto(f"{newsroom.other_origin}/elsewhere.html", wait_until="load")
    for _ in range(50):  # the refusal is logged shortly after the frame's response
        if any("frame-ancestors" in error for error in tab.errors):
            break
        tab.page.wait_for_timeout(100)
    frame = tab.page.frames[1]
    assert frame.query_selector("table.matrix") is None
    assert not any(isinstance(m["data"], dict) and m["data"].get("type") == "standpoint:resize"
                   for m in tab.page.evaluate("window.__messages"))
    assert any("frame-ancestors" in error for error in tab.errors)


def test_no_page_scrolls_sideways_on_the_smallest_phones(live_server, watched):
    tab = watched({"width": 320, "height": 640})
    for name, url in PAGES.items():
        tab.page.goto(live_server + url)
        width = tab.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{name} is {width} px wide at 320 px"
    assert tab.errors == []


# --- a graphics desk's checks: compact height, themes, charts, errors, axe, the jump ----

MATRIX_6X3 = "/embed/matrix?as_of=2025-03-20&actors=uk,france,germany,russia,ukraine,us"
CHARTS = {
    "spectrum": "/embed/topics/peacekeepers/spectrum?as_of=2025-03-20",
    "steps": "/embed/actors/ukraine/steps?topic=ceasefire_scope&from=2025-03-01&to=2025-03-31",
}
EVERY_PAGE = {**PAGES, **CHARTS, "matrix-full": PAGES["matrix"] + "&detail=full",
              "error": "/embed/actors/narnia/timeline?lang=fr"}


def page_height(page) -> int:
    return page.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")


def test_compact_matrix_is_at_most_1200px_tall_on_a_phone(live_server, watched):
    tab = watched(PHONE)
    tab.page.goto(live_server + MATRIX_6X3)
    assert page_height(tab.page) <= 1200
    screenshot(tab.page, "matrix-compact-360")
    # One tap opens a cell in place, no script needed.
    cell = tab.page.locator('[data-actor="ukraine"][data-topic="ceasefire_scope"]')
    assert not cell.locator(".source").is_visible()
    cell.locator("summary").click()
    assert cell.locator(".source").is_visible()




@pytest.mark.skipif(not AXE.exists(), reason=(
    "node_modules/axe-core is not installed: run `npm ci` at the repository root"))
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_wcag_21_aa_violation_on_any_embed_or_chart(live_server, watched, viewport, theme):
    tab = watched(viewport)
    found = {}
    # In Ukrainian too: the record's words translated, its English texts marked lang="en".
    translated = {f"{name}-uk": url + "&lang=uk" for name, url in {**PAGES, **CHARTS}.items()}
    for name, url in {**EVERY_PAGE, **translated}.items():
        tab.page.goto(f"{live_server}{url}{'&' if '?' in url else '?'}theme={theme}")
        violations = axe_violations(tab.page, live_server)
        # ... and with every <details> open.
        tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        violations += axe_violations(tab.page, live_server)
        if violations:
            found[name] = violations
    assert found == {}
    # The error page is a 404 by design; the browser logs that, and nothing else.
    assert [e for e in tab.errors if "404 (NOT FOUND)" not in e] == []


def test_dark_theme_and_auto(live_server, browser):
    for scheme, theme, dark in (("light", "dark", True), ("dark", "auto", True),
                                ("light", "auto", False), ("dark", "light", False)):
        context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto(f"{live_server}{PAGES['compare']}&theme={theme}")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert (background == "rgb(22, 22, 22)") == dark, (scheme, theme, background)
            if scheme == "light" and theme == "dark":
                screenshot(page, "compare-dark-1280")
        finally:
            context.close()


@pytest.mark.parametrize("name", CHARTS)
def test_charts_in_the_browser(live_server, watched, name):
    for label, viewport in (("360", PHONE), ("desktop", DESKTOP)):
        tab = watched(viewport)
        response = tab.page.goto(live_server + CHARTS[name], wait_until="load")
        assert response.status == 200
        # One chart shows: the one laid out for this frame (the others are display: none).
        chart = tab.page.locator("svg.chart:visible")
        assert chart.count() == 1
        assert chart.get_attribute("data-width") == ("340" if label == "360" else "560")
        box = chart.bounding_box()
        assert box["width"] <= viewport["width"] and box["height"] > 150
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(tab.page, f"{name}-{label}")
        assert tab.errors == [] and tab.foreign_requests(live_server) == []


def oembed_code(base: str, url: str) -> str:
    query = urllib.parse.urlencode({"url": base + url, "format": "json"})
    with urllib.request.urlopen(f"{base}/oembed?{query}", timeout=10) as response:
        return json.load(response)["html"]


# The article records the iframe's height the moment the snippet has run, before
# the frame reports anything: the jump is how far it then moves.
JUMP_PROBE = ('<script>window.__first = document.querySelector("iframe")'
              '.getBoundingClientRect().height;</script>')


# `hide` shortens every page: oEmbed's starting heights take off what it leaves out.
HIDE_ALL = "&hide=editors_notes,data_links,downloads"


@pytest.mark.parametrize("options", ["", HIDE_ALL])
@pytest.mark.parametrize("viewport_name, viewport", [("360", PHONE), ("desktop", DESKTOP)])
def test_the_article_moves_at_most_100px_as_the_frames_settle(live_server, newsroom, watched,
                                                               viewport_name, viewport, options):
    jumps = {}
    for name, url in {**PAGES, **CHARTS}.items():
        tab = watched(viewport)
        code = oembed_code(live_server, url + options)
        page_url = newsroom.publish(f"jump-{name}.html", article(code + JUMP_PROBE))
        tab.page.goto(page_url, wait_until="load")
        tab.page.wait_for_function("""() => window.__messages.some(
            m => m.data && m.data.type === "standpoint:resize")""")
        tab.page.wait_for_timeout(300)  # later reflows report again
        final = tab.page.locator("iframe").bounding_box()["height"]
        jumps[name] = round(final - tab.page.evaluate("window.__first"))
        tab.close()
    print(f"layout jump at {viewport['width']} px{options}: {jumps}")
    assert all(abs(jump) <= 100 for jump in jumps.values()), jumps


def test_an_error_shows_inside_the_frame(live_server, newsroom, watched):
    tab = watched(PHONE)
    code = ('<iframe src="{}/embed/matrix?as_of=2025-03-20&amp;actors=uk,narnia" '
            'title="A mistyped embed" width="640" height="420" '
            'style="width:100%;max-width:640px;border:0"></iframe>').format(live_server)
    tab.page.goto(newsroom.publish("typo.html", article(code)), wait_until="load")
    frame = tab.page.frames[1]
    frame.wait_for_selector("h1")
    assert frame.inner_text("h1") == "This embed cannot be shown"
    assert "No actor 'narnia'" in frame.inner_text("main")
    screenshot(tab.page, "error-in-frame-360")
    # The frame was allowed: nothing refused it.
    assert not any("frame-ancestors" in error for error in tab.errors)


def test_print_is_ink_on_paper_with_every_detail_open(live_server, watched):
    tab = watched(DESKTOP)
    tab.page.goto(f"{live_server}{MATRIX_6X3}&theme=dark")
    tab.page.emulate_media(media="print")
    assert tab.page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert tab.page.locator('[data-actor="uk"][data-topic="backstop"] .source').is_visible()
    assert not tab.page.locator(".data-links").is_visible()


# --- text a reader can read: at least 12 px at every width from 300 px (issue 26) ----------

FONT_WIDTHS = (300, 320, 360, 1280)
FONT_PAGES = {**EVERY_PAGE, "steps-parties": CHARTS["steps"] + "&actors=russia,us",
              "steps-undated": "/embed/actors/ukraine/steps?topic=ceasefire_scope",
              "lang-es": PAGES["matrix"] + "&lang=es"}
# Every piece of text the reader can see, at the size it is drawn on screen: an SVG's text
# at its font size times the SVG's scale (its screen CTM), HTML text at its computed size.
# Not: screen-reader-only text (.visually-hidden), SVG <title>/<desc> (tooltips).
SMALLEST_TEXT = """() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.textContent.trim() || element.closest(".visually-hidden, title, desc")) continue;
        if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
        let size = parseFloat(getComputedStyle(element).fontSize);
        if (element instanceof SVGElement) {
            const m = element.getScreenCTM();
            size *= Math.hypot(m.a, m.b);
        }
        found.push([Math.round(size * 100) / 100, node.textContent.trim().slice(0, 40),
                    element instanceof SVGElement]);
    }
    found.sort((a, b) => a[0] - b[0]);
    return [found[0], found.find(f => f[2]) || null];
}"""


def smallest_text(page) -> tuple[list, list | None]:
    """The smallest text on the page, and the smallest in its chart (None: no chart)."""
    closed, chart = page.evaluate(SMALLEST_TEXT)
    # ... and with every <details> open (what a tap shows).
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    opened, _chart = page.evaluate(SMALLEST_TEXT)
    return min(closed, opened), chart


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_text_under_12px_in_any_embed_or_chart_at_any_width(live_server, watched, theme):
    table: dict[str, dict[int, list]] = {}
    for width in FONT_WIDTHS:
        tab = watched({"width": width, "height": 800})
        for name, url in FONT_PAGES.items():
            tab.page.goto(f"{live_server}{url}{'&' if '?' in url else '?'}theme={theme}")
            table.setdefault(name, {})[width] = smallest_text(tab.page)
            assert tab.page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        tab.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"smallest-text-{theme}.json").write_text(json.dumps(table, indent=1), "utf-8")
    print(f"smallest text, {theme}, px (page / its chart):")
    for name, row in table.items():
        print(f"  {name:16} " + "  ".join(
            f"{w}: {row[w][0][0]:5.2f}" + (f" / {row[w][1][0]:5.2f}" if row[w][1] else "")
            for w in FONT_WIDTHS))
    small = {(name, w): found for name, row in table.items() for w, found in row.items()
             if found[0][0] < 12 or (found[1] and found[1][0] < 12)}
    assert small == {}


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_chart_screenshots_at_320(live_server, watched, lang):
    tab = watched({"width": 320, "height": 640})
    for name, url in (("steps", CHARTS["steps"]),
                      ("steps-parties", CHARTS["steps"] + "&actors=russia,us"),
                      ("spectrum", CHARTS["spectrum"])):
        response = tab.page.goto(live_server + url + f"&lang={lang}")
        assert response.status == 200
        assert response.headers["content-language"] == lang
        assert tab.page.locator("svg.chart:visible").get_attribute("data-width") == "280"
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= 320
        screenshot(tab.page, f"{name}-320" if lang == "en" else f"{name}-{lang}-320")
    assert tab.errors == []


def test_ukrainian_pages_read_in_ukrainian_on_a_phone(live_server, watched):
    """The record's words in the reader's language (its labels), laid out at 360 px."""
    record = bundled()
    labels = {t.id: t.labels["uk"] for t in record.topics}
    names = {a.id: a.labels["uk"]["name"] for a in record.actors}
    tab = watched(PHONE)
    for name, url in (("matrix-uk-360", PAGES["matrix"] + "&lang=uk"),
                      ("steps-uk-360", CHARTS["steps"] + "&actors=russia,us&lang=uk")):
        response = tab.page.goto(live_server + url, wait_until="load")
        assert response.status == 200
        text = tab.page.inner_text("body")
        assert names["ukraine"] in text
        assert labels["ceasefire_scope"]["name"] in text or (
            labels["ceasefire_scope"]["question"] in " ".join(text.split()))
        assert "No recorded position" not in text and "Firmly for it" not in text
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(tab.page, name)
    tab.page.goto(live_server + PAGES["matrix"] + "&lang=uk", wait_until="load")
    badge_text = badge(tab.page, "uk", "backstop")
    assert badge_text == labels["backstop"]["stances"]["requires"]["label"]
    assert tab.errors == []
