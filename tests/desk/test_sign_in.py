"""Signing in to the desk and out of it: accounts and API keys, the session
cookie's flags, CSRF on every form, the idle timeout, and the limit on failed
sign-ins."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from service.store import accounts, keys, tables

from ..helpers import data_version
from .conftest import PASSWORD, csrf_token


def _cookie_header(response) -> str:
    return next(value for name, value in response.headers if name == "Set-Cookie"
                and value.startswith("standpoint_desk="))


def test_a_page_of_the_desk_sends_whoever_is_not_signed_in_to_sign_in(desk):
    response = desk().get("/desk/cells/us/backstop")
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/sign-in?next=/desk/cells/us/backstop"


def test_an_editor_signs_in_with_a_password_and_lands_where_they_were_going(desk):
    me = desk()
    page = me.get("/desk/sign-in?next=/desk/cells/us/backstop")
    signed = me.client.post("/desk/sign-in", data={
        "csrf_token": csrf_token(page.text),
        "name": "edna", "password": PASSWORD, "next": "/desk/cells/us/backstop"})
    assert signed.status_code == 303
    assert signed.headers["Location"] == "/desk/cells/us/backstop"
    grid = me.get("/desk/")
    assert grid.status_code == 200
    assert "Signed in as <strong>edna</strong> (editor)" in grid.text


def test_next_never_leads_off_the_desk(desk):
    me = desk()
    response = me.post("/desk/sign-in", {"name": "edna", "password": PASSWORD,
                                         "next": "https://evil.example/desk/"})
    assert response.headers["Location"] == "/desk/"


def test_a_wrong_password_signs_nobody_in(desk):
    me = desk()
    response = me.sign_in("edna", "not the password at all")
    assert response.status_code == 403
    assert "did not sign you in" in response.text
    assert me.get("/desk/").status_code == 302
    # An unknown name is refused the same way.
    assert me.sign_in("nobody").status_code == 403


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(app, desk):
    me = desk()
    me.sign_in("edna")
    assert me.get("/desk/").status_code == 200
    assert accounts.disable_account(app.extensions["standpoint.engine"], "edna")
    assert me.get("/desk/").status_code == 302
    assert me.sign_in("edna").status_code == 403


def test_an_api_keys_holder_signs_in_with_the_key_and_has_its_scope(app, desk):
    key = keys.create_key(app.extensions["standpoint.engine"], "wire desk", "editor")
    me = desk()
    assert me.post("/desk/sign-in", {"api_key": key}).status_code == 303
    assert "Signed in as <strong>wire desk</strong> (editor)" in me.get("/desk/").text
    # Revoking the key ends the session.
    keys.revoke_key(app.extensions["standpoint.engine"], "wire desk")
    assert me.get("/desk/").status_code == 302
    assert me.post("/desk/sign-in", {"api_key": key}).status_code == 403


def test_a_form_without_its_csrf_token_is_refused(app, desk):
    before = data_version(app)
    me = desk()
    me.get("/desk/sign-in")
    response = me.client.post("/desk/sign-in", data={"name": "edna", "password": PASSWORD})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "CSRF token is missing" in response.text
    # Signed in, a write without the token is refused too, and writes nothing.
    me.sign_in("edna")
    response = me.client.post("/desk/statements/uk-backstop-2025-03-20/retract",
                              data={"reason": "test", "base_revision": "1"})
    assert response.status_code == 400
    assert data_version(app) == before
    # A token from another session is no token.
    other = desk()
    token_page = other.get("/desk/sign-in")
    response = me.client.post("/desk/sign-out", data={"csrf_token": csrf_token(token_page.text)})
    assert response.status_code == 400


def test_the_api_takes_bearer_keys_without_any_csrf_token(app, client):
    key = keys.create_key(app.extensions["standpoint.engine"], "api writer", "editor")
    response = client.post("/v1/statements/uk-backstop-2025-03-20/retraction",
                           json={"reason": "Misattributed."},
                           headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201
    assert response.get_json()["status"] == "retracted"
    assert "Set-Cookie" not in response.headers  # the API never starts a session


def test_the_session_cookie_is_httponly_samesite_and_only_for_the_desk(desk):
    me = desk()
    response = me.sign_in("edna")
    cookie = _cookie_header(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/desk/" in cookie
    assert "Secure" not in cookie  # plain HTTP here: a Secure cookie would never come back
    assert "Expires" not in cookie  # gone with the browser; the server ends it sooner


def test_the_session_cookie_is_secure_over_tls(desk):
    # https as the WSGI server says it: gunicorn says so for a request that reached the
    # proxy over TLS (X-Forwarded-Proto, believed from FORWARDED_ALLOW_IPS only).
    me = desk()
    page = me.client.get("/desk/sign-in", base_url="https://desk.example")
    response = me.client.post("/desk/sign-in", base_url="https://desk.example", data={
        "csrf_token": csrf_token(page.text), "name": "edna", "password": PASSWORD},
        headers={"Referer": "https://desk.example/desk/sign-in"})
    assert response.status_code == 303
    assert "; Secure" in _cookie_header(response)


def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(app, desk):
    me = desk()
    me.sign_in("edna")
    stolen = me.client.get_cookie("standpoint_desk", path="/desk/").value
    response = me.post("/desk/sign-out", {}, token_from="/desk/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/desk/sign-in?signed_out=1"
    assert me.get("/desk/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("standpoint_desk", stolen, path="/desk/")
    assert thief.get("/desk/").status_code == 302


def _age_sessions(app, minutes: float) -> None:
    with app.extensions["standpoint.engine"].begin() as conn:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
        conn.execute(tables.desk_sessions.update().values(last_seen_at=past))


def test_a_session_idle_longer_than_the_setting_ends(app, desk):
    app.config["DESK_IDLE_MINUTES"] = 30
    me = desk()
    me.sign_in("edna")
    _age_sessions(app, 29)
    assert me.get("/desk/").status_code == 200  # and this visit counts as activity
    _age_sessions(app, 31)
    response = me.get("/desk/cells/us/backstop")
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/sign-in?next=/desk/cells/us/backstop&ended=1"
    assert "idle for more than 30 minutes" in me.get(response.headers["Location"]).text
    with app.extensions["standpoint.engine"].connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tables.desk_sessions)).scalar() == 0


def test_a_visit_counts_as_activity(app, desk):
    app.config["DESK_IDLE_MINUTES"] = 30
    me = desk()
    me.sign_in("edna")
    _age_sessions(app, 20)
    assert me.get("/desk/").status_code == 200
    with app.extensions["standpoint.engine"].connect() as conn:
        seen = conn.execute(sa.select(tables.desk_sessions.c.last_seen_at)).scalar_one()
    seen = seen.replace(tzinfo=dt.UTC) if seen.tzinfo is None else seen
    assert dt.datetime.now(dt.UTC) - seen < dt.timedelta(minutes=1)


def test_a_form_sent_after_the_session_ended_is_shown_back_not_lost(app, desk):
    me = desk()
    me.sign_in("edna")
    page = me.get("/desk/statements/uk-backstop-2025-03-20/retract")
    _age_sessions(app, 10_000)
    response = me.client.post("/desk/statements/uk-backstop-2025-03-20/retract", data={
        "csrf_token": csrf_token(page.text), "base_revision": "1",
        "reason": "The paragraph says the opposite; checked twice."})
    assert response.status_code == 401
    assert "Nothing was recorded" in response.text
    assert "The paragraph says the opposite; checked twice." in response.text


def test_failed_sign_ins_are_limited_and_good_ones_do_not_count(app, desk):
    app.config["DESK_SIGN_IN_LIMIT"] = "3 per 15 minutes"
    me = desk()
    for _ in range(5):
        assert me.sign_in("edna").status_code == 303  # successes spend nothing
    for _ in range(3):
        assert me.sign_in("edna", "wrong guess number n").status_code == 403
    refused = me.sign_in("edna")
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert "Retry-After" in refused.headers
    # Pages are not the sign-in form: they are not limited by it.
    assert me.get("/desk/sign-in").status_code in (200, 302)


def test_signing_in_again_starts_a_new_session(app, desk):
    me = desk()
    me.sign_in("edna")
    first = me.client.get_cookie("standpoint_desk", path="/desk/").value
    me.sign_in("ada")
    assert me.client.get_cookie("standpoint_desk", path="/desk/").value != first
    assert "(admin)" in me.get("/desk/").text
    with app.extensions["standpoint.engine"].connect() as conn:
        holders = conn.execute(sa.select(tables.desk_sessions.c.holder)).scalars().all()
    assert holders == ["ada"]


def test_desk_pages_are_never_cached_and_never_framed(desk):
    me = desk()
    me.sign_in("edna")
    for path in ("/desk/", "/desk/sign-in", "/desk/cells/us/backstop"):
        response = me.get(path)
        assert response.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "form-action 'self'" in response.headers["Content-Security-Policy"]


def test_a_form_with_a_nul_is_refused(desk):
    me = desk()
    response = me.post("/desk/sign-in", {"name": "ed\x00na", "password": PASSWORD})
    assert response.status_code == 400
