"""Two people corrected the same record: what each changed, field by field.

Pure: flat field values in (desk/forms.py `flat`), rows out. `base` is the
revision the user's form was filled from, `theirs` the revision stored since,
`yours` what the user sent. Nothing is lost: the form the user gets back holds
every field they changed, and theirs wherever the user changed nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldConflict:
    name: str
    base: Any
    theirs: Any
    yours: Any

    @property
    def they_changed(self) -> bool:
        return self.theirs != self.base

    @property
    def you_changed(self) -> bool:
        return self.yours != self.base

    @property
    def both_changed(self) -> bool:
        """Both changed it, differently: the form keeps yours, theirs is shown beside it."""
        return self.they_changed and self.you_changed and self.theirs != self.yours

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


def compare(names, base: dict, theirs: dict, yours: dict) -> list[FieldConflict]:
    return [FieldConflict(name, base.get(name), theirs.get(name), yours.get(name))
            for name in names]


def merged(rows: list[FieldConflict]) -> dict:
    """What the form holds after the conflict: your value where you changed the
    field, theirs where you did not (so sending it again undoes nobody's work)."""
    return {row.name: row.yours if row.you_changed else row.theirs for row in rows}
