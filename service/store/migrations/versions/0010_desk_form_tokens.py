"""The desk's one-time form tokens: a new statement's form sent twice records once.

Revision ID: 0010_desk_forms
Revises: 0009r
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_desk_forms"
down_revision = "0009r"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "desk_form_tokens",
        sa.Column("holder", sa.String(200), primary_key=True),
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("result_url", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("desk_form_tokens")
