"""The desk: accounts that sign in with a password, and the sessions of those signed in.

Revision ID: 0008_desk
Revises: 0007s
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_desk"
down_revision = "0007s"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "desk_accounts",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "desk_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("desk_sessions")
    op.drop_table("desk_accounts")
