"""Schemathesis' `ignored_auth` check against a live server: no write operation
accepts a missing or a bad key.

The check only fires on a 2xx answer sent with a valid key: it then replays
the request without the key and with a wrong one and fails unless both are
refused. So the test also asserts that every write operation got at least one
2xx (the examples in openapi.yaml make valid requests; `If-Match: *` lets a
correction through), or the check would pass without having checked anything."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .live_server import ROOT, gunicorn

pytestmark = pytest.mark.slow
PORT = 8414


def _write_operations() -> set[str]:
    from ..contract import spec_dict

    return {f"{method.upper()} {path}" for path, item in spec_dict()["paths"].items()
            for method in item if method in ("post", "patch", "put", "delete")}


def test_no_write_operation_ignores_its_api_key(tmp_path):
    report = tmp_path / "schemathesis.json"
    with gunicorn(f"sqlite:///{tmp_path / 'st.db'}", PORT, tmp_path / "gunicorn.log", "admin",
                  workers=2) as key:
        result = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "run", "openapi.yaml",
             "--url", f"http://127.0.0.1:{PORT}", "--checks", "ignored_auth",
             "--include-method", "POST", "--include-method", "PATCH",
             "--phases", "examples,fuzzing", "-n", "10",
             "-H", f"Authorization: Bearer {key}", "-H", "If-Match: *",
             "--report", "json", "--report-json-path", str(report), "--no-color"],
            cwd=ROOT, capture_output=True, text=True, timeout=300)
    print(result.stdout[-1500:])
    outcome = json.loads(report.read_text())
    assert result.returncode == 0 and outcome["failures"] == [], result.stdout[-3000:]
    assert outcome["operations"]["tested"] == len(_write_operations()) == 10
    accepted = {op: sum(phase["accepted"] for phase in rates.values())
                for op, rates in outcome["valid_rates"].items()}
    assert set(accepted) == _write_operations()
    assert all(count > 0 for count in accepted.values()), accepted
