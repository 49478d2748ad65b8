"""The yardstick: a bare Flask app answering a small fixed JSON document.

The benchmark runs it under the very same gunicorn configuration as
Standpoint, so the ratio between the two is the cost of Standpoint itself
over the framework and server.
"""

from flask import Flask

app = Flask(__name__)

DOCUMENT = {"status": "ok", "service": "baseline", "items": [1, 2, 3]}


@app.get("/")
def index():
    return DOCUMENT
