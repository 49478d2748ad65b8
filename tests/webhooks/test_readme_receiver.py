"""The ten-line receiver in README.md accepts what the worker signs, once per
webhook-id, and refuses anything else."""

from __future__ import annotations

import re

from service.store.subscriptions import new_secret
from service.webhooks.worker import signed_headers

from ..servers.server import ROOT


def readme_receiver(monkeypatch, secret):
    text = (ROOT / "README.md").read_text("utf-8")
    code = re.search(r"<!-- standpoint-webhook-receiver:start -->\n```python\n(.*?)```", text,
                     re.S).group(1)
    monkeypatch.setenv("STANDPOINT_WEBHOOK_SECRET", secret)
    namespace: dict = {"__name__": "__main__"}  # as when run as a script
    exec(compile(code, "README.md receiver", "exec"), namespace)
    return namespace["app"].test_client()


def test_the_readme_receiver_verifies_and_dedupes(monkeypatch, capsys):
    secret = new_secret()
    client = readme_receiver(monkeypatch, secret)
    body = '{"type":"position.changed","data":{"summary":"Ukraine moved broader"}}'
    headers = {**signed_headers(secret, "msg_1", body), "content-type": "application/json"}
    assert client.post("/standpoint-hook", data=body, headers=headers).status_code == 204
    assert client.post("/standpoint-hook", data=body, headers=headers).status_code == 204
    assert capsys.readouterr().out == "Ukraine moved broader\n"  # the repeat was dropped
    tampered = body.replace("broader", "narrower")
    assert client.post("/standpoint-hook", data=tampered, headers=headers).status_code == 400
    forged = {**signed_headers(new_secret(), "msg_2", body), "content-type": "application/json"}
    assert client.post("/standpoint-hook", data=body, headers=forged).status_code == 400
