"""Editors' notes on actor x topic cells, append-only like statements.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _columns():
    return [
        sa.Column("actor_id", sa.String(64), sa.ForeignKey("actors.id"), nullable=False),
        sa.Column("topic_id", sa.String(64), sa.ForeignKey("topics.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text),
    ]


def upgrade():
    op.create_table(
        "note_revisions",
        sa.Column("note_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        *_columns(),
    )
    op.create_table(
        "current_notes",
        sa.Column("note_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        *_columns(),
    )
    op.create_index("ix_current_notes_cell", "current_notes", ["actor_id", "topic_id", "status"])


def downgrade():
    op.drop_table("current_notes")
    op.drop_table("note_revisions")
