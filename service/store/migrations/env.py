"""Alembic environment: migrations run on the connection handed over by
service.store.db.migrate, so they share its transaction and lock."""

from alembic import context

from service.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic is run by hand
    raise SystemExit("run migrations with `flask --app service db upgrade`")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
