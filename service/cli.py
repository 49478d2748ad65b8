"""`flask --app service ...` commands for operators."""

from __future__ import annotations

import json
import sys

import click
import yaml
from flask import Flask, current_app
from flask.cli import AppGroup

from .store import dataset_io
from .store.db import prepare_database

db_cli = AppGroup("db", help="Database schema.")
data_cli = AppGroup("data", help="Dataset import and export.")


def _engine():
    return current_app.extensions["standpoint.store"].engine


@db_cli.command("upgrade")
@click.option("--no-seed", is_flag=True, help="Do not load the bundled dataset into an empty database.")
def upgrade(no_seed: bool) -> None:
    """Migrate the schema to head; seed an empty database with the bundled dataset."""
    prepare_database(_engine(), seed=not no_seed)
    click.echo("database ready")


@data_cli.command("export")
@click.option("--output", "-o", type=click.File("w"), default="-", help="File to write (default stdout).")
def export(output) -> None:
    """Write the whole dataset as JSON."""
    with _engine().connect() as conn:
        json.dump(dataset_io.export_dataset(conn), output, ensure_ascii=False, indent=2)
    output.write("\n")


@data_cli.command("import")
@click.argument("file", type=click.File("r"))
@click.option("--by", default="data import", help="Recorded as the author of the changes.")
def import_(file, by: str) -> None:
    """Validate FILE (JSON or YAML) in full, then load it in one transaction."""
    try:
        document = yaml.safe_load(file)
        with _engine().begin() as conn:
            counts = dataset_io.import_dataset(conn, document, recorded_by=by)
    except (yaml.YAMLError, dataset_io.DatasetError) as exc:
        click.echo(f"import refused, nothing written: {exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps(counts))


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(data_cli)
