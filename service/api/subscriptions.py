"""/v1/subscriptions: webhooks of position changes, managed with an admin key.

A subscription names a target URL and filters (actors, topics, verdicts); each
position event a write causes is queued for every subscription it passes, and
the delivery worker (`flask --app service webhooks deliver`) sends it, signed
the Standard Webhooks way with the subscription's secret, shown once here at
creation. Deliveries are listed with their last error and can be queued again.
"""

from __future__ import annotations

import dataclasses
import json

import marshmallow as ma
from flask import current_app, url_for
from flask.views import MethodView

from .. import database
from ..domain.diff import CHANGE_VERDICTS
from ..http.args import Blueprint
from ..http.problems import Problem
from ..store import subscriptions as subs
from ..store import write as w
from ..store.engine import write_transaction
from ..webhooks import targets
from .auth import current_key, requires
from .pagination import PAGINATION_HEADERS, PageArgs, page_schema, paged
from .writes import write_operation

blp = Blueprint("subscriptions", __name__, url_prefix="/v1/subscriptions",
                description="Webhooks: signed position events pushed to a newsroom (scope admin).")

SUBSCRIPTION_ID = {"in": "path", "name": "subscription_id", "example": "sub_5c0b9e3f1a2d4e6f"}
DELIVERY_ID = {"in": "path", "name": "delivery_id", "example": "msg_0c7d1e9a5b3f2a4c6e8d0b1f"}
URL_PATTERN = r"^https?://[!-~]+$"  # visible ASCII: percent-encode the rest
ID_ITEM = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
FILTER_DOC = "Empty or absent: every {}."


class SubscriptionSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": "sub_5c0b9e3f1a2d4e6f"})
    url = ma.fields.String(required=True, metadata={
        "example": "https://newsroom.example/standpoint-hook"})
    description = ma.fields.String(allow_none=True, required=True, metadata={
        "example": "Live desk: moves by Russia, Ukraine and the US"})
    actors = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": FILTER_DOC.format("actor"), "example": ["russia", "ukraine", "us"]})
    topics = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": FILTER_DOC.format("topic"), "example": []})
    verdicts = ma.fields.List(ma.fields.String(metadata={"enum": list(CHANGE_VERDICTS)}),
                              required=True, metadata={
        "description": FILTER_DOC.format("verdict"),
        "example": ["first_stated", "shifted", "reversed", "withdrawn"]})
    status = ma.fields.String(required=True, metadata={
        "enum": list(subs.STATUSES), "example": "active",
        "description": "`paused`: events are kept and sent once it is `active` again."})
    created_at = ma.fields.AwareDateTime(required=True, metadata={
        "example": "2025-03-21T09:30:00+00:00"})
    created_by = ma.fields.String(required=True, metadata={"example": "data-team"})
    updated_at = ma.fields.AwareDateTime(required=True, metadata={
        "example": "2025-03-21T09:30:00+00:00"})
    updated_by = ma.fields.String(required=True, metadata={"example": "data-team"})


class NewSubscriptionSchema(SubscriptionSchema):
    secret = ma.fields.String(required=True, metadata={
        "description": "The signing secret (Standard Webhooks, `whsec_` and base64). Shown "
                       "this once: store it with your receiver.",
        "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})


SubscriptionPageSchema = page_schema(SubscriptionSchema, "SubscriptionPage")


class SubscriptionChangesSchema(ma.Schema):
    url = ma.fields.String(validate=[ma.validate.Length(max=2000), ma.validate.Regexp(
        URL_PATTERN, error="Not an http(s) URL.")], metadata={
        "description": "Where events are POSTed: http(s), answering 2xx; no redirect is "
                       "followed. Private, loopback and link-local addresses are refused "
                       "(422 `unsafe-target`) unless the server allows them.",
        "example": "https://newsroom.example/standpoint-hook"})
    description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200),
                                   metadata={"example": "Live desk"})
    actors = ma.fields.List(ID_ITEM, validate=ma.validate.Length(max=50), metadata={
        "description": "Actor ids or aliases. " + FILTER_DOC.format("actor"),
        "example": ["russia", "ukraine", "us"]})
    topics = ma.fields.List(ID_ITEM, validate=ma.validate.Length(max=50), metadata={
        "description": "Topic ids. " + FILTER_DOC.format("topic"), "example": []})
    verdicts = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(CHANGE_VERDICTS)),
                              validate=ma.validate.Length(max=len(CHANGE_VERDICTS)), metadata={
        "description": FILTER_DOC.format("verdict"),
        "example": ["first_stated", "shifted", "reversed", "withdrawn"]})
    status = ma.fields.String(validate=ma.validate.OneOf(subs.STATUSES), metadata={
        "description": "`paused` to hold deliveries, `active` to resume.", "example": "paused"})


