"""openapi.yaml is a promise: it is what the code generates, and it is a valid document."""

from __future__ import annotations

import yaml
from openapi_spec_validator import validate

from ..contract import SPEC_PATH, spec_dict


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
    assert "/docs/assets/swagger-ui-bundle.js" in html
    assert '"validatorUrl": null' in html  # never sends the spec to validator.swagger.io
    assert "https://" not in html and "http://" not in html.replace("http://localhost", "")
    asset = client.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
