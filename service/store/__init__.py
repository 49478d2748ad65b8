"""Persistence: SQLAlchemy tables, Alembic migrations, dataset import, read snapshot."""

from .db import init_app, engine, prepare_database, current_version, snapshot

__all__ = ["init_app", "engine", "prepare_database", "current_version", "snapshot"]