class SubscriptionInSchema(SubscriptionChangesSchema):
    """A new subscription: it starts `active`."""

    class Meta:
        exclude = ("status",)

    url = ma.fields.String(required=True, validate=[ma.validate.Length(max=2000), ma.validate.Regexp(
        URL_PATTERN, error="Not an http(s) URL.")], metadata={
        "description": SubscriptionChangesSchema._declared_fields["url"].metadata["description"],
        "example": "https://newsroom.example/standpoint-hook"})


class DeliverySchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={
        "description": "The `webhook-id` header: the same on every attempt; dedupe by it.",
        "example": "msg_0c7d1e9a5b3f2a4c6e8d0b1f"})
    subscription = ma.fields.String(attribute="subscription_id", required=True,
                                    metadata={"example": "sub_5c0b9e3f1a2d4e6f"})
    status = ma.fields.String(required=True, metadata={
        "enum": list(subs.DELIVERY_STATUSES), "example": "failed",
        "description": "`failed` once every retry of the schedule (about 24 hours) failed."})
    attempts = ma.fields.Integer(required=True, metadata={"example": 11})
    next_attempt_at = ma.fields.AwareDateTime(allow_none=True, required=True, metadata={
        "description": "When a pending delivery is tried next.", "example": None})
    last_attempt_at = ma.fields.AwareDateTime(allow_none=True, required=True, metadata={
        "example": "2025-03-22T09:31:05+00:00"})
    last_status = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "The HTTP status of the last attempt, if it got one.", "example": 503})
    last_error = ma.fields.String(allow_none=True, required=True, metadata={
        "example": "HTTP 503"})
    delivered_at = ma.fields.AwareDateTime(allow_none=True, required=True,
                                           metadata={"example": None})
    created_at = ma.fields.AwareDateTime(required=True, metadata={
        "example": "2025-03-21T09:30:00+00:00"})
    event = ma.fields.Dict(required=True, metadata={
        "description": "The body sent: `type` (`position.changed`), `timestamp` and `data` "
                       "(actor, topic, date, change, current, from, to, verdict, distance, "
                       "direction, conditions_added, conditions_removed, summary, statement).",
        "example": {"type": "position.changed", "timestamp": "2025-03-21T09:30:00+00:00",
                    "data": {"actor": "ukraine", "topic": "ceasefire_scope",
                             "verdict": "shifted", "summary": "Ukraine moved narrower: ..."}}})


DeliveryPageSchema = page_schema(DeliverySchema, "DeliveryPage")


class DeliveryArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(subs.DELIVERY_STATUSES), metadata={
        "description": "Only deliveries in this state, e.g. `failed`."})


def _delivery(row) -> dict:
    return {**{key: subs.utc(value) if key.endswith("_at") else value
               for key, value in row._mapping.items()}, "event": json.loads(row.body)}


def _safe(url: str) -> None:
    try:
        targets.check_target(url, current_app.config["WEBHOOK_ALLOWED_TARGETS"])
    except targets.UnsafeTarget as exc:
        raise Problem(422, "unsafe-target", f"Webhooks cannot be sent to {url}: {exc}.",
                      errors={"url": [str(exc)]}) from exc


def _not_found(exc: w.NotFound) -> Problem:
    return Problem(404, "unknown-subscription", exc.detail)


def _change(perform):
    """Run `perform(conn)` in a write transaction, its refusals as problems.

    Subscriptions do not honour Idempotency-Key: a creation's answer holds the
    secret, which is shown once and kept nowhere else, and a replayed answer could
    name a subscription deleted since. A retried creation makes a second
    subscription, which the list shows and DELETE removes."""
    try:
        with write_transaction(database.engine()) as conn:
            return perform(conn)
    except w.NotFound as exc:
        raise _not_found(exc) from exc
    except w.Invalid as exc:
        raise Problem(422, "unprocessable", exc.detail, **exc.extensions) from exc


def _location(subscription) -> dict:
    return {"Location": url_for("subscriptions.SubscriptionItem",
                                subscription_id=subscription.id)}


