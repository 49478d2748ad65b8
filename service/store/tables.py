"""The tables. Statements and notes are append-only: every correction or
retraction is a new row in `<kind>_revisions` (and replaces the record's row in
`current_<kind>s`); every write appends to `changes`, whose highest sequence
number is the data version that ETags are made from."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

actors = sa.Table(
    "actors",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("country_code", sa.String(2)),
    sa.Column("aliases", sa.JSON, nullable=False),
    sa.Column("spokespeople", sa.JSON, nullable=False),
    sa.Column("mentions", sa.JSON),  # null: none (rows written before migration 0007)
    sa.Column("labels", sa.JSON),  # null: none (rows written before migration 0010)
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

topics = sa.Table(
    "topics",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("scale", sa.JSON, nullable=False),
    sa.Column("directions", sa.JSON, nullable=False),
    sa.Column("vocabulary", sa.JSON),  # null: none (rows written before migration 0007)
    sa.Column("labels", sa.JSON),  # null: none (rows written before migration 0010)
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

def record_tables(name: str, columns, *current_indexes: sa.Index,
                  reason: str = "reason") -> tuple[sa.Table, sa.Table]:
    """The two tables of an append-only kind of record (store/kinds.py):
    `<name>_revisions`, every revision ever recorded (the history), and
    `current_<name>s`, the latest revision of each, kept in step by the write
    that appends to the history; reads ask it. `columns()` makes the kind's
    own columns; the bookkeeping ones are the same for every kind (`reason`
    names its column: a statement's has always been `note`)."""

    def revision_columns() -> list[sa.Column]:
        return [
            *columns(),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("recorded_by", sa.String(200), nullable=False),
            sa.Column(reason, sa.Text),
        ]

    history = sa.Table(f"{name}_revisions", metadata,
                       sa.Column(f"{name}_id", sa.String(128), primary_key=True),
                       sa.Column("revision", sa.Integer, primary_key=True),
                       *revision_columns())
    current = sa.Table(f"current_{name}s", metadata,
                       sa.Column(f"{name}_id", sa.String(128), primary_key=True),
                       sa.Column("revision", sa.Integer, nullable=False),
                       *revision_columns(), *current_indexes)
    return history, current


def _cell() -> list[sa.Column]:
    """The actor x topic cell a record is about."""
    return [sa.Column("actor_id", sa.String(64), sa.ForeignKey("actors.id"), nullable=False),
            sa.Column("topic_id", sa.String(64), sa.ForeignKey("topics.id"), nullable=False)]


# Reads of current statements go through the indexes below, in the order
# positions are resolved: later stated_on wins, then later recorded_at, then the id.
statement_revisions, current_statements = record_tables(
    "statement",
    lambda: [
        *_cell(),
        sa.Column("stance", sa.String(64), nullable=False),
        sa.Column("conditions", sa.JSON, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("quote_kind", sa.String(16), nullable=False),
        sa.Column("speaker", sa.JSON),
        sa.Column("stated_on", sa.Date, nullable=False),
        sa.Column("date_precision", sa.String(16), nullable=False),
        sa.Column("source", sa.JSON, nullable=False),
        sa.Column("anchor", sa.JSON),
        # The source record the statement is anchored to (`source.id`), for the statements
        # resting on a source (candidates name them). Derived by the kind, never sent.
        sa.Column("source_id", sa.String(128)),
    ],
    # A position as of a date: one seek, backwards from (actor, topic, current, as_of).
    sa.Index("ix_current_position", "actor_id", "topic_id", "status", "stated_on",
             "recorded_at", "statement_id"),
    # Listings: the whole record, one actor's or one topic's, in date order.
    sa.Index("ix_current_chronology", "stated_on", "recorded_at", "statement_id"),
    sa.Index("ix_current_actor", "actor_id", "stated_on", "recorded_at", "statement_id"),
    sa.Index("ix_current_topic", "topic_id", "stated_on", "recorded_at", "statement_id"),
    sa.Index("ix_current_source", "source_id"),
    reason="note",
)

# Sources: what statements cite, with the archived text they are checked against.
source_revisions, current_sources = record_tables(
    "source",
    lambda: [
        sa.Column("publisher", sa.String(200), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("byline", sa.Text),
        sa.Column("url", sa.String(2000)),
        sa.Column("published_on", sa.Date, nullable=False),
        sa.Column("published_on_basis", sa.Text),
        sa.Column("language", sa.String(35)),
        sa.Column("text", sa.Text),
        sa.Column("sha256", sa.String(64)),
        sa.Column("text_withheld", sa.Text),
    ],
    sa.Index("ix_current_sources_published", "published_on", "source_id"),
)

# The words a language's sources are read with by the candidate finder (cues of saying, of
# bounds and of future, abbreviations): data, loaded from the dataset file.
readings = sa.Table(
    "readings",
    metadata,
    sa.Column("language", sa.String(35), primary_key=True),
    sa.Column("speech_cues", sa.JSON, nullable=False),
    sa.Column("bound_cues", sa.JSON, nullable=False),
    sa.Column("future_cues", sa.JSON, nullable=False),
    sa.Column("abbreviations", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# An editor's note on an actor x topic cell: the notes of a cell are one seek.
note_revisions, current_notes = record_tables(
    "note",
    lambda: [
        *_cell(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.JSON, nullable=False),
        sa.Column("reader_text", sa.Text),
    ],
    sa.Index("ix_current_notes_cell", "actor_id", "topic_id", "status"),
)

# Proposed writes waiting for review (store/proposals.py): the desk's working
# papers, not the record, so no read of the record ever asks these tables.
proposal_revisions, current_proposals = record_tables(
    "proposal",
    lambda: [
        sa.Column("kind", sa.String(16), nullable=False),  # statement, note
        sa.Column("action", sa.String(16), nullable=False),  # create, revise, retract
        sa.Column("target", sa.String(128)),
        sa.Column("target_revision", sa.Integer),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("result_id", sa.String(128)),
        sa.Column("result_revision", sa.Integer),
    ],
    # The review queue (pending, oldest first) and a proposer's own.
    sa.Index("ix_current_proposals_queue", "status", "recorded_at", "proposal_id"),
    sa.Index("ix_current_proposals_proposer", "proposed_by", "recorded_at", "proposal_id"),
)


changes = sa.Table(
    "changes",
    metadata,
    sa.Column("seq", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("entity", sa.String(16), nullable=False),  # actor, topic, statement, note
    sa.Column("entity_id", sa.String(128), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),  # created, updated, revised, retracted
    sa.Column("revision", sa.Integer),
    sa.Column("recorded_by", sa.String(200), nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("scope", sa.String(16), nullable=False),  # reporter, editor, admin
    # sha256 of the key, hex: the key itself is shown once and never stored.
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

# One row per (API key, Idempotency-Key): written in the same transaction as
# the write it guards, so the primary key is what makes a retry a replay.
idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("api_key_id", sa.Integer, sa.ForeignKey("api_keys.id"), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("headers", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


# Webhooks. A subscription's secret is stored as given out: Standard Webhooks
# signs each request with it (HMAC), so it cannot be kept as a hash like API keys.
webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("description", sa.String(200)),
    sa.Column("secret", sa.String(100), nullable=False),
    # Filters: an empty list lets every value through.
    sa.Column("actors", sa.JSON, nullable=False),
    sa.Column("topics", sa.JSON, nullable=False),
    sa.Column("verdicts", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # active, paused
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
)

# The outbox: one row per (position event, subscription), inserted in the
# transaction of the write that caused the event, then sent by the delivery
# worker (service/webhooks/worker.py), which claims rows with a lease.
webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # the webhook-id header
    sa.Column("subscription_id", sa.String(40),
              sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("actor_id", sa.String(64), nullable=False),
    sa.Column("topic_id", sa.String(64), nullable=False),
    sa.Column("verdict", sa.String(32), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the JSON sent, byte for byte
    sa.Column("status", sa.String(16), nullable=False),  # pending, delivered, failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("lease_until", sa.DateTime(timezone=True)),
    sa.Column("lease_token", sa.String(32)),
    sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),  # order of the events within the outbox
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_webhook_deliveries_subscription", "subscription_id", "seq"),
)


# The desk (service/desk/): people who sign in with a password, and the sessions of
# everyone signed in (an account or an API key's holder). Neither is the record:
# writes here log nothing to `changes` and move no ETag.
desk_accounts = sa.Table(
    "desk_accounts",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),  # recorded as the author of writes
    sa.Column("role", sa.String(16), nullable=False),  # reporter, editor, admin
    sa.Column("password_hash", sa.String(200), nullable=False),  # argon2id, PHC string
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled_at", sa.DateTime(timezone=True)),
)

# A session is known by the SHA-256 of its random token (the cookie holds the token):
# a copy of this table signs nobody in. Signing out deletes the row.
desk_sessions = sa.Table(
    "desk_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(200), nullable=False),  # the account's or the key's name
    sa.Column("via", sa.String(16), nullable=False),  # account, key
    sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id")),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
)


# A desk form's one-time token (store/form_tokens.py): the first post that carries it
# records its write and the page it led to; a second post of the same form finds the row
# and shows that page, writing nothing.
desk_form_tokens = sa.Table(
    "desk_form_tokens",
    metadata,
    sa.Column("holder", sa.String(200), primary_key=True),
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("result_url", sa.String(2000), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
