"""Signing in to the desk, the session, and who may do what.

The cookie is Flask's signed session cookie, named `standpoint_desk`, sent only
to /desk/ paths, HttpOnly, SameSite=Lax, and Secure whenever the request came
over TLS (`request.is_secure`, which believes X-Forwarded-Proto only from the
trusted proxies: api/proxies.py). It holds a random session token and the
CSRF token; the session itself lives on the server (store/accounts.py), so
signing out, an idle timeout, a disabled account or a revoked key ends it for
good, whoever holds a copy of the cookie.

Every request to the desk passes `guard` (before_request): NUL refused, CSRF
checked on every POST (Flask-WTF), then the session. Views say the role they
need with `@needs("editor")`.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, current_app, g, redirect, render_template, request, session,
                   url_for)
from flask.sessions import SecureCookieSessionInterface
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from .. import database
from ..http.problems import Problem
from ..store import accounts, form_tokens
from .forms import SignInForm, SignOutForm, has_nul

bp = Blueprint("auth", __name__)
# Forms allowed more than the app's body limit, by endpoint: (bytes in all, bytes of the
# fields other than files). The new-source form carries a report's text or its page.
LARGE_FORMS = {"desk.sources.new_source": (4 * 1024 * 1024 + 64 * 1024, 4 * 1024 * 1024)}
csrf = CSRFProtect()
TOKEN = "desk_token"


class DeskSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure exactly when the request came over TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure


def holder() -> accounts.Holder | None:
    return g.get("desk_holder")


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    config = current_app.config
    return (dt.timedelta(minutes=config["DESK_IDLE_MINUTES"]),
            dt.timedelta(hours=config["DESK_SESSION_HOURS"]))


def _session_holder() -> tuple[accounts.Holder | None, bool]:
    """Who is signed in, and whether a session just ended (idle, too old, revoked)."""
    token = session.get(TOKEN)
    if not token:
        return None, False
    found = accounts.session_holder(database.engine(), token, *_limits())
    if found is None:
        session.pop(TOKEN, None)
        return None, True
    return found, False


def _safe_next(target: str | None) -> str | None:
    """Only a desk path of this site: never an address elsewhere (an open redirect)."""
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/desk/"):
        return None
    return target


def guard():
    """Every desk request: no NUL, a CSRF token on every POST, then a live session."""
    if request.endpoint == "desk.static":
        return None
    if request.endpoint in LARGE_FORMS:  # before anything reads the form
        request.max_content_length, request.max_form_memory_size = LARGE_FORMS[request.endpoint]
    if has_nul(request.form.items(multi=True)):
        raise Problem(400, "invalid-request", "The form contains a NUL character.")
    csrf.protect()
    g.desk_holder, ended = _session_holder()
    if request.endpoint in ("desk.auth.sign_in", "desk.auth.sign_out") or g.desk_holder:
        return None
    if request.method == "POST":
        # The session ended while the form was being written: nothing is written, and
        # what was typed is shown back so that it can be copied, not lost.
        unsent = [(name, value) for name, value in request.form.items(multi=True)
                  if name not in ("csrf_token", "base_revision") and value.strip()]
        return _sign_in_page(SignInForm(formdata=None), ended=ended, unsent=unsent,
                             status=401, next_url=request.path)
    return redirect(url_for("desk.auth.sign_in", next=request.full_path.rstrip("?"),
                            ended=int(ended) or None))


def forget(_exc=None) -> None:
    """What a request kept in `g`: an app context may outlive a request (tests, CLI), and
    the next request must find no holder, no failed sign-in and no CSRF token of this one."""
    for name in ("desk_holder", "desk_sign_in_failed", "csrf_token"):
        g.pop(name, None)


def needs(role: str):
    """The view needs `role` (reporter < editor < admin): a 403 page otherwise."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not holder().may(role):
                detail = (f"Your role is {holder().role}; this needs {role}."
                          + (" Reporters propose; an editor publishes." if holder().role ==
                             "reporter" else ""))
                raise Problem(403, "forbidden", detail)
            return view(*args, **kwargs)
        wrapper.needs = role
        return wrapper
    return decorator


