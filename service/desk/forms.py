"""The desk's forms (Flask-WTF: every form carries its CSRF token), and the way
between a form's flat fields and a record's plain data (store/kinds.py).

A record is edited as flat fields (`source_publisher`, `speaker_name`...), so
that two versions of it can be compared field by field (desk/conflicts.py).
The rules are the API's (api/statements.py, api/notes.py): the same lengths,
dates within the record's span and not in the future, a source not published
before the statement was made; the store then checks what only the record can
tell (the actor, the topic, the stance on its scale).
"""

from __future__ import annotations

import datetime as dt
import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import (DateField, HiddenField, IntegerField, PasswordField, RadioField, SelectChoice,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from ..domain.model import DATE_PRECISIONS, FIRST_DATE, LAST_DATE, QUOTE_KINDS, UNCLEAR, Topic
from ..domain.validation import READER_TEXT_MAX, DomainError, check_reader_text
from ..http.args import today

# The same rules as the API's SLUG and URL_PATTERN (api/statements.py; a test
# holds them equal): the desk does not import the API.
SLUG = r"^[a-z0-9][a-z0-9_.-]*$"
URL_PATTERN = (r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}(:[0-9]{1,5})?"
               r"([/?#][!-~]*)?$")
MAX_CONDITIONS = 20

QUOTE_KIND_HELP = {
    "verbatim": "Only words inside the source's quotation marks, with a named speaker.",
    "paraphrase": "Copied exactly from the source's own sentence that carries the stance, "
                  "the shortest part of it that does.",
}
# docs/DATA.md, rules 4 and 7: how much of the date the source supports.
DATE_PRECISION_HELP = {
    "day": "The source names the day the statement was made (\"on Thursday\"). Never for a "
           "position placed only before some moment (\"originally\", \"earlier\", "
           "\"had sought\").",
    "on_or_before": "The source shows only that the position was held by a date (\"has said\", "
                    "\"says\"): enter the source's date, never earlier.",
    "month": "The source gives only a month (\"last month\").",
    "approximate": "The source gives a period (\"this week\").",
}


def _in_span(form, field) -> None:
    value = field.data
    if value is None:
        return
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(f"Must be between {FIRST_DATE} and {LAST_DATE}.")
    if value > today():
        raise ValidationError("Must not be in the future.")


def _reader_sentence(form, field) -> None:
    if field.data:
        try:
            check_reader_text(field.data)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc


def _text(label: str, max_length: int, required: bool = True, area: bool = False, **kwargs):
    field = TextAreaField if area else StringField
    checks = [DataRequired(), Length(max=max_length)] if required else [
        Optional(), Length(max=max_length)]
    return field(label, checks, filters=[_strip], **kwargs)


def _line_feeds(value):
    # A browser sends a textarea's line breaks as CRLF: the text kept is the one pasted.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _strip(value):
    # Browsers send a textarea's line breaks as CRLF; the record keeps LF.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    name = StringField("Name", [Optional(), Length(max=200)], filters=[_strip])
    password = PasswordField("Password", [Optional(), Length(max=1000)])
    api_key = PasswordField("Or an API key", [Optional(), Length(max=200)])


class SourceFields:
    """The source a statement or a note rests on (mixed into both forms)."""

    source_id = StringField("Source record (its id in /v1/sources; empty: a citation only)",
                            [Optional(), Length(max=128), Regexp(SLUG, message=(
                                "Use lower-case letters, digits, '-', '_' and '.'."))],
                            filters=[_strip])
    source_publisher = _text("Publisher", 200)
    source_published_on = DateField("Published on", [InputRequired(), _in_span])
    source_title = _text("Title", 500, required=False)
    source_byline = _text("Byline", 200, required=False)
    source_url = StringField("Address (URL)", [Optional(), Length(max=2000), Regexp(
        URL_PATTERN, message="Not an http(s) address with a host name.")], filters=[_strip])
    source_location = _text("Where in the source (paragraph, timestamp)", 200, required=False)
    source_published_on_basis = _text("Where the publication date comes from, if the source's "
                                      "text does not give it", 500, required=False)


