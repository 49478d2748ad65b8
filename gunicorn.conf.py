"""gunicorn settings for `make run`, the Dockerfile and the benchmarks.

Migrations and the first-start seed run once, from the master, before any
worker forks: workers never race each other over the schema.
"""

import os
import shutil
import subprocess
import sys
import tempfile

wsgi_app = "service.wsgi:app"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gevent: each connection is a greenlet, so a client that is slow to send its request
# (or to read its answer) holds a few kilobytes, never a worker. With sync workers two
# slowloris sockets stalled the service; see docs/RELIABILITY.md, "Slow clients".
# gevent's weakness, CPU work inside a request, is kept out: PNG renders run in
# processes of their own (service/web/raster.py; docs/PERFORMANCE.md, "Renders").
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# /metrics sums every worker's counts (prometheus-client's multiprocess mode): they share
# one folder of files, empty at each start. Set here, before anything imports
# prometheus_client (the import below does), since it reads the variable once.
# An operator's own folder is emptied; otherwise a new one, in memory where there is /dev/shm.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"])
else:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="standpoint-metrics-",
                                                              dir=worker_tmp_dir)
timeout = 30
graceful_timeout = 20
keepalive = 5
# gunicorn's own access log: one JSON line per request on stderr, with the
# request id the app sends back (STANDPOINT_ACCESS_LOG=0 turns it off).
accesslog = "-" if os.environ.get("STANDPOINT_ACCESS_LOG", "1") == "1" else None
access_log_format = (
    '{"ts":"%(t)s","method":"%(m)s","path":"%(U)s","query":"%(q)s","status":%(s)s,'
    '"bytes":%(B)s,"duration_ms":%(M)s,"request_id":"%({x-request-id}o)s","remote":"%(h)s"}'
)
errorlog = "-"
# gunicorn 27 opens a control socket at one fixed path per user; several
# instances on one host (tests, bench, scale-out) would fight over it.
control_socket_disable = True


def on_starting(server):
    # PREPARE_DATABASE defaults on: migrate and seed here, once, in a child
    # process, so the master stays small (every worker starts as a copy of
    # it) and never holds a database connection across the fork.
    subprocess.run([sys.executable, "-c", "from service import create_app; create_app()"],
                   check=True)
    # Workers inherit this and skip the preparation.
    os.environ["STANDPOINT_PREPARE_DATABASE"] = "0"


def child_exit(server, worker):
    # A dead worker's gauges go; its counters stay in the sums (prometheus-client's rule).
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").startswith(
            os.path.join(worker_tmp_dir or tempfile.gettempdir(), "standpoint-metrics-")):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


# The longest request line gunicorn accepts (its maximum); longer ones, like gunicorn's
# other refusals before the app runs, are answered in problem+json, not gunicorn's HTML.
limit_request_line = 8190

from service.gunicorn_errors import install as _answer_errors_as_problems  # noqa: E402

_answer_errors_as_problems()
