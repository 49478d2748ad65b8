"""The dataset file format, read strictly.

Any unknown, missing or mistyped key is an error that names the file, the
line and the key: a text cut short by a YAML flow mapping, or a field spelled
wrong, can never slip into the record. The same rules apply to the bundled
file, to `flask data import` and to whatever else hands in a document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any, Literal, get_args, get_origin

import marshmallow as ma
import yaml

from ..domain.model import (
    FIRST_DATE,
    LAST_DATE,
    Actor,
    Note,
    Recorded,
    Source,
    SourceRecord,
    Statement,
)
from .kinds import NOTES, STATEMENTS
from .plain import hints, optional_type

FORMAT = "standpoint-dataset/3"
# Files written before notes and the `on_or_before` precision read the same way; before
# format 3, `sources` held citations to copy (YAML anchors), not source records.
CITATION_FORMATS = ("standpoint-dataset/1", "standpoint-dataset/2")
FORMATS = (*CITATION_FORMATS, FORMAT)


class DatasetError(ValueError):
    """The dataset is invalid; every problem found, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class _Date(ma.fields.Date):
    """A date as YAML reads it (already a date) or as JSON writes it (ISO text),
    within the record's span as at the API's door."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        else:
            day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_DATE <= day <= LAST_DATE:
            raise ma.ValidationError(f"must be a date from {FIRST_DATE} to {LAST_DATE}")
        return day


class _DateTime(ma.fields.AwareDateTime):
    """A moment with its time zone, as YAML reads it (already a datetime) or as text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        return super()._deserialize(value, attr, data, **kwargs)


def _text(**kwargs) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1), **kwargs)


def _file_field(hint: Any) -> ma.fields.Field:
    """The strict field for a value of a domain type."""
    if get_origin(hint) is tuple:
        return ma.fields.List(_file_field(get_args(hint)[0]))
    if get_origin(hint) is Literal:
        return ma.fields.String(validate=ma.validate.OneOf(get_args(hint)))
    if is_dataclass(hint):
        return ma.fields.Nested(file_schema(hint))
    if hint is dict:  # labels by language: their shape is checked by domain/labels.py
        return ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw())
    if hint is dt.date:
        return _Date()
    if hint is dt.datetime:
        return _DateTime()
    if hint is int:
        return ma.fields.Integer(strict=True)
    if hint is bool:
        return ma.fields.Boolean(truthy={True}, falsy={False})
    return _text()


@cache
def file_schema(cls: type, reason_key: str = "reason") -> type[ma.Schema]:
    """The strict schema of a domain dataclass in a file, derived from its
    fields: each must be there, except the bookkeeping an import records
    itself and those the dataclass marks as newer than some files. A text
    that cannot be null cannot be empty either, unless empty is its default."""
    schema_fields = {}
    for f in fields(cls):
        hint = hints(cls)[f.name]
        inner = optional_type(hint)
        field = _file_field(inner or hint)
        if inner is str or (hint is str and f.default == ""):
            # A null text, or one whose default is empty (a selector's prefix), may be empty.
            field = ma.fields.String()
        field.required = not (f.name in _BOOKKEEPING or f.metadata.get("files") == "optional")
        field.allow_none = inner is not None
        schema_fields[reason_key if f.name == "reason" else f.name] = field
    return _Strict.from_dict(schema_fields, name=f"{cls.__name__}File")


_BOOKKEEPING = {f.name for f in fields(Recorded)}


class StanceFile(_Strict):
    value = _text(required=True)
    # null: an unranked stance (its breadth left open by the source), placed by side only.
    level = ma.fields.Integer(required=True, strict=True, allow_none=True)
    settled_word = _text()
    side = ma.fields.Integer(required=True, strict=True, validate=ma.validate.OneOf([-1, 0, 1]))
    label = _text(required=True)
    definition = _text(required=True)


class DirectionsFile(_Strict):
    up = _text(required=True)
    down = _text(required=True)


