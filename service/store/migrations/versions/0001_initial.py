"""Initial schema: actors, topics, statement revisions, change log.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "actors",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("country_code", sa.String(2)),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("spokespeople", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("scale", sa.JSON, nullable=False),
        sa.Column("directions", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "statement_revisions",
        sa.Column("statement_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
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
    op.create_index(
        "ix_revisions_actor_topic_stated",
        "statement_revisions",
        ["actor_id", "topic_id", "stated_on"],
    )
    op.create_table(
        "changes",
        sa.Column("seq", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )


def downgrade():
    op.drop_table("changes")
    op.drop_index("ix_revisions_actor_topic_stated", table_name="statement_revisions")
    op.drop_table("statement_revisions")
    op.drop_table("topics")
    op.drop_table("actors")