SOURCE_NAMES = ("id", "publisher", "published_on", "title", "byline", "url", "location",
                "published_on_basis")


class RevisionFields:
    # The revision the form was filled from: the desk's If-Match.
    base_revision = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class StatementForm(SourceFields, RevisionFields, FlaskForm):
    id = StringField("Id (optional; made from actor, topic and date when empty)",
                     [Optional(), Length(max=128), Regexp(SLUG, message=(
                         "Use lower-case letters, digits, '-', '_' and '.'."))], filters=[_strip])
    stance = RadioField("Stance", [InputRequired()])
    summary = _text("Summary", 2000, area=True)
    quote = _text("Quote", 2000, area=True)
    quote_kind = RadioField("Quote kind", [InputRequired()], choices=[
        SelectChoice(kind) for kind in QUOTE_KINDS])
    conditions = _text("Conditions the actor makes its stance depend on (one a line)", 10_000,
                       required=False, area=True)
    speaker_name = _text("Speaker's name", 200, required=False)
    speaker_role = _text("Speaker's role", 200, required=False)
    stated_on = DateField("Stated on", [InputRequired(), _in_span])
    date_precision = RadioField("Date precision", [InputRequired()], choices=[
        SelectChoice(precision) for precision in DATE_PRECISIONS])
    # Where the statement rests in its source record's text (docs/SOURCES.md): checked
    # on every write, as the API's `anchor` is.
    anchor_paragraph = IntegerField("Paragraph (¶) of the source record", [Optional()])
    anchor_exact = _text("The source's own words it rests on (exact)", 2000, required=False,
                         area=True)
    anchor_prefix = _text("Words just before them (prefix)", 500, required=False)
    anchor_suffix = _text("Words just after them (suffix)", 500, required=False)
    reason = _text("Why (for a correction: what was wrong)", 2000, required=False, area=True)

    def __init__(self, topic: Topic, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stance.choices = [SelectChoice(s.value, s.label) for s in topic.scale] + [
            SelectChoice(UNCLEAR, "Unclear")]

    def validate_conditions(self, field) -> None:
        lines = condition_lines(field.data)
        if len(lines) > MAX_CONDITIONS:
            raise ValidationError(f"At most {MAX_CONDITIONS} conditions.")
        if any(len(line) > 500 for line in lines):
            raise ValidationError("A condition has at most 500 characters.")

    def validate_speaker_name(self, field) -> None:
        if self.speaker_role.data and not field.data:
            raise ValidationError("A speaker's role needs the speaker's name.")

    def validate_source_published_on(self, field) -> None:
        if field.data and self.stated_on.data and field.data < self.stated_on.data:
            raise ValidationError("A source cannot be published before the statement was made.")


class NoteForm(SourceFields, RevisionFields, FlaskForm):
    id = StringField("Id (optional; made from actor and topic when empty)",
                     [Optional(), Length(max=128), Regexp(SLUG, message=(
                         "Use lower-case letters, digits, '-', '_' and '.'."))], filters=[_strip])
    text = _text("Editors' text: what was considered and why it is not a position "
                 "(with ¶ references)", 2000, area=True)
    reader_text = _text("Reader's text: one plain sentence the embeds show (no ¶); empty: "
                        "readers see nothing of the note", READER_TEXT_MAX, required=False,
                        area=True)
    reason = _text("Why (for a correction: what was wrong)", 2000, required=False, area=True)

    def validate_reader_text(self, field) -> None:
        _reader_sentence(self, field)


class RetractForm(RevisionFields, FlaskForm):
    reason = _text("Why it is retracted", 2000, area=True)


class SignOutForm(FlaskForm):
    pass


# A source's text: the API's limits (api/sources.py SourceRecordInSchema).
SOURCE_TEXT_MAX = 1_000_000
SOURCE_PAGE_BYTES = 4 * 1024 * 1024
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class SourceForm(FlaskForm):
    """A new source: its citation, its language, and its text pasted, a saved page's HTML
    uploaded (reduced to its main text as the API and the CLI do), or why none is kept."""

    publisher = _text("Publisher", 200)
    published_on = DateField("Published on", [InputRequired(), _in_span])
    published_on_basis = _text("Where the publication date comes from, if the text does not "
                               "give it", 500, required=False)
    title = _text("Title", 500, required=False)
    byline = _text("Byline", 200, required=False)
    url = StringField("Address (URL)", [Optional(), Length(max=2000), Regexp(
        URL_PATTERN, message="Not an http(s) address with a host name.")], filters=[_strip])
    language = StringField("Language of the text (BCP 47: en, uk, pt-BR)", [
        DataRequired(), Length(max=35), Regexp(LANGUAGE, message=(
            "A BCP 47 language tag, such as en or pt-BR."))], filters=[_strip], default="en")
    text = TextAreaField("The text, pasted (one paragraph a line)",
                         [Optional(), Length(max=SOURCE_TEXT_MAX)], filters=[_line_feeds])
    page = FileField("Or a saved article's page (HTML)", [FileSize(
        SOURCE_PAGE_BYTES, message=f"At most {SOURCE_PAGE_BYTES // (1024 * 1024)} MB.")])
    text_withheld = _text("Or, when the newsroom may not keep the text: why", 500,
                          required=False, area=True)
    id = StringField("Id (optional; made from the publisher and date when empty)",
                     [Optional(), Length(max=128), Regexp(SLUG, message=(
                         "Use lower-case letters, digits, '-', '_' and '.'."))], filters=[_strip])

    def validate(self, extra_validators=None) -> bool:
        # Across three fields, each optional by itself: exactly one of them.
        valid = super().validate(extra_validators)
        given = [present for present in (bool(self.text.data and self.text.data.strip()),
                                         bool(self.page.data), bool(self.text_withheld.data))
                 if present]
        if len(given) != 1:
            self.text.errors = [*self.text.errors, (
                "Paste the text, upload the page, or say why no text is kept." if not given
                else "Give one of these: the text, the page, or why no text is kept.")]
            return False
        return valid


class CodingForm(StatementForm):
    """A statement coded from a source's words (desk/coding.py): the statement's fields, the
    cell it is for, and the form's one-time token (store/form_tokens.py)."""

    once = HiddenField()


# -- review (desk/review.py): each carries the proposal's revision it was shown, its If-Match --

class ApproveForm(RevisionFields, FlaskForm):
    pass


class ReturnForm(RevisionFields, FlaskForm):
    reason = _text("Why it goes back (its proposer reads this)", 2000, area=True)


class WithdrawForm(RevisionFields, FlaskForm):
    reason = _text("Why you withdraw it", 2000, area=True)


def _what_changed():
    return _text("What you changed (the editor reads this)", 2000, required=False, area=True)


class ProposedStatementForm(StatementForm):
    """A proposal's statement, revised by its proposer: the statement form and what changed."""

    change = _what_changed()


class ProposedNoteForm(NoteForm):
    change = _what_changed()


class ProposedRetractionForm(RetractForm):
    change = _what_changed()


# -- between flat fields and plain records ----------------------------------------

def condition_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


ANCHOR_FIELDS = ("anchor_paragraph", "anchor_exact", "anchor_prefix", "anchor_suffix")
STATEMENT_FIELDS = ("stance", "summary", "quote", "quote_kind", "conditions", "speaker_name",
                    "speaker_role", "stated_on", "date_precision",
                    *(f"source_{name}" for name in SOURCE_NAMES), *ANCHOR_FIELDS)
DATE_FIELDS = ("stated_on", "source_published_on")
NOTE_FIELDS = ("text", "reader_text", *(f"source_{name}" for name in SOURCE_NAMES))


def _source_flat(source: dict) -> dict:
    return {f"source_{name}": _date(source[name]) if name == "published_on"
            else (source.get(name) or "") for name in SOURCE_NAMES}


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def flat(kind_name: str, plain: dict) -> dict:
    """A record's plain data (Kind.plain) as the form's fields hold it."""
    values = {**_source_flat(plain["source"])}
    if kind_name == "statement":
        speaker = plain.get("speaker") or {}
        values.update(stance=plain["stance"], summary=plain["summary"], quote=plain["quote"],
                      quote_kind=plain["quote_kind"], conditions="\n".join(plain["conditions"]),
                      speaker_name=speaker.get("name") or "", speaker_role=speaker.get("role") or "",
                      stated_on=_date(plain["stated_on"]), date_precision=plain["date_precision"])
        anchor = plain.get("anchor") or {}
        values.update(anchor_paragraph=anchor.get("paragraph"),
                      **{f"anchor_{name}": anchor.get(name) or ""
                         for name in ("exact", "prefix", "suffix")})
    else:
        values.update(text=plain["text"], reader_text=plain.get("reader_text") or "")
    return values


def fields_of(kind_name: str) -> tuple[str, ...]:
    return STATEMENT_FIELDS if kind_name == "statement" else NOTE_FIELDS


def form_values(form: FlaskForm, kind_name: str) -> dict:
    """The record's fields as the form holds them now (normalised like `flat`)."""
    values = {}
    for name in fields_of(kind_name):
        value = getattr(form, name).data
        values[name] = ("" if value is None and name not in (*DATE_FIELDS, "anchor_paragraph")
                        else value)
    if "conditions" in values:
        values["conditions"] = "\n".join(condition_lines(values["conditions"]))
    return values


def plain(kind_name: str, values: dict) -> dict:
    """Flat field values as a record's plain data, for store/records.py."""
    source = {name: values[f"source_{name}"] or None for name in SOURCE_NAMES}
    source["published_on"] = values["source_published_on"].isoformat()
    if kind_name == "statement":
        speaker = ({"name": values["speaker_name"], "role": values["speaker_role"] or None}
                   if values["speaker_name"] else None)
        anchor = ({"paragraph": values["anchor_paragraph"], "exact": values["anchor_exact"],
                   "prefix": values["anchor_prefix"], "suffix": values["anchor_suffix"]}
                  if values["anchor_exact"] else None)
        return {"anchor": anchor, "stance": values["stance"], "summary": values["summary"],
                "quote": values["quote"], "quote_kind": values["quote_kind"],
                "conditions": condition_lines(values["conditions"]), "speaker": speaker,
                "stated_on": values["stated_on"].isoformat(),
                "date_precision": values["date_precision"], "source": source}
    return {"text": values["text"], "reader_text": values["reader_text"] or None,
            "source": source}


LABELS = {
    "stance": "Stance", "summary": "Summary", "quote": "Quote", "quote_kind": "Quote kind",
    "conditions": "Conditions", "speaker_name": "Speaker", "speaker_role": "Speaker's role",
    "stated_on": "Stated on", "date_precision": "Date precision",
    "text": "Editors' text", "reader_text": "Reader's text",
    "source_id": "Source record", "anchor_paragraph": "Paragraph", "anchor_exact": "Exact words",
    "anchor_prefix": "Words before", "anchor_suffix": "Words after",
    "source_publisher": "Publisher", "source_published_on": "Published on",
    "source_title": "Title", "source_byline": "Byline", "source_url": "Address",
    "source_location": "Where in the source", "source_published_on_basis": "Date basis",
}


def has_nul(values) -> bool:
    """NUL is never meaningful in the record (PostgreSQL text cannot hold it)."""
    return any("\x00" in key or "\x00" in value for key, value in values)


def is_slug(value: str) -> bool:
    return re.fullmatch(SLUG, value) is not None
