"""Liveness, readiness, metrics and the committed contract."""

from __future__ import annotations

import hashlib
import json

import marshmallow as ma
from flask import Response, current_app
from flask.views import MethodView

from .. import database, metrics
from ..http.args import Blueprint
from ..http.problems import Problem
from ..store.engine import why_not_writable

blp = Blueprint("operations", __name__, url_prefix="", description="Health and the contract.")


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"example": "ok"})


class ReadySchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={
        "enum": ["ready", "read-only"],
        "description": "`ready`: reads and writes can succeed. `read-only`: reads are "
                       "answered, writes cannot succeed now (see `writes`).",
        "example": "ready"})
    data_version = ma.fields.Integer(required=True, metadata={
        "description": "Sequence number of the latest write; changes whenever the data does."})
    writable = ma.fields.Boolean(required=True, metadata={
        "description": "Whether a write can succeed now.", "example": True})
    writes = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "Why writes cannot succeed, or null when they can.", "example": None})


@blp.route("/healthz")
class Health(MethodView):
    @blp.doc(operationId="getHealth")
    @blp.response(200, HealthSchema)
    def get(self):
        """Liveness: the process answers"""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.doc(operationId="getReadiness")
    @blp.response(200, ReadySchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self):
        """Readiness: the database answers reads, and says whether writes can succeed

        503 when reads fail. When only writes cannot succeed (a read-only disk or
        database) the answer stays 200 with `status: read-only`, so a load balancer
        keeps sending readers here while monitoring sees `writable: false`.
        """
        try:
            version = database.record().version
            why_not = why_not_writable(database.engine())
        except Exception as exc:  # any failure to reach the database means not ready
            raise Problem(503, "database-unavailable", "The database cannot be reached.",
                          headers={"Retry-After": "5"}) from exc
        return {"status": "read-only" if why_not else "ready", "data_version": version,
                "writable": why_not is None, "writes": why_not}


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.doc(operationId="getMetrics")
    @blp.response(200, {"type": "string", "description": "Prometheus text exposition format."},
                  content_type="text/plain",
                  example="# TYPE standpoint_webhook_backlog gauge\nstandpoint_webhook_backlog 0.0\n")
    def get(self):
        """Metrics for Prometheus, summed over this instance's workers

        Requests by route template and status, latency histograms, the webhook
        backlog and the age of its oldest delivery, rate-limit storage fallbacks
        and database errors. Never rate-limited nor cached; compose's nginx does
        not pass it to the public (README, "Metrics").
        """
        body, content_type = metrics.exposition()
        return Response(body, content_type=content_type)


def _contract(kind: str) -> Response:
    """The OpenAPI document, rendered once per process (it is the same until the
    code changes) and named by a hash of its bytes, so a 304 costs nothing."""
    documents = current_app.extensions.setdefault("standpoint.contract", {})
    if kind not in documents:
        spec = current_app.extensions["standpoint.api"].spec
        body = (spec.to_yaml() if kind == "yaml" else json.dumps(spec.to_dict())).encode()
        documents[kind] = body, hashlib.blake2b(body, digest_size=12).hexdigest()
    body, etag = documents[kind]
    response = Response(body, mimetype=f"application/{kind}")
    response.set_etag(etag)
    return response


@blp.route("/openapi.yaml")
class Contract(MethodView):
    @blp.doc(operationId="getOpenApiDocument")
    # Declared as what a YAML parser reads from the body (a mapping), as clients and
    # schemathesis validate it, not as the text it is sent as.
    @blp.response(200, {"type": "object", "description": "The OpenAPI document in YAML."},
                  content_type="application/yaml",
                  example={"openapi": "3.1.0", "info": {"title": "Standpoint", "version": "1.0.0"}})
    def get(self):
        """The OpenAPI document, as committed in openapi.yaml

        The contract every answer of this server keeps; the same document as
        `/openapi.json`. Conditional requests (If-None-Match) are answered 304.
        """
        return _contract("yaml")


@blp.route("/openapi.json")
class ContractJson(MethodView):
    @blp.doc(operationId="getOpenApiDocumentJson")
    @blp.response(200, {"type": "object"}, content_type="application/json",
                  example={"openapi": "3.1.0", "info": {"title": "Standpoint", "version": "1.0.0"}})
    def get(self):
        """The OpenAPI document, as JSON

        The same document as `/openapi.yaml`, for tools that read JSON.
        """
        return _contract("json")
