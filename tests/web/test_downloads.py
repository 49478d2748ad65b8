"""Chart downloads fit for publication (issue 26, item 6): every option of the page
honoured in the file, presets for the web, a social card and print, the date in the
headline and in the file name."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from service.web.palette import css_colours

pytestmark = pytest.mark.read_only

SVG_NS = "{http://www.w3.org/2000/svg}"
SPECTRUM = "/embed/topics/peacekeepers/spectrum"
STEPS = "/embed/actors/ukraine/steps"
STEPS_MARCH = "topic=ceasefire_scope&from=2025-03-01&to=2025-03-31"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def png_chunks(data: bytes) -> dict[bytes, bytes]:
    chunks, i = {}, 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        chunks.setdefault(data[i + 4:i + 8], data[i + 8:i + 8 + length])
        i += 12 + length
    return chunks


def texts(document: bytes) -> list[str]:
    return [t.text for t in ET.fromstring(document).iter(f"{SVG_NS}text")]


def file_name(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


# --- file names carry what and when ------------------------------------------------------

@pytest.mark.parametrize("url, name", [
    (f"{SPECTRUM}.png?as_of=2025-03-20", "standpoint-spectrum-peacekeepers-2025-03-20.png"),
    (f"{SPECTRUM}.svg?as_of=2025-03-20", "standpoint-spectrum-peacekeepers-2025-03-20.svg"),
    (f"{SPECTRUM}.png?as_of=2025-03-20&preset=social",
     "standpoint-spectrum-peacekeepers-2025-03-20-social.png"),
    (f"{SPECTRUM}.svg?as_of=2025-03-20&preset=print",
     "standpoint-spectrum-peacekeepers-2025-03-20-print.svg"),
    (f"{STEPS}.svg?{STEPS_MARCH}",
     "standpoint-steps-ukraine-ceasefire_scope-2025-03-01-to-2025-03-31.svg"),
    (f"{STEPS}.svg?{STEPS_MARCH}&actors=russia",
     "standpoint-steps-ukraine-russia-ceasefire_scope-2025-03-01-to-2025-03-31.svg"),
])
def test_download_file_names_say_what_and_when(client, url, name):
    response = client.get(url)
    assert response.status_code == 200
    assert file_name(response) == name


# --- presets -------------------------------------------------------------------------------

def test_web_is_twice_the_layout_width(client):
    assert png_size(client.get(f"{SPECTRUM}.png?as_of=2025-03-20").data)[0] == 1120
    assert png_size(client.get(f"{SPECTRUM}.png?as_of=2025-03-20&width=340").data)[0] == 680
    assert png_size(client.get(f"{SPECTRUM}.png?as_of=2025-03-20&preset=web").data)[0] == 1120


@pytest.mark.parametrize("path", [f"{SPECTRUM}.png?as_of=2025-03-20",
                                  f"{STEPS}.png?{STEPS_MARCH}&actors=russia,us"])
def test_social_is_a_1200_by_630_card(client, path):
    data = client.get(f"{path}&preset=social&subtitle=Talks+in+Paris").data
    assert png_size(data) == (1200, 630)
    card = client.get(path.replace(".png", ".svg") + "&preset=social&subtitle=Talks+in+Paris")
    root = ET.fromstring(card.data)
    assert root.get("viewBox") == "0 0 1200 630"
    words = texts(card.data)
    assert "Talks in Paris" in words
    assert any(w.startswith("Source:") for w in words)
    # The chart inside, scaled to fill the room and no smaller than drawn: its 12 px
    # text is at least 12 px on the card.
    chart = root.find(f"{SVG_NS}svg")
    viewbox_width = float(chart.get("viewBox").split()[2])
    assert float(chart.get("width")) >= viewbox_width
    assert float(chart.get("y")) + float(chart.get("height")) <= 630
    if "spectrum" in path:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "social-card.png").write_bytes(data)


def test_print_is_85mm_at_300_dpi(client):
    data = client.get(f"{SPECTRUM}.png?as_of=2025-03-20&preset=print").data
    width, height = png_size(data)
    assert width == 1004  # 85 mm at 300 dpi
    pixels_per_metre_x, pixels_per_metre_y, unit = struct.unpack(">IIB", png_chunks(data)[b"pHYs"])
    assert unit == 1 and pixels_per_metre_x == pixels_per_metre_y == 11811  # 300 dpi
    document = client.get(f"{SPECTRUM}.svg?as_of=2025-03-20&preset=print").data
    root = ET.fromstring(document)
    assert root.get("width") == "85mm"
    # Laid out for the column: the narrow layout, so its 12 px text prints at 3 mm.
    assert root.get("viewBox").split()[2] == "340"
    mm_high = float(root.get("height").removesuffix("mm"))
    assert abs(mm_high / 85 - height / width) < 0.01


def test_a_preset_it_does_not_know_is_a_400(client):
    response = client.get(f"{SPECTRUM}.png?as_of=2025-03-20&preset=poster")
    assert response.status_code == 400
    assert "preset" in response.get_data(as_text=True)


# --- every option of the page, in the file ---------------------------------------------------

def test_a_desks_title_keeps_the_date_as_a_dateline(client):
    own = client.get(f"{SPECTRUM}.svg?as_of=2025-03-20&title=Who+sends+troops").data
    words = texts(own)
    assert words[0] == "Who sends troops"
    # The next line(s), wrapped as they come: what the chart shows and as of when.
    assert " ".join(words[1:3]).startswith(
        "Where the parties stand on peacekeepers, as of 20 March 2025")
    plain = " ".join(texts(client.get(f"{SPECTRUM}.svg?as_of=2025-03-20").data))
    assert plain.startswith("Where the parties stand on peacekeepers, as of 20 March 2025")
    assert plain.count("as of 20 March 2025") == 1  # no dateline repeating the title
    steps = texts(client.get(f"{STEPS}.svg?{STEPS_MARCH}&title=Kyiv%27s+line&lang=fr").data)
    assert steps[0] == "Kyiv's line"
    # In French, with the topic's French name from the record's labels.
    assert " ".join(steps[1:4]).startswith("Comment Ukraine a évolué sur portée du "
                                           "cessez-le-feu, du 1 mars 2025 au 31 mars 2025")


@pytest.mark.parametrize("path", [f"{SPECTRUM}.svg?as_of=2025-03-20", f"{STEPS}.svg?{STEPS_MARCH}"])
def test_subtitle_notes_and_theme_are_in_the_file(client, path):
    document = client.get(f"{path}&subtitle=As+the+talks+open&notes=Coded+by+the+desk"
                          f"&theme=dark").data
    words = texts(document)
    assert "As the talks open" in words and "Coded by the desk" in words
    # The desk's notes sit above the credit, as on the page.
    credit = next(i for i, w in enumerate(words) if w.startswith("Source:"))
    assert words.index("Coded by the desk") < credit
    paper = next(r for r in ET.fromstring(document).iter(f"{SVG_NS}rect") if r.get("class") == "paper")
    assert paper.get("fill") == css_colours("dark")["bg"] == "#161616"
    light = client.get(path).data
    paper = next(r for r in ET.fromstring(light).iter(f"{SVG_NS}rect") if r.get("class") == "paper")
    assert paper.get("fill") == "#ffffff"


def test_the_page_links_downloads_with_its_own_options(client):
    html = client.get(f"{SPECTRUM}?as_of=2025-03-20&title=Troops&subtitle=Paris&notes=N&theme=dark"
                      "&lang=fr&width=340&hide=data_links&utm_source=x").get_data(as_text=True)
    link = unescape(re.search(r'<a href="([^"]+\.png[^"]*)" download>', html).group(1))
    for part in ("title=Troops", "subtitle=Paris", "notes=N", "theme=dark", "lang=fr", "width=340",
                 "as_of=2025-03-20"):
        assert part in link
    assert "hide" not in link and "utm_source" not in link
