"""The preview of a new statement or note: what readers will see once it is published,
worked out by making the write for real and rolling it back.

It is the proposal's own preview (store/proposals.py): inside a transaction that is
always rolled back (`engine.trial_transaction`), the form's record is proposed, which
makes the write in a savepoint and words the position events it causes as the
embeds and timelines do; then the write is made once more, to read the cell as the
embeds will show it. Nothing stays, and nothing here repeats how a write merges,
names or checks a record: a form the write would refuse comes back with the store's
own reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import database
from ..domain.model import Position
from ..http.args import today
from ..store import proposals, records
from ..store.engine import trial_transaction
from ..store.read import Record
from .forms import plain


@dataclass(frozen=True)
class Preview:
    sentences: list[str]                 # "If approved: Ukraine moved ..."
    before: Position | None              # the cell today, as readers see it now
    after: Position | None               # and once the record is written
    written: object | None               # the record as it would be written
    refused: records.WriteRefused | None = None

    @property
    def errors(self) -> dict[str, list[str]]:
        """The refusal's reasons by the form's field names ("anchor.exact" -> anchor_exact)."""
        if self.refused is None:
            return {}
        found = self.refused.extensions.get("errors") or {}
        found = found.get("body", found) if isinstance(found.get("body"), dict) else found
        return {name.replace(".", "_"): messages if isinstance(messages, list) else [messages]
                for name, messages in found.items()}


def preview(kind_name: str, values: dict, actor_id: str, topic_id: str, by: str) -> Preview:
    """The preview of a new `kind_name` with the form's flat `values`, by `by`."""
    body = {**plain(kind_name, values), "actor": actor_id, "topic": topic_id}
    if values.get("id"):
        body["id"] = values["id"]
    with trial_transaction(database.engine()) as conn:
        record = Record(conn)
        actor, topic = record.actors.get(actor_id), record.topics.get(topic_id)
        cell = (actor_id, topic_id)
        before = record.positions([actor], [topic], today())[cell] if actor and topic else None
        try:
            proposal, found = proposals.propose(conn, kind_name, "create", None, body, by)
        except records.WriteRefused as exc:
            return Preview([], before, None, None, exc)
        written = proposals.apply(conn, proposal, by)
        after = Record(conn).positions([actor], [topic], today())[cell]
        return Preview(found.sentences, before, after, written)
