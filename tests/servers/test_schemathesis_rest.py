"""The contract run's second half (tests/servers/contract_run.py): everything
test_schemathesis.py does not take (actors and topics with their writes, webhook
subscriptions, positions, matrix, compare, diff, the change feed, the matrix embed
and the builder, oEmbed, health and the spec itself), on a server of its own, so
the two pytest-xdist workers share the run."""

from __future__ import annotations

import pytest

from .contract_run import run_contract

pytestmark = pytest.mark.slow


def test_schemathesis_finds_no_failures_in_the_rest(tmp_path):
    run_contract(tmp_path, "rest")
