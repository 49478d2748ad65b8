"""Settings, read from the environment only (secrets never live in the code)."""

from __future__ import annotations

import os
from pathlib import Path

from .webhooks.targets import Allowlist


def _words(value: str, sep: str) -> list[str]:
    return [word.strip() for word in value.split(sep) if word.strip()]


class Config:
    @staticmethod
    def from_env(instance_path: str) -> dict:
        default_db = "sqlite:///" + str(Path(instance_path) / "standpoint.db")
        return {
            "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
            "REDIS_URL": os.environ.get("REDIS_URL"),
            # Run migrations and seed in create_app. gunicorn does it once in
            # its master (gunicorn.conf.py) and turns this off for workers.
            "PREPARE_DATABASE": os.environ.get("STANDPOINT_PREPARE_DATABASE", "1") == "1",
            "SEED_DATASET": os.environ.get("STANDPOINT_SEED", "1") == "1",
            "CACHE_MAX_AGE": int(os.environ.get("STANDPOINT_CACHE_MAX_AGE", "60")),
            "CACHE_STALE_WHILE_REVALIDATE": int(
                os.environ.get("STANDPOINT_CACHE_STALE_WHILE_REVALIDATE", "300")
            ),
            "MAX_PAGE_SIZE": 100,
            # Embeds and charts say in words when a position was stated more than this
            # many days before the date shown: nothing newer is recorded, not "still held".
            "STALE_AFTER_DAYS": int(os.environ.get("STANDPOINT_STALE_AFTER_DAYS", "90")),
            # Origins (comma-separated) whose browser pages may write; reads are open to all.
            "CORS_WRITE_ORIGINS": _words(os.environ.get("STANDPOINT_CORS_WRITE_ORIGINS", ""), ","),
            # The address readers reach this service at (e.g. https://standpoint.news.example),
            # when it differs from the Host the app sees behind a proxy: oEmbed accepts
            # embed URLs of this host as its own.
            "PUBLIC_URL": os.environ.get("STANDPOINT_PUBLIC_URL", "").strip().rstrip("/") or None,
            # CSP frame-ancestors of the embeddable pages (space-separated sources).
            # Default '*': the pages are public, read-only, without forms or
            # cookies, and made to be framed by any newsroom; restrict it to
            # your own sites with e.g. "'self' https://news.example".
            "EMBED_FRAME_ANCESTORS": os.environ.get("STANDPOINT_EMBED_FRAME_ANCESTORS", "*").strip() or "*",
            "MAX_CONTENT_LENGTH": int(os.environ.get("STANDPOINT_MAX_BODY_BYTES", str(64 * 1024))),
            # Rate limits (`limits` notation). Generous: a dashboard polling every few
            # seconds never meets them; a scraper hammering the API does.
            "RATE_LIMIT_ENABLED": os.environ.get("STANDPOINT_RATE_LIMIT_ENABLED", "1") == "1",
            "RATE_LIMIT_PER_IP": os.environ.get("STANDPOINT_RATE_LIMIT_PER_IP", "1200 per minute"),
            "RATE_LIMIT_PER_KEY": os.environ.get("STANDPOINT_RATE_LIMIT_PER_KEY", "600 per minute"),
            # How many reverse proxies in front set X-Forwarded-For: the client IP the
            # per-IP limit counts. 0 = trust none (direct exposure). The header is believed
            # only on connections from PROXY_ADDRESSES (IPs or networks, comma-separated):
            # the address the nearest proxy connects from (api/proxies.py).
            "TRUSTED_PROXIES": int(os.environ.get("STANDPOINT_TRUSTED_PROXIES", "0")),
            "PROXY_ADDRESSES": _words(os.environ.get("STANDPOINT_PROXY_ADDRESSES", ""), ","),
            # Stable error identifiers live under this base (RFC 9457 `type`).
            "PROBLEM_TYPE_BASE": os.environ.get(
                "STANDPOINT_PROBLEM_TYPE_BASE", "/problems/"
            ),
            # Webhooks (service/webhooks/): targets on private, loopback or link-local
            # addresses are refused unless listed (host:port or networks, comma-separated);
            # retries wait the schedule's delays (seconds, comma-separated; default about
            # 24 h in all, see README); delivered and failed rows are pruned after retention.
            "WEBHOOK_ALLOWED_TARGETS": Allowlist.parse(_words(
                os.environ.get("STANDPOINT_WEBHOOK_ALLOWED_TARGETS", ""), ",")),
            "WEBHOOK_RETRY_SCHEDULE": [float(s) for s in _words(os.environ.get(
                "STANDPOINT_WEBHOOK_RETRY_SCHEDULE", "5,30,120,600,1800,3600,7200,14400,28800,28800"), ",")],
            "WEBHOOK_TIMEOUT": float(os.environ.get("STANDPOINT_WEBHOOK_TIMEOUT_SECONDS", "5")),
            "WEBHOOK_LEASE": float(os.environ.get("STANDPOINT_WEBHOOK_LEASE_SECONDS", "60")),
            "WEBHOOK_POLL": float(os.environ.get("STANDPOINT_WEBHOOK_POLL_SECONDS", "1")),
            "WEBHOOK_BATCH": int(os.environ.get("STANDPOINT_WEBHOOK_BATCH", "10")),
            "WEBHOOK_RETENTION_DAYS": float(os.environ.get("STANDPOINT_WEBHOOK_RETENTION_DAYS", "7")),
            # Statements and notes only through review (docs/REVIEW.md): an editor's
            # direct write of one is refused (403 `review-required`) and proposed at
            # /v1/proposals instead; an admin's is not. Off unless set to 1.
            "REVIEW_REQUIRED": os.environ.get("STANDPOINT_REVIEW_REQUIRED", "0") == "1",
            # PNG renders run in this many processes per web worker (web/raster.py); a
            # render that waited longer than RENDER_TIMEOUT seconds is a 503.
            "RENDER_PROCESSES": int(os.environ.get("STANDPOINT_RENDER_PROCESSES", "1")),
            "RENDER_TIMEOUT": float(os.environ.get("STANDPOINT_RENDER_TIMEOUT_SECONDS", "20")),
            # Signs the desk's session cookie and its CSRF tokens. Every instance must
            # share it; unset, the desk keeps one in the instance folder (service/desk/).
            "SECRET_KEY": os.environ.get("STANDPOINT_SECRET_KEY") or None,
            # The desk (docs/DESK.md): a session ends after this many idle minutes, and
            # after DESK_SESSION_HOURS whatever happens; failed sign-ins per client IP.
            "DESK_IDLE_MINUTES": float(os.environ.get("STANDPOINT_DESK_IDLE_MINUTES", "30")),
            "DESK_SESSION_HOURS": float(os.environ.get("STANDPOINT_DESK_SESSION_HOURS", "12")),
            "DESK_SIGN_IN_LIMIT": os.environ.get("STANDPOINT_DESK_SIGN_IN_LIMIT",
                                                 "10 per 15 minutes"),
        }
