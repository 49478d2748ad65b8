"""Who may use the desk, and who is signed in: desk accounts with argon2 password
hashes, and server-side sessions.

Unlike API keys (store/keys.py, 256 random bits, a plain SHA-256 is enough),
people choose passwords, which can be guessed: argon2id (argon2-cffi's
defaults, RFC 9106's second recommended profile) makes each guess slow. A
session is a random token in the signed cookie; only its SHA-256 is stored, so
signing out, an idle timeout or a disabled account ends it on the server, and
a stolen copy of this table signs nobody in.

Roles are the API keys' scopes, reporter < editor < admin: a key's holder who
signs in with the key has the key's scope as role.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import keys, tables
from .engine import write_transaction

ROLES = ("reporter", "editor", "admin")
_HASHER = PasswordHasher()
# Verified against when the name is unknown, so an unknown name costs as long as a
# wrong password and the timing does not tell which names exist.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 12


def role_allows(role: str, needed: str) -> bool:
    """Each role may do what the roles before it may (admin ⊃ editor ⊃ reporter)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class Holder:
    """Who a session belongs to: the name writes are recorded under, and the role."""

    name: str
    role: str
    via: str  # "account" or "key"

    def may(self, role: str) -> bool:
        return role_allows(self.role, role)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


# -- accounts ------------------------------------------------------------------

class AccountError(ValueError):
    pass


def add_account(engine: sa.Engine, name: str, role: str, password: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if not name.strip() or len(name) > 200:
        raise AccountError("a name is 1 to 200 characters")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    try:
        with write_transaction(engine) as conn:
            conn.execute(tables.desk_accounts.insert().values(
                name=name, role=role, password_hash=_HASHER.hash(password), created_at=_now()))
    except sa.exc.IntegrityError:
        raise AccountError(f"an account named '{name}' already exists") from None


def set_role(engine: sa.Engine, name: str, role: str) -> bool:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    accounts = tables.desk_accounts
    with write_transaction(engine) as conn:
        return conn.execute(accounts.update().where(accounts.c.name == name)
                            .values(role=role)).rowcount == 1


def disable_account(engine: sa.Engine, name: str) -> bool:
    """Disable the account and end its sessions; False when there is no such live account."""
    accounts = tables.desk_accounts
    with write_transaction(engine) as conn:
        done = conn.execute(accounts.update().where(accounts.c.name == name,
                                                    accounts.c.disabled_at.is_(None))
                            .values(disabled_at=_now())).rowcount == 1
        conn.execute(tables.desk_sessions.delete().where(
            tables.desk_sessions.c.holder == name, tables.desk_sessions.c.via == "account"))
    return done


def list_accounts(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.select(tables.desk_accounts.c.name, tables.desk_accounts.c.role,
                                      tables.desk_accounts.c.created_at,
                                      tables.desk_accounts.c.disabled_at)
                            .order_by(tables.desk_accounts.c.name)).all()


def check_password(engine: sa.Engine, name: str, password: str) -> Holder | None:
    """The live account `name` if `password` is its password, else None (as slowly either way)."""
    accounts = tables.desk_accounts
    with engine.connect() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == name)).first()
    try:
        _HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled_at is not None:
        return None
    if _HASHER.check_needs_rehash(row.password_hash):  # argon2-cffi's parameters were raised
        with write_transaction(engine) as conn:
            conn.execute(accounts.update().where(accounts.c.name == name)
                         .values(password_hash=_HASHER.hash(password)))
    return Holder(row.name, row.role, "account")


def check_key(engine: sa.Engine, presented: str) -> tuple[Holder, int] | None:
    """The live API key's holder (its name, its scope as role) and the key's id."""
    key = keys.authenticate(engine, presented.strip())
    if key is None or key.scope not in ROLES:
        return None
    return Holder(key.name, key.scope, "key"), key.id


# -- sessions ------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(engine: sa.Engine, holder: Holder, key_id: int | None = None) -> str:
    """A new session for `holder`; returns its token (for the cookie; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with write_transaction(engine) as conn:
        conn.execute(tables.desk_sessions.insert().values(
            token_hash=_digest(token), holder=holder.name, via=holder.via, key_id=key_id,
            created_at=now, last_seen_at=now))
    return token


def end_session(engine: sa.Engine, token: str) -> None:
    with write_transaction(engine) as conn:
        conn.execute(tables.desk_sessions.delete()
                     .where(tables.desk_sessions.c.token_hash == _digest(token)))


# Writing last_seen_at on every page would serialise every page view with the
# record's writes (one writer at a time); once a minute is precise enough for an
# idle timeout counted in minutes.
TOUCH_EVERY = dt.timedelta(minutes=1)


def session_holder(engine: sa.Engine, token: str, idle: dt.timedelta,
                   lifetime: dt.timedelta) -> Holder | None:
    """Who holds the session `token`, with the role they have now; None when the
    session is unknown, idle longer than `idle`, older than `lifetime`, or its
    account is disabled or its key revoked (the session is then deleted)."""
    sessions, accounts = tables.desk_sessions, tables.desk_accounts
    digest = _digest(token)
    now = _now()
    with engine.connect() as conn:
        row = conn.execute(sa.select(sessions).where(sessions.c.token_hash == digest)).first()
        if row is None:
            return None
        if row.via == "account":
            found = conn.execute(sa.select(accounts.c.role).where(
                accounts.c.name == row.holder, accounts.c.disabled_at.is_(None))).first()
        else:
            found = conn.execute(sa.select(tables.api_keys.c.scope.label("role")).where(
                tables.api_keys.c.id == row.key_id,
                tables.api_keys.c.revoked_at.is_(None))).first()
    last_seen = _aware(row.last_seen_at)
    if (found is None or found.role not in ROLES or now - last_seen > idle
            or now - _aware(row.created_at) > lifetime):
        with write_transaction(engine) as conn:
            conn.execute(sessions.delete().where(sessions.c.token_hash == digest))
        return None
    if now - last_seen >= TOUCH_EVERY:
        with write_transaction(engine) as conn:
            conn.execute(sessions.update().where(sessions.c.token_hash == digest)
                         .values(last_seen_at=now))
    return Holder(row.holder, found.role, row.via)


def purge_sessions(engine: sa.Engine, idle: dt.timedelta, lifetime: dt.timedelta) -> int:
    """Delete sessions that can no longer be used (the desk does it at each sign-in)."""
    sessions = tables.desk_sessions
    now = _now()
    with write_transaction(engine) as conn:
        return conn.execute(sessions.delete().where(sa.or_(
            sessions.c.last_seen_at < now - idle, sessions.c.created_at < now - lifetime))).rowcount
