"""The pages' own words in English, French, German and Ukrainian (Flask-Babel), and the
record's words from its labels. The catalogs cover every message and are compiled."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from service.store.dataset_io import bundled
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


def _labels(lang: str) -> dict:
    """The bundled record's words in `lang` (its actors' and topics' labels)."""
    record = bundled()
    actors = {a.id: a.labels.get(lang, {}).get("name", a.name) for a in record.actors}
    topic = next(t for t in record.topics if t.id == "backstop")
    name = topic.labels.get(lang, {}).get("name", "Backstop")
    stance = topic.labels.get(lang, {}).get("stances", {}).get("requires", {}).get(
        "label", "Firmly for it")
    return {"uk": actors["uk"], "us": actors["us"], "topic": name[:1].lower() + name[1:]
            if lang != "de" else name, "requires": stance}


@pytest.mark.parametrize("lang, words", [
    ("en", ["Source: Associated Press, 20 March 2025, via", "Get the data (CSV)",
            "Where {uk} and {us} stand on {topic}, as of 20 March 2025"]),
    ("fr", ["Source : Associated Press, 20 mars 2025, via", "Télécharger les données (CSV)",
            "Où en sont {uk} et {us} sur {topic} au 20 mars 2025"]),
    ("de", ["Quelle: Associated Press, 20. März 2025, über", "Daten herunterladen (CSV)",
            "Wo {uk} und {us} bei {topic} stehen, Stand 20. März 2025"]),
    ("uk", ["Джерело: Associated Press, 20 березня 2025\u202fр., через", "Отримати дані (CSV)",
            "Позиції щодо теми «{topic}»: {uk} та {us}, станом на 20 березня 2025\u202fр."]),
])
def test_lang_picks_the_pages_words_and_sets_the_html_lang(client, lang, words):
    html = client.get(f"{MATRIX}&lang={lang}").get_data(as_text=True).replace("&#39;", "'")
    assert f'<html lang="{lang}"' in html
    labels = _labels(lang)
    for word in words:
        assert word.format(**labels) in html
    # The record's words are its labels in the page's language, the chart's words too.
    none = {"en": "No recorded position", "fr": "Aucune position enregistrée",
            "de": "Keine erfasste Position", "uk": "Позицію не зафіксовано"}[lang]
    assert f">{labels['requires']}</span>" in html and f">{none}</span>" in html


def test_the_language_does_not_leak_into_the_next_request(client):
    client.get(f"{MATRIX}&lang=de")
    assert "Get the data (CSV)" in client.get(MATRIX).get_data(as_text=True)
