"""Sources at the desk: the list, a new one (its text pasted, or a saved article's
page reduced to its main text as the API and the CLI do), and one source read the
way statements cite it: its paragraphs numbered (¶), the candidate sentences
marked, each with a way to code it, and the statements already resting on each
paragraph.

Who may do what follows the API (api/sources.py): reporters record sources (a
source asserts no position, and what cites it passes review). Every signed-in
holder reads a source's text here, as reporters' and editors' keys do at the
API's /paragraphs: they code statements from it, and the desk is the newsroom's,
not the public's.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import database
from ..domain.candidates import Candidate, Reading, candidates, reading_for
from ..domain.selectors import check
from ..domain.source_text import SourceText, html_to_text, source_text
from ..http.problems import Problem
from ..store import records
from ..store.engine import write_transaction
from ..store.kinds import SOURCES
from .auth import holder, needs
from .forms import SourceForm

bp = Blueprint("sources", __name__)
PER_PAGE = 50


def source_or_404(source_id: str):
    source = database.record().current(SOURCES, source_id)
    if source is None:
        raise Problem(404, "not-found", f"No source '{source_id}'.")
    return source


def reading_of(record, source) -> tuple[SourceText, Reading | None, list[Candidate]]:
    """A kept source's paragraphs, the finder's words for its language, and its candidate
    sentences as /v1/sources/{id}/candidates finds them (none without cues for the
    language)."""
    text = source_text(source.text)
    cues = record.reading(source.language)
    if cues is None:
        return text, None, []
    reading = reading_for(record.actors.values(), record.topics.values(), cues)
    return text, reading, candidates(text, source.id, source.published_on, reading)


@dataclass(frozen=True)
class Piece:
    """A run of a paragraph's text, and the candidate it belongs to (None: plain text)."""
    text: str
    candidate: Candidate | None = None
    number: int = 0  # the candidate's number on the page, from 1


def pieces(text: SourceText, paragraph, found: list[tuple[int, Candidate]]) -> list[Piece]:
    """¶`paragraph` cut into plain runs and candidate sentences (`found`: numbered ones)."""
    spans = []
    for number, candidate in found:
        match = check(text, candidate.anchor).match
        if match is not None:
            spans.append((match.start - paragraph.start, match.end - paragraph.start,
                          number, candidate))
    out, at = [], 0
    for start, end, number, candidate in sorted(spans, key=lambda span: span[0]):
        if start < at:
            continue  # overlapping sentences cannot be: the finder splits a paragraph once
        if start > at:
            out.append(Piece(paragraph.text[at:start]))
        out.append(Piece(paragraph.text[start:end], candidate, number))
        at = end
    if at < len(paragraph.text):
        out.append(Piece(paragraph.text[at:]))
    return out


@bp.get("/sources")
def list_sources():
    page = request.args.get("page", 1, type=int)
    page = max(page, 1)
    items, total = database.record().sources(False, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("desk/sources.html", sources=items, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)))


@bp.route("/sources/new", methods=["GET", "POST"])
@needs("reporter")
def new_source():
    form = SourceForm()
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 422
        return render_template("desk/source_new.html", form=form), status
    data = {"id": form.id.data or None, "publisher": form.publisher.data,
            "published_on": form.published_on.data, "language": form.language.data,
            "title": form.title.data or None, "byline": form.byline.data or None,
            "url": form.url.data or None,
            "published_on_basis": form.published_on_basis.data or None}
    if form.page.data:
        try:
            # Strict: a character guessed wrong would be a quote that is not the source's.
            page = form.page.data.read().decode("utf-8")
        except UnicodeDecodeError:
            form.page.errors = ["The page is not UTF-8: save it as UTF-8, or paste the text."]
            return render_template("desk/source_new.html", form=form), 422
        try:
            data["text"] = html_to_text(page)
        except ValueError as exc:
            form.page.errors = [f"{exc}: paste the text instead."]
            return render_template("desk/source_new.html", form=form), 422
    elif form.text_withheld.data:
        data["text_withheld"] = form.text_withheld.data
    else:
        data["text"] = form.text.data
    try:
        with write_transaction(database.engine()) as conn:
            created = records.create(SOURCES, conn, data, holder().name)
    except records.WriteRefused as exc:
        errors = getattr(exc, "extensions", {}).get("errors") or {"id": [exc.detail]}
        for name, messages in errors.items():
            field = getattr(form, name, None) or form.id
            field.errors = [*field.errors, *messages]
        status = 409 if isinstance(exc, records.Conflict) else 422
        return render_template("desk/source_new.html", form=form), status
    flash(f"Source {created.id} recorded: {created.paragraph_count or 0} paragraphs.")
    return redirect(url_for("desk.sources.source", source_id=created.id), 303)


@bp.get("/sources/<source_id>")
def source(source_id: str):
    item = source_or_404(source_id)
    record = database.record()
    paragraphs, marked, resting = [], 0, {}
    found: list[Candidate] = []
    if item.text is not None:
        text, _reading, found = reading_of(record, item)
        numbered = list(enumerate(found, 1))
        for statement in record.statements_on(item.id):
            if statement.anchor is not None:
                resting.setdefault(statement.anchor.paragraph, []).append(statement)
        for paragraph in text.paragraphs:
            mine = [(n, c) for n, c in numbered if c.paragraph == paragraph.number]
            paragraphs.append((paragraph, pieces(text, paragraph, mine),
                               resting.get(paragraph.number, [])))
        marked = sum(1 for _p, cut, _s in paragraphs for piece in cut if piece.candidate)
    return render_template("desk/source.html", source=item, paragraphs=paragraphs,
                           candidates=found, marked=marked, actors=record.actors,
                           resting=sum(len(s) for s in resting.values()))
