"""gunicorn settings for `make run`, the Dockerfile and the benchmarks.

Migrations and the first-start seed run once, in the master, before any
worker forks: workers never race each other over the schema.
"""

import os

wsgi_app = "service.wsgi:app"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # the app writes its own structured access log
errorlog = "-"


def on_starting(server):
    from service import create_app

    create_app()  # PREPARE_DATABASE defaults on: migrate and seed here, once
    # Workers inherit this and skip the preparation.
    os.environ["STANDPOINT_PREPARE_DATABASE"] = "0"

# The longest request line gunicorn accepts (its maximum); longer ones, like gunicorn's
# other refusals before the app runs, are answered in problem+json, not gunicorn's HTML.
limit_request_line = 8190

from service.gunicorn_errors import install as _answer_errors_as_problems  # noqa: E402

_answer_errors_as_problems()
