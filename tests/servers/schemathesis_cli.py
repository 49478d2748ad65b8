"""schemathesis' command line, with `ast.parse` made safe to call from two threads.

CPython up to 3.11.7 can raise a spurious "SystemError: AST constructor recursion
depth mismatch" when threads parse source at the same time (python/cpython#106905,
fixed in later releases). Hypothesis parses lambda sources to describe strategies,
and schemathesis runs its workers as threads, so on this machine's Python a contract
run could fail for a reason that has nothing to do with the API (seen in CI).
One lock around `ast.parse` keeps the run about the API; it changes nothing else.

    python -m tests.servers.schemathesis_cli run openapi.yaml --url ...
"""

from __future__ import annotations

import ast
import sys
import threading

if sys.version_info < (3, 12):
    _parse, _lock = ast.parse, threading.Lock()

    def _serial_parse(*args, **kwargs):
        with _lock:
            return _parse(*args, **kwargs)

    ast.parse = _serial_parse

from schemathesis.cli import schemathesis  # noqa: E402 (after the patch it needs)

if __name__ == "__main__":
    sys.exit(schemathesis())
