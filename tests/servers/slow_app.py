"""The real app behind a middleware that can hold a request, for the graceful-shutdown test:
`gunicorn -c gunicorn.conf.py tests.servers.slow_app:app`, then send `X-Test-Hold: <seconds>`."""

import time

from service.wsgi import app as _app


def app(environ, start_response):
    hold = environ.get("HTTP_X_TEST_HOLD")
    if hold:
        time.sleep(min(float(hold), 30))
    return _app(environ, start_response)
