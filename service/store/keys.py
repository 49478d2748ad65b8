"""API keys: made by an operator, shown once, stored only as a hash.

The key is 32 random bytes from `secrets` (256 bits), so a plain SHA-256 of it
is enough: slow password hashes (bcrypt, argon2) exist to protect guessable,
low-entropy secrets, and would only add latency to every write here. A leaked
table of hashes gives an attacker nothing to brute-force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from . import tables
from .engine import write_transaction

# Each scope allows what the ones before it do: a reporter may only propose
# (POST /v1/proposals), an editor writes statements and notes and reviews
# proposals, an admin also writes actors, topics and webhook subscriptions.
SCOPES = ("reporter", "editor", "admin")
PREFIX = "sp_"


@dataclass(frozen=True)
class ApiKey:
    id: int
    name: str
    scope: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    def allows(self, scope: str) -> bool:
        # admin implies editor, editor implies reporter; an unknown scope allows nothing
        return self.scope in SCOPES and SCOPES.index(self.scope) >= SCOPES.index(scope)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(engine: sa.Engine, name: str, scope: str) -> str:
    """Store a new key's hash and return the key itself (the only time it exists)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    key = PREFIX + secrets.token_urlsafe(32)
    with write_transaction(engine) as conn:
        conn.execute(tables.api_keys.insert().values(
            name=name, scope=scope, key_hash=hash_key(key),
            created_at=dt.datetime.now(dt.timezone.utc)))
    return key


def _from_row(row) -> ApiKey:
    return ApiKey(row.id, row.name, row.scope, row.created_at, row.revoked_at)


def list_keys(engine: sa.Engine) -> list[ApiKey]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(tables.api_keys).order_by(tables.api_keys.c.id))
        return [_from_row(row) for row in rows]


def revoke_key(engine: sa.Engine, name: str) -> bool:
    """Revoke the key called `name`; False if there is no such live key."""
    keys = tables.api_keys
    with write_transaction(engine) as conn:
        result = conn.execute(
            keys.update()
            .where(keys.c.name == name, keys.c.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(dt.timezone.utc)))
        return result.rowcount == 1


def authenticate(engine: sa.Engine, presented: str) -> ApiKey | None:
    """The live key whose hash matches `presented`, or None.

    The row is found by its hash (an index lookup whose timing reveals nothing
    about the secret, since the attacker cannot steer the hash), then the
    hashes are compared with hmac.compare_digest so the final check is
    constant-time as well."""
    digest = hash_key(presented)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(tables.api_keys).where(tables.api_keys.c.key_hash == digest)
        ).first()
    if row is None or not hmac.compare_digest(row.key_hash, digest) or row.revoked_at:
        return None
    return _from_row(row)
