"""openapi.yaml lints clean, and says what the linters do not check.

Redocly's `recommended` rules (redocly.yaml) and Spectral's `spectral:oas`
ruleset (.spectral.yaml), both pinned in package.json, must report no error
and no warning: `npm ci` at the repo root installs them (CI does), `make
lint-spec` runs them. Without node_modules the linter tests are skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ..contract import SPEC_PATH, spec_dict

ROOT = SPEC_PATH.parent
BIN = ROOT / "node_modules" / ".bin"
NODE = shutil.which("node")
METHODS = ("get", "post", "put", "patch", "delete")
# Redocly would otherwise announce updates and send usage data (there is no network in CI).
QUIET = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
         "NO_UPDATE_NOTIFIER": "1"}

# Operations whose answer is text the schema cannot make an example of (CSV,
# HTML, the OpenAPI document itself): the view gives one in its response
# schema. Each here still waits for its owner to add it.
AWAITING_EXAMPLES: set[str] = set()


def linter(name: str) -> Path:
    path = BIN / name
    if NODE is None or not path.exists():
        pytest.skip(f"{name} is not installed: run `npm ci` at the repository root "
                    "(node and npm are needed)")
    return path


def run(*command) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], cwd=ROOT, env=QUIET,
                          capture_output=True, text=True, timeout=300)


def test_redocly_recommended_finds_nothing():
    result = run(linter("redocly"), "lint", "--config", "redocly.yaml", "--format=json",
                 SPEC_PATH.name)
    report = json.loads(result.stdout)
    problems = [f"{p['severity']} {p['ruleId']}: {p['message']} "
                f"({p['location'][0]['pointer'] if p.get('location') else ''})"
                for p in report["problems"]]
    assert report["totals"]["errors"] == 0 and report["totals"]["warnings"] == 0, problems
    assert result.returncode == 0, result.stderr[-2000:]


def test_spectral_oas_finds_nothing():
    result = run(linter("spectral"), "lint", "--ruleset", ".spectral.yaml", "--format=json",
                 "--quiet", "--fail-severity=hint", SPEC_PATH.name)
    assert result.stdout.strip(), result.stderr[-2000:]
    findings = [f"{['error', 'warning', 'info', 'hint'][r['severity']]} {r['code']}: "
                f"{r['message']} ({'.'.join(map(str, r['path']))})"
                for r in json.loads(result.stdout)]
    assert findings == []
    assert result.returncode == 0, result.stderr[-2000:]


def operations():
    for path, item in spec_dict()["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, item, method, operation


def test_every_operation_is_described():
    undescribed = [operation["operationId"] for _, _, _, operation in operations()
                   if not operation.get("description", "").strip()]
    assert undescribed == []


def _examples(operation) -> list:
    bodies = [operation.get("requestBody")] + [
        response for status, response in operation["responses"].items()
        if str(status).startswith("2")]
    return [content.get("example", content.get("examples"))
            for body in bodies if isinstance(body, dict)
            for content in body.get("content", {}).values()
            if "example" in content or "examples" in content]


def test_every_operation_has_an_example():
    without = {operation["operationId"] for _, _, _, operation in operations()
               if not _examples(operation)}
    assert without - AWAITING_EXAMPLES == set()


# Reads of the record are open; what is not the record needs a key, reads included:
# webhook subscriptions (targets, deliveries) are an admin's business, proposals the desk's.
ADMIN_PATHS = ("/v1/subscriptions", "/v1/proposals")
# A source's text and the sentences drawn from it are the publisher's words, kept for
# verification and served to editors only (docs/DATA.md, "Serving the report's text").
EDITOR_READS = ("getSourceParagraphs", "getSourceCandidates")


def test_reads_say_they_need_no_credentials():
    for path, _, method, operation in operations():
        assert "security" in operation, operation["operationId"]
        if operation["operationId"] in EDITOR_READS:
            assert operation["security"] == [{"bearerAuth": []}], operation["operationId"]
        elif method == "get" and not path.startswith(ADMIN_PATHS):
            assert operation["security"] == [], operation["operationId"]
        if path.startswith(ADMIN_PATHS):
            assert operation["security"] == [{"bearerAuth": []}], operation["operationId"]


def _strings(schema: dict):
    if "string" in ([schema.get("type")] if isinstance(schema.get("type"), str)
                    else schema.get("type", [])):
        yield schema
    if "items" in schema:
        yield from _strings(schema["items"])


def test_no_string_parameter_admits_a_nul_character():
    # input_guards answers 400 to a NUL in the path or in any query parameter.
    for path, item, _, operation in operations():
        for parameter in item.get("parameters", []) + operation.get("parameters", []):
            if parameter.get("in") not in ("path", "query"):
                continue
            for schema in _strings(parameter["schema"]):
                name = f"{operation['operationId']} {parameter['name']}"
                if "enum" in schema:
                    assert not any("\0" in value for value in schema["enum"]), name
                    continue
                assert "pattern" in schema, name
                assert not re.search(schema["pattern"], "uk\0"), name
        assert "400" in operation["responses"] or 400 in operation["responses"], \
            operation["operationId"]


def test_info_names_a_contact_and_a_license():
    info = spec_dict()["info"]
    assert info["contact"].get("name") and info["license"].get("identifier")


def test_no_unused_pagination_component():
    assert "PaginationMetadata" not in spec_dict()["components"]["schemas"]
