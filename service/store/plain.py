"""Domain dataclasses to and from plain data (what JSON, YAML and JSON columns
hold), derived from each dataclass's fields and their types: adding a field to
a dataclass is all it takes for it to be stored, exported and read back."""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import MISSING, Field, fields, is_dataclass
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints


@cache
def hints(cls: type) -> dict[str, Any]:
    """The field types of a dataclass, its string annotations resolved."""
    return get_type_hints(cls)


@cache
def ordered_fields(cls: type) -> tuple[Field, ...]:
    """A record's own fields first, then those it inherits (the bookkeeping):
    the order files and exports show them in."""
    inherited = {f.name for base in cls.__mro__[1:] if is_dataclass(base) for f in fields(base)}
    own = [f for f in fields(cls) if f.name not in inherited]
    return (*own, *(f for f in fields(cls) if f.name in inherited))


def has_default(f: Field) -> bool:
    return f.default is not MISSING or f.default_factory is not MISSING


def optional_type(hint: Any) -> Any | None:
    """`X` for `X | None`, else None."""
    if get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint):
        return next(a for a in get_args(hint) if a is not type(None))
    return None


def to_plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: to_plain(getattr(value, f.name)) for f in ordered_fields(type(value))}
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):  # a request body as a schema loaded it (a proposal's)
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    return value


def from_plain(cls: type, data: dict) -> Any:
    """An instance of dataclass `cls`; a key `data` lacks takes the field's
    default (KeyError when it has none), keys it does not know are ignored."""
    kwargs = {}
    for f in fields(cls):
        if f.name in data:
            kwargs[f.name] = _value(hints(cls)[f.name], data[f.name])
        elif not has_default(f):
            raise KeyError(f.name)
    return cls(**kwargs)


def _value(hint: Any, value: Any) -> Any:
    inner = optional_type(hint)
    if inner is not None:
        return None if value is None else _value(inner, value)
    if get_origin(hint) is tuple:
        return tuple(_value(get_args(hint)[0], v) for v in value or ())
    if get_origin(hint) is Literal:
        return value
    if is_dataclass(hint):
        return value if isinstance(value, hint) else from_plain(hint, value)
    if hint is dt.datetime:
        value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        # SQLite hands back naive datetimes; everything is stored in UTC.
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    if hint is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    if hint is int:
        return int(value)
    return value
