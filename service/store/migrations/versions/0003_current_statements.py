"""current_statements: the latest revision of each statement, indexed for reads.

Reads used to load every statement into each worker; they now ask this table
by index. It is filled here from the history and kept in step by every write.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("statement_id", "revision", "actor_id", "topic_id", "stance", "conditions", "summary",
           "quote", "quote_kind", "speaker", "stated_on", "date_precision", "source", "status",
           "recorded_at", "recorded_by", "note")


def upgrade():
    op.create_table(
        "current_statements",
        sa.Column("statement_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("actor_id", sa.String(64), sa.ForeignKey("actors.id"), nullable=False),
        sa.Column("topic_id", sa.String(64), sa.ForeignKey("topics.id"), nullable=False),
        sa.Column("stance", sa.String(64), nullable=False),
        sa.Column("conditions", sa.JSON, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("quote_kind", sa.String(16), nullable=False),
        sa.Column("speaker", sa.JSON),
        sa.Column("stated_on", sa.Date, nullable=False),
        sa.Column("date_precision", sa.String(16), nullable=False),
        sa.Column("source", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_current_position", "current_statements",
                    ["actor_id", "topic_id", "status", "stated_on", "recorded_at", "statement_id"])
    op.create_index("ix_current_chronology", "current_statements",
                    ["stated_on", "recorded_at", "statement_id"])
    op.create_index("ix_current_actor", "current_statements",
                    ["actor_id", "stated_on", "recorded_at", "statement_id"])
    op.create_index("ix_current_topic", "current_statements",
                    ["topic_id", "stated_on", "recorded_at", "statement_id"])
    columns = ", ".join(COLUMNS)
    op.execute(
        f"INSERT INTO current_statements ({columns}) SELECT {columns} FROM statement_revisions r "
        "WHERE r.revision = (SELECT max(revision) FROM statement_revisions "
        "WHERE statement_id = r.statement_id)")
    # Reads no longer go to the history by actor and topic; its primary key serves it.
    op.drop_index("ix_revisions_actor_topic_stated", table_name="statement_revisions")


def downgrade():
    op.create_index("ix_revisions_actor_topic_stated", "statement_revisions",
                    ["actor_id", "topic_id", "stated_on"])
    op.drop_table("current_statements")
