"""Hand-written `dump` for the schemas that read answers repeat per cell.

marshmallow serialises each field of each nested object through several
layers of calls (field lookup, accessor, `serialize`, `_serialize`, nested
schema). That is most of the CPU of an uncached answer that carries many
statements: a matrix at 100k statements carries a thousand of them, and
most of its time went there. The schemas below keep their declared fields,
which still document openapi.yaml and are the reference, and answer `dump`
with a plain function that builds the same dict. tests/api/test_dumping.py
checks, answer by answer, that the bytes are exactly those marshmallow writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

# Off only in tests, to get marshmallow's own answer to compare with.
ENABLED = True

# What ma.fields.Date and ma.fields.DateTime (format "iso") call.
iso_date = dt.date.isoformat
iso_datetime = dt.datetime.isoformat


class HandWrittenSchema(ma.Schema):
    """A schema whose `dump` is the class's own `dump_one(obj) -> dict`.

    Only the class that defines `dump_one` uses it: a subclass that adds
    fields falls back to marshmallow until it writes its own, and so does an
    instance made with `only` or `exclude`.
    """

    @staticmethod
    def dump_one(obj: Any) -> dict:
        raise NotImplementedError

    def dump(self, obj: Any, *, many: bool | None = None):
        many = self.many if many is None else bool(many)
        if (not ENABLED or "dump_one" not in vars(type(self))
                or self.only is not None or self.exclude):
            return super().dump(obj, many=many)
        one = self.dump_one
        return [one(item) for item in obj] if many else one(obj)
