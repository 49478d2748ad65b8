"""Schemathesis' `ignored_auth` check against a live server: no write operation
accepts a missing or a bad key.

The check only fires on a 2xx answer sent with a valid key: it then replays
the request without the key and with a wrong one and fails unless both are
refused. So the test also asserts that every write operation got at least one
2xx (the examples in openapi.yaml make valid requests; `If-Match: *` lets a
correction through), or the check would pass without having checked anything.

Schemathesis tries every note or statement id it finds in the spec on every
operation, so a retraction run before a correction could retract the record that
correction names (409 for every try; seen in CI). Retractions therefore run
second, against the same server: each operation gets a record still current."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .live_server import ROOT, gunicorn

pytestmark = pytest.mark.slow
PORT = 8414


def _write_operations() -> dict[str, str]:
    """Each write operation's "METHOD /path", by operationId. Webhook subscriptions
    are left out: every one of their operations, reads too, needs an admin key, and
    tests/api/test_subscriptions.py refuses each without a key and with an editor's."""
    from ..contract import spec_dict

    return {operation["operationId"]: f"{method.upper()} {path}"
            # Proposals are left to tests/api/test_proposals.py: with one key every proposal
            # this run makes is its own, so approving or returning one is always refused.
            for path, item in spec_dict()["paths"].items()
            if not path.startswith(("/v1/subscriptions", "/v1/proposals"))
            for method, operation in item.items() if method in ("post", "patch", "put", "delete")}


def _run(port: int, key: str, operation_ids: list[str], report) -> dict:
    """One schemathesis run over these operations; the JSON report it wrote."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.servers.schemathesis_cli", "run", "openapi.yaml",
         "--url", f"http://127.0.0.1:{port}", "--checks", "ignored_auth",
         *(arg for op in operation_ids for arg in ("--include-operation-id", op)),
         "--phases", "examples,fuzzing", "-n", "10",
         "-H", f"Authorization: Bearer {key}", "-H", "If-Match: *",
         "--report", "json", "--report-json-path", str(report), "--no-color"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    print(result.stdout[-1500:])
    outcome = json.loads(report.read_text())
    assert result.returncode == 0 and outcome["failures"] == [], result.stdout[-3000:]
    return outcome


def test_no_write_operation_ignores_its_api_key(tmp_path):
    with gunicorn(f"sqlite:///{tmp_path / 'st.db'}", PORT, tmp_path / "gunicorn.log", "admin",
                  workers=2) as key:
        writes = _write_operations()
        retractions = [op for op in writes if op.startswith("retract")]
        runs = [_run(PORT, key, batch, tmp_path / f"schemathesis-{n}.json")
                for n, batch in enumerate([[op for op in writes if op not in retractions],
                                           retractions])]
    assert sum(run["operations"]["tested"] for run in runs) == len(writes) == 13
    accepted = {op: sum(phase["accepted"] for phase in rates.values())
                for run in runs for op, rates in run["valid_rates"].items()}
    assert set(accepted) == set(writes.values())
    assert all(count > 0 for count in accepted.values()), sorted(accepted.items(), key=lambda kv: kv[1])
