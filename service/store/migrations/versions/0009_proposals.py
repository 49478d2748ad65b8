"""Proposed writes waiting for review, append-only like statements and notes.

Revision ID: 0009r
Revises: 0008_desk
"""
import sqlalchemy as sa
from alembic import op

revision = "0009r"
down_revision = "0008_desk"
branch_labels = None
depends_on = None


def _columns():
    return [
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("target", sa.String(128)),
        sa.Column("target_revision", sa.Integer),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("result_id", sa.String(128)),
        sa.Column("result_revision", sa.Integer),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text),
    ]


def upgrade():
    op.create_table(
        "proposal_revisions",
        sa.Column("proposal_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        *_columns(),
    )
    op.create_table(
        "current_proposals",
        sa.Column("proposal_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        *_columns(),
    )
    op.create_index("ix_current_proposals_queue", "current_proposals",
                    ["status", "recorded_at", "proposal_id"])
    op.create_index("ix_current_proposals_proposer", "current_proposals",
                    ["proposed_by", "recorded_at", "proposal_id"])


def downgrade():
    op.drop_table("current_proposals")
    op.drop_table("proposal_revisions")
