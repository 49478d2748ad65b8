"""Schema migrations (Alembic) and the first-start seed."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from .dataset_io import bundled, import_dataset
from .engine import write_transaction
from .read import data_version

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works: it only has to be the same for every instance, so two
# instances starting together on one PostgreSQL never migrate at once.
PG_MIGRATION_LOCK = 7_150_320


def migrate(engine: sa.Engine) -> None:
    # Imported here: serving workers never migrate, and alembic is large.
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def prepare_database(engine: sa.Engine, seed: bool = True) -> None:
    """Bring the schema to head and, on the very first start, load the
    bundled dataset. A restart finds changes already recorded and loads nothing."""
    migrate(engine)
    if seed:
        with write_transaction(engine) as conn:
            if data_version(conn) == 0:
                import_dataset(conn, bundled(), recorded_by="bundled dataset")
