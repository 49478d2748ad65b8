"""Schemathesis against a live gunicorn server on a fresh database.

Every check, positive and negative data, the examples, coverage, fuzzing and
stateful phases, with the fixed seed and settings in schemathesis.toml. The run
must find nothing. Its JSON report lands in test-artifacts/schemathesis/ so the
figures in docs/RELIABILITY.md can be checked against it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers.server import ROOT, live_server, make_key

pytestmark = pytest.mark.slow

# schemathesis' CLI (`st`), through a wrapper that works around a CPython 3.11 threading bug.
ST = [sys.executable, "-m", "tests.servers.schemathesis_cli"]
REPORT_DIR = ROOT / "test-artifacts" / "schemathesis"


def test_schemathesis_finds_no_failures(tmp_path):
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    report = REPORT_DIR / "report.json"
    report.unlink(missing_ok=True)
    database_url = f"sqlite:///{tmp_path / 'contract.db'}"
    # An admin key (editor's scope and more), so every write operation is exercised.
    key = make_key(database_url, "admin")
    # Limits stay on (their 429 is part of the contract) but far above this run's pace.
    with live_server(tmp_path, database_url=database_url, STANDPOINT_ACCESS_LOG="0",
                     STANDPOINT_RATE_LIMIT_PER_IP="100000 per minute",
                     STANDPOINT_RATE_LIMIT_PER_KEY="100000 per minute") as server:
        command = [*ST, "--config-file", str(ROOT / "schemathesis.toml"), "run",
                   f"{server.url}/openapi.yaml", "--no-color",
                   "--header", f"Authorization: Bearer {key}",
                   "--report", "json,junit", "--report-dir", str(REPORT_DIR),
                   "--report-json-path", str(report),
                   "--report-junit-path", str(REPORT_DIR / "junit.xml")]
        extra = os.environ.get("STANDPOINT_SCHEMATHESIS_ARGS")  # e.g. "-n 20" for a quick look
        if extra:
            command += extra.split()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
        server_log = server.log()
    summary = json.loads(report.read_text())
    cases = summary["test_cases"]
    print(f"schemathesis: {cases['generated']} cases, {cases['unique_failures']} unique failures, "
          f"{summary['operations']['tested']} operations, {summary['running_time']:.0f}s")
    assert result.returncode == 0 and not summary["failures"] and not summary["errors"], (
        result.stdout[-20000:] + result.stderr[-5000:] + "\n--- server log ---\n" + server_log[-5000:])
    # Every operation selected (all of them, unless STANDPOINT_SCHEMATHESIS_ARGS narrows the run).
    assert summary["operations"]["tested"] == summary["operations"]["selected"]
    assert all(phase["status"] in ("success",) for phase in summary["phases"].values()), summary["phases"]
    assert "Traceback" not in server_log, server_log[-5000:]
