"""`flask --app service desk ...`: desk accounts, made and kept by an operator."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..database import engine
from ..store import accounts

desk_cli = AppGroup("desk", help="Accounts of the desk (/desk/).")


@desk_cli.command("add-user")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True,
              help="reporter: reads and proposes; editor: publishes; admin: everything.")
@click.password_option(help="Asked for when not given (twice, not shown).")
def add_user(name: str, role: str, password: str) -> None:
    """Make an account NAME, recorded as the author of its writes."""
    try:
        accounts.add_account(engine(), name, role, password)
    except accounts.AccountError as exc:
        click.echo(f"not added: {exc}", err=True)
        sys.exit(1)
    click.echo(f"added {name} ({role})")


@desk_cli.command("set-role")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
def set_role(name: str, role: str) -> None:
    """Change an account's role (its sessions have the new role at their next page)."""
    if not accounts.set_role(engine(), name, role):
        click.echo(f"no account named '{name}'", err=True)
        sys.exit(1)
    click.echo(f"{name} is now {role}")


@desk_cli.command("disable-user")
@click.argument("name")
def disable_user(name: str) -> None:
    """Disable an account and end its sessions; its writes stay recorded under its name."""
    if not accounts.disable_account(engine(), name):
        click.echo(f"no live account named '{name}'", err=True)
        sys.exit(1)
    click.echo(f"disabled {name}")


@desk_cli.command("list-users")
def list_users() -> None:
    """Name, role and state of every account (never a password hash)."""
    for row in accounts.list_accounts(engine()):
        state = f"disabled {row.disabled_at:%Y-%m-%d %H:%M}" if row.disabled_at else "active"
        click.echo(f"{row.name}\t{row.role}\tcreated {row.created_at:%Y-%m-%d %H:%M}\t{state}")
