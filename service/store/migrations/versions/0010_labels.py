"""Actors and topics carry their words in other languages (`labels`, by language tag:
names, questions, stance labels), stored with the record and edited like it.

Revision ID: 0010l
Revises: 0009r
"""
import sqlalchemy as sa
from alembic import op

revision = "0010l"
down_revision = "0009r"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: the rows already there have none (read as no labels).
    for table in ("actors", "topics"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("labels", sa.JSON))


def downgrade():
    for table in ("actors", "topics"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("labels")
