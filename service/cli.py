"""`flask --app service ...` commands for operators."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import click
import sqlalchemy.exc
from flask import Flask
from flask.cli import AppGroup

from .database import engine as _engine
from .store import dataset_io, keys
from .store.engine import write_transaction
from .store.migrate import prepare_database
from .webhooks.cli import webhooks_cli

db_cli = AppGroup("db", help="Database schema.")
data_cli = AppGroup("data", help="Dataset import and export.")
keys_cli = AppGroup("keys", help="API keys for the write operations.")
sources_cli = AppGroup("sources", help="Source records and their archived texts.")


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
    """Validate FILE (JSON or YAML) in full, then load it in one transaction.

    Any unknown, missing or mistyped key refuses the whole file, naming the
    file, line and key of each problem."""
    try:
        dataset = dataset_io.read_dataset(file.read(), file.name)
        with write_transaction(_engine()) as conn:
            counts = dataset_io.import_dataset(conn, dataset, recorded_by=by)
    except dataset_io.DatasetError as exc:
        click.echo(f"import refused, nothing written:\n{exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps(counts))


@sources_cli.command("add")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--publisher", required=True)
@click.option("--published-on", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="YYYY-MM-DD.")
@click.option("--language", default="en", show_default=True, help="BCP 47 tag of the text.")
@click.option("--id", "source_id", default=None, help="A slug; generated when absent.")
@click.option("--title", default=None)
@click.option("--byline", default=None)
@click.option("--url", default=None)
@click.option("--basis", default=None, help="Where the date comes from, if not the text.")
@click.option("--html", is_flag=True, help="FILE is an HTML page: keep its main text.")
@click.option("--by", default="sources add", help="Recorded as the author of the source.")
def sources_add(file, publisher, published_on, language, source_id, title, byline, url, basis,
                html, by) -> None:
    """Record a source with the text of FILE (plain text, one paragraph a line; or an HTML
    page with --html), as POST /v1/sources does, without its body-size limit. Prints the
    source: its id, SHA-256 and paragraph count."""
    from .domain.source_text import html_to_text
    from .store import records
    from .store.kinds import SOURCES

    text = file.read()
    try:
        text = html_to_text(text) if html else text
        data = {"id": source_id, "publisher": publisher, "published_on": published_on.date(),
                "language": language, "title": title, "byline": byline, "url": url,
                "published_on_basis": basis, "text": text}
        with write_transaction(_engine()) as conn:
            source = records.create(SOURCES, conn, data, by)
    except (ValueError, records.WriteRefused) as exc:
        click.echo(f"source refused, nothing written: {getattr(exc, 'detail', exc)}", err=True)
        sys.exit(1)
    click.echo(json.dumps({"id": source.id, "sha256": source.sha256,
                           "paragraphs": source.paragraph_count}))


@keys_cli.command("create")
@click.option("--name", required=True, help="Who holds the key; recorded as the author of its writes.")
@click.option("--scope", type=click.Choice(keys.SCOPES), required=True,
              help="reporter: proposals only; editor: statements and notes, and reviews "
                   "proposals; admin: also actors, topics and webhooks.")
def keys_create(name: str, scope: str) -> None:
    """Make a key and print it, once: only its hash is stored."""
    try:
        key = keys.create_key(_engine(), name, scope)
    except sqlalchemy.exc.IntegrityError:
        click.echo(f"a key named '{name}' already exists", err=True)
        sys.exit(1)
    click.echo(key)


@keys_cli.command("list")
def keys_list() -> None:
    """Name, scope and state of every key (never the key itself)."""
    for key in keys.list_keys(_engine()):
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        click.echo(f"{key.name}\t{key.scope}\tcreated {key.created_at:%Y-%m-%d %H:%M}\t{state}")


@keys_cli.command("revoke")
@click.argument("name")
def keys_revoke(name: str) -> None:
    """Revoke the key called NAME: it stops working at once."""
    if not keys.revoke_key(_engine(), name):
        click.echo(f"no active key named '{name}'", err=True)
        sys.exit(1)
    click.echo(f"revoked {name}")


def _sentences_command(create_app: Callable[[dict], Flask]) -> click.Command:
    @click.command("sentences")
    @click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
                  help="File to write (default docs/SENTENCES.md; '-' for stdout).")
    def sentences(output: str | None) -> None:
        """Write every sentence the API and the embeds compose about the bundled record,
        each with the report's words it rests on, for review (docs/SENTENCES.md)."""
        from . import sentences as review

        text = review.generate(create_app)
        if output == "-":
            click.echo(text, nl=False)
            return
        path = output or str(review.OUTPUT)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        click.echo(f"wrote {path}")

    return sentences


def init_app(app: Flask, create_app: Callable[[dict], Flask]) -> None:
    """The commands of `flask --app service`; `create_app` makes the fresh app the
    sentences command reads (passed in, so this module never imports the package)."""
    app.cli.add_command(db_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(sources_cli)
    app.cli.add_command(webhooks_cli)
    app.cli.add_command(_sentences_command(create_app))
