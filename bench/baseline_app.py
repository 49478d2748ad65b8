"""The yardstick for revalidations: a bare Flask app answering If-None-Match
with 304 in the simplest way Flask can (its own ETag and `make_conditional`).

`make bench` runs it under the very same gunicorn configuration as Standpoint
(gunicorn.conf.py, same workers, same CPU), so the ratio between the two
304 rates is the cost of Standpoint itself over the framework and server.
"""

from flask import Flask, request

app = Flask(__name__)

DOCUMENT = {"status": "ok", "service": "baseline", "items": [1, 2, 3]}


@app.get("/")
def index():
    response = app.make_response(DOCUMENT)
    response.add_etag()  # a hash of the body, as Flask offers it
    return response.make_conditional(request)


@app.get("/readyz")
def ready():
    # What the bench's and the tests' server starter (tests/servers/server.py) waits for.
    return {"status": "ready"}
