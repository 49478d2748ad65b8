"""The pages' own words in English, French, German and Ukrainian (Flask-Babel);
data labels stay English. The catalogs cover every message and are compiled."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from service.web.i18n import LANGUAGES, TRANSLATIONS

pytestmark = pytest.mark.read_only

WEB = Path(TRANSLATIONS).parent
MATRIX = "/embed/matrix?as_of=2025-03-20&actors=uk,us&topics=backstop"


def messages_in_the_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(WEB), method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
            keywords={"_": None, "gettext": None, "_l": None, "ngettext": (1, 2)}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _forms(string):
    return string if isinstance(string, str) else tuple(string)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated_and_compiled(lang):
    folder = Path(TRANSLATIONS) / lang / "LC_MESSAGES"
    po = read_po(io.BytesIO((folder / "messages.po").read_bytes()), locale=lang)
    # A plural message counts as translated when every one of the language's forms is.
    translated = {(m.id if isinstance(m.id, str) else m.id[0]): _forms(m.string) for m in po
                  if m.id and m.string and (isinstance(m.string, str) or all(m.string))}
    missing = messages_in_the_code() - set(translated)
    assert not missing, f"{lang}: untranslated {sorted(missing)}"
    compiled = {(m.id if isinstance(m.id, str) else m.id[0]): _forms(m.string)
                for m in read_mo(io.BytesIO((folder / "messages.mo").read_bytes())) if m.id}
    assert compiled == translated, f"{lang}: messages.mo is stale: pybabel compile -d {folder.parents[1]}"


@pytest.mark.parametrize("lang, words", [
    ("en", ["Source: Associated Press, 20 March 2025, via", "Get the data (CSV)",
            "Where United Kingdom and United States stand on backstop, as of 20 March 2025"]),
    ("fr", ["Source : Associated Press, 20 mars 2025, via", "Télécharger les données (CSV)",
            "Où en sont United Kingdom et United States sur backstop au 20 mars 2025"]),
    ("de", ["Quelle: Associated Press, 20. März 2025, über", "Daten herunterladen (CSV)",
            "Wo United Kingdom und United States bei backstop stehen, Stand 20. März 2025"]),
    ("uk", ["Джерело: Associated Press, 20 березня 2025\u202fр., через", "Отримати дані (CSV)"]),
])
def test_lang_picks_the_pages_words_and_sets_the_html_lang(client, lang, words):
    html = client.get(f"{MATRIX}&lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    for word in words:
        assert word in html
    # Data labels stay as the record has them.
    assert ">Firmly for it</span>" in html and ">No recorded position</span>" in html


def test_the_language_does_not_leak_into_the_next_request(client):
    client.get(f"{MATRIX}&lang=de")
    assert "Get the data (CSV)" in client.get(MATRIX).get_data(as_text=True)
