"""The desk's one-time form tokens: a new statement's form sent twice records once.

Revision ID: 0011d
Revises: 0010l
"""
import sqlalchemy as sa
from alembic import op

revision = "0011d"
down_revision = "0010l"
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
