"""The contract run's first half (tests/servers/contract_run.py): the records
(statements, notes, sources) and proposals, their writes and every operation
their links lead to, so the stateful phase follows each link, and the embeds of
actors, topics and compare. test_schemathesis_rest.py runs the other half beside it."""

from __future__ import annotations

import re

import pytest

from ..contract import spec_dict
from .contract_run import RECORDS, run_contract

pytestmark = pytest.mark.slow


def test_the_halves_split_every_operation_and_every_link_stays_in_its_half():
    paths = spec_dict()["paths"]
    records = {path for path in paths if re.search(RECORDS, path)}
    assert records and set(paths) - records  # two halves, neither empty
    operations = {operation["operationId"]: path for path, item in paths.items()
                  for operation in item.values() if isinstance(operation, dict)
                  and "operationId" in operation}
    for path, item in paths.items():
        for operation in item.values():
            for response in (operation.get("responses", {}).values()
                             if isinstance(operation, dict) else ()):
                for link in response.get("links", {}).values():
                    assert (path in records) == (operations[link["operationId"]] in records), (
                        f"{path} links to {link['operationId']} in the other half")


def test_schemathesis_finds_no_failures_in_the_records(tmp_path):
    run_contract(tmp_path, "records")
