"""Checks every response the test suite receives against the committed openapi.yaml."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from werkzeug.exceptions import ClientDisconnected

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"

# Not part of the contract: the documentation UI, the embed pages' static
# assets (the embed pages themselves are documented) and the newsroom's desk
# (pages for people behind a session, not an API: docs/DESK.md).
UNDOCUMENTED_PREFIXES = ("/docs", "/openapi.json", "/embed/assets/", "/desk/")
EMBED_PREFIX = "/embed/"
DESK_PREFIX = "/desk/"


@lru_cache(maxsize=1)
def spec_dict() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text("utf-8"))


def _text(data) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else data


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    config = Config(extra_media_type_deserializers={
        # openapi-core does not read the +json suffix as JSON by itself.
        "application/problem+json": json.loads,
        # CSV and HTML are documented as strings: validate that they are text (UTF-8).
        "text/csv": _text,
        "text/html": _text,
        # The YAML document is declared as what a YAML parser reads from it.
        "application/yaml": lambda data: yaml.safe_load(_text(data)),
    })
    return OpenAPI.from_dict(spec_dict(), config=config)


class _Request(WerkzeugOpenAPIRequest):
    """The request as the response validator sees it. Only responses are
    checked; a body the app already consumed cannot (and need not) be re-read."""

    @property
    def body(self):
        try:
            return super().body
        except ClientDisconnected:
            return None


def problem_schema() -> dict:
    spec = spec_dict()
    return {**spec["components"]["schemas"]["Problem"], "components": spec["components"]}


# The app does not compress (the front does); a gzipped answer, from a proxy, is read as such.
DECODERS = {"gzip": gzip.decompress}


def decoded(response):
    """The response as the client's HTTP library hands it over: decompressed."""
    encoding = response.headers.get("Content-Encoding")
    if encoding not in DECODERS:
        return response
    headers = [(k, v) for k, v in response.headers.items()
               if k not in ("Content-Encoding", "Content-Length")]
    return response.__class__(DECODERS[encoding](response.get_data()),
                              status=response.status_code, headers=headers,
                              request=response.request)


def check_response(response) -> None:
    """Raise if the response is not what openapi.yaml promises."""
    response = decoded(response)
    request = response.request
    path = request.path
    if response.status_code >= 400 and path.startswith(EMBED_PREFIX):
        # An iframe cannot show JSON: errors on embed routes are frameable pages.
        assert response.mimetype == "text/html", (path, response.status_code, response.data[:200])
        assert "frame-ancestors 'none'" not in response.headers["Content-Security-Policy"]
    elif response.status_code >= 400 and path.startswith(DESK_PREFIX):
        # The desk's errors are pages of the desk, never framed.
        assert response.mimetype == "text/html", (path, response.status_code, response.data[:200])
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    elif response.status_code >= 400:
        # Every other error, on any path, documented or not, is problem+json.
        assert response.mimetype == "application/problem+json", (path, response.status_code, response.data[:200])
        jsonschema.validate(response.get_json(), problem_schema())
        body = response.get_json()
        assert body["status"] == response.status_code
    if path.startswith(UNDOCUMENTED_PREFIXES):
        return
    if request.method == "OPTIONS" and response.status_code < 400:
        return  # a CORS preflight: answered by the CORS layer, not an API operation
    try:
        openapi().validate_response(_Request(request), WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        # Unknown paths must be errors (checked above); a 2xx on an undocumented path is a broken promise.
        assert response.status_code >= 400, f"{path} answers {response.status_code} but is not in openapi.yaml"


class ContractClient(FlaskClient):
    """A test client that validates every response against openapi.yaml."""

    validate = True

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if self.validate:
            check_response(response)
        return response
