"""The pages' own words in English, French, German and Ukrainian (Flask-Babel).

The pages' own words (headings, labels, the credit, dates) are in the catalogs; the
record's words (actor names, questions, stance labels) come from the labels stored with
it (web/record_words.py), and the generated sentences are built from both
(web/verdicts.py). An embed picks its language with `lang=`; everything else is English. The
catalogs are in translations/ (`pybabel compile -d service/web/translations`
after editing a .po; the compiled .mo files are committed).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g
from flask_babel import Babel, refresh

LANGUAGES = ("en", "fr", "de", "uk")
TRANSLATIONS = Path(__file__).parent / "translations"


def supported(lang: str | None) -> str:
    """The pages' language for a `lang=` value: its primary subtag (`fr-CA`, `FR` are
    `fr`) when the pages are written in it, else English."""
    primary = (lang or "").strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


def use_language(lang: str) -> None:
    """Render the rest of this request in `lang` (a parsed, valid `lang=`)."""
    g.embed_lang = lang
    refresh()  # Flask-Babel caches the locale it found first


def _locale() -> str:
    return g.get("embed_lang", "en")


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=_locale)