class TopicFile(_Strict):
    id = _text(required=True)
    vocabulary = ma.fields.List(_text(), load_default=list)
    question = _text(required=True)
    directions = ma.fields.Nested(DirectionsFile, required=True)
    scale = ma.fields.List(ma.fields.Nested(StanceFile), required=True,
                           validate=ma.validate.Length(min=1))
    # The topic's words in other languages (domain/labels.py checks their shape).
    labels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), load_default=dict)


class SourceFile(file_schema(SourceRecord)):
    """A source record in a file, keyed by its id: its text inline (`text`) or in a file
    beside the dataset (`text_file`, a relative path), pinned by `sha256` when given."""

    id = _text()  # the key it is filed under
    text_file = _text()


class ReadingFile(_Strict):
    """The cues a language's sources are read with (service/domain/candidates.py)."""

    speech_cues = ma.fields.List(_text(), required=True, validate=ma.validate.Length(min=1))
    bound_cues = ma.fields.List(_text(), load_default=list)
    future_cues = ma.fields.List(_text(), load_default=list)
    abbreviations = ma.fields.List(_text(), load_default=list)


class DatasetFile(_Strict):
    format = ma.fields.String(required=True, validate=ma.validate.OneOf(FORMATS))
    version = ma.fields.Integer(strict=True)  # an export's data version, for the reader
    # When the record was last edited: an import records its revisions at this
    # moment, so "Last updated" is the editors' date, never the day of loading.
    edited_at = _DateTime(allow_none=True)
    # The source records by id; a statement's or note's `source: {id, location}` cites one.
    sources = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(SourceFile),
                             load_default=dict)
    # The candidate finder's cues, by language (BCP 47: `en`).
    reading = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(ReadingFile),
                             load_default=dict)
    topics = ma.fields.List(ma.fields.Nested(TopicFile), required=True)
    actors = ma.fields.List(ma.fields.Nested(file_schema(Actor)), required=True)
    statements = ma.fields.List(ma.fields.Nested(file_schema(Statement, STATEMENTS.reason_key)),
                                required=True)
    notes = ma.fields.List(ma.fields.Nested(file_schema(Note, NOTES.reason_key)),
                           load_default=list)


class CitationDatasetFile(DatasetFile):
    """Formats 1 and 2: `sources` are named citations, for YAML anchors only."""

    sources = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(file_schema(Source)),
                             load_default=dict)


def _paths(messages: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """marshmallow's nested error dict as (path, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            # A Dict field reports a value's errors under "value".
            yield from _paths(value, path if key == "value" and path else path + (key,))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            yield path, message
    else:
        yield path, str(messages)


def dotted(path: tuple) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "document"


def _child(node: yaml.Node, key) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    if not isinstance(node, yaml.MappingNode):
        return None
    merged = []
    for key_node, value_node in node.value:
        if key_node.value == str(key):
            return key_node if value_node is None else value_node
        if key_node.tag == "tag:yaml.org,2002:merge":
            merged += value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
    return next((found for m in merged if (found := _child(m, key)) is not None), None)


def line_of(root: yaml.Node | None, path: tuple) -> int | None:
    """The line of the deepest node of `path` the document has (for a missing
    key, its mapping's)."""
    node = root
    for key in path:
        child = _child(node, key) if node is not None else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1 if node is not None else None


def compose(text: str, name: str) -> tuple[Any, yaml.Node | None]:
    """A file's text (YAML, or JSON, which YAML reads) as data and as the node
    tree that knows each value's line."""
    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise DatasetError([f"{where}: not valid YAML or JSON: {getattr(exc, 'problem', exc)}"]) from exc


def check_document(data: Any, name: str = "document", root: yaml.Node | None = None) -> dict:
    """`data` checked against the format; DatasetError names the file, line
    and key of every problem."""
    if not isinstance(data, dict):
        raise DatasetError([f"{name}: expected a mapping with format: {FORMAT}"])
    schema = CitationDatasetFile if data.get("format") in CITATION_FORMATS else DatasetFile
    try:
        return schema().load(data)
    except ma.ValidationError as exc:
        problems = []
        for path, message in _paths(exc.messages):
            line = line_of(root, path)
            where = f"{name}:{line}" if line else name
            problems.append(f"{where}: {dotted(path)}: {message}")
        raise DatasetError(problems) from exc
