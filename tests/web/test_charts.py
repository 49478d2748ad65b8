"""The charts: a spectrum per topic and a step chart of one party on one topic,
server-rendered SVG (no script) in the pages' palette, accessible, embeddable
and downloadable as SVG and PNG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from service.web.palette import css_colours
from service.web.svg import MARKER, MIN_FONT, WIDTHS

pytestmark = pytest.mark.read_only

SPECTRUM = "/embed/topics/peacekeepers/spectrum?as_of=2025-03-20"
STEPS = "/embed/actors/ukraine/steps?topic=ceasefire_scope&from=2025-03-01&to=2025-03-31"
SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_of(html: str) -> ET.Element:
    return ET.fromstring(html[html.index("<svg"):html.index("</svg>") + 6])


def test_spectrum_places_each_party_at_its_stance(client):
    html = client.get(SPECTRUM).get_data(as_text=True)
    chart = svg_of(html)
    assert chart.get("role") == "img"
    title = chart.find(f"{SVG_NS}title").text
    assert title == "Where the parties stand on peacekeepers, as of 20 March 2025"
    assert "Should foreign troops" in chart.find(f"{SVG_NS}desc").text
    pills = {g.get("data-actor"): g for g in chart.iter(f"{SVG_NS}g") if g.get("data-actor")}
    assert set(pills) == {"uk", "france", "australia", "canada", "finland", "russia"}
    colours = css_colours()
    # The colour repeats the stance: the UK wants a force (strong "for"), Russia rejects some.
    assert pills["uk"].find(f"{SVG_NS}rect").get("fill") == colours["stance-for-strong-bg"]
    assert pills["russia"].find(f"{SVG_NS}rect").get("fill") == colours["stance-against-bg"]
    # ... and the rows are in scale order, the supportive end on top.
    y = {actor: float(g.find(f"{SVG_NS}rect").get("y")) for actor, g in pills.items()}
    assert y["uk"] < y["australia"] < y["russia"]


def test_spectrum_lists_the_silent_apart_with_why(client):
    html = client.get(SPECTRUM).get_data(as_text=True)
    silent = html[html.index('<section class="silent"'):]
    silent = silent[:silent.index("</section>")]
    for actor in ("germany", "ukraine", "us"):
        assert f'data-actor="{actor}"' in silent
    # Why, in the reader's words; the editors' working note (¶ references) stays in the API.
    assert "The report quotes no US view on foreign troops in Ukraine." in silent
    assert "Considered ¶" not in html
    assert "No recorded position: Germany, Ukraine, United States" in html


def test_charts_have_a_data_table_for_screen_readers(client):
    spectrum = client.get(SPECTRUM).get_data(as_text=True)
    table = spectrum[spectrum.index('<div class="visually-hidden"><table>'):]
    assert re.search(r'<tr data-actor="russia"><th scope="row">Russia</th><td>Rejects some '
                     r"countries&#39; troops</td>", table)
    steps = client.get(STEPS).get_data(as_text=True)
    table = steps[steps.index('<div class="visually-hidden"><table>'):]
    assert "Before 1 March 2025</td><td>No recorded position" in table
    assert "<td>Energy and civilian infrastructure</td>" in table


def test_each_step_links_to_its_statement(client):
    html = client.get(STEPS).get_data(as_text=True)
    chart = svg_of(html)
    links = [a.get("href") for a in chart.iter(f"{SVG_NS}a")]
    assert len(links) == 2
    for link in links:
        path = link.replace("http://localhost", "")
        assert path.startswith("/v1/statements/")
        statement = client.get(path).get_json()
        assert statement["actor"] == "ukraine" and statement["topic"] == "ceasefire_scope"
    # Each link is named (its <title>, which screen readers read as its name): the step,
    # then what the statement says.
    names = [a.find(f"{SVG_NS}title").text for a in chart.iter(f"{SVG_NS}a")]
    assert names[0].startswith("1. Ukraine, 19 March 2025: Limited, targets not settled. "
                               "Ukraine agreed")
    assert all(names)


def test_charts_have_no_script_and_no_inline_style(client):
    for url in (SPECTRUM, STEPS):
        html = client.get(url).get_data(as_text=True)
        chart = html[html.index("<svg"):html.index("</svg>")]
        assert "<script" not in chart and "style=" not in chart and "<style" not in chart


@pytest.mark.parametrize("url", [
    "/embed/topics/peacekeepers/spectrum.svg?as_of=2025-03-20",
    "/embed/actors/ukraine/steps.svg?topic=ceasefire_scope&from=2025-03-01&to=2025-03-31",
])
def test_svg_downloads_stand_alone(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    chart = ET.fromstring(response.data)
    texts = " ".join(t.text or "" for t in chart.iter(f"{SVG_NS}text"))
    assert "Source: Associated Press, 20 March 2025, via Standpoint" in texts
    assert chart.find(f"{SVG_NS}title").text in texts.replace("  ", " ") or texts


@pytest.mark.parametrize("url", [
    "/embed/topics/peacekeepers/spectrum.png?as_of=2025-03-20",
    "/embed/actors/ukraine/steps.png?topic=ceasefire_scope&from=2025-03-01&to=2025-03-31",
])
def test_png_downloads(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(response.data[16:20], "big")
    assert width == 1120  # twice the width the chart is laid out for (560 by default)
    narrow = client.get(f"{url}&width=300")
    assert int.from_bytes(narrow.data[16:20], "big") == 600


def test_chart_pages_link_their_downloads_and_csv(client):
    for url in (SPECTRUM, STEPS):
        html = client.get(url).get_data(as_text=True)
        for kind in ("svg", "png"):
            link = re.search(rf'<a href="([^"]+\.{kind}[^"]*)" download>', html).group(1)
            assert client.get(link.replace("&amp;", "&")).status_code == 200
        csv = re.search(r'<a href="([^"]+)"[^>]*>Get the data \(CSV\)</a>', html).group(1)
        assert client.get(csv.replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize("url, status", [
    ("/embed/topics/narnia/spectrum", 404),
    ("/embed/actors/narnia/steps?topic=backstop", 404),
    ("/embed/actors/uk/steps", 400),
    ("/embed/actors/uk/steps?topic=backstop&from=2025-03-20&to=2025-03-01", 400),
    ("/embed/topics/backstop/spectrum.svg?as_of=soon", 400),
])
def test_chart_errors_are_frameable_pages(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"


def test_charts_take_the_embed_options(client):
    html = client.get(f"{SPECTRUM}&theme=dark&lang=de&title=Truppen&utm_source=x").get_data(as_text=True)
    assert '<html lang="de" data-theme="dark"' in html
    assert "<h1>Truppen</h1>" in html
    for width in WIDTHS:
        assert f'<title id="spectrum-peacekeepers-w{width}-title">Truppen</title>' in html


def test_charts_have_oembed(client):
    from urllib.parse import quote

    for url in (SPECTRUM, STEPS):
        body = client.get(f"/oembed?url={quote('http://localhost' + url, safe='')}").get_json()
        assert body["type"] == "rich" and "<iframe" in body["html"]
    assert body["title"] == "How Ukraine moved on ceasefire scope, 1 March 2025 to 31 March 2025"


def test_a_title_with_characters_xml_forbids_still_makes_an_svg_and_a_png(client):
    title = "Ceasefire%01%0B%1F talks"
    svg = client.get(f"/embed/topics/backstop/spectrum.svg?as_of=2025-03-20&title={title}")
    assert svg.status_code == 200
    assert ET.fromstring(svg.data).find(f"{SVG_NS}title").text == "Ceasefire talks"
    png = client.get(f"/embed/topics/backstop/spectrum.png?as_of=2025-03-20&title={title}")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


def test_an_unranked_stance_is_no_rung_and_silence_no_line(client):
    # Ukraine's ceasefire scope: "Limited, targets not settled" (unranked: the report leaves
    # its breadth open), then "Energy and civilian infrastructure" (issue 21).
    chart = svg_of(client.get(STEPS).get_data(as_text=True))
    rules = [line for line in chart.iter(f"{SVG_NS}line") if line.get("class") == "rule"]
    dashed = [float(r.get("y1")) for r in rules if r.get("stroke-dasharray") != "none"]
    solid = [float(r.get("y1")) for r in rules if r.get("stroke-dasharray") == "none"]
    # The ranked rungs come first; the unranked row sits apart, dashed. Silence has no row:
    # it is no line (issue 26), never the bottom rung as if it were the most extreme stance.
    assert len(solid) == 4 and len(dashed) == 1 and max(solid) < min(dashed)
    labels = [t.text for t in chart.iter(f"{SVG_NS}text")]
    assert "No recorded position" not in labels
    (line,) = [p for p in chart.iter(f"{SVG_NS}path") if p.get("class") == "step-line"]
    moves = re.findall(r"[MVH]", line.get("d"))
    # Two level runs, each started afresh: no vertical step from the unranked row to a rung
    # (that would read as a move along the scale), and none drawn for the silent weeks.
    assert moves == ["M", "H", "M", "H"]


# --- laid out for the width they are drawn at (issue 26) -------------------------------

def svgs_of(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, re.S)]


def font_sizes(chart: ET.Element) -> list[float]:
    return [float(t.get("font-size")) for t in chart.iter(f"{SVG_NS}text")]


MANY = "/embed/actors/ukraine/steps?topic=ceasefire_scope&actors=russia,us"


@pytest.mark.parametrize("url", [SPECTRUM, STEPS, MANY, MANY + "&to=2025-12-31",
                                 "/embed/topics/ceasefire_scope/spectrum?as_of=2025-03-20"])
def test_a_page_draws_each_chart_for_each_frame_width_and_no_text_under_12px(client, url):
    html = client.get(url).get_data(as_text=True)
    charts = svgs_of(html)
    assert [int(c.get("data-width")) for c in charts] == list(WIDTHS)
    for chart in charts:
        width = int(chart.get("width"))
        # Drawn at its own width: one SVG unit is one CSS px at that width.
        assert chart.get("viewBox").split()[2] == str(width)
        assert min(font_sizes(chart)) >= MIN_FONT
        # Nothing is drawn past its right edge (text starts inside, with room to run).
        for text in chart.iter(f"{SVG_NS}text"):
            if text.get("text-anchor") == "start":
                assert float(text.get("x")) + 0.6 * float(text.get("font-size")) * len(
                    text.text or "") <= width + 1, (width, text.text)


@pytest.mark.parametrize("width", [280, 300, 340, 460, 560, 800, 1600])
@pytest.mark.parametrize("path", ["/embed/topics/peacekeepers/spectrum.svg?as_of=2025-03-20",
                                  "/embed/actors/ukraine/steps.svg?topic=ceasefire_scope"
                                  "&actors=russia,us"])
def test_downloads_are_laid_out_for_the_width_asked(client, path, width):
    response = client.get(f"{path}&width={width}")
    assert response.status_code == 200
    chart = ET.fromstring(response.data)
    assert chart.get("viewBox").split()[2] == str(width) == chart.get("width")
    assert min(font_sizes(chart)) >= MIN_FONT


@pytest.mark.parametrize("width", ["279", "1601", "wide"])
def test_a_width_out_of_range_is_a_400_page(client, width):
    response = client.get(f"{SPECTRUM}&width={width}")
    assert response.status_code == 400 and "<code>width</code>" in response.get_data(as_text=True)


def test_a_page_with_a_width_draws_only_that_width(client):
    charts = svgs_of(client.get(f"{STEPS}&width=620").get_data(as_text=True))
    assert [c.get("width") for c in charts] == ["620"]


# --- a step chart a reader can follow ---------------------------------------------------

def texts(chart: ET.Element) -> list[str]:
    return [t.text or "" for t in chart.iter(f"{SVG_NS}text")]


def points(chart: ET.Element) -> dict[int, tuple[float, float]]:
    return {int(g.get("data-number")): (float(g.find(f"{SVG_NS}circle").get("cx")),
                                        float(g.find(f"{SVG_NS}circle").get("cy")))
            for g in chart.iter(f"{SVG_NS}g") if g.get("class") == "point"}


@pytest.mark.parametrize("index", range(len(WIDTHS)))
def test_every_step_has_its_number_date_and_stance_and_a_day_apart_they_stay_apart(client,
                                                                                    index):
    chart = svgs_of(client.get(STEPS).get_data(as_text=True))[index]
    # Ukraine: 19 March (limited, targets not settled), 20 March (named the targets).
    (x1, y1), (x2, y2) = points(chart)[1], points(chart)[2]
    assert x2 - x1 >= 2 * MARKER + 4  # a day apart, the two points do not touch
    assert y1 != y2
    links = [a for a in chart.iter(f"{SVG_NS}a") if a.get("class") == "step-link"]
    words = [" ".join(t.text for t in a.iter(f"{SVG_NS}text")) for a in links]
    assert words[0].startswith("1 19 March 2025 Limited, targets not settled")
    assert words[1].startswith("2 20 March 2025 Energy and civilian")
    assert "Before 1 March 2025: No recorded position" in " ".join(texts(chart))


def test_undated_the_chart_ends_at_the_last_statement(client):
    html = client.get("/embed/actors/ukraine/steps?topic=ceasefire_scope").get_data(as_text=True)
    assert "<h1>How Ukraine moved on ceasefire scope, 19 March 2025 to 20 March 2025</h1>" in html
    chart = svgs_of(html)[-1]
    assert "20 March 2025" in texts(chart) and "no new statement" not in html
    assert not [line for line in chart.iter(f"{SVG_NS}line") if line.get("class") == "held-line"]
    # One statement day: one date, printed once, and the line does not run on to today.
    html = client.get("/embed/actors/russia/steps?topic=ceasefire_scope").get_data(as_text=True)
    assert "<h1>How Russia stood on ceasefire scope, 19 March 2025</h1>" in html
    axis = [t for t in texts(svgs_of(html)[0]) if t == "19 March 2025"]
    assert len(axis) == 2  # the axis once, and the step list's entry once


def test_a_later_end_says_no_new_statement_since(client):
    html = client.get("/embed/actors/ukraine/steps?topic=ceasefire_scope&to=2026-12-07"
                      ).get_data(as_text=True)
    chart = svgs_of(html)[0]
    assert "Ukraine: no new statement since 20 March 2025." in " ".join(texts(chart))
    held = [line for line in chart.iter(f"{SVG_NS}line") if line.get("class") == "held-line"]
    assert len(held) == 1 and held[0].get("stroke") == css_colours()["muted"]
    assert "7 December 2026" in texts(chart)


def test_several_parties_on_one_topic(client):
    html = client.get(MANY + "&to=2025-03-31").get_data(as_text=True)
    assert "<h1>How Ukraine, Russia and United States moved on ceasefire scope, " in html
    for chart in svgs_of(html):
        lines = {p.get("data-actor"): p.get("stroke-dasharray") for p in chart.iter(f"{SVG_NS}path")
                 if p.get("class") == "step-line"}
        assert set(lines) == {"ukraine", "russia", "us"}
        assert len(set(lines.values())) == 3  # told apart without colour
        words = " ".join(texts(chart))
        for name in ("Ukraine", "Russia", "United States"):
            assert name in texts(chart)  # the key
        assert "19 March 2025 · Russia" in words and "20 March 2025 · Ukraine" in words
        # Numbered oldest first, and every one of the four statements has its point.
        assert sorted(points(chart)) == [1, 2, 3, 4]
        assert points(chart)[4][0] > points(chart)[1][0]
    assert client.get(MANY.replace("russia,us", "narnia")).status_code == 404
    too_many = client.get(MANY.replace("russia,us", "uk,france,germany,russia,us,canada"))
    assert too_many.status_code == 400
