"""The embed builder in a real browser (issue 26, item 5): a desk builds a compare,
copies the code, pastes it into an article on another origin, and the article barely
moves as the frame settles; without script the form still makes the code and the
frame is tall enough. The live server and the newsroom are test_embed_browser's."""

from __future__ import annotations

import urllib.parse

import pytest

from .browser import AXE, BROWSER_MARKS, axe_violations, screenshot
from .test_embed_browser import JUMP_PROBE, article, live_server, newsroom  # noqa: F401

pytestmark = BROWSER_MARKS

DESKTOP = {"width": 1280, "height": 900}


def build_compare_in_french(page, base: str) -> str:
    """Tick a compare of the UK and Russia on peacekeepers in French, as a desk would,
    and return the code once the previews have measured its heights."""
    page.goto(base + "/embed/builder", wait_until="load")
    page.get_by_label("Compare: parties side by side", exact=False).check()
    page.locator('input[name="actors"][value="uk"]').check()
    page.locator('input[name="actors"][value="russia"]').check()
    page.locator('input[name="topics"][value="peacekeepers"]').check()
    page.get_by_label("Language").select_option("fr")
    page.wait_for_function("""() => {
        const code = document.getElementById("code");
        return code && code.dataset.measured === "true" && code.value.includes("lang=fr")
            && code.value.includes("actors=russia,uk") && code.value.includes("topics=peacekeepers");
    }""", timeout=30000)
    return page.locator("#code").input_value()


@pytest.fixture
def desk(browser, live_server):  # noqa: F811
    origin = live_server
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, errors
    context.close()


def test_build_copy_paste_and_the_article_barely_moves(desk, browser, live_server,  # noqa: F811
                                                       newsroom):  # noqa: F811
    page, errors = desk
    code = build_compare_in_french(page, live_server)
    # The form's state is its address: reopening it rebuilds the same embed.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    # (parties in the form's order)
    assert query["view"] == ["compare"] and query["actors"] == ["russia", "uk"]
    assert query["topics"] == ["peacekeepers"] and query["lang"] == ["fr"]
    page.get_by_role("button", name="Copy the code").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == code
    heights = dict(pair.split(":") for pair in
                   copied.split('data-standpoint-heights="')[1].split('"')[0].split())
    assert sorted(map(int, heights)) == [280, 320, 360, 480, 640, 960, 1280]
    screenshot(page, "builder-1280", full_page=False)
    page.goto(page.url)  # the shared link
    assert page.locator('input[name="actors"][value="russia"]').is_checked()
    assert page.locator("#lang").input_value() == "fr"
    assert errors == []

    url = newsroom.publish("builder-article.html", article(copied + JUMP_PROBE))
    jumps = {}
    for width in (320, 360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            reader = context.new_page()
            reader.goto(url, wait_until="load")
            reader.wait_for_function("""() => window.__messages.some(
                m => m.data && m.data.type === "standpoint:resize")""")
            reader.wait_for_timeout(300)  # later reflows report again
            frame = reader.locator("iframe")
            final = frame.bounding_box()["height"]
            jumps[width] = round(final - reader.evaluate("window.__first"))
            content = reader.frames[1].evaluate("document.documentElement.scrollHeight")
            assert content <= final + 1, (width, content, final)
            assert "Royaume-Uni" in reader.frames[1].inner_text("body") or \
                "United Kingdom" in reader.frames[1].inner_text("body")
        finally:
            context.close()
    print(f"layout jump of the builder's code: {jumps}")
    assert all(abs(jump) <= 20 for jump in jumps.values()), jumps

    # Without script (the article's and the frame's): nothing cut off at 360 px.
    context = browser.new_context(viewport={"width": 360, "height": 800},
                                  java_script_enabled=False)
    try:
        reader = context.new_page()
        reader.goto(url, wait_until="load")
        frame = reader.frames[1]
        frame.wait_for_selector("footer.credit")
        box = reader.locator("iframe").bounding_box()
        # The frame's document, measured from outside (no script runs in it).
        bottom = frame.locator("footer.credit").bounding_box()
        assert bottom["y"] + bottom["height"] <= box["y"] + box["height"], (bottom, box)
        screenshot(reader, "builder-code-without-script-360")
    finally:
        context.close()


def test_without_script_the_form_makes_the_code(browser, live_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + "/embed/builder")
        page.locator('input[name="view"][value="spectrum"]').check()
        page.locator('input[name="topics"][value="peacekeepers"]').check()
        page.locator("#title").fill("Who sends troops")
        page.locator('input[name="hide"][value="data_links"]').check()
        page.get_by_role("button", name="Make the code").click()
        page.wait_for_load_state("load")
        code = page.locator("#code").input_value()
        assert "/embed/topics/peacekeepers/spectrum?" in code and "hide=data_links" in code
        assert "title=Who" in code
        assert page.get_by_role("link", name="social PNG").get_attribute("href").endswith(
            "preset=social")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


@pytest.mark.skipif(not AXE.exists(), reason=(
    "node_modules/axe-core is not installed: run `npm ci` at the repository root"))
@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, DESKTOP], ids=["360", "1280"])
def test_no_wcag_21_aa_violation_on_the_builder(desk, live_server, viewport):  # noqa: F811
    page, errors = desk
    page.set_viewport_size(viewport)
    page.goto(live_server + "/embed/builder?view=compare&actors=uk&actors=russia"
              "&topics=peacekeepers&lang=fr")
    assert axe_violations(page, live_server) == []
    page.goto(live_server + "/embed/builder?view=compare&actors=uk")  # an answer that is an error
    assert axe_violations(page, live_server) == []
    assert errors == []
