"""`flask --app service webhooks ...`: subscriptions from a shell."""

from __future__ import annotations

from service.store import write as w
from service.store.engine import write_transaction

STATEMENT = {
    "actor": "germany", "topic": "backstop", "stance": "supports", "summary": "Germany backs it.",
    "quote": "Yes.", "quote_kind": "verbatim", "stated_on": "2025-03-25", "date_precision": "day",
    "source": {"publisher": "Associated Press", "published_on": "2025-03-25"},
}


def run(app, *args):
    return app.test_cli_runner().invoke(args=["webhooks", *args])


def test_create_list_pause_deliveries_redeliver_delete(app):
    refused = run(app, "create", "http://127.0.0.1:8000/hook")
    assert refused.exit_code == 1 and "loopback" in refused.output
    created = run(app, "create", "https://newsroom.example/hook", "--actor", "gb",
                  "--verdict", "first_stated")
    assert created.exit_code == 0
    subscription_id, secret = created.output.split()
    assert secret.startswith("whsec_")
    listed = run(app, "list").output
    assert subscription_id in listed and "actors=uk verdicts=first_stated" in listed
    assert secret not in listed
    assert run(app, "pause", subscription_id).output.strip() == f"{subscription_id} paused"
    assert run(app, "resume", subscription_id).exit_code == 0
    with write_transaction(app.extensions["standpoint.engine"]) as conn:
        w.create_statement(conn, {**STATEMENT, "actor": "uk", "topic": "peacekeepers",
                                  "stance": "open"}, "desk")  # shifted: filtered out
        w.create_statement(conn, {**STATEMENT, "actor": "uk", "topic": "ceasefire_scope",
                                  "stance": "full"}, "desk")  # first_stated: kept
    (line,) = run(app, "deliveries", subscription_id).output.splitlines()
    delivery_id, status, attempts, cell, verdict, _error = line.split("\t")
    assert (status, attempts, cell, verdict) == ("pending", "0", "uk/ceasefire_scope",
                                                 "first_stated")
    assert '"verdict": "first_stated"' in run(app, "deliveries", subscription_id, "--bodies").output
    assert run(app, "redeliver", subscription_id, delivery_id).exit_code == 0
    assert run(app, "redeliver", subscription_id, "msg_nope").exit_code == 1
    assert run(app, "delete", subscription_id).exit_code == 0
    assert run(app, "list").output == ""
    assert run(app, "delete", subscription_id).exit_code == 1
