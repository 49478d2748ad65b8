"""openapi.yaml is a promise: it is what the code generates, and it is a valid document."""

from __future__ import annotations

import re

import pytest
import yaml
from openapi_spec_validator import validate

from ..contract import SPEC_PATH, spec_dict

pytestmark = pytest.mark.read_only


def test_committed_spec_is_what_the_code_generates(app):
    generated = app.extensions["standpoint.api"].spec.to_dict()
    committed = yaml.safe_load(SPEC_PATH.read_text("utf-8"))
    assert committed == generated, "openapi.yaml is stale: run `make spec` and commit it"


def test_committed_spec_is_valid_openapi():
    validate(spec_dict())


def test_every_operation_has_a_unique_operation_id_and_documents_errors():
    seen = set()
    for path, item in spec_dict()["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operation_id = operation.get("operationId")
            assert operation_id, f"{method.upper()} {path} has no operationId"
            assert operation_id not in seen, f"duplicate operationId {operation_id}"
            seen.add(operation_id)
            assert "default" in operation["responses"], f"{operation_id} documents no error response"


def test_errors_are_documented_as_problem_json():
    responses = spec_dict()["components"]["responses"]
    for name, response in responses.items():
        for media_type in response.get("content", {}):
            assert media_type == "application/problem+json", name


def test_served_spec_is_the_committed_one(client):
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.data) == spec_dict()


def test_docs_page_uses_only_local_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html and "<title>Standpoint API documentation</title>" in html
    assert 'data-spec-url="/openapi.json"' in html
    assert "https://" not in html and "http://" not in html.replace("http://localhost", "")
    # Scripts are files of this origin only (no inline script), named by their digest.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/docs/assets/' in attributes for attributes in scripts)
    assets = re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', html)
    assert {a.split("?")[0].rsplit("/", 1)[1] for a in assets} == {
        "swagger-ui-bundle.js", "swagger-ui.css", "docs.js", "docs.css"}
    for url in assets:
        asset = client.get(url.replace("&amp;", "&"))
        assert asset.status_code == 200, url
        assert "max-age=31536000" in asset.headers["Cache-Control"], url
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").data
    assert len(bundle) > 1_000_000 and b"SwaggerUIBundle" in bundle
    # Never sends the document to validator.swagger.io.
    assert b"validatorUrl: null" in client.get("/docs/assets/docs.js").data
    assert client.get("/docs/assets/LICENSE").status_code == 200


def test_the_json_document_is_the_same_contract(client):
    assert client.get("/openapi.json").get_json() == spec_dict()


def test_the_document_is_rendered_once_and_revalidated_for_nothing(app, client, monkeypatch):
    first = client.get("/openapi.yaml")
    spec = app.extensions["standpoint.api"].spec

    def render_again(*args, **kwargs):
        raise AssertionError("the document was rendered a second time")

    monkeypatch.setattr(spec, "to_yaml", render_again)
    monkeypatch.setattr(spec, "to_dict", render_again)
    again = client.get("/openapi.yaml")
    assert again.data == first.data
    assert client.get("/openapi.yaml",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    # A cache-busting query is the same document, known by the same ETag.
    assert client.get("/openapi.yaml?_=123",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
