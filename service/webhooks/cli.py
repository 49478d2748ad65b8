"""`flask --app service webhooks ...`: the delivery worker, and subscriptions
for operators at a shell (the API does the same with an admin key)."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from ..database import engine as _engine
from ..domain.diff import CHANGE_VERDICTS
from ..store import subscriptions
from ..store.engine import write_transaction
from ..store.write import WriteRefused
from . import targets, worker

webhooks_cli = AppGroup("webhooks", help="Webhook subscriptions and their delivery worker.")


@webhooks_cli.command("deliver")
@click.option("--until-idle", is_flag=True, help="Exit once nothing is due, instead of polling.")
def deliver(until_idle: bool) -> None:
    """Run the delivery worker (SIGTERM or Ctrl-C stops it after the current request)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    settings = worker.Settings.from_config(current_app.config)
    click.echo(f"delivering webhooks (retry schedule {', '.join(f'{s:g}' for s in settings.schedule)} s)",
               err=True)
    worker.run(_engine(), settings, stop, until_idle=until_idle,
               signals=(signal.SIGTERM, signal.SIGINT))


def _refused(exc: Exception) -> None:
    click.echo(f"refused: {getattr(exc, 'detail', exc)}", err=True)
    sys.exit(1)


@webhooks_cli.command("create")
@click.argument("url")
@click.option("--actor", "actors", multiple=True, help="Only this actor's events (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Only this topic's events (repeatable).")
@click.option("--verdict", "verdicts", multiple=True, type=click.Choice(CHANGE_VERDICTS),
              help="Only events with this verdict (repeatable).")
@click.option("--description", help="Who receives it, for the list.")
@click.option("--by", default="cli", help="Recorded as the subscription's author.")
def create(url, actors, topics, verdicts, description, by) -> None:
    """Subscribe URL; prints the subscription's id and its secret, once."""
    try:
        targets.check_target(url, current_app.config["WEBHOOK_ALLOWED_TARGETS"])
        data = {"url": url, "description": description, "actors": list(actors),
                "topics": list(topics), "verdicts": list(verdicts)}
        with write_transaction(_engine()) as conn:
            subscription, secret = subscriptions.create(conn, data, by)
    except (targets.UnsafeTarget, WriteRefused) as exc:
        _refused(exc)
    click.echo(f"{subscription.id}\t{secret}")


@webhooks_cli.command("list")
def list_() -> None:
    """Id, status, target and filters of every subscription (never the secret)."""
    with _engine().connect() as conn:
        items, _ = subscriptions.listing(conn, 0, 10_000)
    for s in items:
        filters = " ".join(f"{name}={','.join(values)}" for name, values in
                           (("actors", s.actors), ("topics", s.topics), ("verdicts", s.verdicts))
                           if values)
        click.echo(f"{s.id}\t{s.status}\t{s.url}\t{filters or 'everything'}")


def _set_status(subscription_id: str, status: str) -> None:
    try:
        with write_transaction(_engine()) as conn:
            subscriptions.update(conn, subscription_id, {"status": status}, "cli")
    except WriteRefused as exc:
        _refused(exc)
    click.echo(f"{subscription_id} {status}")


@webhooks_cli.command("pause")
@click.argument("subscription_id")
def pause(subscription_id: str) -> None:
    """Stop sending; events are kept and sent on resume."""
    _set_status(subscription_id, "paused")


@webhooks_cli.command("resume")
@click.argument("subscription_id")
def resume(subscription_id: str) -> None:
    _set_status(subscription_id, "active")


@webhooks_cli.command("delete")
@click.argument("subscription_id")
def delete(subscription_id: str) -> None:
    """Delete a subscription and its deliveries."""
    try:
        with write_transaction(_engine()) as conn:
            subscriptions.delete(conn, subscription_id)
    except WriteRefused as exc:
        _refused(exc)
    click.echo(f"deleted {subscription_id}")


@webhooks_cli.command("deliveries")
@click.argument("subscription_id")
@click.option("--status", type=click.Choice(subscriptions.DELIVERY_STATUSES))
@click.option("--bodies", is_flag=True, help="Print each event's JSON body, oldest first.")
def deliveries_(subscription_id: str, status: str | None, bodies: bool) -> None:
    """A subscription's deliveries, oldest event first, with the last error."""
    try:
        with _engine().connect() as conn:
            rows, _ = subscriptions.deliveries(conn, subscription_id, status, 0, 1_000_000)
    except WriteRefused as exc:
        _refused(exc)
    for row in reversed(rows):
        if bodies:
            click.echo(json.dumps(json.loads(row.body), ensure_ascii=False))
        else:
            click.echo(f"{row.id}\t{row.status}\t{row.attempts}\t{row.actor_id}/{row.topic_id}"
                       f"\t{row.verdict}\t{row.last_error or ''}")


@webhooks_cli.command("redeliver")
@click.argument("subscription_id")
@click.argument("delivery_id")
def redeliver(subscription_id: str, delivery_id: str) -> None:
    """Queue a delivery again now (e.g. a failed one, once the receiver is fixed)."""
    try:
        with write_transaction(_engine()) as conn:
            subscriptions.redeliver(conn, subscription_id, delivery_id)
    except WriteRefused as exc:
        _refused(exc)
    click.echo(f"queued {delivery_id}")
