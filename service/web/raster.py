"""PNG rasterisation in a small pool of processes beside each web worker.

resvg holds the GIL for the whole render (0.1 s for a bundled chart, seconds
for a long step chart), so in the web worker it would stall every other request
that worker serves, whatever gunicorn's worker class. The pool's processes run
at a lower priority: when the CPU is short, the web workers' requests win.
Measurements: docs/PERFORMANCE.md, "Renders".
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
from concurrent.futures.process import BrokenProcessPool

import resvg_py
from flask import current_app

from ..http.problems import Problem

# Renders yield the CPU to requests (nice 10 weighs about a tenth of nice 0 on Linux).
NICENESS = 10

_lock = threading.Lock()
_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_pid: int | None = None


def _executor(size: int) -> concurrent.futures.ProcessPoolExecutor:
    """This process's pool, made on first use: a gunicorn worker forked from a
    master that had one must not share it."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            # spawn: a fresh interpreter that imports resvg alone, never a copy
            # of a worker's event loop, connections or monkey-patched threads.
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=size, mp_context=multiprocessing.get_context("spawn"),
                initializer=os.nice, initargs=(NICENESS,))
            _pool_pid = os.getpid()
        return _pool


def _discard(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def png(document: str, width: int | None = None) -> bytes:
    """The SVG document as a PNG `width` pixels wide (default: twice its size), on a
    white background (the chart's own paper covers it in the dark theme)."""
    config = current_app.config
    options = {"svg_string": document, "background": "#ffffff",
               **({"width": width} if width else {"zoom": 2.0})}
    if config["RENDER_PROCESSES"] == 0:  # in this process: the benchmark's "before"
        return resvg_py.svg_to_bytes(**options)
    pool = _executor(config["RENDER_PROCESSES"])
    try:
        future = pool.submit(resvg_py.svg_to_bytes, **options)
        return future.result(timeout=config["RENDER_TIMEOUT"])
    except concurrent.futures.TimeoutError:
        future.cancel()  # if it has not started, nobody renders it for nothing
        raise Problem(503, "render-busy", "Too many images are being drawn; retry shortly.",
                      headers={"Retry-After": "5"}) from None
    except BrokenProcessPool:  # a render process died (killed, out of memory): start afresh
        _discard(pool)
        raise Problem(503, "render-busy", "The image could not be drawn; retry shortly.",
                      headers={"Retry-After": "5"}) from None