@blp.route("")
class Subscriptions(MethodView):
    @requires(blp, "admin", body=False)
    @blp.read("listSubscriptions", SubscriptionPageSchema, PageArgs, headers=PAGINATION_HEADERS)
    def get(self, args):
        """List webhook subscriptions (scope admin)

        Oldest first; the secrets are never shown again.
        """
        with database.engine().connect() as conn:
            return paged(args, lambda offset, limit: subs.listing(conn, offset, limit))

    @write_operation(blp, "admin", "createSubscription", NewSubscriptionSchema,
                     body=SubscriptionInSchema, headers=None, refusals=(422,), written={
                         "Location": {"description": "The subscription.",
                                      "schema": {"type": "string"}}})
    def post(self, data):
        """Subscribe a URL to position events (scope admin)

        Answers 201 with the signing `secret`, shown this once. A target on a private,
        loopback or link-local address is 422 `unsafe-target`; an unknown actor or
        topic in the filters is 422. Idempotency-Key is not honoured here (a replay
        would show the secret again): a retried creation makes a second subscription.
        """
        _safe(data["url"])
        by = current_key().name
        subscription, secret = _change(lambda conn: subs.create(conn, data, by))
        return ({**dataclasses.asdict(subscription), "secret": secret}, 201,
                _location(subscription))


@blp.route("/<string:subscription_id>", parameters=[SUBSCRIPTION_ID])
class SubscriptionItem(MethodView):
    @requires(blp, "admin", body=False)
    @blp.read("getSubscription", SubscriptionSchema, refusals=(404,))
    def get(self, subscription_id):
        """Get one subscription (scope admin)

        Its target, filters and status; never its secret.
        """
        try:
            with database.engine().connect() as conn:
                return subs.get(conn, subscription_id)
        except w.NotFound as exc:
            raise _not_found(exc) from exc

    @write_operation(blp, "admin", "updateSubscription", SubscriptionSchema,
                     body=SubscriptionChangesSchema, headers=None, refusals=(404, 422), status=200)
    def patch(self, changes, subscription_id):
        """Change, pause or resume a subscription (scope admin)

        Send the fields that change: `status` `paused` holds deliveries (events are still
        queued), `active` resumes them. Sending the same change twice changes nothing more.
        """
        if "url" in changes:
            _safe(changes["url"])
        by = current_key().name
        return _change(lambda conn: subs.update(conn, subscription_id, changes, by))

    @write_operation(blp, "admin", "deleteSubscription", SubscriptionSchema, headers=None,
                     refusals=(404,), status=200)
    def delete(self, subscription_id):
        """Delete a subscription (scope admin)

        Answers with the subscription as it was. Its queued and past deliveries go with
        it; nothing more is sent.
        """
        return _change(lambda conn: subs.delete(conn, subscription_id))


@blp.route("/<string:subscription_id>/deliveries", parameters=[SUBSCRIPTION_ID])
class Deliveries(MethodView):
    @requires(blp, "admin", body=False)
    @blp.read("listDeliveries", DeliveryPageSchema, DeliveryArgs, headers=PAGINATION_HEADERS,
              refusals=(404,))
    def get(self, args, subscription_id):
        """List a subscription's deliveries (scope admin)

        Newest event first, each with its state, attempts, last HTTP status and last error,
        and the event itself.
        """
        def listing(offset: int, limit: int):
            rows, total = subs.deliveries(conn, subscription_id, args.get("status"), offset,
                                          limit)
            return [_delivery(row) for row in rows], total

        try:
            with database.engine().connect() as conn:
                return paged(args, listing)
        except w.NotFound as exc:
            raise _not_found(exc) from exc


@blp.route("/<string:subscription_id>/deliveries/<string:delivery_id>/redelivery",
           parameters=[SUBSCRIPTION_ID, DELIVERY_ID])
class Redelivery(MethodView):
    @write_operation(blp, "admin", "redeliverDelivery", DeliverySchema, headers=None,
                     refusals=(404,), status=202)
    def post(self, subscription_id, delivery_id):
        """Send a delivery again (scope admin)

        Queues it now with a fresh retry schedule, whatever its state (a failed one, once
        the receiver is fixed). It keeps its `webhook-id`. No body.
        """
        return _delivery(_change(lambda conn: subs.redeliver(conn, subscription_id,
                                                             delivery_id)))
