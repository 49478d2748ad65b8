"""Notes get a reader's text beside the editors' working text.

Revision ID: 0006b
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006b"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("note_revisions", "current_notes")


def upgrade():
    # Nullable: notes recorded before it have no reader's sentence, and readers see none.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("reader_text", sa.Text))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("reader_text")
