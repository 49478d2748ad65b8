"""The contract run: schemathesis against a live gunicorn server on a fresh database.

Every check, positive and negative data, the examples, coverage, fuzzing and
stateful phases, with the fixed seed and settings in schemathesis.toml. The run
must find nothing. It is one run in two halves, each with its server and its
database, so the two pytest-xdist workers of `make test` share it instead of one
worker carrying it alone: test_schemathesis.py takes the records, proposals and
charts (`RECORDS`), test_schemathesis_rest.py everything else. One path pattern
and its complement, so together they select every operation and none twice; no
link of the stateful phase (service/api/links.py) crosses from one half to the
other (test_schemathesis.py checks both). Each half's JSON report lands in
test-artifacts/schemathesis/<half>/ so the figures in docs/RELIABILITY.md can be
checked against them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.servers.server import ROOT, live_server, make_key

# schemathesis' CLI (`st`), through a wrapper that works around a CPython 3.11 threading bug.
ST = [sys.executable, "-m", "tests.servers.schemathesis_cli"]
REPORT_DIR = ROOT / "test-artifacts" / "schemathesis"
# The first half: the append-only records and proposals (their writes, and everything
# those writes' links lead to), and the embeds of actors, topics and compare (the charts,
# the slowest operations to generate and answer). Chosen so that the halves take about
# as long (1,034 s and 1,033 s of schemathesis' per-operation time in the full run of
# 2026-12-07); actors and topics link only to their own paths, so they go with the rest.
RECORDS = r"^(/v1/(statements|notes|sources|proposals)(/|$)|/embed/(actors|topics|compare)(/|$))"
HALVES = {"records": ["--include-path-regex", RECORDS],
          "rest": ["--exclude-path-regex", RECORDS]}


def run_contract(tmp_path, half: str) -> dict:
    """Run the contract's `half` against a server of its own; its JSON report."""
    report_dir = REPORT_DIR / half
    report_dir.mkdir(parents=True, exist_ok=True)
    report = report_dir / "report.json"
    report.unlink(missing_ok=True)
    database_url = f"sqlite:///{tmp_path / 'contract.db'}"
    # An admin key (editor's scope and more), so every write operation is exercised.
    key = make_key(database_url, "admin")
    # Limits stay on (their 429 is part of the contract) but far above this run's pace.
    with live_server(tmp_path, database_url=database_url, STANDPOINT_ACCESS_LOG="0",
                     STANDPOINT_RATE_LIMIT_PER_IP="100000 per minute",
                     STANDPOINT_RATE_LIMIT_PER_KEY="100000 per minute") as server:
        command = [*ST, "--config-file", str(ROOT / "schemathesis.toml"), "run",
                   f"{server.url}/openapi.yaml", "--no-color", *HALVES[half],
                   "--header", f"Authorization: Bearer {key}",
                   "--report", "json,junit", "--report-dir", str(report_dir),
                   "--report-json-path", str(report),
                   "--report-junit-path", str(report_dir / "junit.xml")]
        extra = os.environ.get("STANDPOINT_SCHEMATHESIS_ARGS")  # e.g. "-n 20" for a quick look
        if extra:
            command += extra.split()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
        server_log = server.log()
    summary = json.loads(report.read_text())
    cases = summary["test_cases"]
    print(f"schemathesis ({half}): {cases['generated']} cases, {cases['unique_failures']} "
          f"unique failures, {summary['operations']['tested']} operations, "
          f"{summary['running_time']:.0f}s")
    assert result.returncode == 0 and not summary["failures"] and not summary["errors"], (
        result.stdout[-20000:] + result.stderr[-5000:] + "\n--- server log ---\n" + server_log[-5000:])
    # Every operation selected (all of the half's, unless STANDPOINT_SCHEMATHESIS_ARGS narrows it).
    assert summary["operations"]["tested"] == summary["operations"]["selected"] > 0
    assert all(phase["status"] in ("success",) for phase in summary["phases"].values()), summary["phases"]
    assert "Traceback" not in server_log, server_log[-5000:]
    return summary
