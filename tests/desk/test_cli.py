"""`flask --app service desk ...`: accounts made by an operator, the password asked for."""

from __future__ import annotations

from service.store import accounts


def test_add_user_asks_for_the_password_twice_and_stores_only_its_hash(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["desk", "add-user", "olena", "--role", "editor"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert "added olena (editor)" in result.output
    engine = app.extensions["standpoint.engine"]
    assert accounts.check_password(engine, "olena", "a long enough password").role == "editor"
    assert accounts.check_password(engine, "olena", "another password!") is None
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM desk_accounts").scalar_one()
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored


def test_add_user_refuses_a_short_password_a_taken_name_and_an_unknown_role(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["desk", "add-user", "olena", "--role", "editor"],
                          input="short\nshort\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    runner.invoke(args=["desk", "add-user", "olena", "--role", "editor"],
                  input="a long enough password\na long enough password\n")
    taken = runner.invoke(args=["desk", "add-user", "olena", "--role", "admin"],
                          input="a long enough password\na long enough password\n")
    assert taken.exit_code == 1 and "already exists" in taken.output
    unknown = runner.invoke(args=["desk", "add-user", "x", "--role", "boss"])
    assert unknown.exit_code == 2


def test_list_set_role_and_disable(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["desk", "add-user", "olena", "--role", "reporter"],
                  input="a long enough password\na long enough password\n")
    assert runner.invoke(args=["desk", "set-role", "olena", "--role", "editor"]).exit_code == 0
    listed = runner.invoke(args=["desk", "list-users"]).output
    assert listed.startswith("olena\teditor\t") and "active" in listed
    assert runner.invoke(args=["desk", "disable-user", "olena"]).exit_code == 0
    assert "disabled" in runner.invoke(args=["desk", "list-users"]).output
    assert accounts.check_password(app.extensions["standpoint.engine"], "olena",
                                   "a long enough password") is None


def test_the_desks_url_and_slug_rules_are_the_apis():
    from service.api.statements import SLUG, URL_PATTERN
    from service.desk import forms
    assert forms.URL_PATTERN == URL_PATTERN
    assert forms.SLUG == SLUG.regex.pattern
