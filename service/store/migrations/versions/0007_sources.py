"""Sources become records with their archived text; statements anchor to them; actors and
topics carry the candidate finder's words; a language's cues are a table.

Revision ID: 0007s
Revises: 0006b
"""
import sqlalchemy as sa
from alembic import op

revision = "0007s"
down_revision = "0006b"
branch_labels = None
depends_on = None

STATEMENT_TABLES = ("statement_revisions", "current_statements")


def _source_columns():
    return [
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
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text),
    ]


def upgrade():
    op.create_table(
        "source_revisions",
        sa.Column("source_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        *_source_columns(),
    )
    op.create_table(
        "current_sources",
        sa.Column("source_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        *_source_columns(),
    )
    op.create_index("ix_current_sources_published", "current_sources",
                    ["published_on", "source_id"])
    op.create_table(
        "readings",
        sa.Column("language", sa.String(35), primary_key=True),
        sa.Column("speech_cues", sa.JSON, nullable=False),
        sa.Column("bound_cues", sa.JSON, nullable=False),
        sa.Column("future_cues", sa.JSON, nullable=False),
        sa.Column("abbreviations", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Nullable: statements recorded before have no anchor, actors and topics no words.
    for table in STATEMENT_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("anchor", sa.JSON))
            batch.add_column(sa.Column("source_id", sa.String(128)))
    op.create_index("ix_current_source", "current_statements", ["source_id"])
    with op.batch_alter_table("actors") as batch:
        batch.add_column(sa.Column("mentions", sa.JSON))
    with op.batch_alter_table("topics") as batch:
        batch.add_column(sa.Column("vocabulary", sa.JSON))


def downgrade():
    with op.batch_alter_table("topics") as batch:
        batch.drop_column("vocabulary")
    with op.batch_alter_table("actors") as batch:
        batch.drop_column("mentions")
    op.drop_index("ix_current_source", "current_statements")
    for table in STATEMENT_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("source_id")
            batch.drop_column("anchor")
    op.drop_table("readings")
    op.drop_table("current_sources")
    op.drop_table("source_revisions")