def publishes(view):
    """The view writes the record directly: an editor's, and with STANDPOINT_REVIEW_REQUIRED
    an admin's only, as the API's direct writes are (everyone else proposes, and a second
    editor approves: /v1/proposals)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_app.config["REVIEW_REQUIRED"] and holder().may("editor") \
                and not holder().may("admin"):
            raise Problem(403, "review-required",
                          "Review is required here: nothing is published on one person's "
                          "word. Propose it (POST /v1/proposals) for a second editor to approve.")
        return view(*args, **kwargs)
    return needs("editor")(wrapper)


def _sign_in_page(form, status: int = 200, ended: bool = False, failed: bool = False,
                  unsent=(), next_url: str | None = None):
    html = render_template("desk/sign_in.html", form=form, ended=ended, failed=failed,
                           unsent=unsent, next_url=next_url,
                           signed_out=request.args.get("signed_out") == "1",
                           idle_minutes=current_app.config["DESK_IDLE_MINUTES"])
    # A failed sign-in is a 403 (the credentials do not grant access); a form
    # sent without them a 422; the sign-in limit counts only the former.
    return html, status


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if holder():
            return redirect(next_url or url_for("desk.pages.grid"))
        return _sign_in_page(SignInForm(), ended=request.args.get("ended") == "1",
                             next_url=next_url)
    form = SignInForm()
    engine = database.engine()
    found, key_id = None, None
    if form.validate():
        if form.api_key.data:
            checked = accounts.check_key(engine, form.api_key.data)
            found, key_id = checked if checked else (None, None)
        elif form.name.data and form.password.data:
            found = accounts.check_password(engine, form.name.data, form.password.data)
        else:
            form.name.errors = ["Give your name and password, or an API key."]
            return _sign_in_page(form, status=422, next_url=next_url)
    if found is None:
        g.desk_sign_in_failed = True
        form.password.data = form.api_key.data = None
        return _sign_in_page(form, status=403, failed=True, next_url=next_url)
    accounts.purge_sessions(engine, *_limits())
    form_tokens.purge(engine, _limits()[1])
    if session.get(TOKEN):
        accounts.end_session(engine, session[TOKEN])
    session.clear()  # a new session, and a new CSRF token: nothing carries over
    session[TOKEN] = accounts.start_session(engine, found, key_id)
    return redirect(next_url or url_for("desk.pages.grid"), 303)


@bp.post("/sign-out")
def sign_out():
    token = session.get(TOKEN)
    if token:
        accounts.end_session(database.engine(), token)
    session.clear()
    return redirect(url_for("desk.auth.sign_in", signed_out=1), 303)


def limit_sign_ins(app: Flask) -> None:
    """Failed sign-ins per client IP (DESK_SIGN_IN_LIMIT); a good one spends nothing.
    flask-limiter checks a route's own limit in the wrapper its decorator returns,
    so the registered view is replaced by it (after the blueprint is registered)."""
    limiter = app.extensions["standpoint.limiter"]
    app.view_functions["desk.auth.sign_in"] = limiter.limit(
        lambda: current_app.config["DESK_SIGN_IN_LIMIT"], key_func=get_remote_address,
        methods=["POST"], override_defaults=False, deduct_when=_failed, scope="desk-sign-in",
        error_message="Too many failed sign-ins from this address; try again later.")(sign_in)


def _failed(_response) -> bool:
    return bool(g.get("desk_sign_in_failed"))


def init_app(app: Flask) -> None:
    config = app.config
    config["SESSION_COOKIE_NAME"] = "standpoint_desk"
    config["SESSION_COOKIE_PATH"] = "/desk/"
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # The token lives as long as the session; the session's own limits end it.
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    # Only the desk's forms are checked (in `guard`): the API takes bearer keys and
    # no cookie, and no other page has a form a session could send.
    config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.session_interface = DeskSessionInterface()
    csrf.init_app(app)
    app.jinja_env.globals.update(desk_holder=holder, sign_out_form=SignOutForm)
